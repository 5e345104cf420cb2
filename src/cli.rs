//! The command line, as the original parses it: GNU getopt_long with
//! `-h`/`--help` and `-V`/`--version`, then a command looked up by exact
//! name with a minimum argument count. The command table lives here, once,
//! so help, usage, man page and completions all come from it.

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

/// One brctl command: its name, its argument synopsis and help (with the
/// original's TABs), and how many arguments it needs at least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    pub synopsis: &'static str,
    pub min_args: usize,
}

/// Every command, in the order the help lists them.
#[rustfmt::skip]
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec { name: "addbr", synopsis: "<bridge>\t\tadd bridge", min_args: 1 },
    CommandSpec { name: "delbr", synopsis: "<bridge>\t\tdelete bridge", min_args: 1 },
    CommandSpec { name: "addif", synopsis: "<bridge> <device>\tadd interface to bridge", min_args: 2 },
    CommandSpec { name: "delif", synopsis: "<bridge> <device>\tdelete interface from bridge", min_args: 2 },
    CommandSpec { name: "hairpin", synopsis: "<bridge> <port> {on|off}\tturn hairpin on/off", min_args: 3 },
    CommandSpec { name: "setageing", synopsis: "<bridge> <time>\t\tset ageing time", min_args: 2 },
    CommandSpec { name: "setbridgeprio", synopsis: "<bridge> <prio>\t\tset bridge priority", min_args: 2 },
    CommandSpec { name: "setfd", synopsis: "<bridge> <time>\t\tset bridge forward delay", min_args: 2 },
    CommandSpec { name: "sethello", synopsis: "<bridge> <time>\t\tset hello time", min_args: 2 },
    CommandSpec { name: "setmaxage", synopsis: "<bridge> <time>\t\tset max message age", min_args: 2 },
    CommandSpec { name: "setpathcost", synopsis: "<bridge> <port> <cost>\tset path cost", min_args: 3 },
    CommandSpec { name: "setportprio", synopsis: "<bridge> <port> <prio>\tset port priority", min_args: 3 },
    CommandSpec { name: "show", synopsis: "[ <bridge> ]\t\tshow a list of bridges", min_args: 0 },
    CommandSpec { name: "showmacs", synopsis: "<bridge>\t\tshow a list of mac addrs", min_args: 1 },
    CommandSpec { name: "showstp", synopsis: "<bridge>\t\tshow bridge stp info", min_args: 1 },
    CommandSpec { name: "stp", synopsis: "<bridge> {on|off}\tturn stp on/off", min_args: 2 },
];

/// Accepted but unlisted: removed from the original in 2004, still called by
/// old scripts (D7). Not in the help, so the help stays byte-identical.
pub const SETGCINT: CommandSpec =
    CommandSpec { name: "setgcint", synopsis: "<bridge> <time>\t\tset garbage collection interval", min_args: 0 };

pub fn find_command(name: &[u8]) -> Option<&'static CommandSpec> {
    COMMANDS.iter().chain(std::iter::once(&SETGCINT)).find(|spec| spec.name.as_bytes() == name)
}

/// The help text, byte for byte as the original prints it.
pub fn write_help(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"Usage: brctl [commands]\ncommands:\n")?;
    for spec in COMMANDS {
        writeln!(out, "\t{:<10}\t{}", spec.name, spec.synopsis)?;
    }
    Ok(())
}

pub fn write_usage(out: &mut dyn Write, spec: &CommandSpec) -> io::Result<()> {
    writeln!(out, "Incorrect number of arguments for command")?;
    writeln!(out, "Usage: brctl {} {}", spec.name, spec.synopsis)
}

/// What the options say to do before any command is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// `-h`/`--help`: help on stdout, exit 0.
    Help,
    /// `-V`/`--version`: version on stdout, exit 0.
    Version,
    /// A getopt error: its message for stderr (getopt's own line), then
    /// `Unknown option '?'`, help on stdout, exit 1.
    BadOption(Vec<u8>),
    /// The operands left after the options, in order (command first).
    Operands(Vec<OsString>),
}

const LONG_OPTIONS: [(&str, Invocation); 2] = [("help", Invocation::Help), ("version", Invocation::Version)];

/// Parses options as glibc's getopt_long("Vh", {help, version}) does,
/// permuting operands unless POSIXLY_CORRECT is set. The first option wins.
pub fn parse_options(argv0: &[u8], args: &[OsString], posixly_correct: bool) -> Invocation {
    let mut operands = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            operands.extend(rest.cloned());
            break;
        }
        if let Some(long) = bytes.strip_prefix(b"--") {
            return parse_long(argv0, long);
        }
        if bytes.len() > 1 && bytes[0] == b'-' {
            return match bytes[1] {
                b'h' => Invocation::Help,
                b'V' => Invocation::Version,
                other => Invocation::BadOption(message(&[argv0, b": invalid option -- '", &[other], b"'\n"])),
            };
        }
        // An operand ("-" and "" included).
        operands.push(arg.clone());
        if posixly_correct {
            operands.extend(rest.cloned());
            break;
        }
    }
    Invocation::Operands(operands)
}

fn parse_long(argv0: &[u8], long: &[u8]) -> Invocation {
    let (name, has_value) = match long.iter().position(|&b| b == b'=') {
        Some(eq) => (&long[..eq], true),
        None => (long, false),
    };
    let exact = LONG_OPTIONS.iter().find(|(opt, _)| opt.as_bytes() == name);
    let matches: Vec<&(&str, Invocation)> = match exact {
        Some(found) => vec![found],
        None => LONG_OPTIONS.iter().filter(|(opt, _)| opt.as_bytes().starts_with(name)).collect(),
    };
    match matches.as_slice() {
        [] => Invocation::BadOption(message(&[argv0, b": unrecognized option '--", long, b"'\n"])),
        [(_, action)] if !has_value => action.clone(),
        [(opt, _)] => {
            Invocation::BadOption(message(&[argv0, b": option '--", opt.as_bytes(), b"' doesn't allow an argument\n"]))
        }
        several => {
            let mut text = message(&[argv0, b": option '--", long, b"' is ambiguous; possibilities:"]);
            for (opt, _) in several {
                text.extend_from_slice(b" '--");
                text.extend_from_slice(opt.as_bytes());
                text.push(b'\'');
            }
            text.push(b'\n');
            Invocation::BadOption(text)
        }
    }
}

fn message(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The operand as bytes, for matching and messages.
pub fn bytes(arg: &OsStr) -> &[u8] {
    arg.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Invocation {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        parse_options(b"brctl", &args, false)
    }

    fn operands(args: &[&str]) -> Invocation {
        Invocation::Operands(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn help_line_layout_matches_the_original() {
        let mut out = Vec::new();
        write_help(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("Usage: brctl [commands]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n"));
        assert!(text.contains("\tsetbridgeprio\t<bridge> <prio>\t\tset bridge priority\n"));
        assert!(text.ends_with("\tstp       \t<bridge> {on|off}\tturn stp on/off\n"));
        assert_eq!(text.lines().count(), 18);
    }

    #[test]
    fn options_anywhere_are_seen_and_the_first_wins() {
        assert_eq!(parse(&["show", "-V"]), Invocation::Version);
        assert_eq!(parse(&["addbr", "-h"]), Invocation::Help);
        assert_eq!(parse(&["-hV"]), Invocation::Help);
        assert_eq!(parse(&["-Vh"]), Invocation::Version);
        assert_eq!(parse(&["--he"]), Invocation::Help);
        assert_eq!(parse(&["--v"]), Invocation::Version);
    }

    #[test]
    fn getopt_errors_are_worded_like_glibc() {
        let bad = |args: &[&str]| match parse(args) {
            Invocation::BadOption(text) => String::from_utf8(text).unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(bad(&["-x"]), "brctl: invalid option -- 'x'\n");
        assert_eq!(bad(&["setageing", "br0", "-1"]), "brctl: invalid option -- '1'\n");
        assert_eq!(bad(&["--foo=bar"]), "brctl: unrecognized option '--foo=bar'\n");
        assert_eq!(bad(&["--he=3"]), "brctl: option '--help' doesn't allow an argument\n");
        assert_eq!(bad(&["--=x"]), "brctl: option '--=x' is ambiguous; possibilities: '--help' '--version'\n");
    }

    #[test]
    fn double_dash_ends_options_and_operands_keep_their_order() {
        assert_eq!(parse(&["--"]), operands(&[]));
        assert_eq!(parse(&["--", "setageing", "br0", "-1"]), operands(&["setageing", "br0", "-1"]));
        assert_eq!(parse(&["setageing", "br0", "--", "-1"]), operands(&["setageing", "br0", "-1"]));
        assert_eq!(parse(&["-", ""]), operands(&["-", ""]));
    }

    #[test]
    fn posixly_correct_stops_at_the_first_operand() {
        let args: Vec<OsString> = ["show", "-V"].iter().map(OsString::from).collect();
        assert_eq!(parse_options(b"brctl", &args, true), operands(&["show", "-V"]));
    }

    #[test]
    fn commands_match_exactly() {
        assert_eq!(find_command(b"show").map(|c| c.min_args), Some(0));
        assert!(find_command(b"Show").is_none());
        assert!(find_command(b"sho").is_none());
        assert!(find_command(b"").is_none());
        assert!(find_command(b"setgcint").is_some());
    }
}
