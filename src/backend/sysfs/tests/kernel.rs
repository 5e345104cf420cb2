//! What `matches_the_kernel_over_netlink` compares the reader with: `ip`
//! and `bridge` output (built only under `#[cfg(test)]`, see `mod tests` in
//! the reader's mod.rs).

// The comparison runs `ip` and `bridge`; the program itself never runs a program.
#![allow(clippy::disallowed_methods)]

use super::super::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::process::Command;

/// Timers tick between the two reads; allow this many centiseconds.
const TIMER_SLACK: u64 = 300;

/// One line of `ip -d -o link show`, split into tokens.
struct IpLink {
    index: u32,
    name: Vec<u8>,
    flags: Vec<String>,
    tokens: Vec<Vec<u8>>,
}

impl IpLink {
    /// The token after `key`, searching from the token `section` on.
    fn raw(&self, section: &str, key: &str) -> Option<&[u8]> {
        let start = self.tokens.iter().position(|t| t == section.as_bytes())?;
        let at = self.tokens[start..].iter().position(|t| t == key.as_bytes())?;
        self.tokens.get(start + at + 1).map(Vec::as_slice)
    }

    fn get(&self, section: &str, key: &str) -> Option<&str> {
        std::str::from_utf8(self.raw(section, key)?).ok()
    }

    fn num(&self, section: &str, key: &str) -> u64 {
        let text = self.get(section, key).unwrap_or_else(|| panic!("no {key} in {section}"));
        match text.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
            None => text.parse().unwrap(),
        }
    }

    /// A timer as ip prints it (`%4i.%.2i`), as seconds * 100 + hundredths.
    fn timer(&self, section: &str, key: &str) -> i64 {
        let text = self.get(section, key).unwrap();
        let (secs, cents) = text.split_once('.').unwrap();
        secs.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
    }

    /// A bridge id as ip prints it: `8000.2:0:0:0:0:99`.
    fn id(&self, section: &str, key: &str) -> BridgeId {
        let text = self.get(section, key).unwrap();
        let (priority, mac) = text.split_once('.').unwrap();
        let mut id = BridgeId { priority: u16::from_str_radix(priority, 16).unwrap(), mac: [0; 6] };
        for (byte, part) in id.mac.iter_mut().zip(mac.split(':')) {
            *byte = u8::from_str_radix(part, 16).unwrap();
        }
        id
    }

    fn on(&self, section: &str, key: &str) -> bool {
        self.get(section, key) == Some("on")
    }
}

fn run(program: &str, args: &[&OsStr]) -> Vec<u8> {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn tokens(line: &[u8]) -> Vec<Vec<u8>> {
    line.split(u8::is_ascii_whitespace).filter(|t| !t.is_empty()).map(<[u8]>::to_vec).collect()
}

fn ip_links() -> Vec<IpLink> {
    let args = ["-d", "-o", "link", "show"].map(OsStr::new);
    let out = run("ip", &args);
    let lines = out.split(|&b| b == b'\n').filter(|line| !line.is_empty());
    lines
        .map(|line| {
            let tokens = tokens(line);
            let index = String::from_utf8_lossy(&tokens[0]).trim_end_matches(':').parse().unwrap();
            let mut name = tokens[1].strip_suffix(b":").unwrap().to_vec();
            // veths print as v0@v0p.
            if let Some(at) = name.iter().position(|&b| b == b'@') {
                name.truncate(at);
            }
            let flags = String::from_utf8_lossy(&tokens[2]);
            let flags = flags.trim_matches(['<', '>']).split(',').map(str::to_string).collect();
            IpLink { index, name, flags, tokens }
        })
        .collect()
}

/// (mac, port number, is local, static, seconds since update) of
/// the entries `bridge -s fdb show` lists for `bridge`'s ports.
fn ip_fdb(bridge: &[u8], port_numbers: &HashMap<Vec<u8>, u64>) -> Vec<([u8; 6], u64, bool, bool, u64)> {
    let [s, fdb, show, br] = ["-s", "fdb", "show", "br"].map(OsStr::new);
    let out = run("bridge", &[s, fdb, show, br, OsStr::from_bytes(bridge)]);
    let mut entries = Vec::new();
    for line in out.split(|&b| b == b'\n').filter(|line| !line.is_empty()) {
        let tokens = tokens(line);
        let after = |key: &[u8]| {
            let at = tokens.iter().position(|t| t == key)?;
            tokens.get(at + 1).cloned()
        };
        let dev = after(b"dev").unwrap();
        // brforward leaves out the bridge's own entries and the
        // ports' own ("self") address lists.
        if after(b"master").as_deref() != Some(bridge) || dev == bridge {
            continue;
        }
        let mut mac = [0u8; 6];
        let text = String::from_utf8_lossy(&tokens[0]).into_owned();
        for (byte, part) in mac.iter_mut().zip(text.split(':')) {
            *byte = u8::from_str_radix(part, 16).unwrap();
        }
        let used = String::from_utf8_lossy(&after(b"used").unwrap()).into_owned();
        let updated = used.split_once('/').unwrap().1.parse().unwrap();
        let local = tokens.iter().any(|t| t == b"permanent");
        let fixed = local || tokens.iter().any(|t| t == b"static");
        entries.push((mac, port_numbers[&dev], local, fixed, updated));
    }
    entries
}

/// Whether centiseconds `got` is near what ip printed. ip cuts the
/// seconds to an int (`%4i` of a long), so cut ours the same way.
fn close(got: u64, printed: i64) -> bool {
    let micros = got.wrapping_mul(10_000);
    let secs = micros / 1_000_000;
    let cents = (micros - secs * 1_000_000) / 10_000;
    let ours = i64::from(secs as i32) * 100 + cents as i64;
    ours.abs_diff(printed) <= TIMER_SLACK
}

pub(super) fn compare(reader: &SysfsReader) -> Result<String, String> {
    let links = reader.links().unwrap();
    let ip = ip_links();
    let mut problems = String::new();
    let mut say = |what: String| {
        problems.push_str(&what);
        problems.push('\n');
    };
    let ip_index: HashMap<&[u8], u32> = ip.iter().map(|l| (&l.name[..], l.index)).collect();
    if links.len() != ip.len() {
        say(format!("{} links in sysfs, {} in ip", links.len(), ip.len()));
    }
    let (mut bridges, mut ports, mut fdb_entries, mut top_port) = (0, 0, 0, 0);
    for want in &ip {
        let label = String::from_utf8_lossy(&want.name).into_owned();
        let Some(link) = links.iter().find(|l| l.index == want.index) else {
            say(format!("{label}: index {} missing from sysfs", want.index));
            continue;
        };
        let by_name = reader.link(&IfName::from_bytes(&want.name).unwrap()).unwrap();
        if by_name.as_ref().map(|l| l.index) != Some(want.index) {
            say(format!("{label}: link() by name gives {by_name:?}"));
        }
        let master = want.raw("mtu", "master").map(|m| ip_index[m]);
        let basics = (&link.name[..], link.up, link.loopback, link.master);
        let expected =
            (&want.name[..], want.flags.iter().any(|f| f == "UP"), want.flags.iter().any(|f| f == "LOOPBACK"), master);
        if basics != expected {
            say(format!("{label}: (name, up, loopback, master) {basics:?} != ip {expected:?}"));
        }
        let is_bridge = want.get("bridge", "bridge_id").is_some();
        match (&link.bridge, is_bridge) {
            (None, false) => {}
            (Some(b), true) => {
                bridges += 1;
                let s = "bridge";
                let exact = [
                    ("forward_delay", u64::from(b.forward_delay)),
                    ("hello_time", b.hello_time.into()),
                    ("max_age", b.max_age.into()),
                    ("ageing_time", b.ageing_time.into()),
                    ("stp_state", b.stp_state.into()),
                    ("priority", b.priority.into()),
                    ("root_port", b.root_port.into()),
                    ("root_path_cost", b.root_path_cost.into()),
                    ("topology_change", b.topology_change.into()),
                    ("topology_change_detected", b.topology_change_detected.into()),
                ];
                for (key, got) in exact {
                    if got != want.num(s, key) {
                        say(format!("{label}: {key} {got} != ip {}", want.num(s, key)));
                    }
                }
                for (key, got) in [
                    ("hello_timer", b.hello_timer),
                    ("tcn_timer", b.tcn_timer),
                    ("topology_change_timer", b.topology_change_timer),
                    ("gc_timer", b.gc_timer),
                ] {
                    if !close(got, want.timer(s, key)) {
                        say(format!("{label}: {key} {got} != ip {}", want.timer(s, key)));
                    }
                }
                if b.bridge_id != want.id(s, "bridge_id") || b.designated_root != want.id(s, "designated_root") {
                    say(format!("{label}: ids {:?} {:?}", b.bridge_id, b.designated_root));
                }
                match (b.mcast, want.get(s, "mcast_snooping").is_some()) {
                    (None, false) => {}
                    (Some(m), true) => {
                        let mcast = [
                            ("mcast_snooping", u64::from(m.snooping)),
                            ("mcast_router", m.router.into()),
                            ("mcast_querier", m.querier.into()),
                            ("mcast_query_use_ifaddr", m.query_use_ifaddr.into()),
                            ("mcast_hash_elasticity", m.hash_elasticity.into()),
                            ("mcast_hash_max", m.hash_max.into()),
                            ("mcast_last_member_count", m.last_member_count.into()),
                            ("mcast_startup_query_count", m.startup_query_count.into()),
                            ("mcast_last_member_interval", m.last_member_interval),
                            ("mcast_membership_interval", m.membership_interval),
                            ("mcast_querier_interval", m.querier_interval),
                            ("mcast_query_interval", m.query_interval),
                            ("mcast_query_response_interval", m.query_response_interval),
                            ("mcast_startup_query_interval", m.startup_query_interval),
                        ];
                        for (key, got) in mcast {
                            if got != want.num(s, key) {
                                say(format!("{label}: {key} {got} != ip {}", want.num(s, key)));
                            }
                        }
                    }
                    (got, _) => say(format!("{label}: multicast {got:?}, ip disagrees")),
                }
            }
            (got, _) => say(format!("{label}: bridge {got:?}, ip says bridge: {is_bridge}")),
        }
        let is_port = want.get("bridge_slave", "port_no").is_some();
        match (&link.port, is_port) {
            (None, false) => {}
            (Some(p), true) => {
                ports += 1;
                top_port = top_port.max(p.port_no);
                let s = "bridge_slave";
                let state = ["disabled", "listening", "learning", "forwarding", "blocking"]
                    .iter()
                    .position(|&name| Some(name) == want.get(s, "state"))
                    .unwrap() as u64;
                let exact = [
                    ("port_no", u64::from(p.port_no)),
                    ("port_id", p.port_id.into()),
                    ("priority", p.priority.into()),
                    ("cost", p.path_cost.into()),
                    ("designated_port", p.designated_port.into()),
                    ("designated_cost", p.designated_cost.into()),
                    ("topology_change_ack", p.topology_change_ack.into()),
                    ("config_pending", p.config_pending.into()),
                ];
                for (key, got) in exact {
                    if got != want.num(s, key) {
                        say(format!("{label}: {key} {got} != ip {}", want.num(s, key)));
                    }
                }
                if u64::from(p.state) != state || p.hairpin != want.on(s, "hairpin") {
                    say(format!("{label}: state {} hairpin {}", p.state, p.hairpin));
                }
                for (key, got) in [
                    ("message_age_timer", p.message_age_timer),
                    ("forward_delay_timer", p.forward_delay_timer),
                    ("hold_timer", p.hold_timer),
                ] {
                    if !close(got, want.timer(s, key)) {
                        say(format!("{label}: {key} {got} != ip {}", want.timer(s, key)));
                    }
                }
                if p.designated_root != want.id(s, "designated_root")
                    || p.designated_bridge != want.id(s, "designated_bridge")
                {
                    say(format!("{label}: ids {:?} {:?}", p.designated_root, p.designated_bridge));
                }
                match (p.mcast, want.get(s, "learning").is_some()) {
                    (None, false) => {}
                    (Some(m), true) => {
                        let flags = [
                            ("learning", m.flags.learning),
                            ("flood", m.flags.flood),
                            ("mcast_flood", m.flags.mcflood),
                            ("bcast_flood", m.flags.bcflood),
                            ("isolated", m.flags.isolated),
                            ("guard", m.flags.bpduguard),
                            ("root_block", m.flags.rootblock),
                            ("neigh_suppress", m.flags.neighsuppress),
                            ("mcast_fast_leave", m.fast_leave),
                        ];
                        for (key, got) in flags {
                            if got != want.on(s, key) {
                                say(format!("{label}: {key} {got} != ip {:?}", want.get(s, key)));
                            }
                        }
                        if u64::from(m.router) != want.num(s, "mcast_router") {
                            say(format!("{label}: mcast_router {} != ip {}", m.router, want.num(s, "mcast_router")));
                        }
                    }
                    (got, _) => say(format!("{label}: port multicast {got:?}, ip disagrees")),
                }
            }
            (got, _) => say(format!("{label}: port {got:?}, ip says port: {is_port}")),
        }
    }
    for bridge in links.iter().filter(|l| l.is_bridge()) {
        let label = String::from_utf8_lossy(&bridge.name).into_owned();
        let name = IfName::from_bytes(&bridge.name).unwrap();
        let mut expected: Vec<&[u8]> =
            ip.iter().filter(|l| l.raw("mtu", "master") == Some(&bridge.name[..])).map(|l| &l.name[..]).collect();
        expected.sort();
        let found = reader.ports(&name).unwrap();
        let mut names: Vec<&[u8]> = found.iter().map(|l| &l.name[..]).collect();
        names.sort();
        if names != expected {
            say(format!("{label}: ports {} != ip {}", names.len(), expected.len()));
        }
        let port_numbers: HashMap<Vec<u8>, u64> = ip
            .iter()
            .filter_map(|l| {
                Some((l.name.clone(), l.get("bridge_slave", "port_no").map(|_| l.num("bridge_slave", "port_no"))?))
            })
            .collect();
        let fdb = reader.fdb(&name).unwrap();
        fdb_entries += fdb.len();
        let mut want = ip_fdb(&bridge.name, &port_numbers);
        let mut got: Vec<_> = fdb.iter().map(|e| (e.mac, u64::from(e.port_no), e.is_local())).collect();
        got.sort();
        let mut want_keys: Vec<_> = want.iter().map(|&(mac, port, local, _, _)| (mac, port, local)).collect();
        want_keys.sort();
        if got != want_keys {
            say(format!("{label}: fdb {got:x?}\n  != bridge fdb {want_keys:x?}"));
        }
        for entry in &fdb {
            let Some(at) = want.iter().position(|w| w.0 == entry.mac && w.1 == u64::from(entry.port_no)) else {
                continue;
            };
            let (_, _, _, fixed, updated) = want.swap_remove(at);
            let ok = if fixed {
                entry.ageing_timer == 0
            } else {
                u64::from(entry.ageing_timer).abs_diff(updated * 100) <= 200
            };
            if !ok {
                say(format!("{label}: {:x?} ageing {} vs updated {updated}s", entry.mac, entry.ageing_timer));
            }
        }
    }
    if bridges == 0 || ports == 0 {
        say("set up at least one bridge with a port (see the comment on the test)".to_string());
    }
    let mut summary = String::new();
    let _ = write!(
        summary,
        "{} links, {bridges} bridges, {ports} ports (highest port_no {top_port}), {fdb_entries} fdb entries agree",
        links.len()
    );
    if problems.is_empty() {
        Ok(summary)
    } else {
        Err(problems)
    }
}

/// The multicast settings and port flags netlink decodes (from the bridge
/// dump, the AF_BRIDGE port dump and each bridge's port dump) against the
/// reader's, which `compare` has checked against ip.
pub(super) fn compare_netlink(reader: &SysfsReader, summary: String) -> Result<String, String> {
    use crate::backend::netlink::NetlinkBackend;
    use crate::backend::Backend;
    let links = reader.links().unwrap();
    let sysfs_bridge = |index: u32| links.iter().find(|l| l.index == index).and_then(|l| l.bridge.as_ref()?.mcast);
    let sysfs_port = |index: u32| links.iter().find(|l| l.index == index).and_then(|l| l.port.as_ref()?.mcast);
    let mut netlink = NetlinkBackend::new().unwrap();
    let mut problems = String::new();
    let bridges = netlink.bridges().unwrap();
    let mut ports = netlink.bridge_ports().unwrap();
    for bridge in &bridges {
        ports.extend(netlink.ports(bridge).unwrap());
        let got = bridge.bridge.as_ref().and_then(|b| b.mcast);
        if got != sysfs_bridge(bridge.index) {
            let _ = writeln!(
                problems,
                "bridge {}: netlink {got:?} != sysfs {:?}",
                bridge.index,
                sysfs_bridge(bridge.index)
            );
        }
    }
    for port in &ports {
        let got = port.port.as_ref().and_then(|p| p.mcast);
        if got != sysfs_port(port.index) {
            let _ = writeln!(problems, "port {}: netlink {got:?} != sysfs {:?}", port.index, sysfs_port(port.index));
        }
    }
    let names: HashMap<Vec<u8>, u32> = links.iter().map(|l| (l.name.clone(), l.index)).collect();
    let (want_entries, want_routers) = ip_mdb(&names);
    let mut got_entries = Vec::new();
    for bridge in &bridges {
        let mdb = netlink.mdb(bridge).unwrap();
        got_entries.extend(mdb.entries.iter().map(|e| (bridge.index, e.port, e.group, e.permanent, e.timer)));
        let mut got = mdb.router_ports.clone();
        got.sort();
        let want = want_routers.get(&bridge.index).cloned().unwrap_or_default();
        if got != want {
            let _ = writeln!(problems, "bridge {}: router ports {got:?} != bridge mdb {want:?}", bridge.index);
        }
    }
    got_entries.sort();
    let key = |entries: &[(u32, u32, IpAddr, bool, u64)]| -> Vec<_> {
        entries.iter().map(|&(bridge, port, group, permanent, _)| (bridge, port, group, permanent)).collect()
    };
    if key(&got_entries) != key(&want_entries) {
        let _ = writeln!(problems, "mdb {got_entries:?}\n  != bridge mdb {want_entries:?}");
    } else {
        for (got, want) in got_entries.iter().zip(&want_entries) {
            if got.4.abs_diff(want.4) > TIMER_SLACK {
                let _ = writeln!(problems, "mdb {got:?}: timer != bridge mdb {}", want.4);
            }
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{summary}; netlink's multicast settings of {} bridges and {} port views, {} mdb entries agree",
            bridges.len(),
            ports.len(),
            got_entries.len()
        ))
    } else {
        Err(problems)
    }
}

/// The IP groups of `bridge -s mdb show` as (bridge, port, group,
/// permanent, timer in centiseconds), sorted, and the router ports of
/// `bridge -d mdb show` by bridge. L2 groups and (S,G) entries, which
/// `Backend::mdb` leaves out, are left out here too.
#[allow(clippy::type_complexity)]
fn ip_mdb(names: &HashMap<Vec<u8>, u32>) -> (Vec<(u32, u32, IpAddr, bool, u64)>, HashMap<u32, Vec<u32>>) {
    let index = |name: &[u8]| names[name];
    let mut entries = Vec::new();
    let [s, d, mdb, show] = ["-s", "-d", "mdb", "show"].map(OsStr::new);
    for line in run("bridge", &[s, mdb, show]).split(|&b| b == b'\n').filter(|line| !line.is_empty()) {
        let tokens = tokens(line);
        let after = |key: &[u8]| tokens.iter().position(|t| t == key).and_then(|at| tokens.get(at + 1));
        let Ok(group) = String::from_utf8_lossy(after(b"grp").unwrap()).parse::<IpAddr>() else { continue };
        if after(b"src").is_some() {
            continue;
        }
        let timer = String::from_utf8_lossy(tokens.last().unwrap()).into_owned();
        let (secs, cents) = timer.split_once('.').unwrap();
        let timer = secs.parse::<u64>().unwrap() * 100 + cents.parse::<u64>().unwrap();
        let permanent = tokens.iter().any(|t| t == b"permanent");
        entries.push((index(after(b"dev").unwrap()), index(after(b"port").unwrap()), group, permanent, timer));
    }
    entries.sort();
    let mut routers: HashMap<u32, Vec<u32>> = HashMap::new();
    for line in run("bridge", &[d, mdb, show]).split(|&b| b == b'\n') {
        let Some(rest) = line.strip_prefix(b"router ports on ") else { continue };
        let tokens = tokens(rest);
        let bridge = index(tokens[0].strip_suffix(b":").unwrap());
        let mut ports: Vec<u32> = tokens[1..].iter().map(|name| index(name)).collect();
        ports.sort();
        routers.insert(bridge, ports);
    }
    (entries, routers)
}
