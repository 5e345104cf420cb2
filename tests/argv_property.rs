//! A bounded random test of argv: vectors from a grammar that mixes valid and invalid pieces
//! (commands and near misses, options, names good and bad and not UTF-8, numbers good, bad and
//! huge, on/off words and near misses), checked against a small model of how brctl must treat
//! them (getopt's options, the command table, then each argument's rule in the order the
//! command checks them).
//!
//! Part 1 calls `brctl::run` in-process, and only with argv the model says never get past
//! parsing (help, version, bad options, unknown commands, too few arguments, an invalid value),
//! so nothing can reach the kernel; as a second guard the calls run on a thread that first
//! moves itself into a fresh network namespace where it can. Part 2 runs a few hundred argv,
//! most of them valid, through the binary inside one throwaway namespace, with a state dump
//! between every two commands: a refused argument must change nothing.
//!
//! The seed is `BRCTL_PROPTEST_SEED` (decimal or 0x hex) or a fixed default; every failure
//! message starts with it, so a failure can be replayed exactly.

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

use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStringExt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use common::lab::{Topology, TWO_BRIDGES};
use common::namespace::{self, Sys};
use common::random::{self, Rng};
use common::Outcome;

const DEFAULT_SEED: u64 = 0x6272_6374_6c20_7273;
/// In-process argv checked by part 1.
const PART1_CASES: usize = 2000;
/// Argv run in the namespace by part 2 (each with a state dump after it: about 15 ms each).
const PART2_CASES: usize = 300;

// ---------------------------------------------------------------------------------------------
// The model: the rules brctl's arguments follow (README, "How it differs from the original").

/// What an argument position must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    /// Seconds; the text is the knob's name in the "bad ... value" message.
    Time(&'static str),
    BridgePriority,
    PathCost,
    PortPriority,
    OnOff,
}

/// A command: its name, its positions' roles, the order they are checked in, and whether
/// every further argument is a name too (addif, delif, show).
struct Spec {
    name: &'static str,
    roles: &'static [Role],
    check_order: &'static [usize],
    min_args: usize,
    variadic: bool,
}

const NAME: Role = Role::Name;

#[rustfmt::skip]
const SPECS: &[Spec] = &[
    Spec { name: "addbr", roles: &[NAME], check_order: &[0], min_args: 1, variadic: false },
    Spec { name: "delbr", roles: &[NAME], check_order: &[0], min_args: 1, variadic: false },
    Spec { name: "addif", roles: &[NAME, NAME], check_order: &[0, 1], min_args: 2, variadic: true },
    Spec { name: "delif", roles: &[NAME, NAME], check_order: &[0, 1], min_args: 2, variadic: true },
    // The original checks the word before the names.
    Spec { name: "hairpin", roles: &[NAME, NAME, Role::OnOff], check_order: &[2, 0, 1], min_args: 3, variadic: false },
    Spec { name: "setageing", roles: &[NAME, Role::Time("ageing time")], check_order: &[0, 1], min_args: 2, variadic: false },
    Spec { name: "setbridgeprio", roles: &[NAME, Role::BridgePriority], check_order: &[0, 1], min_args: 2, variadic: false },
    Spec { name: "setfd", roles: &[NAME, Role::Time("forward delay")], check_order: &[0, 1], min_args: 2, variadic: false },
    Spec { name: "sethello", roles: &[NAME, Role::Time("hello timer")], check_order: &[0, 1], min_args: 2, variadic: false },
    Spec { name: "setmaxage", roles: &[NAME, Role::Time("max age")], check_order: &[0, 1], min_args: 2, variadic: false },
    Spec { name: "setpathcost", roles: &[NAME, NAME, Role::PathCost], check_order: &[0, 1, 2], min_args: 3, variadic: false },
    Spec { name: "setportprio", roles: &[NAME, NAME, Role::PortPriority], check_order: &[0, 1, 2], min_args: 3, variadic: false },
    Spec { name: "show", roles: &[], check_order: &[], min_args: 0, variadic: true },
    Spec { name: "showmacs", roles: &[NAME], check_order: &[0], min_args: 1, variadic: false },
    Spec { name: "showstp", roles: &[NAME], check_order: &[0], min_args: 1, variadic: false },
    Spec { name: "stp", roles: &[NAME, Role::OnOff], check_order: &[0, 1], min_args: 2, variadic: false },
    // Obsolete: accepted with any arguments, does nothing, says so.
    Spec { name: "setgcint", roles: &[], check_order: &[], min_args: 0, variadic: false },
];

fn spec(name: &[u8]) -> Option<&'static Spec> {
    SPECS.iter().find(|spec| spec.name.as_bytes() == name)
}

/// The kernel's rule for interface names.
fn valid_name(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes.len() <= 15
        && bytes != b"."
        && bytes != b".."
        && !bytes.iter().any(|&b| matches!(b, b'/' | b':' | 0 | b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0xa0))
}

fn valid_on_off(bytes: &[u8]) -> bool {
    matches!(bytes, b"on" | b"off" | b"yes" | b"no" | b"1" | b"0")
}

/// `%i`'s bases (0x hex, leading-0 octal, decimal), no sign, no garbage, at most `max`.
fn valid_uint(bytes: &[u8], max: u64) -> bool {
    let (digits, radix) = if let Some(hex) = bytes.strip_prefix(b"0x").or_else(|| bytes.strip_prefix(b"0X")) {
        (hex, 16)
    } else if bytes.len() > 1 && bytes[0] == b'0' {
        (&bytes[1..], 8)
    } else {
        (bytes, 10)
    };
    if digits.is_empty() || !digits.iter().all(|&b| char::from(b).is_digit(radix)) {
        return false;
    }
    let mut value: u128 = 0;
    for &b in digits {
        value = value * u128::from(radix) + u128::from(char::from(b).to_digit(radix).unwrap_or(0));
        if value > u128::from(max) {
            return false;
        }
    }
    true
}

/// Plain decimal seconds (`4`, `2.5`, `.5`, `1e1`), rounded half up to centiseconds, at most
/// u32::MAX centiseconds.
fn valid_time(bytes: &[u8]) -> bool {
    let (mantissa, exponent) = match bytes.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (bytes, None),
    };
    let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, &[][..]),
    };
    let digits_only = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if int_part.len() + frac_part.len() == 0 || !digits_only(int_part) || !digits_only(frac_part) {
        return false;
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(text) => {
            let unsigned = text.strip_prefix(b"+").or_else(|| text.strip_prefix(b"-")).unwrap_or(text);
            if unsigned.is_empty() || !digits_only(unsigned) {
                return false;
            }
            // Anything past a million digits either way is as good as infinite here.
            let magnitude = unsigned.iter().fold(0i64, |acc, d| (acc * 10 + i64::from(d - b'0')).min(1_000_000));
            if text.starts_with(b"-") {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    let digits: Vec<u8> = int_part.iter().chain(frac_part).map(|d| d - b'0').collect();
    // The digit just left of the centisecond point, counted from the left.
    let point = int_part.len() as i64 + 2 + exponent;
    let whole_digits: Vec<u8> = if point <= 0 {
        Vec::new()
    } else {
        let point = point as usize;
        let mut whole: Vec<u8> = digits.iter().copied().take(point).collect();
        if point > digits.len() {
            if digits.iter().all(|&d| d == 0) {
                whole.clear();
            } else {
                whole.resize(point.min(digits.len() + 40), 0);
            }
        }
        whole
    };
    let significant: Vec<u8> = whole_digits.into_iter().skip_while(|&d| d == 0).collect();
    if significant.len() > 10 {
        return false;
    }
    let whole = significant.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
    let round_up = point >= 0 && digits.get(point as usize).is_some_and(|&d| d >= 5);
    whole + u64::from(round_up) <= u64::from(u32::MAX)
}

fn valid_for(role: Role, bytes: &[u8]) -> bool {
    match role {
        Role::Name => valid_name(bytes),
        Role::Time(_) => valid_time(bytes),
        Role::BridgePriority => valid_uint(bytes, 65535),
        Role::PathCost | Role::PortPriority => valid_uint(bytes, u64::from(u32::MAX)),
        Role::OnOff => valid_on_off(bytes),
    }
}

/// A value as our messages quote it (the rule is unit-tested in src/error/mod.rs).
fn shown(arg: &[u8]) -> Vec<u8> {
    brctl::error::shown(arg)
}

/// The start of the one stderr line a refused value gives.
fn refusal_prefix(role: Role, arg: &[u8]) -> Vec<u8> {
    let head: String = match role {
        Role::Name => return [b"interface name ", shown(arg).as_slice(), b" is not valid: "].concat(),
        Role::Time(knob) => format!("bad {knob} value "),
        Role::BridgePriority => "bad priority ".to_string(),
        Role::PathCost => "bad path cost value ".to_string(),
        Role::PortPriority => "bad path priority value ".to_string(),
        Role::OnOff => "expect on/off for argument, not ".to_string(),
    };
    [head.as_bytes(), &shown(arg), b": "].concat()
}

/// What brctl must do with an argv.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Help,
    Version,
    BadOption,
    /// No command at all: the help, exit 1.
    NoCommand,
    Unknown(Vec<u8>),
    TooFew(&'static str),
    /// A value refused before anything else happens: one line starting so.
    Refused(Vec<u8>),
    Setgcint,
    /// Valid: brctl acts on the kernel (never in-process). `reads` for show/showstp/showmacs.
    Kernel {
        reads: bool,
    },
}

impl Expect {
    fn reaches_kernel(&self) -> bool {
        matches!(self, Expect::Kernel { .. })
    }

    /// The variant's name, for the summary of what a run covered.
    fn kind(&self) -> &'static str {
        match self {
            Expect::Help => "help",
            Expect::Version => "version",
            Expect::BadOption => "bad option",
            Expect::NoCommand => "no command",
            Expect::Unknown(_) => "unknown command",
            Expect::TooFew(_) => "too few",
            Expect::Refused(_) => "refused value",
            Expect::Setgcint => "setgcint",
            Expect::Kernel { reads: true } => "kernel read",
            Expect::Kernel { reads: false } => "kernel change",
        }
    }
}

/// How many argv of each kind a run covered (shown with --nocapture).
fn summary(kinds: &[&'static str]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for kind in kinds {
        match counts.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    counts.sort();
    counts.iter().map(|(k, n)| format!("{k}: {n}")).collect::<Vec<_>>().join(", ")
}

/// The options the generator uses; their meaning is stable whatever options are added later
/// (long ones are unambiguous prefixes or plain errors; short letters h, V or unused ones).
const HELP_OPTIONS: &[&str] = &["-h", "--help", "--he", "--h", "-hV", "-h%"];
const VERSION_OPTIONS: &[&str] = &["-V", "--version", "--vers", "--v", "-Vh"];
const BAD_OPTIONS: &[&str] =
    &["-x", "-%", "-?", "-%h", "--xyzzy", "--he=", "--help=1", "--version=2", "--=x", "--helpx", "-1", "-5"];

/// The model: getopt (options anywhere unless POSIXLY_CORRECT, the first one acts, `--` ends
/// them), then the command table, then each argument's rule.
fn expect(argv: &[Vec<u8>], posixly_correct: bool) -> Expect {
    let mut operands: Vec<&[u8]> = Vec::new();
    let mut options_over = false;
    for arg in argv {
        let arg = arg.as_slice();
        if options_over || arg == b"-" || !arg.starts_with(b"-") {
            operands.push(arg);
            options_over |= posixly_correct;
            continue;
        }
        if arg == b"--" {
            options_over = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix(b"--") {
            let long = String::from_utf8_lossy(long);
            let option = format!("--{long}");
            if HELP_OPTIONS.contains(&option.as_str()) {
                return Expect::Help;
            }
            if VERSION_OPTIONS.contains(&option.as_str()) {
                return Expect::Version;
            }
            assert!(BAD_OPTIONS.contains(&option.as_str()), "generator made an unmodelled option {option:?}");
            return Expect::BadOption;
        }
        return match arg[1] {
            b'h' => Expect::Help,
            b'V' => Expect::Version,
            b'x' | b'%' | b'?' | b'1' | b'5' => Expect::BadOption,
            other => panic!("generator made an unmodelled option letter {:?}", char::from(other)),
        };
    }
    let Some((command, args)) = operands.split_first() else {
        return Expect::NoCommand;
    };
    let Some(spec) = spec(command) else {
        return Expect::Unknown(command.to_vec());
    };
    if args.len() < spec.min_args {
        return Expect::TooFew(spec.name);
    }
    if spec.name == "setgcint" {
        return Expect::Setgcint;
    }
    let variadic_tail = if spec.variadic { spec.roles.len().min(args.len())..args.len() } else { 0..0 };
    for index in spec.check_order.iter().copied().chain(variadic_tail) {
        let role = spec.roles.get(index).copied().unwrap_or(Role::Name);
        if !valid_for(role, args[index]) {
            return Expect::Refused(refusal_prefix(role, args[index]));
        }
    }
    Expect::Kernel { reads: matches!(spec.name, "show" | "showstp" | "showmacs") }
}

// ---------------------------------------------------------------------------------------------
// The grammar

/// The lab's names (part 2 creates them), and a few that are valid but name nothing: where a
/// bridge is due, mostly bridges; elsewhere, mostly ports.
const LAB_BRIDGES: &[&str] = &["br0", "br0", "br1", "br1", "br2", "v0", "nosuch"];
const LAB_PORTS: &[&str] = &["v0", "v1", "v2", "v3", "v0", "v1", "v0p", "v1p", "br1", "lo", "nosuch"];
const BAD_NAMES: &[&[u8]] = &[
    b"",
    b".",
    b"..",
    b"a/b",
    b"../br0",
    b"br0:1",
    b"br 0",
    b" br0",
    b"br0\n",
    b"\tx",
    b"x\x0by",
    b"\xa0br",
    b"abcdefghijklmnop",
    b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];
const ODD_NAMES: &[&[u8]] = &[b"...", b"\xff\xfe", b"-", b"br%d", b"abcdefghijklmno", "é".as_bytes(), b"a\x01b", b"*"];
const TIMES: &[&str] = &[
    "0",
    "1",
    "2",
    "4",
    "30",
    "100",
    "2.5",
    ".5",
    "5.",
    "1e1",
    "15E-1",
    "0.004",
    "0.005",
    "1.005",
    "10.01",
    "1e-300",
    "0e999999999999999999999",
    "42949672.95",
    "42949672.955",
    "000000000000000000000000001",
    "nan",
    "inf",
    "NaN",
    "-1",
    "+1",
    "1,5",
    "0x10",
    "1e",
    "e5",
    "1e+",
    ".",
    "",
    "1.2.3",
    "1 2",
    " 1",
    "42949672.96",
    "42949673",
    "1e20",
    "1e999999999999",
    "99999999999999999999999",
    "3abc",
    "1_000",
];
const INTEGERS: &[&str] = &[
    "0",
    "1",
    "7",
    "63",
    "64",
    "100",
    "4096",
    "65535",
    "65536",
    "010",
    "08",
    "0x",
    "0x10",
    "0XfF",
    "0xffffffff",
    "0x100000000",
    "4294967295",
    "4294967296",
    "99999999999999999999999",
    "-1",
    "+1",
    "1.5",
    "1e3",
    "0b101",
    " 1",
    "12abc",
    "",
    "nan",
];
const ON_OFF: &[&str] =
    &["on", "off", "yes", "no", "1", "0", "ON", "Off", "of", "onn", "true", "2", "", " on", "yes\n"];
const COMMAND_MISSES: &[&[u8]] = &[
    b"Show",
    b"sho",
    b"showw",
    b"addbr ",
    b"ADDBR",
    b"add",
    b"stpp",
    b"hairpn",
    b"setgcin",
    b"",
    b"show\n",
    b"\xffshow",
];

fn random_name(rng: &mut Rng) -> Vec<u8> {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789._%-";
    let len = rng.range(1, 18) as usize;
    let mut name = vec![*rng.pick(FIRST)];
    while name.len() < len {
        name.push(if rng.percent(5) { *rng.pick(b"/: \xa0\xff") } else { *rng.pick(REST) });
    }
    name
}

fn random_number(rng: &mut Rng) -> Vec<u8> {
    let magnitude = rng.range(0, 12) as u32;
    let value = rng.range(0, 10u64.pow(magnitude));
    match rng.below(5) {
        0 => format!("{value:#x}"),
        1 => format!("0{value:o}"),
        2 => format!("{}.{:02}", value, rng.below(100)),
        3 => format!("{}.{:03}", value % 100_000, rng.below(1000)),
        _ => value.to_string(),
    }
    .into_bytes()
}

/// One piece for `role` (`bridge`: where a bridge name is due), mostly of its kind and
/// sometimes of another.
fn piece(rng: &mut Rng, role: Role, bridge: bool, lab: bool) -> Vec<u8> {
    let role = if rng.percent(if lab { 8 } else { 15 }) {
        *rng.pick(&[Role::Name, Role::Time("x"), Role::BridgePriority, Role::OnOff])
    } else {
        role
    };
    match role {
        Role::Name => match rng.weighted(&[if lab { 75 } else { 25 }, 10, 5, 10]) {
            0 => rng.pick(if bridge { LAB_BRIDGES } else { LAB_PORTS }).as_bytes().to_vec(),
            1 => rng.pick(BAD_NAMES).to_vec(),
            2 => rng.pick(ODD_NAMES).to_vec(),
            _ => random_name(rng),
        },
        Role::Time(_) => {
            if rng.percent(70) {
                rng.pick(TIMES).as_bytes().to_vec()
            } else {
                random_number(rng)
            }
        }
        Role::BridgePriority | Role::PathCost | Role::PortPriority => {
            if rng.percent(70) {
                rng.pick(INTEGERS).as_bytes().to_vec()
            } else {
                random_number(rng)
            }
        }
        Role::OnOff => rng.pick(ON_OFF).as_bytes().to_vec(),
    }
}

/// One argv (without argv[0]).
fn argv(rng: &mut Rng, lab: bool) -> Vec<Vec<u8>> {
    let mut args: Vec<Vec<u8>> = Vec::new();
    let spec = if rng.percent(90) { Some(&SPECS[rng.below(SPECS.len() - 1)]) } else { None };
    match spec {
        None if rng.percent(70) => args.push(rng.pick(COMMAND_MISSES).to_vec()),
        None => args.push(b"setgcint".to_vec()),
        Some(spec) => {
            args.push(spec.name.as_bytes().to_vec());
            let count = match rng.weighted(&[10, 70, 20]) {
                0 => spec.min_args.saturating_sub(1 + rng.below(2)),
                1 => spec.min_args + if spec.variadic { rng.below(3) } else { 0 },
                _ => spec.min_args + 1 + rng.below(2),
            };
            for index in 0..count {
                let role = spec.roles.get(index).copied().unwrap_or(Role::Name);
                let bridge = index == 0 || spec.name == "show";
                args.push(piece(rng, role, bridge, lab));
            }
        }
    }
    if rng.percent(if lab { 8 } else { 20 }) {
        let option = match rng.weighted(&[3, 2, 6]) {
            0 => *rng.pick(HELP_OPTIONS),
            1 => *rng.pick(VERSION_OPTIONS),
            _ => *rng.pick(BAD_OPTIONS),
        };
        let at = rng.below(args.len() + 1);
        args.insert(at, option.as_bytes().to_vec());
    }
    if rng.percent(6) {
        let at = rng.below(args.len() + 1);
        args.insert(at, b"--".to_vec());
    }
    args
}

fn display(args: &[Vec<u8>]) -> String {
    let mut text = String::from("brctl");
    for arg in args {
        let _ = write!(text, " {:?}", String::from_utf8_lossy(arg));
    }
    text
}

/// Checks an outcome against the model; None when it conforms, else why not.
fn check(expect: &Expect, outcome: &Outcome, help: &[u8]) -> Option<String> {
    let stderr = outcome.stderr_text();
    if stderr.contains("panicked") || outcome.rc == 101 {
        return Some("panicked".to_string());
    }
    if outcome.rc != 0 && outcome.rc != 1 {
        return Some(format!("exit status {} (want 0 or 1)", outcome.rc));
    }
    let lines = stderr.lines().count();
    let ok = match expect {
        Expect::Help => outcome.rc == 0 && outcome.stdout == help && outcome.stderr.is_empty(),
        Expect::Version => {
            outcome.rc == 0 && outcome.stdout == brctl::VERSION_LINE.as_bytes() && outcome.stderr.is_empty()
        }
        Expect::BadOption => {
            outcome.rc == 1 && outcome.stdout == help && lines == 2 && stderr.ends_with("\nUnknown option '?'\n")
        }
        Expect::NoCommand => outcome.rc == 1 && outcome.stdout == help && outcome.stderr.is_empty(),
        Expect::Unknown(name) => {
            outcome.rc == 1
                && outcome.stdout == help
                && outcome.stderr == [b"never heard of command [", name.as_slice(), b"]\n"].concat()
        }
        Expect::TooFew(name) => {
            let usage = format!("Incorrect number of arguments for command\nUsage: brctl {name} ");
            outcome.rc == 1 && outcome.stdout.starts_with(usage.as_bytes()) && outcome.stderr.is_empty()
        }
        Expect::Refused(prefix) => {
            outcome.rc == 1
                && outcome.stdout.is_empty()
                && outcome.stderr_is_one_line()
                && outcome.stderr.starts_with(prefix)
        }
        Expect::Setgcint => outcome.rc == 0 && outcome.stdout.is_empty() && lines == 1 && stderr.contains("setgcint"),
        Expect::Kernel { .. } => !looks_like_a_refusal(&outcome.stderr),
    };
    if ok {
        None
    } else {
        Some(format!("expected {expect:?}, got {outcome:?}"))
    }
}

/// Whether stderr holds one of the messages of a refused value.
fn looks_like_a_refusal(stderr: &[u8]) -> bool {
    let text = String::from_utf8_lossy(stderr);
    text.lines().any(|line| {
        line.contains("' is not valid: ")
            || (line.starts_with("bad ") && line.contains(" '"))
            || line.starts_with("expect on/off for argument")
    })
}

fn posixly_correct() -> bool {
    std::env::var_os("POSIXLY_CORRECT").is_some()
}

fn as_os_args(args: &[Vec<u8>]) -> Vec<OsString> {
    std::iter::once(OsString::from("brctl")).chain(args.iter().map(|arg| OsString::from_vec(arg.clone()))).collect()
}

fn in_process(args: &[Vec<u8>]) -> anyhow::Result<Outcome> {
    let os_args = as_os_args(args);
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let rc = catch_unwind(AssertUnwindSafe(|| brctl::run(&os_args, &mut stdout, &mut stderr)));
    match rc {
        Ok(rc) => Ok(Outcome { stdout, stderr, rc }),
        Err(payload) => {
            let why = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(anyhow::anyhow!("panicked: {why}"))
        }
    }
}

/// Moves the calling thread into a new, empty network namespace, where it can (as root). The
/// argv run in-process never get to the kernel; this only makes sure of it.
fn isolate_this_thread() -> bool {
    // SAFETY: unshare(2) with CLONE_NEWNET only changes this thread's network namespace.
    unsafe { libc::unshare(libc::CLONE_NEWNET) == 0 }
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn model_agrees_with_the_documented_rules() {
    for good in ["0", "2.5", ".5", "5.", "1e1", "15E-1", "42949672.95", "0e999999999999999999999", "1e-300"] {
        assert!(valid_time(good.as_bytes()), "{good}");
    }
    for bad in ["", ".", "e5", "1e", "-1", "nan", "0x10", "42949672.96", "42949672.955", "1e20", "1e999999999999"] {
        assert!(!valid_time(bad.as_bytes()), "{bad}");
    }
    assert!(valid_uint(b"0x1000", 65535) && valid_uint(b"010", 65535) && valid_uint(b"65535", 65535));
    assert!(!valid_uint(b"65536", 65535) && !valid_uint(b"08", 65535) && !valid_uint(b"0x", 65535));
    assert!(valid_name(b"...") && valid_name(b"\xff\xfe") && !valid_name(b"..") && !valid_name(b"a\xa0"));
    let args = |list: &[&str]| list.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
    assert_eq!(expect(&args(&["setageing", "br0", "-1"]), false), Expect::BadOption);
    assert!(matches!(expect(&args(&["setageing", "br0", "--", "-1"]), false), Expect::Refused(_)));
    assert_eq!(expect(&args(&["show", "-V"]), false), Expect::Version);
    assert_eq!(expect(&args(&["show", "-V"]), true), Expect::Kernel { reads: true });
    assert_eq!(
        expect(&args(&["hairpin", "a/b", "v0", "x"]), false),
        Expect::Refused(b"expect on/off for argument, not 'x': ".to_vec())
    );
    assert_eq!(expect(&args(&["addbr", "br0", "a/b"]), false), Expect::Kernel { reads: false });
    assert_eq!(
        expect(&args(&["addif", "br0", "v0", "a/b"]), false),
        Expect::Refused(b"interface name 'a/b' is not valid: ".to_vec())
    );
}

/// Part 1: argv that never get past parsing, in-process.
#[test]
fn argv_that_fail_parsing_never_panic_and_say_why() {
    let seed = random::seed_from_env(DEFAULT_SEED);
    let posixly = posixly_correct();
    // A thread of its own, so that the namespace it may move into dies with it.
    let failures = std::thread::spawn(move || {
        let isolated = isolate_this_thread();
        let help = in_process(&[b"-h".to_vec()]).expect("brctl -h").stdout;
        let mut rng = Rng::new(seed);
        let mut failures = Vec::new();
        let mut checked = 0;
        let mut attempts = 0;
        let mut kinds = Vec::new();
        while checked < PART1_CASES && attempts < PART1_CASES * 20 {
            attempts += 1;
            let args = argv(&mut rng, false);
            let expected = expect(&args, posixly);
            if expected.reaches_kernel() {
                continue;
            }
            checked += 1;
            kinds.push(expected.kind());
            let verdict = match in_process(&args) {
                Ok(outcome) => check(&expected, &outcome, &help),
                Err(why) => Some(format!("{why:#}")),
            };
            if let Some(why) = verdict {
                failures.push(format!("{}: {why}", display(&args)));
            }
        }
        assert_eq!(checked, PART1_CASES, "seed {seed:#x}: the grammar gave too few argv that fail parsing");
        eprintln!("part 1, seed {seed:#x}: {}", summary(&kinds));
        (failures, isolated)
    })
    .join()
    .unwrap_or_else(|_| panic!("seed {seed:#x}: part 1 thread panicked"));
    let (failures, isolated) = failures;
    if !isolated {
        eprintln!("note: part 1 ran without a private network namespace (not root); its argv never reach the kernel");
    }
    assert!(
        failures.is_empty(),
        "seed {seed:#x} ({}={seed:#x} to replay): {} of {PART1_CASES} argv misbehaved:\n{}",
        random::SEED_VAR,
        failures.len(),
        failures.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Part 2: a few hundred argv, most of them valid, through the binary in one namespace.
#[test]
fn random_argv_in_a_namespace_exit_cleanly_and_refusals_change_nothing() {
    let seed = random::seed_from_env(DEFAULT_SEED) ^ 0x5eed_0002;
    let name = "random_argv_in_a_namespace_exit_cleanly_and_refusals_change_nothing";
    let posixly = false; // the namespace script unsets POSIXLY_CORRECT
    let help = in_process_help();
    let mut rng = Rng::new(seed);
    let cases: Vec<Vec<Vec<u8>>> = (0..PART2_CASES).map(|_| argv(&mut rng, true)).collect();

    let mut script: Vec<u8> = Vec::new();
    // The usual lab, with v1 left free (RESTORE_LAB puts back exactly these ports).
    let lab = Topology { ports: &[("v0", "br0"), ("v2", "br1")], ..TWO_BRIDGES };
    script.extend_from_slice(lab.shell().as_bytes());
    script.extend_from_slice(b"ns_state >\"$W/state0\"\n");
    for (index, args) in cases.iter().enumerate() {
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        script.extend_from_slice(&namespace::brctl_line(&format!("c{index}"), &[], &refs));
        // Now and then the lab is put back (before the dump that is the next command's
        // "before"), so that later commands still find bridges and ports to act on.
        if index % 25 == 24 {
            script.extend_from_slice(format!("ns_state >\"$W/after{index}\"\n").as_bytes());
            script.extend_from_slice(RESTORE_LAB.as_bytes());
        }
        script.extend_from_slice(format!("ns_state >\"$W/state{}\"\n", index + 1).as_bytes());
    }
    let Some(out) = namespace::run_bytes(name, Sys::Sysfs, &script, 120) else {
        return;
    };

    let mut failures = Vec::new();
    let mut refused = 0;
    let mut kinds = Vec::new();
    let mut exit_codes = [0usize; 2];
    // BRCTL_PROPTEST_VERBOSE=1 (with --nocapture) lists every argv and what it did.
    let verbose = std::env::var_os("BRCTL_PROPTEST_VERBOSE").is_some();
    for (index, args) in cases.iter().enumerate() {
        let expected = expect(args, posixly);
        kinds.push(expected.kind());
        let outcome = out.outcome(&format!("c{index}"));
        if let Some(why) = check(&expected, &outcome, &help) {
            failures.push(format!("#{index} {}: {why}", display(args)));
            continue;
        }
        exit_codes[usize::from(outcome.rc == 1)] += 1;
        if verbose {
            eprintln!("#{index} {} -> {} {:?}", display(args), outcome.rc, outcome.stderr_text());
        }
        let changes_nothing = match expected {
            Expect::Kernel { reads } => reads,
            _ => true,
        };
        if looks_like_a_refusal(&outcome.stderr) {
            refused += 1;
        }
        if changes_nothing || looks_like_a_refusal(&outcome.stderr) {
            let after = if out.exists(&format!("after{index}")) {
                format!("after{index}")
            } else {
                format!("state{}", index + 1)
            };
            let (before, after) = (out.text(&format!("state{index}")), out.text(&after));
            if before != after {
                failures.push(format!(
                    "#{index} {}: changed the state ({outcome:?}):\n{}",
                    display(args),
                    common::line_diff(&before, &after)
                ));
            }
        }
    }
    eprintln!("part 2, seed {seed:#x}: {}; exit 0: {}, exit 1: {}", summary(&kinds), exit_codes[0], exit_codes[1]);
    assert!(refused > 10, "seed {seed:#x}: only {refused} refused argv: the grammar is off");
    assert!(
        failures.is_empty(),
        "seed {seed:#x} ({}={:#x} to replay): {} of {PART2_CASES} argv misbehaved:\n{}",
        random::SEED_VAR,
        seed ^ 0x5eed_0002,
        failures.len(),
        failures.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Shell that puts part 2's lab back where commands took it apart (errors ignored: most of it
/// is usually still there).
const RESTORE_LAB: &str = "for b in br0 br1; do ip link add $b type bridge 2>/dev/null; done\n\
     ip link set v0 master br0 2>/dev/null; ip link set v2 master br1 2>/dev/null; true\n";

/// The help text, from `brctl -h` in-process (no kernel involved).
fn in_process_help() -> Vec<u8> {
    in_process(&[b"-h".to_vec()]).expect("brctl -h").stdout
}

#[test]
fn non_utf8_and_odd_bytes_are_echoed_as_given() {
    // A sample the grammar may not hit every run: bytes are echoed back exactly in messages.
    let help = in_process_help();
    let cases: Vec<(Vec<Vec<u8>>, Expect)> = [
        (&[&b"\xff\xfe\xfd"[..]][..], Expect::Unknown(b"\xff\xfe\xfd".to_vec())),
        (&[b"addbr", b"\xffxx/yy"], Expect::Refused(b"interface name '\xffxx/yy' is not valid: ".to_vec())),
        (&[b"setfd", b"br0", b"1\xff"], Expect::Refused(b"bad forward delay value '1\xff': ".to_vec())),
        (&[b"stp", b"br0", b"\xa0on"], Expect::Refused(b"expect on/off for argument, not '\xa0on': ".to_vec())),
        // Control bytes and backslashes are escaped, so the message stays one line.
        (&[b"show", b"br0", b"br\n1"], Expect::Refused(b"interface name 'br\\n1' is not valid: ".to_vec())),
        (
            &[b"addbr", b"a\\b\x01\x7f\t"],
            Expect::Refused(b"interface name 'a\\\\b\\x01\\x7f\\t' is not valid: ".to_vec()),
        ),
    ]
    .into_iter()
    .map(|(args, expected): (&[&[u8]], Expect)| (args.iter().map(|a| a.to_vec()).collect(), expected))
    .collect();
    std::thread::spawn(move || {
        isolate_this_thread();
        for (args, expected) in &cases {
            assert_eq!(&expect(args, posixly_correct()), expected, "model: {}", display(args));
            let outcome = in_process(args).unwrap_or_else(|why| panic!("{}: {why}", display(args)));
            if let Some(why) = check(expected, &outcome, &help) {
                panic!("{}: {why}", display(args));
            }
        }
    })
    .join()
    .expect("odd bytes");
}

/// The generator itself (tests/common/random.rs).
#[test]
fn same_seed_same_stream_and_bounds_hold() {
    let (mut a, mut b) = (Rng::new(7), Rng::new(7));
    for _ in 0..1000 {
        assert_eq!(a.next_u64(), b.next_u64());
        assert!(a.below(3) < 3);
        b.below(3);
        let r = a.range(5, 9);
        b.range(5, 9);
        assert!((5..=9).contains(&r));
    }
    assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    assert_eq!(random::parse_seed("0x10"), Some(16));
    assert_eq!(random::parse_seed("42"), Some(42));
    assert_eq!(random::parse_seed("x"), None);
}
