//! The command line, as the original parses it: GNU getopt_long with
//! `-h`/`--help` and `-V`/`--version` (and our opt-in options), leaving
//! the operands for `commands::resolve`. The option table lives here, once,
//! so help, man page and completions all come from it; the help lists the
//! command table's commands.

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use crate::commands::{self, Listing};

/// The help text: the original's, byte for byte, then a blank line and
/// our commands under `extensions:`, then a blank line and the options we
/// add under `options:` (D10 in docs/compat.md).
pub fn write_help(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"Usage: brctl [commands]\ncommands:\n")?;
    for spec in commands::listed(Listing::Original) {
        writeln!(out, "\t{:<10}\t{}", spec.name, spec.synopsis())?;
    }
    let mut extensions = commands::listed(Listing::Extension).peekable();
    if extensions.peek().is_some() {
        out.write_all(b"\nextensions:\n")?;
    }
    for spec in extensions {
        writeln!(out, "\t{:<10}\t{}", spec.name, spec.synopsis())?;
    }
    out.write_all(b"\noptions:\n")?;
    for spec in OPTIONS.iter().filter(|spec| spec.ours()) {
        let flags = match spec.argument {
            Some(argument) => format!("-{}, --{} {argument}", char::from(spec.short), spec.long),
            None => format!("-{}, --{}", char::from(spec.short), spec.long),
        };
        let gap = if flags.len() < 16 { "\t\t" } else { "\t" };
        writeln!(out, "\t{flags}{gap}{}", spec.help)?;
    }
    Ok(())
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
    pub action: OptionAction,
}

/// What an option does; `GlobalOptions::set` handles each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionAction {
    Help,
    Version,
    Json,
    Pretty,
    Netns,
    Batch,
    Force,
    Details,
}

impl OptionSpec {
    /// Ours rather than the original's (`-h` and `-V`).
    pub fn ours(&self) -> bool {
        !matches!(self.action, OptionAction::Help | OptionAction::Version)
    }
}

/// Every option, in the order getopt_long's table lists them (which is the
/// order of an "ambiguous" message's possibilities).
#[rustfmt::skip]
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec { short: b'h', long: "help", argument: None, help: "print the help and exit", action: OptionAction::Help },
    OptionSpec { short: b'V', long: "version", argument: None, help: "print the version and exit", action: OptionAction::Version },
    OptionSpec { short: b'j', long: "json", argument: None, help: "print what the show commands print as JSON", action: OptionAction::Json },
    OptionSpec { short: b'p', long: "pretty", argument: None, help: "indent the JSON output", action: OptionAction::Pretty },
    OptionSpec { short: b'n', long: "netns", argument: Some("NAME"), help: "act in network namespace NAME (under /run/netns) or at a path", action: OptionAction::Netns },
    OptionSpec { short: b'b', long: "batch", argument: Some("FILE"), help: "run one command per line of FILE (- for stdin)", action: OptionAction::Batch },
    OptionSpec { short: b'f', long: "force", argument: None, help: "with --batch, go on after a failing line", action: OptionAction::Force },
    OptionSpec { short: b'd', long: "details", argument: None, help: "details: showmacs interface, VLAN and flags; showstp multicast and VLAN lines", action: OptionAction::Details },
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
    /// Acts on one option; help and version end the parse before this.
    fn set(&mut self, action: OptionAction, argument: Option<OsString>) {
        match action {
            OptionAction::Help | OptionAction::Version => {}
            OptionAction::Json => self.json = true,
            OptionAction::Pretty => self.pretty = true,
            OptionAction::Netns => self.netns = argument,
            OptionAction::Batch => self.batch = argument,
            OptionAction::Force => self.force = true,
            OptionAction::Details => self.details = true,
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
        } else if let Some(cluster) = bytes.strip_prefix(b"-").filter(|cluster| !cluster.is_empty()) {
            parse_short_cluster(argv0, cluster, &mut rest)
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
                Found::Option(spec, argument) => match spec.action {
                    OptionAction::Help => return Invocation::Help,
                    OptionAction::Version => return Invocation::Version,
                    action => options.set(action, argument),
                },
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
            if !spec.ours() {
                return found;
            }
            continue;
        }
        let tail = cluster.get(at + 1..).unwrap_or_default();
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
    let mut parts = long.splitn(2, |&b| b == b'=');
    let (name, value) = (parts.next().unwrap_or(long), parts.next());
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
        let (original, rest) = text.split_once("\n\n").unwrap();
        let ours = rest.split_once("\n\n").map_or(rest, |(_extensions, options)| options);
        assert!(original.ends_with("\tstp       \t<bridge> {on|off}\tturn stp on/off"));
        assert_eq!(original.lines().count(), 18);
        assert_eq!(
            ours,
            "options:\n\
             \t-j, --json\t\tprint what the show commands print as JSON\n\
             \t-p, --pretty\t\tindent the JSON output\n\
             \t-n, --netns NAME\tact in network namespace NAME (under /run/netns) or at a path\n\
             \t-b, --batch FILE\trun one command per line of FILE (- for stdin)\n\
             \t-f, --force\t\twith --batch, go on after a failing line\n\
             \t-d, --details\t\tdetails: showmacs interface, VLAN and flags; showstp multicast and VLAN lines\n"
        );
    }

    /// Help, usage, man page and completion tests all walk the command
    /// table: a new entry shows up in each without an edit elsewhere.
    #[test]
    fn the_help_walks_the_command_table() {
        let mut out = Vec::new();
        write_help(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for spec in commands::COMMANDS {
            let line = format!("\t{:<10}\t{}\n", spec.name, spec.synopsis());
            assert_eq!(text.contains(&line), spec.listing != Listing::Hidden, "{}", spec.name);
            assert!(spec.usage().starts_with(&format!("Usage: brctl {} {}", spec.name, spec.args)));
        }
        for spec in OPTIONS.iter().filter(|spec| spec.ours()) {
            assert!(text.contains(&format!("\t-{}, --{}", char::from(spec.short), spec.long)), "{}", spec.long);
        }
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
}
