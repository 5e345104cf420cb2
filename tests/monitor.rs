//! `brctl monitor` (docs/compat.md section 12) on this machine's kernel, in throwaway
//! namespaces: monitors run in the background writing to files while `ip` and `bridge` make
//! the events (brctl itself never runs them), then are stopped with SIGINT or SIGTERM.
//!
//! - a scripted sequence (bridge added, port added, port state, stp on, a static MAC, a learned
//!   MAC, port removed, bridge deleted) comes out in order in the spec's words, as text and as
//!   JSON lines, and with a bridge filter without the other bridge's events;
//! - a burst of 500 port additions loses none, or says `events lost` and still reports every
//!   port (the resynchronising dump);
//! - SIGINT and SIGTERM end it with 0, and so does a reader that goes away (`| head -1`).

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

use common::json::{parse_json, Json};
use common::lab::{BRIEF_IPV6, NO_IPV6};
use common::namespace::{self, bridge, veth, Sys};

/// Shell: `monitor_ready PID` waits until process PID has a netlink socket in multicast groups
/// (its subscription), at most 10 s. `monitor_live NAME FILE...` then makes a bridge NAME come
/// and go until every FILE (text or JSON) says it came: the monitors have read their starting
/// state (what happens before that is part of it, silently), and print from then on.
/// `wait_for FILE TEXT` waits until FILE holds TEXT, at most 20 s.
const HELPERS: &str = r#"
monitor_ready() {
  for _ in $(seq 200); do
    awk -v pid="$1" '$3 == pid && $4 != "00000000" { found = 1 } END { exit !found }' /proc/net/netlink && return 0
    sleep 0.05
  done
  echo "monitor $1 never subscribed" >&2; return 1
}
monitor_live() {
  live=$1; shift
  for _ in $(seq 100); do
    ip link add "$live" type bridge; sleep 0.05
    seen=1
    for f; do grep -q -e "^bridge $live added$" -e "\"bridge_added\",\"bridge\":\"$live\"" "$f" || seen=0; done
    ip link del "$live"
    [ $seen = 1 ] && return 0
  done
  echo "monitors never showed bridge $live" >&2; return 1
}
wait_for() {
  for _ in $(seq 400); do grep -qF -- "$2" "$1" && return 0; sleep 0.05; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}
"#;

/// The lines of `text` that appear, in this order, somewhere in `lines` (other lines may come
/// between); panics naming the first that does not.
fn assert_in_order(output: &str, expected: &[&str]) {
    let lines: Vec<&str> = output.lines().collect();
    let mut at = 0;
    for want in expected {
        match lines[at..].iter().position(|line| line == want) {
            Some(found) => at += found + 1,
            None => panic!("{want:?} missing (or out of order) in:\n{output}"),
        }
    }
}

/// No line comes twice in a row: the kernel repeats itself, the monitor must not.
fn assert_no_repeats(output: &str) {
    let lines: Vec<&str> = output.lines().collect();
    for pair in lines.windows(2) {
        assert_ne!(pair[0], pair[1], "a repeated line in:\n{output}");
    }
}

#[test]
fn the_scripted_sequence_in_text_json_and_with_a_filter() {
    let mut body = String::from(HELPERS);
    body.push_str(&format!("{NO_IPV6}\n{BRIEF_IPV6}\n"));
    body.push_str(
        "brctl monitor >\"$W/text\" 2>\"$W/text.err\" & text=$!\n\
         brctl -j monitor >\"$W/json\" 2>\"$W/json.err\" & json=$!\n\
         brctl monitor br0 nosuch >\"$W/filter\" 2>\"$W/filter.err\" & filter=$!\n\
         monitor_ready $text && monitor_ready $json && monitor_ready $filter\n\
         monitor_live nosuch \"$W/text\" \"$W/json\" \"$W/filter\"\n",
    );
    // br1 and its port v1: events the filter must leave out.
    body.push_str(&bridge("br0", 1));
    body.push_str(&bridge("br1", 2));
    body.push_str(&veth("v0", 1));
    body.push_str(&veth("v1", 2));
    body.push_str(
        "ip link set br0 up && ip link set br1 up\n\
         ip link set v0 master br0 && ip link set v1 master br1\n\
         ip link set v0 up && ip link set v0p up && ip link set v1 up && ip link set v1p up\n\
         wait_for \"$W/text\" 'br0: port v0 state forwarding'\n\
         brctl stp br0 on\n\
         bridge fdb add 52:54:00:12:34:56 dev v0 master static\n\
         bridge fdb add 52:54:00:ab:cd:ef dev v1 master static\n\
         wait_for \"$W/text\" 'br0: mac 52:54:00:12:34:56 added on v0 (static)'\n\
         echo 0 >/proc/sys/net/ipv6/conf/v0p/disable_ipv6\n\
         wait_for \"$W/text\" 'br0: mac 02:00:00:00:01:01 learned on v0'\n\
         ip link set v0 nomaster\n\
         ip link del br0\n\
         ip link del br1\n\
         wait_for \"$W/text\" 'bridge br1 deleted'\n\
         wait_for \"$W/json\" '\"bridge_deleted\",\"bridge\":\"br1\"'\n\
         wait_for \"$W/filter\" 'bridge br0 deleted'\n\
         kill -INT $text; kill -TERM $json; kill -INT $filter\n\
         wait $text; echo $? >\"$W/text.rc\"; wait $json; echo $? >\"$W/json.rc\"; wait $filter; echo $? >\"$W/filter.rc\"\n",
    );
    let Some(out) = namespace::run("monitor_sequence", Sys::Sysfs, &body, 90) else { return };
    for name in ["text", "json", "filter"] {
        assert_eq!(out.text(&format!("{name}.rc")).trim(), "0", "{name}: exit status");
        assert_eq!(out.text(&format!("{name}.err")), "", "{name}: stderr");
    }

    // Without the lines of the bridge that showed the monitors were live.
    let without_sentinel = |name: &str| -> String {
        out.text(name).lines().filter(|line| !line.contains("nosuch")).map(|line| format!("{line}\n")).collect()
    };
    let text = without_sentinel("text");
    let sequence = [
        "bridge br0 added",
        "br0: port v0 added",
        "br0: port v0 state forwarding",
        "br0: stp on",
        "br0: mac 52:54:00:12:34:56 added on v0 (static)",
        "br0: mac 02:00:00:00:01:01 learned on v0",
        "br0: port v0 removed",
        "bridge br0 deleted",
    ];
    assert_in_order(&text, &sequence);
    assert_in_order(
        &text,
        &["bridge br1 added", "br1: port v1 added", "br1: mac 52:54:00:ab:cd:ef added on v1 (static)"],
    );
    assert_no_repeats(&text);
    // A port's state when it is added is part of `added`, not a line of its own.
    let after_added = text.lines().skip_while(|line| *line != "br0: port v0 added").nth(1);
    assert_ne!(after_added, Some("br0: port v0 state disabled"), "{text}");
    for once in ["bridge br0 added", "br0: port v0 added", "br0: stp on", "br0: port v0 removed"] {
        assert_eq!(text.lines().filter(|line| line == &once).count(), 1, "{once:?} once in:\n{text}");
    }

    let filtered = without_sentinel("filter");
    assert_in_order(&filtered, &sequence);
    assert!(!filtered.contains("br1"), "another bridge's events in the filtered output:\n{filtered}");
    let br0_lines: Vec<&str> =
        text.lines().filter(|line| line.starts_with("br0: ") || line.contains(" br0 ")).collect();
    assert_eq!(filtered.lines().collect::<Vec<_>>(), br0_lines, "the filter keeps exactly br0's lines");

    // JSON: one object per line, the same events in the same order as the text.
    let json = without_sentinel("json");
    let objects: Vec<Json> =
        json.lines().map(|line| parse_json(line).unwrap_or_else(|e| panic!("{line}: {e}"))).collect();
    assert_eq!(objects.len(), text.lines().count(), "as many JSON lines as text lines:\n{json}\n{text}");
    let field = |object: &Json, key: &str| object.get(key).and_then(Json::as_str).map(str::to_string);
    let summary: Vec<String> = objects
        .iter()
        .map(|o| {
            let mut parts = vec![field(o, "event").unwrap()];
            parts.extend(["bridge", "port", "mac", "state"].iter().filter_map(|key| field(o, key)));
            if let Some(Json::Bool(on)) = o.get("enabled") {
                parts.push(on.to_string());
            }
            parts.join(" ")
        })
        .collect();
    let wanted = [
        "bridge_added br0",
        "port_added br0 v0 disabled",
        "port_state br0 v0 forwarding",
        "stp br0 true",
        "mac_added br0 v0 52:54:00:12:34:56",
        "mac_learned br0 v0 02:00:00:00:01:01",
        "port_removed br0 v0",
        "bridge_deleted br0",
    ];
    assert_in_order(&summary.join("\n"), &wanted);
    let added = objects.iter().find(|o| field(o, "mac").as_deref() == Some("52:54:00:12:34:56")).unwrap();
    assert_eq!(added.get("flags"), Some(&Json::Array(vec![Json::String("static".into())])), "{json}");
}

#[test]
fn a_burst_of_500_port_additions_loses_none_or_says_so() {
    let mut body = String::from(HELPERS);
    body.push_str(&format!("{NO_IPV6}\n"));
    body.push_str(&bridge("br0", 1));
    body.push_str(
        "i=0; while [ $i -lt 500 ]; do echo \"link add p$i type veth peer name q$i\"; i=$((i+1)); done >\"$W/veths\"\n",
    );
    body.push_str("i=0; while [ $i -lt 500 ]; do echo \"link set p$i master br0\"; i=$((i+1)); done >\"$W/ports\"\n");
    body.push_str(
        "ip -batch \"$W/veths\"\n\
         brctl monitor >\"$W/out\" 2>\"$W/err\" & m=$!\n\
         monitor_ready $m && monitor_live live \"$W/out\"\n\
         ip -batch \"$W/ports\"\n\
         for _ in $(seq 600); do [ \"$(grep -c ': port p.* added$' \"$W/out\")\" -ge 500 ] && break; sleep 0.1; done\n\
         kill -TERM $m; wait $m; echo $? >\"$W/rc\"\n",
    );
    let Some(out) = namespace::run("monitor_burst", Sys::Sysfs, &body, 240) else { return };
    assert_eq!(out.text("rc").trim(), "0");
    assert_eq!(out.text("err"), "");
    let text = out.text("out");
    let lost = text.lines().any(|line| line == "events lost; resynchronising");
    for i in 0..500 {
        let line = format!("br0: port p{i} added");
        assert_eq!(text.lines().filter(|l| *l == line).count(), 1, "{line:?} once (events lost: {lost}):\n{text}");
    }
    eprintln!("monitor_burst: 500 of 500 ports reported; events lost: {lost}");
}

#[test]
fn sigint_sigterm_and_a_reader_that_goes_away_end_it_with_0() {
    let mut body = String::from(HELPERS);
    body.push_str(
        "brctl monitor >\"$W/int.out\" 2>&1 & a=$!\n\
         brctl -j monitor >\"$W/term.out\" 2>&1 & b=$!\n\
         monitor_ready $a && monitor_ready $b\n\
         kill -INT $a; kill -TERM $b\n\
         wait $a; echo $? >\"$W/int.rc\"; wait $b; echo $? >\"$W/term.rc\"\n\
         W=\"$W\" bash -c 'brctl monitor | head -1 >\"$W/head.out\"; echo \"${PIPESTATUS[*]}\" >\"$W/head.rc\"' &\n\
         for i in $(seq 200); do\n\
           [ -s \"$W/head.rc\" ] && break\n\
           ip link add brh$i type bridge; ip link del brh$i; sleep 0.05\n\
         done\n\
         wait\n",
    );
    let Some(out) = namespace::run("monitor_signals", Sys::Sysfs, &body, 60) else { return };
    assert_eq!(out.text("int.rc").trim(), "0", "SIGINT: {}", out.text("int.out"));
    assert_eq!(out.text("term.rc").trim(), "0", "SIGTERM: {}", out.text("term.out"));
    assert_eq!(out.text("int.out"), "");
    assert_eq!(out.text("head.rc").trim(), "0 0", "brctl monitor | head -1: PIPESTATUS");
    let first = out.text("head.out");
    assert!(first.contains("brh") && first.lines().count() == 1, "{first:?}");
}

/// The original has no `monitor` (`never heard of command`, exit 1), so no script that works
/// with it changes; ours lists it under `extensions:`, refuses a bad name before watching, and
/// says why it cannot watch over sysfs.
#[test]
fn a_command_of_ours_that_checks_its_names_and_needs_netlink() {
    if let Some(original) = common::original::require("monitor_original") {
        let output = std::process::Command::new(&original).args(["monitor", "br0"]).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&output.stderr), "never heard of command [monitor]\n");
    }
    let help = std::process::Command::new(common::ours()).arg("-h").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let extensions = help.split("\nextensions:\n").nth(1).unwrap();
    assert!(extensions.contains("\tmonitor   \t[ <bridge> ]\t\tshow events as they happen\n"), "{help}");

    let body = "brctl monitor br0 a/b >\"$W/bad.out\" 2>\"$W/bad.err\"; echo $? >\"$W/bad.rc\"\n\
                BRCTL_BACKEND=sysfs brctl monitor >\"$W/sysfs.out\" 2>\"$W/sysfs.err\"; echo $? >\"$W/sysfs.rc\"\n";
    let Some(out) = namespace::run("monitor_refusals", Sys::Sysfs, body, 30) else { return };
    assert_eq!(out.outcome("bad").rc, 1);
    assert!(out.text("bad.err").starts_with("interface name 'a/b' is not valid"), "{}", out.text("bad.err"));
    assert_eq!(out.outcome("sysfs").rc, 1);
    assert_eq!(
        out.text("sysfs.err"),
        "monitor failed: Operation not supported\nhint: monitor works over netlink only, not with BRCTL_BACKEND=sysfs\n"
    );
    assert_eq!(out.text("sysfs.out") + &out.text("bad.out"), "");
}

/// A monitor that is not reading while 30,000 entries come (SIGSTOP) overflows its queue where
/// `net.core.rmem_max` keeps it below some 25 MB: it then says `events lost; resynchronising`
/// and the dump it reads again reports what it missed, so every entry is reported exactly once
/// either way, and a port added after the burst too.
#[test]
fn a_loss_is_said_and_the_dump_after_it_reports_what_was_missed() {
    let mut body = String::from(HELPERS);
    body.push_str(&format!("{NO_IPV6}\n"));
    body.push_str(&bridge("br0", 1));
    body.push_str(&veth("v0", 1));
    body.push_str(&veth("v1", 2));
    body.push_str(
        "ip link set v0 master br0\n\
         i=0; while [ $i -lt 30000 ]; do\n\
           printf 'fdb add 02:10:00:%02x:%02x:%02x dev v0 master static\\n' $((i >> 16)) $((i >> 8 & 255)) $((i & 255))\n\
           i=$((i+1))\n\
         done >\"$W/macs\"\n\
         brctl monitor >\"$W/out\" 2>\"$W/err\" & m=$!\n\
         monitor_ready $m && monitor_live live \"$W/out\"\n\
         kill -STOP $m\n\
         bridge -batch \"$W/macs\"\n\
         ip link set v1 master br0\n\
         kill -CONT $m\n\
         wait_for \"$W/out\" 'br0: port v1 added'\n\
         for _ in $(seq 200); do [ \"$(grep -c '(static)$' \"$W/out\")\" -ge 30000 ] && break; sleep 0.1; done\n\
         kill -TERM $m; wait $m; echo $? >\"$W/rc\"\n",
    );
    let Some(out) = namespace::run("monitor_loss", Sys::Sysfs, &body, 240) else { return };
    assert_eq!(out.text("rc").trim(), "0");
    assert_eq!(out.text("err"), "");
    let text = out.text("out");
    let lost = text.lines().filter(|line| *line == "events lost; resynchronising").count();
    let added: Vec<&str> = text.lines().filter(|line| line.ends_with(" added on v0 (static)")).collect();
    let unique: std::collections::BTreeSet<&str> = added.iter().copied().collect();
    assert_eq!((added.len(), unique.len()), (30_000, 30_000), "every entry once (events lost {lost} times)");
    assert_eq!(text.lines().filter(|line| *line == "br0: port v1 added").count(), 1);
    let deleted = text.lines().filter(|line| line.starts_with("br0: ") && line.ends_with(" deleted")).count();
    assert_eq!(deleted, 0, "nothing of br0 was deleted:\n{}", &text[..text.len().min(2000)]);
    eprintln!("monitor_loss: 30000 of 30000 entries reported; events lost {lost} times");
}

/// Memory stays flat: after a first round of 10,000 entries added and deleted (which warms up
/// the allocator), three more, each of other addresses, leave the monitor's resident size and its peak where that round
/// left them (the tables give back their room; nothing of what was seen is kept).
#[test]
fn memory_stays_flat_over_rounds_of_entries() {
    let mut body = String::from(HELPERS);
    body.push_str(&format!("{NO_IPV6}\n"));
    body.push_str(&bridge("br0", 1));
    body.push_str(&veth("v0", 1));
    body.push_str(
        "ip link set v0 master br0\n\
         batch() {\n\
           awk -v op=\"$1\" -v round=\"$2\" 'BEGIN { for (i = 0; i < 10000; i++) \
             printf \"fdb %s 02:1%d:00:%02x:%02x:%02x dev v0 master%s\\n\", op, round, int(i / 65536), int(i / 256) % 256, \
               i % 256, op == \"add\" ? \" static\" : \"\" }'\n\
         }\n\
         brctl monitor >\"$W/out\" 2>\"$W/err\" & m=$!\n\
         monitor_ready $m && monitor_live live \"$W/out\"\n\
         for round in 1 2 3 4; do\n\
           batch add $round >\"$W/add\"; batch del $round >\"$W/del\"\n\
           bridge -batch \"$W/add\"; bridge -batch \"$W/del\"\n\
           for _ in $(seq 300); do [ \"$(grep -c '^br0: mac .* deleted$' \"$W/out\")\" -ge $((round * 10000)) ] && break; sleep 0.1; done\n\
           grep -E '^(VmRSS|VmHWM)' /proc/$m/status | tr -s ' \\t' ' ' >>\"$W/memory\"\n\
         done\n\
         kill -TERM $m; wait $m; echo $? >\"$W/rc\"\n",
    );
    let Some(out) = namespace::run("monitor_memory", Sys::Sysfs, &body, 240) else { return };
    assert_eq!(out.text("rc").trim(), "0");
    let memory = out.text("memory");
    let kb = |key: &str| -> Vec<u64> {
        memory
            .lines()
            .filter(|line| line.starts_with(key))
            .map(|line| line.split_whitespace().nth(1).unwrap().parse().unwrap())
            .collect()
    };
    let (rss, hwm) = (kb("VmRSS:"), kb("VmHWM:"));
    assert_eq!((rss.len(), hwm.len()), (4, 4), "{memory}");
    assert!(rss[3] <= rss[0] + 512, "memory grew over the rounds (kB):\n{memory}");
    assert!(rss[3] <= rss[1] + 64 && hwm[3] <= hwm[1] + 64, "memory grew over the rounds (kB):\n{memory}");
    let entries = out.text("out").lines().filter(|line| line.starts_with("br0: mac 02:1")).count();
    assert_eq!(entries, 80_000, "every event of the four rounds");
    eprintln!("monitor_memory: VmRSS {rss:?} kB, VmHWM {hwm:?} kB");
}

/// The kernel's words for a deletion: a learned entry that ages out (ageing time 1 s) is
/// `expired` (NUD_STALE in RTM_DELNEIGH), the same entry learned again and flushed is `deleted`.
#[test]
fn an_aged_out_entry_expired_and_a_flushed_one_was_deleted() {
    let mut body = String::from(HELPERS);
    body.push_str(&format!("{NO_IPV6}\n{BRIEF_IPV6}\n"));
    body.push_str(&bridge("br0", 1));
    body.push_str(&veth("v0", 1));
    body.push_str(
        "ip link set br0 type bridge ageing_time 100\n\
         ip link set v0 master br0 && ip link set br0 up && ip link set v0 up && ip link set v0p up\n\
         brctl monitor >\"$W/out\" 2>\"$W/err\" & m=$!\n\
         monitor_ready $m && monitor_live live \"$W/out\"\n\
         echo 0 >/proc/sys/net/ipv6/conf/v0p/disable_ipv6\n\
         wait_for \"$W/out\" 'br0: mac 02:00:00:00:01:01 learned on v0'\n\
         wait_for \"$W/out\" 'br0: mac 02:00:00:00:01:01 expired'\n\
         ip link set br0 type bridge ageing_time 30000\n\
         echo 1 >/proc/sys/net/ipv6/conf/v0p/disable_ipv6; echo 0 >/proc/sys/net/ipv6/conf/v0p/disable_ipv6\n\
         for _ in $(seq 100); do [ \"$(grep -c '02:00:00:00:01:01 learned' \"$W/out\")\" -ge 2 ] && break; sleep 0.1; done\n\
         ip link set br0 type bridge fdb_flush\n\
         wait_for \"$W/out\" 'br0: mac 02:00:00:00:01:01 deleted'\n\
         kill -INT $m; wait $m; echo $? >\"$W/rc\"\n",
    );
    let Some(out) = namespace::run("monitor_expiry", Sys::Sysfs, &body, 90) else { return };
    assert_eq!(out.text("rc").trim(), "0");
    let text: String =
        out.text("out").lines().filter(|l| l.contains("02:00:00:00:01:01")).map(|l| format!("{l}\n")).collect();
    // v0p may send a late frame after the flush: the entry is learned once more then.
    let expected = "br0: mac 02:00:00:00:01:01 learned on v0\n\
                    br0: mac 02:00:00:00:01:01 expired\n\
                    br0: mac 02:00:00:00:01:01 learned on v0\n\
                    br0: mac 02:00:00:00:01:01 deleted\n";
    assert!(text.starts_with(expected), "{text}");
}
