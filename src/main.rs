//! The `brctl` binary: a shim around `brctl::run`.

use std::io::{self, IsTerminal, Write};

fn main() {
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
