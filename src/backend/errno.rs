//! Kernel error numbers, as netlink or a syscall reports them.

use std::fmt;

/// A kernel error number, as netlink or a syscall reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    pub const ENOENT: Errno = Errno(libc::ENOENT);
    pub const ENODEV: Errno = Errno(libc::ENODEV);
    pub const ENXIO: Errno = Errno(libc::ENXIO);
    pub const EPERM: Errno = Errno(libc::EPERM);
    pub const EINVAL: Errno = Errno(libc::EINVAL);
    pub const EBUSY: Errno = Errno(libc::EBUSY);
    pub const EEXIST: Errno = Errno(libc::EEXIST);
    pub const ERANGE: Errno = Errno(libc::ERANGE);
    pub const ELOOP: Errno = Errno(libc::ELOOP);
    pub const EOPNOTSUPP: Errno = Errno(libc::EOPNOTSUPP);

    /// The C library's strerror text, as the original prints it.
    pub fn text(self) -> String {
        let mut text = std::io::Error::from_raw_os_error(self.0).to_string();
        // std appends " (os error N)"; the original prints strerror alone.
        if let Some(cut) = text.rfind(" (os error ") {
            text.truncate(cut);
        }
        text
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<std::io::Error> for Errno {
    fn from(err: std::io::Error) -> Errno {
        Errno(err.raw_os_error().unwrap_or(libc::EIO))
    }
}
