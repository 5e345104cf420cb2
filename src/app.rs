//! The driver: options first, then one command from argv or one per line
//! of a batch, each resolved (`commands::resolve`) before the kernel is
//! touched, then run, then its messages and exit code.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use crate::backend::{self, Kernel, UnknownBackend};
use crate::batch;
use crate::cli::{self, GlobalOptions, Invocation};
use crate::commands::{self, Command, OutputStyle};
use crate::error::Error;

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
    let argv0 = args.first().map_or(&b"brctl"[..], |a| a.as_bytes());
    let rest = args.get(1..).unwrap_or(&[]);
    let posixly_correct = std::env::var_os("POSIXLY_CORRECT").is_some();
    let outcome = match cli::parse_options(argv0, rest, posixly_correct) {
        Invocation::Help => cli::write_help(stdout).map(|()| 0),
        Invocation::Version => stdout.write_all(VERSION_LINE.as_bytes()).map(|()| 0),
        Invocation::BadOption(message) => stderr
            .write_all(&message)
            .and_then(|()| stderr.write_all(b"Unknown option '?'\n"))
            .and_then(|()| cli::write_help(stdout))
            .map(|()| 1),
        Invocation::Run(options, operands) => {
            return match &options.batch {
                Some(file) => run_batch(&options, file, &operands, stdout, stderr),
                None => run_single(&options, &operands, stdout, stderr),
            }
        }
    };
    outcome.unwrap_or_else(|err| report_output_error(err, stderr, 1))
}

/// argv's command. Its refusals before anything runs are the original's:
/// no command is help on stdout, an unknown one is a line on stderr and
/// help on stdout, too few arguments is usage on stdout (Q15).
fn run_single(options: &GlobalOptions, operands: &[OsString], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let written = match commands::resolve(operands) {
        Ok(command) => {
            let result =
                open_kernel(options).and_then(|mut kernel| execute(command, &mut kernel, options, stdout, stderr));
            return finish(result, stderr);
        }
        Err(Error::NoCommand) => cli::write_help(stdout),
        Err(err @ Error::UnknownCommand { .. }) => {
            stderr.write_all(&error_lines(&err)).and_then(|()| cli::write_help(stdout))
        }
        Err(err @ Error::ArgumentCount { .. }) => stdout.write_all(&error_lines(&err)),
        Err(err) => return finish(Err(err), stderr),
    };
    written.map_or_else(|err| report_output_error(err, stderr, 1), |()| 1)
}

/// `-b FILE`: each line resolved and run as it is read, in one process
/// with one netlink socket. The first failing line stops the run (`-f`
/// goes on); every message of a line is prefixed `line N: `.
fn run_batch(
    options: &GlobalOptions,
    file: &OsString,
    operands: &[OsString],
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> i32 {
    if let Some(first) = operands.first() {
        return finish(Err(Error::BatchWithCommand { name: first.as_bytes().to_vec() }), stderr);
    }
    let batch_file = |errno| Error::BatchFile { name: file.as_bytes().to_vec(), errno };
    let mut reader = match batch::open(file) {
        Ok(reader) => reader,
        Err(errno) => return finish(Err(batch_file(errno)), stderr),
    };
    let mut kernel = match open_kernel(options) {
        Ok(kernel) => kernel,
        Err(err) => return finish(Err(err), stderr),
    };
    let mut failed = false;
    let mut line = Vec::new();
    for number in 1.. {
        match batch::next_line(&mut *reader, &mut line) {
            Ok(true) => {}
            Ok(false) => break,
            Err(errno) => return finish(Err(batch_file(errno)), stderr),
        }
        let words = match batch::split_words(&line) {
            Ok(words) if words.is_empty() => continue,
            words => words,
        };
        let mut messages = Vec::new();
        let result = words
            .and_then(|words| commands::resolve(&words))
            .and_then(|command| execute(command, &mut kernel, options, stdout, &mut messages));
        let ok = match result {
            Ok(()) => true,
            Err(Error::Output(err)) if err.kind() == io::ErrorKind::BrokenPipe => return 0,
            Err(err) => {
                messages.extend_from_slice(&error_lines(&err));
                false
            }
        };
        // Every message of the line, a show's per-name ones included.
        let mut prefixed = Vec::new();
        for message in messages.split_inclusive(|&b| b == b'\n') {
            prefixed.extend_from_slice(format!("line {number}: ").as_bytes());
            prefixed.extend_from_slice(message);
        }
        let _ = stderr.write_all(&prefixed);
        if !ok {
            failed = true;
            if !options.force {
                break;
            }
        }
    }
    i32::from(failed)
}

/// The backend for this run, in the namespace `-n` names.
fn open_kernel(options: &GlobalOptions) -> Result<Kernel, Error> {
    let mut kernel = backend::open().map_err(|UnknownBackend(value)| Error::BadBackend { value })?;
    if let Some(target) = &options.netns {
        kernel
            .enter_namespace(target)
            .map_err(|errno| Error::Namespace { name: target.as_bytes().to_vec(), errno })?;
    }
    Ok(kernel)
}

/// Runs a resolved command; a command that changes something gets its
/// netlink socket first, and its turn among concurrent runs.
fn execute(
    command: Command,
    kernel: &mut Kernel,
    options: &GlobalOptions,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    let _turn = if command.writes() {
        kernel.open_netlink().map_err(Error::Setup)?;
        kernel.serialize_changes()
    } else {
        None
    };
    let style = OutputStyle { json: options.json, pretty: options.pretty, details: options.details };
    command.execute(kernel, &style, stdout, stderr)
}

/// The exit code for a result, after writing its message (and hint).
fn finish(result: Result<(), Error>, stderr: &mut impl Write) -> i32 {
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
fn error_lines(err: &Error) -> Vec<u8> {
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
