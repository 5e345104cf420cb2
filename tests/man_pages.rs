//! The man pages: brctl(8) documents every command and option of the CLI (iterated from the
//! library, so a new command or option without documentation fails here), the environment,
//! the exit status and the differences from bridge-utils; bridge-utils-interfaces(5) documents
//! exactly the options the ifupdown hooks read; groff formats both without a warning.

// The package's clippy lints hold the program proper (Cargo.toml [lints]); tests unwrap,
// panic, index and run other programs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use brctl::cli::OPTIONS;
use brctl::commands::{CommandSpec, COMMANDS};
use common::skip;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn man_path(name: &str) -> PathBuf {
    root().join("man").join(name)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// A small reader for the man(7) subset the pages use: enough to get the text of each line.

/// One line of the page: the macro (without the dot) if it is a request, and its text.
#[derive(Debug, Clone)]
struct Line {
    request: Option<String>,
    text: String,
}

/// Removes font changes and turns the escapes the pages use into their characters.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('f') => {
                // \fB, \fI, \fR, \fP or \f(XX
                let font = chars.next();
                let long_name = if font == Some('(') { 2 } else { 0 };
                for _ in 0..long_name {
                    chars.next();
                }
            }
            Some('-') => out.push('-'),
            Some('e') => out.push('\\'),
            Some('&') => {}
            Some(' ') => out.push(' '),
            Some('(') => {
                let name: String = [chars.next(), chars.next()].into_iter().flatten().collect();
                out.push_str(match name.as_str() {
                    "aq" => "'",
                    "bu" => "*",
                    "em" => "--",
                    _ => "?",
                });
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Splits macro arguments as roff does: spaces separate, double quotes group.
fn arguments(text: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    args.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            _ => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        args.push(current);
    }
    args
}

fn parse(source: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    for raw in source.lines() {
        if raw.starts_with(".\\\"") || raw.starts_with("'\\\"") {
            continue;
        }
        let Some(request) = raw.strip_prefix('.') else {
            lines.push(Line { request: None, text: unescape(raw) });
            continue;
        };
        let (name, rest) = request.split_once(' ').unwrap_or((request, ""));
        let args = arguments(rest);
        // Alternating-font macros join their arguments without spaces.
        let joined = match name {
            "BI" | "BR" | "IB" | "IR" | "RB" | "RI" => args.concat(),
            _ => args.join(" "),
        };
        lines.push(Line { request: Some(name.to_string()), text: unescape(&joined) });
    }
    lines
}

/// The lines of section `name` (after `.SH name`, up to the next `.SH`).
fn section(lines: &[Line], name: &str) -> Vec<Line> {
    let start = lines
        .iter()
        .position(|l| l.request.as_deref() == Some("SH") && l.text == name)
        .unwrap_or_else(|| panic!("no section {name:?}"));
    lines[start + 1..].iter().take_while(|l| l.request.as_deref() != Some("SH")).cloned().collect()
}

fn section_text(lines: &[Line], name: &str) -> String {
    section(lines, name).iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// A `.TP` item: its tag line and the text of its paragraph.
#[derive(Debug)]
struct Item {
    tag: String,
    body: String,
}

/// The `.TP` items of some lines (a `.TQ` adds its line to the item's tag).
fn items(lines: &[Line]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut open = false;
    let mut index = 0;
    while index < lines.len() {
        let line = &lines[index];
        match line.request.as_deref() {
            Some("TP") | Some("TQ") => {
                let tag = lines.get(index + 1).map(|l| l.text.clone()).unwrap_or_default();
                if line.request.as_deref() == Some("TQ") && open {
                    let last = items.last_mut().expect("an item before .TQ");
                    last.tag.push_str(" | ");
                    last.tag.push_str(&tag);
                } else {
                    items.push(Item { tag, body: String::new() });
                }
                open = true;
                index += 2;
                continue;
            }
            Some("SS") | Some("SH") | Some("PP") => open = false,
            _ => {
                if open {
                    let last = items.last_mut().expect("an open item");
                    last.body.push(' ');
                    last.body.push_str(&line.text);
                }
            }
        }
        index += 1;
    }
    items
}

fn brctl_page() -> Vec<Line> {
    parse(&read(&man_path("brctl.8")))
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// The argument placeholders of a synopsis: `<bridge>` gives `bridge`, `{on|off}` gives `on`
/// and `off`, `<vid>[-<vid>]` gives `vid` (twice), and an optional keyword such as `[pvid]`
/// gives `pvid`.
fn placeholders(spec: &CommandSpec) -> Vec<String> {
    let arguments = spec.args;
    let mut words = Vec::new();
    for token in arguments.split_whitespace() {
        if let Some(choices) = token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            words.extend(choices.split('|').map(str::to_string));
            continue;
        }
        if let Some(keyword) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            if !keyword.is_empty() && keyword.chars().all(|c| c.is_ascii_lowercase()) {
                words.push(keyword.to_string());
                continue;
            }
        }
        let mut rest = token;
        while let Some((_, after)) = rest.split_once('<') {
            let Some((name, after)) = after.split_once('>') else { break };
            words.push(name.to_string());
            rest = after;
        }
    }
    words
}

// ---------------------------------------------------------------------------------------------
// brctl(8)

#[test]
fn every_command_of_the_cli_has_an_entry_with_its_arguments() {
    let page = brctl_page();
    let entries = items(&section(&page, "COMMANDS"));
    let mut missing = Vec::new();
    for spec in COMMANDS.iter() {
        let Some(entry) = entries.iter().find(|item| first_word(&item.tag) == spec.name) else {
            missing.push(format!("{}: no entry", spec.name));
            continue;
        };
        // `...` is no word; a dot inside one is (`802.1Q`).
        let tag_words: Vec<&str> = entry
            .tag
            .split(|c: char| c.is_whitespace() || "[]|".contains(c))
            .map(|w| w.trim_end_matches('.').trim_start_matches('-'))
            .filter(|w| !w.is_empty())
            .collect();
        for placeholder in placeholders(spec) {
            if !tag_words.contains(&placeholder.as_str()) {
                missing.push(format!("{}: the entry {:?} lacks <{placeholder}>", spec.name, entry.tag));
            }
        }
        if entry.body.split_whitespace().count() < 3 {
            missing.push(format!("{}: the entry says nearly nothing", spec.name));
        }
    }
    assert!(missing.is_empty(), "brctl.8 COMMANDS:\n{}", missing.join("\n"));
}

#[test]
fn every_command_entry_is_a_command_of_the_cli() {
    let page = brctl_page();
    for item in items(&section(&page, "COMMANDS")) {
        let name = first_word(&item.tag);
        assert!(
            COMMANDS.iter().any(|spec| spec.name == name),
            "brctl.8 documents {name:?}, which the CLI does not have"
        );
    }
}

#[test]
fn setgcint_is_documented_as_obsolete() {
    let page = brctl_page();
    let entries = items(&section(&page, "COMMANDS"));
    let entry = entries.iter().find(|item| first_word(&item.tag) == "setgcint").expect("setgcint entry");
    assert!(entry.body.to_lowercase().contains("obsolete"), "{entry:?}");
    assert!(entry.body.contains("does nothing"), "{entry:?}");
}

#[test]
fn every_option_of_the_cli_has_an_entry_with_both_names_and_its_argument() {
    let page = brctl_page();
    let entries = items(&section(&page, "OPTIONS"));
    for spec in OPTIONS {
        let short = format!("-{}", spec.short as char);
        let long = format!("--{}", spec.long);
        let entry = entries
            .iter()
            .find(|item| item.tag.split([' ', ',']).any(|word| word == short))
            .unwrap_or_else(|| panic!("brctl.8 OPTIONS: no entry for {short}"));
        let words: Vec<&str> = entry.tag.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        assert!(words.contains(&long.as_str()), "the entry {:?} lacks {long}", entry.tag);
        match spec.argument {
            Some(argument) => assert!(
                words.iter().any(|w| w.eq_ignore_ascii_case(argument)),
                "the entry {:?} lacks the argument {argument}",
                entry.tag
            ),
            None => assert_eq!(words.len(), 2, "the entry {:?} names an argument {long} does not take", entry.tag),
        }
        assert!(entry.body.split_whitespace().count() >= 3, "the entry for {long} says nearly nothing");
    }
    assert_eq!(entries.len(), OPTIONS.len(), "brctl.8 documents options the CLI does not have: {entries:#?}");
}

#[test]
fn environment_exit_status_and_see_also() {
    let page = brctl_page();
    let environment = section_text(&page, "ENVIRONMENT");
    for word in ["BRCTL_BACKEND", "auto", "netlink", "sysfs", "POSIXLY_CORRECT"] {
        assert!(environment.contains(word), "ENVIRONMENT lacks {word}");
    }
    let exit = section_text(&page, "EXIT STATUS");
    assert!(exit.contains("status 0") && exit.contains("status 1"), "EXIT STATUS: {exit}");
    let see_also = section_text(&page, "SEE ALSO");
    for page in ["bridge(8)", "ip-link(8)", "bridge-utils-interfaces(5)"] {
        assert!(see_also.contains(page), "SEE ALSO lacks {page}: {see_also}");
    }
    let examples = section_text(&page, "EXAMPLES");
    for command in ["brctl addbr xenbr0", "brctl addif xenbr0 eth0", "bridge_ports eth0"] {
        assert!(examples.contains(command), "EXAMPLES lacks the Xen bridge ({command})");
    }
    let json = section_text(&page, "JSON OUTPUT");
    for field in ["bridge_id", "stp_enabled", "interfaces", "mac_addr", "is_local", "ageing_timer", "hairpin"] {
        assert!(json.contains(field), "JSON OUTPUT lacks {field}");
    }
    let batch = section_text(&page, "BATCH FILES");
    assert!(batch.contains("line N:"), "BATCH FILES: how a failing line is reported");
    for heading in ["NAME", "SYNOPSIS", "DESCRIPTION"] {
        assert!(!section(&page, heading).is_empty(), "{heading} is empty");
    }
}

/// The titles of the deliberate differences in docs/compat.md section 7 ("**D1 Names**", ...).
fn difference_titles() -> Vec<String> {
    let compat = root().join("docs/compat.md");
    let text = fs::read_to_string(&compat).expect("docs/compat.md");
    let mut titles = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("* **D") else { continue };
        let Some((label, _)) = rest.split_once("**") else { continue };
        let title = label.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
        titles.push(title.to_string());
    }
    assert!(titles.len() >= 9, "found only {titles:?} in {}", compat.display());
    titles
}

#[test]
fn every_deliberate_difference_is_listed() {
    let page = brctl_page();
    let entries = items(&section(&page, "DIFFERENCES FROM BRIDGE-UTILS"));
    let tags: Vec<String> = entries.iter().map(|item| item.tag.to_lowercase()).collect();
    for title in difference_titles() {
        assert!(
            tags.iter().any(|tag| *tag == title.to_lowercase()),
            "DIFFERENCES FROM BRIDGE-UTILS has no entry {title:?} (entries: {tags:?})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// bridge-utils-interfaces(5)

/// The `bridge_*` options the hooks read (`IF_BRIDGE_FD` is `bridge_fd`).
fn options_read_by_hooks() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for hook in ["if-pre-up.d/bridge", "if-post-down.d/bridge"] {
        let text = read(&root().join("ifupdown").join(hook));
        for (at, _) in text.match_indices("IF_BRIDGE_") {
            let name: String = text[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            // Comments speak of IF_BRIDGE_* in general.
            if name.len() > "BRIDGE_".len() {
                found.insert(name.to_lowercase());
            }
        }
    }
    found
}

#[test]
fn interfaces_page_documents_exactly_the_options_the_hooks_read() {
    let page = parse(&read(&man_path("bridge-utils-interfaces.5")));
    let entries = items(&section(&page, "OPTIONS"));
    let documented: BTreeSet<String> =
        entries.iter().map(|item| first_word(&item.tag).to_string()).filter(|w| w.starts_with("bridge_")).collect();
    assert_eq!(documented, options_read_by_hooks(), "documented (left) and read by the hooks (right)");
    // What issue #6 asks for, at least.
    for option in [
        "bridge_ports",
        "bridge_stp",
        "bridge_fd",
        "bridge_hello",
        "bridge_maxage",
        "bridge_ageing",
        "bridge_bridgeprio",
        "bridge_pathcost",
        "bridge_portprio",
        "bridge_hw",
        "bridge_maxwait",
        "bridge_waitport",
    ] {
        assert!(documented.contains(option), "{option} is not documented");
    }
    let ports = entries.iter().find(|item| first_word(&item.tag) == "bridge_ports").expect("bridge_ports");
    for form in ["none", "regex", "noregex", "all"] {
        // The forms are items nested in bridge_ports' paragraph (.RS).
        let inner = entries.iter().any(|item| item.tag.split(['[', ']', ' ']).any(|word| word == form));
        assert!(inner || ports.body.contains(form), "bridge_ports: the form {form:?} is not documented");
    }
    let environment = section_text(&page, "ENVIRONMENT");
    for word in ["IFACE", "MODE", "PHASE", "IF_BRIDGE_FD"] {
        assert!(environment.contains(word), "ENVIRONMENT lacks {word}");
    }
}

// ---------------------------------------------------------------------------------------------
// groff

#[test]
fn groff_formats_both_pages_without_a_warning() {
    let probe = Command::new("groff").arg("--version").output();
    if probe.is_err() {
        skip::skip("groff_formats_both_pages_without_a_warning", "groff is missing (apt-get install groff-base)");
        return;
    }
    for page in ["brctl.8", "bridge-utils-interfaces.5"] {
        for args in [&["-man", "-ww", "-z"][..], &["-man", "-ww", "-Tutf8"][..]] {
            let out = Command::new("groff").args(args).arg(man_path(page)).output().expect("run groff");
            assert!(out.status.success(), "groff {args:?} {page}: {}", out.status);
            assert!(out.stderr.is_empty(), "groff {args:?} {page} warns:\n{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[test]
fn placeholders_of_every_synopsis_shape() {
    let words = |name: &str| placeholders(COMMANDS.iter().find(|spec| spec.name == name).unwrap());
    assert_eq!(words("show"), ["bridge"]);
    assert_eq!(words("hairpin"), ["bridge", "port", "on", "off"]);
    assert_eq!(words("setvlanproto"), ["bridge", "802.1Q", "802.1ad"]);
    assert_eq!(words("addvlan"), ["bridge", "port", "vid", "vid", "pvid", "untagged"]);
}

#[test]
fn the_reader_understands_the_subset_used() {
    let lines = parse(".BI \"addbr \" bridge\n\\fBshow\\fR [\\fIbridge\\fR ...]\n.BR ip\\-link (8),\n");
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["addbr bridge", "show [bridge ...]", "ip-link(8),"]);
}
