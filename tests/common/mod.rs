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
//! Skip policy: when the namespace cannot be made, or the original brctl is missing, tests
//! are skipped with a note on stderr, unless `CI=true`, where they fail.

// Each integration test crate includes this module and uses only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The original bridge-utils 1.7.1 brctl.
pub const ORIGINAL: &str = "/usr/sbin/brctl";

/// Our brctl, built by cargo for the integration tests.
pub fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_brctl"))
}

/// The original brctl.
pub fn original() -> PathBuf {
    PathBuf::from(ORIGINAL)
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
}

impl Invocation {
    /// The command as a human would type it, for failure messages.
    pub fn display(&self) -> String {
        let mut text = String::new();
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
        self.setup(&format!(
            "ip link add {name} address 02:00:00:00:00:{id:02x} type veth \
             peer name {name}p address 02:00:00:00:01:{id:02x}"
        ))
    }

    /// Adds a bridge with the fixed MAC 02:00:00:00:02:<id>.
    pub fn bridge(self, name: &str, id: u8) -> Scenario {
        self.setup(&format!("ip link add {name} address 02:00:00:00:02:{id:02x} type bridge"))
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
        }));
        self
    }

    /// Adds a brctl invocation whose stderr is sent to the same file as its stdout.
    pub fn brctl_merged(mut self, args: &[&str]) -> Scenario {
        self.steps.push(Step::Brctl(Invocation {
            args: args.iter().map(|arg| arg.as_bytes().to_vec()).collect(),
            env: Vec::new(),
            merge_stderr: true,
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

    /// Runs the scenario in a fresh namespace with `binary` as `brctl`.
    /// Panics if the lab itself fails (namespace, setup snippet, files).
    pub fn run(&self, binary: &Path) -> Run {
        let work = TempDir::new(&self.name);
        let bin_dir = work.path.join("bin");
        fs::create_dir(&bin_dir).expect("create lab bin dir");
        // A symlink named brctl, so argv[0] is plain `brctl` for both binaries.
        std::os::unix::fs::symlink(binary, bin_dir.join("brctl")).expect("symlink brctl");

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
            // Keep coverage runs working.
            .envs(std::env::vars_os().filter(|(key, _)| key == "LLVM_PROFILE_FILE"))
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
        let mut script: Vec<u8> = Vec::new();
        script.extend_from_slice(b"mount -t sysfs sysfs /sys || exit 90\n");
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

/// A unique scratch directory under the system temp dir, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let serial = COUNTER.fetch_add(1, Ordering::Relaxed);
        let safe_label: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let path = std::env::temp_dir().join(format!("brctl-lab-{}-{serial}-{safe_label}", std::process::id()));
        fs::create_dir_all(&path).expect("create lab temp dir");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Why the lab cannot run here, or None when it can. Probed once per test process.
fn namespace_problem() -> Option<String> {
    static PROBLEM: OnceLock<Option<String>> = OnceLock::new();
    PROBLEM
        .get_or_init(|| {
            // Through `timeout`, like the scenarios, so a missing `timeout` is found here too.
            let probe = Command::new("timeout")
                .args(["30", "unshare", "-Urnm", "sh", "-c"])
                .arg(
                    "mount -t sysfs sysfs /sys && ip link add labprobe type bridge \
                     && test -d /sys/class/net/labprobe/bridge \
                     && ip link add labv type veth peer name labvp",
                )
                .output();
            match probe {
                Err(err) => Some(format!("cannot spawn timeout/unshare: {err}")),
                Ok(out) if !out.status.success() => Some(format!(
                    "cannot create a network namespace with sysfs, bridge and veth ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Ok(_) => None,
            }
        })
        .clone()
}

/// Returns true when the lab can run. Otherwise fails under CI=true, or prints why the test
/// is skipped and returns false.
pub fn lab_ready(test: &str, need_original: bool) -> bool {
    let mut problem = namespace_problem();
    if problem.is_none() && need_original && !Path::new(ORIGINAL).exists() {
        problem = Some(format!("{ORIGINAL} is missing (apt-get install bridge-utils)"));
    }
    let Some(problem) = problem else {
        return true;
    };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: lab unavailable: {problem}");
    }
    eprintln!("SKIPPED {test}: {problem}");
    false
}

/// Runs the scenario with our binary only; None when the lab is unavailable (skip).
pub fn run_ours(scenario: &Scenario) -> Option<Run> {
    if !lab_ready(&scenario.name, false) {
        return None;
    }
    Some(scenario.run(&ours()))
}

/// Runs the scenario with the original and with ours and asserts that every command's
/// stdout, stderr and exit code, and every state dump, are identical.
pub fn assert_same(scenario: &Scenario) {
    if !lab_ready(&scenario.name, true) {
        return;
    }
    assert_same_binaries(scenario, &original(), &ours());
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

/// Describes every difference between two runs; empty when they match.
pub fn compare_runs(scenario: &Scenario, expected: &Run, actual: &Run) -> String {
    let mut report = String::new();
    for (index, invocation) in scenario.invocations().iter().enumerate() {
        let (want, got) = (&expected.outcomes[index], &actual.outcomes[index]);
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

/// A minimal line diff (longest common subsequence); only changed lines are shown.
pub fn line_diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // common[i][j] = length of the LCS of old[i..] and new[j..].
    let mut common = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] =
                if old[i] == new[j] { common[i + 1][j + 1] + 1 } else { common[i + 1][j].max(common[i][j + 1]) };
        }
    }
    let mut diff = String::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            i += 1;
            j += 1;
        } else if i < old.len() && (j == new.len() || common[i + 1][j] >= common[i][j + 1]) {
            let _ = writeln!(diff, "  - {}", old[i]);
            i += 1;
        } else {
            let _ = writeln!(diff, "  + {}", new[j]);
            j += 1;
        }
    }
    diff
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

// ---------------------------------------------------------------------------------------------
// Running the original in the same namespace, and comparing outputs that hold running timers.

/// The environment that makes `brctl` in a scenario step the original rather than the binary
/// the scenario runs with: a PATH without the lab's bin dir, starting with the original's dir.
/// Both programs then read the same kernel state a few milliseconds apart, which is how
/// outputs with running timers, STP states and learned entries can be compared at all.
pub fn original_path_env() -> (&'static str, String) {
    const SYSTEM_PATH: &str = "/usr/sbin:/usr/bin:/sbin:/bin";
    match Path::new(ORIGINAL).parent() {
        Some(dir) if dir != Path::new("/usr/sbin") => ("PATH", format!("{}:{SYSTEM_PATH}", dir.display())),
        _ => ("PATH", SYSTEM_PATH.to_string()),
    }
}

impl Scenario {
    /// Adds an invocation of the original brctl (argv[0] still `brctl`), whatever binary the
    /// scenario is run with. Meant for scenarios run once with ours, pairing each original
    /// invocation with one of ours (see `compare_showstp`, `compare_showmacs`).
    pub fn brctl_original(self, args: &[&str]) -> Scenario {
        let (key, value) = original_path_env();
        self.brctl_env(&[(key, value.as_str())], args)
    }
}

/// How far two reads of one running kernel timer may be apart, in centiseconds (0.05 s).
pub const TIMER_TOLERANCE_CS: i64 = 5;

/// The showstp labels whose value is a running timer (compat reference 4.11).
pub const SHOWSTP_TIMER_LABELS: &[&str] = &[
    "hello timer",
    "tcn timer",
    "topology change timer",
    "gc timer",
    "message age timer",
    "forward delay timer",
    "hold timer",
];

/// Parses a timer exactly as brctl prints it (`%4i.%.2i`, compat reference 5) into
/// centiseconds. Only the exact rendering is accepted, so a field padded or rounded
/// differently does not parse.
pub fn parse_timer(field: &str) -> Option<i64> {
    let (whole, fraction) = field.trim_start_matches(' ').split_once('.')?;
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() != 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let hundredths: i64 = fraction.parse().ok()?;
    if format!("{seconds:4}.{hundredths:02}") != field {
        return None;
    }
    Some(if seconds < 0 { seconds * 100 - hundredths } else { seconds * 100 + hundredths })
}

/// Checks two renderings of one running timer: both well-formed and at most `tolerance_cs`
/// apart. On failure, says why.
pub fn timers_within(expected: &str, actual: &str, tolerance_cs: i64) -> Result<(), String> {
    timer_between(expected, expected, actual, tolerance_cs)
}

/// Checks a reading of a running timer taken between two others (`before` and `after`, by
/// the original): all well-formed, and `actual` within `tolerance_cs` of the range the two
/// span. A timer moves one way between resets, so however long the reads took, a correct
/// `actual` lies in that range; the tolerance covers rounding to centiseconds.
pub fn timer_between(before: &str, after: &str, actual: &str, tolerance_cs: i64) -> Result<(), String> {
    let (Some(first), Some(last)) = (parse_timer(before), parse_timer(after)) else {
        return Err(format!("original timer field {before:?} or {after:?} is not a `%4i.%.2i` timer"));
    };
    let Some(got) = parse_timer(actual) else {
        return Err(format!("timer field {actual:?} is not a `%4i.%.2i` timer (original {before:?})"));
    };
    let (low, high) = (first.min(last), first.max(last));
    if got < low - tolerance_cs || got > high + tolerance_cs {
        let range = if before == after { format!("{before:?}") } else { format!("{before:?} .. {after:?}") };
        let apart = (low - got).max(got - high);
        return Err(format!("timer {actual:?} vs original {range}: {apart} cs off, more than {tolerance_cs}"));
    }
    Ok(())
}

/// Compares two `showstp` stdouts line by line: byte-exact, except that the values of running
/// timers (fields after a `SHOWSTP_TIMER_LABELS` label) may be up to `tolerance_cs` apart.
pub fn compare_showstp(expected: &[u8], actual: &[u8], tolerance_cs: i64) -> Result<(), String> {
    compare_showstp_between(expected, expected, actual, tolerance_cs)
}

/// Compares ours' `showstp` stdout with the original's taken just before and just after it
/// (same namespace): byte-exact, except that each running timer must lie within
/// `tolerance_cs` of the range spanned by the original's two readings (`timer_between`).
/// This holds however slowly a loaded machine runs the three commands. Should the two
/// originals differ in anything but timers (a state change in between), matching either is
/// enough.
pub fn compare_showstp_between(before: &[u8], after: &[u8], actual: &[u8], tolerance_cs: i64) -> Result<(), String> {
    if before == actual || after == actual {
        return Ok(());
    }
    let texts = (std::str::from_utf8(before), std::str::from_utf8(after), std::str::from_utf8(actual));
    let (Ok(before_text), Ok(after_text), Ok(got_text)) = texts else {
        return Err("output is not UTF-8 and differs".to_string());
    };
    let verdict = showstp_lines_between(before_text, after_text, got_text, tolerance_cs);
    if verdict.is_err() && before != after {
        // A state change between the two originals: ours must match one of them.
        let versus_after = showstp_lines_between(after_text, after_text, got_text, tolerance_cs);
        let versus_before = showstp_lines_between(before_text, before_text, got_text, tolerance_cs);
        if versus_after.is_ok() || versus_before.is_ok() {
            return Ok(());
        }
        return versus_before;
    }
    verdict
}

fn showstp_lines_between(before: &str, after: &str, actual: &str, tolerance_cs: i64) -> Result<(), String> {
    let before_lines: Vec<&str> = before.split('\n').collect();
    let after_lines: Vec<&str> = after.split('\n').collect();
    let got_lines: Vec<&str> = actual.split('\n').collect();
    if before_lines.len() != got_lines.len() || after_lines.len() != got_lines.len() {
        return Err(format!(
            "{} lines vs {} lines (- original, + ours):\n{}",
            before_lines.len(),
            got_lines.len(),
            line_diff(before, actual)
        ));
    }
    let mut problems = String::new();
    for (number, got) in got_lines.iter().enumerate() {
        let (first, last) = (before_lines[number], after_lines[number]);
        if *got == first || *got == last {
            continue;
        }
        if let Err(why) = showstp_line_between(first, last, got, tolerance_cs) {
            let _ = writeln!(problems, "line {}: {why}\n  - {first:?}\n  + {got:?}", number + 1);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// One showstp line: tab-separated fields equal, except timer values (`timer_between`).
fn showstp_line_between(before: &str, after: &str, got: &str, tolerance_cs: i64) -> Result<(), String> {
    let before_fields: Vec<&str> = before.split('\t').collect();
    let after_fields: Vec<&str> = after.split('\t').collect();
    let got_fields: Vec<&str> = got.split('\t').collect();
    if before_fields.len() != got_fields.len() || after_fields.len() != got_fields.len() {
        return Err("different fields".to_string());
    }
    let mut label = "";
    for (index, got_field) in got_fields.iter().enumerate() {
        let (first, last) = (before_fields[index], after_fields[index]);
        let after_timer_label = SHOWSTP_TIMER_LABELS.contains(&label.trim());
        if after_timer_label && parse_timer(first).is_some() {
            timer_between(first, last, got_field, tolerance_cs).map_err(|why| format!("{}: {why}", label.trim()))?;
        } else if *got_field != first && *got_field != last {
            return Err(format!("field {first:?} vs {got_field:?}"));
        }
        if !first.is_empty() {
            label = first;
        }
    }
    Ok(())
}

/// Compares two `showmacs` stdouts: the header and every row byte-exact, except that the
/// ageing timer of non-local rows may be up to `tolerance_cs` apart and rows with the same
/// MAC may come in any order (the original sorts with qsort, compat reference 4.12).
pub fn compare_showmacs(expected: &[u8], actual: &[u8], tolerance_cs: i64) -> Result<(), String> {
    compare_showmacs_between(expected, expected, actual, tolerance_cs)
}

/// Compares ours' `showmacs` stdout with the original's taken just before and just after it,
/// as `compare_showstp_between` does: non-local ageing timers within `tolerance_cs` of the
/// range the originals span, rows with the same MAC in any order, the rest byte-exact. If
/// the two originals list different entries, matching either is enough.
pub fn compare_showmacs_between(before: &[u8], after: &[u8], actual: &[u8], tolerance_cs: i64) -> Result<(), String> {
    if before == actual || after == actual {
        return Ok(());
    }
    let texts = (std::str::from_utf8(before), std::str::from_utf8(after), std::str::from_utf8(actual));
    let (Ok(before_text), Ok(after_text), Ok(got_text)) = texts else {
        return Err("output is not UTF-8 and differs".to_string());
    };
    let verdict = showmacs_rows_between(before_text, after_text, got_text, tolerance_cs);
    if verdict.is_err() && before != after {
        let versus_after = showmacs_rows_between(after_text, after_text, got_text, tolerance_cs);
        let versus_before = showmacs_rows_between(before_text, before_text, got_text, tolerance_cs);
        if versus_after.is_ok() || versus_before.is_ok() {
            return Ok(());
        }
        return versus_before;
    }
    verdict
}

fn showmacs_rows_between(before: &str, after: &str, actual: &str, tolerance_cs: i64) -> Result<(), String> {
    let diff = || format!("(- original, + ours):\n{}", line_diff(before, actual));
    let before_groups = showmacs_groups(before);
    let after_groups = showmacs_groups(after);
    let got_groups = showmacs_groups(actual);
    if showmacs_shape(&got_groups) != showmacs_shape(&before_groups)
        || showmacs_shape(&got_groups) != showmacs_shape(&after_groups)
    {
        return Err(format!("different lines or MAC order {}", diff()));
    }
    let mut problems = String::new();
    for (index, (key, got_rows)) in got_groups.iter().enumerate() {
        let (first_rows, last_rows) = (sorted_rows(&before_groups[index].1), sorted_rows(&after_groups[index].1));
        for (row, got) in sorted_rows(got_rows).iter().enumerate() {
            let (first, last) = (first_rows[row], last_rows[row]);
            if got == &first || got == &last {
                continue;
            }
            let first_fields: Vec<&str> = first.split('\t').collect();
            let last_fields: Vec<&str> = last.split('\t').collect();
            let got_fields: Vec<&str> = got.split('\t').collect();
            let same_but_timer = first_fields.len() == 5
                && last_fields.len() == 5
                && got_fields.len() == 5
                && first_fields[..4] == got_fields[..4]
                && last_fields[..4] == got_fields[..4]
                && got_fields[2] == "no";
            let verdict = if same_but_timer {
                timer_between(first_fields[4], last_fields[4], got_fields[4], tolerance_cs)
            } else {
                Err("row differs".to_string())
            };
            if let Err(why) = verdict {
                let _ = writeln!(problems, "MAC {key}: {why}\n  - {first:?}\n  + {got:?}");
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{problems}{}", diff()))
    }
}

/// Splits showmacs output into runs of consecutive lines with the same MAC (the second
/// tab-separated field; a line without one, like the header, is a run of its own).
fn showmacs_groups(text: &str) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (number, line) in text.split('\n').enumerate() {
        let mac = if number == 0 { None } else { line.split('\t').nth(1) };
        match (mac, groups.last_mut()) {
            (Some(mac), Some((key, rows))) if *key == mac => rows.push(line),
            (Some(mac), _) => groups.push((mac, vec![line])),
            // Lines that are not rows must match as they are: the key is the line itself.
            (None, _) => groups.push((line, vec![line])),
        }
    }
    groups
}

/// The MAC of each run of rows and the run's length.
fn showmacs_shape<'a>(groups: &[(&'a str, Vec<&str>)]) -> Vec<(&'a str, usize)> {
    groups.iter().map(|(key, rows)| (*key, rows.len())).collect()
}

/// Rows with equal MACs in a canonical order (`showmacs_sort_key`).
fn sorted_rows<'a>(rows: &[&'a str]) -> Vec<&'a str> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|row| showmacs_sort_key(row));
    rows
}

/// Orders rows with equal MACs: by everything before the timer, then by the timer value.
fn showmacs_sort_key(row: &str) -> (String, i64) {
    match row.rsplit_once('\t') {
        Some((head, timer)) => (head.to_string(), parse_timer(timer).unwrap_or(i64::MIN)),
        None => (row.to_string(), i64::MIN),
    }
}
