//! Throwaway namespaces: whether they can be made here (`lab_ready`), and free-form shell
//! scripts in them, for tests that the step-by-step `Scenario` of `lab` cannot express: pipes,
//! redirections to /dev/full, background processes, a /sys without sysfs, hundreds of commands
//! in one namespace.
//!
//! Like the lab, the namespace is made by spawning `unshare -Urnm` with a generated script (a
//! multi-threaded test process cannot unshare itself), so nothing here can touch the machine's
//! own interfaces. The script gets `$W`, a scratch directory (a plain directory under the temp
//! dir, seen the same from both sides) where it leaves whatever the test reads back; `brctl` on
//! its PATH is ours (a symlink named `brctl`, so argv[0] is plain `brctl`). Scripts that compare
//! with the original get its proven path from `original::require`, not from here.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;

use super::lab::{self, Outcome};
use super::scratch::Scratch;
use super::skip;

/// Why no namespace with sysfs, a bridge and a veth can be made here, or None when it can.
/// Probed once per test process.
pub fn namespace_problem() -> Option<String> {
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
                    "cannot create a network namespace with sysfs, bridge and veth (unshare -Urnm, {}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Ok(_) => None,
            }
        })
        .clone()
}

/// True when throwaway namespaces can be made here; otherwise skips the test (`skip::skip`:
/// a failure under CI=true) and returns false.
pub fn lab_ready(test: &str) -> bool {
    match namespace_problem() {
        None => true,
        Some(problem) => {
            skip::skip(test, problem);
            false
        }
    }
}

/// What /sys is in the namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sys {
    /// The namespace's own sysfs, as the lab mounts it.
    Sysfs,
    /// A tmpfs hiding the host's sysfs: /sys/class/net does not exist, so only netlink works.
    Hidden,
}

/// What a namespace script left behind.
pub struct NsOutput {
    pub work: Scratch,
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
/// (sysfs or a hiding tmpfs on /sys, PATH with our `brctl`, `$W`). Returns None when
/// the lab cannot run here (the test is skipped; under CI=true it fails instead). Panics if the
/// script does not exit 0 or runs longer than `timeout_secs`.
pub fn run(label: &str, sys: Sys, body: &str, timeout_secs: u32) -> Option<NsOutput> {
    run_bytes(label, sys, body.as_bytes(), timeout_secs)
}

/// `run` with a script that may hold any bytes (arguments that are not UTF-8).
pub fn run_bytes(label: &str, sys: Sys, body: &[u8], timeout_secs: u32) -> Option<NsOutput> {
    if !lab_ready(label) {
        return None;
    }
    let work = Scratch::new(label);
    let bin = work.path.join(".bin");
    fs::create_dir(&bin).expect("create bin dir");
    std::os::unix::fs::symlink(lab::ours(), bin.join("brctl")).expect("symlink brctl");

    let mut script = Vec::new();
    // A private /run: brctl's change lock (and ip netns) must not touch the machine's.
    script.extend_from_slice(b"mount -t tmpfs tmpfs /run || exit 90\n");
    script.extend_from_slice(match sys {
        Sys::Sysfs => b"mount -t sysfs sysfs /sys || exit 90\n".as_slice(),
        Sys::Hidden => b"mount -t tmpfs none /sys || exit 90\ntest ! -e /sys/class/net || exit 90\n".as_slice(),
    });
    script.extend_from_slice(b"PATH=");
    script.extend_from_slice(&lab::shell_quote(bin.as_os_str().as_bytes()));
    script.extend_from_slice(b":/usr/sbin:/usr/bin:/sbin:/bin\nexport PATH\nunset POSIXLY_CORRECT\nW=");
    script.extend_from_slice(&lab::shell_quote(work.path.as_os_str().as_bytes()));
    script.push(b'\n');
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
        line.extend_from_slice(&lab::shell_quote(value.as_bytes()));
        line.push(b' ');
    }
    line.extend_from_slice(b"brctl");
    for arg in args {
        line.push(b' ');
        line.extend_from_slice(&lab::shell_quote(arg));
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

/// Shell for the object tests' lab: br0 with ports eth0 and eth1, br1 with port eth2, and a
/// free eth3, all down (so nothing moves or is learned), each with the lab's fixed MACs.
pub fn two_bridges() -> String {
    let mut setup = String::new();
    setup.push_str(&bridge("br0", 1));
    setup.push_str(&bridge("br1", 2));
    for (index, name) in ["eth0", "eth1", "eth2", "eth3"].iter().enumerate() {
        setup.push_str(&veth(name, index as u8 + 0x10));
    }
    setup.push_str("ip link set eth0 master br0\nip link set eth1 master br0\nip link set eth2 master br1\n");
    setup
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
