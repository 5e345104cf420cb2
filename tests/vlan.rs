//! The VLAN commands (docs/compat.md section 9) on a kernel that has VLAN filtering: Linux 6.1
//! in User-Mode Linux (tests/common/uml.rs), since this machine's kernel has none. Every
//! command's valid input is checked against the kernel's own view (`bridge -c -j vlan show`,
//! `ip -d -j link show`); bad input exits 1 with one line and changes nothing; showvlans is
//! compared byte for byte with the text the kernel's view calls for, and its JSON with that
//! view. On this machine's kernel the same commands fail cleanly (the last test).
//!
//! One boot serves every test of this file.

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

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::json::{parse_json, Json};
use common::namespace::{self, brctl_text, Sys};
use common::uml::{self, record_line, UmlResult, UmlRun, UmlScenario};

/// br0 (ports eth0, eth1) and br1 (port eth2), a free eth3; br0 with VLAN filtering.
fn lab() -> String {
    namespace::two_bridges() + "ip link set br0 type bridge vlan_filtering 1\n"
}

/// The kernel's view after a step: `bridge -c -j vlan show` and `ip -d -j link show br0`.
fn views(tag: &str) -> String {
    [
        record_line(&format!("{tag}.vlans"), &["bridge", "-c", "-j", "vlan", "show"]),
        record_line(&format!("{tag}.link"), &["ip", "-d", "-j", "link", "show", "br0"]),
    ]
    .concat()
}

/// Each command of `steps` with its outcome in `$W/<tag>.*`, the kernel's view after it in
/// `$W/<tag>.vlans.*` and `$W/<tag>.link.*`.
fn steps(steps: &[(&str, &[&str])]) -> String {
    let mut script = String::new();
    for (tag, args) in steps {
        script.push_str(&brctl_text(tag, &[], args));
        script.push_str(&views(tag));
    }
    script
}

const CHANGES: &[(&str, &[&str])] = &[
    ("proto_ad", &["setvlanproto", "br0", "802.1ad"]),
    ("proto_q", &["setvlanproto", "br0", "802.1Q"]),
    ("defpvid", &["setdefpvid", "br0", "5"]),
    ("add_single", &["addvlan", "br0", "eth0", "10"]),
    ("add_range", &["addvlan", "br0", "eth0", "20-30", "untagged"]),
    ("add_pvid", &["addvlan", "br0", "eth1", "0x64", "pvid", "untagged"]),
    ("add_self", &["addvlan", "br0", "br0", "10"]),
    ("del_part", &["delvlan", "br0", "eth0", "25-26"]),
    ("del_self", &["delvlan", "br0", "br0", "10"]),
    ("show", &["showvlans"]),
    ("show_json", &["-j", "showvlans", "br0"]),
    ("filter_off", &["vlanfiltering", "br0", "off"]),
    ("show_off", &["showvlans", "br0"]),
    ("filter_on", &["vlanfiltering", "br0", "on"]),
];

/// Refused before anything changes: each must exit 1 with one line and leave the kernel's
/// view as it was.
const BAD: &[(&str, &[&str], &str)] = &[
    ("vid0", &["addvlan", "br0", "eth0", "0"], "bad vlan id '0': allowed range is 1 to 4094\n"),
    ("vid4095", &["addvlan", "br0", "eth0", "4095"], "bad vlan id '4095': allowed range is 1 to 4094\n"),
    ("reversed", &["delvlan", "br0", "eth0", "10-5"], "bad vlan id '10-5': the first vlan id is above the last\n"),
    (
        "pvid_range",
        &["addvlan", "br0", "eth0", "10-20", "pvid"],
        "pvid needs a single vlan id, not the range '10-20'\n",
    ),
    ("proto", &["setvlanproto", "br0", "802.1x"], "bad vlan protocol '802.1x': use 802.1Q or 802.1ad\n"),
    ("other_bridge", &["addvlan", "br0", "eth2", "10"], "device eth2 is not a port of br0\n"),
    ("free_port", &["addvlan", "br0", "eth3", "10"], "device eth3 is not a port of br0\n"),
    ("no_bridge", &["addvlan", "nosuch", "eth0", "10"], "bridge nosuch does not exist!\n"),
    ("no_port", &["delvlan", "br0", "nosuch", "10"], "interface nosuch does not exist!\n"),
    ("not_bridge", &["addvlan", "eth3", "eth0", "10"], "device eth3 is not a bridge!\n"),
    (
        "filter_word",
        &["vlanfiltering", "br0", "maybe"],
        "expect on/off for argument, not 'maybe': use on, off, yes, no, 1 or 0\n",
    ),
    ("defpvid_big", &["setdefpvid", "br0", "4095"], "bad default pvid '4095': allowed range is 0 to 4094\n"),
    ("no_bridge_set", &["setdefpvid", "nosuch", "1"], "set default pvid failed: No such device\n"),
];

fn scenarios() -> Vec<UmlScenario> {
    let mut bad = lab();
    bad.push_str("ip link set br0 type bridge vlan_default_pvid 1\nbridge vlan add dev eth0 vid 7\n");
    bad.push_str(&views("before"));
    for (tag, args, _) in BAD {
        bad.push_str(&brctl_text(tag, &[], args));
    }
    bad.push_str(&views("after"));
    // The old commands with VLAN filtering on, ours against the original (down bridges: no
    // timer runs, so the outputs must be equal byte for byte).
    let mut old = lab();
    old.push_str("bridge vlan add dev eth0 vid 10 untagged\n");
    for (tag, args) in [
        ("show", &["show"][..]),
        ("show_br0", &["show", "br0"]),
        ("showstp", &["showstp", "br0"]),
        ("showmacs", &["showmacs", "br0"]),
    ] {
        old.push_str(&brctl_text(&format!("ours.{tag}"), &[], args));
        let mut words = vec!["/usr/sbin/brctl"];
        words.extend_from_slice(args);
        old.push_str(&record_line(&format!("orig.{tag}"), &words));
    }
    vec![
        UmlScenario::new("changes", &[lab(), views("start"), steps(CHANGES)].concat()),
        UmlScenario::new("bad", &bad),
        UmlScenario::new("old_commands", &old),
    ]
}

fn boot() -> &'static UmlRun {
    static BOOT: OnceLock<UmlRun> = OnceLock::new();
    BOOT.get_or_init(|| {
        let run = uml::run("vlan", &scenarios()).expect("uml_ready was checked");
        eprintln!("vlan: {} scenarios on {} in {:.1} s", run.results.len(), run.kernel, run.elapsed.as_secs_f64());
        run
    })
}

/// One VLAN on one link: (link, vid, pvid, untagged).
type Entry = (String, u16, bool, bool);

fn number(value: Option<&Json>) -> Option<u16> {
    match value? {
        Json::Number(text) => text.parse().ok(),
        _ => None,
    }
}

/// `bridge -c -j vlan show`, one entry per VLAN (ranges, where it gives them, expanded).
fn kernel_vlans(result: &UmlResult, tag: &str) -> BTreeSet<Entry> {
    let outcome = result.outcome(tag);
    assert_eq!(outcome.rc, 0, "{tag}: {outcome:?}");
    let value = parse_json(&outcome.stdout_text()).unwrap();
    let mut entries = BTreeSet::new();
    for link in value.as_array().unwrap() {
        let name = link.get("ifname").and_then(Json::as_str).unwrap().to_string();
        for vlan in link.get("vlans").and_then(Json::as_array).unwrap_or_default() {
            let first = number(vlan.get("vlan")).unwrap();
            let last = number(vlan.get("vlanEnd")).unwrap_or(first);
            let flags: Vec<&str> = vlan
                .get("flags")
                .and_then(Json::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(Json::as_str)
                .collect();
            for vid in first..=last {
                entries.insert((name.clone(), vid, flags.contains(&"PVID"), flags.contains(&"Egress Untagged")));
            }
        }
    }
    entries
}

/// One attribute of `ip -d -j link show br0`'s linkinfo data.
fn link_attr(result: &UmlResult, tag: &str, key: &str) -> String {
    let outcome = result.outcome(tag);
    let value = parse_json(&outcome.stdout_text()).unwrap();
    let data = value.as_array().unwrap()[0].get("linkinfo").and_then(|info| info.get("info_data")).unwrap();
    match data.get(key) {
        Some(Json::Number(text) | Json::String(text)) => text.clone(),
        other => panic!("{key}: {other:?} in {outcome:?}"),
    }
}

fn ok(result: &UmlResult, tag: &str) {
    let outcome = result.outcome(tag);
    assert_eq!((outcome.rc, outcome.stderr_text()), (0, String::new()), "{tag}: {outcome:?}");
}

/// The entries of VLANs `first..=last` on `link`.
fn entries(link: &str, first: u16, last: u16, pvid: bool, untagged: bool) -> Vec<Entry> {
    (first..=last).map(|vid| (link.to_string(), vid, pvid, untagged)).collect()
}

/// Runs of VLANs as the kernel's compressed dump gives them: neighbours with the same flags
/// make one range; a PVID stands alone. (link, first, last, pvid, untagged).
fn compressed(entries: &BTreeSet<Entry>, link: &str) -> Vec<(u16, u16, bool, bool)> {
    let mut runs: Vec<(u16, u16, bool, bool)> = Vec::new();
    for (_, vid, pvid, untagged) in entries.iter().filter(|entry| entry.0 == link) {
        match runs.last_mut() {
            Some((_, last, false, was_untagged)) if *last + 1 == *vid && !pvid && was_untagged == untagged => {
                *last = *vid
            }
            _ => runs.push((*vid, *vid, *pvid, *untagged)),
        }
    }
    runs
}

#[test]
fn every_vlan_change_lands_in_the_kernel() {
    if !uml::uml_ready("every_vlan_change_lands_in_the_kernel") {
        return;
    }
    let run = boot();
    assert!(run.kernel.starts_with("6.1"), "kernel {}", run.kernel);
    let r = run.get("changes").assert_ok();
    assert_eq!(link_attr(r, "start.link", "vlan_filtering"), "1");
    for tag in
        ["proto_ad", "proto_q", "defpvid", "add_single", "add_range", "add_pvid", "add_self", "del_part", "del_self"]
    {
        ok(r, tag);
    }
    assert_eq!(link_attr(r, "proto_ad.link", "vlan_protocol"), "802.1ad");
    assert_eq!(link_attr(r, "proto_q.link", "vlan_protocol"), "802.1Q");
    assert_eq!(link_attr(r, "defpvid.link", "vlan_default_pvid"), "5");
    let start = kernel_vlans(r, "start.vlans");
    let step = |before: &BTreeSet<Entry>, tag: &str| -> (Vec<Entry>, Vec<Entry>) {
        let after = kernel_vlans(r, &format!("{tag}.vlans"));
        (after.difference(before).cloned().collect(), before.difference(&after).cloned().collect())
    };
    let defpvid = kernel_vlans(r, "defpvid.vlans");
    assert_eq!(step(&defpvid, "add_single"), (entries("eth0", 10, 10, false, false), vec![]));
    let single = kernel_vlans(r, "add_single.vlans");
    assert_eq!(step(&single, "add_range"), (entries("eth0", 20, 30, false, true), vec![]));
    let range = kernel_vlans(r, "add_range.vlans");
    // The new PVID takes that role from the default PVID's VLAN on eth1.
    assert_eq!(
        step(&range, "add_pvid").0,
        [entries("eth1", 5, 5, false, true), entries("eth1", 100, 100, true, true)].concat()
    );
    let pvid = kernel_vlans(r, "add_pvid.vlans");
    assert_eq!(step(&pvid, "add_self"), (entries("br0", 10, 10, false, false), vec![]));
    let self_added = kernel_vlans(r, "add_self.vlans");
    assert_eq!(step(&self_added, "del_part"), (vec![], entries("eth0", 25, 26, false, true)));
    let part = kernel_vlans(r, "del_part.vlans");
    assert_eq!(step(&part, "del_self"), (vec![], entries("br0", 10, 10, false, false)));
    assert!(!start.is_empty());
    // Filtering off and on again.
    ok(r, "filter_off");
    assert_eq!(link_attr(r, "filter_off.link", "vlan_filtering"), "0");
    ok(r, "filter_on");
    assert_eq!(link_attr(r, "filter_on.link", "vlan_filtering"), "1");
}

/// The showvlans text the kernel's view calls for (docs/compat.md 9.4): the bridge's own entry,
/// then its ports in port-number order (eth0 is port 1, eth1 port 2), one VLAN or range a line.
fn expected_text(entries: &BTreeSet<Entry>, bridges: &[(&str, &[&str])]) -> String {
    let mut text = String::from("bridge name\tport\t\tvlan ids\n");
    for (bridge, links) in bridges {
        if links.is_empty() {
            text.push_str(&format!("{bridge}\t\t(vlan filtering off)\n"));
            continue;
        }
        let mut bridge_column = *bridge;
        for link in *links {
            let mine = compressed(entries, link);
            let mut link_column = *link;
            if mine.is_empty() {
                text.push_str(&format!("{bridge_column}\t\t{link_column}\t\tnone\n"));
                bridge_column = "";
            }
            for (first, last, pvid, untagged) in mine {
                let ids = if first == last { first.to_string() } else { format!("{first}-{last}") };
                let flags = format!("{}{}", if pvid { " PVID" } else { "" }, if untagged { " untagged" } else { "" });
                text.push_str(&format!("{bridge_column}\t\t{link_column}\t\t{ids}{flags}\n"));
                (bridge_column, link_column) = ("", "");
            }
        }
    }
    text
}

#[test]
fn showvlans_is_the_kernels_view_in_brctls_words() {
    if !uml::uml_ready("showvlans_is_the_kernels_view_in_brctls_words") {
        return;
    }
    let r = boot().get("changes").assert_ok();
    let kernel = kernel_vlans(r, "del_self.vlans");
    // br1 has no VLAN filtering.
    let want = expected_text(&kernel, &[("br0", &["br0", "eth0", "eth1"]), ("br1", &[])]);
    let shown = r.outcome("show");
    assert_eq!((shown.rc, shown.stderr_text()), (0, String::new()));
    assert_eq!(shown.stdout_text(), want, "kernel view: {kernel:?}");
    // JSON: the same entries as the kernel's view, and the bridge's settings.
    let json = r.outcome("show_json");
    assert_eq!(json.rc, 0, "{json:?}");
    let value = parse_json(&json.stdout_text()).unwrap();
    let bridge = &value.as_array().unwrap()[0];
    assert_eq!(bridge.get("vlan_filtering"), Some(&Json::Bool(true)));
    assert_eq!(bridge.get("vlan_protocol").and_then(Json::as_str), Some("802.1Q"));
    assert_eq!(number(bridge.get("default_pvid")), Some(5));
    let mut ours = BTreeSet::new();
    for port in bridge.get("ports").and_then(Json::as_array).unwrap() {
        let name = port.get("interface").and_then(Json::as_str).unwrap().to_string();
        for vlan in port.get("vlans").and_then(Json::as_array).unwrap() {
            let first = number(vlan.get("vid")).unwrap();
            let last = number(vlan.get("vid_end")).unwrap_or(first);
            let flag = |key| vlan.get(key) == Some(&Json::Bool(true));
            for vid in first..=last {
                ours.insert((name.clone(), vid, flag("pvid"), flag("untagged")));
            }
        }
    }
    let kernel_br0: BTreeSet<Entry> =
        kernel.into_iter().filter(|entry| ["br0", "eth0", "eth1"].contains(&entry.0.as_str())).collect();
    assert_eq!(ours, kernel_br0);
    let off = r.outcome("show_off");
    assert_eq!(off.stdout_text(), "bridge name\tport\t\tvlan ids\nbr0\t\t(vlan filtering off)\n");
}

#[test]
fn bad_vlan_input_changes_nothing() {
    if !uml::uml_ready("bad_vlan_input_changes_nothing") {
        return;
    }
    let r = boot().get("bad").assert_ok();
    for (tag, args, message) in BAD {
        let outcome = r.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str()), (1, *message), "brctl {args:?}");
        assert!(outcome.stdout.is_empty(), "brctl {args:?}: {outcome:?}");
    }
    assert_eq!(kernel_vlans(r, "before.vlans"), kernel_vlans(r, "after.vlans"));
    assert_eq!(r.outcome("before.link").stdout, r.outcome("after.link").stdout);
}

/// The original's commands print what the original prints with VLAN filtering on.
#[test]
fn old_commands_are_unchanged_with_vlan_filtering_on() {
    if !uml::uml_ready("old_commands_are_unchanged_with_vlan_filtering_on") {
        return;
    }
    let r = boot().get("old_commands").assert_ok();
    for tag in ["show", "show_br0", "showstp", "showmacs"] {
        let (ours, original) = (r.outcome(&format!("ours.{tag}")), r.outcome(&format!("orig.{tag}")));
        assert_eq!(original.rc, 0, "the original's {tag}: {original:?}");
        assert_eq!(ours, original, "{tag}");
    }
}

/// This machine's kernel has no VLAN filtering: every VLAN change fails cleanly, nothing changes,
/// and showvlans says filtering is off.
#[test]
fn without_vlan_filtering_the_changes_fail_cleanly() {
    let mut script = lab().replace("ip link set br0 type bridge vlan_filtering 1\n", "");
    script.push_str("ip -d -o link show br0 >\"$W/before\"\n");
    let commands: &[(&str, &[&str], &str)] = &[
        ("filter", &["vlanfiltering", "br0", "on"], "set vlan filtering failed: Operation not supported\n"),
        ("proto", &["setvlanproto", "br0", "802.1ad"], "set vlan protocol failed: Operation not supported\n"),
        ("pvid", &["setdefpvid", "br0", "5"], "set default pvid failed: Operation not supported\n"),
        ("add", &["addvlan", "br0", "eth0", "10"], "add vlan failed: Operation not supported\n"),
        ("del", &["delvlan", "br0", "eth0", "1"], "delete vlan failed: Operation not supported\n"),
    ];
    for (tag, args, _) in commands {
        script.push_str(&brctl_text(tag, &[], args));
    }
    script.push_str(&brctl_text("show", &[], &["showvlans"]));
    script.push_str("ip -d -o link show br0 >\"$W/after\"\n");
    let Some(out) = namespace::run("without_vlan_filtering_the_changes_fail_cleanly", Sys::Sysfs, &script, 60) else {
        return;
    };
    if out.text("before").contains("vlan_protocol") {
        // A kernel with VLAN filtering: nothing to show here (the UML tests cover it).
        return;
    }
    for (tag, args, message) in commands {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text().as_str()), (1, *message), "brctl {args:?}");
    }
    assert_eq!(out.text("before"), out.text("after"));
    assert_eq!(
        out.outcome("show").stdout_text(),
        "bridge name\tport\t\tvlan ids\nbr0\t\t(vlan filtering off)\nbr1\t\t(vlan filtering off)\n"
    );
}
