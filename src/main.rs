//! The `brctl` binary: a shim around `brctl::run`.
//!
//! `main` is the C entry point rather than Rust's: brctl is run in shell
//! loops, and Rust's runtime set-up (stack guard from /proc/self/maps, the
//! signal stack) is about a tenth of what a `show <bridge>` costs. The two
//! parts of it brctl relies on are done here: standard descriptors that are
//! closed are opened on /dev/null (else the netlink socket or the lock file
//! would become "stdout"), and SIGPIPE is ignored so that a reader going away
//! is a write error (exit 0, see `brctl::run`).
#![no_main]

use std::ffi::{c_char, c_int};
use std::io::{self, IsTerminal, Write};

// SAFETY: the C runtime calls `main` once, as for any C program; the
// arguments are not read here (std takes them from the C runtime itself).
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    for fd in 0..3 {
        // SAFETY: F_GETFD only reads the descriptor table; a closed
        // descriptor fails with EBADF. open() takes the lowest free
        // descriptor, which is then `fd`; the path is a C string literal.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1 {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
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
