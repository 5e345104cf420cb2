//! The command table: every command's name, synopsis, help line, argument
//! shape and how its arguments become a `Command`. Help, usage, the man
//! page and completion tests all read this one table, so a new command is
//! one entry here plus its arm in `Kind::build` and its handler.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use super::Command;
use crate::backend::{BridgeSetting, PortSetting};
use crate::error::Error;
use crate::values::{
    BridgePriority, Centisecs, DefaultPvid, IfName, NumberProblem, OnOff, PortInteger, VlanIds, VlanProtocol,
};
use crate::values::{HwAddress, Mac, MacProblem, VlanId, VlanIdsProblem};

/// Where a command is listed in the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The original's commands, listed byte for byte as it lists them.
    Original,
    /// Ours, listed after the original's under `extensions:` (D10).
    Extension,
    /// Accepted but not listed (setgcint, D7 in docs/compat.md).
    Hidden,
}

/// How a command's arguments become a `Command`; one arm per kind in `build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    AddBridge,
    DeleteBridge,
    AddInterfaces,
    DeleteInterfaces,
    Hairpin,
    BridgeTime(BridgeSetting),
    BridgePriority,
    Stp,
    PortInteger(PortSetting),
    Show,
    ShowMacs,
    ShowStp,
    SetGcInterval,
    VlanFiltering,
    VlanProtocol,
    DefaultPvid,
    AddVlan,
    DeleteVlan,
    ShowVlans,
    /// A bridge setting from an integer that fits `max` (D3).
    BridgeInteger(BridgeSetting, u32),
    /// A port setting from an integer that fits `max` (D3).
    PortByte(PortSetting, u32),
    /// A port flag from on/off, as hairpin.
    PortFlag(PortSetting),
    ShowMdb,
    // The forwarding database (docs/compat.md section 11).
    AddMac,
    DeleteMac,
    FlushMacs,
    SetHwAddress,
    Monitor,
}

/// One brctl command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    /// The arguments as the help shows them (`<bridge> <device>`).
    pub args: &'static str,
    /// What it does, as the help says it.
    pub help: &'static str,
    /// How many arguments it needs at least; fewer is a usage error (Q15).
    pub min_args: usize,
    pub listing: Listing,
    kind: Kind,
}

const fn spec(name: &'static str, args: &'static str, help: &'static str, min_args: usize, kind: Kind) -> CommandSpec {
    CommandSpec { name, args, help, min_args, listing: Listing::Original, kind }
}

const fn ours(name: &'static str, args: &'static str, help: &'static str, min_args: usize, kind: Kind) -> CommandSpec {
    CommandSpec { name, args, help, min_args, listing: Listing::Extension, kind }
}

/// Every command: the original's in the order its help lists them, then
/// the ones the help does not list.
#[rustfmt::skip]
pub const COMMANDS: &[CommandSpec] = &[
    spec("addbr", "<bridge>", "add bridge", 1, Kind::AddBridge),
    spec("delbr", "<bridge>", "delete bridge", 1, Kind::DeleteBridge),
    spec("addif", "<bridge> <device>", "add interface to bridge", 2, Kind::AddInterfaces),
    spec("delif", "<bridge> <device>", "delete interface from bridge", 2, Kind::DeleteInterfaces),
    spec("hairpin", "<bridge> <port> {on|off}", "turn hairpin on/off", 3, Kind::Hairpin),
    spec("setageing", "<bridge> <time>", "set ageing time", 2, Kind::BridgeTime(BridgeSetting::AgeingTime)),
    spec("setbridgeprio", "<bridge> <prio>", "set bridge priority", 2, Kind::BridgePriority),
    spec("setfd", "<bridge> <time>", "set bridge forward delay", 2, Kind::BridgeTime(BridgeSetting::ForwardDelay)),
    spec("sethello", "<bridge> <time>", "set hello time", 2, Kind::BridgeTime(BridgeSetting::HelloTime)),
    spec("setmaxage", "<bridge> <time>", "set max message age", 2, Kind::BridgeTime(BridgeSetting::MaxAge)),
    spec("setpathcost", "<bridge> <port> <cost>", "set path cost", 3, Kind::PortInteger(PortSetting::PathCost)),
    spec("setportprio", "<bridge> <port> <prio>", "set port priority", 3, Kind::PortInteger(PortSetting::Priority)),
    spec("show", "[ <bridge> ]", "show a list of bridges", 0, Kind::Show),
    spec("showmacs", "<bridge>", "show a list of mac addrs", 1, Kind::ShowMacs),
    spec("showstp", "<bridge>", "show bridge stp info", 1, Kind::ShowStp),
    spec("stp", "<bridge> {on|off}", "turn stp on/off", 2, Kind::Stp),
    ours("vlanfiltering", "<bridge> {on|off}", "turn vlan filtering on/off", 2, Kind::VlanFiltering),
    ours("setvlanproto", "<bridge> {802.1Q|802.1ad}", "set vlan protocol", 2, Kind::VlanProtocol),
    ours("setdefpvid", "<bridge> <vid>", "set default pvid", 2, Kind::DefaultPvid),
    ours("addvlan", "<bridge> <port> <vid>[-<vid>] [pvid] [untagged]", "add vlans to a port", 3, Kind::AddVlan),
    ours("delvlan", "<bridge> <port> <vid>[-<vid>]", "delete vlans from a port", 3, Kind::DeleteVlan),
    ours("showvlans", "[ <bridge> ]", "show vlans of ports", 0, Kind::ShowVlans),
    ours("setmcsnoop", "<bridge> <int>", "set multicast snooping", 2, Kind::BridgeInteger(BridgeSetting::McastSnooping, 255)),
    ours("setmcrouter", "<bridge> <int>", "set multicast router", 2, Kind::BridgeInteger(BridgeSetting::McastRouter, 255)),
    ours("setmcquerier", "<bridge> <int>", "set multicast querier", 2, Kind::BridgeInteger(BridgeSetting::McastQuerier, 255)),
    ours("setmcqifaddr", "<bridge> <int>", "set multicast query use ifaddr", 2, Kind::BridgeInteger(BridgeSetting::McastQueryUseIfaddr, 255)),
    ours("sethashel", "<bridge> <int>", "set hash elasticity (ignored since Linux 5.0)", 2, Kind::BridgeInteger(BridgeSetting::HashElasticity, u32::MAX)),
    ours("sethashmax", "<bridge> <int>", "set hash max", 2, Kind::BridgeInteger(BridgeSetting::HashMax, u32::MAX)),
    ours("setmclmc", "<bridge> <int>", "set multicast last member count", 2, Kind::BridgeInteger(BridgeSetting::LastMemberCount, u32::MAX)),
    ours("setmcsqc", "<bridge> <int>", "set multicast startup query count", 2, Kind::BridgeInteger(BridgeSetting::StartupQueryCount, u32::MAX)),
    ours("setmclmi", "<bridge> <time>", "set multicast last member interval", 2, Kind::BridgeTime(BridgeSetting::LastMemberInterval)),
    ours("setmcmi", "<bridge> <time>", "set multicast membership interval", 2, Kind::BridgeTime(BridgeSetting::MembershipInterval)),
    ours("setmcqpi", "<bridge> <time>", "set multicast querier interval", 2, Kind::BridgeTime(BridgeSetting::QuerierInterval)),
    ours("setmcqi", "<bridge> <time>", "set multicast query interval", 2, Kind::BridgeTime(BridgeSetting::QueryInterval)),
    ours("setmcqri", "<bridge> <time>", "set multicast query response interval", 2, Kind::BridgeTime(BridgeSetting::QueryResponseInterval)),
    ours("setmcsqi", "<bridge> <time>", "set multicast startup query interval", 2, Kind::BridgeTime(BridgeSetting::StartupQueryInterval)),
    ours("setportmcrouter", "<bridge> <port> <int>", "set port multicast router", 3, Kind::PortByte(PortSetting::McastRouter, 255)),
    ours("setportmcfl", "<bridge> <port> <int>", "set port multicast fast leave", 3, Kind::PortByte(PortSetting::FastLeave, 255)),
    ours("showmdb", "<bridge>", "show multicast groups", 1, Kind::ShowMdb),
    ours("learning", "<bridge> <port> {on|off}", "turn learning on/off", 3, Kind::PortFlag(PortSetting::Learning)),
    ours("flood", "<bridge> <port> {on|off}", "turn unicast flooding on/off", 3, Kind::PortFlag(PortSetting::Flood)),
    ours("mcflood", "<bridge> <port> {on|off}", "turn multicast flooding on/off", 3, Kind::PortFlag(PortSetting::McastFlood)),
    ours("bcflood", "<bridge> <port> {on|off}", "turn broadcast flooding on/off", 3, Kind::PortFlag(PortSetting::BcastFlood)),
    ours("isolated", "<bridge> <port> {on|off}", "turn port isolation on/off", 3, Kind::PortFlag(PortSetting::Isolated)),
    ours("bpduguard", "<bridge> <port> {on|off}", "turn bpdu guard on/off", 3, Kind::PortFlag(PortSetting::BpduGuard)),
    ours("rootblock", "<bridge> <port> {on|off}", "turn root block on/off", 3, Kind::PortFlag(PortSetting::RootBlock)),
    ours("neighsuppress", "<bridge> <port> {on|off}", "turn neighbour suppression on/off", 3, Kind::PortFlag(PortSetting::NeighSuppress)),
    ours("addmac", "<bridge> <port> <mac> [vlan <vid>]", "add a static mac address", 3, Kind::AddMac),
    ours("delmac", "<bridge> <port> <mac> [vlan <vid>]", "delete a mac address", 3, Kind::DeleteMac),
    ours("flushmacs", "<bridge> [<port>]", "flush learned mac addresses", 1, Kind::FlushMacs),
    ours("sethwaddr", "<bridge> <mac>|<ifname>", "set bridge mac address", 2, Kind::SetHwAddress),
    ours("monitor", "[ <bridge> ]", "show events as they happen", 0, Kind::Monitor),
    CommandSpec {
        listing: Listing::Hidden,
        ..spec("setgcint", "<bridge> <time>", "set garbage collection interval", 0, Kind::SetGcInterval)
    },
];

/// The command called exactly `name`.
pub fn find(name: &[u8]) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|spec| spec.name.as_bytes() == name)
}

/// The commands of one listing, in table order.
pub fn listed(listing: Listing) -> impl Iterator<Item = &'static CommandSpec> {
    COMMANDS.iter().filter(move |spec| spec.listing == listing)
}

/// Words (command name first) to a `Command` with every argument checked:
/// the name, then the count, then each argument in the original's order.
pub fn resolve(words: &[OsString]) -> Result<Command, Error> {
    let Some((name, args)) = words.split_first() else {
        return Err(Error::NoCommand);
    };
    let spec = find(name.as_bytes()).ok_or_else(|| Error::UnknownCommand { name: name.as_bytes().to_vec() })?;
    if args.len() < spec.min_args {
        return Err(spec.argument_count());
    }
    spec.build(args)
}

impl CommandSpec {
    /// The arguments and help as the original's help line joins them: two
    /// TABs after a short synopsis, one after a long one.
    pub fn synopsis(&self) -> String {
        let gap = if self.args.len() < 16 { "\t\t" } else { "\t" };
        format!("{}{gap}{}", self.args, self.help)
    }

    /// `Usage: brctl <name> <synopsis>`, as the original prints it (no newline).
    pub fn usage(&self) -> String {
        format!("Usage: brctl {} {}", self.name, self.synopsis())
    }

    fn argument_count(&self) -> Error {
        Error::ArgumentCount { usage: self.usage() }
    }

    /// Extra arguments are ignored where the original ignores them; too few
    /// fall through to the usage error, so no argument is read that is not there.
    fn build(&self, args: &[OsString]) -> Result<Command, Error> {
        Ok(match (self.kind, args) {
            (Kind::AddBridge, [bridge, ..]) => Command::AddBridge(name(bridge)?),
            (Kind::DeleteBridge, [bridge, ..]) => Command::DeleteBridge(name(bridge)?),
            (Kind::AddInterfaces, [bridge, devices @ ..]) if !devices.is_empty() => {
                Command::AddInterfaces { bridge: name(bridge)?, devices: names(devices)? }
            }
            (Kind::DeleteInterfaces, [bridge, devices @ ..]) if !devices.is_empty() => {
                Command::DeleteInterfaces { bridge: name(bridge)?, devices: names(devices)? }
            }
            (Kind::Hairpin, [bridge, port, word, ..]) => {
                // The original checks the word before the names.
                let on = on_off(word)?;
                Command::Hairpin { bridge: name(bridge)?, port: name(port)?, on }
            }
            (Kind::BridgeTime(setting), [bridge, time, ..]) => {
                let bridge = name(bridge)?;
                let centisecs = Centisecs::parse(time).map_err(|problem| Error::BadTime {
                    setting,
                    arg: time.as_bytes().to_vec(),
                    problem,
                })?;
                Command::SetBridge { bridge, setting, value: centisecs.get() }
            }
            (Kind::BridgePriority, [bridge, priority, ..]) => {
                let bridge = name(bridge)?;
                let value = BridgePriority::parse(priority)
                    .map_err(|problem| Error::BadBridgePriority { arg: priority.as_bytes().to_vec(), problem })?;
                Command::SetBridge { bridge, setting: BridgeSetting::Priority, value: u32::from(value.get()) }
            }
            (Kind::Stp, [bridge, word, ..]) => {
                let bridge = name(bridge)?;
                let on = on_off(word)?;
                Command::SetBridge { bridge, setting: BridgeSetting::Stp, value: u32::from(on.get()) }
            }
            (Kind::PortInteger(setting), [bridge, port, value, ..]) => {
                let (bridge, port) = (name(bridge)?, name(port)?);
                let value = PortInteger::parse(value).map_err(|problem| Error::BadPortValue {
                    setting,
                    arg: value.as_bytes().to_vec(),
                    problem,
                })?;
                Command::SetPort { bridge, port, setting, value: value.get() }
            }
            (Kind::Show, bridges) => Command::Show(names(bridges)?),
            // `vlan <vid>` filters (section 11); other extra words are ignored, as the original does.
            (Kind::ShowMacs, [bridge, word, vid, ..]) if word.as_bytes() == b"vlan" => {
                Command::ShowMacsVlan { bridge: name(bridge)?, vlan: vlan_id(vid)? }
            }
            (Kind::ShowMacs, [bridge, ..]) => Command::ShowMacs(name(bridge)?),
            (Kind::ShowStp, [bridge, ..]) => Command::ShowStp(name(bridge)?),
            (Kind::SetGcInterval, _) => Command::SetGcInterval,
            (Kind::VlanFiltering, [bridge, word, ..]) => {
                let bridge = name(bridge)?;
                let on = on_off(word)?;
                Command::SetBridge { bridge, setting: BridgeSetting::VlanFiltering, value: u32::from(on.get()) }
            }
            (Kind::VlanProtocol, [bridge, word, ..]) => {
                let bridge = name(bridge)?;
                let protocol = VlanProtocol::parse(word)
                    .ok_or_else(|| Error::BadVlanProtocol { arg: word.as_bytes().to_vec() })?;
                Command::SetBridge { bridge, setting: BridgeSetting::VlanProtocol, value: u32::from(protocol.get()) }
            }
            (Kind::DefaultPvid, [bridge, pvid, ..]) => {
                let bridge = name(bridge)?;
                let value = DefaultPvid::parse(pvid)
                    .map_err(|problem| Error::BadDefaultPvid { arg: pvid.as_bytes().to_vec(), problem })?;
                Command::SetBridge { bridge, setting: BridgeSetting::DefaultPvid, value: u32::from(value.get()) }
            }
            (Kind::AddVlan, [bridge, port, ids, words @ ..]) => {
                let (bridge, port, vids) = (name(bridge)?, name(port)?, vlan_ids(ids)?);
                let (mut pvid, mut untagged) = (false, false);
                for word in words {
                    match word.as_bytes() {
                        b"pvid" if vids.is_range() => {
                            return Err(Error::PvidWithRange { arg: ids.as_bytes().to_vec() })
                        }
                        b"pvid" => pvid = true,
                        b"untagged" => untagged = true,
                        _ => return Err(Error::BadVlanFlag { arg: word.as_bytes().to_vec() }),
                    }
                }
                Command::AddVlans { bridge, port, vids, pvid, untagged }
            }
            (Kind::DeleteVlan, [bridge, port, ids, ..]) => {
                Command::DeleteVlans { bridge: name(bridge)?, port: name(port)?, vids: vlan_ids(ids)? }
            }
            (Kind::ShowVlans, bridges) => Command::ShowVlans(names(bridges)?),
            (Kind::BridgeInteger(setting, max), [bridge, value, ..]) => {
                let bridge = name(bridge)?;
                let value = bounded(value, max).map_err(|problem| Error::BadBridgeInteger {
                    setting,
                    arg: value.as_bytes().to_vec(),
                    problem,
                    max,
                })?;
                Command::SetBridge { bridge, setting, value }
            }
            (Kind::PortByte(setting, max), [bridge, port, value, ..]) => {
                let (bridge, port) = (name(bridge)?, name(port)?);
                let value = bounded(value, max).map_err(|problem| Error::BadPortInteger {
                    setting,
                    arg: value.as_bytes().to_vec(),
                    problem,
                    max,
                })?;
                Command::SetPort { bridge, port, setting, value }
            }
            (Kind::PortFlag(setting), [bridge, port, word, ..]) => {
                // As hairpin: the word before the names.
                let on = on_off(word)?;
                Command::SetPortFlag { bridge: name(bridge)?, port: name(port)?, setting, on: on.get() }
            }
            (Kind::ShowMdb, [bridge, ..]) => Command::ShowMdb(name(bridge)?),
            (Kind::AddMac | Kind::DeleteMac, [bridge, port, mac, rest @ ..]) => {
                let (bridge, port) = (name(bridge)?, name(port)?);
                // Only addmac refuses what the kernel would take (a multicast entry).
                let parse = if self.kind == Kind::AddMac { Mac::parse_unicast } else { Mac::parse };
                let mac = parse(mac).map_err(|problem| bad_mac(mac, problem))?;
                // After the MAC only `vlan <vid>`: a misspelt word must not add an entry without it.
                let vlan = match rest {
                    [] => None,
                    [word, vid] if word.as_bytes() == b"vlan" => Some(vlan_id(vid)?),
                    _ => return Err(self.argument_count()),
                };
                if self.kind == Kind::AddMac {
                    Command::AddMac { bridge, port, mac, vlan }
                } else {
                    Command::DeleteMac { bridge, port, mac, vlan }
                }
            }
            (Kind::FlushMacs, [bridge, port @ ..]) => {
                Command::FlushMacs { bridge: name(bridge)?, port: port.first().map(name).transpose()? }
            }
            (Kind::SetHwAddress, [bridge, source, ..]) => {
                let bridge = name(bridge)?;
                // Interface names cannot hold a ':', so a word with one is a MAC.
                let source = if source.as_bytes().contains(&b':') {
                    HwAddress::Mac(Mac::parse(source).map_err(|problem| bad_mac(source, problem))?)
                } else {
                    HwAddress::Interface(name(source)?)
                };
                Command::SetHwAddress { bridge, source }
            }
            (Kind::Monitor, bridges) => Command::Monitor(names(bridges)?),
            _ => return Err(self.argument_count()),
        })
    }
}

fn name(arg: &OsString) -> Result<IfName, Error> {
    IfName::parse(arg).map_err(|problem| Error::BadName { name: arg.as_bytes().to_vec(), problem })
}

fn names(args: &[OsString]) -> Result<Vec<IfName>, Error> {
    args.iter().map(name).collect()
}

/// An integer with the original's bases (D3) that is at most `max`.
fn bounded(arg: &OsString, max: u32) -> Result<u32, NumberProblem> {
    let value = PortInteger::parse(arg)?.get();
    if value > max {
        return Err(NumberProblem::OutOfRange);
    }
    Ok(value)
}

fn vlan_ids(arg: &OsString) -> Result<VlanIds, Error> {
    VlanIds::parse(arg).map_err(|problem| Error::BadVlanIds { arg: arg.as_bytes().to_vec(), problem })
}

fn bad_mac(arg: &OsString, problem: MacProblem) -> Error {
    Error::BadMac { arg: arg.as_bytes().to_vec(), problem }
}

fn vlan_id(arg: &OsString) -> Result<VlanId, Error> {
    VlanId::parse(arg)
        .map_err(|problem| Error::BadVlanIds { arg: arg.as_bytes().to_vec(), problem: VlanIdsProblem::Id(problem) })
}

fn on_off(arg: &OsString) -> Result<OnOff, Error> {
    OnOff::parse(arg).ok_or_else(|| Error::BadOnOff { arg: arg.as_bytes().to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    fn message(result: Result<Command, Error>) -> String {
        match result {
            Ok(command) => format!("{command:?}"),
            Err(err) => String::from_utf8_lossy(&err.message()).into_owned(),
        }
    }

    #[test]
    fn commands_match_exactly() {
        assert_eq!(find(b"show").map(|c| c.min_args), Some(0));
        assert!(find(b"Show").is_none());
        assert!(find(b"sho").is_none());
        assert!(find(b"").is_none());
        assert_eq!(find(b"setgcint").map(|c| c.listing), Some(Listing::Hidden));
    }

    /// The table's minimum counts and `build`'s slice patterns agree: with
    /// `min_args` arguments no command reports a usage error, with one
    /// fewer every command does.
    #[test]
    fn minimum_counts_match_the_argument_patterns() {
        for spec in COMMANDS {
            let enough = words(&["br0", "p0", "1", "1"][..spec.min_args]);
            let built = spec.build(&enough);
            assert!(!matches!(built, Err(Error::ArgumentCount { .. })), "{}: {}", spec.name, message(built));
            if let Some(fewer) = spec.min_args.checked_sub(1) {
                let mut all = words(&[spec.name]);
                all.extend(enough.into_iter().take(fewer));
                let resolved = resolve(&all);
                assert!(matches!(resolved, Err(Error::ArgumentCount { .. })), "{}: {}", spec.name, message(resolved));
                assert!(matches!(spec.build(&all[1..]), Err(Error::ArgumentCount { .. })), "{}", spec.name);
            }
        }
    }

    #[test]
    fn synopses_and_usage_keep_the_original_tabs() {
        let usage = |name: &str| find(name.as_bytes()).map(CommandSpec::usage);
        assert_eq!(usage("addbr").as_deref(), Some("Usage: brctl addbr <bridge>\t\tadd bridge"));
        assert_eq!(usage("addif").as_deref(), Some("Usage: brctl addif <bridge> <device>\tadd interface to bridge"));
        assert_eq!(usage("show").as_deref(), Some("Usage: brctl show [ <bridge> ]\t\tshow a list of bridges"));
        assert_eq!(usage("stp").as_deref(), Some("Usage: brctl stp <bridge> {on|off}\tturn stp on/off"));
    }

    #[test]
    fn resolve_checks_name_then_count_then_arguments_in_order() {
        assert_eq!(message(resolve(&[])), "");
        assert_eq!(message(resolve(&words(&["nosuch", "x"]))), "never heard of command [nosuch]");
        assert_eq!(
            message(resolve(&words(&["setfd", "a/b"]))),
            "Incorrect number of arguments for command\nUsage: brctl setfd <bridge> <time>\t\tset bridge forward delay"
        );
        assert!(message(resolve(&words(&["setfd", "a/b", "x"]))).starts_with("interface name 'a/b' is not valid"));
        assert!(message(resolve(&words(&["hairpin", "a/b", "c/d", "maybe"]))).starts_with("expect on/off"));
        assert!(message(resolve(&words(&["setportprio", "b", "c/d", "x"]))).starts_with("interface name 'c/d'"));
        assert_eq!(
            resolve(&words(&["addif", "br0", "v0", "v1"])).ok(),
            Some(Command::AddInterfaces {
                bridge: IfName::from_bytes(b"br0").unwrap(),
                devices: vec![IfName::from_bytes(b"v0").unwrap(), IfName::from_bytes(b"v1").unwrap()],
            })
        );
        assert_eq!(resolve(&words(&["setgcint"])).ok(), Some(Command::SetGcInterval));
    }

    #[test]
    fn a_synopsis_of_16_bytes_or_more_takes_one_tab() {
        // The arguments start at column 24 of a help line; two TABs end at
        // column 48 only while the arguments end before column 40.
        let synopsis = |args| spec("x", args, "help", 0, Kind::Show).synopsis();
        assert_eq!(synopsis("<abcdefghijklm>"), "<abcdefghijklm>\t\thelp");
        assert_eq!(synopsis("<abcdefghijklmn>"), "<abcdefghijklmn>\thelp");
    }
}
