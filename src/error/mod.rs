//! One error type for the whole program. Each variant knows its message,
//! worded as the original brctl words it, and its exit code.

use crate::backend::{BridgeSetting, Errno, PortSetting};
use crate::values::{IfName, IfNameProblem, MacProblem, NumberProblem, VlanId, VlanIdsProblem};

mod wording;

pub use wording::shown;
use wording::{
    bad_bridge_value, bad_port_value, bridge_failed, integer_range, integer_rule, mac_rule, port_failed, range_rule,
};

/// Everything that can go wrong, each with the original's wording.
/// Names that passed the kernel's rule are `IfName`s; what was refused
/// is kept as the bytes given.
#[derive(Debug)]
pub enum Error {
    /// A name that breaks the kernel's rule (D1).
    BadName {
        name: Vec<u8>,
        problem: IfNameProblem,
    },
    /// A time that is not plain decimal seconds or does not fit (D2).
    BadTime {
        setting: BridgeSetting,
        arg: Vec<u8>,
        problem: NumberProblem,
    },
    /// A bridge priority that is not an integer in 0..=65535 (D3).
    BadBridgePriority {
        arg: Vec<u8>,
        problem: NumberProblem,
    },
    /// A path cost or port priority that is not a 32-bit integer (D3).
    BadPortValue {
        setting: PortSetting,
        arg: Vec<u8>,
        problem: NumberProblem,
    },
    /// Not one of on/yes/1/off/no/0.
    BadOnOff {
        arg: Vec<u8>,
    },
    /// The netlink socket could not be opened.
    Setup(Errno),
    /// addbr on a name that is taken.
    DeviceExists {
        name: IfName,
    },
    AddBridge(Errno),
    /// delbr on a missing name.
    DeleteMissingBridge {
        name: IfName,
    },
    DeleteUpBridge {
        name: IfName,
    },
    /// delbr on a device that is no bridge: the original's ioctl said EPERM.
    DeleteNotABridge {
        name: IfName,
    },
    DeleteBridge {
        name: IfName,
        errno: Errno,
    },
    /// `interface X does not exist!`
    NoSuchInterface {
        name: IfName,
    },
    /// `bridge X does not exist!`
    NoSuchBridge {
        name: IfName,
    },
    /// `device X is not a bridge!`
    NotABridge {
        name: IfName,
    },
    AlreadyMember {
        device: IfName,
        bridge: IfName,
    },
    BridgeAsPort {
        device: IfName,
    },
    AddInterface {
        device: IfName,
        bridge: IfName,
        errno: Errno,
    },
    /// `device X is not a port of Y` (delif; D4 for the port commands).
    NotAPort {
        device: IfName,
        bridge: IfName,
    },
    DeleteInterface {
        device: IfName,
        bridge: IfName,
        errno: Errno,
    },
    SetBridge {
        setting: BridgeSetting,
        errno: Errno,
    },
    SetPort {
        setting: PortSetting,
        errno: Errno,
    },
    Hairpin {
        port: IfName,
        bridge: IfName,
        errno: Errno,
    },
    /// A bridge could not be read (the kernel could not be asked).
    ReadBridge {
        name: IfName,
        errno: Errno,
    },
    /// show could not list the links at all.
    ListBridges(Errno),
    /// `read of forward table failed: ...` (showmacs).
    ReadFdb(Errno),
    /// Writing our output failed (not a closed pipe: that is quiet).
    Output(std::io::Error),
    /// `-n` named a namespace that cannot be entered.
    Namespace {
        name: Vec<u8>,
        errno: Errno,
    },
    /// `-b` named a file that cannot be read.
    BatchFile {
        name: Vec<u8>,
        errno: Errno,
    },
    /// `-b` given together with a command on the command line.
    BatchWithCommand {
        name: Vec<u8>,
    },
    /// A batch line longer than the reader takes.
    LineTooLong {
        limit: usize,
    },
    /// A batch line leaves a quote open.
    UnterminatedQuote,
    /// A batch line names no command we know.
    UnknownCommand {
        name: Vec<u8>,
    },
    /// A batch line has too few arguments for its command.
    ArgumentCount {
        usage: String,
    },
    /// BRCTL_BACKEND names no backend.
    BadBackend {
        value: Vec<u8>,
    },
    /// A bridge setting's integer that is not one (D3) or does not fit `max`.
    BadBridgeInteger {
        setting: BridgeSetting,
        arg: Vec<u8>,
        problem: NumberProblem,
        max: u32,
    },
    /// A port setting's integer that is not one (D3) or does not fit `max`.
    BadPortInteger {
        setting: PortSetting,
        arg: Vec<u8>,
        problem: NumberProblem,
        max: u32,
    },
    /// A VLAN id or range that is not 1..=4094 ascending.
    BadVlanIds {
        arg: Vec<u8>,
        problem: VlanIdsProblem,
    },
    /// `pvid` given with a range of VLANs.
    PvidWithRange {
        arg: Vec<u8>,
    },
    /// An addvlan word other than `pvid` and `untagged`.
    BadVlanFlag {
        arg: Vec<u8>,
    },
    /// Not 802.1Q or 802.1ad.
    BadVlanProtocol {
        arg: Vec<u8>,
    },
    /// A default PVID that is not an integer in 0..=4094.
    BadDefaultPvid {
        arg: Vec<u8>,
        problem: NumberProblem,
    },
    /// The kernel refused to add (or delete) VLANs.
    Vlan {
        delete: bool,
        errno: Errno,
    },
    /// The VLANs of a bridge's ports could not be read (the name as the kernel gave it).
    ReadVlans {
        name: Vec<u8>,
        errno: Errno,
    },
    /// A bridge's multicast database could not be read (showmdb).
    ReadMdb {
        name: Vec<u8>,
        errno: Errno,
    },
    /// monitor could not subscribe to the kernel's notifications or read
    /// its tables.
    Watch(Errno),
    /// Another process held the change lock past the deadline.
    ChangeLock {
        holder: String,
        seconds: u64,
    },
    /// Forwarding database (docs/compat.md section 11): a MAC that is
    /// malformed, or multicast or all-zero where a static entry is made.
    BadMac {
        arg: Vec<u8>,
        problem: MacProblem,
    },
    /// `<what> failed: <strerror>` of addmac, delmac, flushmacs, sethwaddr.
    Fdb {
        what: &'static str,
        errno: Errno,
    },
    /// showmacs with a VLAN filter could not read the entries' VLANs.
    ReadFdbVlans(Errno),
    /// No command word at all (argv without a command).
    NoCommand,
    /// The command printed its own messages already (show with several
    /// names goes on past a failing one); only the exit code is left.
    AlreadyReported,
}

impl Error {
    /// Every error exits 1, as every failure of the original does.
    pub fn exit_code(&self) -> i32 {
        1
    }

    /// The one line for stderr, without its newline.
    pub fn message(&self) -> Vec<u8> {
        let join = |parts: &[&[u8]]| parts.concat();
        let text = |s: String| s.into_bytes();
        match self {
            Error::BadName { name, problem } => {
                let why: &[u8] = match problem {
                    IfNameProblem::Empty => b"it is empty",
                    IfNameProblem::TooLong => b"it is longer than 15 bytes",
                    IfNameProblem::Dots => b"'.' and '..' are not allowed",
                    IfNameProblem::BadByte => b"'/', ':' and whitespace are not allowed",
                    IfNameProblem::Nul => b"it contains a NUL byte",
                };
                join(&[b"interface name ", &shown(name), b" is not valid: ", why])
            }
            Error::BadTime { setting, arg, problem } => {
                let why: &[u8] = match problem {
                    NumberProblem::Malformed | NumberProblem::OctalDigit => {
                        b"expected seconds as a plain decimal number, such as 2 or 0.5"
                    }
                    NumberProblem::OutOfRange => b"at most 42949672.95 seconds fit",
                };
                join(&[bad_bridge_value(*setting).as_bytes(), b" ", &shown(arg), b": ", why])
            }
            Error::BadBridgePriority { arg, problem } => {
                join(&[b"bad priority ", &shown(arg), b": ", integer_rule(*problem, 65535)])
            }
            Error::BadPortValue { setting, arg, problem } => {
                let rule = integer_rule(*problem, u32::MAX.into());
                join(&[bad_port_value(*setting).as_bytes(), b" ", &shown(arg), b": ", rule])
            }
            Error::BadOnOff { arg } => {
                join(&[b"expect on/off for argument, not ", &shown(arg), b": use on, off, yes, no, 1 or 0"])
            }
            Error::Setup(errno) => text(format!("can't setup bridge control: {errno}")),
            Error::DeviceExists { name } => {
                join(&[b"device ", name.as_bytes(), b" already exists; can't create bridge with the same name"])
            }
            Error::AddBridge(errno) => text(format!("add bridge failed: {errno}")),
            Error::DeleteMissingBridge { name } => {
                join(&[b"bridge ", name.as_bytes(), b" doesn't exist; can't delete it"])
            }
            Error::DeleteUpBridge { name } => join(&[b"bridge ", name.as_bytes(), b" is still up; can't delete it"]),
            Error::DeleteNotABridge { name } => {
                join(&[b"can't delete bridge ", name.as_bytes(), b": ", Errno::EPERM.text().as_bytes()])
            }
            Error::DeleteBridge { name, errno } => {
                join(&[b"can't delete bridge ", name.as_bytes(), b": ", errno.text().as_bytes()])
            }
            Error::NoSuchInterface { name } => join(&[b"interface ", name.as_bytes(), b" does not exist!"]),
            Error::NoSuchBridge { name } => join(&[b"bridge ", name.as_bytes(), b" does not exist!"]),
            Error::NotABridge { name } => join(&[b"device ", name.as_bytes(), b" is not a bridge!"]),
            Error::AlreadyMember { device, bridge } => join(&[
                b"device ",
                device.as_bytes(),
                b" is already a member of a bridge; can't add it to bridge ",
                bridge.as_bytes(),
                b".",
            ]),
            Error::BridgeAsPort { device } => join(&[
                b"device ",
                device.as_bytes(),
                b" is a bridge device itself; can't add a bridge device to a bridge device.",
            ]),
            Error::AddInterface { device, bridge, errno } => join(&[
                b"can't add ",
                device.as_bytes(),
                b" to bridge ",
                bridge.as_bytes(),
                b": ",
                errno.text().as_bytes(),
            ]),
            Error::NotAPort { device, bridge } => {
                join(&[b"device ", device.as_bytes(), b" is not a port of ", bridge.as_bytes()])
            }
            Error::DeleteInterface { device, bridge, errno } => join(&[
                b"can't delete ",
                device.as_bytes(),
                b" from ",
                bridge.as_bytes(),
                b": ",
                errno.text().as_bytes(),
            ]),
            Error::SetBridge { setting, errno } => text(format!("{}: {errno}", bridge_failed(*setting))),
            Error::SetPort { setting, errno } => text(format!("{}: {errno}", port_failed(*setting))),
            Error::Hairpin { port, bridge, errno } => join(&[
                b"can't set ",
                port.as_bytes(),
                b" to hairpin on bridge ",
                bridge.as_bytes(),
                b": ",
                errno.text().as_bytes(),
            ]),
            Error::ReadFdb(errno) | Error::ReadFdbVlans(errno) => {
                text(format!("read of forward table failed: {errno}"))
            }
            Error::BadMac { arg, problem } => join(&[b"bad mac address ", &shown(arg), b": ", mac_rule(*problem)]),
            Error::Fdb { what, errno } => text(format!("{what} failed: {errno}")),
            Error::ListBridges(errno) => text(format!("can't list bridges: {errno}")),
            Error::ReadBridge { name, errno } => {
                join(&[b"can't read bridge ", name.as_bytes(), b": ", errno.text().as_bytes()])
            }
            Error::Output(err) => match err.raw_os_error() {
                Some(code) => text(format!("write error: {}", Errno(code))),
                None => text(format!("write error: {err}")),
            },
            Error::AlreadyReported | Error::NoCommand => Vec::new(),
            Error::BadVlanIds { arg, problem } => {
                let why = match problem {
                    VlanIdsProblem::Id(problem) => range_rule(*problem, VlanId::MIN, VlanId::MAX),
                    VlanIdsProblem::Reversed => b"the first vlan id is above the last".to_vec(),
                };
                join(&[b"bad vlan id ", &shown(arg), b": ", &why])
            }
            Error::BadBridgeInteger { setting, arg, problem, max } => {
                join(&[bad_bridge_value(*setting).as_bytes(), b" ", &shown(arg), b": ", &integer_range(*problem, *max)])
            }
            Error::BadPortInteger { setting, arg, problem, max } => {
                join(&[bad_port_value(*setting).as_bytes(), b" ", &shown(arg), b": ", &integer_range(*problem, *max)])
            }
            Error::PvidWithRange { arg } => join(&[b"pvid needs a single vlan id, not the range ", &shown(arg)]),
            Error::BadVlanFlag { arg } => join(&[b"bad vlan flag ", &shown(arg), b": use pvid or untagged"]),
            Error::BadVlanProtocol { arg } => join(&[b"bad vlan protocol ", &shown(arg), b": use 802.1Q or 802.1ad"]),
            Error::BadDefaultPvid { arg, problem } => {
                join(&[b"bad default pvid ", &shown(arg), b": ", &range_rule(*problem, 0, VlanId::MAX)])
            }
            Error::Vlan { delete, errno } => {
                text(format!("{} vlan failed: {errno}", if *delete { "delete" } else { "add" }))
            }
            Error::ReadVlans { name, errno } => {
                join(&[b"can't read the vlans of bridge ", name, b": ", errno.text().as_bytes()])
            }
            Error::ReadMdb { name, errno } => {
                join(&[b"can't read the multicast groups of bridge ", name, b": ", errno.text().as_bytes()])
            }
            Error::Watch(errno) => text(format!("monitor failed: {errno}")),
            Error::ChangeLock { holder, seconds } => {
                text(format!("change lock still held by {holder} after {seconds} seconds; nothing was changed"))
            }
            Error::Namespace { name, errno } => {
                join(&[b"cannot enter network namespace ", &shown(name), b": ", errno.text().as_bytes()])
            }
            Error::BatchFile { name, errno } => {
                join(&[b"cannot read batch file ", &shown(name), b": ", errno.text().as_bytes()])
            }
            Error::BatchWithCommand { name } => {
                join(&[b"with --batch the commands come from the file, not the command line (got ", &shown(name), b")"])
            }
            Error::LineTooLong { limit } => text(format!("too long: a batch line holds at most {limit} bytes")),
            Error::UnterminatedQuote => b"unterminated quote: close it with the same quote character".to_vec(),
            Error::UnknownCommand { name } => join(&[b"never heard of command [", name, b"]"]),
            Error::ArgumentCount { usage } => text(format!("Incorrect number of arguments for command\n{usage}")),
            Error::BadBackend { value } => {
                join(&[b"BRCTL_BACKEND=", &shown(value), b" is not valid: use auto, netlink or sysfs"])
            }
        }
    }

    /// A second line for errors whose bare strerror leaves people stuck (D8).
    pub fn hint(&self) -> Option<&'static str> {
        let errno = match self {
            // The netlink socket refused outright: not a missing capability (that is EPERM)
            // but a security policy, such as SELinux's brctl_t without our module.
            Error::Setup(Errno(libc::EACCES)) => return Some(SOCKET_REFUSED_HINT),
            Error::Setup(e)
            | Error::AddBridge(e)
            | Error::DeleteBridge { errno: e, .. }
            | Error::AddInterface { errno: e, .. }
            | Error::DeleteInterface { errno: e, .. }
            | Error::SetBridge { errno: e, .. }
            | Error::SetPort { errno: e, .. }
            | Error::Hairpin { errno: e, .. }
            | Error::Vlan { errno: e, .. }
            | Error::Fdb { errno: e, .. } => *e,
            Error::ReadFdbVlans(Errno::EOPNOTSUPP) => {
                return Some("hint: mac addresses' vlans are read over netlink only, not with BRCTL_BACKEND=sysfs");
            }
            // The sysfs backend has no per-port VLAN list.
            Error::ReadVlans { errno: Errno::EOPNOTSUPP, .. } => {
                return Some("hint: the vlans of ports are read over netlink only, not with BRCTL_BACKEND=sysfs");
            }
            Error::ReadMdb { errno: Errno::EOPNOTSUPP, .. } => {
                return Some("hint: the multicast groups are read over netlink only, not with BRCTL_BACKEND=sysfs");
            }
            Error::Watch(Errno::EOPNOTSUPP) => {
                return Some("hint: monitor works over netlink only, not with BRCTL_BACKEND=sysfs");
            }
            _ => return None,
        };
        match errno {
            Errno::EPERM => Some("hint: changing bridges needs CAP_NET_ADMIN (run as root)"),
            _ => None,
        }
    }
}

/// The hint after `can't setup bridge control: Permission denied` (docs/packaging.md).
pub const SOCKET_REFUSED_HINT: &str = "hint: a security policy refused the netlink socket brctl works over; \
     under SELinux, load the module brctl_netlink (semodule -i /usr/share/selinux/packages/targeted/brctl_netlink.pp)";

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::Output(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_socket_names_the_selinux_module() {
        let refused = Error::Setup(Errno(libc::EACCES));
        assert_eq!(refused.message(), b"can't setup bridge control: Permission denied");
        assert_eq!(refused.hint(), Some(SOCKET_REFUSED_HINT));
        assert!(SOCKET_REFUSED_HINT.contains("brctl_netlink") && !SOCKET_REFUSED_HINT.contains('\n'));
        // Without CAP_NET_ADMIN it stays the capability hint; other errnos have none.
        assert_eq!(Error::Setup(Errno::EPERM).hint(), Some("hint: changing bridges needs CAP_NET_ADMIN (run as root)"));
        assert_eq!(Error::Setup(Errno::EINVAL).hint(), None);
    }

    #[test]
    fn values_are_quoted_on_one_line() {
        assert_eq!(shown(b"br0"), b"'br0'");
        assert_eq!(shown(b"a\nb\tc\rd\\e\x0bf\x7f"), b"'a\\nb\\tc\\rd\\\\e\\x0bf\\x7f'");
        assert_eq!(shown(b"\xff\xa0"), b"'\xff\xa0'");
    }
}
