//! The `brctl` binary: a shim around `brctl::run`.
//!
//! `main` is the C entry point rather than Rust's: brctl is run in shell
//! loops, and Rust's runtime set-up (stack guard from /proc/self/maps, the
//! signal stack, polling fds 0-2) is about a tenth of what a `show <bridge>`
//! costs. The one part of it brctl relies on, ignoring SIGPIPE so that a
//! reader going away is a write error (exit 0, see `brctl::run`), is done here.
#![no_main]

use std::ffi::{c_char, c_int};
use std::io::{self, IsTerminal, Write};

// SAFETY: the C runtime calls `main` once, as for any C program; the
// arguments are not read here (std takes them from the C runtime itself).
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    // SAFETY: setting a signal's disposition to SIG_IGN has no
    // preconditions; no other thread exists yet.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let stdout = io::stdout();
    let mut stderr = io::stderr();
    // Like C stdio: line-buffered at a terminal, block-buffered otherwise,
    // so output interleaves with stderr exactly as the original's does.
    let code = if stdout.is_terminal() {
        brctl::run(&args, &mut stdout.lock(), &mut stderr)
    } else {
        let mut buffered = io::BufWriter::with_capacity(4096, stdout.lock());
        brctl::run(&args, &mut buffered, &mut stderr)
    };
    let _ = io::stderr().flush();
    std::process::exit(code);
}
