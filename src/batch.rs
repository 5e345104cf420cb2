//! `-b FILE`: one brctl command per line, in one process with one netlink
//! socket. Blank lines and `#` comments are skipped. The first failing line
//! stops the run (`-f` goes on); its messages are prefixed `line N: `.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::backend::Kernel;
use crate::cli::{self, GlobalOptions};
use crate::commands::Command;
use crate::error::{Errno, Error};
use crate::{error_lines, execute, finish, look_up, open_kernel, Lookup};

pub fn run(
    options: &GlobalOptions,
    file: &OsString,
    operands: &[OsString],
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> i32 {
    if let Some(first) = operands.first() {
        return finish(Err(Error::BatchWithCommand { name: first.as_bytes().to_vec() }), stderr);
    }
    let text = match read_file(file) {
        Ok(text) => text,
        Err(errno) => return finish(Err(Error::BatchFile { name: file.as_bytes().to_vec(), errno }), stderr),
    };
    let mut kernel = match open_kernel(options) {
        Ok(kernel) => kernel,
        Err(err) => return finish(Err(err), stderr),
    };
    let mut failed = false;
    for (index, line) in text.split(|&b| b == b'\n').enumerate() {
        let words = split_words(line);
        let first = match &words {
            Ok(words) => words.first(),
            Err(_) => None,
        };
        if words.is_ok() && first.is_none_or(|word| word.as_bytes().starts_with(b"#")) {
            continue;
        }
        let mut messages = Vec::new();
        let result = words.and_then(|words| run_line(&words, &mut kernel, options, stdout, &mut messages));
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
            prefixed.extend_from_slice(format!("line {}: ", index + 1).as_bytes());
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

fn read_file(file: &OsString) -> Result<Vec<u8>, Errno> {
    let mut text = Vec::new();
    if file == "-" {
        io::stdin().lock().read_to_end(&mut text)?;
    } else {
        std::fs::File::open(file)?.read_to_end(&mut text)?;
    }
    Ok(text)
}

/// One line's command: looked up, parsed and run like argv's.
fn run_line(
    words: &[OsString],
    kernel: &mut Kernel,
    options: &GlobalOptions,
    stdout: &mut impl Write,
    messages: &mut Vec<u8>,
) -> Result<(), Error> {
    let Some((name, args)) = words.split_first() else {
        return Ok(());
    };
    match look_up(name, args) {
        Lookup::Unknown(name) => Err(Error::UnknownCommand { name: cli::bytes(name).to_vec() }),
        Lookup::TooFewArguments(spec) => Err(Error::ArgumentCount { usage: spec.usage() }),
        Lookup::Found(spec, args) => {
            let command = Command::parse(spec, args)?;
            execute(command, kernel, options, stdout, messages)
        }
    }
}

/// Splits a line into words at blanks; `"..."` and `'...'` quote a word
/// that holds blanks (or is empty). A quote left open is an error.
pub fn split_words(line: &[u8]) -> Result<Vec<OsString>, Error> {
    let mut words = Vec::new();
    let mut word: Option<Vec<u8>> = None;
    let mut quote: Option<u8> = None;
    for &b in line {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), b) => word.get_or_insert_with(Vec::new).push(b),
            (None, b'"' | b'\'') => {
                quote = Some(b);
                word.get_or_insert_with(Vec::new);
            }
            (None, b' ' | b'\t' | b'\r') => words.extend(word.take().map(OsString::from_vec)),
            (None, b) => word.get_or_insert_with(Vec::new).push(b),
        }
    }
    if quote.is_some() {
        return Err(Error::UnterminatedQuote);
    }
    words.extend(word.map(OsString::from_vec));
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split_words(line.as_bytes()).unwrap().into_iter().map(|w| w.into_string().unwrap()).collect()
    }

    #[test]
    fn lines_split_at_blanks_with_quotes_for_odd_words() {
        assert_eq!(words("  addbr\tbr0  "), ["addbr", "br0"]);
        assert_eq!(words("show \"a b\" ''"), ["show", "a b", ""]);
        assert_eq!(words("setfd br0 2\r"), ["setfd", "br0", "2"]);
        assert!(words("   ").is_empty());
        assert!(split_words(b"addbr \"open").is_err());
    }
}
