//! Bad input is refused before anything is sent to the kernel (compat reference 7, D1 to D4).
//!
//! Every case must give: exit code 1, nothing on stdout, and exactly one line on stderr that
//! starts with the expected message, which quotes the bad value as given (raw bytes: a name's
//! own newline or non-UTF-8 bytes are printed as they are). The kernel state (every bridge and
//! port setting, every device and master: the lab's state dump) must be the same after a batch
//! as before it. Each class of input runs as one batch in one namespace, with ours alone:
//! the original accepts most of these inputs and mangles them (compat reference 2 and 6).

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

use common::lab::TWO_BRIDGES;
use common::{run_ours, Invocation, Outcome, Scenario};
use std::fmt::Write as _;

/// The lab for every batch: br0 (ports v0, v1), br1 (port v2), v3 free, and a bridge whose name
/// is the first 15 bytes of a longer name the original would truncate to it. Every bridge and
/// port setting is away from its default and from any value a case could write by mistake.
fn lab(name: &str) -> Scenario {
    TWO_BRIDGES
        .scenario(name)
        .bridge("abcdefghijklmno", 0x03)
        .setup("ip link set br0 type bridge ageing_time 12345 forward_delay 1234 hello_time 345 max_age 2345 priority 1234")
        .setup("ip link set br1 type bridge ageing_time 23456 forward_delay 2345 hello_time 456 max_age 3456 priority 2345")
        .setup("ip link set v0 type bridge_slave cost 123 priority 21")
        .setup("ip link set v1 type bridge_slave cost 234 priority 22 hairpin on")
        .setup("ip link set v2 type bridge_slave cost 345 priority 23")
}

/// One bad invocation and how its stderr line must start (or, with `whole_line`, read).
struct Case {
    args: Vec<Vec<u8>>,
    expected_start: Vec<u8>,
    whole_line: bool,
}

impl Case {
    fn new(args: Vec<Vec<u8>>, expected_start: Vec<u8>) -> Case {
        Case { args, expected_start, whole_line: false }
    }

    /// A case whose stderr must be exactly `line` and a newline.
    fn whole_line(args: Vec<Vec<u8>>, line: &str) -> Case {
        Case { args, expected_start: line.as_bytes().to_vec(), whole_line: true }
    }
}

/// `'<value>'`: the value quoted as our messages quote it (control bytes and backslashes
/// escaped so that the message stays one line; the rule is unit-tested in src/error/mod.rs).
fn quoted(value: &[u8]) -> Vec<u8> {
    brctl::error::shown(value)
}

/// Owned arguments from a template: `None` is replaced by `value`.
fn fill(template: &[Option<&str>], value: &[u8]) -> Vec<Vec<u8>> {
    template.iter().map(|part| part.map_or_else(|| value.to_vec(), |text| text.as_bytes().to_vec())).collect()
}

/// Why `outcome` is not a clean refusal as `case` expects, if it is not.
fn refusal_problem(outcome: &Outcome, case: &Case) -> Option<String> {
    let expected_start = &case.expected_start[..];
    let mut problems = Vec::new();
    if outcome.rc != 1 {
        problems.push(format!("exit code {} instead of 1", outcome.rc));
    }
    if !outcome.stdout.is_empty() {
        problems.push(format!("stdout should be empty: {:?}", outcome.stdout_text()));
    }
    if !outcome.stderr.starts_with(expected_start) {
        problems.push(format!(
            "stderr should start with {:?}: {:?}",
            String::from_utf8_lossy(expected_start),
            outcome.stderr_text()
        ));
    } else {
        // One line: after the expected start, exactly one newline, at the end.
        let rest = &outcome.stderr[expected_start.len()..];
        if case.whole_line && rest != b"\n" {
            problems.push(format!(
                "stderr should be exactly {:?}: {:?}",
                String::from_utf8_lossy(expected_start),
                outcome.stderr_text()
            ));
        } else if !rest.ends_with(b"\n") || rest.iter().filter(|&&b| b == b'\n').count() != 1 {
            problems.push(format!("stderr should be one line: {:?}", outcome.stderr_text()));
        }
    }
    if problems.is_empty() {
        None
    } else {
        Some(problems.join("; "))
    }
}

/// Runs every case in one namespace with a state dump before and after, then checks each case
/// on its own and the state. Panics listing every failing case, each by its command.
fn check_batch(name: &str, cases: &[Case]) {
    let mut scenario = lab(name).dump();
    for case in cases {
        let args: Vec<&[u8]> = case.args.iter().map(Vec::as_slice).collect();
        scenario = scenario.brctl_raw(&[], &args);
    }
    let Some(run) = run_ours(&scenario) else {
        return;
    };
    let invocations: Vec<&Invocation> = scenario.invocations();
    let mut report = String::new();
    let mut failed = 0;
    for ((case, invocation), outcome) in cases.iter().zip(&invocations).zip(&run.outcomes) {
        if let Some(problem) = refusal_problem(outcome, case) {
            failed += 1;
            let _ = writeln!(report, "{}: {problem}", invocation.display());
        }
    }
    let before = &run.dumps[0];
    if before != run.final_dump() {
        let _ = writeln!(
            report,
            "the state changed during the batch (- before, + after):\n{}",
            common::line_diff(before, run.final_dump())
        );
    }
    assert!(report.is_empty(), "{name}: {failed} of {} bad invocations not refused cleanly:\n{report}", cases.len());
    eprintln!("{name}: {} bad invocations refused cleanly", cases.len());
}

// ---------------------------------------------------------------------------------------------
// Names (D1)

/// Names the kernel refuses, as raw bytes.
const BAD_NAMES: &[&[u8]] = &[
    b"",
    b"abcdefghijklmnop",
    b"abcdefghijklmnopqrstuvwxyz",
    b".",
    b"..",
    b"a/b",
    b"../net/br0",
    b"br0/",
    b"/",
    b"br0:1",
    b":",
    b"x y",
    b" br0",
    b"a\tb",
    b"a\nb",
    b"br0\n",
    b"a\rb",
    b"a\x0bb",
    b"a\x0cb",
    // Latin-1 NBSP: whitespace to the kernel's isspace().
    b"br\xa0x",
    b"br\xff\xfe/",
    // 16 bytes, not UTF-8.
    b"br\xff\xfe0123456789ab",
];

/// Every place a name goes, for every command that takes one; `None` is the bad name. The
/// valid names around it exist, so a name check that came late would change something.
const NAME_POSITIONS: &[&[Option<&str>]] = &[
    &[Some("addbr"), None],
    &[Some("delbr"), None],
    &[Some("addif"), None, Some("v3")],
    &[Some("addif"), Some("br0"), None],
    // A good device first: it must not be added before the bad one is seen.
    &[Some("addif"), Some("br0"), Some("v3"), None],
    &[Some("delif"), None, Some("v0")],
    &[Some("delif"), Some("br0"), None],
    // A good port first: it must not be removed before the bad one is seen.
    &[Some("delif"), Some("br0"), Some("v0"), None],
    &[Some("hairpin"), None, Some("v0"), Some("on")],
    &[Some("hairpin"), Some("br0"), None, Some("off")],
    &[Some("setageing"), None, Some("10")],
    &[Some("setbridgeprio"), None, Some("4096")],
    &[Some("setfd"), None, Some("4")],
    &[Some("sethello"), None, Some("1")],
    &[Some("setmaxage"), None, Some("10")],
    &[Some("setpathcost"), None, Some("v0"), Some("10")],
    &[Some("setpathcost"), Some("br0"), None, Some("10")],
    &[Some("setportprio"), None, Some("v0"), Some("10")],
    &[Some("setportprio"), Some("br0"), None, Some("10")],
    &[Some("show"), None],
    // A good bridge first: nothing may be printed for it.
    &[Some("show"), Some("br0"), None],
    &[Some("showmacs"), None],
    &[Some("showstp"), None],
    &[Some("stp"), None, Some("on")],
];

#[test]
fn bad_names_are_refused_for_every_command() {
    let mut cases = Vec::new();
    for template in NAME_POSITIONS {
        for name in BAD_NAMES {
            let expected = [b"interface name ", &quoted(name)[..], b" is not valid: "].concat();
            cases.push(Case::new(fill(template, name), expected));
        }
    }
    check_batch("bad_names_are_refused_for_every_command", &cases);
}

// ---------------------------------------------------------------------------------------------
// Times (D2)

/// Each time command, its valid bridge and the start of its message.
const TIME_COMMANDS: &[(&str, &str)] = &[
    ("setageing", "bad ageing time value "),
    ("setfd", "bad forward delay value "),
    ("sethello", "bad hello timer value "),
    ("setmaxage", "bad max age value "),
];

/// Times the original takes (mangling most of them) and we refuse.
const BAD_TIMES: &[&str] = &[
    "",
    "abc",
    "3abc",
    "1,5",
    "1.2.3",
    "1 2",
    " 1",
    "+5",
    ".",
    "1e",
    "nan",
    "NaN",
    "inf",
    "Infinity",
    "0x10",
    "0x1p3",
    "42949673",
    "42949672.96",
    "1e20",
    "1e300",
];

/// Times that start with `-`: passed after `--` (otherwise getopt takes them as options).
const NEGATIVE_TIMES: &[&str] = &["-1", "-0.5", "-0", "-nan", "-inf"];

#[test]
fn bad_times_are_refused() {
    let mut cases = Vec::new();
    for &(command, message) in TIME_COMMANDS {
        let expect = |value: &str| [message.as_bytes(), &quoted(value.as_bytes())[..], b": "].concat();
        for value in BAD_TIMES {
            cases.push(Case::new(fill(&[Some(command), Some("br0"), None], value.as_bytes()), expect(value)));
        }
        for value in NEGATIVE_TIMES {
            cases.push(Case::new(
                fill(&[Some("--"), Some(command), Some("br0"), None], value.as_bytes()),
                expect(value),
            ));
        }
        // `--` after the command works as well.
        cases.push(Case::new(fill(&[Some(command), Some("br0"), Some("--"), None], b"-1"), expect("-1")));
        // The value is checked before the bridge is looked up.
        cases.push(Case::new(fill(&[Some(command), Some("nosuch"), None], b"3abc"), expect("3abc")));
    }
    check_batch("bad_times_are_refused", &cases);
}

// ---------------------------------------------------------------------------------------------
// Integers (D3)

/// Each integer command with its other arguments (`None` is the value) and its message start.
const INTEGER_COMMANDS: &[(&[Option<&str>], &str)] = &[
    (&[Some("setbridgeprio"), Some("br0"), None], "bad priority "),
    (&[Some("setpathcost"), Some("br0"), Some("v0"), None], "bad path cost value "),
    (&[Some("setportprio"), Some("br0"), Some("v0"), None], "bad path priority value "),
];

/// Integers the original takes (truncating or wrapping them) or refuses, and we refuse.
const BAD_INTEGERS: &[&str] = &[
    "",
    "abc",
    "+5",
    "+0x10",
    "12abc",
    "12 34",
    " 1",
    "1.5",
    "1e3",
    "08",
    "09",
    "0x",
    "0xg",
    "0b101",
    "4294967296",
    "4294967297",
    "99999999999999999999",
];

/// Signed integers, passed after `--`.
const NEGATIVE_INTEGERS: &[&str] = &["-1", "-0", "-32768", "-4294967295"];

/// Bridge priorities that fit 32 bits but not the kernel's 16 (the original lets them wrap).
const BAD_BRIDGE_PRIORITIES: &[&str] = &["65536", "70000", "0x10000", "0200000", "2147483648"];

#[test]
fn bad_integers_are_refused() {
    let mut cases = Vec::new();
    for &(template, message) in INTEGER_COMMANDS {
        let expect = |value: &str| [message.as_bytes(), &quoted(value.as_bytes())[..], b": "].concat();
        for value in BAD_INTEGERS {
            cases.push(Case::new(fill(template, value.as_bytes()), expect(value)));
        }
        for value in NEGATIVE_INTEGERS {
            let with_dashes: Vec<Option<&str>> = std::iter::once(Some("--")).chain(template.iter().copied()).collect();
            cases.push(Case::new(fill(&with_dashes, value.as_bytes()), expect(value)));
        }
    }
    for value in BAD_BRIDGE_PRIORITIES {
        let expected = [b"bad priority ", &quoted(value.as_bytes())[..], b": "].concat();
        cases.push(Case::new(fill(&[Some("setbridgeprio"), Some("br0"), None], value.as_bytes()), expected));
    }
    // The value is checked before the bridge and port are looked up.
    cases.push(Case::new(
        fill(&[Some("setbridgeprio"), Some("nosuch"), None], b"70000"),
        b"bad priority '70000': ".to_vec(),
    ));
    cases.push(Case::new(
        fill(&[Some("setpathcost"), Some("nosuch"), Some("nosuch2"), None], b"12abc"),
        b"bad path cost value '12abc': ".to_vec(),
    ));
    cases.push(Case::new(
        fill(&[Some("setportprio"), Some("br1"), Some("v0"), None], b"1.5"),
        b"bad path priority value '1.5': ".to_vec(),
    ));
    check_batch("bad_integers_are_refused", &cases);
}

// ---------------------------------------------------------------------------------------------
// on/off words and ports of another bridge (compat reference 2.3, D4)

/// Words the original refuses too; ours names the word.
const BAD_WORDS: &[&str] = &["ON", "On", "Off", "true", "false", "2", "", "of", "yes ", " no", "-"];

#[test]
fn bad_on_off_words_are_refused() {
    let mut cases = Vec::new();
    let templates: &[&[Option<&str>]] = &[
        &[Some("stp"), Some("br0"), None],
        &[Some("hairpin"), Some("br0"), Some("v0"), None],
        // The word is checked before anything is looked up.
        &[Some("stp"), Some("nosuch"), None],
        &[Some("hairpin"), Some("nosuch"), Some("nosuch2"), None],
    ];
    for template in templates {
        for word in BAD_WORDS {
            let expected = [b"expect on/off for argument, not ", &quoted(word.as_bytes())[..], b": "].concat();
            cases.push(Case::new(fill(template, word.as_bytes()), expected));
        }
    }
    check_batch("bad_on_off_words_are_refused", &cases);
}

#[test]
fn ports_of_another_bridge_are_refused() {
    // (command, bridge, port, value): the port is enslaved, but not to that bridge.
    let attempts: &[(&str, &str, &str, &str)] = &[
        ("setpathcost", "br1", "v0", "7"),
        ("setpathcost", "br0", "v2", "7"),
        ("setportprio", "br1", "v0", "7"),
        ("setportprio", "br0", "v2", "7"),
        ("setportprio", "abcdefghijklmno", "v1", "7"),
        ("hairpin", "br1", "v0", "on"),
        ("hairpin", "br1", "v1", "off"),
        ("hairpin", "br0", "v2", "on"),
    ];
    let cases: Vec<Case> = attempts
        .iter()
        .map(|&(command, bridge, port, value)| {
            Case::whole_line(
                fill(&[Some(command), Some(bridge), Some(port), Some(value)], b""),
                &format!("device {port} is not a port of {bridge}"),
            )
        })
        .collect();
    check_batch("ports_of_another_bridge_are_refused", &cases);
}
