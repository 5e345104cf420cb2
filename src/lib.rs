//! bridge-utils-rs: a drop-in replacement for `brctl` from bridge-utils
//! 1.7.1, talking to the kernel over rtnetlink.
//!
//! `run` is the whole program: argv in, bytes on stdout and stderr, an
//! exit code out. Parse, validate, act: argv becomes typed values
//! (`values`), then a `commands::Command`, which runs against a `Backend`.

pub mod backend;
pub mod cli;
pub mod commands;
pub mod error;
pub mod format;
pub mod model;
pub mod values;

use std::ffi::OsString;
use std::io::{self, Write};

use cli::Invocation;
use error::Error;

/// What `-V` prints (D6: this program, not bridge-utils).
pub const VERSION_LINE: &str = concat!("bridge-utils-rs, ", env!("CARGO_PKG_VERSION"), "\n");

/// Runs brctl with `args` (argv, program name first) and returns the exit
/// code. stdout is flushed before returning; a closed pipe is not an error.
pub fn run(args: &[OsString], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let code = dispatch(args, stdout, stderr);
    match stdout.flush() {
        Ok(()) => code,
        Err(err) => report_output_error(err, stderr, code),
    }
}

fn dispatch(args: &[OsString], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let argv0 = args.first().map(|a| cli::bytes(a).to_vec()).unwrap_or_else(|| b"brctl".to_vec());
    let rest = args.get(1..).unwrap_or(&[]);
    let posixly_correct = std::env::var_os("POSIXLY_CORRECT").is_some();
    let outcome = match cli::parse_options(&argv0, rest, posixly_correct) {
        Invocation::Help => cli::write_help(stdout).map(|()| 0),
        Invocation::Version => stdout.write_all(VERSION_LINE.as_bytes()).map(|()| 0),
        Invocation::BadOption(message) => stderr
            .write_all(&message)
            .and_then(|()| stderr.write_all(b"Unknown option '?'\n"))
            .and_then(|()| cli::write_help(stdout))
            .map(|()| 1),
        Invocation::Operands(operands) => return run_command(&operands, stdout, stderr),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => report_output_error(err, stderr, 1),
    }
}

fn run_command(operands: &[OsString], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let Some((name, args)) = operands.split_first() else {
        return cli::write_help(stdout).map_or_else(|err| report_output_error(err, stderr, 1), |()| 1);
    };
    let Some(spec) = cli::find_command(cli::bytes(name)) else {
        let mut line = b"never heard of command [".to_vec();
        line.extend_from_slice(cli::bytes(name));
        line.extend_from_slice(b"]\n");
        let written = stderr.write_all(&line).and_then(|()| cli::write_help(stdout));
        return written.map_or_else(|err| report_output_error(err, stderr, 1), |()| 1);
    };
    if args.len() < spec.min_args {
        return cli::write_usage(stdout, spec).map_or_else(|err| report_output_error(err, stderr, 1), |()| 1);
    }
    let result = commands::Command::parse(spec, args).and_then(|command| {
        let mut backend = backend::open(command.writes())?;
        command.execute(&mut *backend, stdout, stderr)
    });
    match result {
        Ok(()) => 0,
        Err(Error::Output(err)) => report_output_error(err, stderr, 1),
        Err(err) => {
            let mut line = err.message();
            if !line.is_empty() {
                line.push(b'\n');
            }
            if let Some(hint) = err.hint() {
                line.extend_from_slice(hint.as_bytes());
                line.push(b'\n');
            }
            let _ = stderr.write_all(&line);
            err.exit_code()
        }
    }
}

/// A reader that went away (`brctl show | head -1`) ends us quietly; any
/// other failure to write our output is an error.
fn report_output_error(err: io::Error, stderr: &mut impl Write, code: i32) -> i32 {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return code;
    }
    let mut line = Error::Output(err).message();
    line.push(b'\n');
    let _ = stderr.write_all(&line);
    1
}
