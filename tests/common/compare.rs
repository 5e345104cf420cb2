//! Comparing outputs that hold running timers (showstp, showmacs) with the original's, the one
//! parser of timers as brctl prints them, and a line diff for failure messages.

use std::fmt::Write as _;

use anyhow::{anyhow, bail};

/// A minimal line diff (longest common subsequence); only changed lines are shown.
pub fn line_diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // common[i][j] = length of the LCS of old[i..] and new[j..].
    let mut common = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] =
                if old[i] == new[j] { common[i + 1][j + 1] + 1 } else { common[i + 1][j].max(common[i][j + 1]) };
        }
    }
    let mut diff = String::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            i += 1;
            j += 1;
        } else if i < old.len() && (j == new.len() || common[i + 1][j] >= common[i][j + 1]) {
            let _ = writeln!(diff, "  - {}", old[i]);
            i += 1;
        } else {
            let _ = writeln!(diff, "  + {}", new[j]);
            j += 1;
        }
    }
    diff
}

/// How far two reads of one running kernel timer may be apart, in centiseconds (0.05 s).
pub const TIMER_TOLERANCE_CS: i64 = 5;

/// The showstp labels whose value is a running timer (compat reference 4.11).
pub const SHOWSTP_TIMER_LABELS: &[&str] = &[
    "hello timer",
    "tcn timer",
    "topology change timer",
    "gc timer",
    "message age timer",
    "forward delay timer",
    "hold timer",
];

/// The one timer parser: seconds with at most two decimals (`12`, `0.5`, `-3.25`, `242.34`,
/// as JSON and trimmed text fields give them) into centiseconds, exactly (no floating point).
pub fn centiseconds(text: &str) -> Option<i64> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 2 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || (text.contains('.') && fraction.is_empty()) {
        return None;
    }
    let hundredths: i64 = format!("{fraction:0<2}").parse().ok()?;
    let value = whole.parse::<i64>().ok()? * 100 + hundredths;
    Some(if negative { -value } else { value })
}

/// A timer rendered as brctl prints it (`%4i.%.2i`, compat reference 5).
pub fn render_timer(cs: i64) -> String {
    format!("{:4}.{:02}", cs / 100, (cs % 100).abs())
}

/// Parses a timer exactly as brctl prints it (`%4i.%.2i`, compat reference 5) into
/// centiseconds (`centiseconds`). Only the exact rendering is accepted, so a field padded or
/// rounded differently does not parse.
pub fn parse_timer(field: &str) -> Option<i64> {
    let cs = centiseconds(field.trim_start_matches(' '))?;
    (render_timer(cs) == field).then_some(cs)
}

/// Checks two renderings of one running timer: both well-formed and at most `tolerance_cs`
/// apart. On failure, says why.
pub fn timers_within(expected: &str, actual: &str, tolerance_cs: i64) -> anyhow::Result<()> {
    timer_between(expected, expected, actual, tolerance_cs)
}

/// Checks a reading of a running timer taken between two others (`before` and `after`, by
/// the original): all well-formed, and `actual` within `tolerance_cs` of the range the two
/// span. A timer moves one way between resets, so however long the reads took, a correct
/// `actual` lies in that range; the tolerance covers rounding to centiseconds.
pub fn timer_between(before: &str, after: &str, actual: &str, tolerance_cs: i64) -> anyhow::Result<()> {
    let (Some(first), Some(last)) = (parse_timer(before), parse_timer(after)) else {
        bail!("original timer field {before:?} or {after:?} is not a `%4i.%.2i` timer");
    };
    let Some(got) = parse_timer(actual) else {
        bail!("timer field {actual:?} is not a `%4i.%.2i` timer (original {before:?})");
    };
    let (low, high) = (first.min(last), first.max(last));
    if got < low - tolerance_cs || got > high + tolerance_cs {
        let range = if before == after { format!("{before:?}") } else { format!("{before:?} .. {after:?}") };
        let apart = (low - got).max(got - high);
        bail!("timer {actual:?} vs original {range}: {apart} cs off, more than {tolerance_cs}");
    }
    Ok(())
}

/// Compares two `showstp` stdouts line by line: byte-exact, except that the values of running
/// timers (fields after a `SHOWSTP_TIMER_LABELS` label) may be up to `tolerance_cs` apart.
pub fn compare_showstp(expected: &[u8], actual: &[u8], tolerance_cs: i64) -> anyhow::Result<()> {
    compare_showstp_between(expected, expected, actual, tolerance_cs)
}

/// Compares ours' `showstp` stdout with the original's taken just before and just after it
/// (same namespace): byte-exact, except that each running timer must lie within
/// `tolerance_cs` of the range spanned by the original's two readings (`timer_between`).
/// This holds however slowly a loaded machine runs the three commands. Should the two
/// originals differ in anything but timers (a state change in between), matching either is
/// enough.
pub fn compare_showstp_between(before: &[u8], after: &[u8], actual: &[u8], tolerance_cs: i64) -> anyhow::Result<()> {
    if before == actual || after == actual {
        return Ok(());
    }
    let texts = (std::str::from_utf8(before), std::str::from_utf8(after), std::str::from_utf8(actual));
    let (Ok(before_text), Ok(after_text), Ok(got_text)) = texts else {
        bail!("output is not UTF-8 and differs");
    };
    let verdict = showstp_lines_between(before_text, after_text, got_text, tolerance_cs);
    if verdict.is_err() && before != after {
        // A state change between the two originals: ours must match one of them.
        let versus_after = showstp_lines_between(after_text, after_text, got_text, tolerance_cs);
        let versus_before = showstp_lines_between(before_text, before_text, got_text, tolerance_cs);
        if versus_after.is_ok() || versus_before.is_ok() {
            return Ok(());
        }
        return versus_before;
    }
    verdict
}

fn showstp_lines_between(before: &str, after: &str, actual: &str, tolerance_cs: i64) -> anyhow::Result<()> {
    let before_lines: Vec<&str> = before.split('\n').collect();
    let after_lines: Vec<&str> = after.split('\n').collect();
    let got_lines: Vec<&str> = actual.split('\n').collect();
    if before_lines.len() != got_lines.len() || after_lines.len() != got_lines.len() {
        bail!(
            "{} lines vs {} lines (- original, + ours):\n{}",
            before_lines.len(),
            got_lines.len(),
            line_diff(before, actual)
        );
    }
    let mut problems = String::new();
    for (number, got) in got_lines.iter().enumerate() {
        let (first, last) = (before_lines[number], after_lines[number]);
        if *got == first || *got == last {
            continue;
        }
        if let Err(why) = showstp_line_between(first, last, got, tolerance_cs) {
            let _ = writeln!(problems, "line {}: {why}\n  - {first:?}\n  + {got:?}", number + 1);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(problems))
    }
}

/// One showstp line: tab-separated fields equal, except timer values (`timer_between`).
fn showstp_line_between(before: &str, after: &str, got: &str, tolerance_cs: i64) -> anyhow::Result<()> {
    let before_fields: Vec<&str> = before.split('\t').collect();
    let after_fields: Vec<&str> = after.split('\t').collect();
    let got_fields: Vec<&str> = got.split('\t').collect();
    if before_fields.len() != got_fields.len() || after_fields.len() != got_fields.len() {
        bail!("different fields");
    }
    let mut label = "";
    for (index, got_field) in got_fields.iter().enumerate() {
        let (first, last) = (before_fields[index], after_fields[index]);
        let after_timer_label = SHOWSTP_TIMER_LABELS.contains(&label.trim());
        if after_timer_label && parse_timer(first).is_some() {
            timer_between(first, last, got_field, tolerance_cs).map_err(|why| anyhow!("{}: {why}", label.trim()))?;
        } else if *got_field != first && *got_field != last {
            bail!("field {first:?} vs {got_field:?}");
        }
        if !first.is_empty() {
            label = first;
        }
    }
    Ok(())
}

/// Compares two `showmacs` stdouts: the header and every row byte-exact, except that the
/// ageing timer of non-local rows may be up to `tolerance_cs` apart and rows with the same
/// MAC may come in any order (the original sorts with qsort, compat reference 4.12).
pub fn compare_showmacs(expected: &[u8], actual: &[u8], tolerance_cs: i64) -> anyhow::Result<()> {
    compare_showmacs_between(expected, expected, actual, tolerance_cs)
}

/// Compares ours' `showmacs` stdout with the original's taken just before and just after it,
/// as `compare_showstp_between` does: non-local ageing timers within `tolerance_cs` of the
/// range the originals span, rows with the same MAC in any order, the rest byte-exact. If
/// the two originals list different entries, matching either is enough.
pub fn compare_showmacs_between(before: &[u8], after: &[u8], actual: &[u8], tolerance_cs: i64) -> anyhow::Result<()> {
    if before == actual || after == actual {
        return Ok(());
    }
    let texts = (std::str::from_utf8(before), std::str::from_utf8(after), std::str::from_utf8(actual));
    let (Ok(before_text), Ok(after_text), Ok(got_text)) = texts else {
        bail!("output is not UTF-8 and differs");
    };
    let verdict = showmacs_rows_between(before_text, after_text, got_text, tolerance_cs);
    if verdict.is_err() && before != after {
        let versus_after = showmacs_rows_between(after_text, after_text, got_text, tolerance_cs);
        let versus_before = showmacs_rows_between(before_text, before_text, got_text, tolerance_cs);
        if versus_after.is_ok() || versus_before.is_ok() {
            return Ok(());
        }
        return versus_before;
    }
    verdict
}

fn showmacs_rows_between(before: &str, after: &str, actual: &str, tolerance_cs: i64) -> anyhow::Result<()> {
    let diff = || format!("(- original, + ours):\n{}", line_diff(before, actual));
    let before_groups = showmacs_groups(before);
    let after_groups = showmacs_groups(after);
    let got_groups = showmacs_groups(actual);
    if showmacs_shape(&got_groups) != showmacs_shape(&before_groups)
        || showmacs_shape(&got_groups) != showmacs_shape(&after_groups)
    {
        bail!("different lines or MAC order {}", diff());
    }
    let mut problems = String::new();
    for (index, (key, got_rows)) in got_groups.iter().enumerate() {
        let (first_rows, last_rows) = (sorted_rows(&before_groups[index].1), sorted_rows(&after_groups[index].1));
        for (row, got) in sorted_rows(got_rows).iter().enumerate() {
            let (first, last) = (first_rows[row], last_rows[row]);
            if got == &first || got == &last {
                continue;
            }
            let first_fields: Vec<&str> = first.split('\t').collect();
            let last_fields: Vec<&str> = last.split('\t').collect();
            let got_fields: Vec<&str> = got.split('\t').collect();
            let same_but_timer = first_fields.len() == 5
                && last_fields.len() == 5
                && got_fields.len() == 5
                && first_fields[..4] == got_fields[..4]
                && last_fields[..4] == got_fields[..4]
                && got_fields[2] == "no";
            let verdict = if same_but_timer {
                timer_between(first_fields[4], last_fields[4], got_fields[4], tolerance_cs)
            } else {
                Err(anyhow!("row differs"))
            };
            if let Err(why) = verdict {
                let _ = writeln!(problems, "MAC {key}: {why}\n  - {first:?}\n  + {got:?}");
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(anyhow!("{problems}{}", diff()))
    }
}

/// Splits showmacs output into runs of consecutive lines with the same MAC (the second
/// tab-separated field; a line without one, like the header, is a run of its own).
fn showmacs_groups(text: &str) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (number, line) in text.split('\n').enumerate() {
        let mac = if number == 0 { None } else { line.split('\t').nth(1) };
        match (mac, groups.last_mut()) {
            (Some(mac), Some((key, rows))) if *key == mac => rows.push(line),
            (Some(mac), _) => groups.push((mac, vec![line])),
            // Lines that are not rows must match as they are: the key is the line itself.
            (None, _) => groups.push((line, vec![line])),
        }
    }
    groups
}

/// The MAC of each run of rows and the run's length.
fn showmacs_shape<'a>(groups: &[(&'a str, Vec<&str>)]) -> Vec<(&'a str, usize)> {
    groups.iter().map(|(key, rows)| (*key, rows.len())).collect()
}

/// Rows with equal MACs in a canonical order (`showmacs_sort_key`).
fn sorted_rows<'a>(rows: &[&'a str]) -> Vec<&'a str> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|row| showmacs_sort_key(row));
    rows
}

/// Orders rows with equal MACs: by everything before the timer, then by the timer value.
fn showmacs_sort_key(row: &str) -> (String, i64) {
    match row.rsplit_once('\t') {
        Some((head, timer)) => (head.to_string(), parse_timer(timer).unwrap_or(i64::MIN)),
        None => (row.to_string(), i64::MIN),
    }
}
