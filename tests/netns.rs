//! `-n`/`--netns NAME|PATH` (issue #5): every command acts in the target network namespace and
//! only there, reads see it on every backend (sysfs too: ours mounts sysfs again in a private
//! mount namespace), and a missing namespace is one clean error.
//!
//! Everything runs inside a throwaway lab namespace (tests/common/namespace.rs). Named
//! namespaces live under /run/netns: the lab mounts a tmpfs on /run first, in its private mount
//! namespace, so `ip netns add` never touches the machine's own /run. The path form uses a
//! background `unshare -n sleep` child of the lab and its /proc/<pid>/ns/net.
//!
//! The lab and the target both hold a bridge called `tbr`, with different ports, so a command
//! that went to the wrong namespace shows.

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

use common::namespace::{self, NsOutput, Sys};
use common::Outcome;

/// The three ways ours reads: the default, netlink only, sysfs only.
const BACKENDS: &[(&str, &str)] =
    &[("default", ""), ("netlink", "BRCTL_BACKEND=netlink "), ("sysfs", "BRCTL_BACKEND=sysfs ")];

/// Shell that makes /run private to the lab (a tmpfs in its own mount namespace) and adds the
/// named namespace `blue` there.
const NAMED_TARGET: &str = "mount -t tmpfs none /run\n\
     mkdir -p /run/netns\n\
     ip netns add blue\n\
     NS=blue\n\
     in_target() { ip netns exec blue \"$@\"; }\n";

/// Shell that starts a child in a network namespace of its own and names it by path. The child
/// is ours to stop (`stop_target`); its stdio is closed so it cannot hold the lab's pipes.
const PATH_TARGET: &str = "unshare -n sleep 30 </dev/null >/dev/null 2>&1 &\n\
     PID=$!\n\
     i=0\n\
     while [ \"$(readlink /proc/$PID/ns/net)\" = \"$(readlink /proc/self/ns/net)\" ]; do\n\
       i=$((i + 1)); [ $i -lt 500 ] || { echo 'lab: the child has no namespace of its own' >&2; exit 1; }\n\
       sleep 0.01\n\
     done\n\
     NS=/proc/$PID/ns/net\n\
     in_target() { nsenter --net=\"/proc/$PID/ns/net\" unshare -m sh -c 'mount -t sysfs sysfs /sys && exec \"$@\"' sh \"$@\"; }\n\
     stop_target() { kill $PID; wait $PID 2>/dev/null || true; }\n";

/// One brctl run with stdout, stderr and exit code in `$W/<tag>.out`, `.err`, `.rc`. `words`
/// is shell text (it may use `$NS`); `env` is shell text like `BRCTL_BACKEND=sysfs `.
fn brctl(tag: &str, env: &str, words: &str) -> String {
    format!("{env}brctl {words} >\"$W/{tag}.out\" 2>\"$W/{tag}.err\" </dev/null; echo $? >\"$W/{tag}.rc\"\n")
}

/// The same, run inside the target by `in_target` (ours, not through -n).
fn brctl_in_target(tag: &str, env: &str, words: &str) -> String {
    format!(
        "in_target env {env}brctl {words} >\"$W/{tag}.out\" 2>\"$W/{tag}.err\" </dev/null; echo $? >\"$W/{tag}.rc\"\n"
    )
}

/// A brctl run that must succeed silently (a write).
fn assert_quiet_success(out: &NsOutput, tag: &str) {
    let outcome = out.outcome(tag);
    assert_eq!((outcome.rc, outcome.stdout.len(), outcome.stderr.len()), (0, 0, 0), "{tag}: {outcome:?}");
}

/// A read that must succeed with nothing on stderr; its stdout.
fn read_ok(out: &NsOutput, tag: &str) -> String {
    let outcome = out.outcome(tag);
    assert!(outcome.rc == 0 && outcome.stderr.is_empty(), "{tag}: want exit 0, empty stderr: {outcome:?}");
    outcome.stdout_text()
}

/// The script both forms share: lab devices, writes with -n, state on both sides, reads with
/// -n on every backend next to the same reads run inside the target.
fn body(target: &str) -> String {
    let mut script = String::from("set -e\n");
    script.push_str(target);
    // The lab's own bridge `tbr`, with port lv0.
    script.push_str(&namespace::bridge("tbr", 0x10));
    script.push_str(&namespace::veth("lv0", 0x10));
    script.push_str("ip link set lv0 master tbr\n");
    // A port-to-be in the target (iproute2 for setup only); nothing else there yet.
    script.push_str(
        "in_target ip link add tv0 address 02:00:00:00:00:21 type veth peer name tv0p address 02:00:00:00:01:21\n",
    );
    script.push_str("ns_state >\"$W/lab_before\"\n");
    script.push_str("set +e\n");
    // The writes, in the target.
    script.push_str(&brctl("addbr", "", "-n \"$NS\" addbr tbr"));
    script.push_str(&brctl("addif", "", "--netns \"$NS\" addif tbr tv0"));
    script.push_str(&brctl("stp", "", "-n \"$NS\" stp tbr on"));
    script.push_str(&brctl("setfd", "", "--netns=\"$NS\" setfd tbr 7"));
    script.push_str(&brctl("addbr2", "", "-n\"$NS\" addbr tbr2"));
    script.push_str("ns_state >\"$W/lab_after_writes\"\n");
    // The target's own view of what the writes did.
    script.push_str(
        "in_target sh -c 'cd /sys/class/net; echo \"stp_state=$(cat tbr/bridge/stp_state)\"; \
         echo \"forward_delay=$(cat tbr/bridge/forward_delay)\"; echo \"tv0 master=$(basename $(readlink tv0/master))\"; \
         echo \"tbr2 bridge=$(test -d tbr2/bridge && echo yes)\"; ls' >\"$W/target_state\" 2>&1\n",
    );
    // Reads through -n on each backend, the same reads inside the target, and the lab's own.
    for (name, env) in BACKENDS {
        for (read, words) in [("show", "show"), ("showstp", "showstp tbr"), ("showmacs", "showmacs tbr")] {
            script.push_str(&brctl(&format!("{name}_{read}"), env, &format!("-n \"$NS\" {words}")));
            script.push_str(&brctl_in_target(&format!("{name}_{read}_inside"), env, words));
            script.push_str(&brctl(&format!("{name}_{read}_lab"), env, words));
        }
    }
    script.push_str(&brctl("json", "", "-j -n \"$NS\" show"));
    // A batch in the target: one namespace for all its lines.
    script.push_str(
        "printf 'delbr tbr2\\nshow tbr\\n' | brctl -n \"$NS\" -b - >\"$W/batch.out\" 2>\"$W/batch.err\"; \
         echo $? >\"$W/batch.rc\"\n",
    );
    script.push_str("in_target ip -br link show type bridge >\"$W/target_bridges\" 2>&1\n");
    script.push_str("ns_state >\"$W/lab_after_reads\"\n");
    script.push_str("if command -v stop_target >/dev/null; then stop_target; fi\n");
    script
}

fn check(out: &NsOutput) {
    for tag in ["addbr", "addif", "stp", "setfd", "addbr2"] {
        assert_quiet_success(out, tag);
    }
    // The lab did not change, neither by the writes nor by the reads.
    let lab_before = out.text("lab_before");
    assert!(lab_before.contains("/sys/class/net/lv0/master -> tbr"), "lab state dump:\n{lab_before}");
    assert_eq!(lab_before, out.text("lab_after_writes"), "writes with -n changed the lab namespace");
    assert_eq!(lab_before, out.text("lab_after_reads"), "reads with -n changed the lab namespace");
    // The target did.
    let target = out.text("target_state");
    for line in ["stp_state=1\n", "forward_delay=700\n", "tv0 master=tbr\n", "tbr2 bridge=yes\n"] {
        assert!(target.contains(line), "the target lacks {line:?}:\n{target}");
    }

    let want_show = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
                     tbr\t\t8000.020000000021\tyes\t\ttv0\n\
                     tbr2\t\t8000.000000000000\tno\t\t\n";
    let want_lab_show = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
                         tbr\t\t8000.020000000210\tno\t\tlv0\n";
    for (name, _) in BACKENDS {
        assert_eq!(read_ok(out, &format!("{name}_show")), want_show, "{name}: -n show");
        assert_eq!(read_ok(out, &format!("{name}_show_lab")), want_lab_show, "{name}: the lab's own show");
        let showstp = read_ok(out, &format!("{name}_showstp"));
        assert!(showstp.starts_with("tbr\n bridge id\t\t8000.020000000021\n"), "{name}: -n showstp:\n{showstp}");
        assert!(showstp.contains("\ntv0 (1)\n") && !showstp.contains("lv0"), "{name}: -n showstp:\n{showstp}");
        assert!(showstp.contains(" forward delay\t\t   7.00"), "{name}: -n showstp:\n{showstp}");
        let showmacs = read_ok(out, &format!("{name}_showmacs"));
        assert!(showmacs.contains("  1\t02:00:00:00:00:21\tyes\t\t   0.00\n"), "{name}: -n showmacs:\n{showmacs}");
        assert!(!showmacs.contains("02:00:00:00:00:10"), "{name}: -n showmacs shows the lab's port:\n{showmacs}");
        // Byte for byte what ours prints when run inside the target.
        for read in ["show", "showstp", "showmacs"] {
            let through_n = out.outcome(&format!("{name}_{read}"));
            let inside = out.outcome(&format!("{name}_{read}_inside"));
            assert_eq!(through_n, inside, "{name}: -n {read} vs {read} run inside the target");
        }
        let lab_showstp = read_ok(out, &format!("{name}_showstp_lab"));
        assert!(lab_showstp.contains("\nlv0 (1)\n"), "{name}: the lab's showstp:\n{lab_showstp}");
    }
    assert_eq!(
        read_ok(out, "json"),
        "[{\"bridge\":\"tbr\",\"bridge_id\":\"8000.020000000021\",\"stp_enabled\":true,\"interfaces\":[\"tv0\"]},\
         {\"bridge\":\"tbr2\",\"bridge_id\":\"8000.000000000000\",\"stp_enabled\":false,\"interfaces\":[]}]\n"
    );
    assert_eq!(
        (out.text("batch.rc"), out.text("batch.out"), out.text("batch.err")),
        (
            "0\n".to_string(),
            "bridge name\tbridge id\t\tSTP enabled\tinterfaces\ntbr\t\t8000.020000000021\tyes\t\ttv0\n".to_string(),
            String::new()
        ),
        "a batch with -n"
    );
    let bridges = out.text("target_bridges");
    assert!(bridges.starts_with("tbr ") && !bridges.contains("tbr2"), "the batch's delbr, in the target:\n{bridges}");
}

#[test]
fn netns_by_name_acts_only_there_and_reads_see_it_on_every_backend() {
    let started = std::time::Instant::now();
    let Some(out) = namespace::run("netns_by_name", Sys::Sysfs, &body(NAMED_TARGET), 60) else {
        return;
    };
    check(&out);
    eprintln!("netns by name: {:?}", started.elapsed());
}

#[test]
fn netns_by_path_acts_only_there_and_reads_see_it_on_every_backend() {
    let started = std::time::Instant::now();
    let Some(out) = namespace::run("netns_by_path", Sys::Sysfs, &body(PATH_TARGET), 60) else {
        return;
    };
    check(&out);
    eprintln!("netns by path: {:?}", started.elapsed());
}

#[test]
fn a_missing_namespace_is_one_clean_error_and_changes_nothing() {
    let mut script = String::from("set -e\n");
    script.push_str(NAMED_TARGET);
    script.push_str(&namespace::bridge("lbr", 0x10));
    script.push_str("ns_state >\"$W/lab_before\"\nset +e\n");
    let cases: &[(&str, &str, &str)] = &[
        ("name_show", "", "-n nosuch show"),
        ("name_show_sysfs", "BRCTL_BACKEND=sysfs ", "-n nosuch show"),
        ("name_showstp", "BRCTL_BACKEND=netlink ", "--netns nosuch showstp lbr"),
        ("name_addbr", "", "-n nosuch addbr xbr"),
        ("name_addif", "", "-n nosuch addif lbr lo"),
        ("path_show", "", "-n /nonexistent/ns/net show"),
        ("path_delbr", "", "--netns=/nonexistent/ns/net delbr lbr"),
        ("not_a_namespace", "", "-n /proc/self/status show"),
        ("not_a_namespace_write", "", "-n /proc/self/status addbr xbr"),
        ("empty_name", "", "-n '' show"),
        ("batch", "", "-n nosuch -b /dev/null"),
    ];
    for (tag, env, words) in cases {
        script.push_str(&brctl(tag, env, words));
    }
    script.push_str("ns_state >\"$W/lab_after\"\n");
    let Some(out) = namespace::run("netns_missing", Sys::Sysfs, &script, 60) else {
        return;
    };
    for (tag, _, words) in cases {
        let outcome: Outcome = out.outcome(tag);
        assert_eq!(outcome.rc, 1, "brctl {words}: exit 1: {outcome:?}");
        assert!(outcome.stdout.is_empty(), "brctl {words}: nothing on stdout: {outcome:?}");
        assert!(outcome.stderr_is_one_line(), "brctl {words}: one stderr line: {outcome:?}");
        let stderr = outcome.stderr_text();
        assert!(!stderr.contains("panicked"), "brctl {words}: {outcome:?}");
        let named = ["nosuch", "/nonexistent/ns/net", "/proc/self/status", "''"]
            .iter()
            .find(|name| words.contains(*name))
            .map(|name| name.trim_matches('\''))
            .unwrap_or_default();
        assert!(stderr.contains(&format!("'{named}'")), "brctl {words}: the message names the namespace: {stderr:?}");
    }
    assert_eq!(out.text("lab_before"), out.text("lab_after"), "a failed -n changed the lab namespace");
}
