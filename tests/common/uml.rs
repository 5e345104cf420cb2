//! A second kernel for the lab: User-Mode Linux (Debian's `user-mode-linux`, Linux 6.1 with the
//! bridge's VLAN filtering built in), for what this machine's kernel cannot do.
//!
//! `run` boots the UML kernel once for a list of scenarios. Its root file system is this
//! machine's own (`hostfs`), so ours, the original brctl, `ip` and `bridge` run inside it
//! unchanged; inside, the init script (PID 1) mounts proc, sysfs, a tmpfs on /run (the
//! machine's own /run is never touched) and a tmpfs for TMPDIR, loads the modules bridge, veth
//! and 8021q, then runs each scenario in order:
//!
//! - as root, in a network and mount namespace of its own (a fresh sysfs and /run), so every
//!   scenario starts from an empty network and none sees another's links;
//! - with `brctl` on PATH ours (a symlink named `brctl`), then /usr/sbin:/usr/bin:/sbin:/bin;
//! - with `$W`, its own world-writable work directory on the host, where it leaves whatever the
//!   test reads back: `record TAG COMMAND...` stores a command's stdout, stderr and exit code in
//!   `$W/TAG.out`, `.err`, `.rc` (the files of `namespace::brctl_line`, read with
//!   `UmlResult::outcome`);
//! - under a timeout of its own; the script's stdout, stderr and exit status are kept, and a
//!   done marker is written after it, so a scenario that did not finish (the kernel stopped or
//!   the boot's time ran out) shows as such: UML's own exit status means nothing.
//!
//! The host runs `linux.uml` with `TMPDIR=/dev/shm` (its memory file; a normal user needs a
//! tmpfs there), `HOME` and `uml_dir` in the scratch directory, and a timeout on the whole boot.
//! It works as root and as a normal user: inside, the scenarios are root of their kernel; on
//! the host, UML's files are the invoking user's. A boot takes about 3 seconds; a process
//! takes some 20 ms to start inside (forks are slow in UML), so scripts that fork thousands of
//! times take minutes.
//!
//! Without user-mode-linux (or kmod's modprobe) the test skips through the one rule
//! (`skip::skip`: a failure under CI=true).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::lab::{self, Outcome};
use super::scratch::Scratch;
use super::skip;

/// Debian's UML kernel.
pub const UML_KERNEL: &str = "/usr/bin/linux.uml";

/// Where Debian puts the UML kernel's modules, one directory per kernel version.
pub const UML_MODULES: &str = "/usr/lib/uml/modules";

/// The modules every boot loads.
const MODULES: [&str; 3] = ["bridge", "veth", "8021q"];

/// The UML kernel's memory.
const MEMORY: &str = "512M";

/// A scenario's own time limit inside UML, unless it sets one.
pub const DEFAULT_SCENARIO_SECS: u32 = 120;

/// Time for booting, loading the modules and powering off, on top of the scenarios' limits.
const BOOT_SECS: u32 = 60;

/// One shell script to run inside UML (see the module's documentation for its environment).
#[derive(Debug, Clone)]
pub struct UmlScenario {
    pub name: String,
    pub script: String,
    /// Its time limit inside UML; exceeded, the script is killed and its status is 124.
    pub timeout_secs: u32,
}

impl UmlScenario {
    pub fn new(name: &str, script: &str) -> UmlScenario {
        UmlScenario { name: name.to_string(), script: script.to_string(), timeout_secs: DEFAULT_SCENARIO_SECS }
    }

    pub fn timeout(mut self, secs: u32) -> UmlScenario {
        self.timeout_secs = secs;
        self
    }
}

/// What one scenario left behind.
#[derive(Debug, Clone)]
pub struct UmlResult {
    pub name: String,
    /// The script's exit status, or None when it did not finish (no done marker).
    pub status: Option<i32>,
    /// The script's own stdout and stderr (what `record` did not redirect).
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The files the script left in `$W`, by name (top level only).
    pub files: BTreeMap<String, Vec<u8>>,
    /// `uname -r` inside.
    pub kernel: String,
}

impl UmlResult {
    /// True when the done marker was written after the script.
    pub fn finished(&self) -> bool {
        self.status.is_some()
    }

    /// A file of `$W` (empty when it does not exist).
    pub fn file(&self, name: &str) -> Vec<u8> {
        self.files.get(name).cloned().unwrap_or_default()
    }

    pub fn text(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.file(name)).into_owned()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The outcome of a command recorded under `tag` (`record` or `namespace::brctl_line`).
    pub fn outcome(&self, tag: &str) -> Outcome {
        let rc_text = self.text(&format!("{tag}.rc"));
        let rc = rc_text.trim().parse().unwrap_or_else(|_| {
            panic!("UML scenario {:?}: {tag}: no exit code recorded ({rc_text:?})\n{}", self.name, self.describe())
        });
        Outcome { stdout: self.file(&format!("{tag}.out")), stderr: self.file(&format!("{tag}.err")), rc }
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Panics unless the script finished with status 0.
    pub fn assert_ok(&self) -> &UmlResult {
        assert_eq!(self.status, Some(0), "UML scenario {:?} failed\n{}", self.name, self.describe());
        self
    }

    /// Status, stdout, stderr and file names, for failure messages.
    pub fn describe(&self) -> String {
        let status = match self.status {
            Some(code) => format!("exit status {code}"),
            None => "did not finish".to_string(),
        };
        format!(
            "status: {status}\nstdout:\n{}\nstderr:\n{}\nfiles in $W: {:?}",
            self.stdout_text(),
            self.stderr_text(),
            self.files.keys().collect::<Vec<_>>()
        )
    }
}

/// One boot's results.
#[derive(Debug, Clone)]
pub struct UmlRun {
    /// `uname -r` inside.
    pub kernel: String,
    /// One per scenario, in the order given.
    pub results: Vec<UmlResult>,
    /// What the UML kernel printed on the host's stdout and stderr (for failure messages).
    pub console: String,
    /// The whole boot, from start to power-off.
    pub elapsed: Duration,
}

impl UmlRun {
    /// The result of the scenario called `name`.
    pub fn get(&self, name: &str) -> &UmlResult {
        self.results
            .iter()
            .find(|result| result.name == name)
            .unwrap_or_else(|| panic!("no UML scenario called {name:?}"))
    }
}

/// Why no UML kernel can be booted here, or None when it can.
pub fn uml_problem() -> Option<String> {
    if !Path::new(UML_KERNEL).is_file() {
        return Some(format!("{UML_KERNEL} is missing (apt-get install user-mode-linux kmod)"));
    }
    if !Path::new(UML_MODULES).is_dir() {
        return Some(format!("{UML_MODULES} is missing (apt-get install user-mode-linux)"));
    }
    if !["/usr/sbin/modprobe", "/sbin/modprobe", "/usr/bin/kmod", "/bin/kmod"].iter().any(|p| Path::new(p).exists()) {
        return Some("modprobe is missing (apt-get install kmod)".to_string());
    }
    None
}

/// True when UML can be booted here; otherwise skips the test (`skip::skip`: a failure under
/// CI=true) and returns false.
pub fn uml_ready(test: &str) -> bool {
    match uml_problem() {
        None => true,
        Some(problem) => {
            skip::skip(test, problem);
            false
        }
    }
}

/// Boots UML once and runs `scenarios` in it, in order. None when UML is not installed (the
/// test is skipped; under CI=true it fails instead). Panics when the lab itself fails
/// (modules, mounts) or the kernel never came up; a scenario that fails or does not finish is
/// reported in its result, and the others still run.
pub fn run(label: &str, scenarios: &[UmlScenario]) -> Option<UmlRun> {
    if !uml_ready(label) {
        return None;
    }
    let names: Vec<&str> = scenarios.iter().map(|scenario| scenario.name.as_str()).collect();
    for (index, name) in names.iter().enumerate() {
        assert!(!names[..index].contains(name), "two UML scenarios called {name:?}");
    }
    let scratch = Scratch::new(&format!("uml-{label}"));
    let root = scratch.path.clone();
    // The kernel's command line is split at blanks: the init path must have none.
    assert!(
        !root.as_os_str().as_bytes().iter().any(u8::is_ascii_whitespace),
        "the UML lab's scratch directory {} has a blank in its path (set TMPDIR elsewhere)",
        root.display()
    );
    // Everything UML writes here is the invoking user's; world-writable all the same, so that a
    // scenario that gives up root inside can still leave its files.
    world_writable(&root);
    for dir in ["lab", "bin", "mods", "tmp", "uml", "home"] {
        world_writable(&scratch.dir(dir));
    }
    std::os::unix::fs::symlink(lab::ours(), root.join("bin/brctl")).expect("symlink brctl");
    for (index, scenario) in scenarios.iter().enumerate() {
        let dir = scratch.dir(format!("s/{index}"));
        world_writable(&dir);
        world_writable(&scratch.dir(format!("s/{index}/w")));
        let script = scenario_script(&root, &dir.join("w"), &scenario.script);
        fs::write(dir.join("script.sh"), script).expect("write scenario script");
    }
    let init = root.join("init.sh");
    fs::write(&init, init_script(&root, scenarios)).expect("write init script");
    fs::set_permissions(&init, fs::Permissions::from_mode(0o755)).expect("chmod init script");

    let boot_secs = BOOT_SECS + scenarios.iter().map(|scenario| scenario.timeout_secs + 10).sum::<u32>();
    // UML's memory file goes to TMPDIR: a tmpfs, where there is one (a normal user needs it).
    let uml_tmp = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let started = Instant::now();
    let output = Command::new("timeout")
        .args(["-k", "5", &boot_secs.to_string(), UML_KERNEL])
        .arg(format!("mem={MEMORY}"))
        .args(["rootfstype=hostfs", "rootflags=/", "rw", "con=null", "quiet"])
        .arg(format!("uml_dir={}", root.join("uml").display()))
        .arg(format!("init={}", init.display()))
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("TMPDIR", &uml_tmp)
        .env("HOME", root.join("home"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("spawn timeout/linux.uml");
    let elapsed = started.elapsed();
    let console = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let read_text = |path: PathBuf| fs::read(path).map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string());

    if let Ok(error) = read_text(root.join("lab/error")) {
        panic!("UML lab {label:?}: {error}\n{}", console_tail(&console));
    }
    let Ok(kernel) = read_text(root.join("lab/kernel")) else {
        panic!(
            "UML lab {label:?}: the kernel did not come up (no kernel version written; {} after {:.1} s)\n{}",
            output.status,
            elapsed.as_secs_f64(),
            console_tail(&console)
        );
    };
    let results = scenarios
        .iter()
        .enumerate()
        .map(|(index, scenario)| {
            let dir = root.join(format!("s/{index}"));
            let status = read_text(dir.join("done")).ok().map(|text| {
                text.parse().unwrap_or_else(|_| panic!("UML scenario {:?}: done marker {text:?}", scenario.name))
            });
            UmlResult {
                name: scenario.name.clone(),
                status,
                stdout: fs::read(dir.join("stdout")).unwrap_or_default(),
                stderr: fs::read(dir.join("stderr")).unwrap_or_default(),
                files: read_files(&dir.join("w")),
                kernel: kernel.clone(),
            }
        })
        .collect();
    Some(UmlRun { kernel, results, console, elapsed })
}

/// Shell that runs `COMMAND...` with stdout, stderr and exit code in `$W/<tag>.out`, `.err`,
/// `.rc`: the same as the script's `record TAG COMMAND...`, with the words quoted here.
pub fn record_line(tag: &str, words: &[&str]) -> String {
    let mut line = format!("record {}", String::from_utf8_lossy(&lab::shell_quote(tag.as_bytes())));
    for word in words {
        line.push(' ');
        line.push_str(&String::from_utf8_lossy(&lab::shell_quote(word.as_bytes())));
    }
    line.push('\n');
    line
}

fn world_writable(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o1777))
        .unwrap_or_else(|err| panic!("chmod {}: {err}", path.display()));
}

fn quote(path: &Path) -> String {
    String::from_utf8_lossy(&lab::shell_quote(path.as_os_str().as_bytes())).into_owned()
}

/// The last lines of the kernel's console, for failure messages.
fn console_tail(console: &str) -> String {
    let lines: Vec<&str> = console.lines().collect();
    let start = lines.len().saturating_sub(40);
    format!("UML console (last {} lines):\n{}", lines.len() - start, lines[start..].join("\n"))
}

/// The regular files directly in `dir`, by name.
fn read_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_file()) {
                let name = entry.file_name().to_string_lossy().into_owned();
                files.insert(name, fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    files
}

/// A scenario's script: the environment, `record`, the test's script, `exit 0`.
fn scenario_script(root: &Path, work: &Path, body: &str) -> String {
    format!(
        "PATH={}:/usr/sbin:/usr/bin:/sbin:/bin\nexport PATH\nunset POSIXLY_CORRECT\nW={}\nexport W\n\
         record() {{ record_tag=$1; shift; \"$@\" >\"$W/$record_tag.out\" 2>\"$W/$record_tag.err\" </dev/null; \
         echo $? >\"$W/$record_tag.rc\"; }}\n{body}\nexit 0\n",
        quote(&root.join("bin")),
        quote(work),
    )
}

/// PID 1 inside UML: mounts, modules, each scenario in a namespace of its own under its time
/// limit, then a power-off. Lab failures land in `lab/error`.
fn init_script(root: &Path, scenarios: &[UmlScenario]) -> String {
    let mut script = format!(
        "#!/bin/sh\n\
         # PID 1 inside the UML kernel; / is this machine's file system (hostfs).\n\
         export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n\
         L={root}\n\
         off() {{ sync; echo o >/proc/sysrq-trigger; sleep 60; }}\n\
         fail() {{ echo \"$*\" >\"$L/lab/error\"; off; }}\n\
         mount -t proc proc /proc || fail 'cannot mount proc'\n\
         mount -t sysfs sysfs /sys || fail 'cannot mount sysfs'\n\
         # The machine's own /run is never touched: a tmpfs over it, inside UML.\n\
         mount -t tmpfs tmpfs /run || fail 'cannot mount a tmpfs on /run'\n\
         mount -t tmpfs tmpfs \"$L/tmp\" || fail 'cannot mount a tmpfs for TMPDIR'\n\
         # modprobe wants <root>/lib/modules/<version>: that root on a tmpfs.\n\
         mount -t tmpfs tmpfs \"$L/mods\" || fail 'cannot mount a tmpfs for the modules'\n\
         mkdir -p \"$L/mods/lib/modules\" && ln -s \"{modules}/$(uname -r)\" \"$L/mods/lib/modules/\" \
         || fail 'cannot link the modules'\n\
         for m in {module_list}; do\n\
           modprobe -d \"$L/mods\" \"$m\" 2>\"$L/lab/modprobe.err\" \
         || fail \"modprobe $m failed on $(uname -r): $(cat \"$L/lab/modprobe.err\")\"\n\
         done\n\
         export TMPDIR=\"$L/tmp\" HOME=\"$L/tmp\"\n\
         uname -r >\"$L/lab/kernel\"\n\
         run_one() {{\n\
           d=\"$L/s/$1\"\n\
           (cd \"$d/w\" && exec timeout -k 5 \"$2\" unshare -nm sh -c \
         'mount -t sysfs sysfs /sys && mount -t tmpfs tmpfs /run || exit 90; . \"$1\"' sh \"$d/script.sh\") \
         >\"$d/stdout\" 2>\"$d/stderr\" </dev/null\n\
           echo $? >\"$d/done\"\n\
           sync\n\
         }}\n",
        root = quote(root),
        modules = UML_MODULES,
        module_list = MODULES.join(" "),
    );
    for (index, scenario) in scenarios.iter().enumerate() {
        let _ = writeln!(script, "run_one {index} {}", scenario.timeout_secs);
    }
    script.push_str("off\n");
    script
}
