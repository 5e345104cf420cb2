//! Running brctl without CAP_NET_ADMIN inside the lab's namespaces (`lab`).
//!
//! The lab runs every scenario as root of a fresh user namespace, with every capability there.
//! To see what a normal user sees, one command at a time drops all of them with util-linux
//! `setpriv --inh-caps=-all --bounding-set=-all --ambient-caps=-all`: root without
//! capabilities passes none of the kernel's `ns_capable(CAP_NET_ADMIN)` checks, exactly like a
//! normal user. (A real second uid is not possible: `unshare -Ur` maps only uid 0.)
//!
//! A scenario step always runs `brctl` from PATH, so the choice of binary and privilege is made
//! with PATH alone (`Wrappers::env`): a scratch directory holds one directory per way to run,
//! each with a `brctl` in it. For root that is a symlink to the binary; without capabilities it
//! is a small sh script that execs setpriv, which execs the binary as `brctl` again, so argv[0]
//! stays `brctl` and the rest of the environment (BRCTL_BACKEND) passes through. One scenario
//! can so run the original and ours, with and without capabilities, side by side.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::scratch::Scratch;
use super::skip;

/// setpriv's options that drop every capability: inheritable, bounding and ambient sets (the
/// permitted and effective sets of the exec'd program follow from them).
pub const SETPRIV_OPTIONS: [&str; 3] = ["--inh-caps=-all", "--bounding-set=-all", "--ambient-caps=-all"];

/// The directories searched for setpriv (the lab's PATH).
const SEARCH_PATH: [&str; 4] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/// Which brctl a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brctl {
    Original,
    Ours,
}

/// With what privilege a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    /// Root of the lab's user namespace, with every capability (how the lab runs steps).
    Root,
    /// The same root with every capability dropped by setpriv.
    NoCaps,
}

impl Brctl {
    pub fn label(self) -> &'static str {
        match self {
            Brctl::Original => "original",
            Brctl::Ours => "ours",
        }
    }
}

impl Privilege {
    pub fn label(self) -> &'static str {
        match self {
            Privilege::Root => "root",
            Privilege::NoCaps => "no caps",
        }
    }
}

/// setpriv's path, if it is installed.
pub fn setpriv_path() -> Option<PathBuf> {
    SEARCH_PATH.iter().map(|dir| Path::new(dir).join("setpriv")).find(|path| path.exists())
}

/// Why commands cannot be run without capabilities here, or None when they can: setpriv must
/// exist, and under it a process in a fresh user namespace must have no effective capability.
/// Probed once per test process.
pub fn setpriv_problem() -> Option<String> {
    static PROBLEM: OnceLock<Option<String>> = OnceLock::new();
    PROBLEM
        .get_or_init(|| {
            let Some(setpriv) = setpriv_path() else {
                return Some("util-linux setpriv is missing (apt-get install util-linux)".to_string());
            };
            let probe = Command::new("timeout")
                .args(["30", "unshare", "-Ur"])
                .arg(&setpriv)
                .args(SETPRIV_OPTIONS)
                .args(["--", "grep", "^CapEff:", "/proc/self/status"])
                .output();
            match probe {
                Err(err) => Some(format!("cannot spawn timeout/unshare/setpriv: {err}")),
                Ok(out) if !out.status.success() => Some(format!(
                    "setpriv {} failed in a user namespace ({}): {}",
                    SETPRIV_OPTIONS.join(" "),
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Ok(out) => {
                    let text = String::from_utf8_lossy(&out.stdout);
                    let effective = text.trim().strip_prefix("CapEff:").map(str::trim);
                    if effective.is_some_and(|caps| !caps.is_empty() && caps.bytes().all(|b| b == b'0')) {
                        None
                    } else {
                        Some(format!("setpriv did not drop the capabilities: {}", text.trim()))
                    }
                }
            }
        })
        .clone()
}

/// True when commands can be run without capabilities; otherwise skips the test
/// (`skip::skip`: a failure under CI=true) and returns false.
pub fn nocaps_ready(test: &str) -> bool {
    let Some(problem) = setpriv_problem() else {
        return true;
    };
    skip::skip(test, format!("cannot drop capabilities: {problem}"));
    false
}

/// The scratch directory with one `brctl` per (binary, privilege); removed on drop.
pub struct Wrappers {
    dir: Scratch,
}

impl Wrappers {
    /// Builds the wrappers for `original` (from `original::require` or `original::proven`) and
    /// `ours`. Panics when the files cannot be made or setpriv is missing (check `nocaps_ready`
    /// first).
    pub fn new(label: &str, original: &Path, ours: &Path) -> Wrappers {
        let wrappers = Wrappers { dir: Scratch::new(label) };
        let setpriv = setpriv_path().expect("setpriv (check nocaps_ready first)");
        for (which, binary) in [(Brctl::Original, original), (Brctl::Ours, ours)] {
            let root_dir = wrappers.bin_dir(which, Privilege::Root);
            fs::create_dir(&root_dir).expect("create wrapper dir");
            std::os::unix::fs::symlink(binary, root_dir.join("brctl")).expect("symlink brctl");

            let nocaps_dir = wrappers.bin_dir(which, Privilege::NoCaps);
            fs::create_dir(&nocaps_dir).expect("create wrapper dir");
            let script = nocaps_script(&setpriv, &root_dir);
            let path = nocaps_dir.join("brctl");
            fs::write(&path, script).expect("write setpriv wrapper");
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod setpriv wrapper");
        }
        wrappers
    }

    fn bin_dir(&self, which: Brctl, privilege: Privilege) -> PathBuf {
        let privilege = match privilege {
            Privilege::Root => "root",
            Privilege::NoCaps => "nocaps",
        };
        self.dir.join(format!("{}-{privilege}", which.label()))
    }

    /// The environment variable that makes `brctl` in a scenario step run `which` with
    /// `privilege` (the lab's PATH with the wrapper's directory in front).
    pub fn env(&self, which: Brctl, privilege: Privilege) -> (&'static str, String) {
        ("PATH", format!("{}:{}", self.bin_dir(which, privilege).display(), SEARCH_PATH.join(":")))
    }
}

/// sh that runs `brctl` from `bin_dir` under setpriv without any capability, with argv[0]
/// `brctl` and the arguments untouched.
fn nocaps_script(setpriv: &Path, bin_dir: &Path) -> String {
    format!(
        "#!/bin/sh\n\
         # brctl without capabilities (tests/common/privilege.rs)\n\
         PATH={}:{}\n\
         export PATH\n\
         exec {} {} -- brctl \"$@\"\n",
        sh_quote(&bin_dir.display().to_string()),
        SEARCH_PATH.join(":"),
        sh_quote(&setpriv.display().to_string()),
        SETPRIV_OPTIONS.join(" "),
    )
}

/// Single-quotes `text` for sh.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
