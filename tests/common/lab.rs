//! The test lab: runs brctl scenarios inside throwaway network namespaces.
//!
//! Every scenario runs in a fresh `unshare -Urnm` namespace with its own sysfs, so the
//! machine's own interfaces are never touched. A multi-threaded test process cannot unshare
//! itself, hence the namespace is made by spawning `unshare` with a generated shell script.
//!
//! A scenario is: a setup snippet (iproute2 allowed, for setup only), a list of steps (brctl
//! invocations, extra shell snippets, state dumps) and a final state dump. Each brctl
//! invocation's stdout, stderr and exit code are captured separately.
//!
//! A step may run the original instead (`Scenario::brctl_original`), in the same namespace; the
//! original's path comes from `original`, which proves it is bridge-utils 1.7.1 first.
//!
//! Skip policy (`skip`): when the namespace cannot be made, or the original brctl is not
//! there, tests are skipped with a `SKIPPED` line on stderr, unless `CI=true`, where they fail.
//!
//! The shared fixtures: `Topology` and `TWO_BRIDGES` (br0 with ports v0 and v1, br1 with port
//! v2, v3 free), `BR0_WITH_VETHS`, and the `NO_IPV6` and `BRIEF_IPV6` set-up snippets.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::compare::line_diff;
use super::namespace::{self, lab_ready};
use super::original;
use super::scratch::Scratch;

/// Our brctl, built by cargo for the integration tests.
pub fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_brctl"))
}

/// Bridge files that hold running timers: they tick, so they are left out of state dumps.
const BRIDGE_TIMERS: &[&str] = &["hello_timer", "tcn_timer", "topology_change_timer", "gc_timer"];

/// Port files that hold running timers, left out for the same reason.
const PORT_TIMERS: &[&str] = &["message_age_timer", "forward_delay_timer", "hold_timer"];

/// Upper bound for one scenario, so a hanging binary fails the test instead of hanging it.
const SCENARIO_TIMEOUT_SECS: u32 = 60;

/// What one brctl invocation produced.
#[derive(Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub rc: i32,
}

// Shows the streams as (lossy) text: byte vectors are unreadable in failure messages.
impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("stdout", &self.stdout_text())
            .field("stderr", &self.stderr_text())
            .field("rc", &self.rc)
            .finish()
    }
}

impl Outcome {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// True when stderr is exactly one newline-terminated line.
    pub fn stderr_is_one_line(&self) -> bool {
        self.stderr.ends_with(b"\n") && self.stderr.iter().filter(|&&b| b == b'\n').count() == 1
    }
}

/// One brctl invocation: its arguments (after argv[0], which is always `brctl`) and extra
/// environment variables set for that command only.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub args: Vec<Vec<u8>>,
    pub env: Vec<(String, String)>,
    /// stderr goes into the same file as stdout (`2>&1`), so the captured stdout shows how
    /// the two streams interleave (stdio buffering, compat reference 1.4); stderr is empty.
    pub merge_stderr: bool,
    /// Runs the original (proven by `original`) instead of the binary the scenario runs with.
    pub original: bool,
}

impl Invocation {
    /// The command as a human would type it, for failure messages.
    pub fn display(&self) -> String {
        let mut text = String::new();
        if self.original {
            text.push_str("[original] ");
        }
        for (key, value) in &self.env {
            let _ = write!(text, "{key}={value} ");
        }
        text.push_str("brctl");
        for arg in &self.args {
            text.push(' ');
            // Quote only when needed, so plain commands read as typed.
            let plain = !arg.is_empty() && arg.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.,/%+=:@".contains(b));
            if plain {
                text.push_str(&String::from_utf8_lossy(arg));
            } else {
                text.push_str(&String::from_utf8_lossy(&shell_quote(arg)));
            }
        }
        if self.merge_stderr {
            text.push_str(" 2>&1");
        }
        text
    }
}

/// One step of a scenario, run in order inside the namespace.
#[derive(Debug, Clone)]
pub enum Step {
    /// Run brctl and capture its stdout, stderr and exit code.
    Brctl(Invocation),
    /// Run a shell snippet (iproute2 available); the scenario fails if it fails.
    Shell(String),
    /// Record the state dump at this point.
    Dump,
}

/// A setup snippet plus steps; the state is always dumped once more at the end.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub setup: String,
    pub steps: Vec<Step>,
}

/// Everything one run of a scenario produced.
#[derive(Debug, Clone)]
pub struct Run {
    /// One entry per `Step::Brctl`, in order.
    pub outcomes: Vec<Outcome>,
    /// One entry per `Step::Dump`, then the final dump last.
    pub dumps: Vec<String>,
}

impl Run {
    /// The state dump taken after all steps.
    pub fn final_dump(&self) -> &str {
        self.dumps.last().map(String::as_str).unwrap_or("")
    }
}

impl Scenario {
    pub fn new(name: &str) -> Scenario {
        Scenario { name: name.to_string(), setup: String::new(), steps: Vec::new() }
    }

    /// Appends a line of setup shell (run with `set -e` before the steps).
    pub fn setup(mut self, snippet: &str) -> Scenario {
        self.setup.push_str(snippet);
        self.setup.push('\n');
        self
    }

    /// Adds a veth pair `name` / `name`p with fixed MACs 02:00:00:00:00:<id> and
    /// 02:00:00:00:01:<id>, so bridge ids that derive from them are deterministic.
    pub fn veth(self, name: &str, id: u8) -> Scenario {
        self.setup(namespace::veth(name, id).trim_end())
    }

    /// Adds a bridge with the fixed MAC 02:00:00:00:02:<id>.
    pub fn bridge(self, name: &str, id: u8) -> Scenario {
        self.setup(namespace::bridge(name, id).trim_end())
    }

    /// Enslaves `port` to `bridge` with iproute2.
    pub fn enslave(self, port: &str, bridge: &str) -> Scenario {
        self.setup(&format!("ip link set {port} master {bridge}"))
    }

    /// Adds a brctl invocation.
    pub fn brctl(self, args: &[&str]) -> Scenario {
        self.brctl_env(&[], args)
    }

    /// Adds a brctl invocation with extra environment variables for that command only.
    pub fn brctl_env(self, env: &[(&str, &str)], args: &[&str]) -> Scenario {
        let args: Vec<&[u8]> = args.iter().map(|arg| arg.as_bytes()).collect();
        self.brctl_raw(env, &args)
    }

    /// Adds a brctl invocation whose arguments may be any bytes (except NUL).
    pub fn brctl_raw(mut self, env: &[(&str, &str)], args: &[&[u8]]) -> Scenario {
        self.steps.push(Step::Brctl(Invocation {
            args: args.iter().map(|arg| arg.to_vec()).collect(),
            env: env.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect(),
            merge_stderr: false,
            original: false,
        }));
        self
    }

    /// Adds a brctl invocation whose stderr is sent to the same file as its stdout.
    pub fn brctl_merged(mut self, args: &[&str]) -> Scenario {
        self.steps.push(Step::Brctl(Invocation {
            args: args.iter().map(|arg| arg.as_bytes().to_vec()).collect(),
            env: Vec::new(),
            merge_stderr: true,
            original: false,
        }));
        self
    }

    /// Adds a shell snippet between brctl invocations.
    pub fn shell(mut self, snippet: &str) -> Scenario {
        self.steps.push(Step::Shell(snippet.to_string()));
        self
    }

    /// Records the state at this point (in addition to the final dump).
    pub fn dump(mut self) -> Scenario {
        self.steps.push(Step::Dump);
        self
    }

    /// The brctl invocations, in order (matching `Run::outcomes`).
    pub fn invocations(&self) -> Vec<&Invocation> {
        self.steps
            .iter()
            .filter_map(|step| match step {
                Step::Brctl(invocation) => Some(invocation),
                _ => None,
            })
            .collect()
    }

    /// Runs the scenario in a fresh namespace with `binary` as `brctl` (and the proven
    /// original for `brctl_original` steps). Panics if the lab itself fails (namespace, setup
    /// snippet, files), or if a step needs the original and it is not proven (a test calls
    /// `original::require` first).
    pub fn run(&self, binary: &Path) -> Run {
        let work = Scratch::new(&self.name);
        // Symlinks named brctl, so argv[0] is plain `brctl` for every binary.
        let bin_dir = work.dir("bin");
        std::os::unix::fs::symlink(binary, bin_dir.join("brctl")).expect("symlink brctl");
        if self.invocations().iter().any(|invocation| invocation.original) {
            let original_dir = work.dir("bin-original");
            std::os::unix::fs::symlink(original::proven(), original_dir.join("brctl")).expect("symlink original");
        }

        let script = self.script(&work.path);
        let output = Command::new("timeout")
            .arg("-k")
            .arg("5")
            .arg(SCENARIO_TIMEOUT_SECS.to_string())
            .arg("unshare")
            .arg("-Urnm")
            .arg("sh")
            .arg("-c")
            .arg(OsStr::from_bytes(&script))
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            // Keep coverage runs working; BRCTL_BACKEND runs a whole suite on one backend
            // (`BRCTL_BACKEND=netlink cargo test --test differential`).
            .envs(std::env::vars_os().filter(|(key, _)| key == "LLVM_PROFILE_FILE" || key == "BRCTL_BACKEND"))
            .output()
            .expect("spawn unshare");
        if !output.status.success() {
            panic!(
                "lab failure in scenario {:?} with {}: status {}\nstderr: {}\nscript:\n{}",
                self.name,
                binary.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&script),
            );
        }

        let read = |name: String| -> Vec<u8> {
            let path = work.path.join(&name);
            fs::read(&path).unwrap_or_else(|err| panic!("lab: read {}: {err}", path.display()))
        };
        let mut outcomes = Vec::new();
        let mut dumps = Vec::new();
        for (index, step) in self.steps.iter().enumerate() {
            match step {
                Step::Brctl(_) => {
                    let rc_text = String::from_utf8(read(format!("{index}.rc"))).unwrap();
                    outcomes.push(Outcome {
                        stdout: read(format!("{index}.out")),
                        stderr: read(format!("{index}.err")),
                        rc: rc_text.trim().parse().expect("numeric exit code"),
                    });
                }
                Step::Dump => dumps.push(String::from_utf8_lossy(&read(format!("{index}.dump"))).into()),
                Step::Shell(_) => {}
            }
        }
        dumps.push(String::from_utf8_lossy(&read("final.dump".to_string())).into());
        Run { outcomes, dumps }
    }

    /// Builds the namespace script. Bytes, because arguments may be any bytes.
    fn script(&self, work: &Path) -> Vec<u8> {
        let work_q = shell_quote(work.as_os_str().as_bytes());
        let bin_q = shell_quote(work.join("bin").as_os_str().as_bytes());
        let original_q = shell_quote(work.join("bin-original").as_os_str().as_bytes());
        let mut script: Vec<u8> = Vec::new();
        script.extend_from_slice(b"mount -t sysfs sysfs /sys || exit 90\n");
        // A private /run: brctl's change lock (and ip netns) must not touch the machine's.
        script.extend_from_slice(b"mount -t tmpfs tmpfs /run || exit 90\n");
        script.extend_from_slice(b"PATH=");
        script.extend_from_slice(&bin_q);
        script.extend_from_slice(b":/usr/sbin:/usr/bin:/sbin:/bin\nexport PATH\n");
        script.extend_from_slice(b"unset POSIXLY_CORRECT\nT=");
        script.extend_from_slice(&work_q);
        script.push(b'\n');
        script.extend_from_slice(
            format!("LAB_BRIDGE_TIMERS='{}'\nLAB_PORT_TIMERS='{}'\n", BRIDGE_TIMERS.join(" "), PORT_TIMERS.join(" "))
                .as_bytes(),
        );
        script.extend_from_slice(DUMP_FUNCTION.as_bytes());
        push_checked_snippet(&mut script, "setup", &self.setup);

        for (index, step) in self.steps.iter().enumerate() {
            match step {
                Step::Brctl(invocation) => {
                    if invocation.original {
                        // The original first on PATH for this command; the lab's bin dir not at all.
                        script.extend_from_slice(b"PATH=");
                        script.extend_from_slice(&original_q);
                        script.extend_from_slice(b":/usr/sbin:/usr/bin:/sbin:/bin ");
                    }
                    for (key, value) in &invocation.env {
                        script.extend_from_slice(key.as_bytes());
                        script.push(b'=');
                        script.extend_from_slice(&shell_quote(value.as_bytes()));
                        script.push(b' ');
                    }
                    script.extend_from_slice(b"brctl");
                    for arg in &invocation.args {
                        script.push(b' ');
                        script.extend_from_slice(&shell_quote(arg));
                    }
                    let stderr_target =
                        if invocation.merge_stderr { "&1".to_string() } else { format!("\"$T/{index}.err\"") };
                    script.extend_from_slice(
                        format!(
                            " >\"$T/{index}.out\" 2>{stderr_target} </dev/null; \
                             echo $? >\"$T/{index}.rc\"; touch \"$T/{index}.err\"\n"
                        )
                        .as_bytes(),
                    );
                }
                Step::Shell(snippet) => push_checked_snippet(&mut script, &format!("step {index}"), snippet),
                Step::Dump => script.extend_from_slice(format!("lab_dump >\"$T/{index}.dump\"\n").as_bytes()),
            }
        }
        script.extend_from_slice(b"lab_dump >\"$T/final.dump\"\nexit 0\n");
        script
    }
}

/// Runs a snippet with `set -e` in a subshell; the whole script exits if it fails.
/// (`set -e` would be ignored inside `( ... ) || ...`, hence the separate status check.)
fn push_checked_snippet(script: &mut Vec<u8>, label: &str, snippet: &str) {
    script.extend_from_slice(b"(\nset -e\n");
    script.extend_from_slice(snippet.as_bytes());
    script.extend_from_slice(
        format!("\n)\nif [ $? -ne 0 ]; then echo 'lab: {label} failed' >&2; exit 91; fi\n").as_bytes(),
    );
}

/// Shell function printing the state of every interface in the namespace, as text.
/// operstate is left out on purpose: it follows carrier changes asynchronously (linkwatch),
/// so it could differ between two runs; the admin up/down flag is deterministic.
const DUMP_FUNCTION: &str = r#"
lab_dump() {
  for lab_dev in /sys/class/net/*; do
    lab_name=${lab_dev##*/}
    lab_flags=$(cat "$lab_dev/flags")
    if [ $(( lab_flags & 1 )) -eq 1 ]; then lab_up=up; else lab_up=down; fi
    if [ -d "$lab_dev/bridge" ]; then lab_kind=bridge; else lab_kind=other; fi
    lab_master=-
    if [ -e "$lab_dev/master" ]; then lab_master=$(readlink "$lab_dev/master"); lab_master=${lab_master##*/}; fi
    printf 'dev %s kind=%s master=%s %s\n' "$lab_name" "$lab_kind" "$lab_master" "$lab_up"
    if [ -d "$lab_dev/bridge" ]; then
      for lab_file in "$lab_dev"/bridge/*; do
        lab_key=${lab_file##*/}
        case " $LAB_BRIDGE_TIMERS " in *" $lab_key "*) continue ;; esac
        printf '  bridge/%s=%s\n' "$lab_key" "$(cat "$lab_file" 2>/dev/null || echo '<unreadable>')"
      done
      printf '  brif:'
      for lab_port in "$lab_dev"/brif/*; do
        [ -e "$lab_port" ] && printf ' %s' "${lab_port##*/}"
      done
      printf '\n'
    fi
    if [ -d "$lab_dev/brport" ]; then
      for lab_file in "$lab_dev"/brport/*; do
        lab_key=${lab_file##*/}
        [ -f "$lab_file" ] || continue
        case " $LAB_PORT_TIMERS " in *" $lab_key "*) continue ;; esac
        printf '  brport/%s=%s\n' "$lab_key" "$(cat "$lab_file" 2>/dev/null || echo '<unreadable>')"
      done
    fi
  done
}
"#;

/// Single-quotes `bytes` for sh: `'` becomes `'\''`; everything else is literal.
pub fn shell_quote(bytes: &[u8]) -> Vec<u8> {
    let mut quoted = vec![b'\''];
    for &byte in bytes {
        if byte == b'\'' {
            quoted.extend_from_slice(b"'\\''");
        } else {
            quoted.push(byte);
        }
    }
    quoted.push(b'\'');
    quoted
}

/// Runs the scenario with our binary only; None when the lab is unavailable (skip).
pub fn run_ours(scenario: &Scenario) -> Option<Run> {
    if !lab_ready(&scenario.name) {
        return None;
    }
    Some(scenario.run(&ours()))
}

/// Runs the scenario with the original (proven first, else the test skips: `original`) and
/// with ours and asserts that every command's stdout, stderr and exit code, and every state
/// dump, are identical.
pub fn assert_same(scenario: &Scenario) {
    let Some(original) = original::require(&scenario.name) else {
        return;
    };
    if !lab_ready(&scenario.name) {
        return;
    }
    assert_same_binaries(scenario, &original, &ours());
}

/// Like `assert_same` with any two binaries (used to check the lab against itself).
pub fn assert_same_binaries(scenario: &Scenario, expected_bin: &Path, actual_bin: &Path) {
    let expected = scenario.run(expected_bin);
    let actual = scenario.run(actual_bin);
    // BRCTL_LAB_VERBOSE=1 shows what the original did (run with --nocapture).
    if std::env::var_os("BRCTL_LAB_VERBOSE").is_some() {
        eprintln!("== scenario {}", scenario.name);
        for (invocation, outcome) in scenario.invocations().iter().zip(&expected.outcomes) {
            eprintln!("{}\n  {outcome:?}", invocation.display());
        }
    }
    let report = compare_runs(scenario, &expected, &actual);
    if !report.is_empty() {
        panic!(
            "scenario {:?}: {} (original) and {} (ours) differ\n\
             setup:\n{}\n{report}",
            scenario.name,
            expected_bin.display(),
            actual_bin.display(),
            indent(&scenario.setup),
        );
    }
}

/// What ours prints where the original prints its help (D10 in docs/compat.md): the original's
/// text byte for byte, then our own block (a blank line, `options:` ...). The expected outcome
/// gets that block after each help text of the original's in its stdout, unless it is there
/// already (a run of ours); where our first part differs from the original's help, nothing is
/// added and the comparison fails.
pub fn with_our_help(expected: &Outcome) -> Outcome {
    let mut help = Vec::new();
    brctl::cli::write_help(&mut help).unwrap();
    let split = help.windows(2).position(|pair| pair == b"\n\n").expect("our help has a blank line") + 1;
    let (original_help, ours) = help.split_at(split);
    let mut stdout = Vec::new();
    let mut rest = &expected.stdout[..];
    while let Some(at) = rest.windows(original_help.len()).position(|window| window == original_help) {
        let (before, after) = rest.split_at(at + original_help.len());
        stdout.extend_from_slice(before);
        if !after.starts_with(ours) {
            stdout.extend_from_slice(ours);
        }
        rest = after;
    }
    stdout.extend_from_slice(rest);
    Outcome { stdout, ..expected.clone() }
}

/// Describes every difference between two runs; empty when they match.
pub fn compare_runs(scenario: &Scenario, expected: &Run, actual: &Run) -> String {
    let mut report = String::new();
    for (index, invocation) in scenario.invocations().iter().enumerate() {
        let (want, got) = (&with_our_help(&expected.outcomes[index]), &actual.outcomes[index]);
        if want == got {
            continue;
        }
        let _ = writeln!(report, "command #{index}: {}", invocation.display());
        if want.stdout != got.stdout {
            let _ = writeln!(report, "  stdout original: {:?}", want.stdout_text());
            let _ = writeln!(report, "  stdout ours:     {:?}", got.stdout_text());
        }
        if want.stderr != got.stderr {
            let _ = writeln!(report, "  stderr original: {:?}", want.stderr_text());
            let _ = writeln!(report, "  stderr ours:     {:?}", got.stderr_text());
        }
        if want.rc != got.rc {
            let _ = writeln!(report, "  rc original: {}  ours: {}", want.rc, got.rc);
        }
    }
    let dump_count = expected.dumps.len();
    for (index, (want, got)) in expected.dumps.iter().zip(&actual.dumps).enumerate() {
        if want != got {
            let label =
                if index + 1 == dump_count { "final state".to_string() } else { format!("state dump #{index}") };
            let _ = writeln!(report, "{label} differs (- original, + ours):\n{}", line_diff(want, got));
        }
    }
    report
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

// ---------------------------------------------------------------------------------------------
// Running the original in the same namespace

impl Scenario {
    /// Adds an invocation of the original brctl (argv[0] still `brctl`), whatever binary the
    /// scenario is run with: both programs then read the same kernel state a few milliseconds
    /// apart, which is how outputs with running timers, STP states and learned entries can be
    /// compared at all (see `compare::compare_showstp_between`). The path is the one
    /// `original` proved; the test calls `original::require` before running the scenario.
    pub fn brctl_original(mut self, args: &[&str]) -> Scenario {
        self.steps.push(Step::Brctl(Invocation {
            args: args.iter().map(|arg| arg.as_bytes().to_vec()).collect(),
            env: Vec::new(),
            merge_stderr: false,
            original: true,
        }));
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures

/// Shell that turns IPv6 off on every device created afterwards, so no device sends frames
/// of its own (which bridges would learn at unpredictable moments).
pub const NO_IPV6: &str = "if [ -d /proc/sys/net/ipv6/conf/default ]; then \
     echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6; fi";

/// Shell that makes IPv6 brief on every device created afterwards, once it is switched on:
/// no router solicitations, no start delay, MLD reports 10 ms apart. Together with a short
/// neighbour retransmit time (per device), a device then sends its few frames within some
/// 0.1 s of getting IPv6 and stays silent.
pub const BRIEF_IPV6: &str = "c=/proc/sys/net/ipv6/conf/default; \
     echo 0 >$c/router_solicitations; echo 0 >$c/router_solicitation_delay; \
     echo 10 >$c/mldv1_unsolicited_report_interval; echo 10 >$c/mldv2_unsolicited_report_interval";

/// Bridges, veth pairs (with their peers `<name>p`) and which veth is a port of which bridge,
/// each with the lab's fixed MACs (`namespace::bridge`, `namespace::veth`), so bridge ids are
/// the same in every namespace. Made in that order: bridges, veths, ports.
#[derive(Debug, Clone, Copy)]
pub struct Topology {
    pub bridges: &'static [(&'static str, u8)],
    pub veths: &'static [(&'static str, u8)],
    pub ports: &'static [(&'static str, &'static str)],
}

/// The usual lab: br0 (ports v0 and v1), br1 (port v2), v3 free; every bridge down.
pub const TWO_BRIDGES: Topology = Topology {
    bridges: &[("br0", 0x01), ("br1", 0x02)],
    veths: &[("v0", 0x0a), ("v1", 0x0b), ("v2", 0x0c), ("v3", 0x0d)],
    ports: &[("v0", "br0"), ("v1", "br0"), ("v2", "br1")],
};

/// The small lab: br0 (down) and v0, v1, v2, nothing enslaved.
pub const BR0_WITH_VETHS: Topology =
    Topology { bridges: &[("br0", 0x01)], veths: &[("v0", 0x0a), ("v1", 0x0b), ("v2", 0x0c)], ports: &[] };

impl Topology {
    /// The set-up added to `scenario`.
    pub fn apply(&self, mut scenario: Scenario) -> Scenario {
        for &(name, id) in self.bridges {
            scenario = scenario.bridge(name, id);
        }
        for &(name, id) in self.veths {
            scenario = scenario.veth(name, id);
        }
        for &(port, bridge) in self.ports {
            scenario = scenario.enslave(port, bridge);
        }
        scenario
    }

    /// A new scenario with this set-up.
    pub fn scenario(&self, name: &str) -> Scenario {
        self.apply(Scenario::new(name))
    }

    /// The set-up as shell, for `namespace::run` scripts.
    pub fn shell(&self) -> String {
        let mut script = String::new();
        for &(name, id) in self.bridges {
            script.push_str(&namespace::bridge(name, id));
        }
        for &(name, id) in self.veths {
            script.push_str(&namespace::veth(name, id));
        }
        for &(port, bridge) in self.ports {
            script.push_str(&format!("ip link set {port} master {bridge}\n"));
        }
        script
    }
}
