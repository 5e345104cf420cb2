//! Faults around brctl rather than bad input: a reader that goes away, a full disk on stdout,
//! a /sys without sysfs, a netlink socket that is refused. Everything that reaches the kernel
//! runs inside a throwaway namespace (tests/common/namespace.rs, tests/common/lab.rs).
//!
//! What must hold: no panic (exit 101, "panicked"), no death by a signal, exit 0 or 1, at most
//! the one expected stderr line, and (where reads have another way to the kernel) the same
//! output as without the fault.

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

use common::lab::{assert_same_binaries, compare_runs, BR0_WITH_VETHS, TWO_BRIDGES};
use common::namespace::{self, brctl_text, Sys};
use common::{original, skip, Outcome, Scenario};

/// What every outcome here must satisfy: no panic, a normal exit with 0 or 1.
fn assert_sane(what: &str, outcome: &Outcome) {
    let stderr = outcome.stderr_text();
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{what}: panicked: {outcome:?}");
    assert!(outcome.rc == 0 || outcome.rc == 1, "{what}: exit status {} (want 0 or 1): {outcome:?}", outcome.rc);
}

/// A failure reported the clean way: exit 1 and exactly one stderr line, nothing on stdout.
fn assert_one_line_failure(what: &str, outcome: &Outcome) {
    assert_sane(what, outcome);
    assert_eq!(outcome.rc, 1, "{what}: want exit 1: {outcome:?}");
    assert!(outcome.stderr_is_one_line(), "{what}: want exactly one stderr line: {outcome:?}");
    assert!(outcome.stdout.is_empty(), "{what}: want nothing on stdout: {outcome:?}");
}

// ---------------------------------------------------------------------------------------------
// stdout closed early

/// Shell that runs `brctl <args>` into a pipe whose reader is `reader`, recording brctl's
/// own exit status (not the pipeline's) in `$W/<tag>.rc` and its stderr in `$W/<tag>.err`.
fn piped(tag: &str, args: &str, reader: &str) -> String {
    format!(
        "{{ brctl {args} 2>\"$W/{tag}.err\"; echo $? >\"$W/{tag}.rc\"; }} | {reader} >\"$W/{tag}.out\"\n\
         touch \"$W/{tag}.err\"\n"
    )
}

#[test]
fn a_reader_that_goes_away_ends_us_quietly() {
    let mut script = String::from("set -e\n");
    // 50 bridges for show; one bridge with 40 ports for showstp (about 17 KB of output, well
    // past our 4 KB buffer, so the broken pipe is met in the middle of the output) and
    // showmacs (a local entry per port).
    script.push_str("i=0; while [ $i -lt 50 ]; do ip link add \"br$i\" type bridge; i=$((i + 1)); done\n");
    script.push_str(&namespace::bridge("big", 1));
    script.push_str(
        "i=0; while [ $i -lt 40 ]; do ip link add \"p$i\" type veth peer name \"p${i}x\"; \
         ip link set \"p$i\" master big; i=$((i + 1)); done\n",
    );
    script.push_str("set +e\n");
    script.push_str(&piped("show_head", "show", "head -1"));
    script.push_str(&piped("showstp_head", "showstp big", "head -1"));
    script.push_str(&piped("showmacs_head", "showmacs big", "head -1"));
    // A reader that is gone before brctl writes a byte: the very first write fails with EPIPE.
    for (tag, args) in [("show_gone", "show"), ("showstp_gone", "showstp big"), ("showmacs_gone", "showmacs big")] {
        script.push_str(&format!(
            "{{ sleep 0.3; brctl {args} 2>\"$W/{tag}.err\"; echo $? >\"$W/{tag}.rc\"; }} | true\n\
             : >\"$W/{tag}.out\"\n"
        ));
    }
    // Many lines of help into a reader that takes one.
    script.push_str(&piped("help_head", "-h", "head -1"));
    let Some(out) = namespace::run("a_reader_that_goes_away_ends_us_quietly", Sys::Sysfs, &script, 60) else {
        return;
    };

    let expect_first_line = [
        ("show_head", "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"),
        ("showstp_head", "big\n"),
        ("showmacs_head", "port no\tmac addr\t\tis local?\tageing timer\n"),
        ("help_head", "Usage: brctl [commands]\n"),
    ];
    for (tag, first_line) in expect_first_line {
        let outcome = out.outcome(tag);
        assert_sane(tag, &outcome);
        assert!(outcome.stderr.is_empty(), "{tag}: a closed pipe must be quiet: {outcome:?}");
        assert_eq!(outcome.stdout_text(), first_line, "{tag}: what head saw");
    }
    for tag in ["show_gone", "showstp_gone", "showmacs_gone"] {
        let outcome = out.outcome(tag);
        assert_sane(tag, &outcome);
        assert!(outcome.stderr.is_empty(), "{tag}: a closed pipe must be quiet: {outcome:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// stdin, stdout and stderr closed

/// With descriptors 0, 1 and 2 closed, brctl must not hand them out: the netlink socket or the
/// lock file would then be "stdout", and output would go to the kernel or into the file.
/// strace shows which descriptors the socket and the lock file get.
#[test]
fn closed_standard_descriptors_are_not_handed_out() {
    let Some(strace) = which("strace") else {
        skip::skip("closed_standard_descriptors_are_not_handed_out", "strace is missing (apt-get install strace)");
        return;
    };
    let mut script = namespace::bridge("br0", 1);
    script.push_str(&namespace::veth("v0", 0x0a));
    script.push_str(
        "ip link set v0 master br0
",
    );
    for (tag, args) in [("show", "show"), ("showmacs", "showmacs br0"), ("addbr", "addbr br1")] {
        script.push_str(&format!(
            "sh -c \"exec 0<&- 1>&- 2>&-; exec {strace} -o '$W/{tag}.trace' -e trace=socket,openat brctl {args}\"\n\
             echo $? >\"$W/{tag}.rc\"\n"
        ));
    }
    let Some(out) = namespace::run("closed_standard_descriptors_are_not_handed_out", Sys::Sysfs, &script, 60) else {
        return;
    };
    for tag in ["show", "showmacs", "addbr"] {
        assert_eq!(out.text(&format!("{tag}.rc")).trim(), "0", "{tag}: exit status");
        let trace = out.text(&format!("{tag}.trace"));
        let handed_out: Vec<&str> = trace
            .lines()
            // What brctl itself opens (the dynamic loader's own opens come and go before main).
            .filter(|line| line.starts_with("socket(") || line.contains("\"/run/brctl") || line.contains("\"/sys/"))
            .filter(|line| line.rsplit(" = ").next().is_some_and(|fd| fd.trim().parse::<i32>().is_ok_and(|fd| fd <= 2)))
            .collect();
        assert!(handed_out.is_empty(), "{tag}: got a standard descriptor: {handed_out:?}\n{trace}");
        assert!(trace.contains("socket(AF_NETLINK"), "{tag}: no netlink socket seen:\n{trace}");
        // Only the change takes its turn at the lock.
        assert_eq!(trace.contains("\"/run/brctl/change.lock\""), tag == "addbr", "{tag}: lock file:\n{trace}");
    }
}

/// The path of `program` on PATH.
fn which(program: &str) -> Option<String> {
    let path = std::env::var("PATH").ok()?;
    path.split(':').map(|dir| format!("{dir}/{program}")).find(|candidate| std::path::Path::new(candidate).is_file())
}

// ---------------------------------------------------------------------------------------------
// stdout on /dev/full

#[test]
fn a_full_stdout_is_one_clean_error() {
    let mut script = namespace::bridge("br0", 1);
    script.push_str(&namespace::veth("v0", 0x0a));
    script.push_str("ip link set v0 master br0\n");
    let commands: &[(&str, &[&str])] = &[
        ("show", &["show"]),
        ("show_br0", &["show", "br0"]),
        ("showstp", &["showstp", "br0"]),
        ("showmacs", &["showmacs", "br0"]),
        ("help", &["-h"]),
        ("help_long", &["--help"]),
        ("version", &["-V"]),
    ];
    for (tag, args) in commands {
        // brctl_text sends stdout to a file; send it to /dev/full instead.
        let line = brctl_text(tag, &[], args).replacen(&format!(">\"$W/{tag}.out\""), ">/dev/full", 1);
        script.push_str(&line);
        script.push_str(&format!(": >\"$W/{tag}.out\"\n"));
    }
    let Some(out) = namespace::run("a_full_stdout_is_one_clean_error", Sys::Sysfs, &script, 60) else {
        return;
    };
    for (tag, args) in commands {
        let outcome = out.outcome(tag);
        let what = format!("brctl {} >/dev/full", args.join(" "));
        assert_one_line_failure(&what, &outcome);
        assert!(
            outcome.stderr_text().contains("No space left on device"),
            "{what}: the error must say why: {outcome:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// /sys without sysfs: ours works over netlink alone

/// The lab: br0 (fixed MAC) and three veths with fixed MACs, nothing enslaved.
fn netlink_only_lab(name: &str) -> Scenario {
    BR0_WITH_VETHS.scenario(name)
}

/// Every kind of command, with results that do not depend on time: bridges stay down, so STP
/// states stay put and no timer runs while showstp can see it.
fn netlink_only_steps(scenario: Scenario) -> Scenario {
    scenario
        .brctl(&["show"])
        .brctl(&["addbr", "br1"])
        .brctl(&["addbr", "br1"])
        .brctl(&["addif", "br1", "v1"])
        .brctl(&["addif", "br0", "v0", "v2"])
        .brctl(&["addif", "br0", "v1"])
        .brctl(&["addif", "br0", "nosuch"])
        .brctl(&["setfd", "br0", "3"])
        .brctl(&["sethello", "br0", "1"])
        .brctl(&["setmaxage", "br0", "12"])
        .brctl(&["setbridgeprio", "br1", "100"])
        .brctl(&["stp", "br1", "on"])
        .brctl(&["setpathcost", "br0", "v0", "7"])
        .brctl(&["setportprio", "br0", "v2", "5"])
        .brctl(&["hairpin", "br0", "v0", "on"])
        .brctl(&["setfd", "nosuch", "3"])
        .brctl(&["show"])
        .brctl(&["show", "br1", "br0", "nosuch"])
        .brctl(&["showstp", "br0"])
        .brctl(&["showstp", "br1"])
        .brctl(&["showstp", "v0"])
        .brctl(&["showmacs", "br0"])
        .brctl(&["showmacs", "nosuch"])
        // Last among the changes: a new ageing time starts the gc timer, which showstp shows.
        .brctl(&["setageing", "br0", "100"])
        .brctl(&["delif", "br0", "v2"])
        .brctl(&["delif", "br0", "v2"])
        .brctl(&["delif", "br1", "v1"])
        .brctl(&["delbr", "br1"])
        .brctl(&["delbr", "br1"])
        .brctl(&["show"])
}

/// Ours with /sys hidden behind a tmpfs (BRCTL_BACKEND unset) must do and print exactly
/// what the original does with sysfs mounted: same outputs, same final state.
#[test]
fn without_sysfs_ours_works_over_netlink_like_the_original_with_sysfs() {
    let name = "without_sysfs_ours_works_over_netlink_like_the_original_with_sysfs";
    let Some(original) = original::require(name) else {
        return;
    };
    if !namespace::lab_ready(name) {
        return;
    }
    let with_sysfs = netlink_only_steps(netlink_only_lab(name));
    // The tmpfs goes over the lab's sysfs for the steps and comes off before the final dump.
    let hidden = netlink_only_steps(netlink_only_lab(name).shell("mount -t tmpfs none /sys\ntest ! -e /sys/class/net"))
        .shell("umount /sys\ntest -d /sys/class/net");
    let expected = with_sysfs.run(&original);
    let actual = hidden.run(&common::ours());
    let report = compare_runs(&with_sysfs, &expected, &actual);
    assert!(report.is_empty(), "ours without sysfs (+) vs the original with sysfs (-):\n{report}");
    // And ours with sysfs mounted agrees too (reads may then come from either place).
    assert_same_binaries(&with_sysfs, &original, &common::ours());
}

/// BRCTL_BACKEND=sysfs with no sysfs: every command fails cleanly and changes nothing.
#[test]
fn sysfs_backend_without_sysfs_fails_cleanly() {
    let sysfs = [("BRCTL_BACKEND", "sysfs")];
    let commands: &[&[&str]] = &[
        &["show", "br0"],
        &["showstp", "br0"],
        &["showmacs", "br0"],
        &["setfd", "br0", "3"],
        &["stp", "br0", "on"],
        &["addif", "br0", "v1"],
        &["delif", "br0", "v0"],
        &["setpathcost", "br0", "v0", "7"],
        &["hairpin", "br0", "v0", "on"],
        &["delbr", "br0"],
    ];
    let mut scenario = netlink_only_lab("sysfs_backend_without_sysfs_fails_cleanly")
        .enslave("v0", "br0")
        .dump()
        .shell("mount -t tmpfs none /sys\ntest ! -e /sys/class/net");
    for args in commands {
        scenario = scenario.brctl_env(&sysfs, args);
    }
    let scenario = scenario.shell("umount /sys\ntest -d /sys/class/net");
    let Some(run) = common::run_ours(&scenario) else {
        return;
    };
    for (invocation, outcome) in scenario.invocations().iter().zip(&run.outcomes) {
        assert_one_line_failure(&invocation.display(), outcome);
    }
    assert_eq!(run.dumps[0], run.final_dump(), "failed commands must change nothing");
}

/// `brctl show` with BRCTL_BACKEND=sysfs and no sysfs cannot list anything: it must say so
/// (exit 1, one line) rather than print an empty list and exit 0, which reads as "no bridges".
#[test]
fn sysfs_backend_without_sysfs_show_all_is_an_error() {
    let scenario = netlink_only_lab("sysfs_backend_without_sysfs_show_all_is_an_error")
        .shell("mount -t tmpfs none /sys\ntest ! -e /sys/class/net")
        .brctl_env(&[("BRCTL_BACKEND", "sysfs")], &["show"])
        .shell("umount /sys");
    let Some(run) = common::run_ours(&scenario) else {
        return;
    };
    assert_one_line_failure("BRCTL_BACKEND=sysfs brctl show (no sysfs)", &run.outcomes[0]);
}

// ---------------------------------------------------------------------------------------------
// The netlink socket refused

const REFUSE: (&str, &str) = ("BRCTL_TEST_NETLINK_SOCKET", "refuse");

/// br0 with ports v0, v1 (hairpin on v1, a path cost), br1 with STP on and port v2, v3 free.
fn refused_lab(name: &str) -> Scenario {
    TWO_BRIDGES
        .scenario(name)
        .setup("ip link set br1 type bridge stp_state 1 priority 4096")
        .setup("ip link set v1 type bridge_slave hairpin on cost 33")
}

const READS: &[&[&str]] = &[
    &["show"],
    &["show", "br0"],
    &["show", "br1", "br0"],
    &["show", "nosuch"],
    &["showstp", "br0"],
    &["showstp", "br1"],
    &["showstp", "nosuch"],
    &["showmacs", "br0"],
    &["showmacs", "v0"],
];

/// Under auto, a refused socket sends every read to sysfs: same output as without the hook.
#[test]
fn refused_socket_reads_fall_back_to_sysfs() {
    let mut scenario = refused_lab("refused_socket_reads_fall_back_to_sysfs");
    for args in READS {
        scenario =
            scenario.brctl(args).brctl_env(&[REFUSE], args).brctl_env(&[REFUSE, ("BRCTL_BACKEND", "auto")], args);
    }
    let Some(run) = common::run_ours(&scenario) else {
        return;
    };
    let invocations = scenario.invocations();
    for (index, triple) in run.outcomes.chunks(3).enumerate() {
        let plain = &triple[0];
        assert_sane(&invocations[3 * index].display(), plain);
        for (offset, hooked) in triple.iter().enumerate().skip(1) {
            let what = invocations[3 * index + offset].display();
            assert_eq!(hooked, plain, "{what}: must print what it prints with the socket (left: with the hook)");
        }
    }
}

/// Under BRCTL_BACKEND=netlink a refused socket leaves no way to read: each read of a named
/// bridge fails cleanly (show: one line per name, as it reports each name it cannot show).
#[test]
fn refused_socket_netlink_reads_fail_cleanly() {
    let env = [REFUSE, ("BRCTL_BACKEND", "netlink")];
    let mut scenario = refused_lab("refused_socket_netlink_reads_fail_cleanly");
    for args in READS.iter().filter(|args| args.len() > 1) {
        scenario = scenario.brctl_env(&env, args);
    }
    let Some(run) = common::run_ours(&scenario) else {
        return;
    };
    for (invocation, outcome) in scenario.invocations().iter().zip(&run.outcomes) {
        let what = invocation.display();
        assert_sane(&what, outcome);
        let lines = if invocation.args[0] == b"show" { invocation.args.len() - 1 } else { 1 };
        assert_eq!(outcome.rc, 1, "{what}: want exit 1: {outcome:?}");
        assert!(outcome.stdout.is_empty(), "{what}: want nothing on stdout: {outcome:?}");
        assert!(
            outcome.stderr.ends_with(b"\n") && outcome.stderr_text().lines().count() == lines,
            "{what}: want {lines} stderr line(s): {outcome:?}"
        );
    }
}

/// `brctl show` under BRCTL_BACKEND=netlink with the socket refused cannot list anything: it
/// must say so (exit 1, one line) rather than print an empty list and exit 0.
#[test]
fn refused_socket_netlink_show_all_is_an_error() {
    let scenario = refused_lab("refused_socket_netlink_show_all_is_an_error")
        .brctl_env(&[REFUSE, ("BRCTL_BACKEND", "netlink")], &["show"]);
    let Some(run) = common::run_ours(&scenario) else {
        return;
    };
    assert_one_line_failure("BRCTL_BACKEND=netlink brctl show (socket refused)", &run.outcomes[0]);
}

/// Every change needs the socket: refused, each fails with the original's setup message (and the
/// hint naming the SELinux module: a refused socket is a security policy's doing) and
/// nothing changes, whatever BRCTL_BACKEND says about reads.
#[test]
fn refused_socket_writes_fail_and_change_nothing() {
    let writes: &[&[&str]] = &[
        &["addbr", "br9"],
        &["addbr", "br0"],
        &["delbr", "br0"],
        &["delbr", "nosuch"],
        &["addif", "br0", "v3"],
        &["addif", "br1", "v0"],
        &["delif", "br0", "v0"],
        &["delif", "br0", "v3"],
        &["setageing", "br0", "10"],
        &["setbridgeprio", "br0", "100"],
        &["setfd", "br1", "4"],
        &["sethello", "br1", "1"],
        &["setmaxage", "br1", "10"],
        &["setpathcost", "br0", "v0", "9"],
        &["setportprio", "br0", "v0", "9"],
        &["hairpin", "br0", "v0", "on"],
        &["hairpin", "br0", "v1", "off"],
        &["stp", "br0", "on"],
        &["stp", "br1", "off"],
    ];
    let mut scenario = refused_lab("refused_socket_writes_fail_and_change_nothing").dump();
    for backend in ["auto", "netlink", "sysfs"] {
        for args in writes {
            scenario = scenario.brctl_env(&[REFUSE, ("BRCTL_BACKEND", backend)], args);
        }
    }
    let Some(run) = common::run_ours(&scenario) else {
        return;
    };
    for (invocation, outcome) in scenario.invocations().iter().zip(&run.outcomes) {
        let what = invocation.display();
        assert_sane(&what, outcome);
        assert_eq!(
            (outcome.rc, outcome.stdout_text(), outcome.stderr_text()),
            (
                1,
                String::new(),
                format!("can't setup bridge control: Permission denied\n{}\n", brctl::error::SOCKET_REFUSED_HINT)
            ),
            "{what}"
        );
    }
    assert_eq!(run.dumps[0], run.final_dump(), "refused writes must change nothing");
}
