//! brctl without CAP_NET_ADMIN: what a normal user sees.
//!
//! Inside the lab's namespace, single steps drop every capability with util-linux setpriv
//! (tests/common/privilege.rs). The original and ours both run in the same namespace, step by
//! step, so every comparison is made on the same kernel state:
//! * reads print the same as root's, for the original and for ours on every backend;
//! * every write is refused, with the original's line first and at most one `hint:` line after
//!   it (D8), and nothing changes; `hairpin` on a real port says `Operation not permitted`
//!   where the original says `Operation not supported` (D9);
//! * lookups of missing or unfit devices need no privilege and keep the original's messages.

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
use common::namespace::lab_ready;
use common::privilege::{nocaps_ready, Brctl, Privilege, Wrappers};
use common::{original, ours, Outcome, Run, Scenario};
use std::fmt::Write as _;

/// The ways ours picks its reads: BRCTL_BACKEND unset, netlink, sysfs.
const BACKENDS: [Option<&str>; 3] = [None, Some("netlink"), Some("sysfs")];

/// The lab: br0 (ports v0, v1, v1 in hairpin mode with path cost 250), br1 (port v2, STP on),
/// br2 (no ports, up), v3 free. br0 and br1 are down, so none of their timers runs.
fn lab(name: &str) -> Scenario {
    TWO_BRIDGES
        .scenario(name)
        .bridge("br2", 0x03)
        .setup("ip link set v1 type bridge_slave hairpin on cost 250")
        .setup("ip link set br1 type bridge stp_state 1")
        .setup("ip link set br2 up")
}

/// One brctl step: which binary, with what privilege and backend, and its arguments.
struct Tag {
    brctl: Brctl,
    privilege: Privilege,
    backend: Option<&'static str>,
    args: Vec<String>,
}

impl Tag {
    /// The step as a human would read it in a failure message.
    fn display(&self) -> String {
        let backend = match self.backend {
            Some(backend) => format!(", BRCTL_BACKEND={backend}"),
            None => String::new(),
        };
        let args: Vec<String> =
            self.args.iter().map(|arg| if arg.is_empty() { "''".to_string() } else { arg.clone() }).collect();
        format!("[{}, {}{backend}] brctl {}", self.brctl.label(), self.privilege.label(), args.join(" "))
    }
}

/// A scenario whose steps each run a chosen brctl with a chosen privilege.
struct Lab {
    scenario: Scenario,
    wrappers: Wrappers,
    tags: Vec<Tag>,
}

impl Lab {
    /// After `ready`: the original is proven by then.
    fn new(scenario: Scenario) -> Lab {
        let wrappers = Wrappers::new(&scenario.name, &original::proven(), &ours());
        Lab { scenario, wrappers, tags: Vec::new() }
    }

    /// Adds a step; returns its index in `Run::outcomes`.
    fn step(&mut self, brctl: Brctl, privilege: Privilege, backend: Option<&'static str>, args: &[&str]) -> usize {
        let (key, path) = self.wrappers.env(brctl, privilege);
        let mut env = vec![(key, path.as_str())];
        if let Some(backend) = backend {
            env.push(("BRCTL_BACKEND", backend));
        }
        let scenario = std::mem::replace(&mut self.scenario, Scenario::new(""));
        self.scenario = scenario.brctl_env(&env, args);
        self.tags.push(Tag { brctl, privilege, backend, args: args.iter().map(|arg| arg.to_string()).collect() });
        self.tags.len() - 1
    }

    /// Adds ours without capabilities, once per backend; returns the step indexes.
    fn ours_nocaps(&mut self, args: &[&str]) -> Vec<usize> {
        BACKENDS.iter().map(|&backend| self.step(Brctl::Ours, Privilege::NoCaps, backend, args)).collect()
    }

    fn dump(&mut self) {
        let scenario = std::mem::replace(&mut self.scenario, Scenario::new(""));
        self.scenario = scenario.dump();
    }

    /// Runs the scenario; the binary the lab puts on PATH is never used, as every step picks
    /// its own.
    fn run(&self) -> Run {
        let started = std::time::Instant::now();
        let run = self.scenario.run(&ours());
        if std::env::var_os("BRCTL_LAB_VERBOSE").is_some() {
            eprintln!("== scenario {} ran in {:?}", self.scenario.name, started.elapsed());
            for (tag, outcome) in self.tags.iter().zip(&run.outcomes) {
                eprintln!("{}\n  {outcome:?}", tag.display());
            }
        }
        run
    }
}

/// True when the proven original, the lab and setpriv are all there (else skip, or fail under
/// CI).
fn ready(test: &str) -> bool {
    original::require(test).is_some() && lab_ready(test) && nocaps_ready(test)
}

/// Every difference between two outcomes, one `  ...` line each; empty when equal.
fn differences(want: &Outcome, got: &Outcome) -> String {
    let mut text = String::new();
    if want.stdout != got.stdout {
        let _ = writeln!(
            text,
            "  stdout differs (- expected, + got):\n{}",
            common::line_diff(&want.stdout_text(), &got.stdout_text())
        );
    }
    if want.stderr != got.stderr {
        let _ =
            writeln!(text, "  stderr expected: {:?}\n  stderr got:      {:?}", want.stderr_text(), got.stderr_text());
    }
    if want.rc != got.rc {
        let _ = writeln!(text, "  rc expected: {}  got: {}", want.rc, got.rc);
    }
    text
}

/// The state dump before the steps must equal the final one.
fn state_problem(run: &Run) -> Option<String> {
    let before = &run.dumps[0];
    (before != run.final_dump())
        .then(|| format!("the state changed (- before, + after):\n{}", common::line_diff(before, run.final_dump())))
}

// ---------------------------------------------------------------------------------------------
// 1. Reads

/// Reads on down bridges (no running timer), including failing ones.
const READS: &[&[&str]] = &[
    &["show"],
    &["show", "br0"],
    &["show", "br1", "br0"],
    &["show", "br0", "nosuch", "br1"],
    &["show", "v3"],
    &["showstp", "br0"],
    &["showstp", "br1"],
    &["showstp", "nosuch"],
    &["showstp", "v3"],
    &["showmacs", "br0"],
    &["showmacs", "br1"],
    &["showmacs", "nosuch"],
    &["showmacs", "v3"],
    &["show", "lo"],
    &["showstp", "lo"],
    &["showmacs", "lo"],
];

#[test]
fn reads_without_capabilities_match_roots() {
    let name = "reads_without_capabilities_match_roots";
    if !ready(name) {
        return;
    }
    let mut lab = Lab::new(lab(name));
    lab.dump();
    // (the original as root: the reference, the other steps on the same read)
    let mut groups = Vec::new();
    for args in READS {
        let reference = lab.step(Brctl::Original, Privilege::Root, None, args);
        let mut others = vec![lab.step(Brctl::Original, Privilege::NoCaps, None, args)];
        for backend in BACKENDS {
            others.push(lab.step(Brctl::Ours, Privilege::Root, backend, args));
        }
        others.extend(lab.ours_nocaps(args));
        groups.push((reference, others));
    }
    let run = lab.run();

    let mut report = String::new();
    let mut compared = 0;
    let show = &run.outcomes[groups[0].0];
    if !show.stdout_text().contains("br0\t\t8000.020000000201\tno\t\tv0") {
        let _ = writeln!(report, "lab: the original's `show` does not show br0 as set up:\n{}", show.stdout_text());
    }
    for (reference, others) in &groups {
        for &other in others {
            compared += 1;
            let diff = differences(&run.outcomes[*reference], &run.outcomes[other]);
            if !diff.is_empty() {
                let _ =
                    writeln!(report, "{} vs {}:\n{diff}", lab.tags[other].display(), lab.tags[*reference].display());
            }
        }
    }
    if let Some(problem) = state_problem(&run) {
        report.push_str(&problem);
    }
    assert!(report.is_empty(), "{name}:\n{report}");
    eprintln!("{name}: {compared} reads equal to root's original");
}

// ---------------------------------------------------------------------------------------------
// 2. Writes

/// Every write command on valid targets, then the refusals the original reached only after
/// its kernel call (so without privilege they are `Operation not permitted` there too). Each
/// change would show in the state dump, and no two of them undo each other.
const WRITES: &[&[&str]] = &[
    &["addbr", "br9"],
    &["delbr", "br0"],
    &["delbr", "br1"],
    &["addif", "br0", "v3"],
    &["addif", "br1", "v3", "v2"],
    &["delif", "br0", "v0"],
    &["delif", "br0", "v1", "v0"],
    &["setageing", "br0", "10"],
    &["setageing", "br0", "300"],
    &["setbridgeprio", "br0", "4096"],
    &["setfd", "br0", "4"],
    &["sethello", "br0", "1"],
    &["setmaxage", "br0", "10"],
    &["setpathcost", "br0", "v0", "10"],
    &["setportprio", "br0", "v0", "10"],
    &["setportprio", "br1", "v2", "0x10"],
    &["stp", "br0", "on"],
    &["stp", "br1", "off"],
    // Refusals: delbr of a missing, an up and a non-bridge device.
    &["delbr", "nosuch"],
    &["delbr", "br2"],
    &["delbr", "v3"],
    &["delbr", "lo"],
    // addbr of a taken name.
    &["addbr", "br0"],
    &["addbr", "lo"],
    // addif of a port of another bridge, a port of the same bridge, a bridge, loopback.
    &["addif", "br0", "v2"],
    &["addif", "br0", "v0"],
    &["addif", "br0", "br1"],
    &["addif", "br0", "br0"],
    &["addif", "br0", "lo"],
    // The first device is refused: the missing one after it is never reached.
    &["addif", "br0", "v3", "nosuch"],
    // delif of a non-port, a port of another bridge, the bridge itself.
    &["delif", "br0", "v3"],
    &["delif", "br0", "v2"],
    &["delif", "br0", "br0"],
    &["delif", "br0", "lo"],
    &["delif", "br0", "v0", "nosuch"],
    // Port settings on a port of another bridge (D4 is EPERM without privilege, as there).
    &["setpathcost", "br1", "v0", "10"],
    &["setportprio", "br1", "v0", "10"],
    &["hairpin", "br1", "v0", "on"],
    &["hairpin", "br0", "v2", "on"],
    // Values the kernel would refuse: privilege is checked first.
    &["sethello", "br0", "0.5"],
    &["setmaxage", "br0", "5"],
    &["setpathcost", "br0", "v0", "0"],
    &["setpathcost", "br0", "v0", "70000"],
    &["setportprio", "br0", "v0", "64"],
];

/// hairpin on a real port (D9): the original's legacy fallback makes it `Operation not
/// supported`; ours says `Operation not permitted` like every other write.
const HAIRPIN_ON_PORTS: &[&[&str]] = &[&["hairpin", "br0", "v0", "on"], &["hairpin", "br0", "v1", "off"]];

/// Checks ours' refusal against the first line it must print: exit 1, nothing on stdout, that
/// line, then at most one `hint: ` line (D8).
fn refusal_problems(outcome: &Outcome, first_line: &str) -> Option<String> {
    let mut problems = Vec::new();
    if outcome.rc != 1 {
        problems.push(format!("exit code {} instead of 1", outcome.rc));
    }
    if !outcome.stdout.is_empty() {
        problems.push(format!("stdout should be empty: {:?}", outcome.stdout_text()));
    }
    let stderr = outcome.stderr_text();
    let lines: Vec<&str> = stderr.split_inclusive('\n').collect();
    match lines.as_slice() {
        [first, rest @ ..] if first.strip_suffix('\n') == Some(first_line) => {
            let hint_ok = match rest {
                [] => true,
                [hint] => hint.starts_with("hint: ") && hint.ends_with('\n') && hint.len() > "hint: \n".len(),
                _ => false,
            };
            if !hint_ok {
                problems.push(format!("after {first_line:?} only one `hint: ...` line may follow: {stderr:?}"));
            }
        }
        _ => problems.push(format!("stderr should start with the line {first_line:?}: {stderr:?}")),
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Runs each write by the original and by ours (every backend) without capabilities, and
/// checks ours against the original's line (changed by `expected_line`) and the state.
fn check_writes(name: &str, writes: &[&[&str]], expected_line: impl Fn(&str) -> anyhow::Result<String>) {
    if !ready(name) {
        return;
    }
    let mut lab = Lab::new(lab(name));
    lab.dump();
    let mut groups = Vec::new();
    for args in writes {
        let original = lab.step(Brctl::Original, Privilege::NoCaps, None, args);
        groups.push((original, lab.ours_nocaps(args)));
    }
    let run = lab.run();

    let mut report = String::new();
    let mut checked = 0;
    for (original, ours) in &groups {
        let want = &run.outcomes[*original];
        // The original must have refused with one line: otherwise the capabilities were not
        // dropped, or the scenario is not what it is about.
        let line = match want.stderr_text().strip_suffix('\n') {
            Some(line) if want.rc == 1 && want.stdout.is_empty() && !line.contains('\n') => line.to_string(),
            _ => {
                let _ =
                    writeln!(report, "lab: {} did not refuse with one line: {want:?}", lab.tags[*original].display());
                continue;
            }
        };
        let first_line = match expected_line(&line) {
            Ok(first_line) => first_line,
            Err(why) => {
                let _ = writeln!(report, "lab: {}: {why}", lab.tags[*original].display());
                continue;
            }
        };
        for &step in ours {
            checked += 1;
            if let Some(problem) = refusal_problems(&run.outcomes[step], &first_line) {
                let _ = writeln!(report, "{}: {problem}", lab.tags[step].display());
            }
        }
    }
    if let Some(problem) = state_problem(&run) {
        report.push_str(&problem);
    }
    assert!(report.is_empty(), "{name}:\n{report}");
    eprintln!("{name}: {checked} writes refused like the original's");
}

#[test]
fn writes_without_capabilities_are_refused_as_the_original_refuses_them() {
    check_writes("writes_without_capabilities_are_refused_as_the_original_refuses_them", WRITES, |line| {
        if line.ends_with(": Operation not permitted") {
            Ok(line.to_string())
        } else {
            Err(anyhow::anyhow!("the original's refusal is not `Operation not permitted`: {line:?}"))
        }
    });
}

#[test]
fn hairpin_on_a_port_without_capabilities_is_not_permitted() {
    check_writes("hairpin_on_a_port_without_capabilities_is_not_permitted", HAIRPIN_ON_PORTS, |line| {
        match line.strip_suffix(": Operation not supported") {
            Some(head) => Ok(format!("{head}: Operation not permitted")),
            None => Err(anyhow::anyhow!("the original's refusal is not `Operation not supported` (D9): {line:?}")),
        }
    });
}

/// Values ours checks itself before the kernel sees them (port priority 0..65535 fits the
/// netlink field, more does not). The original's write failed on privilege first.
#[test]
fn out_of_range_port_priority_without_capabilities_is_not_permitted() {
    let writes: &[&[&str]] = &[
        &["setportprio", "br0", "v0", "65535"],
        &["setportprio", "br0", "v0", "65536"],
        &["setportprio", "br0", "v0", "70000"],
        &["setportprio", "br0", "v0", "4294967295"],
    ];
    check_writes("out_of_range_port_priority_without_capabilities_is_not_permitted", writes, |line| {
        if line.ends_with(": Operation not permitted") {
            Ok(line.to_string())
        } else {
            Err(anyhow::anyhow!("the original's refusal is not `Operation not permitted`: {line:?}"))
        }
    });
}

// ---------------------------------------------------------------------------------------------
// 3. Lookups that need no privilege

/// Missing devices, non-bridges and non-ports: the original found these before any privilege
/// check, so it reports them as root would.
const LOOKUPS: &[&[&str]] = &[
    &["addif", "br0", "nosuch"],
    &["addif", "nosuch", "v3"],
    &["addif", "nosuch", "nosuch2"],
    &["addif", "br0", "nosuch", "v3"],
    &["addif", "v3", "v1"],
    &["delif", "br0", "nosuch"],
    &["delif", "nosuch", "v0"],
    &["delif", "v3", "v0"],
    &["setageing", "nosuch", "10"],
    &["setfd", "nosuch", "4"],
    &["sethello", "nosuch", "1"],
    &["setmaxage", "nosuch", "10"],
    &["setbridgeprio", "nosuch", "4096"],
    &["stp", "nosuch", "on"],
    &["setageing", "v3", "10"],
    &["setbridgeprio", "lo", "4096"],
    &["stp", "v3", "off"],
    &["setpathcost", "br0", "nosuch", "10"],
    &["setpathcost", "nosuch", "v0", "10"],
    &["setpathcost", "v3", "v0", "10"],
    &["setpathcost", "br0", "v3", "10"],
    &["setportprio", "br0", "nosuch", "10"],
    &["setportprio", "nosuch", "v3", "10"],
    &["setportprio", "br1", "v3", "10"],
    &["hairpin", "br0", "nosuch", "on"],
    &["hairpin", "nosuch", "v0", "on"],
    &["hairpin", "v3", "v0", "on"],
    &["hairpin", "br0", "v3", "on"],
    &["addif", "lo", "v3"],
    &["setageing", "lo", "10"],
    &["setpathcost", "lo", "v0", "10"],
    &["setpathcost", "br0", "lo", "10"],
    &["setportprio", "v0p", "v0", "10"],
    &["hairpin", "lo", "v0", "on"],
    &["hairpin", "br0", "lo", "on"],
    &["hairpin", "v0", "v0", "on"],
];

#[test]
fn lookups_without_capabilities_keep_the_original_messages() {
    let name = "lookups_without_capabilities_keep_the_original_messages";
    if !ready(name) {
        return;
    }
    let mut lab = Lab::new(lab(name));
    lab.dump();
    let mut groups = Vec::new();
    for args in LOOKUPS {
        let original = lab.step(Brctl::Original, Privilege::NoCaps, None, args);
        groups.push((original, lab.ours_nocaps(args)));
    }
    let run = lab.run();

    let mut report = String::new();
    let mut compared = 0;
    for (original, ours) in &groups {
        let want = &run.outcomes[*original];
        if want.rc != 1 || want.stderr_text().contains("not permitted") {
            let _ = writeln!(report, "lab: {} is not a lookup failure: {want:?}", lab.tags[*original].display());
            continue;
        }
        for &step in ours {
            compared += 1;
            let diff = differences(want, &run.outcomes[step]);
            if !diff.is_empty() {
                let _ = writeln!(report, "{} (expected: the original's):\n{diff}", lab.tags[step].display());
            }
        }
    }
    if let Some(problem) = state_problem(&run) {
        report.push_str(&problem);
    }
    assert!(report.is_empty(), "{name}:\n{report}");
    eprintln!("{name}: {compared} lookups equal to the original's");
}
