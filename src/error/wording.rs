//! The words of the messages: the original's per-setting phrases, and the
//! rules our own refusals state.

use crate::backend::{BridgeSetting, PortSetting};
use crate::values::{MacProblem, NumberProblem};

/// The original's "bad ... value" parse message for a bridge setting.
pub(super) fn bad_bridge_value(setting: BridgeSetting) -> &'static str {
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
pub(super) fn bridge_failed(setting: BridgeSetting) -> &'static str {
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
pub(super) fn bad_port_value(setting: PortSetting) -> &'static str {
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
pub(super) fn port_failed(setting: PortSetting) -> &'static str {
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
pub(super) fn integer_range(problem: NumberProblem, max: u32) -> Vec<u8> {
    match problem {
        NumberProblem::OutOfRange => format!("allowed range is 0 to {max}").into_bytes(),
        problem => integer_rule(problem, u64::from(max)).to_vec(),
    }
}

/// `integer_rule` for a field with its own range.
pub(super) fn range_rule(problem: NumberProblem, min: u16, max: u16) -> Vec<u8> {
    match problem {
        NumberProblem::OutOfRange => format!("allowed range is {min} to {max}").into_bytes(),
        problem => integer_rule(problem, u64::from(max)).to_vec(),
    }
}

pub(super) fn mac_rule(problem: MacProblem) -> &'static [u8] {
    match problem {
        MacProblem::Malformed => b"expected six hex octets separated by ':', such as 52:54:00:12:34:56",
        MacProblem::Multicast => b"a multicast address cannot be a static entry",
        MacProblem::Zero => b"the all-zero address cannot be a static entry",
    }
}

pub(super) fn integer_rule(problem: NumberProblem, max: u64) -> &'static [u8] {
    match (problem, max) {
        (NumberProblem::Malformed, _) => b"expected a whole number (decimal, 0x hex or 0 octal) with no sign",
        (NumberProblem::OctalDigit, _) => b"a leading 0 means octal, so only the digits 0 to 7 may follow it",
        (NumberProblem::OutOfRange, 65535) => b"allowed range is 0 to 65535",
        (NumberProblem::OutOfRange, _) => b"allowed range is 0 to 4294967295",
    }
}
