//! Many brctl processes at once in one throwaway namespace: writers on their own bridges and
//! ports, racers on shared names, readers looping over show. Every process's stdout, stderr
//! and exit code is recorded, then checked:
//!
//! - exit 0 or 1; stderr empty or exactly one line from the messages that operation may give
//!   (anything else, "panicked", "Interrupted", "Resource temporarily unavailable", "Bad
//!   message", is a failure);
//! - every `show` output well formed (header, then rows; no torn lines, no port twice, ports
//!   only under bridges they can belong to);
//! - the final state is what the successful commands imply: each worker's own objects exactly
//!   (a worker's commands run one after another, so a sequential model predicts each of its
//!   results), the shared names by counting (a name exists at the end iff its successful
//!   addbr outnumber its successful delbr by one).
//!
//! The workload comes from a seeded generator (`BRCTL_PROPTEST_SEED` replays a failure).

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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use common::namespace::{self, brctl_text, Sys};
use common::random::{self, Rng};
use common::Outcome;

const DEFAULT_SEED: u64 = 0xc0_c0_2e_2e;
const WORKERS: usize = 8;
const OPS_PER_WORKER: usize = 30;
/// Each worker's bridges (the first exists from the start) and ports.
const OWN_BRIDGES: usize = 2;
const OWN_PORTS: usize = 3;
/// Shared bridges (exist throughout), shared names raced by addbr/delbr, shared ports raced by
/// addif/delif.
const SHARED_BRIDGES: &[&str] = &["sbr0", "sbr1"];
const SHARED_NAMES: &[&str] = &["shb0", "shb1"];
const SHARED_PORTS: &[&str] = &["sv0", "sv1", "sv2"];
/// Loops of `show` (and one of `showstp sbr0`) running until the workers are done.
const READERS: usize = 3;
const READER_MAX_LOOPS: usize = 400;

/// Kernel defaults of a new bridge: forward delay, hello time (centiseconds), priority, STP.
const DEFAULT_SETTINGS: Settings = Settings { forward_delay: 1500, hello_time: 200, priority: 32768, stp: false };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    forward_delay: u32,
    hello_time: u32,
    priority: u32,
    stp: bool,
}

#[derive(Debug, Clone)]
enum Op {
    AddBr(usize),
    DelBr(usize),
    AddIf(usize, usize),
    DelIf(usize, usize),
    SetFd(usize, u32),
    SetHello(usize, u32),
    SetPrio(usize, u32),
    Stp(usize, bool),
    ShowStpOwn(usize),
    AddShared(usize),
    DelShared(usize),
    AddIfShared(usize, usize),
    DelIfShared(usize, usize),
    SetFdShared(usize, u32),
    ShowAll,
    ShowShared,
    ShowStpShared,
    ShowMacsShared,
}

fn own_bridge(worker: usize, k: usize) -> String {
    format!("c{worker}b{k}")
}

fn own_port(worker: usize, k: usize) -> String {
    format!("c{worker}v{k}")
}

impl Op {
    fn args(&self, worker: usize) -> Vec<String> {
        let s = |text: &str| text.to_string();
        match *self {
            Op::AddBr(k) => vec![s("addbr"), own_bridge(worker, k)],
            Op::DelBr(k) => vec![s("delbr"), own_bridge(worker, k)],
            Op::AddIf(k, v) => vec![s("addif"), own_bridge(worker, k), own_port(worker, v)],
            Op::DelIf(k, v) => vec![s("delif"), own_bridge(worker, k), own_port(worker, v)],
            Op::SetFd(k, secs) => vec![s("setfd"), own_bridge(worker, k), secs.to_string()],
            Op::SetHello(k, secs) => vec![s("sethello"), own_bridge(worker, k), secs.to_string()],
            Op::SetPrio(k, prio) => vec![s("setbridgeprio"), own_bridge(worker, k), prio.to_string()],
            Op::Stp(k, on) => vec![s("stp"), own_bridge(worker, k), s(if on { "on" } else { "off" })],
            Op::ShowStpOwn(k) => vec![s("showstp"), own_bridge(worker, k)],
            Op::AddShared(n) => vec![s("addbr"), s(SHARED_NAMES[n])],
            Op::DelShared(n) => vec![s("delbr"), s(SHARED_NAMES[n])],
            Op::AddIfShared(b, v) => vec![s("addif"), s(SHARED_BRIDGES[b]), s(SHARED_PORTS[v])],
            Op::DelIfShared(b, v) => vec![s("delif"), s(SHARED_BRIDGES[b]), s(SHARED_PORTS[v])],
            Op::SetFdShared(b, secs) => vec![s("setfd"), s(SHARED_BRIDGES[b]), secs.to_string()],
            Op::ShowAll => vec![s("show")],
            Op::ShowShared => vec![s("show"), s("sbr0"), s("sbr1")],
            Op::ShowStpShared => vec![s("showstp"), s("sbr0")],
            Op::ShowMacsShared => vec![s("showmacs"), s("sbr0")],
        }
    }
}

/// What a workload is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mix {
    /// Everything: own objects mostly, shared names, shared ports, reads.
    Everything,
    /// Almost only addif/delif of the shared ports, so that they race often.
    PortRace,
}

/// A worker's ops, drawn with the weights of `mix`.
fn workload(rng: &mut Rng, mix: Mix, ops: usize) -> Vec<Op> {
    let everything = [
        8,  // addbr own
        5,  // delbr own
        12, // addif own
        7,  // delif own
        4,  // setfd own
        4,  // sethello own
        4,  // setbridgeprio own
        4,  // stp own
        2,  // showstp own
        5,  // addbr shared name
        5,  // delbr shared name
        8,  // addif shared port
        8,  // delif shared port
        3,  // setfd shared bridge
        4,  // show
        2,  // show sbr0 sbr1
        2,  // showstp sbr0
        2,  // showmacs sbr0
    ];
    let port_race = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 0, 1, 0, 0, 0];
    let weights = if mix == Mix::Everything { everything } else { port_race };
    // Racing on one port makes the races many.
    let shared_ports = if mix == Mix::Everything { SHARED_PORTS.len() } else { 1 };
    (0..ops)
        .map(|_| {
            let k = rng.below(OWN_BRIDGES);
            match rng.weighted(&weights) {
                0 => Op::AddBr(k),
                1 => Op::DelBr(k),
                2 => Op::AddIf(k, rng.below(OWN_PORTS)),
                3 => Op::DelIf(k, rng.below(OWN_PORTS)),
                4 => Op::SetFd(k, rng.range(2, 30) as u32),
                5 => Op::SetHello(k, rng.range(1, 10) as u32),
                6 => Op::SetPrio(k, rng.range(0, 65535) as u32),
                7 => Op::Stp(k, rng.percent(50)),
                8 => Op::ShowStpOwn(k),
                9 => Op::AddShared(rng.below(SHARED_NAMES.len())),
                10 => Op::DelShared(rng.below(SHARED_NAMES.len())),
                11 => Op::AddIfShared(rng.below(SHARED_BRIDGES.len()), rng.below(shared_ports)),
                12 => Op::DelIfShared(rng.below(SHARED_BRIDGES.len()), rng.below(shared_ports)),
                13 => Op::SetFdShared(rng.below(SHARED_BRIDGES.len()), rng.range(2, 30) as u32),
                14 => Op::ShowAll,
                15 => Op::ShowShared,
                16 => Op::ShowStpShared,
                _ => Op::ShowMacsShared,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The messages each operation may give

fn exists_msg(name: &str) -> String {
    format!("device {name} already exists; can't create bridge with the same name\n")
}

fn delete_missing_msg(name: &str) -> String {
    format!("bridge {name} doesn't exist; can't delete it\n")
}

fn no_bridge_msg(name: &str) -> String {
    format!("bridge {name} does not exist!\n")
}

fn member_msg(device: &str, bridge: &str) -> String {
    format!("device {device} is already a member of a bridge; can't add it to bridge {bridge}.\n")
}

fn not_port_msg(device: &str, bridge: &str) -> String {
    format!("device {device} is not a port of {bridge}\n")
}

fn set_failed_msg(what: &str) -> String {
    format!("{what} failed: No such device\n")
}

/// One worker's own objects, as its successful commands leave them.
#[derive(Debug, Clone)]
struct Owned {
    bridges: Vec<Option<Settings>>,
    masters: Vec<Option<usize>>,
}

impl Owned {
    fn new() -> Owned {
        let mut bridges = vec![None; OWN_BRIDGES];
        bridges[0] = Some(DEFAULT_SETTINGS);
        Owned { bridges, masters: vec![None; OWN_PORTS] }
    }

    /// The outcome an op on own objects must have (exit code, exact stderr), applying it; None
    /// for ops on shared objects, which are checked otherwise.
    fn apply(&mut self, worker: usize, op: &Op) -> Option<(i32, String)> {
        let name = |k| own_bridge(worker, k);
        let ok = Some((0, String::new()));
        let fail = |text: String| Some((1, text));
        match *op {
            Op::AddBr(k) => {
                if self.bridges[k].is_some() {
                    return fail(exists_msg(&name(k)));
                }
                self.bridges[k] = Some(DEFAULT_SETTINGS);
                ok
            }
            Op::DelBr(k) => {
                if self.bridges[k].is_none() {
                    return fail(delete_missing_msg(&name(k)));
                }
                self.bridges[k] = None;
                for master in &mut self.masters {
                    if *master == Some(k) {
                        *master = None;
                    }
                }
                ok
            }
            Op::AddIf(k, v) => {
                if self.bridges[k].is_none() {
                    return fail(no_bridge_msg(&name(k)));
                }
                if self.masters[v].is_some() {
                    return fail(member_msg(&own_port(worker, v), &name(k)));
                }
                self.masters[v] = Some(k);
                ok
            }
            Op::DelIf(k, v) => {
                if self.bridges[k].is_none() {
                    return fail(no_bridge_msg(&name(k)));
                }
                if self.masters[v] != Some(k) {
                    return fail(not_port_msg(&own_port(worker, v), &name(k)));
                }
                self.masters[v] = None;
                ok
            }
            Op::SetFd(k, secs) => self.set(k, "set forward delay", |s| s.forward_delay = secs * 100),
            Op::SetHello(k, secs) => self.set(k, "set hello timer", |s| s.hello_time = secs * 100),
            Op::SetPrio(k, prio) => self.set(k, "set bridge priority", |s| s.priority = prio),
            Op::Stp(k, on) => self.set(k, "set stp status", |s| s.stp = on),
            Op::ShowStpOwn(k) => {
                if self.bridges[k].is_none() {
                    return fail(no_bridge_msg(&name(k)));
                }
                ok
            }
            _ => None,
        }
    }

    fn set(&mut self, k: usize, what: &str, change: impl FnOnce(&mut Settings)) -> Option<(i32, String)> {
        match &mut self.bridges[k] {
            None => Some((1, set_failed_msg(what))),
            Some(settings) => {
                change(settings);
                Some((0, String::new()))
            }
        }
    }
}

/// The stderr lines an op on shared objects may give besides success.
fn shared_refusals(op: &Op) -> Vec<String> {
    match *op {
        Op::AddShared(n) => vec![exists_msg(SHARED_NAMES[n])],
        Op::DelShared(n) => vec![delete_missing_msg(SHARED_NAMES[n])],
        Op::AddIfShared(b, v) => vec![member_msg(SHARED_PORTS[v], SHARED_BRIDGES[b])],
        Op::DelIfShared(b, v) => vec![not_port_msg(SHARED_PORTS[v], SHARED_BRIDGES[b])],
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// show's format

const SHOW_HEADER: &str = "bridge name\tbridge id\t\tSTP enabled\tinterfaces";

/// `8000.020000000001`
fn is_bridge_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 17
        && bytes[4] == b'.'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

/// Which bridges a port may be listed under: own ports under their worker's bridges, shared
/// ports under the shared bridges.
fn port_may_be_under(port: &str, bridge: &str) -> bool {
    if SHARED_PORTS.contains(&port) {
        return SHARED_BRIDGES.contains(&bridge);
    }
    match (port.strip_prefix('c').and_then(|p| p.split_once('v')), bridge.strip_prefix('c')) {
        (Some((worker, _)), Some(rest)) => rest.split_once('b').is_some_and(|(w, _)| w == worker),
        _ => false,
    }
}

/// Checks a `show` stdout; `bridges`: the bridges it must list, in order, when given.
fn check_show(stdout: &[u8], only: Option<&[&str]>) -> Result<(), String> {
    let text = std::str::from_utf8(stdout).map_err(|_| "not UTF-8".to_string())?;
    if text.is_empty() && only.is_none() {
        return Err("no output at all (sbr0 and sbr1 always exist)".to_string());
    }
    let body = text.strip_suffix('\n').ok_or("does not end with a newline")?;
    let mut lines = body.split('\n');
    if lines.next() != Some(SHOW_HEADER) {
        return Err("no header first".to_string());
    }
    let mut bridges = Vec::new();
    let mut ports_seen = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut check_port = |port: &str, bridge: &str| -> Result<(), String> {
        if !port_may_be_under(port, bridge) {
            return Err(format!("port {port:?} listed under {bridge:?}"));
        }
        if !ports_seen.insert(port.to_string()) {
            return Err(format!("port {port:?} listed twice"));
        }
        Ok(())
    };
    for line in lines {
        if let Some(port) = line.strip_prefix("\t\t\t\t\t\t\t") {
            let bridge = current.as_deref().ok_or_else(|| format!("continuation line first: {line:?}"))?;
            check_port(port, bridge)?;
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let well_formed = fields.len() == 6
            && !fields[0].is_empty()
            && fields[1].is_empty()
            && is_bridge_id(fields[2])
            && (fields[3] == "yes" || fields[3] == "no")
            && fields[4].is_empty();
        if !well_formed {
            return Err(format!("torn or malformed row {line:?}"));
        }
        if !fields[5].is_empty() {
            check_port(fields[5], fields[0])?;
        }
        bridges.push(fields[0].to_string());
        current = Some(fields[0].to_string());
    }
    match only {
        Some(names) if bridges != names => Err(format!("lists {bridges:?}, want {names:?}")),
        None if !(bridges.contains(&"sbr0".to_string()) && bridges.contains(&"sbr1".to_string())) => {
            Err(format!("sbr0 or sbr1 missing from {bridges:?}"))
        }
        _ if bridges.windows(2).any(|pair| pair[0] >= pair[1]) && only.is_none() => {
            Err(format!("bridges not sorted or listed twice: {bridges:?}"))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Running and checking

struct Plan {
    /// The generator's seed, and the BRCTL_PROPTEST_SEED that gives it.
    seed: u64,
    replay: u64,
    workers: Vec<Vec<Op>>,
}

/// The script: setup, readers and workers in the background, wait, final state.
fn script(plan: &Plan) -> String {
    let mut script = String::from("set -e\n");
    for (index, bridge) in SHARED_BRIDGES.iter().enumerate() {
        script.push_str(&namespace::bridge(bridge, 0x80 + index as u8));
    }
    for (index, port) in SHARED_PORTS.iter().enumerate() {
        script.push_str(&namespace::veth(port, 0x80 + index as u8));
    }
    for worker in 0..plan.workers.len() {
        script.push_str(&namespace::bridge(&own_bridge(worker, 0), worker as u8));
        for k in 0..OWN_PORTS {
            script.push_str(&namespace::veth(&own_port(worker, k), (worker * OWN_PORTS + k) as u8));
        }
    }
    script.push_str("set +e\n");
    for reader in 0..READERS {
        let args = if reader == READERS - 1 { "showstp sbr0" } else { "show" };
        let _ = writeln!(
            script,
            "( n=0; while [ ! -e \"$W/stop\" ] && [ $n -lt {READER_MAX_LOOPS} ]; do \
             brctl {args} >\"$W/r{reader}_$n.out\" 2>\"$W/r{reader}_$n.err\" </dev/null; \
             echo $? >\"$W/r{reader}_$n.rc\"; n=$((n + 1)); done; echo $n >\"$W/r{reader}.count\" ) &"
        );
    }
    let mut pids = Vec::new();
    for (worker, ops) in plan.workers.iter().enumerate() {
        script.push_str("(\n");
        for (index, op) in ops.iter().enumerate() {
            let args = op.args(worker);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            script.push_str(&brctl_text(&format!("w{worker}_{index}"), &[], &refs));
        }
        script.push_str(") &\n");
        let _ = writeln!(script, "P{worker}=$!");
        pids.push(format!("$P{worker}"));
    }
    let _ = writeln!(script, "wait {}", pids.join(" "));
    script.push_str("touch \"$W/stop\"\nwait\n");
    // name master settings: forward_delay hello_time priority stp_state, or - for non-bridges.
    script.push_str(
        "for d in /sys/class/net/*; do n=${d##*/}; m=-; \
         if [ -e \"$d/master\" ]; then m=$(readlink \"$d/master\"); m=${m##*/}; fi; s=-; \
         if [ -d \"$d/bridge\" ]; then s=\"$(cat \"$d/bridge/forward_delay\"),$(cat \"$d/bridge/hello_time\"),\
         $(cat \"$d/bridge/priority\"),$(cat \"$d/bridge/stp_state\")\"; fi; \
         echo \"$n $m $s\"; done >\"$W/final\"\n",
    );
    script
}

/// A link in the final state: its master and, for bridges, its settings.
struct FinalLink {
    master: Option<String>,
    settings: Option<Settings>,
}

fn parse_final(text: &str) -> BTreeMap<String, FinalLink> {
    let mut links = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "final state line {line:?}");
        let master = (fields[1] != "-").then(|| fields[1].to_string());
        let settings = (fields[2] != "-").then(|| {
            let values: Vec<u32> = fields[2].split(',').map(|v| v.parse().expect("numeric setting")).collect();
            Settings { forward_delay: values[0], hello_time: values[1], priority: values[2], stp: values[3] != 0 }
        });
        links.insert(fields[0].to_string(), FinalLink { master, settings });
    }
    links
}

/// Words that must never appear in a message: signs of a panic or of a kernel answer we
/// failed to handle.
const NEVER: &[&str] = &[
    "panicked",
    "Interrupted",
    "Resource temporarily unavailable",
    "Bad message",
    "RUST_BACKTRACE",
    "No buffer space",
];

/// The outcome without the line a change prints when it waited over a second for its turn (a
/// busy kernel can make a holder that slow): it says whom it waits for, before the command's
/// own messages.
fn without_notices(mut outcome: Outcome) -> Outcome {
    let notice = b"waiting for the change lock, held by ";
    let lines = outcome.stderr.split_inclusive(|&b| b == b'\n');
    outcome.stderr = lines.filter(|line| !line.starts_with(notice)).flatten().copied().collect();
    outcome
}

fn sane(outcome: &Outcome) -> Result<(), String> {
    let stderr = outcome.stderr_text();
    if let Some(word) = NEVER.iter().find(|word| stderr.contains(*word)) {
        return Err(format!("stderr says {word:?}"));
    }
    if outcome.rc != 0 && outcome.rc != 1 {
        return Err(format!("exit status {}", outcome.rc));
    }
    if !outcome.stderr.is_empty() && !outcome.stderr_is_one_line() {
        return Err("more than one stderr line".to_string());
    }
    Ok(())
}

/// Runs the plan and checks everything; `strict_shared_ports`: also require that the addif and
/// delif races on shared ports are linearizable (each success matched by the port's state).
fn run_and_check(name: &str, plan: &Plan, strict_shared_ports: bool) {
    run_and_check_with(name, plan, strict_shared_ports, LockPlace::Directory);
}

/// Where brctl can take its turns: its lock directory under a writable /run, or, with /run
/// read-only (as in a container or with no /run at all), only the abstract socket name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LockPlace {
    Directory,
    ReadOnlyRun,
}

fn run_and_check_with(name: &str, plan: &Plan, strict_shared_ports: bool, place: LockPlace) {
    let mut body = String::new();
    if place == LockPlace::ReadOnlyRun {
        body.push_str("mount -t tmpfs -o ro tmpfs /run || exit 90\n");
    }
    body.push_str(&script(plan));
    body.push_str("if [ -e /run/brctl ]; then echo yes; else echo no; fi >\"$W/lockdir\"\n");
    let Some(out) = namespace::run(name, Sys::Sysfs, &body, 90) else {
        return;
    };
    let want_dir = if place == LockPlace::Directory { "yes" } else { "no" };
    assert_eq!(out.text("lockdir").trim(), want_dir, "{name}: /run/brctl after the run ({place:?})");
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(what);
    // name -> (successful addbr, successful delbr); (bridge, port) -> (addif, delif)
    let mut shared_names: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut shared_ports: BTreeMap<(usize, usize), (i64, i64)> = BTreeMap::new();
    let mut shared_fd: BTreeMap<usize, BTreeSet<u32>> = BTreeMap::new();
    let mut models = Vec::new();

    for (worker, ops) in plan.workers.iter().enumerate() {
        let mut model = Owned::new();
        for (index, op) in ops.iter().enumerate() {
            let outcome = without_notices(out.outcome(&format!("w{worker}_{index}")));
            let what = format!("worker {worker} op {index} `brctl {}`", op.args(worker).join(" "));
            if let Err(why) = sane(&outcome) {
                fail(format!("{what}: {why}: {outcome:?}"));
                continue;
            }
            if let Some((rc, stderr)) = model.apply(worker, op) {
                if (outcome.rc, outcome.stderr_text()) != (rc, stderr.clone()) {
                    fail(format!("{what}: want exit {rc} and stderr {stderr:?}: {outcome:?}"));
                }
                if let (Op::ShowStpOwn(k), 0) = (op, outcome.rc) {
                    let head = format!("{}\n bridge id\t\t", own_bridge(worker, *k));
                    if !outcome.stdout_text().starts_with(&head) {
                        fail(format!("{what}: malformed showstp: {outcome:?}"));
                    }
                }
                continue;
            }
            let refusals = shared_refusals(op);
            let allowed = outcome.rc == 0 && outcome.stderr.is_empty()
                || outcome.rc == 1 && refusals.contains(&outcome.stderr_text());
            if !allowed {
                fail(format!("{what}: unexpected outcome: {outcome:?}"));
                continue;
            }
            let succeeded = outcome.rc == 0;
            match *op {
                Op::AddShared(n) => shared_names.entry(SHARED_NAMES[n]).or_default().0 += i64::from(succeeded),
                Op::DelShared(n) => shared_names.entry(SHARED_NAMES[n]).or_default().1 += i64::from(succeeded),
                Op::AddIfShared(b, v) => shared_ports.entry((b, v)).or_default().0 += i64::from(succeeded),
                Op::DelIfShared(b, v) => shared_ports.entry((b, v)).or_default().1 += i64::from(succeeded),
                Op::SetFdShared(b, secs) if succeeded => {
                    shared_fd.entry(b).or_default().insert(secs * 100);
                }
                Op::ShowAll => {
                    if let Err(why) = check_show(&outcome.stdout, None) {
                        fail(format!("{what}: {why}: {outcome:?}"));
                    }
                }
                Op::ShowShared => {
                    if let Err(why) = check_show(&outcome.stdout, Some(&["sbr0", "sbr1"])) {
                        fail(format!("{what}: {why}: {outcome:?}"));
                    }
                }
                Op::ShowStpShared if !outcome.stdout.starts_with(b"sbr0\n bridge id\t\t") => {
                    fail(format!("{what}: malformed showstp: {outcome:?}"));
                }
                Op::ShowMacsShared
                    if !outcome.stdout.starts_with(b"port no\tmac addr\t\tis local?\tageing timer\n") =>
                {
                    fail(format!("{what}: malformed showmacs: {outcome:?}"));
                }
                _ => {}
            }
        }
        models.push(model);
    }

    let mut reads = 0;
    for reader in 0..READERS {
        let count: usize = out.text(&format!("r{reader}.count")).trim().parse().unwrap_or(0);
        reads += count;
        for n in 0..count {
            let outcome = out.outcome(&format!("r{reader}_{n}"));
            let what = format!("reader {reader} run {n}");
            let verdict = sane(&outcome).and_then(|()| {
                if outcome.rc != 0 || !outcome.stderr.is_empty() {
                    Err("failed".to_string())
                } else if reader == READERS - 1 {
                    if outcome.stdout.starts_with(b"sbr0\n bridge id\t\t") {
                        Ok(())
                    } else {
                        Err("malformed showstp".to_string())
                    }
                } else {
                    check_show(&outcome.stdout, None)
                }
            });
            if let Err(why) = verdict {
                fail(format!("{what}: {why}: {outcome:?}"));
            }
        }
    }

    if reads == 0 {
        fail("the readers never ran".to_string());
    }

    // The final state.
    let links = parse_final(&out.text("final"));
    for (worker, model) in models.iter().enumerate() {
        for (k, settings) in model.bridges.iter().enumerate() {
            let name = own_bridge(worker, k);
            let actual = links.get(&name).and_then(|link| link.settings);
            if actual != *settings {
                fail(format!("final state: {name}: want {settings:?}, have {actual:?}"));
            }
        }
        for (v, master) in model.masters.iter().enumerate() {
            let name = own_port(worker, v);
            let want = master.map(|k| own_bridge(worker, k));
            let have = links.get(&name).and_then(|link| link.master.clone());
            if want != have {
                fail(format!("final state: {name}: want master {want:?}, have {have:?}"));
            }
        }
    }
    for name in SHARED_NAMES {
        let (adds, dels) = shared_names.get(name).copied().unwrap_or_default();
        let exists = links.get(*name).is_some_and(|link| link.settings.is_some());
        if !(adds - dels == 0 && !exists || adds - dels == 1 && exists) {
            fail(format!("final state: {name}: {adds} addbr and {dels} delbr succeeded, yet exists = {exists}"));
        }
    }
    for (b, bridge) in SHARED_BRIDGES.iter().enumerate() {
        let have = links.get(*bridge).and_then(|link| link.settings).map(|s| s.forward_delay);
        let allowed = shared_fd.get(&b).cloned().unwrap_or_else(|| BTreeSet::from([DEFAULT_SETTINGS.forward_delay]));
        if !have.is_some_and(|fd| allowed.contains(&fd)) {
            fail(format!("final state: {bridge}: forward delay {have:?}, want one of the successful {allowed:?}"));
        }
    }
    for (v, port) in SHARED_PORTS.iter().enumerate() {
        let have = links.get(*port).and_then(|link| link.master.clone());
        if have.as_deref().is_some_and(|master| !SHARED_BRIDGES.contains(&master)) {
            fail(format!("final state: {port}: master {have:?} is not a shared bridge"));
        }
        if !strict_shared_ports {
            continue;
        }
        // Linearizable addif/delif: per bridge, successes alternate add, del, add...; so the
        // surplus of adds is 0 or 1, and 1 exactly for the final master.
        for (b, bridge) in SHARED_BRIDGES.iter().enumerate() {
            let (adds, dels) = shared_ports.get(&(b, v)).copied().unwrap_or_default();
            let is_master = have.as_deref() == Some(*bridge);
            if adds - dels != i64::from(is_master) {
                fail(format!(
                    "shared port {port} on {bridge}: {adds} addif and {dels} delif succeeded, \
                     yet it is{} a port of {bridge} at the end",
                    if is_master { "" } else { " not" }
                ));
            }
        }
    }

    eprintln!("{name}: seed {:#x}, {} worker commands, {reads} reader commands", plan.seed, WORKERS * OPS_PER_WORKER);
    assert!(
        failures.is_empty(),
        "seed {:#x} ({}={:#x} to replay): {} problems:\n{}",
        plan.seed,
        random::SEED_VAR,
        plan.replay,
        failures.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The workload for the seed from BRCTL_PROPTEST_SEED (or the default) mixed with `salt`, so
/// each test gets its own stream.
fn plan(salt: u64, mix: Mix) -> Plan {
    let replay = random::seed_from_env(DEFAULT_SEED);
    let seed = replay ^ salt;
    let mut rng = Rng::new(seed);
    let workers = (0..WORKERS).map(|w| workload(&mut rng.fork(w as u64), mix, OPS_PER_WORKER)).collect();
    Plan { seed, replay, workers }
}

/// The mixed workload: own objects exactly, shared names by counting, shared ports raced too
/// (their messages checked, their final master a shared bridge).
#[test]
fn many_brctl_at_once_stay_consistent() {
    run_and_check("many_brctl_at_once_stay_consistent", &plan(0, Mix::Everything), false);
}

/// addif and delif of the same port racing from several processes: each success must match
/// the port's state (no two processes both "add" a port, no port moved silently from one
/// bridge to another, no two "delete" it). The original's ioctls are atomic in the kernel
/// (EBUSY for a port that is already one, EINVAL for a port of no or another bridge).
#[test]
fn racing_addif_delif_on_shared_ports_are_linearizable() {
    run_and_check("racing_addif_delif_on_shared_ports_are_linearizable", &plan(0x11ea, Mix::PortRace), true);
}

/// The same race where no lock file can be had (/run read-only): the turns are then taken at
/// an abstract socket name, and still no port moves silently.
#[test]
fn racing_addif_delif_without_a_lock_directory_are_linearizable() {
    let name = "racing_addif_delif_without_a_lock_directory_are_linearizable";
    run_and_check_with(name, &plan(0x11ea, Mix::PortRace), true, LockPlace::ReadOnlyRun);
}
