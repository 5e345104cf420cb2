//! `-b`/`--batch FILE` and `-f`/`--force` (issue #5): one command per line, blank lines and `#`
//! comments skipped, words split at blanks with "..." and '...' quoting. Reads print what they
//! print without -b; the first failing line stops the batch with `line N: <message>` on stderr
//! and exit 1, nothing after it run; with -f every line runs and the exit is 1 at the end if
//! any failed; `-` reads stdin.
//!
//! Everything runs in throwaway namespaces (tests/common/namespace.rs). Where a batch is
//! compared with separate runs, both start from the same setup in two fresh namespaces.

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

use common::lab::{Topology, BR0_WITH_VETHS};
use common::namespace::{self, NsOutput, Sys};

/// The lab's veth pairs v0, v1 and v2 with fixed MACs, so bridge ids are the same in every
/// namespace; no bridge (the batches make their own).
fn setup() -> String {
    let veths = Topology { bridges: &[], ..BR0_WITH_VETHS };
    format!("set -e\n{}", veths.shell())
}

/// Shell writing `content` to `$W/<name>` byte for byte (a quoted here-document).
fn write_file(name: &str, content: &str) -> String {
    assert!(!content.contains("\nEND_OF_BATCH\n"));
    format!("cat >\"$W/{name}\" <<'END_OF_BATCH'\n{content}END_OF_BATCH\n")
}

/// The command lines of a batch (not blank, not a comment), as the batch reads them.
fn command_lines(content: &str) -> Vec<&str> {
    content.lines().filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#')).collect()
}

/// Shell recording the names of the interfaces in the namespace, one a line, in `$W/<name>`.
fn links(name: &str) -> String {
    format!("ls /sys/class/net >\"$W/{name}\"\n")
}

/// stdout, stderr and exit code of a command written as `<tag>.out/.err/.rc`.
fn outcome(out: &NsOutput, tag: &str) -> (String, String, i32) {
    let rc_text = out.text(&format!("{tag}.rc"));
    let rc = rc_text.trim().parse().unwrap_or_else(|_| panic!("{tag}: no exit code ({rc_text:?})"));
    (out.text(&format!("{tag}.out")), out.text(&format!("{tag}.err")), rc)
}

/// `brctl <words>` (shell text) with its streams and exit code in `$W/<tag>.*`.
fn brctl(tag: &str, words: &str) -> String {
    format!("brctl {words} >\"$W/{tag}.out\" 2>\"$W/{tag}.err\" </dev/null; echo $? >\"$W/{tag}.rc\"\n")
}

/// A batch with every kind of command, comments (indented ones too), blank lines (with blanks
/// in them), quoted words and a CRLF line. The bridges stay down, so no STP timer runs and
/// every read is exactly repeatable (setting the ageing time starts the garbage collection
/// timer, even on a bridge that is down, hence it comes after the last showstp of br1).
const MANY: &str = "# a batch with comments, blank lines and every kind of command\n\
\n\
addbr br0\n\
addif br0 v0\n\
\x20  # an indented comment\n\
addbr 'br1'\n\
addif \"br1\" v1\n\
\x20\t \n\
addif br1 v2\n\
stp br0 on\n\
setbridgeprio br0 4096\n\
setfd br0 5\n\
sethello br0 2\n\
setmaxage br0 11\n\
setpathcost br0 v0 33\n\
setportprio br0 v0 7\n\
\thairpin br0 v0 on\n\
show\n\
show br0\n\
showstp br0\n\
showmacs br0\n\
showstp   br1\r\n\
delif br1 v1\n\
setageing br1 123.5\n\
show\n\
#\n\
showmacs br1\n";

/// The reads of the second part: run as a batch (file and stdin), with -j and -d too.
const READS: &str = "show\nshowstp br0\nshowmacs br0\nshow br1\n";

#[test]
fn a_batch_prints_what_separate_runs_print_and_leaves_the_same_state() {
    let started = std::time::Instant::now();
    // The batch, then reads as batches in every form.
    let mut batched = setup();
    batched.push_str(&write_file("many", MANY));
    batched.push_str(&write_file("reads", READS));
    batched.push_str("set +e\n");
    batched.push_str(&brctl("many", "-b \"$W/many\""));
    batched.push_str("ns_state >\"$W/state\"\n");
    batched.push_str(&brctl("reads", "--batch \"$W/reads\""));
    batched.push_str(
        "brctl -b - <\"$W/reads\" >\"$W/stdin.out\" 2>\"$W/stdin.err\"; echo $? >\"$W/stdin.rc\"\n\
         cat \"$W/reads\" | brctl --batch=- >\"$W/pipe.out\" 2>\"$W/pipe.err\"; echo $? >\"$W/pipe.rc\"\n",
    );
    batched.push_str(&brctl("json", "-j -b \"$W/reads\""));
    batched.push_str(&brctl("pretty", "-b \"$W/reads\" -jp"));
    batched.push_str(&brctl("details", "-d -b \"$W/reads\""));
    // The same lines, each run on its own.
    let mut separate = setup();
    separate.push_str("set +e\n");
    for line in command_lines(MANY) {
        let line = line.trim_end_matches('\r');
        separate.push_str(&format!(
            "brctl {line} >>\"$W/many.out\" 2>>\"$W/many.err\" </dev/null; echo $? >>\"$W/many.rcs\"\n"
        ));
    }
    separate.push_str("ns_state >\"$W/state\"\n");
    for (tag, options) in [("reads", ""), ("json", "-j "), ("pretty", "-jp "), ("details", "-d ")] {
        for line in command_lines(READS) {
            separate.push_str(&format!("brctl {options}{line} >>\"$W/{tag}.out\" 2>>\"$W/{tag}.err\" </dev/null\n"));
        }
    }
    let Some(batch) = namespace::run("batch_many", Sys::Sysfs, &batched, 60) else {
        return;
    };
    let Some(alone) = namespace::run("batch_many_separately", Sys::Sysfs, &separate, 60) else {
        return;
    };

    let rcs = alone.text("many.rcs");
    assert!(rcs.lines().all(|rc| rc == "0"), "every line succeeds on its own: {rcs:?}\n{}", alone.text("many.err"));
    assert_eq!(rcs.lines().count(), 22, "the command lines of MANY");
    let (stdout, stderr, rc) = outcome(&batch, "many");
    assert_eq!((rc, stderr.as_str()), (0, ""), "the batch succeeds silently on stderr; stdout:\n{stdout}");
    assert_eq!(stdout, alone.text("many.out"), "the batch's reads print what separate runs print");
    assert!(stdout.contains("\nv0 (1)\n") && stdout.contains(" hairpin mode\t\t   1\n"), "{stdout}");
    assert!(stdout.contains(" forward delay\t\t   5.00\t\t\tbridge forward delay\t   5.00\n"), "{stdout}");
    assert!(
        stdout.contains("br1\t\t8000.02000000000b\tno\t\tv1\n\t\t\t\t\t\t\tv2\n"),
        "br1, quoted, has v1 and v2:\n{stdout}"
    );
    assert_eq!(batch.text("state"), alone.text("state"), "the batch leaves the state separate runs leave");

    let (reads, reads_err, reads_rc) = outcome(&batch, "reads");
    assert_eq!((reads_rc, reads_err.as_str()), (0, ""));
    assert_eq!(reads, alone.text("reads.out"));
    for tag in ["stdin", "pipe"] {
        assert_eq!(outcome(&batch, tag), (reads.clone(), String::new(), 0), "-b - from {tag}");
    }
    for tag in ["json", "pretty", "details"] {
        let (stdout, stderr, rc) = outcome(&batch, tag);
        assert_eq!((rc, stderr.as_str()), (0, ""), "{tag}: {stdout}");
        assert_eq!(stdout, alone.text(&format!("{tag}.out")), "{tag}: a batch of reads prints what separate runs do");
    }
    eprintln!("batch success: {:?}", started.elapsed());
}

/// A batch whose line 6 fails (after a read on line 5), with a write and a read after it.
const FAILS_AT_6: &str = "# line 1\n\
addbr b1\n\
\n\
addbr b2\n\
show\n\
addif b2 nosuch\n\
addbr b3\n\
show\n";

#[test]
fn the_first_failing_line_stops_the_batch_and_force_goes_on() {
    let mut script = setup();
    script.push_str(&write_file("fails", FAILS_AT_6));
    script.push_str("set +e\n");
    // The message of the failing line on its own, in a namespace where it fails the same way.
    script.push_str(&brctl("alone_show_empty", "show"));
    script.push_str("ip link add b2 type bridge\n");
    script.push_str(&brctl("alone", "addif b2 nosuch"));
    script.push_str("ip link del b2\n");
    // Without -f: lines 2 to 6 ran, 7 and 8 did not.
    script.push_str(&brctl("stop", "-b \"$W/fails\""));
    script.push_str(&links("links_stop"));
    script.push_str("ip link del b1; ip link del b2\n");
    // The same from stdin.
    script.push_str("brctl -b - <\"$W/fails\" >\"$W/stdin.out\" 2>\"$W/stdin.err\"; echo $? >\"$W/stdin.rc\"\n");
    script.push_str(&links("links_stdin"));
    script.push_str("ip link del b1; ip link del b2\n");
    // With -f: every line ran.
    script.push_str(&brctl("force", "-f -b \"$W/fails\""));
    script.push_str(&links("links_force"));
    script.push_str("ip link del b1; ip link del b2; ip link del b3\n");
    script.push_str(
        "brctl --force --batch - <\"$W/fails\" >\"$W/force_stdin.out\" 2>\"$W/force_stdin.err\"; \
                     echo $? >\"$W/force_stdin.rc\"\n",
    );
    script.push_str(&links("links_force_stdin"));
    let Some(out) = namespace::run("batch_fails_at_6", Sys::Sysfs, &script, 60) else {
        return;
    };

    let (_, alone_err, alone_rc) = outcome(&out, "alone");
    assert_eq!((alone_rc, alone_err.as_str()), (1, "interface nosuch does not exist!\n"));
    let message = format!("line 6: {alone_err}");
    let show_b1_b2 = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
                      b1\t\t8000.000000000000\tno\t\t\n\
                      b2\t\t8000.000000000000\tno\t\t\n";
    let show_all = format!("{show_b1_b2}b3\t\t8000.000000000000\tno\t\t\n");
    let has = |name: &str, bridge: &str| out.text(name).lines().any(|link| link == bridge);

    for (tag, links) in [("stop", "links_stop"), ("stdin", "links_stdin")] {
        let (stdout, stderr, rc) = outcome(&out, tag);
        assert_eq!(rc, 1, "{tag}: exit 1");
        assert_eq!(stderr, message, "{tag}: the failing line's message, numbered");
        assert_eq!(stdout, show_b1_b2, "{tag}: the read before the failing line, not the one after");
        assert!(has(links, "b1") && has(links, "b2"), "{tag}: lines before ran: {}", out.text(links));
        assert!(!has(links, "b3"), "{tag}: nothing after line 6 ran: {}", out.text(links));
    }
    for (tag, links) in [("force", "links_force"), ("force_stdin", "links_force_stdin")] {
        let (stdout, stderr, rc) = outcome(&out, tag);
        assert_eq!(rc, 1, "{tag}: exit 1 at the end, a line failed");
        assert_eq!(stderr, message, "{tag}: the failing line's message, numbered");
        assert_eq!(stdout, format!("{show_b1_b2}{show_all}"), "{tag}: both reads");
        assert!(has(links, "b1") && has(links, "b2") && has(links, "b3"), "{tag}: every line ran");
    }
}

/// Lines that fail in different ways, each between lines that succeed.
const MANY_FAILURES: &str = "addbr\n\
addbr c1\n\
frobnicate c1\n\
addbr c2\n\
addif c1 nosuch\n\
# a comment\n\
setageing c1 soon\n\
addbr \"\"\n\
addbr 'c 3'\n\
show nosuch\n\
delbr c2\n\
showstp\n\
addbr c4 extra words\n\
show\n";

#[test]
fn force_runs_every_line_and_reports_each_failure_with_its_number() {
    let mut script = setup();
    script.push_str(&write_file("failures", MANY_FAILURES));
    script.push_str("set +e\n");
    // The messages the commands give on their own (where they are errors on stderr).
    script.push_str("ip link add c1 type bridge\n");
    for (tag, words) in [
        ("addif", "addif c1 nosuch"),
        ("setageing", "setageing c1 soon"),
        ("empty", "addbr ''"),
        ("blank", "addbr 'c 3'"),
        ("show", "show nosuch"),
    ] {
        script.push_str(&brctl(&format!("alone_{tag}"), words));
    }
    script.push_str("ip link del c1\n");
    script.push_str(&brctl("stop", "-b \"$W/failures\""));
    script.push_str(&links("links_stop"));
    script.push_str("ip link del c1 2>/dev/null; true\n");
    script.push_str(&brctl("force", "-f -b \"$W/failures\""));
    script.push_str(&links("links_force"));
    let Some(out) = namespace::run("batch_many_failures", Sys::Sysfs, &script, 60) else {
        return;
    };

    // Without -f, line 1 (too few arguments) ends it: nothing ran.
    let (stdout, stderr, rc) = outcome(&out, "stop");
    assert_eq!(
        (rc, stdout.as_str(), stderr.as_str()),
        (
            1,
            "",
            "line 1: Incorrect number of arguments for command\n\
             line 1: Usage: brctl addbr <bridge>\t\tadd bridge\n"
        )
    );
    assert!(!out.text("links_stop").lines().any(|link| link == "c1"), "line 2 did not run");

    let alone = |tag: &str| {
        let (stdout, stderr, rc) = outcome(&out, &format!("alone_{tag}"));
        assert!(rc == 1 && stdout.is_empty() && stderr.lines().count() == 1, "{tag} on its own: {stderr:?}");
        stderr
    };
    let want = format!(
        "line 1: Incorrect number of arguments for command\n\
         line 1: Usage: brctl addbr <bridge>\t\tadd bridge\n\
         line 3: never heard of command [frobnicate]\n\
         line 5: {}\
         line 7: {}\
         line 8: {}\
         line 9: {}\
         line 10: {}\
         line 12: Incorrect number of arguments for command\n\
         line 12: Usage: brctl showstp <bridge>\t\tshow bridge stp info\n",
        alone("addif"),
        alone("setageing"),
        alone("empty"),
        alone("blank"),
        alone("show"),
    );
    let (stdout, stderr, rc) = outcome(&out, "force");
    assert_eq!(rc, 1, "exit 1 at the end: {stderr}");
    assert_eq!(stderr, want, "every failure, numbered, in order");
    // Extra words are ignored, as the original ignores them: c4 exists.
    assert_eq!(
        stdout,
        "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
         c1\t\t8000.000000000000\tno\t\t\n\
         c4\t\t8000.000000000000\tno\t\t\n"
    );
    let links = out.text("links_force");
    assert!(links.lines().any(|l| l == "c1") && !links.lines().any(|l| l == "c2"), "lines 2, 4 and 11 ran:\n{links}");
}

#[test]
fn empty_batches_missing_files_and_commands_on_the_command_line() {
    let mut script = setup();
    script.push_str(&write_file("empty", ""));
    script.push_str(&write_file("comments", "# only\n\n   # comments\n\t\n"));
    script.push_str(&write_file("one", "addbr d1\n"));
    script.push_str("set +e\n");
    script.push_str(&brctl("empty", "-b \"$W/empty\""));
    script.push_str(&brctl("comments", "-f -b \"$W/comments\""));
    script.push_str(&brctl("missing", "-b \"$W/nosuch\""));
    script.push_str(&brctl("directory", "-b \"$W\""));
    script.push_str(&brctl("operands", "-b \"$W/one\" addbr d2"));
    script.push_str(&links("links"));
    // The last line without a newline still counts.
    script.push_str("printf 'addbr d3\\nshow d3' >\"$W/unterminated\"\n");
    script.push_str(&brctl("unterminated", "-b \"$W/unterminated\""));
    let Some(out) = namespace::run("batch_edges", Sys::Sysfs, &script, 60) else {
        return;
    };
    for tag in ["empty", "comments"] {
        assert_eq!(outcome(&out, tag), (String::new(), String::new(), 0), "{tag}: nothing to do is success");
    }
    for tag in ["missing", "directory", "operands"] {
        let (stdout, stderr, rc) = outcome(&out, tag);
        assert_eq!(rc, 1, "{tag}: exit 1: {stderr:?}");
        assert!(stdout.is_empty() && stderr.ends_with('\n') && stderr.lines().count() == 1, "{tag}: {stderr:?}");
        assert!(!stderr.contains("panicked"), "{tag}: {stderr:?}");
    }
    assert!(outcome(&out, "missing").1.contains("nosuch"), "the message names the file");
    assert_eq!(
        outcome(&out, "unterminated"),
        (
            "bridge name\tbridge id\t\tSTP enabled\tinterfaces\nd3\t\t8000.000000000000\tno\t\t\n".to_string(),
            String::new(),
            0
        )
    );
    let links = out.text("links");
    assert!(!links.lines().any(|l| l == "d1" || l == "d2"), "a refused batch runs nothing:\n{links}");
}
