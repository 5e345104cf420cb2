//! Free-form shell scripts in a throwaway network namespace, for tests that the step-by-step
//! `Scenario` of tests/common/mod.rs cannot express: pipes, redirections to /dev/full,
//! background processes, a /sys without sysfs, hundreds of commands in one namespace.
//!
//! Like the lab, the namespace is made by spawning `unshare -Urnm` with a generated script (a
//! multi-threaded test process cannot unshare itself), so nothing here can touch the machine's
//! own interfaces. The script gets `$W`, a scratch directory (a plain directory under the temp
//! dir, seen the same from both sides) where it leaves whatever the test reads back; `brctl` on
//! its PATH is ours (a symlink named `brctl`, so argv[0] is plain `brctl`) and
//! `$ORIG` is the original. Requires `mod common;` in the including crate (skip policy).

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{self, Outcome};

/// What /sys is in the namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sys {
    /// The namespace's own sysfs, as the lab mounts it.
    Sysfs,
    /// A tmpfs hiding the host's sysfs: /sys/class/net does not exist, so only netlink works.
    Hidden,
}

/// A unique scratch directory under the system temp dir, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let serial = COUNTER.fetch_add(1, Ordering::Relaxed);
        let safe: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let path = std::env::temp_dir().join(format!("brctl-ns-{}-{serial}-{safe}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create scratch dir");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// What a namespace script left behind.
pub struct NsOutput {
    pub work: TempDir,
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The script, for failure messages.
    pub script: Vec<u8>,
}

impl NsOutput {
    /// A file the script wrote into `$W` (empty when it does not exist).
    pub fn file(&self, name: &str) -> Vec<u8> {
        fs::read(self.work.path.join(name)).unwrap_or_default()
    }

    pub fn text(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.file(name)).into_owned()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.work.path.join(name).exists()
    }

    /// The outcome of a command written with `brctl_line(tag, ...)`.
    pub fn outcome(&self, tag: &str) -> Outcome {
        let rc_text = self.text(&format!("{tag}.rc"));
        let rc = rc_text.trim().parse().unwrap_or_else(|_| panic!("{tag}: no exit code recorded ({rc_text:?})"));
        Outcome { stdout: self.file(&format!("{tag}.out")), stderr: self.file(&format!("{tag}.err")), rc }
    }

    /// Every file name in `$W`.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.work.path)
            .expect("read scratch dir")
            .map(|entry| entry.expect("dir entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Runs `body` as root of a fresh user, network and mount namespace, after the prelude
/// (sysfs or a hiding tmpfs on /sys, PATH with our `brctl`, `$W`, `$ORIG`). Returns None when
/// the lab cannot run here (the test is skipped; under CI=true it fails instead). Panics if the
/// script does not exit 0 or runs longer than `timeout_secs`.
pub fn run(label: &str, sys: Sys, body: &str, timeout_secs: u32) -> Option<NsOutput> {
    run_bytes(label, sys, body.as_bytes(), timeout_secs)
}

/// `run` with a script that may hold any bytes (arguments that are not UTF-8).
pub fn run_bytes(label: &str, sys: Sys, body: &[u8], timeout_secs: u32) -> Option<NsOutput> {
    if !common::lab_ready(label, false) {
        return None;
    }
    let work = TempDir::new(label);
    let bin = work.path.join(".bin");
    fs::create_dir(&bin).expect("create bin dir");
    std::os::unix::fs::symlink(common::ours(), bin.join("brctl")).expect("symlink brctl");

    let mut script = Vec::new();
    script.extend_from_slice(match sys {
        Sys::Sysfs => b"mount -t sysfs sysfs /sys || exit 90\n".as_slice(),
        Sys::Hidden => b"mount -t tmpfs none /sys || exit 90\ntest ! -e /sys/class/net || exit 90\n".as_slice(),
    });
    script.extend_from_slice(b"PATH=");
    script.extend_from_slice(&common::shell_quote(bin.as_os_str().as_bytes()));
    script.extend_from_slice(b":/usr/sbin:/usr/bin:/sbin:/bin\nexport PATH\nunset POSIXLY_CORRECT\nW=");
    script.extend_from_slice(&common::shell_quote(work.path.as_os_str().as_bytes()));
    script.extend_from_slice(format!("\nORIG={}\n", common::ORIGINAL).as_bytes());
    script.extend_from_slice(STATE_FUNCTION.as_bytes());
    script.extend_from_slice(body);
    script.extend_from_slice(b"\nexit 0\n");

    let output = Command::new("timeout")
        .args(["-k", "5", &timeout_secs.to_string(), "unshare", "-Urnm", "sh", "-c"])
        .arg(OsStr::from_bytes(&script))
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(std::env::vars_os().filter(|(key, _)| key == "LLVM_PROFILE_FILE"))
        .output()
        .expect("spawn unshare");
    let result = NsOutput { work, status: output.status, stdout: output.stdout, stderr: output.stderr, script };
    if !result.status.success() {
        panic!(
            "namespace script {label:?} failed: {}\nstdout: {}\nstderr: {}\nscript:\n{}",
            result.status,
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr),
            String::from_utf8_lossy(&result.script),
        );
    }
    Some(result)
}

/// One brctl invocation whose stdout, stderr and exit code land in `$W/<tag>.out`, `.err`,
/// `.rc` (read back with `NsOutput::outcome`). `env` is set for this command only.
pub fn brctl_line(tag: &str, env: &[(&str, &str)], args: &[&[u8]]) -> Vec<u8> {
    let mut line = Vec::new();
    for (key, value) in env {
        line.extend_from_slice(key.as_bytes());
        line.push(b'=');
        line.extend_from_slice(&common::shell_quote(value.as_bytes()));
        line.push(b' ');
    }
    line.extend_from_slice(b"brctl");
    for arg in args {
        line.push(b' ');
        line.extend_from_slice(&common::shell_quote(arg));
    }
    line.extend_from_slice(
        format!(" >\"$W/{tag}.out\" 2>\"$W/{tag}.err\" </dev/null; echo $? >\"$W/{tag}.rc\"\n").as_bytes(),
    );
    line
}

/// `brctl_line` for arguments that are plain text.
pub fn brctl_text(tag: &str, env: &[(&str, &str)], args: &[&str]) -> String {
    let args: Vec<&[u8]> = args.iter().map(|arg| arg.as_bytes()).collect();
    String::from_utf8(brctl_line(tag, env, &args)).expect("text arguments give a text line")
}

/// Shell that adds a veth pair `name` / `name`p with the lab's fixed MACs.
pub fn veth(name: &str, id: u8) -> String {
    format!(
        "ip link add {name} address 02:00:00:00:00:{id:02x} type veth \
         peer name {name}p address 02:00:00:00:01:{id:02x}\n"
    )
}

/// Shell that adds a bridge with the lab's fixed MAC.
pub fn bridge(name: &str, id: u8) -> String {
    format!("ip link add {name} address 02:00:00:00:02:{id:02x} type bridge\n")
}

/// Shell function `ns_state`: a compact dump of every link, its admin flags and master, and
/// every readable bridge and port attribute except the running timers. Four processes,
/// however many links, so it can run between every two commands of a long script.
const STATE_FUNCTION: &str = r#"
ns_state() {
  grep -H . /sys/class/net/*/flags 2>/dev/null
  ls -l /sys/class/net/*/master 2>/dev/null | sed 's|.* \(/sys/[^ ]*\) -> .*/\([^/]*\)$|\1 -> \2|'
  grep -r . /sys/class/net/*/bridge/ /sys/class/net/*/brport/ 2>/dev/null | grep -v '_timer:'
}
"#;

/// Where the original brctl is, for scripts that compare.
pub fn original_exists() -> bool {
    Path::new(common::ORIGINAL).exists()
}
