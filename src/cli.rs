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
    writeln!(out, "{}", spec.usage())
}

impl CommandSpec {
    /// `Usage: brctl <name> <synopsis>`, as the original prints it (no newline).
    pub fn usage(&self) -> String {
        format!("Usage: brctl {} {}", self.name, self.synopsis)
    }
}

/// One option of ours: the original's `-h` and `-V` and our additions,
/// which act only when given, so output without them stays the original's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub short: u8,
    pub long: &'static str,
    /// The argument's name, for options that take one.
    pub argument: Option<&'static str>,
    pub help: &'static str,
}

/// Every option, in the order getopt_long's table lists them (which is the
/// order of an "ambiguous" message's possibilities).
#[rustfmt::skip]
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec { short: b'h', long: "help", argument: None, help: "print the help and exit" },
    OptionSpec { short: b'V', long: "version", argument: None, help: "print the version and exit" },
    OptionSpec { short: b'j', long: "json", argument: None, help: "print show, showmacs and showstp as JSON" },
    OptionSpec { short: b'p', long: "pretty", argument: None, help: "indent the JSON output" },
    OptionSpec { short: b'n', long: "netns", argument: Some("NAME"), help: "act in network namespace NAME (under /run/netns) or at a path" },
    OptionSpec { short: b'b', long: "batch", argument: Some("FILE"), help: "run one command per line of FILE (- for stdin)" },
    OptionSpec { short: b'f', long: "force", argument: None, help: "with --batch, go on after a failing line" },
    OptionSpec { short: b'd', long: "details", argument: None, help: "showmacs: add interface, VLAN and flags" },
];

/// What the options other than help and version asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalOptions {
    pub json: bool,
    pub pretty: bool,
    pub netns: Option<OsString>,
    pub batch: Option<OsString>,
    pub force: bool,
    pub details: bool,
}

impl GlobalOptions {
    fn set(&mut self, short: u8, argument: Option<OsString>) {
        match short {
            b'j' => self.json = true,
            b'p' => self.pretty = true,
            b'n' => self.netns = argument,
            b'b' => self.batch = argument,
            b'f' => self.force = true,
            _ => self.details = true,
        }
    }
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
    /// The options, and the operands left after them, in order (command first).
    Run(GlobalOptions, Vec<OsString>),
}

/// One option found in argv, before it is acted on.
enum Found {
    Option(&'static OptionSpec, Option<OsString>),
    Error(Vec<u8>),
}

/// Parses options as glibc's getopt_long does, permuting operands unless
/// POSIXLY_CORRECT is set: options act in argv order, and help or version
/// ends the parse where it stands.
pub fn parse_options(argv0: &[u8], args: &[OsString], posixly_correct: bool) -> Invocation {
    let mut options = GlobalOptions::default();
    let mut operands = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            operands.extend(rest.cloned());
            break;
        }
        let found = if let Some(long) = bytes.strip_prefix(b"--") {
            vec![parse_long(argv0, long, &mut rest)]
        } else if bytes.len() > 1 && bytes[0] == b'-' {
            parse_short_cluster(argv0, &bytes[1..], &mut rest)
        } else {
            // An operand ("-" and "" included).
            operands.push(arg.clone());
            if posixly_correct {
                operands.extend(rest.cloned());
                break;
            }
            continue;
        };
        for item in found {
            match item {
                Found::Error(message) => return Invocation::BadOption(message),
                Found::Option(spec, _) if spec.short == b'h' => return Invocation::Help,
                Found::Option(spec, _) if spec.short == b'V' => return Invocation::Version,
                Found::Option(spec, argument) => options.set(spec.short, argument),
            }
        }
    }
    Invocation::Run(options, operands)
}

/// `-jp`, `-nNAME`, `-n NAME`: each letter in turn; one that takes an
/// argument takes the rest of the cluster, or else the next word. Stops at
/// the first error or at help/version, which act before what follows.
fn parse_short_cluster<'a>(argv0: &[u8], cluster: &[u8], rest: &mut impl Iterator<Item = &'a OsString>) -> Vec<Found> {
    let mut found = Vec::new();
    for (at, &letter) in cluster.iter().enumerate() {
        let Some(spec) = OPTIONS.iter().find(|o| o.short == letter) else {
            found.push(Found::Error(message(&[argv0, b": invalid option -- '", &[letter], b"'\n"])));
            return found;
        };
        if spec.argument.is_none() {
            found.push(Found::Option(spec, None));
            if matches!(letter, b'h' | b'V') {
                return found;
            }
            continue;
        }
        let tail = &cluster[at + 1..];
        let argument =
            if tail.is_empty() { rest.next().cloned() } else { Some(OsStr::from_bytes(tail).to_os_string()) };
        found.push(match argument {
            Some(argument) => Found::Option(spec, Some(argument)),
            None => Found::Error(message(&[argv0, b": option requires an argument -- '", &[letter], b"'\n"])),
        });
        return found;
    }
    found
}

fn parse_long<'a>(argv0: &[u8], long: &[u8], rest: &mut impl Iterator<Item = &'a OsString>) -> Found {
    let (name, value) = match long.iter().position(|&b| b == b'=') {
        Some(eq) => (&long[..eq], Some(&long[eq + 1..])),
        None => (long, None),
    };
    let exact = OPTIONS.iter().find(|o| o.long.as_bytes() == name);
    let matches: Vec<&'static OptionSpec> = match exact {
        Some(found) => vec![found],
        None => OPTIONS.iter().filter(|o| o.long.as_bytes().starts_with(name)).collect(),
    };
    match matches.as_slice() {
        [] => Found::Error(message(&[argv0, b": unrecognized option '--", long, b"'\n"])),
        [spec] => match (spec.argument, value) {
            (None, None) => Found::Option(spec, None),
            (None, Some(_)) => {
                Found::Error(message(&[argv0, b": option '--", spec.long.as_bytes(), b"' doesn't allow an argument\n"]))
            }
            (Some(_), Some(value)) => Found::Option(spec, Some(OsStr::from_bytes(value).to_os_string())),
            (Some(_), None) => match rest.next() {
                Some(argument) => Found::Option(spec, Some(argument.clone())),
                None => {
                    Found::Error(message(&[argv0, b": option '--", spec.long.as_bytes(), b"' requires an argument\n"]))
                }
            },
        },
        several => {
            let mut text = message(&[argv0, b": option '--", long, b"' is ambiguous; possibilities:"]);
            for spec in several {
                text.extend_from_slice(b" '--");
                text.extend_from_slice(spec.long.as_bytes());
                text.push(b'\'');
            }
            text.push(b'\n');
            Found::Error(text)
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
        Invocation::Run(GlobalOptions::default(), args.iter().map(OsString::from).collect())
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
        assert_eq!(
            bad(&["--=x"]),
            "brctl: option '--=x' is ambiguous; possibilities: '--help' '--version' '--json' '--pretty' \
             '--netns' '--batch' '--force' '--details'\n"
        );
        assert_eq!(bad(&["-n"]), "brctl: option requires an argument -- 'n'\n");
        assert_eq!(bad(&["--batch"]), "brctl: option '--batch' requires an argument\n");
        assert_eq!(bad(&["-jx"]), "brctl: invalid option -- 'x'\n");
    }

    #[test]
    fn our_options_take_arguments_as_getopt_does() {
        let run = |args: &[&str]| match parse(args) {
            Invocation::Run(options, operands) => (options, operands),
            other => panic!("{other:?}"),
        };
        let (options, operands) = run(&["-jp", "show", "-n", "ns1", "br0"]);
        assert!(options.json && options.pretty && !options.force);
        assert_eq!(options.netns, Some(OsString::from("ns1")));
        assert_eq!(operands, vec![OsString::from("show"), OsString::from("br0")]);
        assert_eq!(run(&["-nfoo", "show"]).0.netns, Some(OsString::from("foo")));
        assert_eq!(run(&["--netns=foo", "show"]).0.netns, Some(OsString::from("foo")));
        assert_eq!(run(&["--net", "foo", "show"]).0.netns, Some(OsString::from("foo")));
        assert_eq!(run(&["-fb", "-"]).0.batch, Some(OsString::from("-")));
        assert!(run(&["-fb", "-"]).0.force);
        assert!(run(&["--det", "showmacs", "br0"]).0.details);
        assert_eq!(parse(&["-jh"]), Invocation::Help);
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
