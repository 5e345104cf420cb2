//! The shell completions (completions/brctl.bash, _brctl, brctl.fish): their command and option
//! lists must be the library's (`brctl::commands::COMMANDS`, `brctl::cli::OPTIONS`), and each shell, driven in a
//! throwaway namespace with real bridges, must offer live bridge names, free interfaces, the
//! ports of the bridge named, on/off and the options where brctl expects them.
//!
//! bash is driven by calling the completion function with COMP_WORDS/COMP_CWORD set, zsh
//! through a pseudo-terminal (zsh/zpty) with compadd wrapped to save the matches, fish with
//! `complete -C`. zsh, fish and bash-completion are skipped when missing, except under CI=true
//! (tests/common/skip.rs).
//!
//! The completions read names from /sys/class/net and `ip`. The things they ask brctl are
//! `brctl showvlans <bridge>`, for the VLANs delvlan can delete, and `brctl -d showmacs
//! <bridge>`, for the MACs delmac can delete; the kernel here may have no VLAN filtering (then
//! every port's VLAN list is empty), so the shells find a stand-in brctl first on PATH that
//! prints what ours prints for these (`SHOWVLANS`) and nothing else. No other test here depends
//! on which brctl a shell would find.

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
use brctl::commands::{CommandSpec, Listing, COMMANDS};

/// The commands the help lists, so completions offer them (not the hidden setgcint).
fn listed() -> impl Iterator<Item = &'static CommandSpec> {
    COMMANDS.iter().filter(|spec| spec.listing != Listing::Hidden)
}
use common::scratch::Scratch;
use common::{namespace, skip};

fn completions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

fn read(name: &str) -> String {
    fs::read_to_string(completions_dir().join(name)).unwrap_or_else(|err| panic!("read completions/{name}: {err}"))
}

fn command_names() -> BTreeSet<String> {
    listed().map(|spec| spec.name.to_string()).collect()
}

fn option_words() -> BTreeSet<String> {
    OPTIONS.iter().flat_map(|spec| [format!("-{}", spec.short as char), format!("--{}", spec.long)]).collect()
}

/// The words of the first `name='...'` assignment in `text`.
fn quoted_list(text: &str, name: &str) -> BTreeSet<String> {
    let start = text.find(&format!("{name}='")).unwrap_or_else(|| panic!("no {name}='...' list"));
    let rest = &text[start + name.len() + 2..];
    rest[..rest.find('\'').expect("closing quote")].split_whitespace().map(str::to_string).collect()
}

/// A scratch directory with `home/` and a `batch.txt`, removed on drop.
fn work(label: &str) -> Scratch {
    let work = Scratch::new(label);
    work.dir("home");
    fs::write(work.join("batch.txt"), "show\n").expect("write batch file");
    work
}

fn quote(text: &str) -> String {
    String::from_utf8(common::shell_quote(text.as_bytes())).expect("quoted text is UTF-8")
}

/// Finds a shell; None when it is missing (`skip::skip`: a failure under CI=true).
fn shell(test: &str, name: &str, package: &str) -> Option<PathBuf> {
    let found = ["/usr/bin", "/bin", "/usr/local/bin"].iter().map(|dir| Path::new(dir).join(name)).find(|p| p.exists());
    if found.is_none() {
        skip::skip(test, format!("{name} is missing (apt-get install {package})"));
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The lists in each file are the library's.

#[test]
fn bash_lists_every_command_and_option_of_the_cli() {
    let text = read("brctl.bash");
    assert_eq!(quoted_list(&text, "local commands"), command_names(), "commands in brctl.bash");
    assert_eq!(quoted_list(&text, "local options"), option_words(), "options in brctl.bash");
    assert!(text.contains("complete -F _brctl_rs brctl"), "registers _brctl_rs for brctl");
}

#[test]
fn zsh_lists_every_command_and_option_of_the_cli() {
    let text = read("_brctl");
    assert!(text.starts_with("#compdef brctl\n"), "_brctl must start with #compdef brctl");
    for spec in listed() {
        let entry = format!("'{}:{}'", spec.name, spec.help);
        assert!(text.contains(&entry), "_brctl lacks the command entry {entry}");
    }
    let entries = text
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with('\'') && line.ends_with('\'') && line.contains(':') && !line.contains('['))
        .count();
    assert_eq!(entries, listed().count(), "_brctl lists other commands than the CLI");
    for spec in OPTIONS {
        let (short, long) = (spec.short as char, spec.long);
        let spec_text = match spec.argument {
            None => format!("{{-{short},--{long}}}'["),
            Some(_) => format!("{{-{short}+,--{long}=}}'["),
        };
        assert!(text.contains(&spec_text), "_brctl lacks the option spec {spec_text}");
    }
    assert_eq!(text.matches("}'[").count(), OPTIONS.len(), "_brctl has other options than the CLI");
}

#[test]
fn fish_lists_every_command_and_option_of_the_cli() {
    let text = read("brctl.fish");
    let mut commands = BTreeSet::new();
    for line in text.lines().filter(|line| line.starts_with("complete -c brctl -n __brctl_rs_needs_command -a ")) {
        let rest = &line["complete -c brctl -n __brctl_rs_needs_command -a ".len()..];
        let (name, description) = rest.split_once(" -d ").expect("command with a description");
        let spec = listed().find(|spec| spec.name == name).unwrap_or_else(|| panic!("fish offers {name}"));
        assert_eq!(description, format!("'{}'", spec.help), "description of {name}");
        commands.insert(name.to_string());
    }
    assert_eq!(commands, command_names(), "commands in brctl.fish");
    let mut options = BTreeSet::new();
    for line in text.lines().filter(|line| line.starts_with("complete -c brctl -s ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        options.insert(format!("-{}", words[4]));
        options.insert(format!("--{}", words[6]));
    }
    assert_eq!(options, option_words(), "options in brctl.fish");
}

#[test]
fn syntax_of_each_file() {
    let checks: [(&str, &str, &str, &[&str]); 3] = [
        ("bash", "bash", "brctl.bash", &["-n"]),
        ("zsh", "zsh", "_brctl", &["-n"]),
        ("fish", "fish", "brctl.fish", &["--no-execute"]),
    ];
    for (name, package, file, args) in checks {
        let Some(program) = shell("syntax_of_each_file", name, package) else { continue };
        let out = Command::new(program)
            .args(args)
            .arg(completions_dir().join(file))
            .env("HOME", std::env::temp_dir())
            .output()
            .expect("run shell");
        assert!(out.status.success(), "{name} syntax check of {file}: {}", String::from_utf8_lossy(&out.stderr));
    }
    match Command::new("shellcheck").args(["-s", "bash"]).arg(completions_dir().join("brctl.bash")).output() {
        Ok(out) => assert!(out.status.success(), "shellcheck brctl.bash:\n{}", String::from_utf8_lossy(&out.stdout)),
        Err(err) => {
            skip::skip("syntax_of_each_file", format!("shellcheck not run: {err} (apt-get install shellcheck)"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Driving each shell in a namespace with real bridges.

/// Bridges br0 (ports eth0, eth1) and br1 (port eth2), a free eth3, the veth peers (free too),
/// and a named namespace `inner` with bridge ibr0 (port iv0) and a free iv1.
const SETUP: &str = "
ip link add br0 type bridge
ip link add br1 type bridge
for dev in eth0 eth1 eth2 eth3; do ip link add $dev type veth peer name p$dev; done
ip link set eth0 master br0
ip link set eth1 master br0
ip link set eth2 master br1
mount -t tmpfs tmpfs /run
ip netns add inner
ip -n inner link add ibr0 type bridge
ip -n inner link add iv0 type veth peer name iv1
ip -n inner link set iv0 master ibr0
";

/// A stand-in brctl for the shells, first on PATH: `brctl [-n inner] showvlans <bridge>` as ours
/// prints it for bridges with VLAN filtering on (the layout of src/format/vlan.rs and
/// docs/compat.md 9.4), which no kernel without VLAN filtering can show, and `brctl [-n inner]
/// -d showmacs <bridge>` as ours prints it (src/format/table.rs; a MAC on two VLANs is offered
/// once); anything else fails as the original's `never heard of command` does, with no header.
const SHOWVLANS: &str = r#"#!/bin/sh
case "$*" in
"showvlans br0")
  printf 'bridge name\tport\t\tvlan ids\n'
  printf 'br0\t\tbr0\t\t1 PVID untagged\n'
  printf '\t\teth0\t\t1 PVID untagged\n\t\t\t\t10\n\t\t\t\t20-30 untagged\n'
  printf '\t\teth1\t\tnone\n'
  ;;
"showvlans br1")
  printf 'bridge name\tport\t\tvlan ids\nbr1\t\t(vlan filtering off)\n'
  ;;
"-n inner showvlans ibr0")
  printf 'bridge name\tport\t\tvlan ids\nibr0\t\tibr0\t\tnone\n\t\tiv0\t\t5 PVID\n\t\t\t\t7-9\n'
  ;;
"-d showmacs br0")
  printf ' port no   mac addr            is local?   ageing timer   interface   vlan   flags\n'
  printf ' 1         02:00:00:00:00:10   yes         0.00           eth0               permanent\n'
  printf ' 1         02:aa:00:00:00:01   no          0.00           eth0        5      static\n'
  printf ' 1         02:aa:00:00:00:01   no          0.00           eth0               static\n'
  printf ' 2         02:aa:00:00:00:02   no          12.34          eth1\n'
  ;;
"-n inner -d showmacs ibr0")
  printf ' port no   mac addr            is local?   ageing timer   interface   vlan   flags\n'
  printf ' 1         02:bb:00:00:00:01   no          0.00           iv0                static\n'
  ;;
*)
  echo "never heard of command [$*]" >&2
  exit 1
  ;;
esac
"#;

/// A command line after `brctl ` (the last word is the one being completed) and what must be
/// offered for it.
struct Case {
    words: &'static [&'static str],
    want: Want,
}

enum Want {
    Words(&'static [&'static str]),
    Commands,
    Options,
}

impl Want {
    fn set(&self) -> BTreeSet<String> {
        match self {
            Want::Words(words) => words.iter().map(|w| w.to_string()).collect(),
            Want::Commands => command_names(),
            Want::Options => option_words(),
        }
    }
}

const FREE: &[&str] = &["eth3", "peth0", "peth1", "peth2", "peth3"];

fn cases() -> Vec<Case> {
    use Want::*;
    vec![
        Case { words: &[""], want: Commands },
        Case { words: &["-"], want: Options },
        Case { words: &["--ne"], want: Words(&["--netns"]) },
        Case { words: &["sh"], want: Words(&["show", "showmacs", "showmdb", "showstp", "showvlans"]) },
        Case { words: &["addbr", ""], want: Words(&[]) },
        Case { words: &["delbr", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["show", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["show", "br0", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["monitor", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["monitor", "br0", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["showmacs", "b"], want: Words(&["br0", "br1"]) },
        Case { words: &["showstp", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["setageing", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["setfd", "br0", ""], want: Words(&[]) },
        Case { words: &["setbridgeprio", "br1", ""], want: Words(&[]) },
        Case { words: &["addif", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["addif", "br0", ""], want: Words(FREE) },
        Case { words: &["addif", "br0", "eth3", ""], want: Words(&["peth0", "peth1", "peth2", "peth3"]) },
        Case { words: &["delif", "br0", ""], want: Words(&["eth0", "eth1"]) },
        Case { words: &["delif", "br0", "eth0", ""], want: Words(&["eth1"]) },
        Case { words: &["delif", "br1", ""], want: Words(&["eth2"]) },
        Case { words: &["hairpin", "br1", ""], want: Words(&["eth2"]) },
        Case { words: &["hairpin", "br1", "eth2", ""], want: Words(&["off", "on"]) },
        Case { words: &["setpathcost", "br0", ""], want: Words(&["eth0", "eth1"]) },
        Case { words: &["setpathcost", "br0", "eth0", ""], want: Words(&[]) },
        Case { words: &["setportprio", "br0", "e"], want: Words(&["eth0", "eth1"]) },
        Case { words: &["stp", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["stp", "br0", ""], want: Words(&["off", "on"]) },
        Case { words: &["-j", "show", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["-n", ""], want: Words(&["inner"]) },
        Case { words: &["-n", "inner", "delbr", ""], want: Words(&["ibr0"]) },
        Case { words: &["-n", "inner", "delif", "ibr0", ""], want: Words(&["iv0"]) },
        Case { words: &["--netns=inner", "addif", "ibr0", ""], want: Words(&["iv1"]) },
        Case { words: &["-jn", "inner", "showmacs", ""], want: Words(&["ibr0"]) },
        Case { words: &["-b", "batch"], want: Words(&["batch.txt"]) },
        Case { words: &["--netns=in"], want: Words(&["inner"]) },
        Case { words: &["vl"], want: Words(&["vlanfiltering"]) },
        Case { words: &["vlanfiltering", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["vlanfiltering", "br0", ""], want: Words(&["off", "on"]) },
        Case { words: &["setvlanproto", "br1", ""], want: Words(&["802.1Q", "802.1ad"]) },
        Case { words: &["setdefpvid", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["setdefpvid", "br0", ""], want: Words(&[]) },
        Case { words: &["showvlans", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["showvlans", "br1", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["addvlan", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["addvlan", "br0", ""], want: Words(&["br0", "eth0", "eth1"]) },
        Case { words: &["addvlan", "nosuch", ""], want: Words(&[]) },
        Case { words: &["addvlan", "br0", "eth0", ""], want: Words(&[]) },
        Case { words: &["addvlan", "br0", "eth0", "10", ""], want: Words(&["pvid", "untagged"]) },
        Case { words: &["addvlan", "br0", "eth0", "10", "pvid", ""], want: Words(&["untagged"]) },
        Case { words: &["addvlan", "br0", "eth0", "10-20", ""], want: Words(&["untagged"]) },
        Case { words: &["delvlan", "br1", ""], want: Words(&["br1", "eth2"]) },
        Case { words: &["delvlan", "br0", "eth0", ""], want: Words(&["1", "10", "20-30"]) },
        Case { words: &["delvlan", "br0", "eth0", "2"], want: Words(&["20-30"]) },
        Case { words: &["delvlan", "br0", "br0", ""], want: Words(&["1"]) },
        Case { words: &["delvlan", "br0", "eth1", ""], want: Words(&[]) },
        Case { words: &["delvlan", "br1", "eth2", ""], want: Words(&[]) },
        Case { words: &["-n", "inner", "addvlan", "ibr0", ""], want: Words(&["ibr0", "iv0"]) },
        Case { words: &["-n", "inner", "delvlan", "ibr0", "iv0", ""], want: Words(&["5", "7-9"]) },
        Case {
            words: &["setmc"],
            want: Words(&[
                "setmcsnoop",
                "setmcrouter",
                "setmcquerier",
                "setmcqifaddr",
                "setmclmc",
                "setmcsqc",
                "setmclmi",
                "setmcmi",
                "setmcqpi",
                "setmcqi",
                "setmcqri",
                "setmcsqi",
            ]),
        },
        Case { words: &["setmcsnoop", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["setmcsnoop", "br0", ""], want: Words(&["0", "1"]) },
        Case { words: &["setmcquerier", "br1", ""], want: Words(&["0", "1"]) },
        Case { words: &["setmcrouter", "br0", ""], want: Words(&["0", "1", "2"]) },
        Case { words: &["sethashel", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["sethashmax", "br0", ""], want: Words(&[]) },
        Case { words: &["setmcqi", "b"], want: Words(&["br0", "br1"]) },
        Case { words: &["setmcsqi", "br0", ""], want: Words(&[]) },
        Case { words: &["showmdb", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["showmdb", "br0", ""], want: Words(&[]) },
        Case { words: &["setportmcrouter", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["setportmcrouter", "br0", ""], want: Words(&["eth0", "eth1"]) },
        Case { words: &["setportmcrouter", "br0", "eth0", ""], want: Words(&["0", "1", "2", "3"]) },
        Case { words: &["setportmcfl", "br1", "eth2", ""], want: Words(&["0", "1"]) },
        Case { words: &["learning", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["learning", "br1", ""], want: Words(&["eth2"]) },
        Case { words: &["learning", "br1", "eth2", ""], want: Words(&["off", "on"]) },
        Case { words: &["neighsuppress", "br0", "e"], want: Words(&["eth0", "eth1"]) },
        Case { words: &["mcflood", "br0", "eth0", ""], want: Words(&["off", "on"]) },
        Case { words: &["bpduguard", "br0", "eth0", "on", ""], want: Words(&[]) },
        Case { words: &["-n", "inner", "isolated", "ibr0", ""], want: Words(&["iv0"]) },
        Case { words: &["--netns=inner", "setmcrouter", ""], want: Words(&["ibr0"]) },
        // The forwarding database (docs/compat.md section 11).
        Case { words: &["addmac", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["addmac", "br0", ""], want: Words(&["eth0", "eth1"]) },
        Case { words: &["addmac", "br0", "eth0", ""], want: Words(&[]) },
        Case { words: &["addmac", "br0", "eth0", "02:aa:00:00:00:03", ""], want: Words(&["vlan"]) },
        Case { words: &["delmac", "br0", "eth0", ""], want: Words(&["02:00:00:00:00:10", "02:aa:00:00:00:01"]) },
        Case { words: &["delmac", "br0", "eth1", ""], want: Words(&["02:aa:00:00:00:02"]) },
        Case { words: &["delmac", "br1", "eth2", ""], want: Words(&[]) },
        Case { words: &["delmac", "br0", "eth0", "02:aa:00:00:00:01", ""], want: Words(&["vlan"]) },
        Case { words: &["-n", "inner", "delmac", "ibr0", "iv0", ""], want: Words(&["02:bb:00:00:00:01"]) },
        Case { words: &["flushmacs", ""], want: Words(&["br0", "br1"]) },
        Case { words: &["flushmacs", "br1", ""], want: Words(&["eth2"]) },
        Case { words: &["flushmacs", "br1", "eth2", ""], want: Words(&[]) },
        Case { words: &["sethwaddr", ""], want: Words(&["br0", "br1"]) },
        Case {
            words: &["sethwaddr", "br0", ""],
            want: Words(&["br0", "br1", "eth0", "eth1", "eth2", "eth3", "peth0", "peth1", "peth2", "peth3"]),
        },
        Case { words: &["-n", "inner", "sethwaddr", "ibr0", ""], want: Words(&["ibr0", "iv0", "iv1"]) },
        Case { words: &["showmacs", "br0", ""], want: Words(&["vlan"]) },
    ]
}

/// Runs `body` in a fresh namespace (after SETUP, in the work dir, HOME there) and returns
/// the `case<N>=<words>` results; None when the lab is unavailable.
fn run_cases(test: &str, body: &str) -> Option<Vec<BTreeSet<String>>> {
    if !namespace::lab_ready(test) {
        return None;
    }
    let work = work(test);
    let script = format!(
        "mount -t sysfs sysfs /sys || exit 90\nmount -t tmpfs tmpfs /run || exit 90\nset -e\n{SETUP}\nset +e\ncd {work}\nHOME={work}/home\nexport HOME\n\
         C={completions}\nT={work}\nexport C T\n\
         mkdir \"$T/bin\"\ncat >\"$T/bin/brctl\" <<'EOF'\n{SHOWVLANS}EOF\nchmod 755 \"$T/bin/brctl\"\nPATH=\"$T/bin:$PATH\"\nexport PATH\n{body}\n",
        work = quote(&work.path.to_string_lossy()),
        completions = quote(&completions_dir().to_string_lossy()),
    );
    let output = Command::new("timeout")
        .args(["-k", "5", "300", "unshare", "-Urnm", "sh", "-c"])
        .arg(&script)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("TERM", "dumb")
        .output()
        .expect("spawn unshare");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{test}: namespace script failed ({})\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut results = vec![None; cases().len()];
    for line in stdout.lines() {
        let Some((key, value)) = line.split_once('=') else { continue };
        let Some(index) = key.strip_prefix("case").and_then(|n| n.parse::<usize>().ok()) else { continue };
        results[index] = Some(value.split_whitespace().map(str::to_string).collect());
    }
    let missing: Vec<usize> = (0..results.len()).filter(|&i| results[i].is_none()).collect();
    assert!(
        missing.is_empty(),
        "{test}: no result for cases {missing:?}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(results.into_iter().map(Option::unwrap_or_default).collect())
}

fn check(shell: &str, results: &[BTreeSet<String>]) {
    let mut wrong = String::new();
    for (case, got) in cases().iter().zip(results) {
        let want = case.want.set();
        if &want != got {
            wrong.push_str(&format!("brctl {}\n  want {want:?}\n  got  {got:?}\n", case.words.join(" ")));
        }
    }
    assert!(wrong.is_empty(), "{shell} completion offers the wrong words:\n{wrong}");
}

#[test]
fn bash_completes_live_names_in_a_namespace() {
    let mut body = String::from(
        "cat >\"$T/drive.bash\" <<'EOF'\n\
         source \"$C/brctl.bash\"\n\
         # Splits the words as bash does for completion: `=` is in COMP_WORDBREAKS, so it\n\
         # is a word of its own (`--netns=x` is `--netns` `=` `x`).\n\
         comp() {\n\
           COMP_WORDS=(brctl); COMP_LINE=\"brctl $*\"; COMP_POINT=${#COMP_LINE}\n\
           local word\n\
           for word in \"$@\"; do\n\
             while [[ $word == *=* ]]; do\n\
               [[ -n ${word%%=*} ]] && COMP_WORDS+=(\"${word%%=*}\")\n\
               COMP_WORDS+=(=); word=${word#*=}\n\
             done\n\
             [[ -n $word || ${COMP_WORDS[-1]} != = ]] && COMP_WORDS+=(\"$word\")\n\
           done\n\
           COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n\
           COMPREPLY=(); _brctl_rs; printf '%s\\n' \"${COMPREPLY[@]}\" | tr '\\n' ' '\n\
         }\n",
    );
    for (index, case) in cases().iter().enumerate() {
        let words: Vec<String> = case.words.iter().map(|w| quote(w)).collect();
        body.push_str(&format!("echo \"case{index}=$(comp {})\"\n", words.join(" ")));
    }
    body.push_str("echo \"registered=$(complete -p brctl)\"\nEOF\nbash --norc --noprofile \"$T/drive.bash\"\n");
    let Some(results) = run_cases("bash_completion", &body) else { return };
    check("bash", &results);
}

/// Drives an interactive zsh in a pseudo-terminal (zsh/zpty) for one command line, in step with
/// the shell: it types the setup as one line, waits for the prompt that line sets, types the
/// command line and a TAB, and waits until the completion's end hook has run. compadd is wrapped
/// to append each match to a file, and the hook appends an end marker there and exits, so the
/// matches are not picked out of the terminal's output (which also carries zle's redraws of all
/// that was typed). Markers are built so that the typed text never contains them. Prints the
/// matches; a shell that never got there (it died, or its output ended without the marker) makes
/// it exit 3 with the terminal's output on stderr, and `run_cases` reports that case as having no
/// result, never as offering nothing. Arguments: the completions directory, the command line, the
/// compinit dump file (made by the first run, so that the others start fast), the matches file.
///
/// No clock: each wait ends when the shell prints the marker or its terminal closes. The deadline
/// this replaces (60 s, polled against zsh 5.9's $SECONDS, which is wall-clock time) printed
/// nothing when it expired, so a shell that was only late looked like a completion offering
/// nothing; a shell that hangs is stopped by the namespace script's `timeout`, which fails the
/// test with its output.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 2
zpty z zsh -f -i || exit 2
zpty -w z "PS1='<''P>' PS2='' RPS1=''; fpath=(${(q)1} \$fpath); autoload -U compinit;\
 compinit -u -C -d ${(q)3}; zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no;\
 compadd() { local -a __rs_m; builtin compadd -O __rs_m \"\$@\"; print -rl -- \$__rs_m >>${(q)4};\
 builtin compadd \"\$@\" }; _rs_end() { print -r -- '<''END>' >>${(q)4}; print -r -- '<''END>'; exit };\
 comppostfuncs=(_rs_end)"
fail() { print -u2 -r -- "$1 for: $2"; print -u2 -r -- "$out"; zpty -d z; exit 3 }
out=''
zpty -r -m z out '*<P>*' || fail 'no prompt after the setup line' "$2"
zpty -n -w z "$2"$'\t'
zpty -r -m z out '*<END>*' || fail 'no end of completion' "$2"
zpty -d z
[[ -f $4 && $(<$4) == *'<END>' ]] || fail 'no end marker in the matches file' "$2"
print -r -- ${(ou)${(f)"$(<$4)"}:#<END>}
"#;

#[test]
fn zsh_completes_live_names_in_a_namespace() {
    if shell("zsh_completion", "zsh", "zsh").is_none() {
        return;
    }
    let mut body = format!("cat >\"$T/drive.zsh\" <<'EOF'\n{ZSH_DRIVER}EOF\n");
    for (index, case) in cases().iter().enumerate() {
        let line = format!("brctl {}", case.words.join(" "));
        // Only a driver that got to the end hook gives a result line (see ZSH_DRIVER).
        body.push_str(&format!(
            "if r=$(zsh -f \"$T/drive.zsh\" \"$C\" {} \"$T/zcompdump\" \"$T/matches{index}\"); then echo \"case{index}=$r\"; fi\n",
            quote(&line)
        ));
    }
    let Some(results) = run_cases("zsh_completion", &body) else { return };
    check("zsh", &results);
}

#[test]
fn fish_completes_live_names_in_a_namespace() {
    if shell("fish_completion", "fish", "fish").is_none() {
        return;
    }
    let mut body = String::new();
    for (index, case) in cases().iter().enumerate() {
        let line = format!("brctl {}", case.words.join(" "));
        let command = format!("source $C/brctl.fish; complete -C {}", quote(&line));
        body.push_str(&format!(
            "echo \"case{index}=$(C=\"$C\" fish --no-config -c {} | cut -f1 | sed 's/^--[a-z]*=//' | tr '\\n' ' ')\"\n",
            quote(&command)
        ));
    }
    let Some(results) = run_cases("fish_completion", &body) else { return };
    check("fish", &results);
}

/// With the bash-completion package, our file in its compat directory (where the Debian
/// package installs it, /etc/bash_completion.d) is the brctl completion, not the package's
/// own /usr/share/bash-completion/completions/brctl, which is only loaded on demand.
#[test]
fn ours_wins_over_bash_completions_own_brctl() {
    let main = Path::new("/usr/share/bash-completion/bash_completion");
    if !main.exists() {
        skip::skip(
            "ours_wins_over_bash_completions_own_brctl",
            "bash-completion is not installed (apt-get install bash-completion)",
        );
        return;
    }
    let work = work("bash_completion_compat");
    let compat = work.path.join("compat");
    fs::create_dir(&compat).expect("compat dir");
    fs::copy(completions_dir().join("brctl.bash"), compat.join("bridge-utils-rs")).expect("copy");
    let script = "source /usr/share/bash-completion/bash_completion; complete -p brctl";
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .env("BASH_COMPLETION_COMPAT_DIR", &compat)
        .env("HOME", work.path.join("home"))
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout, "complete -F _brctl_rs brctl\n", "{out:?}");
}
