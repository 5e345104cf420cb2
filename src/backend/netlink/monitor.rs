//! The monitor's subscription: a NETLINK_ROUTE socket in the link,
//! neighbour and multicast database groups, read as many datagrams at a
//! time as are queued, into one reused buffer, and decoded in place into
//! `Notice`s (no allocation per message); and a second socket for the
//! dumps that give the starting state and resynchronise after a loss.
//!
//! Links come in both families: a bridge's creation, deletion and STP
//! state only in AF_UNSPEC messages (IFLA_LINKINFO), a port's STP state
//! changes only in AF_BRIDGE ones (IFLA_PROTINFO). Neighbours and groups
//! count only in AF_BRIDGE messages with a bridge as master: the same group
//! carries the bridge device's own ARP and ND neighbours, which are not
//! forwarding entries.

use std::cell::Cell;
use std::ops::ControlFlow;
use std::os::fd::AsRawFd;

use neli::consts::nl::NlmF;
use neli::consts::rtnl::Rtm;
use neli::consts::socket::NlFamily;
use neli::socket::NlSocket;
use neli::utils::Groups;

use super::decode::{c_str, link_info, u32_at, uint, Attrs, LinkInfo};
use super::frame::{io_errno, split_message};
use super::mdb::mdb_entry;
use super::request::{bridge_dump_request, ifinfomsg, mdb_dump_request};
use super::{uapi, Answer, NetlinkBackend, DUMP_ATTEMPTS};
use crate::backend::watch::{GroupNotice, LinkNotice, MacNotice, Notice, Wake, Watch};
use crate::backend::Errno;
use crate::model::FdbFlags;

/// What the socket may queue before the kernel drops notifications
/// (ENOBUFS). Forced past `net.core.rmem_max` where we may (CAP_NET_ADMIN
/// in the initial namespace), else as much as rmem_max allows. Only what
/// is queued is charged, so a quiet bridge costs nothing for it.
const QUEUE_BYTES: libc::c_int = 8 << 20;

/// How many datagrams one receive takes at most, and the room for each: a
/// notification is one message of a few hundred bytes, a link's a few KB.
const SLOTS: usize = 16;
const SLOT: usize = 16 * 1024;

/// The subscription and the socket its dumps go over.
pub struct Subscription {
    socket: NlSocket,
    /// SLOTS slots of SLOT bytes, reused for every receive.
    buffer: Vec<u8>,
    requests: NetlinkBackend,
}

impl Subscription {
    /// Subscribes first and dumps later (`snapshot`), so that nothing
    /// happens unseen between the two. SIGINT and SIGTERM end the process
    /// with exit status 0 from here on (see `end_quietly`).
    pub fn open() -> Result<Subscription, Errno> {
        let groups = Groups::new_groups(&[uapi::RTNLGRP_LINK, uapi::RTNLGRP_NEIGH, uapi::RTNLGRP_MDB]);
        let socket = NlSocket::connect(NlFamily::Route, None, groups).map_err(io_errno)?;
        let fd = socket.as_raw_fd();
        let size = QUEUE_BYTES;
        for option in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
            // SAFETY: setsockopt reads `size_of::<c_int>()` bytes from a
            // live c_int; the socket is ours and open.
            let done = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    option,
                    std::ptr::from_ref(&size).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if done == 0 {
                break;
            }
        }
        for signal in [libc::SIGINT, libc::SIGTERM] {
            // SAFETY: installs a handler that calls only _exit, which is
            // async-signal-safe; brctl has one thread.
            unsafe {
                libc::signal(signal, end_quietly as extern "C" fn(libc::c_int) as libc::sighandler_t);
            }
        }
        Ok(Subscription { socket, buffer: vec![0; SLOTS * SLOT], requests: NetlinkBackend::new()? })
    }
}

/// SIGINT and SIGTERM: the watch is over, which is success. The lines of
/// what was read are written before the monitor waits or pauses, and each
/// write holds whole lines, so exiting here cuts no line; only a signal in
/// the microseconds between a read and its write drops that read's lines.
extern "C" fn end_quietly(_signal: libc::c_int) {
    // SAFETY: _exit is async-signal-safe and ends the process at once.
    unsafe { libc::_exit(0) }
}

impl Watch for Subscription {
    fn snapshot(&mut self, each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> Result<Wake, Errno> {
        let stopped = Cell::new(false);
        let mut handle = |kind: u16, payload: &[u8]| {
            if !stopped.get() && notices(kind, payload, each).is_break() {
                stopped.set(true);
            }
        };
        // Bridges before their ports, ports before their entries.
        for dump in [Dump::Bridges, Dump::Ports, Dump::Macs, Dump::Groups] {
            let mut complete = false;
            for _ in 0..DUMP_ATTEMPTS {
                // Applying a message twice changes nothing, so an
                // interrupted dump is simply read again; an incomplete one
                // must not end a snapshot (what it missed would be `gone`).
                let (requests, none) = (&mut self.requests, NlmF::empty());
                let answer = match dump {
                    Dump::Bridges => {
                        requests.exchange(Rtm::Getlink, Answer::Dump, none, bridge_dump_request()?, &mut handle)
                    }
                    // One short AF_BRIDGE message per bridge port.
                    Dump::Ports => {
                        let body = ifinfomsg(uapi::AF_BRIDGE, 0, Vec::new())?;
                        requests.exchange(Rtm::Getlink, Answer::Dump, none, body, &mut handle)
                    }
                    Dump::Macs => {
                        let body = ifinfomsg(uapi::AF_BRIDGE, 0, Vec::new())?;
                        requests.exchange(Rtm::Getneigh, Answer::Dump, none, body, &mut handle)
                    }
                    Dump::Groups => requests.exchange(Rtm::Getmdb, Answer::Dump, none, mdb_dump_request(), &mut handle),
                };
                match answer {
                    Ok(true) => continue,
                    // A kernel without multicast snooping has no database.
                    Ok(false) | Err(_) if dump == Dump::Groups => {}
                    Ok(false) => {}
                    Err(errno) => return Err(errno),
                }
                complete = true;
                break;
            }
            if !complete {
                return Err(Errno(libc::EINTR));
            }
            if stopped.get() {
                return Ok(Wake::Stopped);
            }
        }
        Ok(Wake::Delivered)
    }

    fn next(&mut self, wait: bool, each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> Result<Wake, Errno> {
        // Every datagram queued, up to SLOTS, in one call: under a burst
        // one system call reads many notifications (recvmmsg, as neli has
        // no such call). MSG_WAITFORONE: wait for the first only.
        let flags = if wait { libc::MSG_WAITFORONE } else { libc::MSG_DONTWAIT };
        let mut iovecs = [libc::iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; SLOTS];
        for (iovec, slot) in iovecs.iter_mut().zip(self.buffer.chunks_exact_mut(SLOT)) {
            *iovec = libc::iovec { iov_base: slot.as_mut_ptr().cast(), iov_len: slot.len() };
        }
        // SAFETY: an all-zero mmsghdr is valid (null pointers, zero
        // lengths); only the iovec fields are set below.
        let mut headers: [libc::mmsghdr; SLOTS] = unsafe { std::mem::zeroed() };
        for (header, iovec) in headers.iter_mut().zip(iovecs.iter_mut()) {
            header.msg_hdr.msg_iov = iovec;
            header.msg_hdr.msg_iovlen = 1;
        }
        let count = loop {
            // SAFETY: recvmmsg fills at most SLOTS headers, each into its
            // own SLOT bytes of the buffer, through iovecs that live
            // across the call; the socket is ours; no timeout.
            let got = unsafe {
                libc::recvmmsg(
                    self.socket.as_raw_fd(),
                    headers.as_mut_ptr(),
                    SLOTS as libc::c_uint,
                    flags,
                    std::ptr::null_mut(),
                )
            };
            if let Ok(count) = usize::try_from(got) {
                break count;
            }
            match std::io::Error::last_os_error().raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EAGAIN) => return Ok(Wake::Empty),
                Some(libc::ENOBUFS) => return Ok(Wake::Lost),
                Some(errno) => return Err(Errno(errno)),
                None => return Err(Errno(libc::EIO)),
            }
        };
        let mut truncated = false;
        for (header, slot) in headers.iter().zip(self.buffer.chunks_exact(SLOT)).take(count) {
            // A datagram longer than its slot lost its end: as if the
            // kernel had dropped it (a snapshot follows).
            truncated |= header.msg_hdr.msg_flags & libc::MSG_TRUNC != 0;
            let length = usize::try_from(header.msg_len).unwrap_or(usize::MAX);
            let mut rest = slot.get(..length).unwrap_or_default();
            while let Some((header, payload, next)) = split_message(rest) {
                rest = next;
                if notices(header.ty, payload, each).is_break() {
                    return Ok(Wake::Stopped);
                }
            }
        }
        Ok(if truncated { Wake::Lost } else { Wake::Delivered })
    }
}

/// The dumps of a snapshot, in the order they are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dump {
    Bridges,
    Ports,
    Macs,
    Groups,
}

/// Hands each notice in one message to `each`: one for a link or a
/// neighbour, one per group for a multicast database message.
fn notices(kind: u16, payload: &[u8], each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> ControlFlow<()> {
    match kind {
        uapi::RTM_NEWLINK | uapi::RTM_DELLINK => match link_notice(payload, kind == uapi::RTM_DELLINK) {
            Some(link) => each(&Notice::Link(link)),
            None => ControlFlow::Continue(()),
        },
        uapi::RTM_NEWNEIGH | uapi::RTM_DELNEIGH => match mac_notice(payload, kind == uapi::RTM_DELNEIGH) {
            Some(mac) => each(&Notice::Mac(mac)),
            None => ControlFlow::Continue(()),
        },
        // A dump's messages are RTM_GETMDB (see `NetlinkBackend::mdb`).
        uapi::RTM_NEWMDB | uapi::RTM_GETMDB | uapi::RTM_DELMDB => {
            group_notices(payload, kind == uapi::RTM_DELMDB, each)
        }
        _ => ControlFlow::Continue(()),
    }
}

/// IFLA_BRPORT_STATE in a port's nested attributes (0, disabled, if absent).
fn port_state(attrs: &[u8]) -> u8 {
    Attrs(attrs)
        .find(|&(ty, _)| ty == uapi::IFLA_BRPORT_STATE)
        .and_then(|(_, value)| uint(value))
        .and_then(|state| u8::try_from(state).ok())
        .unwrap_or(0)
}

/// An RTM_NEWLINK or RTM_DELLINK payload (struct ifinfomsg + attributes).
pub(super) fn link_notice(payload: &[u8], deleted: bool) -> Option<LinkNotice<'_>> {
    let family = *payload.first()?;
    if family != uapi::AF_UNSPEC && family != uapi::AF_BRIDGE {
        return None;
    }
    let bridge_family = family == uapi::AF_BRIDGE;
    let mut link = LinkNotice { index: u32_at(payload, 4)?, deleted, bridge_family, ..LinkNotice::default() };
    for (ty, value) in Attrs(payload.get(uapi::IFINFOMSG_LEN..)?) {
        match ty {
            uapi::IFLA_IFNAME => link.name = c_str(value),
            uapi::IFLA_MASTER => link.master = u32_at(value, 0).filter(|&master| master != 0),
            uapi::IFLA_PROTINFO if bridge_family => link.port_state = Some(port_state(value)),
            uapi::IFLA_LINKINFO if !bridge_family => {
                let LinkInfo { kind, data, slave_kind, slave_data } = link_info(value);
                if kind == Some(b"bridge") {
                    link.is_bridge = true;
                    let stp = Attrs(data.unwrap_or_default()).find(|&(ty, _)| ty == uapi::IFLA_BR_STP_STATE);
                    link.stp = stp.and_then(|(_, value)| uint(value)).map(|state| state != 0);
                }
                if slave_kind == Some(b"bridge") {
                    link.port_state = Some(port_state(slave_data.unwrap_or_default()));
                }
            }
            _ => {}
        }
    }
    Some(link)
}

/// An AF_BRIDGE RTM_NEWNEIGH or RTM_DELNEIGH payload (struct ndmsg +
/// attributes) of an entry whose master is a bridge; None for any other
/// neighbour (ARP, ND, a port's own NTF_SELF list).
pub(super) fn mac_notice(payload: &[u8], deleted: bool) -> Option<MacNotice> {
    if *payload.first()? != uapi::AF_BRIDGE {
        return None;
    }
    let state = u16::from_ne_bytes([*payload.get(8)?, *payload.get(9)?]);
    let flags = *payload.get(10)?;
    if flags & uapi::NTF_SELF != 0 {
        return None;
    }
    let (mut mac, mut bridge, mut vlan) = (None, None, 0);
    for (ty, value) in Attrs(payload.get(uapi::NDMSG_LEN..)?) {
        match ty {
            uapi::NDA_LLADDR => mac = value.try_into().ok(),
            uapi::NDA_MASTER => bridge = u32_at(value, 0),
            uapi::NDA_VLAN => vlan = value.first_chunk::<2>().map_or(0, |v| u16::from_ne_bytes(*v)),
            _ => {}
        }
    }
    let local = state & uapi::NUD_PERMANENT != 0;
    let flags = FdbFlags::default()
        .with(FdbFlags::PERMANENT, local)
        .with(FdbFlags::STATIC, !local && state & uapi::NUD_NOARP != 0)
        .with(FdbFlags::OFFLOADED, flags & uapi::NTF_OFFLOADED != 0)
        .with(FdbFlags::EXTERN_LEARN, flags & uapi::NTF_EXT_LEARNED != 0)
        .with(FdbFlags::STICKY, flags & uapi::NTF_STICKY != 0);
    Some(MacNotice {
        bridge: bridge.filter(|&bridge| bridge != 0)?,
        port: u32_at(payload, 4)?,
        mac: mac?,
        vlan,
        flags,
        deleted,
        stale: state & uapi::NUD_STALE != 0,
    })
}

/// The groups of an MDB message (struct br_port_msg + MDBA_MDB), each
/// handed to `each`; router port messages carry none.
fn group_notices(
    payload: &[u8],
    deleted: bool,
    each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (Some(&uapi::AF_BRIDGE), Some(bridge)) = (payload.first(), u32_at(payload, 4)) else {
        return ControlFlow::Continue(());
    };
    let attrs = Attrs(payload.get(uapi::BR_PORT_MSG_LEN..).unwrap_or_default());
    let entries = attrs.filter(|&(ty, _)| ty == uapi::MDBA_MDB).flat_map(|(_, mdb)| Attrs(mdb));
    let infos = entries.filter(|&(ty, _)| ty == uapi::MDBA_MDB_ENTRY).flat_map(|(_, entry)| Attrs(entry));
    for (_, info) in infos.filter(|&(ty, _)| ty == uapi::MDBA_MDB_ENTRY_INFO) {
        if let Some(entry) = mdb_entry(info) {
            let group = GroupNotice { bridge, port: entry.port, group: entry.group, vlan: entry.vlan, deleted };
            each(&Notice::Group(group))?;
        }
    }
    ControlFlow::Continue(())
}

#[cfg(test)]
#[path = "tests/monitor.rs"]
mod tests;
