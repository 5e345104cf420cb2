//! The forwarding database commands (docs/compat.md section 11) on this machine's kernel, in
//! throwaway namespaces, against the kernel's own view (`bridge -j fdb show`, `ip -j link
//! show`): addmac, delmac, flushmacs, sethwaddr, and showmacs's VLAN filter. Refused input
//! exits 1 with one line on stderr and changes nothing; after the changes the original's
//! showmacs and ours (every backend) print the same table.
//!
//! This kernel has no VLAN filtering: here `vlan <vid>` is checked for how the kernel's
//! refusal is reported, and in User-Mode Linux (Linux 6.1, tests/common/uml.rs) for what it
//! does; what is asked for is checked against FakeKernel too (src/commands/fdb_tests.rs).

// The package's clippy lints hold the program proper (Cargo.toml [lints]); tests unwrap,
// panic, index and run other programs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use common::compare::compare_showmacs;
use common::json::{parse_json, Json};
use common::lab::NO_IPV6;
use common::namespace::{self, brctl_text, bridge, veth, NsOutput, Sys};
use common::original;

/// Environment for each way ours is run: BRCTL_BACKEND unset, netlink, sysfs.
const BACKENDS: &[(&str, &[(&str, &str)])] =
    &[("auto", &[]), ("netlink", &[("BRCTL_BACKEND", "netlink")]), ("sysfs", &[("BRCTL_BACKEND", "sysfs")])];

fn shell(text: &str) -> String {
    String::from_utf8(common::shell_quote(text.as_bytes())).unwrap()
}

/// br0 (ports eth0, eth1) and br1 (port eth2), a free eth3; all down, so nothing is learned.
fn lab() -> String {
    format!("{NO_IPV6}\n{}", namespace::two_bridges())
}

/// The whole forwarding database as the kernel shows it, into `$W/<tag>.fdb`.
fn fdb(tag: &str) -> String {
    format!("bridge -j fdb show >\"$W/{tag}.fdb\"\n")
}

/// One entry of `bridge -j fdb show`: (mac, ifname, master, state).
type Entry = (String, String, String, String);

fn entries(out: &NsOutput, tag: &str) -> Vec<Entry> {
    let value = parse_json(&out.text(&format!("{tag}.fdb"))).unwrap_or_else(|err| panic!("{tag}: {err}"));
    let field = |entry: &Json, key| entry.get(key).and_then(Json::as_str).unwrap_or_default().to_string();
    let mut entries: Vec<Entry> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (field(e, "mac"), field(e, "ifname"), field(e, "master"), field(e, "state")))
        .collect();
    entries.sort();
    entries
}

fn entry(mac: &str, ifname: &str, state: &str) -> Entry {
    (mac.to_string(), ifname.to_string(), "br0".to_string(), state.to_string())
}

/// The entries of br0's database (those with master br0).
fn of_br0(entries: &[Entry]) -> Vec<Entry> {
    entries.iter().filter(|e| e.2 == "br0").cloned().collect()
}

fn assert_refused(out: &NsOutput, tag: &str, stderr: &str) {
    let outcome = out.outcome(tag);
    assert_eq!((outcome.rc, outcome.stderr_text().as_str(), outcome.stdout_text().as_str()), (1, stderr, ""), "{tag}");
    assert_eq!(entries(out, tag), entries(out, &format!("{tag}_before")), "{tag} changed the database");
}

/// Runs `args` with its database dumped before and after (`<tag>_before.fdb`, `<tag>.fdb`).
fn checked(tag: &str, args: &[&str]) -> String {
    fdb(&format!("{tag}_before")) + &brctl_text(tag, &[], args) + &fdb(tag)
}

const STATIC_A: &str = "02:aa:00:00:00:01";
const STATIC_B: &str = "02:aa:00:00:00:02";
const STATIC_C: &str = "02:aa:00:00:00:03";

/// addmac adds a static entry the kernel shows on that port, twice is the kernel's EEXIST,
/// delmac removes exactly it; bad MACs, a port of another bridge and a missing bridge exit 1
/// with one line and change nothing; the original's showmacs and ours agree afterwards.
#[test]
fn addmac_and_delmac_change_exactly_the_entry_asked_for() {
    let test = "addmac_and_delmac_change_exactly_the_entry_asked_for";
    let Some(original) = original::require(test) else { return };
    let mut script = lab();
    script.push_str(&fdb("start"));
    script.push_str(&brctl_text("add", &[], &["addmac", "br0", "eth0", STATIC_A]));
    script.push_str(&fdb("added"));
    // One or two hex digits an octet, any case: the same entry.
    script.push_str(&checked("again", &["addmac", "br0", "eth0", "2:AA:0:0:0:1"]));
    script.push_str(&brctl_text("add_b", &[], &["addmac", "br0", "eth1", STATIC_B]));
    let orig = shell(&original.to_string_lossy());
    script.push_str(&format!("{orig} showmacs br0 >\"$W/orig.out\" 2>&1; echo $? >\"$W/orig.rc\"\n"));
    for (name, env) in BACKENDS {
        script.push_str(&brctl_text(&format!("show_{name}"), env, &["showmacs", "br0"]));
    }
    script.push_str(&brctl_text("json", &[], &["-j", "showmacs", "br0"]));
    for (tag, args) in [
        ("multicast", &["addmac", "br0", "eth0", "01:00:5e:00:00:01"][..]),
        ("broadcast", &["addmac", "br0", "eth0", "ff:ff:ff:ff:ff:ff"]),
        ("zero", &["addmac", "br0", "eth0", "00:00:00:00:00:00"]),
        ("short", &["addmac", "br0", "eth0", "02:aa:00:00:00"]),
        ("dashes", &["addmac", "br0", "eth0", "02-aa-00-00-00-03"]),
        ("digits", &["addmac", "br0", "eth0", "02:aa:00:00:00:003"]),
        ("other_bridge", &["addmac", "br0", "eth2", "02:aa:00:00:00:04"]),
        ("not_a_port", &["addmac", "br0", "eth3", "02:aa:00:00:00:04"]),
        ("no_bridge", &["addmac", "nosuch", "eth0", "02:aa:00:00:00:04"]),
        ("no_port", &["addmac", "br0", "nosuch", "02:aa:00:00:00:04"]),
        ("del_malformed", &["delmac", "br0", "eth0", "02:aa:00:00:00:0x"]),
        ("del_other_bridge", &["delmac", "br1", "eth0", STATIC_A]),
        ("del_missing", &["delmac", "br0", "eth0", "02:aa:00:00:00:09"]),
        // This kernel has no VLAN filtering: its refusal, worded.
        ("vlan", &["addmac", "br0", "eth0", "02:aa:00:00:00:05", "vlan", "5"]),
    ] {
        script.push_str(&checked(tag, args));
    }
    script.push_str(&brctl_text("del", &[], &["delmac", "br0", "eth0", STATIC_A]));
    script.push_str(&fdb("deleted"));
    let Some(out) = namespace::run(test, Sys::Sysfs, &script, 60) else { return };

    for tag in ["add", "add_b", "del"] {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str()), (0, ""), "{tag}: {outcome:?}");
    }
    let start = entries(&out, "start");
    let added = entries(&out, "added");
    let mut expected = start.clone();
    expected.push(entry(STATIC_A, "eth0", "static"));
    expected.sort();
    assert_eq!(added, expected, "addmac adds exactly one static entry on eth0");
    assert!(of_br0(&start).iter().all(|e| e.3 == "permanent"), "the ports' own entries: {start:?}");

    assert_refused(&out, "again", "add mac failed: File exists\n");
    assert_refused(
        &out,
        "multicast",
        "bad mac address '01:00:5e:00:00:01': a multicast address cannot be a static entry\n",
    );
    assert_refused(
        &out,
        "broadcast",
        "bad mac address 'ff:ff:ff:ff:ff:ff': a multicast address cannot be a static entry\n",
    );
    assert_refused(
        &out,
        "zero",
        "bad mac address '00:00:00:00:00:00': the all-zero address cannot be a static entry\n",
    );
    let malformed = ": expected six hex octets separated by ':', such as 52:54:00:12:34:56\n";
    assert_refused(&out, "short", &format!("bad mac address '02:aa:00:00:00'{malformed}"));
    assert_refused(&out, "dashes", &format!("bad mac address '02-aa-00-00-00-03'{malformed}"));
    assert_refused(&out, "digits", &format!("bad mac address '02:aa:00:00:00:003'{malformed}"));
    assert_refused(&out, "del_malformed", &format!("bad mac address '02:aa:00:00:00:0x'{malformed}"));
    assert_refused(&out, "other_bridge", "device eth2 is not a port of br0\n");
    assert_refused(&out, "del_other_bridge", "device eth0 is not a port of br1\n");
    // As setpathcost reports a missing bridge or port, and a device that is no port.
    assert_refused(&out, "no_bridge", "add mac failed: No such device\n");
    assert_refused(&out, "no_port", "add mac failed: No such device\n");
    assert_refused(&out, "not_a_port", "add mac failed: No such file or directory\n");
    assert_refused(&out, "del_missing", "delete mac failed: No such file or directory\n");
    let vlan = out.outcome("vlan");
    assert!(vlan.rc == 1 && vlan.stderr_is_one_line(), "{vlan:?}");
    assert!(vlan.stderr_text().starts_with("add mac failed: "), "{vlan:?}");
    assert_eq!(entries(&out, "vlan"), entries(&out, "vlan_before"));

    // The original's table and ours, from every backend (the bridge is down: no timer runs).
    assert_eq!(out.text("orig.rc").trim(), "0", "{}", out.text("orig.out"));
    let table = out.file("orig.out");
    assert!(String::from_utf8_lossy(&table).contains("  1\t02:aa:00:00:00:01\tno\t\t   0.00\n"));
    assert!(String::from_utf8_lossy(&table).contains("  2\t02:aa:00:00:00:02\tno\t\t   0.00\n"));
    for (name, _) in BACKENDS {
        let ours = out.outcome(&format!("show_{name}"));
        assert_eq!(ours.rc, 0, "{name}: {ours:?}");
        compare_showmacs(&table, &ours.stdout, 0).unwrap_or_else(|err| panic!("{name}: {err:#}"));
    }
    let json = parse_json(&out.outcome("json").stdout_text()).unwrap();
    let static_a = json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e.get("mac_addr").and_then(Json::as_str) == Some(STATIC_A))
        .expect("the static entry in -j showmacs");
    assert_eq!(static_a.get("interface").and_then(Json::as_str), Some("eth0"));
    assert_eq!(static_a.get("is_local"), Some(&Json::Bool(false)));

    // delmac removes exactly that entry.
    let mut expected = entries(&out, "del_missing");
    expected.retain(|e| e.0 != STATIC_A);
    assert_eq!(entries(&out, "deleted"), expected);
    assert!(expected.contains(&entry(STATIC_B, "eth1", "static")));
}

/// Whether `mac` is in br0's database on `port` with `state`.
fn has(entries: &[Entry], mac: &str, port: &str, state: &str) -> bool {
    entries.contains(&entry(mac, port, state))
}

/// flushmacs drops learned entries (of one port, or of the whole bridge) and keeps static and
/// local ones. Learned entries come from the peers' IPv6 frames when they come up after the
/// bridge; learning is then turned off so nothing comes back between the steps.
#[test]
fn flushmacs_drops_learned_entries_and_keeps_static_and_local_ones() {
    let test = "flushmacs_drops_learned_entries_and_keeps_static_and_local_ones";
    let mut script = String::new();
    script.push_str(&bridge("br0", 1));
    script.push_str(&veth("eth0", 0x10));
    script.push_str(&veth("eth1", 0x11));
    script.push_str(
        "ip link set eth0 master br0\nip link set eth1 master br0\n\
         ip link set br0 up\nip link set eth0 up\nip link set eth1 up\n\
         ip link set eth0p up\nip link set eth1p up\n\
         n=0; until bridge fdb show br br0 | grep -q '^02:00:00:00:01:10 .*dev eth0 master' && \
         bridge fdb show br br0 | grep -q '^02:00:00:00:01:11 .*dev eth1 master'; do \
         n=$((n+1)); [ $n -gt 100 ] && { echo 'lab: nothing learned' >&2; exit 4; }; sleep 0.1; done\n\
         brctl learning br0 eth0 off || exit 3\nbrctl learning br0 eth1 off || exit 3\n",
    );
    script.push_str(&brctl_text("static0", &[], &["addmac", "br0", "eth0", STATIC_A]));
    script.push_str(&brctl_text("static1", &[], &["addmac", "br0", "eth1", STATIC_B]));
    script.push_str(&fdb("learned"));
    script.push_str(&brctl_text("port", &[], &["flushmacs", "br0", "eth0"]));
    script.push_str(&fdb("port"));
    script.push_str(&checked("missing_bridge_port", &["flushmacs", "br9", "eth1"]));
    script.push_str(&brctl_text("bridge", &[], &["flushmacs", "br0"]));
    script.push_str(&fdb("bridge"));
    script.push_str(&checked("no_bridge", &["flushmacs", "nosuch"]));
    script.push_str(&checked("not_a_bridge", &["flushmacs", "eth0"]));
    let Some(out) = namespace::run(test, Sys::Sysfs, &script, 60) else { return };

    for tag in ["static0", "static1", "port", "bridge"] {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str()), (0, ""), "{tag}: {outcome:?}");
    }
    let (peer0, peer1) = ("02:00:00:00:01:10", "02:00:00:00:01:11");
    let learned = of_br0(&entries(&out, "learned"));
    assert!(has(&learned, peer0, "eth0", "") && has(&learned, peer1, "eth1", ""), "{learned:?}");
    let kept = |all: &[Entry]| -> Vec<Entry> { all.iter().filter(|e| !e.3.is_empty()).cloned().collect() };
    assert!(has(&learned, STATIC_A, "eth0", "static") && has(&learned, "02:00:00:00:00:10", "eth0", "permanent"));

    // The port's learned entry is gone; the other port's stays, as does every static and local one.
    let port = of_br0(&entries(&out, "port"));
    let mut expected = learned.clone();
    expected.retain(|e| !(e.1 == "eth0" && e.3.is_empty()));
    assert_eq!(port, expected);
    assert!(has(&port, peer1, "eth1", ""));

    let bridge = of_br0(&entries(&out, "bridge"));
    assert_eq!(bridge, kept(&learned), "only the learned entries go");
    assert!(bridge.iter().all(|e| !e.3.is_empty()));

    assert_refused(&out, "missing_bridge_port", "flush macs failed: No such device\n");
    assert_refused(&out, "no_bridge", "flush macs failed: No such device\n");
    assert_refused(&out, "not_a_bridge", "flush macs failed: Operation not supported\n");
}

/// The `address` of `ip -j link show <dev>` saved as `$W/<tag>.addr`.
fn address(tag: &str, dev: &str) -> String {
    format!("ip -j link show {dev} >\"$W/{tag}.addr\"\n")
}

fn address_of(out: &NsOutput, tag: &str) -> String {
    let value = parse_json(&out.text(&format!("{tag}.addr"))).unwrap();
    value.as_array().unwrap()[0].get("address").and_then(Json::as_str).unwrap().to_string()
}

/// sethwaddr by MAC and by interface name (a port, or any other interface: Debian's
/// bridge_hw), and the address stays when the port it came from leaves; a bridge made by
/// addbr, with no address of its own, would otherwise take its lowest port's.
#[test]
fn sethwaddr_sets_the_bridge_address_and_it_stays_when_a_port_leaves() {
    let test = "sethwaddr_sets_the_bridge_address_and_it_stays_when_a_port_leaves";
    let mut script = String::new();
    for (index, name) in ["eth0", "eth1", "eth3"].iter().enumerate() {
        script.push_str(&veth(name, index as u8 + 0x10));
    }
    script.push_str("brctl addbr br0 || exit 3\nbrctl addif br0 eth0 eth1 || exit 3\n");
    script.push_str(&address("lowest", "br0"));
    script.push_str(&brctl_text("by_port", &[], &["sethwaddr", "br0", "eth1"]));
    script.push_str(&address("by_port", "br0"));
    script.push_str("brctl delif br0 eth1 || exit 3\n");
    script.push_str(&address("port_left", "br0"));
    script.push_str(&brctl_text("by_mac", &[], &["sethwaddr", "br0", "02:12:34:56:78:9A"]));
    script.push_str(&address("by_mac", "br0"));
    for (name, env) in BACKENDS {
        script.push_str(&brctl_text(&format!("by_other_{name}"), env, &["sethwaddr", "br0", "eth3"]));
        script.push_str(&address(&format!("by_other_{name}"), "br0"));
        script.push_str(&brctl_text(&format!("reset_{name}"), env, &["sethwaddr", "br0", "2:0:0:0:0:1"]));
    }
    script.push_str(&brctl_text("by_other", &[], &["sethwaddr", "br0", "eth3"]));
    script.push_str("brctl delif br0 eth0 || exit 3\n");
    script.push_str(&address("no_ports", "br0"));
    for (tag, args) in [
        ("no_interface", &["sethwaddr", "br0", "nosuch"][..]),
        ("no_bridge", &["sethwaddr", "nosuch", "02:12:34:56:78:9a"]),
        ("not_a_bridge", &["sethwaddr", "eth0", "02:12:34:56:78:9a"]),
        ("multicast", &["sethwaddr", "br0", "01:12:34:56:78:9a"]),
        ("malformed", &["sethwaddr", "br0", "02:12:34:56:78"]),
    ] {
        script.push_str(&brctl_text(tag, &[], args));
        script.push_str(&address(tag, "br0"));
    }
    let Some(out) = namespace::run(test, Sys::Sysfs, &script, 60) else { return };

    assert_eq!(address_of(&out, "lowest"), "02:00:00:00:00:10", "the lab: addbr's bridge takes its lowest port's");
    let ok = |tag: &str| {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str(), outcome.stdout_text().as_str()), (0, "", ""), "{tag}");
    };
    ok("by_port");
    assert_eq!(address_of(&out, "by_port"), "02:00:00:00:00:11");
    assert_eq!(address_of(&out, "port_left"), "02:00:00:00:00:11", "the address stays when eth1 leaves");
    ok("by_mac");
    assert_eq!(address_of(&out, "by_mac"), "02:12:34:56:78:9a");
    for (name, _) in BACKENDS {
        ok(&format!("by_other_{name}"));
        assert_eq!(address_of(&out, &format!("by_other_{name}")), "02:00:00:00:00:12", "{name}");
    }
    assert_eq!(address_of(&out, "no_ports"), "02:00:00:00:00:12", "the address stays when the last port leaves");
    for (tag, stderr) in [
        ("no_interface", "interface nosuch does not exist!\n"),
        ("no_bridge", "set hardware address failed: No such device\n"),
        ("not_a_bridge", "set hardware address failed: Operation not supported\n"),
        ("multicast", "set hardware address failed: Cannot assign requested address\n"),
        (
            "malformed",
            "bad mac address '02:12:34:56:78': expected six hex octets separated by ':', such as 52:54:00:12:34:56\n",
        ),
    ] {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str()), (1, stderr), "{tag}");
        assert_eq!(address_of(&out, tag), "02:00:00:00:00:12", "{tag} changed the address");
    }
}

/// showmacs with a VLAN: on this kernel (no VLAN filtering) no entry has one, so the table is
/// the header alone; the sysfs backend cannot read VLANs and says so; without the filter (and
/// with `vlan` but no id, which the original ignores) the table is the original's.
#[test]
fn showmacs_vlan_filters_over_netlink_and_says_why_not_over_sysfs() {
    let test = "showmacs_vlan_filters_over_netlink_and_says_why_not_over_sysfs";
    let Some(original) = original::require(test) else { return };
    let mut script = lab();
    script.push_str("brctl addmac br0 eth0 02:aa:00:00:00:01 || exit 3\n");
    let orig = shell(&original.to_string_lossy());
    script.push_str(&format!("{orig} showmacs br0 >\"$W/orig.out\" 2>&1\n"));
    for (name, env) in BACKENDS {
        script.push_str(&brctl_text(&format!("vlan_{name}"), env, &["showmacs", "br0", "vlan", "1"]));
        script.push_str(&brctl_text(&format!("json_{name}"), env, &["-j", "showmacs", "br0", "vlan", "1"]));
        script.push_str(&brctl_text(&format!("bare_{name}"), env, &["showmacs", "br0", "vlan"]));
    }
    script.push_str(&brctl_text("bad_vid", &[], &["showmacs", "br0", "vlan", "4095"]));
    script.push_str(&brctl_text("no_bridge", &[], &["showmacs", "nosuch", "vlan", "1"]));
    let Some(out) = namespace::run(test, Sys::Sysfs, &script, 60) else { return };

    let header = "port no\tmac addr\t\tis local?\tageing timer\n";
    for name in ["auto", "netlink"] {
        let vlan = out.outcome(&format!("vlan_{name}"));
        assert_eq!((vlan.rc, vlan.stdout_text().as_str(), vlan.stderr_text().as_str()), (0, header, ""), "{name}");
        assert_eq!(out.outcome(&format!("json_{name}")).stdout_text(), "[]\n", "{name}");
    }
    let sysfs = out.outcome("vlan_sysfs");
    assert_eq!(
        (sysfs.rc, sysfs.stdout_text().as_str(), sysfs.stderr_text().as_str()),
        (
            1,
            "",
            "read of forward table failed: Operation not supported\n\
             hint: mac addresses' vlans are read over netlink only, not with BRCTL_BACKEND=sysfs\n"
        )
    );
    for (name, _) in BACKENDS {
        let bare = out.outcome(&format!("bare_{name}"));
        assert_eq!(bare.stdout, out.file("orig.out"), "{name}");
    }
    let bad = out.outcome("bad_vid");
    assert_eq!((bad.rc, bad.stderr_text().as_str()), (1, "bad vlan id '4095': allowed range is 1 to 4094\n"));
    let missing = out.outcome("no_bridge");
    assert_eq!((missing.rc, missing.stderr_text().as_str()), (1, "read of forward table failed: No such device\n"));
}

/// `vlan <vid>` on a kernel with VLAN filtering (Linux 6.1 in User-Mode Linux, tests/common/uml.rs):
/// addmac puts the entry in that VLAN, a VLAN the port lacks is the kernel's EINVAL, delmac
/// removes the entry of that VLAN only, and showmacs with the filter lists exactly the bridge's
/// entries on ports that `bridge fdb show vlan <vid>` lists.
#[test]
fn vlan_entries_on_a_kernel_with_vlan_filtering() {
    use common::uml::{self, record_line, UmlScenario};
    let test = "vlan_entries_on_a_kernel_with_vlan_filtering";
    if !uml::uml_ready(test) {
        return;
    }
    let mut script = String::from(
        "ip link add br0 address 02:00:00:00:02:01 type bridge vlan_filtering 1 || exit 3\n\
         ip link add eth0 address 02:00:00:00:00:10 type veth peer name eth0p || exit 3\n\
         ip link add eth1 address 02:00:00:00:00:11 type veth peer name eth1p || exit 3\n\
         ip link set eth0 master br0 && ip link set eth1 master br0 || exit 3\n\
         brctl addvlan br0 eth0 10 || exit 3\nbrctl addvlan br0 eth1 10 || exit 3\n",
    );
    script.push_str(&brctl_text("add10", &[], &["addmac", "br0", "eth0", STATIC_A, "vlan", "10"]));
    script.push_str(&brctl_text("again10", &[], &["addmac", "br0", "eth0", STATIC_A, "vlan", "10"]));
    // Without a VLAN on a port with VLANs the kernel adds the entry without one and in each of them.
    script.push_str(&brctl_text("add_plain", &[], &["addmac", "br0", "eth1", STATIC_C]));
    script.push_str(&brctl_text("add1", &[], &["addmac", "br0", "eth1", STATIC_B, "vlan", "1"]));
    script.push_str(&brctl_text("add20", &[], &["addmac", "br0", "eth0", STATIC_B, "vlan", "20"]));
    script.push_str(&fdb("added"));
    script.push_str(&record_line("kernel10", &["bridge", "-j", "fdb", "show", "br", "br0", "vlan", "10"]));
    script.push_str(&brctl_text("show10", &[], &["-j", "showmacs", "br0", "vlan", "10"]));
    script.push_str(&brctl_text("show10_text", &[], &["showmacs", "br0", "vlan", "10"]));
    script.push_str(&brctl_text("del10", &[], &["delmac", "br0", "eth0", STATIC_A, "vlan", "10"]));
    script.push_str(&fdb("deleted"));
    script.push_str(&brctl_text("del_plain", &[], &["delmac", "br0", "eth1", STATIC_C]));
    script.push_str(&fdb("deleted_plain"));
    let Some(run) = uml::run(test, &[UmlScenario::new("vlan", &script)]) else { return };
    let result = run.get("vlan").assert_ok();

    for tag in ["add10", "add_plain", "add1", "del10", "del_plain"] {
        let outcome = result.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str()), (0, ""), "{tag}: {outcome:?}");
    }
    let again = result.outcome("again10");
    assert_eq!((again.rc, again.stderr_text().as_str()), (1, "add mac failed: File exists\n"));
    let add20 = result.outcome("add20");
    assert_eq!((add20.rc, add20.stderr_text().as_str()), (1, "add mac failed: Invalid argument\n"));

    // (mac, ifname, vlan, state) of br0's entries on ports.
    let entries = |text: &str| -> Vec<(String, String, String, String)> {
        let value = parse_json(text).unwrap_or_else(|err| panic!("{err}: {text}"));
        let field = |entry: &Json, key| match entry.get(key) {
            Some(Json::String(text) | Json::Number(text)) => text.clone(),
            _ => String::new(),
        };
        let mut entries: Vec<_> = value
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| field(e, "master") == "br0" && field(e, "ifname") != "br0")
            .map(|e| (field(e, "mac"), field(e, "ifname"), field(e, "vlan"), field(e, "state")))
            .collect();
        entries.sort();
        entries
    };
    let row =
        |mac: &str, port: &str, vlan: &str| (mac.to_string(), port.to_string(), vlan.to_string(), "static".to_string());
    let added = entries(&result.text("added.fdb"));
    for expected in [
        row(STATIC_A, "eth0", "10"),
        row(STATIC_B, "eth1", "1"),
        row(STATIC_C, "eth1", ""),
        row(STATIC_C, "eth1", "1"),
        row(STATIC_C, "eth1", "10"),
    ] {
        assert!(added.contains(&expected), "{expected:?} not in {added:?}");
    }
    assert!(!added.iter().any(|e| e.2 == "20") && !added.iter().any(|e| e.0 == STATIC_A && e.2 != "10"), "{added:?}");

    // showmacs with the filter: the MACs the kernel lists in VLAN 10 on ports, each with vlan 10.
    let kernel: Vec<String> = entries(&result.outcome("kernel10").stdout_text()).into_iter().map(|e| e.0).collect();
    let shown = parse_json(&result.outcome("show10").stdout_text()).unwrap();
    let mut ours: Vec<String> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e.get("vlan"), Some(&Json::Number("10".to_string())), "{e:?}");
            e.get("mac_addr").and_then(Json::as_str).unwrap().to_string()
        })
        .collect();
    ours.sort();
    let mut kernel_sorted = kernel.clone();
    kernel_sorted.sort();
    assert_eq!(ours, kernel_sorted);
    for (mac, listed) in [(STATIC_A, true), (STATIC_C, true), (STATIC_B, false)] {
        assert_eq!(ours.contains(&mac.to_string()), listed, "{mac} in {ours:?}");
    }
    let text = result.outcome("show10_text").stdout_text();
    assert_eq!(text.lines().count(), ours.len() + 1, "{text}");

    // delmac with the VLAN removes that entry only.
    let mut expected = added.clone();
    expected.retain(|e| *e != row(STATIC_A, "eth0", "10"));
    assert_eq!(entries(&result.text("deleted.fdb")), expected);
    // Without it, the kernel removes the entry in every VLAN of the port too.
    expected.retain(|e| e.0 != STATIC_C);
    assert_eq!(entries(&result.text("deleted_plain.fdb")), expected);
}

/// Without CAP_NET_ADMIN every change fails with `Operation not permitted` and the hint of D8,
/// a port of another bridge too (as the port commands of D4); a bad MAC is still a bad MAC; a
/// missing interface for sethwaddr needs no privilege to be reported; nothing changes.
#[test]
fn without_the_capability_every_change_is_not_permitted() {
    use common::privilege;
    let test = "fdb_without_the_capability_every_change_is_not_permitted";
    if !privilege::nocaps_ready(test) {
        return;
    }
    let setpriv = privilege::setpriv_path().unwrap();
    let hint = "hint: changing bridges needs CAP_NET_ADMIN (run as root)\n";
    let denied = |what: &str| format!("{what} failed: Operation not permitted\n{hint}");
    let cases: Vec<(&str, &[&str], String)> = vec![
        ("add", &["addmac", "br0", "eth0", STATIC_A], denied("add mac")),
        ("add_other", &["addmac", "br0", "eth2", STATIC_A], denied("add mac")),
        ("del", &["delmac", "br0", "eth0", "02:00:00:00:00:10"], denied("delete mac")),
        ("flush", &["flushmacs", "br0"], denied("flush macs")),
        ("flush_port", &["flushmacs", "br0", "eth1"], denied("flush macs")),
        ("hw", &["sethwaddr", "br0", "02:12:34:56:78:9a"], denied("set hardware address")),
        ("hw_port", &["sethwaddr", "br0", "eth3"], denied("set hardware address")),
        ("bad", &["addmac", "br0", "eth0", "01:00:5e:00:00:01"], {
            "bad mac address '01:00:5e:00:00:01': a multicast address cannot be a static entry\n".to_string()
        }),
        ("missing", &["sethwaddr", "br0", "nosuch"], "interface nosuch does not exist!\n".to_string()),
    ];
    let mut script = lab();
    script.push_str(&fdb("before"));
    script.push_str(&address("before", "br0"));
    let mut prefix = shell(&setpriv.to_string_lossy());
    for option in privilege::SETPRIV_OPTIONS {
        prefix.push(' ');
        prefix.push_str(option);
    }
    prefix.push_str(" -- brctl");
    for (tag, args, _) in &cases {
        script.push_str(&brctl_text(tag, &[], args).replacen("brctl", &prefix, 1));
    }
    script.push_str(&fdb("after"));
    script.push_str(&address("after", "br0"));
    let Some(out) = namespace::run(test, Sys::Sysfs, &script, 60) else { return };
    for (tag, args, message) in &cases {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text()), (1, message.clone()), "brctl {args:?}");
    }
    assert_eq!(entries(&out, "before"), entries(&out, "after"));
    assert_eq!(address_of(&out, "before"), address_of(&out, "after"));
}
