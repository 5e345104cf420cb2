//! Turns at changing links. The original's ioctls checked and changed in
//! one step inside the kernel (two `addif` of one device to two bridges:
//! one fails); over netlink we check first and then change, so concurrent
//! runs of brctl take turns. No other user can hold a turn forever or steer
//! what root opens: see docs/design.md, "The change lock".
//!
//! The turn is an exclusive flock on `/run/brctl/change.lock`, in a
//! directory only its owner may enter, opened without following links or
//! blocking on FIFOs and checked to be our own regular file. Where that
//! directory cannot be had (a read-only or missing /run, a container's own
//! /run, a user namespace), the turn is an abstract unix socket name, which
//! is per network namespace, needs no file and vanishes with its holder.
//! Either way a run waits at most `DEADLINE`, says whom it waits for after
//! `NOTICE_AFTER`, and then gives up.

use std::fs::{DirBuilder, File, OpenOptions, TryLockError};
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::time::{Duration, Instant};

use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
use nix::unistd::geteuid;

const LOCK_DIR: &str = "/run/brctl";
const LOCK_FILE: &str = "/run/brctl/change.lock";
/// `@brctl/change-lock` in the network namespace's abstract socket names.
const ABSTRACT_NAME: &[u8] = b"brctl/change-lock";
/// How long a run waits for its turn before giving up.
pub const DEADLINE: Duration = Duration::from_secs(5);
/// When a waiting run says whom it waits for.
pub const NOTICE_AFTER: Duration = Duration::from_secs(1);
/// How often a holder that cannot be waited on is looked at again.
const POLL: Duration = Duration::from_millis(10);

/// Who holds the turn, as far as can be told.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Holder {
    pub pid: Option<u32>,
    pub uid: Option<u32>,
    /// The holder's command name (`/proc/<pid>/comm`).
    pub command: Option<String>,
}

impl Holder {
    /// `process 1234 (brctl, uid 0)`, or what is known of it.
    pub fn describe(&self) -> String {
        let Some(pid) = self.pid else {
            return "an unknown process".to_string();
        };
        let mut details = Vec::new();
        details.extend(self.command.clone());
        details.extend(self.uid.map(|uid| format!("uid {uid}")));
        if details.is_empty() {
            format!("process {pid}")
        } else {
            format!("process {pid} ({})", details.join(", "))
        }
    }
}

/// A turn at changing links, given back when dropped.
#[derive(Debug)]
pub enum Turn {
    File(File),
    Socket(UnixListener),
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Turn::File(file) = self {
            let _ = file.unlock();
        }
    }
}

/// Where turns are taken: opened once per run, taken once per change.
#[derive(Debug)]
pub enum ChangeLock {
    File(File),
    Socket(SocketAddr),
}

impl ChangeLock {
    /// The lock file if it can be had safely, else the abstract name.
    pub fn open() -> io::Result<ChangeLock> {
        match lock_file() {
            Some(file) => Ok(ChangeLock::File(file)),
            None => SocketAddr::from_abstract_name(ABSTRACT_NAME).map(ChangeLock::Socket),
        }
    }

    /// Waits for the turn: `waiting` is called once, after `NOTICE_AFTER`,
    /// with the holder; after `DEADLINE` the holder is the error. The wait
    /// sleeps in the kernel until the holder lets go (a blocking flock, or
    /// a read on a connection to the holder's socket), so a waiter is not
    /// left behind by others that happen to look at the right moment.
    pub fn take(&self, waiting: &mut dyn FnMut(&Holder)) -> Result<Turn, Holder> {
        let start = Instant::now();
        let mut noticed = false;
        loop {
            if let Some(turn) = self.try_take() {
                return Ok(turn);
            }
            let waited = start.elapsed();
            if waited >= DEADLINE {
                return Err(self.holder());
            }
            if waited >= NOTICE_AFTER && !noticed {
                noticed = true;
                waiting(&self.holder());
            }
            let until = if noticed { DEADLINE } else { NOTICE_AFTER };
            if let Some(turn) = self.wait(until.saturating_sub(waited)) {
                return Ok(turn);
            }
        }
    }

    /// Sleeps until the holder lets go or `timeout` has passed; the turn
    /// when the wait itself took it.
    fn wait(&self, timeout: Duration) -> Option<Turn> {
        let timeout = timeout.max(Duration::from_millis(1));
        match self {
            ChangeLock::File(file) => match lock_within(file, timeout) {
                Ok(true) => file.try_clone().ok().map(Turn::File),
                Ok(false) => None,
                Err(_) => {
                    std::thread::sleep(timeout.min(POLL));
                    None
                }
            },
            ChangeLock::Socket(name) => {
                // The holder never accepts: the connection ends when its
                // listening socket closes, that is when it lets go.
                match UnixStream::connect_addr(name) {
                    Ok(mut stream) => {
                        let _ = stream.set_read_timeout(Some(timeout));
                        let _ = stream.read(&mut [0u8; 1]);
                    }
                    // A name bound without listening (not brctl) is looked at again shortly.
                    Err(_) => std::thread::sleep(timeout.min(POLL)),
                }
                None
            }
        }
    }

    fn try_take(&self) -> Option<Turn> {
        match self {
            ChangeLock::File(file) => match file.try_lock() {
                Ok(()) => file.try_clone().ok().map(Turn::File),
                // A lock that cannot be taken for another reason is no turn.
                Err(TryLockError::WouldBlock | TryLockError::Error(_)) => None,
            },
            ChangeLock::Socket(name) => UnixListener::bind_addr(name).ok().map(Turn::Socket),
        }
    }

    fn holder(&self) -> Holder {
        let pid = match self {
            ChangeLock::File(file) => file.metadata().ok().and_then(|meta| flock_holder(meta.ino())),
            ChangeLock::Socket(name) => {
                // The holder listens: its credentials come with a connection.
                let credentials = UnixStream::connect_addr(name)
                    .ok()
                    .and_then(|stream| getsockopt(&stream.as_fd(), PeerCredentials).ok());
                if let Some(credentials) = credentials {
                    let pid = u32::try_from(credentials.pid()).ok();
                    return Holder { pid, uid: Some(credentials.uid()), command: pid.and_then(command_of) };
                }
                None
            }
        };
        let uid = pid.and_then(|pid| std::fs::metadata(format!("/proc/{pid}")).ok()).map(|meta| meta.uid());
        Holder { pid, uid, command: pid.and_then(command_of) }
    }
}

/// The lock file, only where no other user can have put anything at its
/// path: the directory is ours and closed to everyone else, the file is
/// opened without following a link or waiting on a FIFO, and is our own
/// regular file with one name.
fn lock_file() -> Option<File> {
    let me = geteuid().as_raw();
    let _ = DirBuilder::new().mode(0o700).create(LOCK_DIR);
    let dir = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(LOCK_DIR)
        .ok()?;
    let dir = dir.metadata().ok()?;
    if !dir.is_dir() || dir.uid() != me || dir.mode() & 0o077 != 0 {
        return None;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(LOCK_FILE)
        .ok()?;
    let meta = file.metadata().ok()?;
    (meta.is_file() && meta.uid() == me && meta.nlink() == 1).then_some(file)
}

/// Takes an exclusive flock on `file`, waiting at most `timeout`: a
/// one-shot timer interrupts the blocking flock (EINTR). brctl has one
/// thread, so the timer's signal can only land here.
fn lock_within(file: &File, timeout: Duration) -> io::Result<bool> {
    wake_on_alarm();
    set_alarm(timeout);
    let locked = file.lock();
    set_alarm(Duration::ZERO);
    match locked {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(false),
        Err(err) => Err(err),
    }
}

extern "C" fn on_alarm(_signal: libc::c_int) {}

/// SIGALRM interrupts a blocking call instead of ending the process.
fn wake_on_alarm() {
    // SAFETY: the action is a zeroed sigaction with a handler that does
    // nothing (async-signal-safe) and no SA_RESTART, so the interrupted call
    // returns EINTR; the pointers are to live stack values.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_alarm as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGALRM, &action, std::ptr::null_mut());
    }
}

/// Arms the one-shot real-time timer for `after` (zero disarms it).
fn set_alarm(after: Duration) {
    let value = libc::timeval {
        tv_sec: libc::time_t::try_from(after.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_usec: libc::suseconds_t::from(after.subsec_micros()),
    };
    let timer = libc::itimerval { it_interval: libc::timeval { tv_sec: 0, tv_usec: 0 }, it_value: value };
    // SAFETY: setitimer reads the timer from a live stack value and is
    // given no place for the old one.
    unsafe {
        libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut());
    }
}

/// The process holding a flock on the inode `ino`, from /proc/locks
/// (`1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF`).
fn flock_holder(ino: u64) -> Option<u32> {
    let text = read_small("/proc/locks", 1 << 20)?;
    text.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (kind, pid, device) = match fields.as_slice() {
            [_, kind, _, _, pid, device, ..] => (*kind, *pid, *device),
            _ => return None,
        };
        let same_inode = device.rsplit(':').next().and_then(|i| i.parse::<u64>().ok()) == Some(ino);
        (kind == "FLOCK" && same_inode).then(|| pid.parse().ok()).flatten()
    })
}

fn command_of(pid: u32) -> Option<String> {
    read_small(&format!("/proc/{pid}/comm"), 64).map(|comm| comm.trim_end().to_string())
}

/// A procfs file, read up to `limit` bytes.
fn read_small(path: &str, limit: u64) -> Option<String> {
    let mut text = String::new();
    File::open(path).ok()?.take(limit).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_are_described_with_what_is_known() {
        let full = Holder { pid: Some(42), uid: Some(0), command: Some("brctl".into()) };
        assert_eq!(full.describe(), "process 42 (brctl, uid 0)");
        assert_eq!(Holder { pid: Some(7), ..Holder::default() }.describe(), "process 7");
        assert_eq!(Holder { pid: Some(7), uid: Some(65534), command: None }.describe(), "process 7 (uid 65534)");
        assert_eq!(Holder::default().describe(), "an unknown process");
    }
}
