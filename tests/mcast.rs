//! The multicast snooping commands and the port flags (docs/compat.md section 10) on this
//! machine's kernel, in throwaway namespaces, against the kernel's own view: after every change
//! the value is read back from sysfs, from `ip -d -j link show` (bridge settings) and from
//! `bridge -d -j link show` (port settings and flags). Bad words, values that do not fit their
//! field, kernel refusals and ports of another bridge (D4) exit 1 with one line on stderr and
//! leave every bridge and port value as it was. ifupdown2's own command lines work as it writes
//! them, and the Cumulus-only commands it probes for still say `never heard`, as the original
//! says for every command of this section.
//!
//! showmdb is compared with `bridge -s -j mdb show`, and `showstp -d` with what the commands
//! set (without `-d`, showstp stays the original's byte for byte).

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

use std::collections::BTreeMap;

use brctl::commands::{Listing, COMMANDS};
use common::json::{parse_json, Json};
use common::lab::NO_IPV6;
use common::namespace::{self, brctl_text, NsOutput, Sys};
use common::{original, privilege};

/// br0 (ports eth0, eth1) and br1 (port eth2), a free eth3; all down, so nothing moves.
fn lab() -> String {
    namespace::two_bridges()
}

/// The kernel's view after step `tag`: every bridge and port value of sysfs but the running
/// timers (`ns_state`), `ip -d -j link show br0` and `bridge -d -j link show`.
fn views(tag: &str) -> String {
    format!(
        "ns_state >\"$W/{tag}.sys\"\n\
         ip -d -j link show br0 >\"$W/{tag}.ip\"\n\
         bridge -d -j link show >\"$W/{tag}.bridge\"\n"
    )
}

/// The `/sys/class/net/<dev>/<dir>/<file>:<value>` lines of `ns_state`, as path -> value.
fn sysfs(out: &NsOutput, tag: &str) -> BTreeMap<String, String> {
    out.text(&format!("{tag}.sys"))
        .lines()
        .filter_map(|line| line.strip_prefix("/sys/class/net/"))
        .filter_map(|line| line.split_once(':'))
        .map(|(path, value)| (path.to_string(), value.to_string()))
        .collect()
}

fn json_value(value: Option<&Json>) -> String {
    match value {
        Some(Json::Number(text) | Json::String(text)) => text.clone(),
        Some(Json::Bool(flag)) => flag.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// One key of `ip -d -j link show br0`'s linkinfo data.
fn ip_attr(out: &NsOutput, tag: &str, key: &str) -> String {
    let value = parse_json(&out.text(&format!("{tag}.ip"))).unwrap();
    let data = value.as_array().unwrap()[0].get("linkinfo").and_then(|info| info.get("info_data")).unwrap();
    json_value(data.get(key))
}

/// One key of `port`'s entry in `bridge -d -j link show`.
fn port_attr(out: &NsOutput, tag: &str, port: &str, key: &str) -> String {
    let value = parse_json(&out.text(&format!("{tag}.bridge"))).unwrap();
    let entry = value
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry.get("ifname").and_then(Json::as_str) == Some(port))
        .unwrap_or_else(|| panic!("{tag}: no {port} in bridge link show"));
    json_value(entry.get(key))
}

/// A bridge setting: the command line, then its sysfs file under br0/bridge/, the key of
/// `ip -d -j link show` and the value both must show afterwards.
struct BridgeChange {
    tag: &'static str,
    args: &'static [&'static str],
    sysfs: &'static str,
    ip: &'static str,
    want: &'static str,
    stderr: &'static str,
}

const fn change(
    tag: &'static str,
    args: &'static [&'static str],
    sysfs: &'static str,
    ip: &'static str,
    want: &'static str,
) -> BridgeChange {
    BridgeChange { tag, args, sysfs, ip, want, stderr: "" }
}

const HASHEL_WARNING: &str = "warning: kernels since Linux 5.0 ignore hash elasticity (it stays 16)\n";

/// Every bridge command, with values away from the defaults; times in whole seconds read back
/// in centiseconds whatever the kernel's HZ.
const BRIDGE_CHANGES: &[BridgeChange] = &[
    change("snoop_off", &["setmcsnoop", "br0", "0"], "multicast_snooping", "mcast_snooping", "0"),
    // A one-byte setting the kernel stores as 0 or 1.
    change("snoop_5", &["setmcsnoop", "br0", "5"], "multicast_snooping", "mcast_snooping", "1"),
    change("router_2", &["setmcrouter", "br0", "2"], "multicast_router", "mcast_router", "2"),
    change("router_0", &["setmcrouter", "br0", "0x0"], "multicast_router", "mcast_router", "0"),
    change("querier", &["setmcquerier", "br0", "1"], "multicast_querier", "mcast_querier", "1"),
    change("qifaddr", &["setmcqifaddr", "br0", "0x1"], "multicast_query_use_ifaddr", "mcast_query_use_ifaddr", "1"),
    // The kernel ignores it: it reads 16 whatever was sent.
    BridgeChange {
        stderr: HASHEL_WARNING,
        ..change("hashel", &["sethashel", "br0", "4"], "hash_elasticity", "mcast_hash_elasticity", "16")
    },
    change("hashmax", &["sethashmax", "br0", "1024"], "hash_max", "mcast_hash_max", "1024"),
    change("lmc", &["setmclmc", "br0", "3"], "multicast_last_member_count", "mcast_last_member_cnt", "3"),
    change("sqc", &["setmcsqc", "br0", "010"], "multicast_startup_query_count", "mcast_startup_query_cnt", "8"),
    change("lmi", &["setmclmi", "br0", "2"], "multicast_last_member_interval", "mcast_last_member_intvl", "200"),
    change("mi", &["setmcmi", "br0", "300"], "multicast_membership_interval", "mcast_membership_intvl", "30000"),
    change("qpi", &["setmcqpi", "br0", "200"], "multicast_querier_interval", "mcast_querier_intvl", "20000"),
    change("qi", &["setmcqi", "br0", "100"], "multicast_query_interval", "mcast_query_intvl", "10000"),
    change("qri", &["setmcqri", "br0", "5"], "multicast_query_response_interval", "mcast_query_response_intvl", "500"),
    change("sqi", &["setmcsqi", "br0", "20"], "multicast_startup_query_interval", "mcast_startup_query_intvl", "2000"),
    // The kernel clamps the query and startup query intervals to 1..86400 s.
    change("qi_big", &["setmcqi", "br0", "100000"], "multicast_query_interval", "mcast_query_intvl", "8640000"),
    change("qi_zero", &["setmcqi", "br0", "0"], "multicast_query_interval", "mcast_query_intvl", "100"),
    change(
        "sqi_half",
        &["setmcsqi", "br0", "0.5"],
        "multicast_startup_query_interval",
        "mcast_startup_query_intvl",
        "100",
    ),
];

/// A port setting of eth0: the command line, its sysfs file under eth0/brport/, the key of
/// `bridge -d -j link show` and the values both must show afterwards.
type PortChange = (&'static str, &'static [&'static str], &'static str, &'static str, &'static str, &'static str);

const PORT_CHANGES: &[PortChange] = &[
    ("prouter_2", &["setportmcrouter", "br0", "eth0", "2"], "multicast_router", "mcast_router", "2", "2"),
    ("prouter_3", &["setportmcrouter", "br0", "eth0", "3"], "multicast_router", "mcast_router", "3", "3"),
    ("prouter_0", &["setportmcrouter", "br0", "eth0", "0"], "multicast_router", "mcast_router", "0", "0"),
    ("fl_on", &["setportmcfl", "br0", "eth0", "1"], "multicast_fast_leave", "fastleave", "1", "true"),
    ("fl_off", &["setportmcfl", "br0", "eth0", "0"], "multicast_fast_leave", "fastleave", "0", "false"),
    ("fl_7", &["setportmcfl", "br0", "eth0", "7"], "multicast_fast_leave", "fastleave", "1", "true"),
    ("learning_off", &["learning", "br0", "eth0", "off"], "learning", "learning", "0", "false"),
    ("flood_off", &["flood", "br0", "eth0", "no"], "unicast_flood", "flood", "0", "false"),
    ("mcflood_off", &["mcflood", "br0", "eth0", "0"], "multicast_flood", "mcast_flood", "0", "false"),
    ("bcflood_off", &["bcflood", "br0", "eth0", "off"], "broadcast_flood", "bcast_flood", "0", "false"),
    ("isolated_on", &["isolated", "br0", "eth0", "on"], "isolated", "isolated", "1", "true"),
    ("bpduguard_on", &["bpduguard", "br0", "eth0", "yes"], "bpdu_guard", "guard", "1", "true"),
    ("rootblock_on", &["rootblock", "br0", "eth0", "1"], "root_block", "root_block", "1", "true"),
    ("neighsuppress_on", &["neighsuppress", "br0", "eth0", "on"], "neigh_suppress", "neigh_suppress", "1", "true"),
    ("learning_on", &["learning", "br0", "eth0", "yes"], "learning", "learning", "1", "true"),
    ("flood_on", &["flood", "br0", "eth0", "1"], "unicast_flood", "flood", "1", "true"),
    ("mcflood_on", &["mcflood", "br0", "eth0", "on"], "multicast_flood", "mcast_flood", "1", "true"),
    ("bcflood_on", &["bcflood", "br0", "eth0", "on"], "broadcast_flood", "bcast_flood", "1", "true"),
    ("isolated_off", &["isolated", "br0", "eth0", "off"], "isolated", "isolated", "0", "false"),
    ("bpduguard_off", &["bpduguard", "br0", "eth0", "no"], "bpdu_guard", "guard", "0", "false"),
    ("rootblock_off", &["rootblock", "br0", "eth0", "0"], "root_block", "root_block", "0", "false"),
    ("neighsuppress_off", &["neighsuppress", "br0", "eth0", "off"], "neigh_suppress", "neigh_suppress", "0", "false"),
];

#[test]
fn every_change_lands_in_the_kernel() {
    let mut script = lab();
    script.push_str(&views("start"));
    for change in BRIDGE_CHANGES {
        script.push_str(&brctl_text(change.tag, &[], change.args));
        script.push_str(&views(change.tag));
    }
    for (tag, args, ..) in PORT_CHANGES {
        script.push_str(&brctl_text(tag, &[], args));
        script.push_str(&views(tag));
    }
    let Some(out) = namespace::run("every_change_lands_in_the_kernel", Sys::Sysfs, &script, 120) else { return };
    let mut wrong = Vec::new();
    let mut before = sysfs(&out, "start");
    for change in BRIDGE_CHANGES {
        let outcome = out.outcome(change.tag);
        if (outcome.rc, outcome.stderr_text().as_str(), outcome.stdout.is_empty()) != (0, change.stderr, true) {
            wrong.push(format!("brctl {:?}: {outcome:?}", change.args));
        }
        let after = sysfs(&out, change.tag);
        let key = format!("br0/bridge/{}", change.sysfs);
        let (sys, ip) = (after.get(&key).cloned().unwrap_or_default(), ip_attr(&out, change.tag, change.ip));
        if (sys.as_str(), ip.as_str()) != (change.want, change.want) {
            wrong.push(format!("brctl {:?}: sysfs {sys}, ip {ip}, want {}", change.args, change.want));
        }
        // Nothing else changed.
        let mut others = after.clone();
        others.insert(key.clone(), before.get(&key).cloned().unwrap_or_default());
        if others != before {
            wrong.push(format!("brctl {:?} changed more than {key}", change.args));
        }
        before = after;
    }
    for (tag, args, file, key, want_sys, want_json) in PORT_CHANGES {
        let outcome = out.outcome(tag);
        if (outcome.rc, outcome.stderr.is_empty(), outcome.stdout.is_empty()) != (0, true, true) {
            wrong.push(format!("brctl {args:?}: {outcome:?}"));
        }
        let after = sysfs(&out, tag);
        let path = format!("eth0/brport/{file}");
        let (sys, json) = (after.get(&path).cloned().unwrap_or_default(), port_attr(&out, tag, "eth0", key));
        if (sys.as_str(), json.as_str()) != (*want_sys, *want_json) {
            wrong.push(format!("brctl {args:?}: sysfs {sys}, bridge link {json}, want {want_sys} and {want_json}"));
        }
        let mut others = after.clone();
        others.insert(path.clone(), before.get(&path).cloned().unwrap_or_default());
        if others != before {
            wrong.push(format!("brctl {args:?} changed more than {path}"));
        }
        before = after;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Refused, each with its one line: bad words and values that do not fit their field (nothing
/// sent), kernel refusals, ports of another bridge or of none (D4), missing and wrong names.
const BAD: &[(&str, &[&str], &str)] = &[
    ("snoop_300", &["setmcsnoop", "br0", "300"], "bad snooping '300': allowed range is 0 to 255\n"),
    (
        "snoop_word",
        &["setmcsnoop", "br0", "yes"],
        "bad snooping 'yes': expected a whole number (decimal, 0x hex or 0 octal) with no sign\n",
    ),
    (
        "snoop_neg",
        &["--", "setmcsnoop", "br0", "-1"],
        "bad snooping '-1': expected a whole number (decimal, 0x hex or 0 octal) with no sign\n",
    ),
    ("router_256", &["setmcrouter", "br0", "256"], "bad router '256': allowed range is 0 to 255\n"),
    ("router_7", &["setmcrouter", "br0", "7"], "set multicast router failed: Invalid argument\n"),
    ("router_3", &["setmcrouter", "br0", "3"], "set multicast router failed: Invalid argument\n"),
    ("querier_big", &["setmcquerier", "br0", "0x100"], "bad querier '0x100': allowed range is 0 to 255\n"),
    (
        "qifaddr_frac",
        &["setmcqifaddr", "br0", "1.5"],
        "bad query use ifaddr '1.5': expected a whole number (decimal, 0x hex or 0 octal) with no sign\n",
    ),
    (
        "hashel_big",
        &["sethashel", "br0", "4294967296"],
        "bad elasticity '4294967296': allowed range is 0 to 4294967295\n",
    ),
    (
        "hashmax_octal",
        &["sethashmax", "br0", "08"],
        "bad max '08': a leading 0 means octal, so only the digits 0 to 7 may follow it\n",
    ),
    (
        "lmc_sign",
        &["setmclmc", "br0", "+1"],
        "bad count '+1': expected a whole number (decimal, 0x hex or 0 octal) with no sign\n",
    ),
    ("sqc_big", &["setmcsqc", "br0", "99999999999"], "bad count '99999999999': allowed range is 0 to 4294967295\n"),
    (
        "lmi_word",
        &["setmclmi", "br0", "abc"],
        "bad interval 'abc': expected seconds as a plain decimal number, such as 2 or 0.5\n",
    ),
    ("mi_big", &["setmcmi", "br0", "1e9"], "bad interval '1e9': at most 42949672.95 seconds fit\n"),
    (
        "qpi_nan",
        &["setmcqpi", "br0", "nan"],
        "bad interval 'nan': expected seconds as a plain decimal number, such as 2 or 0.5\n",
    ),
    (
        "qi_inf",
        &["setmcqi", "br0", "inf"],
        "bad interval 'inf': expected seconds as a plain decimal number, such as 2 or 0.5\n",
    ),
    (
        "qri_comma",
        &["setmcqri", "br0", "1,5"],
        "bad interval '1,5': expected seconds as a plain decimal number, such as 2 or 0.5\n",
    ),
    (
        "sqi_tail",
        &["setmcsqi", "br0", "3abc"],
        "bad interval '3abc': expected seconds as a plain decimal number, such as 2 or 0.5\n",
    ),
    ("prouter_256", &["setportmcrouter", "br0", "eth0", "256"], "bad router '256': allowed range is 0 to 255\n"),
    ("prouter_4", &["setportmcrouter", "br0", "eth0", "4"], "set port multicast router failed: Invalid argument\n"),
    ("fl_big", &["setportmcfl", "br0", "eth0", "256"], "bad fast leave '256': allowed range is 0 to 255\n"),
    (
        "fl_word",
        &["setportmcfl", "br0", "eth0", "on"],
        "bad fast leave 'on': expected a whole number (decimal, 0x hex or 0 octal) with no sign\n",
    ),
    // D4: a port of another bridge.
    ("prouter_other", &["setportmcrouter", "br0", "eth2", "2"], "device eth2 is not a port of br0\n"),
    ("fl_other", &["setportmcfl", "br0", "eth2", "1"], "device eth2 is not a port of br0\n"),
    ("learning_other", &["learning", "br0", "eth2", "off"], "device eth2 is not a port of br0\n"),
    ("flood_other", &["flood", "br0", "eth2", "off"], "device eth2 is not a port of br0\n"),
    ("mcflood_other", &["mcflood", "br0", "eth2", "off"], "device eth2 is not a port of br0\n"),
    ("bcflood_other", &["bcflood", "br0", "eth2", "off"], "device eth2 is not a port of br0\n"),
    ("isolated_other", &["isolated", "br1", "eth0", "on"], "device eth0 is not a port of br1\n"),
    ("bpduguard_other", &["bpduguard", "br1", "eth0", "on"], "device eth0 is not a port of br1\n"),
    ("rootblock_other", &["rootblock", "br1", "eth1", "on"], "device eth1 is not a port of br1\n"),
    ("neighsuppress_other", &["neighsuppress", "br1", "eth1", "on"], "device eth1 is not a port of br1\n"),
    // A port of no bridge, as setpathcost and hairpin report it.
    ("learning_free", &["learning", "br0", "eth3", "off"], "set learning failed: No such file or directory\n"),
    (
        "fl_free",
        &["setportmcfl", "br0", "eth3", "1"],
        "set port multicast fast leave failed: No such file or directory\n",
    ),
    // Words and names, in hairpin's order: the word first, then the port, then the bridge.
    (
        "learning_word",
        &["learning", "nosuch", "nosuch", "maybe"],
        "expect on/off for argument, not 'maybe': use on, off, yes, no, 1 or 0\n",
    ),
    (
        "flood_word",
        &["flood", "br0", "eth0", "ON"],
        "expect on/off for argument, not 'ON': use on, off, yes, no, 1 or 0\n",
    ),
    ("isolated_no_port", &["isolated", "nosuch", "nosuch", "on"], "interface nosuch does not exist!\n"),
    ("bpduguard_no_bridge", &["bpduguard", "nosuch", "eth0", "on"], "bridge nosuch does not exist!\n"),
    ("rootblock_not_bridge", &["rootblock", "eth3", "eth0", "on"], "set rootblock failed: Operation not supported\n"),
    (
        "neighsuppress_name",
        &["neighsuppress", "br0", "a/b", "on"],
        "interface name 'a/b' is not valid: '/', ':' and whitespace are not allowed\n",
    ),
    // Missing and wrong bridges and ports of the integer settings, as setfd and setpathcost.
    ("snoop_no_bridge", &["setmcsnoop", "nosuch", "1"], "set multicast snooping failed: No such device\n"),
    ("snoop_not_bridge", &["setmcsnoop", "eth3", "1"], "set multicast snooping failed: Operation not supported\n"),
    ("hashel_no_bridge", &["sethashel", "nosuch", "4"], "set hash elasticity failed: No such device\n"),
    ("qi_no_bridge", &["setmcqi", "nosuch", "1"], "set multicast query interval failed: No such device\n"),
    (
        "prouter_no_port",
        &["setportmcrouter", "br0", "nosuch", "1"],
        "set port multicast router failed: No such device\n",
    ),
    ("fl_no_bridge", &["setportmcfl", "nosuch", "eth0", "1"], "set port multicast fast leave failed: No such device\n"),
    (
        "fl_not_bridge",
        &["setportmcfl", "lo", "eth0", "1"],
        "set port multicast fast leave failed: Operation not supported\n",
    ),
];

#[test]
fn bad_input_and_refusals_change_nothing() {
    let mut script = lab();
    // Values away from the defaults, so that a change back would show too.
    script.push_str(
        "echo 2 >/sys/class/net/br0/bridge/multicast_router\necho 1 >/sys/class/net/eth0/brport/multicast_fast_leave\n\
         echo 0 >/sys/class/net/eth2/brport/learning\n",
    );
    script.push_str(&views("before"));
    for (tag, args, _) in BAD {
        script.push_str(&brctl_text(tag, &[], args));
    }
    script.push_str(&views("after"));
    let Some(out) = namespace::run("bad_input_and_refusals_change_nothing", Sys::Sysfs, &script, 120) else { return };
    let mut wrong = Vec::new();
    for (tag, args, message) in BAD {
        let outcome = out.outcome(tag);
        if (outcome.rc, outcome.stderr_text().as_str(), outcome.stdout.is_empty()) != (1, *message, true) {
            wrong.push(format!("brctl {args:?}: want {message:?}, got {outcome:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let before = sysfs(&out, "before");
    assert!(before.contains_key("eth0/brport/learning") && before.contains_key("br0/bridge/multicast_router"));
    assert_eq!(before.get("br0/bridge/multicast_router").map(String::as_str), Some("2"));
    assert_eq!(before, sysfs(&out, "after"), "sysfs changed");
    assert_eq!(out.text("before.bridge"), out.text("after.bridge"), "bridge link show changed");
    assert_eq!(out.text("before.ip"), out.text("after.ip"), "ip link show br0 changed");
}

/// ifupdown2 (LinkUtils.py) runs `brctl set<attr> <bridge> <value>` and
/// `brctl set<attr> <bridge> <port> <value>` with its values already numbers, times in whole
/// seconds; those lines work as written. The Cumulus-only commands it probes for answer
/// `never heard of command` (which ifupdown2 looks for) with exit 1, as any unknown command.
#[test]
fn ifupdown2s_command_lines_work_as_it_writes_them() {
    let lines: &[(&str, &str, &str, &str)] = &[
        ("brctl setmcsnoop br0 0", "br0/bridge/multicast_snooping", "mcast_snooping", "0"),
        ("brctl setmcsnoop br0 1", "br0/bridge/multicast_snooping", "mcast_snooping", "1"),
        ("brctl setmcrouter br0 2", "br0/bridge/multicast_router", "mcast_router", "2"),
        ("brctl setmcquerier br0 1", "br0/bridge/multicast_querier", "mcast_querier", "1"),
        ("brctl setmcqifaddr br0 1", "br0/bridge/multicast_query_use_ifaddr", "mcast_query_use_ifaddr", "1"),
        ("brctl sethashmax br0 4096", "br0/bridge/hash_max", "mcast_hash_max", "4096"),
        ("brctl setmclmc br0 2", "br0/bridge/multicast_last_member_count", "mcast_last_member_cnt", "2"),
        ("brctl setmcsqc br0 3", "br0/bridge/multicast_startup_query_count", "mcast_startup_query_cnt", "3"),
        ("brctl setmclmi br0 1", "br0/bridge/multicast_last_member_interval", "mcast_last_member_intvl", "100"),
        ("brctl setmcmi br0 260", "br0/bridge/multicast_membership_interval", "mcast_membership_intvl", "26000"),
        ("brctl setmcqpi br0 255", "br0/bridge/multicast_querier_interval", "mcast_querier_intvl", "25500"),
        ("brctl setmcqi br0 125", "br0/bridge/multicast_query_interval", "mcast_query_intvl", "12500"),
        ("brctl setmcqri br0 10", "br0/bridge/multicast_query_response_interval", "mcast_query_response_intvl", "1000"),
        ("brctl setmcsqi br0 31", "br0/bridge/multicast_startup_query_interval", "mcast_startup_query_intvl", "3100"),
        ("brctl setportmcrouter br0 eth0 2", "eth0/brport/multicast_router", "mcast_router", "2"),
        ("brctl setportmcfl br0 eth1 1", "eth1/brport/multicast_fast_leave", "fastleave", "true"),
        ("brctl setpathcost br0 eth0 10", "eth0/brport/path_cost", "cost", "10"),
        ("brctl setportprio br0 eth1 20", "eth1/brport/priority", "priority", "20"),
    ];
    let probes: &[(&str, &str)] = &[
        ("v4src", "brctl setmcqv4src br0 1.2.3.4"),
        ("v4src_vlan", "brctl setmcqv4src br0 100 1.2.3.4"),
        ("delv4src", "brctl delmcqv4src br0 100"),
        ("showv4src", "brctl showmcqv4src br0"),
    ];
    let mut script = lab();
    for (index, (line, ..)) in lines.iter().enumerate() {
        script.push_str(&format!(
            "{line} >\"$W/l{index}.out\" 2>\"$W/l{index}.err\"; echo $? >\"$W/l{index}.rc\"\n{}",
            views(&format!("l{index}"))
        ));
    }
    for (tag, line) in probes {
        script.push_str(&format!("{line} >\"$W/{tag}.out\" 2>\"$W/{tag}.err\"; echo $? >\"$W/{tag}.rc\"\n"));
    }
    script.push_str("brctl -h >\"$W/help\" 2>&1\n");
    let Some(out) = namespace::run("ifupdown2s_command_lines_work_as_it_writes_them", Sys::Sysfs, &script, 120) else {
        return;
    };
    let mut wrong = Vec::new();
    for (index, (line, path, key, want)) in lines.iter().enumerate() {
        let tag = format!("l{index}");
        let outcome = out.outcome(&tag);
        if (outcome.rc, outcome.stderr.is_empty()) != (0, true) {
            wrong.push(format!("{line}: {outcome:?}"));
        }
        let sys = sysfs(&out, &tag).get(*path).cloned().unwrap_or_default();
        let (device, dir) = path.split_once('/').unwrap();
        let kernel =
            if dir.starts_with("bridge/") { ip_attr(&out, &tag, key) } else { port_attr(&out, &tag, device, key) };
        let want_sys = if *want == "true" { "1" } else { want };
        if (sys.as_str(), kernel.as_str()) != (want_sys, *want) {
            wrong.push(format!("{line}: sysfs {sys}, kernel {kernel}, want {want}"));
        }
    }
    let help = out.text("help");
    for (tag, line) in probes {
        let outcome = out.outcome(tag);
        let name = line.split_whitespace().nth(1).unwrap();
        let message = format!("never heard of command [{name}]\n");
        if (outcome.rc, outcome.stderr_text()) != (1, message.clone()) || outcome.stdout_text() != help {
            wrong.push(format!("{line}: want {message:?} and the help, got {outcome:?}"));
        }
        assert!(outcome.stderr_text().contains("never heard"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// With `-b`, `-n` and `-f` as every command: a batch in a named namespace, one bad line among
/// good ones.
#[test]
fn batch_and_netns_reach_the_same_settings() {
    let script = "mkdir -p /run/netns && ip netns add inner\n".to_string()
        + &format!("ip netns exec inner sh -c {}\n", shell(&lab()))
        + "printf 'setmcsnoop br0 0\\nsetmcrouter br0 9\\nlearning br0 eth0 off\\nsetportmcrouter br0 eth1 2\\n' >\"$W/batch\"\n"
        + "brctl -n inner -f -b \"$W/batch\" >\"$W/batch.out\" 2>\"$W/batch.err\"; echo $? >\"$W/batch.rc\"\n"
        + "ip netns exec inner cat /sys/class/net/br0/bridge/multicast_snooping \
           /sys/class/net/br0/bridge/multicast_router /sys/class/net/eth0/brport/learning \
           /sys/class/net/eth1/brport/multicast_router >\"$W/values\"\n";
    let Some(out) = namespace::run("batch_and_netns_reach_the_same_settings", Sys::Sysfs, &script, 60) else { return };
    let outcome = out.outcome("batch");
    assert_eq!(
        (outcome.rc, outcome.stderr_text().as_str()),
        (1, "line 2: set multicast router failed: Invalid argument\n"),
        "{outcome:?}"
    );
    assert_eq!(out.text("values"), "0\n1\n0\n2\n");
}

fn shell(text: &str) -> String {
    String::from_utf8(common::shell_quote(text.as_bytes())).unwrap()
}

/// The original has none of these commands: it answers each with `never heard of command`
/// (exit 1), so no script that works with it can change by their coming.
#[test]
fn the_original_has_none_of_these_commands() {
    let Some(original) = original::require("the_original_has_none_of_these_commands") else { return };
    let names: Vec<&str> = COMMANDS
        .iter()
        .filter(|spec| spec.listing == Listing::Extension)
        .map(|spec| spec.name)
        .filter(|name| name.starts_with("setmc") || name.starts_with("sethash") || name.starts_with("setportmc"))
        .chain([
            "showmdb",
            "learning",
            "flood",
            "mcflood",
            "bcflood",
            "isolated",
            "bpduguard",
            "rootblock",
            "neighsuppress",
        ])
        .collect();
    assert_eq!(names.len(), 25, "{names:?}");
    for name in names {
        let spec = COMMANDS.iter().find(|spec| spec.name == name).unwrap();
        assert_eq!(spec.listing, Listing::Extension, "{name}");
        let output = std::process::Command::new(&original).args([name, "br0", "eth0", "1"]).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), format!("never heard of command [{name}]\n"), "{name}");
    }
}

/// Without CAP_NET_ADMIN every change fails with `Operation not permitted` and the hint of D8,
/// a port of another bridge too (as the port commands of D4); a bad value is still a bad value;
/// nothing changes.
#[test]
fn without_the_capability_every_change_is_not_permitted() {
    let test = "without_the_capability_every_change_is_not_permitted";
    if !privilege::nocaps_ready(test) {
        return;
    }
    let setpriv = privilege::setpriv_path().unwrap();
    let hint = "hint: changing bridges needs CAP_NET_ADMIN (run as root)\n";
    let cases: &[(&str, &[&str], &str)] = &[
        ("snoop", &["setmcsnoop", "br0", "0"], "set multicast snooping failed: Operation not permitted\n"),
        ("hashel", &["sethashel", "br0", "4"], "set hash elasticity failed: Operation not permitted\n"),
        ("qi", &["setmcqi", "br0", "30"], "set multicast query interval failed: Operation not permitted\n"),
        (
            "prouter",
            &["setportmcrouter", "br0", "eth0", "2"],
            "set port multicast router failed: Operation not permitted\n",
        ),
        (
            "fl_other",
            &["setportmcfl", "br0", "eth2", "1"],
            "set port multicast fast leave failed: Operation not permitted\n",
        ),
        ("learning", &["learning", "br0", "eth0", "off"], "set learning failed: Operation not permitted\n"),
        ("isolated_other", &["isolated", "br0", "eth2", "on"], "set isolated failed: Operation not permitted\n"),
    ];
    let mut script = lab();
    script.push_str(&views("before"));
    let mut prefix = String::from_utf8(common::shell_quote(setpriv.as_os_str().as_encoded_bytes())).unwrap();
    for option in privilege::SETPRIV_OPTIONS {
        prefix.push(' ');
        prefix.push_str(option);
    }
    prefix.push_str(" -- brctl");
    for (tag, args, _) in cases.iter().chain([("bad", &["setmcsnoop", "br0", "300"][..], "")].iter()) {
        script.push_str(&brctl_text(tag, &[], args).replacen("brctl", &prefix, 1));
    }
    script.push_str(&views("after"));
    let Some(out) = namespace::run(test, Sys::Sysfs, &script, 60) else { return };
    for (tag, args, message) in cases {
        let outcome = out.outcome(tag);
        assert_eq!((outcome.rc, outcome.stderr_text()), (1, format!("{message}{hint}")), "brctl {args:?}");
    }
    let bad = out.outcome("bad");
    assert_eq!((bad.rc, bad.stderr_text().as_str()), (1, "bad snooping '300': allowed range is 0 to 255\n"));
    assert_eq!(sysfs(&out, "before"), sysfs(&out, "after"));
    assert_eq!(out.text("before.bridge"), out.text("after.bridge"));
}

/// showmdb (docs/compat.md 10.6) against `bridge -s -j mdb show`: IPv6 off on the interfaces,
/// so that the only groups are the ones the script adds and the one eth0's peer joins (an IGMP
/// report the bridge learns from); permanent entries exactly, the temporary ones' timers
/// within what the kernel gave them.
#[test]
fn showmdb_is_the_kernels_database_in_brctls_words() {
    let mut script = String::from(NO_IPV6);
    script.push('\n');
    script.push_str(&lab());
    script.push_str(
        "for dev in br0 eth0 eth0p eth1 eth1p; do ip link set $dev up; done\n\
         bridge mdb add dev br0 port eth1 grp 239.1.1.9 permanent\n\
         bridge mdb add dev br0 port eth0 grp 239.1.1.1 permanent\n\
         bridge mdb add dev br0 port eth0 grp ff0e::5 permanent\n\
         bridge mdb add dev br0 port eth1 grp 239.2.0.1\n\
         brctl setportmcrouter br0 eth1 2\n\
         ip addr add 239.5.5.5/32 dev eth0p autojoin\n\
         i=0; while ! bridge mdb show dev br0 | grep -q 239.5.5.5; do \
         i=$((i+1)); [ $i -lt 100 ] || break; sleep 0.05; done\n\
         bridge -s -j mdb show dev br0 >\"$W/kernel\"\n",
    );
    for (tag, env, args) in [
        ("text", &[][..], &["showmdb", "br0"][..]),
        ("json", &[], &["-j", "showmdb", "br0"]),
        ("empty", &[], &["showmdb", "br1"]),
        ("empty_json", &[], &["-j", "showmdb", "br1"]),
        ("missing", &[], &["showmdb", "nosuch"]),
        ("not_bridge", &[], &["showmdb", "eth3"]),
        ("sysfs", &[("BRCTL_BACKEND", "sysfs")], &["showmdb", "br0"]),
    ] {
        script.push_str(&brctl_text(tag, env, args));
    }
    let Some(out) = namespace::run("showmdb_is_the_kernels_database_in_brctls_words", Sys::Sysfs, &script, 60) else {
        return;
    };
    // The kernel's own view first: the four groups the script added.
    let kernel = parse_json(&out.text("kernel")).unwrap();
    let entries = kernel.as_array().unwrap()[0].get("mdb").and_then(Json::as_array).unwrap();
    let mut seen: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| (json_value(e.get("port")), json_value(e.get("grp")), json_value(e.get("state"))))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("eth0", "239.1.1.1", "permanent"),
            ("eth0", "239.5.5.5", "temp"),
            ("eth0", "ff0e::5", "permanent"),
            ("eth1", "239.1.1.9", "permanent"),
            ("eth1", "239.2.0.1", "temp"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let text = out.outcome("text");
    assert_eq!((text.rc, text.stderr_text().as_str()), (0, ""), "{text:?}");
    let lines: Vec<String> = text.stdout_text().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 7, "{lines:#?}");
    assert_eq!(lines[0], "port\t\tgroup\t\t\tvlan\tstate\t\ttimer");
    assert_eq!(lines[1], "eth0\t\t239.1.1.1\t\t0\tpermanent\t   0.00");
    assert_eq!(lines[3], "eth0\t\tff0e::5\t\t0\tpermanent\t   0.00");
    assert_eq!(lines[4], "eth1\t\t239.1.1.9\t\t0\tpermanent\t   0.00");
    for (line, head) in [(2, "eth0\t\t239.5.5.5\t\t0\ttemp\t\t"), (5, "eth1\t\t239.2.0.1\t\t0\ttemp\t\t")] {
        let temp = lines[line].strip_prefix(head).unwrap_or_else(|| panic!("{lines:#?}"));
        let timer: f64 = temp.trim().parse().unwrap();
        assert!((200.0..=260.0).contains(&timer), "{temp:?}");
    }
    assert_eq!(lines[6], "router ports: eth1");
    // JSON: the same values in the same order.
    let json = out.outcome("json");
    assert_eq!(json.rc, 0, "{json:?}");
    let value = parse_json(&json.stdout_text()).unwrap();
    assert_eq!(value.get("bridge").and_then(Json::as_str), Some("br0"));
    let groups: Vec<(String, String, String, String)> = value
        .get("groups")
        .and_then(Json::as_array)
        .unwrap()
        .iter()
        .map(|g| {
            (
                json_value(g.get("port")),
                json_value(g.get("group")),
                json_value(g.get("vlan")),
                json_value(g.get("state")),
            )
        })
        .collect();
    let want: Vec<(String, String, String, String)> = [
        ("eth0", "239.1.1.1", "0", "permanent"),
        ("eth0", "239.5.5.5", "0", "temp"),
        ("eth0", "ff0e::5", "0", "permanent"),
        ("eth1", "239.1.1.9", "0", "permanent"),
        ("eth1", "239.2.0.1", "0", "temp"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    assert_eq!(groups, want);
    let routers: Vec<&str> =
        value.get("router_ports").and_then(Json::as_array).unwrap().iter().filter_map(Json::as_str).collect();
    assert_eq!(routers, ["eth1"]);
    // No groups: the header alone; JSON empty lists.
    assert_eq!(out.outcome("empty").stdout_text(), "port\t\tgroup\t\t\tvlan\tstate\t\ttimer\n");
    let empty = parse_json(&out.outcome("empty_json").stdout_text()).unwrap();
    assert_eq!(empty.get("groups").and_then(Json::as_array).map(<[Json]>::len), Some(0));
    assert_eq!(empty.get("router_ports").and_then(Json::as_array).map(<[Json]>::len), Some(0));
    // Looked up as showstp looks up its bridge; sysfs has no database.
    for (tag, message) in [
        ("missing", "bridge nosuch does not exist!\n"),
        ("not_bridge", "device eth3 is not a bridge!\n"),
        (
            "sysfs",
            "can't read the multicast groups of bridge br0: Operation not supported\n\
             hint: the multicast groups are read over netlink only, not with BRCTL_BACKEND=sysfs\n",
        ),
    ] {
        let outcome = out.outcome(tag);
        assert_eq!(
            (outcome.rc, outcome.stderr_text().as_str(), outcome.stdout.is_empty()),
            (1, message, true),
            "{tag}"
        );
    }
}

/// showstp -d (docs/compat.md 10.7) shows the values the commands of this section set, as
/// sysfs reads them; -j showstp carries them; without -d showstp is the original's, byte for
/// byte.
#[test]
fn showstp_details_show_what_the_commands_set() {
    let Some(original) = original::require("showstp_details_show_what_the_commands_set") else { return };
    let mut script = lab();
    for args in [
        &["sethashmax", "br0", "1024"][..],
        &["setmclmc", "br0", "3"],
        &["setmcsqc", "br0", "4"],
        &["setmcrouter", "br0", "2"],
        &["setmcsnoop", "br0", "0"],
        &["setmclmi", "br0", "2"],
        &["setmcmi", "br0", "300"],
        &["setmcqpi", "br0", "200"],
        &["setmcqi", "br0", "100"],
        &["setmcqri", "br0", "5"],
        &["setmcsqi", "br0", "20"],
        &["setportmcrouter", "br0", "eth0", "2"],
        &["setportmcfl", "br0", "eth0", "1"],
        &["learning", "br0", "eth0", "off"],
        &["isolated", "br0", "eth0", "on"],
        &["neighsuppress", "br0", "eth0", "on"],
        &["hairpin", "br0", "eth0", "on"],
        &["rootblock", "br0", "eth1", "on"],
    ] {
        script.push_str(&format!("brctl {} || exit 3\n", args.join(" ")));
    }
    script.push_str(&brctl_text("details", &[], &["-d", "showstp", "br0"]));
    script.push_str(&brctl_text("json", &[], &["-j", "showstp", "br0"]));
    script.push_str(&brctl_text("plain", &[], &["showstp", "br0"]));
    let sysfs = [("BRCTL_BACKEND", "sysfs")];
    script.push_str(&brctl_text("details_sysfs", &sysfs, &["-d", "showstp", "br0"]));
    script.push_str(&brctl_text("plain_sysfs", &sysfs, &["showstp", "br0"]));
    script.push_str(&format!(
        "{} showstp br0 >\"$W/orig.out\" 2>\"$W/orig.err\"; echo $? >\"$W/orig.rc\"\n",
        shell(&original.to_string_lossy())
    ));
    let Some(out) = namespace::run("showstp_details_show_what_the_commands_set", Sys::Sysfs, &script, 60) else {
        return;
    };
    let details = out.outcome("details");
    assert_eq!((details.rc, details.stderr_text().as_str()), (0, ""), "{details:?}");
    let text = details.stdout_text();
    let bridge_block = " topology change timer\t   0.00\t\t\tgc timer\t\t   0.00\n\
         \x20hash elasticity\t  16\t\t\thash max\t\t1024\n\
         \x20mc last member count\t   3\t\t\tmc init query count\t   4\n\
         \x20mc router\t\t   2\t\t\tmc snooping\t\t   0\n\
         \x20mc last member timer\t   2.00\t\t\tmc membership timer\t 300.00\n\
         \x20mc querier timer\t 200.00\t\t\tmc query interval\t 100.00\n\
         \x20mc response interval\t   5.00\t\t\tmc init query interval\t  20.00\n\
         \x20vlan filtering\t\t   0\t\t\tvlan protocol\t\t802.1Q\n\
         \x20default pvid\t\t   1\n\
         \x20flags\t\t\t\n";
    assert!(text.contains(bridge_block), "no bridge block:\n{bridge_block}\nin:\n{text}");
    let eth0 = " mc router\t\t   2\t\t\tmc fast leave\t\t   1\n\
         \x20port flags\t\tflood mcflood bcflood isolated neighsuppress\n\
         \x20flags\t\t\t\n\
         \x20hairpin mode\t\t   1\n";
    assert!(text.contains(eth0), "no eth0 lines:\n{eth0}\nin:\n{text}");
    let eth1 = " mc router\t\t   1\t\t\tmc fast leave\t\t   0\n\
         \x20port flags\t\tlearning flood mcflood bcflood rootblock\n\
         \x20flags\t\t\t\n";
    assert!(text.contains(eth1), "no eth1 lines:\n{eth1}\nin:\n{text}");
    // -j showstp carries the same values.
    let json = parse_json(&out.outcome("json").stdout_text()).unwrap();
    for (key, want) in [
        ("hash_max", "1024"),
        ("mc_last_member_count", "3"),
        ("mc_init_query_count", "4"),
        ("mc_router", "2"),
        ("mc_snooping", "false"),
        ("mc_query_interval", "100.00"),
    ] {
        assert_eq!(json_value(json.get(key)), want, "{key}");
    }
    let ports = json.get("ports").and_then(Json::as_array).unwrap();
    assert_eq!(json_value(ports[0].get("mc_router")), "2");
    assert_eq!(json_value(ports[0].get("mc_fast_leave")), "true");
    let flags: Vec<&str> =
        ports[0].get("port_flags").and_then(Json::as_array).unwrap().iter().filter_map(Json::as_str).collect();
    assert_eq!(flags, ["flood", "mcflood", "bcflood", "isolated", "neighsuppress"]);
    // Without -d, the original's bytes (down bridges: no timer runs).
    let (plain, orig) = (out.outcome("plain"), out.outcome("orig"));
    assert_eq!(orig.rc, 0, "{orig:?}");
    assert_eq!(plain, orig);
    assert!(!plain.stdout_text().contains("mc router"));
    // On both backends, -d is the plain output with exactly the spec's lines added: the same
    // text on sysfs, and without the added lines, the plain output's bytes.
    assert_eq!(out.outcome("details_sysfs"), details, "-d showstp on sysfs");
    assert_eq!(out.outcome("plain_sysfs"), plain, "showstp on sysfs");
    const ADDED: &[&str] = &[
        " hash elasticity\t",
        " mc last member count\t",
        " mc router\t",
        " mc last member timer\t",
        " mc querier timer\t",
        " mc response interval\t",
        " vlan filtering\t",
        " default pvid\t",
        " port flags\t",
    ];
    let (kept, added): (Vec<&str>, Vec<&str>) =
        text.split_inclusive('\n').partition(|line| !ADDED.iter().any(|head| line.starts_with(head)));
    assert_eq!(kept.concat(), plain.stdout_text(), "-d without its added lines");
    // The bridge's eight lines and two for each of its two ports.
    assert_eq!(added.len(), 8 + 2 * 2, "{added:#?}");
}
