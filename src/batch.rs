//! `-b FILE`: the lines of a batch file as words, read one line at a time
//! so that a command runs as soon as its line arrives. Blank lines and
//! comments (`#` at the start of a word, as in the shell) give no words.
//! Running them is the driver's job (`app`).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::backend::Errno;
use crate::error::Error;

/// The batch source: a file, or standard input for `-`.
pub fn open(file: &OsString) -> Result<Box<dyn BufRead>, Errno> {
    if file.as_bytes() == b"-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    Ok(Box::new(BufReader::new(File::open(file)?)))
}

/// The longest batch line, without its newline: room for any command with
/// thousands of devices, and a bound on what one line can make us hold.
pub const MAX_LINE: usize = 64 * 1024;

/// Why the next line could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    TooLong,
    Read(Errno),
}

/// Reads the next line into `line` (without its newline); false at the end.
/// At most `MAX_LINE` bytes are taken, so memory stays flat whatever the input.
pub fn next_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> Result<bool, LineError> {
    line.clear();
    let limit = MAX_LINE as u64 + 1;
    let read = Read::take(reader, limit).read_until(b'\n', line).map_err(|err| LineError::Read(err.into()))?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > MAX_LINE {
        return Err(LineError::TooLong);
    }
    Ok(true)
}

/// Splits a line into words at blanks; `"..."` and `'...'` quote a word
/// that holds blanks (or is empty). An unquoted `#` that starts a word
/// starts a comment. A quote left open is an error.
pub fn split_words(line: &[u8]) -> Result<Vec<OsString>, Error> {
    let mut words = Vec::new();
    let mut word: Option<Vec<u8>> = None;
    let mut quote: Option<u8> = None;
    for &b in line {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), b) => word.get_or_insert_with(Vec::new).push(b),
            (None, b'#') if word.is_none() => break,
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

    #[test]
    fn a_hash_starts_a_comment_only_at_the_start_of_a_word() {
        assert!(words("# addbr br0").is_empty());
        assert!(words("   #addbr br0").is_empty());
        assert_eq!(words("show # all"), ["show"]);
        assert_eq!(words("show #all of them"), ["show"]);
        assert_eq!(words("addbr br#0"), ["addbr", "br#0"]);
        assert_eq!(words("addbr '#x' \"#y\""), ["addbr", "#x", "#y"]);
        assert_eq!(words("show ''# x"), ["show", "#", "x"]);
        assert!(split_words(b"show # 'open").is_ok());
    }

    #[test]
    fn lines_come_one_at_a_time_without_their_newline() {
        let mut reader: &[u8] = b"addbr a\n\nshow\r\nlast";
        let mut line = Vec::new();
        let mut seen = Vec::new();
        while next_line(&mut reader, &mut line).unwrap() {
            seen.push(String::from_utf8(line.clone()).unwrap());
        }
        assert_eq!(seen, ["addbr a", "", "show\r", "last"]);
    }

    #[test]
    fn a_line_holds_at_most_max_line_bytes() {
        let mut line = Vec::new();
        let fits = [vec![b'a'; MAX_LINE], b"\nnext".to_vec()].concat();
        let mut reader = fits.as_slice();
        assert_eq!(next_line(&mut reader, &mut line), Ok(true));
        assert_eq!(line.len(), MAX_LINE);
        assert_eq!(next_line(&mut reader, &mut line), Ok(true));
        assert_eq!(line, b"next");
        let mut endless = std::io::repeat(0);
        let mut reader = std::io::BufReader::new(&mut endless);
        assert_eq!(next_line(&mut reader, &mut line), Err(LineError::TooLong));
        assert!(line.capacity() <= 2 * MAX_LINE + 64);
    }
}
