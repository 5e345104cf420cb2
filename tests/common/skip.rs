//! The one skip rule: a test that cannot run here (a tool, the original brctl, user
//! namespaces or the Debian package missing) calls `skip`, then returns.
//!
//! - Under `CI=true` the skip is a failure: `skip` panics with the reason.
//! - Elsewhere it writes `SKIPPED <test>: <reason>` straight to the process's stderr, which the
//!   test harness does not capture (it captures only the print macros), so the line shows in
//!   plain `cargo test` output; and when the test binary exits, one summary line follows:
//!   `SKIPPED: N of this binary's tests did not run all their checks (see the SKIPPED lines
//!   above)`. A skipped test still counts as passed in the harness's own totals.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::Write as _;
use std::sync::{Mutex, Once};

/// The skipped tests of this process, by name.
static SKIPPED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// True under `CI=true`, where nothing may skip.
pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// The name of the running test: the harness names each test's thread after it. `label` is
/// used where there is no such thread (a test run on the main thread).
pub fn current_test(label: &str) -> String {
    match std::thread::current().name() {
        Some(name) if name != "main" => name.to_string(),
        _ => label.to_string(),
    }
}

/// Skips (part of) the running test because of `reason`; see the module's rule. Under
/// CI=true it panics. `label` names the test where the thread has no name.
pub fn skip(label: &str, reason: impl Display) {
    let test = current_test(label);
    if in_ci() {
        panic!("{test}: cannot run here, and CI=true does not allow a skip: {reason}");
    }
    say(&format!("SKIPPED {test}: {reason}\n"));
    count(&test);
}

/// Counts a skip of `test` for the summary without a line of its own: for a test whose copy
/// in a child process printed the `SKIPPED` line.
pub fn count(test: &str) {
    SKIPPED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(test.to_string());
    register_summary();
}

/// `Some(value)`, or skips with the error as the reason and gives None.
pub fn or_skip<T, E: Display>(label: &str, result: Result<T, E>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(why) => {
            skip(label, why);
            None
        }
    }
}

/// How many tests of this process skipped something so far.
pub fn skipped_count() -> usize {
    SKIPPED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
}

/// The summary line, or None when nothing was skipped. Not of the form `N passed, N failed`,
/// which CI reads from the harness's own lines.
pub fn summary_line(count: usize) -> Option<String> {
    (count > 0).then(|| {
        format!("SKIPPED: {count} of this binary's tests did not run all their checks (see the SKIPPED lines above)")
    })
}

/// Writes `text` to the process's stderr in one piece (unbuffered, so a line built by several
/// writes could be split by the harness's own output).
fn say(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

extern "C" fn print_summary() {
    // At exit the test threads are done; try_lock all the same, so that exit never hangs.
    let count = match SKIPPED.try_lock() {
        Ok(skipped) => skipped.len(),
        Err(_) => return,
    };
    if let Some(line) = summary_line(count) {
        say(&format!("{line}\n"));
    }
}

fn register_summary() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: atexit(3) only stores the pointer to `print_summary`, an `extern "C" fn`
        // without arguments that lives as long as the program; it runs once at exit, on the
        // exiting thread, and neither panics nor unwinds (every write's error is ignored and
        // the lock is only tried).
        let status = unsafe { libc::atexit(print_summary) };
        if status != 0 {
            say("note: no skip summary at exit (atexit failed)\n");
        }
    });
}
