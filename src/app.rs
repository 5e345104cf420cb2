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
use crate::lock::{self, ChangeLock, Holder};

/// What `-V` prints (D6: this program, not bridge-utils).
pub const VERSION_LINE: &str = concat!("bridge-utils-rs, ", env!("CARGO_PKG_VERSION"), "\n");

/// Runs brctl with `args` (argv, program name first) and returns the exit
/// code. stdout is flushed before returning; a closed pipe is not an error.
pub fn run(args: &[OsString], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let mut stdout = Output { inner: stdout, failed: false, gone_is_ok: false };
    let code = dispatch(args, &mut stdout, stderr);
    match stdout.flush() {
        Ok(()) => code,
        Err(err) => report_output_error(err, stderr, code),
    }
}

fn dispatch<W: Write>(args: &[OsString], stdout: &mut Output<W>, stderr: &mut impl Write) -> i32 {
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
            let result = Session::open(options).and_then(|mut session| {
                execute(command, &mut session, options, stdout, stderr, &mut |holder| notice("", holder))
            });
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

/// `-b FILE`: each line resolved and run as soon as it is read, in one
/// process with one netlink socket. The first failing line stops the run
/// (`-f` goes on); every message of a line is prefixed `line N: `. A line
/// longer than `batch::MAX_LINE` ends the run. Output whose reader went
/// away is dropped while the changes go on, as a shell loop of the
/// original's commands would go on.
fn run_batch<W: Write>(
    options: &GlobalOptions,
    file: &OsString,
    operands: &[OsString],
    stdout: &mut Output<W>,
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
    let mut session = match Session::open(options) {
        Ok(session) => session,
        Err(err) => return finish(Err(err), stderr),
    };
    stdout.gone_is_ok = true;
    let mut failed = false;
    let mut line = Vec::new();
    for number in 1.. {
        let words = match batch::next_line(&mut *reader, &mut line) {
            Ok(false) => break,
            Ok(true) => batch::split_words(&line),
            Err(batch::LineError::TooLong) => Err(Error::LineTooLong { limit: batch::MAX_LINE }),
            Err(batch::LineError::Read(errno)) => Err(batch_file(errno)),
        };
        // A line that cannot be read ends the batch, even with -f.
        let fatal = matches!(words, Err(Error::LineTooLong { .. } | Error::BatchFile { .. }));
        if words.as_ref().is_ok_and(Vec::is_empty) {
            continue;
        }
        let prefix = format!("line {number}: ");
        let mut messages = Vec::new();
        let result = words.and_then(|words| commands::resolve(&words)).and_then(|command| {
            execute(command, &mut session, options, stdout, &mut messages, &mut |holder| notice(&prefix, holder))
        });
        if let Err(err) = &result {
            messages.extend_from_slice(&error_lines(err));
        }
        // Every message of the line, a show's per-name ones included.
        let mut prefixed = Vec::new();
        for message in messages.split_inclusive(|&b| b == b'\n') {
            prefixed.extend_from_slice(prefix.as_bytes());
            prefixed.extend_from_slice(message);
        }
        let _ = stderr.write_all(&prefixed);
        if result.is_err() {
            failed = true;
            if !options.force || fatal {
                break;
            }
        }
    }
    i32::from(failed)
}

/// stdout as a run writes it. Its first failure goes to whoever wrote
/// (and is reported once); what is written after it is dropped, so no
/// later flush reports it again. In a batch (`gone_is_ok`) a reader that
/// went away is no failure at all: the output is dropped and the changes
/// go on, as a shell loop of the original's commands would go on.
struct Output<W> {
    inner: W,
    failed: bool,
    gone_is_ok: bool,
}

impl<W: Write> Output<W> {
    fn outcome<T>(&mut self, result: io::Result<T>, dropped: T) -> io::Result<T> {
        match result {
            Err(err) => {
                self.failed = true;
                if self.gone_is_ok && err.kind() == io::ErrorKind::BrokenPipe {
                    return Ok(dropped);
                }
                Err(err)
            }
            written => written,
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.outcome(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.outcome(result, ())
    }
}

/// What a run keeps from one command to the next: the kernel, and where
/// turns at changing links are taken (opened when first needed).
struct Session {
    kernel: Kernel,
    lock: Option<ChangeLock>,
}

impl Session {
    fn open(options: &GlobalOptions) -> Result<Session, Error> {
        Ok(Session { kernel: open_kernel(options)?, lock: None })
    }

    /// Waits for this run's turn at changing links (see `lock`).
    fn take_turn(&mut self, waiting: &mut dyn FnMut(&Holder)) -> Result<lock::Turn, Error> {
        let lock = match &mut self.lock {
            Some(lock) => lock,
            slot => slot.insert(ChangeLock::open().map_err(|err| Error::Setup(err.into()))?),
        };
        lock.take(waiting)
            .map_err(|holder| Error::ChangeLock { holder: holder.describe(), seconds: lock::DEADLINE.as_secs() })
    }
}

/// Says whom a change waits for, as it starts waiting: straight to the
/// process's stderr, since a batch line's own messages wait for its end.
fn notice(prefix: &str, holder: &Holder) {
    let line = format!("{prefix}waiting for the change lock, held by {}\n", holder.describe());
    let _ = io::stderr().write_all(line.as_bytes());
}

/// The backend for this run, in the namespace `-n` names.
fn open_kernel(options: &GlobalOptions) -> Result<Kernel, Error> {
    let mut kernel = backend::open().map_err(|UnknownBackend(value)| Error::BadBackend { value })?;
    if let Some(target) = &options.netns {
        kernel.enter_namespace(target).map_err(|errno| Error::Namespace { name: target.as_bytes().to_vec(), errno })?;
    }
    Ok(kernel)
}

/// Runs a resolved command; a command that changes something gets its
/// netlink socket first, then its turn among concurrent runs (`waiting`
/// hears whom it waits for).
fn execute(
    command: Command,
    session: &mut Session,
    options: &GlobalOptions,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    waiting: &mut dyn FnMut(&Holder),
) -> Result<(), Error> {
    let _turn = if command.writes() {
        session.kernel.open_netlink().map_err(Error::Setup)?;
        Some(session.take_turn(waiting)?)
    } else {
        None
    };
    let style = OutputStyle { json: options.json, pretty: options.pretty, details: options.details };
    let result = command.execute(&mut session.kernel, &style, stdout, stderr);
    for warning in session.kernel.take_warnings() {
        stderr.write_all(format!("{warning}\n").as_bytes())?;
    }
    result
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
