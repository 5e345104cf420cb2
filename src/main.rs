//! The `brctl` binary: a shim around `brctl::run`.
//!
//! `main` is the C entry point rather than Rust's: brctl is run in shell
//! loops, and Rust's runtime set-up (stack guard from /proc/self/maps, the
//! signal stack) is about a tenth of what a `show <bridge>` costs. The two
//! parts of it brctl relies on are done here: standard descriptors that are
//! closed are opened on /dev/null (else the netlink socket or the lock file
//! would become "stdout"), and SIGPIPE is ignored so that a reader going away
//! is a write error (exit 0, see `brctl::run`). argv is read from `main`'s
//! own arguments: std's `args_os` relies on glibc handing argv to its
//! init hook, which other C libraries (musl) do not do.
#![no_main]

use std::ffi::{c_char, c_int, CStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;

// SAFETY: the C runtime calls `main` once, as for any C program, with
// `argc` pointers to NUL-terminated strings in `argv` (see `arguments`).
#[unsafe(no_mangle)]
pub extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
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
    let args = arguments(argc, argv);
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

/// argv as the C runtime passed it to `main`.
fn arguments(argc: c_int, argv: *const *const c_char) -> Vec<OsString> {
    let count = usize::try_from(argc).unwrap_or(0);
    if argv.is_null() || count == 0 {
        return Vec::new();
    }
    // SAFETY: the C runtime passes `argc` valid pointers in `argv` (C11
    // 5.1.2.2.1), which live until the process exits; they are only read.
    let pointers = unsafe { std::slice::from_raw_parts(argv, count) };
    pointers
        .iter()
        .filter(|pointer| !pointer.is_null())
        // SAFETY: each non-null argv entry is a NUL-terminated string that
        // lives until the process exits; it is copied, not kept.
        .map(|&pointer| OsString::from(std::ffi::OsStr::from_bytes(unsafe { CStr::from_ptr(pointer) }.to_bytes())))
        .collect()
}
