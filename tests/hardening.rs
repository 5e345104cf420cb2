//! Nothing a local user does can stall, redirect or blind root's brctl: each test runs root's
//! brctl in a throwaway network and mount namespace with a private /run, beside an attacker
//! process of another user (`nobody`), with a deadline on everything.
//!
//! 1-3. The change lock: a user can neither hold it, nor plant a FIFO or a symlink where root
//!      opens it; a hostile lock directory is not used; a user who takes the fallback name
//!      (the abstract socket used where /run cannot hold the lock) delays a change by at most
//!      5 seconds, named within 2, and then the change fails cleanly.
//! 4.   (tests/concurrency.rs: the port race with and without the lock directory.)
//! 5.   A batch whose reader goes away keeps changing and says how it went in its exit code.
//! 6.   Batches stream: bounded lines, flat memory, each line acted on as it arrives.
//! 7.   One `write error` line for a full stdout; a precise message for NUL in a name.
//!
//! The namespaces: as root, `unshare -nm` (real root, so `setpriv` can become nobody); as a
//! normal user, `unshare --map-auto --map-root-user -nm` (needs newuidmap from uidmap and a
//! range in /etc/subuid, which useradd gives).

// The package's clippy lints hold the program proper (Cargo.toml [lints]); tests unwrap,
// panic, index and run other programs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::disallowed_methods)]

mod common;

use std::fs;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{SocketAddr, UnixListener};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::scratch::Scratch;
use common::{ours, shell_quote, skip};

/// Set in the copy of this binary that plays the attacker; its value is what to do.
const ATTACKER_VAR: &str = "BRCTL_HARDENING_ATTACKER";

/// What the attacker says before it starts, and how the lab becomes nobody.
const PRELUDE: &str = r#"
ATTACK="setpriv --reuid=65534 --regid=65534 --clear-groups --"
now() { date +%s%N; }
"#;

/// The namespace command, as this user can have one with a second user in it.
fn unshare_args() -> &'static [&'static str] {
    if nix_is_root() {
        &["unshare", "-nm"]
    } else {
        &["unshare", "--map-auto", "--map-root-user", "-nm"]
    }
}

fn nix_is_root() -> bool {
    fs::metadata("/proc/self").map(|meta| std::os::unix::fs::MetadataExt::uid(&meta) == 0).unwrap_or(false)
}

/// Why the lab cannot run here, or None. Probed once: the namespace, a private /run and sysfs,
/// bridges, and an attacker that really is another user.
fn lab_problem() -> Option<String> {
    static PROBLEM: OnceLock<Option<String>> = OnceLock::new();
    PROBLEM
        .get_or_init(|| {
            let probe = Command::new("timeout")
                .arg("30")
                .args(unshare_args())
                .args(["sh", "-c"])
                .arg(
                    "mount -t sysfs sysfs /sys && mount -t tmpfs tmpfs /run && ip link add p type bridge \
                     && test \"$(setpriv --reuid=65534 --regid=65534 --clear-groups -- id -u)\" = 65534",
                )
                .output();
            match probe {
                Err(err) => Some(format!("cannot spawn timeout/unshare: {err}")),
                Ok(out) if !out.status.success() => Some(format!(
                    "cannot make a namespace with a second user ({}; as a normal user this needs \
                     newuidmap from uidmap and /etc/subuid): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Ok(_) => None,
            }
        })
        .clone()
}

/// The files a lab script left in its work directory.
struct Lab {
    work: Scratch,
}

impl Lab {
    fn text(&self, name: &str) -> String {
        fs::read_to_string(self.work.join(name)).unwrap_or_else(|err| panic!("lab file {name}: {err}"))
    }

    fn number(&self, name: &str) -> i64 {
        self.text(name).trim().parse().unwrap_or_else(|err| panic!("lab file {name}: {err}"))
    }
}

/// Runs `body` as root in the namespace (private /run and sysfs, ours first on PATH as
/// `brctl`, `$W` the work directory, `$ATTACK` to run a command as nobody, `$SELF` this test
/// binary for the attacker's own code). None when the lab is unavailable (a skip).
fn run(label: &str, body: &str) -> Option<Lab> {
    if let Some(problem) = lab_problem() {
        skip::skip(label, problem);
        return None;
    }
    let work = Scratch::new(label);
    fs::set_permissions(work.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let bin = work.dir("bin");
    std::os::unix::fs::symlink(ours(), bin.join("brctl")).unwrap();
    let quote = |path: &Path| String::from_utf8(shell_quote(path.as_os_str().as_encoded_bytes())).unwrap();
    let script = format!(
        "mount -t sysfs sysfs /sys || exit 90\nmount -t tmpfs -o mode=755 tmpfs /run || exit 90\n\
         PATH={bin}:/usr/sbin:/usr/bin:/sbin:/bin\nexport PATH\nW={work}\nSELF={me}\n{PRELUDE}\n{body}\n",
        bin = quote(&bin),
        work = quote(work.path()),
        me = quote(&std::env::current_exe().unwrap()),
    );
    let output = Command::new("timeout")
        .args(["-k", "5", "120"])
        .args(unshare_args())
        .args(["sh", "-c"])
        .arg(&script)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .expect("spawn unshare");
    assert!(
        output.status.success(),
        "{label}: lab script failed ({})\nstdout: {}\nstderr: {}\nscript:\n{script}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(Lab { work })
}

/// `brctl <args>` with its stdout, stderr, exit code and milliseconds in `$W/<tag>.*`.
fn brctl(tag: &str, args: &str) -> String {
    format!(
        "t0=$(now); brctl {args} >\"$W/{tag}.out\" 2>\"$W/{tag}.err\" </dev/null; echo $? >\"$W/{tag}.rc\"; \
         echo $(( ($(now) - t0) / 1000000 )) >\"$W/{tag}.ms\"\n"
    )
}

/// The attacker's own code, run by the lab as nobody from a copy of this binary: it takes the
/// abstract name brctl falls back to, says so in `$W/attacker.ready`, and keeps it a while.
#[test]
fn attacker_process() {
    let Ok(action) = std::env::var(ATTACKER_VAR) else { return };
    let ready = std::env::var("ATTACKER_READY").unwrap();
    match action.as_str() {
        "hold-abstract-name" => {
            let name = SocketAddr::from_abstract_name(b"brctl/change-lock").unwrap();
            let _held = UnixListener::bind_addr(&name).unwrap();
            fs::write(ready, "ready\n").unwrap();
            std::thread::sleep(Duration::from_secs(12));
        }
        other => panic!("unknown attacker action {other}"),
    }
}

/// The shell that starts the attacker copy in the background as nobody and waits until it is ready.
fn start_attacker(action: &str) -> String {
    format!(
        "$ATTACK env {ATTACKER_VAR}={action} ATTACKER_READY=\"$W/attacker.ready\" \"$SELF\" attacker_process \
         --exact --test-threads=1 >\"$W/attacker.log\" 2>&1 &\nATTACKER=$!\n\
         i=0; while [ ! -e \"$W/attacker.ready\" ]; do i=$((i+1)); [ $i -lt 500 ] || exit 93; sleep 0.01; done\n"
    )
}

// ---------------------------------------------------------------------------------------------
// 1 to 3: the change lock

/// A user can neither hold root's lock file nor put a FIFO or a symlink where root opens it:
/// the directory is root's and closed to others. The places of the old lock (/run/lock) are
/// not opened at all, so what a user plants there changes nothing.
#[test]
fn a_user_can_neither_hold_nor_plant_the_lock() {
    let mut body = brctl("first", "addbr br0");
    body.push_str(
        "stat -c '%U %a %F' /run/brctl >\"$W/dir\"; stat -c '%U %a %F' /run/brctl/change.lock >\"$W/file\"\n\
         $ATTACK flock -o /run/brctl/change.lock sleep 30 2>\"$W/flock.err\"; echo $? >\"$W/flock.rc\"\n\
         $ATTACK flock -s /run/brctl/change.lock sleep 30 2>/dev/null; echo $? >\"$W/flocks.rc\"\n\
         $ATTACK mkfifo /run/brctl/fifo 2>/dev/null; echo $? >\"$W/fifo.rc\"\n\
         $ATTACK ln -s /run/victim /run/brctl/link 2>/dev/null; echo $? >\"$W/link.rc\"\n\
         mkdir -m 1777 /run/lock\n\
         $ATTACK mkfifo -m 644 /run/lock/brctl.lock\n\
         $ATTACK ln -s /run/victim /run/lock/brctl.lock2\n\
         $ATTACK flock -o /run/lock/brctl.lock2 sleep 30 & HOLDER=$!\n",
    );
    body.push_str(&brctl("second", "addbr br1"));
    body.push_str(&brctl("third", "addif br1 br0"));
    body.push_str(
        "kill $HOLDER 2>/dev/null; wait\n\
         find /run | sort >\"$W/run\"\n\
         ip -o link show | sed -n 's/^[0-9]*: \\([^:@]*\\).*/\\1/p' | sort | tr '\\n' ' ' >\"$W/links\"\n",
    );
    let Some(lab) = run("a_user_can_neither_hold_nor_plant_the_lock", &body) else { return };
    assert_eq!(lab.number("first.rc"), 0, "{}", lab.text("first.err"));
    assert_eq!(lab.text("dir").trim(), "root 700 directory");
    assert_eq!(lab.text("file").trim(), "root 600 regular empty file");
    for attack in ["flock", "flocks", "fifo", "link"] {
        assert_ne!(lab.number(&format!("{attack}.rc")), 0, "the user's {attack} in /run/brctl succeeded");
    }
    assert!(lab.text("flock.err").contains("Permission denied"), "{}", lab.text("flock.err"));
    // No wait: a wait of a second would have said so on stderr.
    assert_eq!((lab.number("second.rc"), lab.text("second.err")), (0, String::new()));
    // A refusal takes its turn like any change, and says only what the original says.
    assert_eq!(lab.number("third.rc"), 1);
    assert_eq!(
        lab.text("third.err"),
        "device br0 is a bridge device itself; can't add a bridge device to a bridge device.\n"
    );
    assert_eq!(
        lab.text("run"),
        "/run\n/run/brctl\n/run/brctl/change.lock\n/run/lock\n/run/lock/brctl.lock\n/run/lock/brctl.lock2\n",
        "nothing outside the lock directory was created (no /run/victim)"
    );
    assert!(lab.text("links").contains("br0 br1"), "{}", lab.text("links"));
}

/// A lock directory that is not root's own and closed (a user's, or open to all), a FIFO or a
/// symlink at the lock file's place: brctl uses none of them, waits on nothing, follows no
/// link, and still takes its turn (at the abstract name).
#[test]
fn a_hostile_lock_place_is_not_used() {
    let mut body = String::from(
        "mkdir -m 777 /run/brctl\nchown 65534:65534 /run/brctl\n\
         $ATTACK mkfifo -m 666 /run/brctl/change.lock\n",
    );
    body.push_str(&brctl("user_dir", "addbr br0"));
    body.push_str(
        "rm -rf /run/brctl\nmkdir -m 700 /run/brctl\nmkfifo -m 600 /run/brctl/change.lock\n\
         stat -c '%F' /run/brctl/change.lock >\"$W/fifo.kind\"\n",
    );
    body.push_str(&brctl("fifo", "addbr br1"));
    body.push_str("rm /run/brctl/change.lock\nln -s /run/victim /run/brctl/change.lock\n");
    body.push_str(&brctl("symlink", "addbr br2"));
    body.push_str("rm /run/brctl/change.lock\nln /run/brctl/other /run/brctl/change.lock 2>/dev/null; touch /run/brctl/other; ln /run/brctl/other /run/brctl/change.lock\n");
    body.push_str(&brctl("hardlink", "addbr br3"));
    body.push_str("test -e /run/victim && echo created >\"$W/victim\"; true\n");
    let Some(lab) = run("a_hostile_lock_place_is_not_used", &body) else { return };
    assert_eq!(lab.text("fifo.kind").trim(), "fifo");
    // No wait: a wait of a second would have said so on stderr.
    for tag in ["user_dir", "fifo", "symlink", "hardlink"] {
        let (rc, err) = (lab.number(&format!("{tag}.rc")), lab.text(&format!("{tag}.err")));
        assert_eq!((rc, err.as_str()), (0, ""), "{tag}");
    }
    assert!(!lab.work.join("victim").exists(), "root followed the symlink and created its target");
}

/// Where no lock file can be had (/run read-only), a user who takes the abstract name first
/// delays root's change: brctl names the holder within 2 seconds, gives up after 5 with one
/// clear line, and changes nothing.
#[test]
fn a_user_holding_the_fallback_name_delays_a_change_five_seconds_at_most() {
    let mut body = String::from("mount -t tmpfs -o ro tmpfs /run || exit 90\n");
    body.push_str(&start_attacker("hold-abstract-name"));
    body.push_str(
        "t0=$(now); brctl addbr br0 >\"$W/held.out\" 2>\"$W/held.err\" </dev/null & P=$!\n\
         sleep 2; cp \"$W/held.err\" \"$W/held.err2s\"\n\
         wait $P; echo $? >\"$W/held.rc\"; echo $(( ($(now) - t0) / 1000000 )) >\"$W/held.ms\"\n\
         ip link show br0 >/dev/null 2>&1; echo $? >\"$W/exists.rc\"\n\
         echo $ATTACKER >\"$W/attacker.pid\"\nkill $ATTACKER; wait\n",
    );
    body.push_str(&brctl("after", "addbr br1"));
    let Some(lab) = run("a_user_holding_the_fallback_name_delays_a_change_five_seconds_at_most", &body) else {
        return;
    };
    let pid = lab.number("attacker.pid");
    let waiting = format!("waiting for the change lock, held by process {pid} (");
    assert!(lab.text("held.err2s").starts_with(&waiting), "after 2 s: {:?}", lab.text("held.err2s"));
    let err = lab.text("held.err");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err:?}");
    assert!(lines[0].ends_with(", uid 65534)"), "{err:?}");
    assert!(
        lines[1].starts_with(&format!("change lock still held by process {pid} ("))
            && lines[1].ends_with(" after 5 seconds; nothing was changed"),
        "{err:?}"
    );
    assert_eq!(lab.number("held.rc"), 1);
    let ms = lab.number("held.ms");
    assert!((5000..10_000).contains(&ms), "gave up after {ms} ms");
    assert_ne!(lab.number("exists.rc"), 0, "br0 was created although the turn was not had");
    assert_eq!((lab.number("after.rc"), lab.text("after.err")), (0, String::new()), "once the holder is gone");
}

// ---------------------------------------------------------------------------------------------
// 5: a batch whose reader goes away

/// `brctl -b FILE | head -1`: the reader leaves after one line; the changes after it still
/// happen, and the exit code still says whether every line succeeded.
#[test]
fn a_batch_keeps_changing_after_its_reader_went_away() {
    let body = "ip link add br0 type bridge\n\
         { yes 'show br0' | head -n 3000; echo 'addbr late1'; echo 'show'; echo 'addbr late2'; } >\"$W/ok.batch\"\n\
         { yes 'show br0' | head -n 3000; echo 'addbr br0'; echo 'addbr late3'; } >\"$W/bad.batch\"\n\
         { brctl -b \"$W/ok.batch\" 2>\"$W/ok.err\"; echo $? >\"$W/ok.rc\"; } | head -1 >\"$W/ok.head\"\n\
         { brctl -f -b \"$W/bad.batch\" 2>\"$W/bad.err\"; echo $? >\"$W/bad.rc\"; } | head -1 >/dev/null\n\
         ip -o link show | sed -n 's/^[0-9]*: \\([^:@]*\\).*/\\1/p' | sort | tr '\\n' ' ' >\"$W/links\"\n";
    let Some(lab) = run("a_batch_keeps_changing_after_its_reader_went_away", body) else { return };
    assert_eq!(lab.text("ok.head"), "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    assert_eq!((lab.number("ok.rc"), lab.text("ok.err")), (0, String::new()));
    assert_eq!(lab.number("bad.rc"), 1, "a failing line must still show in the exit code");
    assert_eq!(lab.text("bad.err"), "line 3001: device br0 already exists; can't create bridge with the same name\n");
    assert_eq!(lab.text("links"), "br0 late1 late2 late3 lo ");
}

// ---------------------------------------------------------------------------------------------
// 6: batches stream

/// Peak resident memory in KiB from GNU time's `%M`, or skip.
fn gnu_time() -> Option<&'static str> {
    Path::new("/usr/bin/time").exists().then_some("/usr/bin/time")
}

/// `brctl -b /dev/zero` ends with a clear error in bounded memory; 100,000 lines keep it flat;
/// an endless pipe of lines is read as it comes.
#[test]
fn batches_stream_in_bounded_memory() {
    let Some(time) = gnu_time() else {
        skip::skip("batches_stream_in_bounded_memory", "GNU time is missing (apt-get install time)");
        return;
    };
    let body = format!(
        "ip link add br0 type bridge\n\
         {time} -f %M -o \"$W/zero.kb\" brctl -b /dev/zero >\"$W/zero.out\" 2>\"$W/zero.err\"; echo $? >\"$W/zero.rc\"\n\
         yes 'show br0' | head -n 100000 >\"$W/lines.batch\"\n\
         {time} -f %M -o \"$W/lines.kb\" brctl -b \"$W/lines.batch\" >\"$W/lines.out\" 2>\"$W/lines.err\"; echo $? >\"$W/lines.rc\"\n\
         wc -l <\"$W/lines.out\" >\"$W/lines.count\"\n\
         {{ echo 'addbr early'; sleep 3; echo 'addbr late'; }} | brctl -b - 2>\"$W/pipe.err\" & P=$!\n\
         sleep 1.5; ip link show early >/dev/null 2>&1; echo $? >\"$W/early.rc\"\n\
         ip link show late >/dev/null 2>&1; echo $? >\"$W/late_before.rc\"\n\
         wait $P; echo $? >\"$W/pipe.rc\"; ip link show late >/dev/null 2>&1; echo $? >\"$W/late_after.rc\"\n\
         head -c 9000000 /dev/zero | tr '\\0' 'a' | sed 's/aaaa/a b /g' >\"$W/long.batch\"; echo >>\"$W/long.batch\"\n\
         {time} -f %M -o \"$W/long.kb\" brctl -b \"$W/long.batch\" 2>\"$W/long.err\"; echo $? >\"$W/long.rc\"\n"
    );
    let Some(lab) = run("batches_stream_in_bounded_memory", &body) else { return };
    let peak = |name: &str| lab.text(name).lines().last().unwrap_or("").trim().parse::<u64>().unwrap();
    let (zero, lines, long) = (peak("zero.kb"), peak("lines.kb"), peak("long.kb"));
    eprintln!("peak RSS: brctl -b /dev/zero {zero} KiB; 100,000 lines {lines} KiB; a 9 MB line {long} KiB");
    assert_eq!(lab.number("zero.rc"), 1);
    assert_eq!(lab.text("zero.err"), "line 1: too long: a batch line holds at most 65536 bytes\n");
    assert!(zero < 16 * 1024, "brctl -b /dev/zero peaked at {zero} KiB");
    assert_eq!((lab.number("lines.rc"), lab.text("lines.err")), (0, String::new()));
    assert_eq!(lab.number("lines.count"), 200_000);
    assert!(lines < 8 * 1024, "100,000 lines peaked at {lines} KiB");
    assert_eq!(lab.number("long.rc"), 1);
    assert_eq!(lab.text("long.err"), "line 1: too long: a batch line holds at most 65536 bytes\n");
    assert!(long < 16 * 1024, "a 9 MB line peaked at {long} KiB");
    assert_eq!(lab.number("early.rc"), 0, "the first line was not acted on while the pipe stayed open");
    assert_ne!(lab.number("late_before.rc"), 0);
    assert_eq!((lab.number("pipe.rc"), lab.number("late_after.rc"), lab.text("pipe.err")), (0, 0, String::new()));
}

// ---------------------------------------------------------------------------------------------
// 7: the small ones

/// A full stdout is one `write error` line (the output is larger than any buffer, so the
/// failure comes mid-run and again at the final flush); NUL in a name is said as such.
#[test]
fn a_full_stdout_and_a_nul_in_a_name_are_one_clear_line() {
    let body = "for i in $(seq 1 200); do echo \"addbr bridge$i\"; done >\"$W/make.batch\"\n\
         brctl -b \"$W/make.batch\" || exit 94\n\
         brctl show >/dev/full 2>\"$W/full.err\"; echo $? >\"$W/full.rc\"\n\
         printf 'addbr a\\000b\\n' | brctl -b - 2>\"$W/nul.err\"; echo $? >\"$W/nul.rc\"\n";
    let Some(lab) = run("a_full_stdout_and_a_nul_in_a_name_are_one_clear_line", body) else { return };
    assert_eq!(
        (lab.number("full.rc"), lab.text("full.err")),
        (1, "write error: No space left on device\n".to_string())
    );
    assert_eq!(lab.number("nul.rc"), 1);
    assert_eq!(lab.text("nul.err"), "line 1: interface name 'a\\x00b' is not valid: it contains a NUL byte\n");
}
