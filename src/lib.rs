//! bridge-utils-rs: a drop-in replacement for `brctl` from bridge-utils
//! 1.7.1, talking to the kernel over rtnetlink.
//!
//! `run` is the whole program: argv in, bytes on stdout and stderr, an
//! exit code out. Parse, validate, act: argv becomes typed values
//! (`values`), then a `commands::Command`, which runs against a backend.

pub mod backend;
pub mod batch;
pub mod cli;
pub mod commands;
pub mod error;
pub mod format;
pub mod model;
pub mod values;

use std::ffi::OsString;
use std::io::{self, Write};

use backend::Kernel;
use cli::{GlobalOptions, Invocation};
use commands::{Command, OutputStyle};
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
        Invocation::Run(options, operands) => match &options.batch {
            Some(file) => return batch::run(&options, file, &operands, stdout, stderr),
            None => return run_command(&options, &operands, stdout, stderr),
        },
    };
    outcome.unwrap_or_else(|err| report_output_error(err, stderr, 1))
}

/// A command looked up by name with its argument count checked, or why not.
pub enum Lookup<'a> {
    Found(&'static cli::CommandSpec, &'a [OsString]),
    Unknown(&'a OsString),
    TooFewArguments(&'static cli::CommandSpec),
}

pub fn look_up<'a>(name: &'a OsString, args: &'a [OsString]) -> Lookup<'a> {
    match cli::find_command(cli::bytes(name)) {
        None => Lookup::Unknown(name),
        Some(spec) if args.len() < spec.min_args => Lookup::TooFewArguments(spec),
        Some(spec) => Lookup::Found(spec, args),
    }
}

fn run_command(
    options: &GlobalOptions,
    operands: &[OsString],
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> i32 {
    let Some((name, args)) = operands.split_first() else {
        return cli::write_help(stdout).map_or_else(|err| report_output_error(err, stderr, 1), |()| 1);
    };
    let (spec, args) = match look_up(name, args) {
        Lookup::Found(spec, args) => (spec, args),
        Lookup::Unknown(name) => {
            let mut line = Error::UnknownCommand { name: cli::bytes(name).to_vec() }.message();
            line.push(b'\n');
            let written = stderr.write_all(&line).and_then(|()| cli::write_help(stdout));
            return written.map_or_else(|err| report_output_error(err, stderr, 1), |()| 1);
        }
        // The original prints this on stdout (Q15).
        Lookup::TooFewArguments(spec) => {
            return cli::write_usage(stdout, spec).map_or_else(|err| report_output_error(err, stderr, 1), |()| 1);
        }
    };
    let result = Command::parse(spec, args).and_then(|command| {
        let mut kernel = open_kernel(options)?;
        execute(command, &mut kernel, options, stdout, stderr)
    });
    finish(result, stderr)
}

/// The backend for this run, in the namespace `-n` names.
pub fn open_kernel(options: &GlobalOptions) -> Result<Kernel, Error> {
    let mut kernel = backend::open()?;
    if let Some(target) = &options.netns {
        kernel.enter_namespace(target)?;
    }
    Ok(kernel)
}

/// Runs a parsed command; a command that changes something gets its
/// netlink socket first.
pub fn execute(
    command: Command,
    kernel: &mut Kernel,
    options: &GlobalOptions,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    let _turn = if command.writes() {
        kernel.open_netlink()?;
        kernel.serialize_changes()
    } else {
        None
    };
    let style = OutputStyle { json: options.json, pretty: options.pretty, details: options.details };
    command.execute(kernel, &style, stdout, stderr)
}

/// The exit code for a result, after writing its message (and hint).
pub fn finish(result: Result<(), Error>, stderr: &mut impl Write) -> i32 {
    match result {
        Ok(()) => 0,
        // A reader that went away took what it wanted: that is success.
        Err(Error::Output(err)) => report_output_error(err, stderr, 0),
        Err(err) => {
            let _ = stderr.write_all(&error_lines(&err));
            err.exit_code()
        }
    }
}

/// An error's message and hint, each line ending in a newline.
pub fn error_lines(err: &Error) -> Vec<u8> {
    let mut lines = err.message();
    if !lines.is_empty() {
        lines.push(b'\n');
    }
    if let Some(hint) = err.hint() {
        lines.extend_from_slice(hint.as_bytes());
        lines.push(b'\n');
    }
    lines
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
