//! Message framing: a received datagram split into netlink messages, and
//! the kernel's and the socket's error codes as errnos.

use super::decode::u32_at;
use super::uapi::NLMSG_HDRLEN;
use crate::backend::Errno;

/// The OS error of a failed socket call.
pub(super) fn io_errno(err: std::io::Error) -> Errno {
    Errno(err.raw_os_error().unwrap_or(libc::EIO))
}

/// The fields of a netlink message header that replies are sorted by.
pub(super) struct Header {
    pub(super) ty: u16,
    pub(super) flags: u16,
    pub(super) seq: u32,
}

/// The first message of a datagram: its header, its payload and the rest of
/// the datagram after it (messages are 4-byte aligned). None when what is
/// left is too short for a header or shorter than its header claims.
pub(super) fn split_message(bytes: &[u8]) -> Option<(Header, &[u8], &[u8])> {
    let length = usize::try_from(u32_at(bytes, 0)?).ok()?;
    if length < NLMSG_HDRLEN || length > bytes.len() {
        return None;
    }
    let ty = u16::from_ne_bytes(bytes.get(4..6)?.try_into().ok()?);
    let flags = u16::from_ne_bytes(bytes.get(6..8)?.try_into().ok()?);
    let seq = u32_at(bytes, 8)?;
    let next = bytes.get(align4(length)..).unwrap_or(&[]);
    Some((Header { ty, flags, seq }, bytes.get(NLMSG_HDRLEN..length)?, next))
}

fn align4(length: usize) -> usize {
    length.saturating_add(3) & !3
}

pub(super) fn i32_at(bytes: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_ne_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// The errno of an NLMSG_ERROR or DONE code (negative on the wire).
pub(super) fn kernel_errno(code: i32) -> Errno {
    match code.checked_neg() {
        Some(errno) if errno > 0 => Errno(errno),
        _ => Errno(libc::EIO),
    }
}
