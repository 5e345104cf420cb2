//! One error type for the whole program. Each variant knows its message,
//! worded as the original brctl words it, and its exit code.

use crate::backend::{BridgeSetting, Errno, PortSetting};
use crate::values::{IfName, IfNameProblem, NumberProblem, VlanId, VlanIdsProblem};

/// The original's "bad ... value" parse message for a bridge setting.
fn bad_bridge_value(setting: BridgeSetting) -> &'static str {
    match setting {
        BridgeSetting::AgeingTime => "bad ageing time value",
        BridgeSetting::ForwardDelay => "bad forward delay value",
        BridgeSetting::HelloTime => "bad hello timer value",
        BridgeSetting::MaxAge => "bad max age value",
        BridgeSetting::Priority => "bad priority",
        BridgeSetting::Stp | BridgeSetting::VlanFiltering => "expect on/off for argument",
        BridgeSetting::VlanProtocol => "bad vlan protocol",
        BridgeSetting::DefaultPvid => "bad default pvid",
        BridgeSetting::McastSnooping => "bad snooping",
        BridgeSetting::McastRouter => "bad router",
        BridgeSetting::McastQuerier => "bad querier",
        BridgeSetting::McastQueryUseIfaddr => "bad query use ifaddr",
        BridgeSetting::HashElasticity => "bad elasticity",
        BridgeSetting::HashMax => "bad max",
        BridgeSetting::LastMemberCount | BridgeSetting::StartupQueryCount => "bad count",
        BridgeSetting::LastMemberInterval
        | BridgeSetting::MembershipInterval
        | BridgeSetting::QuerierInterval
        | BridgeSetting::QueryInterval
        | BridgeSetting::QueryResponseInterval
        | BridgeSetting::StartupQueryInterval => "bad interval",
    }
}

/// The original's "set ... failed" prefix for a bridge setting.
fn bridge_failed(setting: BridgeSetting) -> &'static str {
    match setting {
        BridgeSetting::AgeingTime => "set ageing time failed",
        BridgeSetting::ForwardDelay => "set forward delay failed",
        BridgeSetting::HelloTime => "set hello timer failed",
        BridgeSetting::MaxAge => "set max age failed",
        BridgeSetting::Priority => "set bridge priority failed",
        BridgeSetting::Stp => "set stp status failed",
        BridgeSetting::VlanFiltering => "set vlan filtering failed",
        BridgeSetting::VlanProtocol => "set vlan protocol failed",
        BridgeSetting::DefaultPvid => "set default pvid failed",
        BridgeSetting::McastSnooping => "set multicast snooping failed",
        BridgeSetting::McastRouter => "set multicast router failed",
        BridgeSetting::McastQuerier => "set multicast querier failed",
        BridgeSetting::McastQueryUseIfaddr => "set multicast query use ifaddr failed",
        BridgeSetting::HashElasticity => "set hash elasticity failed",
        BridgeSetting::HashMax => "set hash max failed",
        BridgeSetting::LastMemberCount => "set multicast last member count failed",
        BridgeSetting::StartupQueryCount => "set multicast startup query count failed",
        BridgeSetting::LastMemberInterval => "set multicast last member interval failed",
        BridgeSetting::MembershipInterval => "set multicast membership interval failed",
        BridgeSetting::QuerierInterval => "set multicast querier interval failed",
        BridgeSetting::QueryInterval => "set multicast query interval failed",
        BridgeSetting::QueryResponseInterval => "set multicast query response interval failed",
        BridgeSetting::StartupQueryInterval => "set multicast startup query interval failed",
    }
}

/// The original's "bad ... value" parse message for a port setting.
fn bad_port_value(setting: PortSetting) -> &'static str {
    match setting {
        PortSetting::PathCost => "bad path cost value",
        // Sic: the original's wording for setportprio (Q14).
        PortSetting::Priority => "bad path priority value",
        PortSetting::Hairpin
        | PortSetting::Learning
        | PortSetting::Flood
        | PortSetting::McastFlood
        | PortSetting::BcastFlood
        | PortSetting::Isolated
        | PortSetting::BpduGuard
        | PortSetting::RootBlock
        | PortSetting::NeighSuppress => "expect on/off for argument",
        PortSetting::McastRouter => "bad router",
        PortSetting::FastLeave => "bad fast leave",
    }
}

/// The original's "set ... failed" prefix for a port setting (hairpin
/// failures name the port and bridge instead: `Error::Hairpin`).
fn port_failed(setting: PortSetting) -> &'static str {
    match setting {
        PortSetting::PathCost => "set path cost failed",
        PortSetting::Priority => "set port priority failed",
        PortSetting::Hairpin => "set hairpin mode failed",
        PortSetting::McastRouter => "set port multicast router failed",
        PortSetting::FastLeave => "set port multicast fast leave failed",
        PortSetting::Learning => "set learning failed",
        PortSetting::Flood => "set flood failed",
        PortSetting::McastFlood => "set mcflood failed",
        PortSetting::BcastFlood => "set bcflood failed",
        PortSetting::Isolated => "set isolated failed",
        PortSetting::BpduGuard => "set bpduguard failed",
        PortSetting::RootBlock => "set rootblock failed",
        PortSetting::NeighSuppress => "set neighsuppress failed",
    }
}

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
            Error::ReadFdb(errno) => text(format!("read of forward table failed: {errno}")),
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
            Error::Setup(e)
            | Error::AddBridge(e)
            | Error::DeleteBridge { errno: e, .. }
            | Error::AddInterface { errno: e, .. }
            | Error::DeleteInterface { errno: e, .. }
            | Error::SetBridge { errno: e, .. }
            | Error::SetPort { errno: e, .. }
            | Error::Hairpin { errno: e, .. }
            | Error::Vlan { errno: e, .. } => *e,
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

/// A value from the command line as our own messages quote it: control
/// bytes and backslashes escaped C-style, so the message stays one line.
pub fn shown(value: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(value.len() + 2);
    text.push(b'\'');
    for &b in value {
        match b {
            b'\\' => text.extend_from_slice(b"\\\\"),
            b'\n' => text.extend_from_slice(b"\\n"),
            b'\t' => text.extend_from_slice(b"\\t"),
            b'\r' => text.extend_from_slice(b"\\r"),
            b if b < 0x20 || b == 0x7f => text.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            b => text.push(b),
        }
    }
    text.push(b'\'');
    text
}

/// `integer_rule` for a field of 0..=`max`.
fn integer_range(problem: NumberProblem, max: u32) -> Vec<u8> {
    match problem {
        NumberProblem::OutOfRange => format!("allowed range is 0 to {max}").into_bytes(),
        problem => integer_rule(problem, u64::from(max)).to_vec(),
    }
}

/// `integer_rule` for a field with its own range.
fn range_rule(problem: NumberProblem, min: u16, max: u16) -> Vec<u8> {
    match problem {
        NumberProblem::OutOfRange => format!("allowed range is {min} to {max}").into_bytes(),
        problem => integer_rule(problem, u64::from(max)).to_vec(),
    }
}

fn integer_rule(problem: NumberProblem, max: u64) -> &'static [u8] {
    match (problem, max) {
        (NumberProblem::Malformed, _) => b"expected a whole number (decimal, 0x hex or 0 octal) with no sign",
        (NumberProblem::OctalDigit, _) => b"a leading 0 means octal, so only the digits 0 to 7 may follow it",
        (NumberProblem::OutOfRange, 65535) => b"allowed range is 0 to 65535",
        (NumberProblem::OutOfRange, _) => b"allowed range is 0 to 4294967295",
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::Output(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_on_one_line() {
        assert_eq!(shown(b"br0"), b"'br0'");
        assert_eq!(shown(b"a\nb\tc\rd\\e\x0bf\x7f"), b"'a\\nb\\tc\\rd\\\\e\\x0bf\\x7f'");
        assert_eq!(shown(b"\xff\xa0"), b"'\xff\xa0'");
    }
}
