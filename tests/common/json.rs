//! Helpers for the tests of the options beyond the original's (`-j`, `-p`, `-n`, `-b`, `-f`,
//! `-d`, issue #5): a small strict JSON parser (no serde), parsers for the text output
//! of show, showstp and showmacs, and the expected JSON built from that text, so that every
//! JSON field can be checked against the value the text shows.
//!
//! The comparison works on flattened documents: every leaf of a JSON value gets a path such as
//! `ports[1].hold_timer` or `[0].interfaces[2]`; an empty array or object is a leaf of its own.
//! The text of a command becomes the list of paths and values its JSON must have, no more and
//! no fewer.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{anyhow, bail, Context};

use super::compare::{centiseconds, SHOWSTP_TIMER_LABELS};

// ---------------------------------------------------------------------------------------------
// JSON

/// A parsed JSON value. Numbers keep their exact text; objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The keys of an object, in document order.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Json::Object(fields) => fields.iter().map(|(name, _)| name.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

/// Parses exactly one JSON document (RFC 8259), with whitespace around it and nothing else.
/// Strict: no trailing commas, no leading zeros, no raw control characters in strings, no
/// duplicate keys in an object.
pub fn parse_json(text: &str) -> anyhow::Result<Json> {
    let mut parser = Parser { bytes: text.as_bytes(), at: 0 };
    parser.skip_blanks();
    let value = parser.value(0)?;
    parser.skip_blanks();
    if parser.at != parser.bytes.len() {
        return Err(parser.error("trailing characters after the document"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> anyhow::Error {
        let end = (self.at + 20).min(self.bytes.len());
        let near = String::from_utf8_lossy(&self.bytes[self.at.min(end)..end]);
        anyhow!("JSON: {what} at byte {} (near {near:?})", self.at)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> anyhow::Result<()> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {:?}", byte as char)))
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> anyhow::Result<Json> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown literal"))
        }
    }

    fn value(&mut self, depth: usize) -> anyhow::Result<Json> {
        if depth > 64 {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end")),
        }
    }

    fn object(&mut self, depth: usize) -> anyhow::Result<Json> {
        self.expect(b'{')?;
        let mut fields: Vec<(String, Json)> = Vec::new();
        self.skip_blanks();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(fields));
        }
        loop {
            self.skip_blanks();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string()?;
            if fields.iter().any(|(name, _)| *name == key) {
                return Err(self.error(&format!("duplicate key {key:?}")));
            }
            self.skip_blanks();
            self.expect(b':')?;
            self.skip_blanks();
            let value = self.value(depth + 1)?;
            fields.push((key, value));
            self.skip_blanks();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(fields));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> anyhow::Result<Json> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_blanks();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_blanks();
            items.push(self.value(depth + 1)?);
            self.skip_blanks();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn string(&mut self) -> anyhow::Result<String> {
        self.expect(b'"')?;
        let mut bytes = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else {
                        return Err(self.error("unterminated escape"));
                    };
                    self.at += 1;
                    let plain = match escape {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let c = self.unicode_escape()?;
                            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                            continue;
                        }
                        _ => return Err(self.error("bad escape")),
                    };
                    bytes.push(plain);
                }
                0x00..=0x1f => return Err(self.error("raw control character in a string")),
                _ => bytes.push(byte),
            }
        }
        String::from_utf8(bytes).map_err(|_| self.error("string is not UTF-8"))
    }

    fn hex4(&mut self) -> anyhow::Result<u32> {
        let digits = self.bytes.get(self.at..self.at + 4).ok_or_else(|| self.error("short \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("bad \\u escape"))?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("bad \\u escape"));
        }
        self.at += 4;
        u32::from_str_radix(text, 16).map_err(|_| self.error("bad \\u escape"))
    }

    fn unicode_escape(&mut self) -> anyhow::Result<char> {
        let first = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&first) {
            if !self.bytes[self.at..].starts_with(b"\\u") {
                return Err(self.error("lone high surrogate"));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xdc00..0xe000).contains(&second) {
                return Err(self.error("bad low surrogate"));
            }
            0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("escape is not a character"))
    }

    fn number(&mut self) -> anyhow::Result<Json> {
        let start = self.at;
        let digits = |parser: &mut Parser| {
            let from = parser.at;
            while matches!(parser.peek(), Some(b'0'..=b'9')) {
                parser.at += 1;
            }
            parser.at - from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let count = digits(self);
        if count == 0 || (count > 1 && self.bytes[int_start] == b'0') {
            return Err(self.error("bad number"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(self.error("bad fraction"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("bad exponent"));
            }
        }
        Ok(Json::Number(String::from_utf8_lossy(&self.bytes[start..self.at]).into_owned()))
    }
}

// ---------------------------------------------------------------------------------------------
// Flattened documents

/// A leaf of a flattened JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaf {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    String(String),
    EmptyArray,
    EmptyObject,
}

impl std::fmt::Display for Leaf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Leaf::Null => write!(f, "null"),
            Leaf::Bool(b) => write!(f, "{b}"),
            Leaf::Number(n) => write!(f, "{n}"),
            Leaf::String(s) => write!(f, "{s:?}"),
            Leaf::EmptyArray => write!(f, "[]"),
            Leaf::EmptyObject => write!(f, "{{}}"),
        }
    }
}

/// Every leaf of `value` with its path, in document order.
pub fn flatten(value: &Json) -> Vec<(String, Leaf)> {
    let mut leaves = Vec::new();
    flatten_into(value, String::new(), &mut leaves);
    leaves
}

fn flatten_into(value: &Json, path: String, leaves: &mut Vec<(String, Leaf)>) {
    match value {
        Json::Null => leaves.push((path, Leaf::Null)),
        Json::Bool(b) => leaves.push((path, Leaf::Bool(*b))),
        Json::Number(n) => leaves.push((path, Leaf::Number(n.clone()))),
        Json::String(s) => leaves.push((path, Leaf::String(s.clone()))),
        Json::Array(items) if items.is_empty() => leaves.push((path, Leaf::EmptyArray)),
        Json::Object(fields) if fields.is_empty() => leaves.push((path, Leaf::EmptyObject)),
        Json::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten_into(item, format!("{path}[{index}]"), leaves);
            }
        }
        Json::Object(fields) => {
            for (key, item) in fields {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                flatten_into(item, child, leaves);
            }
        }
    }
}

/// What one path of the JSON must hold, according to the text output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// Exactly this leaf.
    Exact(Leaf),
    /// A running timer: a number within the tolerance of these centiseconds.
    Timer(i64),
    /// Any of these leaves (what the text cannot tell apart).
    AnyOf(Vec<Leaf>),
}

impl std::fmt::Display for Want {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Want::Exact(leaf) => write!(f, "{leaf}"),
            Want::Timer(cs) => write!(f, "timer {}.{:02} s", cs / 100, (cs % 100).abs()),
            Want::AnyOf(leaves) => {
                let names: Vec<String> = leaves.iter().map(Leaf::to_string).collect();
                write!(f, "one of {}", names.join(", "))
            }
        }
    }
}

/// The paths and values a JSON document must have: exactly these paths, no others.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub fields: Vec<(String, Want)>,
}

impl Expected {
    pub fn push(&mut self, path: String, want: Want) {
        self.fields.push((path, want));
    }

    pub fn exact(&mut self, path: String, leaf: Leaf) {
        self.push(path, Want::Exact(leaf));
    }

    /// An array of strings (interfaces, flag words); an empty one is the leaf `[]`.
    pub fn words(&mut self, path: &str, words: &[&str]) {
        if words.is_empty() {
            self.exact(path.to_string(), Leaf::EmptyArray);
        }
        for (index, word) in words.iter().enumerate() {
            self.exact(format!("{path}[{index}]"), Leaf::String(word.to_string()));
        }
    }
}

/// Compares a flattened document with what the text says. Returns every problem: a missing
/// or extra path, a value that differs, a timer further than `tolerance_cs` away. Timers
/// are checked only when `timers` is true (see `check_between`).
fn problems(actual: &[(String, Leaf)], expected: &Expected, tolerance_cs: i64, timers: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for (path, leaf) in actual {
        if seen.insert(path.as_str(), leaf).is_some() {
            problems.push(format!("{path}: appears twice"));
        }
    }
    let wanted: BTreeMap<&str, &Want> = expected.fields.iter().map(|(path, want)| (path.as_str(), want)).collect();
    for (path, want) in &expected.fields {
        let Some(leaf) = seen.get(path.as_str()) else {
            problems.push(format!("{path}: missing (want {want})"));
            continue;
        };
        let ok = match want {
            Want::Exact(expected) => *leaf == expected,
            Want::AnyOf(options) => options.contains(leaf),
            Want::Timer(_) if !timers => matches!(leaf, Leaf::Number(n) if centiseconds(n).is_some()),
            Want::Timer(cs) => {
                matches!(leaf, Leaf::Number(n) if centiseconds(n).is_some_and(|got| (got - cs).abs() <= tolerance_cs))
            }
        };
        if !ok {
            problems.push(format!("{path}: {leaf} (want {want})"));
        }
    }
    for (path, leaf) in actual {
        if !wanted.contains_key(path.as_str()) {
            problems.push(format!("{path}: {leaf} is not in the text output"));
        }
    }
    problems
}

/// Checks a JSON document against the text outputs taken just before and just after it (the
/// two differ only by running timers, or by a state that changed in between). Every field but
/// the timers must equal the same neighbour's: the document is one snapshot.
///
/// A timer read by the JSON run lies between its readings by the two text runs, however long
/// each run takes: `timer_between` says how. When only one neighbour has the JSON's shape (an
/// entry came or went in between), its timers must be within `tolerance_cs` of the JSON's.
pub fn check_between(json: &Json, before: &Expected, after: &Expected, tolerance_cs: i64) -> anyhow::Result<()> {
    let actual = flatten(json);
    let shape_before = problems(&actual, before, tolerance_cs, false);
    let shape_after = problems(&actual, after, tolerance_cs, false);
    if !shape_before.is_empty() && !shape_after.is_empty() {
        let mut report = String::from("the JSON matches neither text output around it\nagainst the one before:\n");
        for problem in &shape_before {
            let _ = writeln!(report, "  {problem}");
        }
        report.push_str("against the one after:\n");
        for problem in &shape_after {
            let _ = writeln!(report, "  {problem}");
        }
        return Err(anyhow!(report));
    }
    let timer = |expected: &Expected, path: &str| {
        expected.fields.iter().find(|(p, _)| p == path).and_then(|(_, want)| match want {
            Want::Timer(cs) => Some(*cs),
            _ => None,
        })
    };
    let mut report = String::new();
    for (path, leaf) in &actual {
        let Leaf::Number(number) = leaf else { continue };
        let got = centiseconds(number).unwrap_or(i64::MIN / 2);
        let verdict = match (shape_before.is_empty(), shape_after.is_empty()) {
            (true, true) => match (timer(before, path), timer(after, path)) {
                (Some(b), Some(a)) => timer_between(path, b, got, a, tolerance_cs),
                _ => Ok(()),
            },
            (true, false) => timer(before, path).map_or(Ok(()), |b| timer_near(b, got, tolerance_cs)),
            _ => timer(after, path).map_or(Ok(()), |a| timer_near(a, got, tolerance_cs)),
        };
        if let Err(why) = verdict {
            let _ = writeln!(report, "  {path}: {why}");
        }
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(anyhow!("timers out of place:\n{report}"))
    }
}

fn timer_near(expected: i64, got: i64, tolerance_cs: i64) -> anyhow::Result<()> {
    if (got - expected).abs() <= tolerance_cs {
        Ok(())
    } else {
        Err(anyhow!("{got} cs, more than {tolerance_cs} cs from the text's {expected} cs"))
    }
}

/// Whether a timer read as `got` centiseconds by the JSON run fits its readings `before` and
/// `after` by the text runs around it, give or take `tolerance_cs` (rounding). FDB ageing
/// timers count up (time since the entry was last seen) and restart at 0 when it is seen
/// again; the STP timers count down (time left) and restart at their full value. Without a
/// restart in between, the JSON's value lies between the two; with one (the later reading is
/// further from where the timer runs to), it restarted either before the JSON run or after
/// it. A timer restarts at most every hello time (1 s or more), so not twice within the
/// sandwich.
pub fn timer_between(path: &str, before: i64, got: i64, after: i64, tolerance_cs: i64) -> anyhow::Result<()> {
    let counts_up = path.ends_with("ageing_timer");
    let (low, high) = if counts_up { (before, after) } else { (after, before) };
    let fits = if low <= high + tolerance_cs {
        // No restart: the value moved from `before` towards `after`.
        low.min(high) - tolerance_cs <= got && got <= high.max(low) + tolerance_cs
    } else if counts_up {
        // Restarted: still running on from `before`, or already restarted towards `after`.
        got >= before - tolerance_cs || got <= after + tolerance_cs
    } else {
        got <= before + tolerance_cs || got >= after - tolerance_cs
    };
    if fits {
        Ok(())
    } else {
        let direction = if counts_up { "counting up" } else { "counting down" };
        Err(anyhow!("{got} cs does not fit between {before} cs and {after} cs ({direction})"))
    }
}

/// Checks a document against one expectation, timers included (for outputs without running
/// timers, or where one neighbour suffices).
pub fn check_exact(json: &Json, expected: &Expected, tolerance_cs: i64) -> anyhow::Result<()> {
    let found = problems(&flatten(json), expected, tolerance_cs, true);
    if found.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(found.iter().map(|problem| format!("  {problem}\n")).collect::<String>()))
    }
}

// ---------------------------------------------------------------------------------------------
// Text outputs

/// One bridge of `show`: name, id, STP enabled (`yes`/`no`), interfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowRow {
    pub bridge: String,
    pub bridge_id: String,
    pub stp_enabled: String,
    pub interfaces: Vec<String>,
}

/// Parses `show`: the header, then one line per bridge (name, id, yes/no, first interface)
/// and one line per further interface (seven tabs, then the name).
pub fn parse_show(text: &str) -> anyhow::Result<Vec<ShowRow>> {
    let mut lines = text.lines();
    if lines.next() != Some("bridge name\tbridge id\t\tSTP enabled\tinterfaces") {
        bail!("show: unexpected header in {text:?}");
    }
    let mut rows: Vec<ShowRow> = Vec::new();
    for line in lines {
        if let Some(interface) = line.strip_prefix("\t\t\t\t\t\t\t") {
            let row = rows.last_mut().ok_or_else(|| anyhow!("show: continuation before any bridge: {line:?}"))?;
            row.interfaces.push(interface.to_string());
            continue;
        }
        let fields: Vec<&str> = line.split('\t').filter(|field| !field.is_empty()).collect();
        match fields.as_slice() {
            [bridge, id, stp, rest @ ..] if rest.len() <= 1 => rows.push(ShowRow {
                bridge: bridge.to_string(),
                bridge_id: id.to_string(),
                stp_enabled: stp.to_string(),
                interfaces: rest.iter().map(|name| name.to_string()).collect(),
            }),
            _ => bail!("show: unexpected line {line:?}"),
        }
    }
    Ok(rows)
}

/// The JSON `show` must print for this text.
pub fn expect_show(rows: &[ShowRow]) -> Expected {
    let mut expected = Expected::default();
    if rows.is_empty() {
        expected.exact(String::new(), Leaf::EmptyArray);
    }
    for (index, row) in rows.iter().enumerate() {
        expected.exact(format!("[{index}].bridge"), Leaf::String(row.bridge.clone()));
        expected.exact(format!("[{index}].bridge_id"), Leaf::String(row.bridge_id.clone()));
        let stp = match row.stp_enabled.as_str() {
            "yes" => true,
            "no" => false,
            other => panic!("show: STP enabled is {other:?}, not yes or no"),
        };
        expected.exact(format!("[{index}].stp_enabled"), Leaf::Bool(stp));
        let names: Vec<&str> = row.interfaces.iter().map(String::as_str).collect();
        expected.words(&format!("[{index}].interfaces"), &names);
    }
    expected
}

/// One section of `showstp`: the bridge, or a port (`name (number)`), with its label/value
/// pairs in order (labels and values trimmed; the flags value is the words, space-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StpSection {
    pub name: String,
    pub port_no: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl StpSection {
    pub fn value(&self, label: &str) -> Option<&str> {
        self.fields.iter().find(|(name, _)| name == label).map(|(_, value)| value.as_str())
    }
}

/// The showstp labels whose values are printed as ids (strings in JSON).
const STP_ID_LABELS: &[&str] = &["bridge id", "designated root", "designated bridge", "port id", "designated port"];

/// Parses `showstp`: the bridge section, then the port sections.
pub fn parse_showstp(text: &str) -> anyhow::Result<(StpSection, Vec<StpSection>)> {
    let mut sections: Vec<StpSection> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            // A heading: the bridge's name first, then `port (number)`.
            let section = if sections.is_empty() {
                StpSection { name: line.to_string(), port_no: None, fields: Vec::new() }
            } else {
                let (name, number) = line
                    .strip_suffix(')')
                    .and_then(|rest| rest.rsplit_once(" ("))
                    .ok_or_else(|| anyhow!("showstp: unexpected heading {line:?}"))?;
                StpSection { name: name.to_string(), port_no: Some(number.to_string()), fields: Vec::new() }
            };
            sections.push(section);
            continue;
        }
        let section = sections.last_mut().ok_or_else(|| anyhow!("showstp: field before the heading: {line:?}"))?;
        let fields: Vec<&str> = line.split('\t').map(str::trim).filter(|field| !field.is_empty()).collect();
        // Word lists: `flags` and (with -d) `port flags`, possibly empty.
        if let Some(&label @ ("flags" | "port flags")) = fields.first() {
            section.fields.push((label.to_string(), fields[1..].join(" ")));
            continue;
        }
        if !fields.len().is_multiple_of(2) {
            bail!("showstp: a label without a value in {line:?}");
        }
        for pair in fields.chunks(2) {
            section.fields.push((pair[0].to_string(), pair[1].to_string()));
        }
    }
    let mut sections = sections.into_iter();
    let bridge = sections.next().context("showstp: empty output")?;
    Ok((bridge, sections.collect()))
}

/// A showstp label in snake_case, as JSON names it.
pub fn snake(label: &str) -> String {
    label.replace(' ', "_")
}

/// The labels of `showstp -d` whose `%4i` value (0 or 1) is a bool in JSON.
const STP_BOOL_LABELS: &[&str] = &["mc snooping", "vlan filtering", "mc fast leave"];

/// The labels of `showstp -d` whose JSON keys a kernel without VLAN filtering leaves out
/// (its text shows the defaults 0, 802.1Q and 1).
pub const STP_VLAN_LABELS: &[&str] = &["vlan filtering", "vlan protocol", "default pvid"];

fn expect_stp_fields(expected: &mut Expected, prefix: &str, section: &StpSection, vlan_filtering: bool) {
    for (label, value) in &section.fields {
        let path = format!("{prefix}{}", snake(label));
        if !vlan_filtering && STP_VLAN_LABELS.contains(&label.as_str()) {
            // No such keys then; the text shows what such a kernel has in effect.
            let default = match label.as_str() {
                "vlan filtering" => "0",
                "vlan protocol" => "802.1Q",
                _ => "1",
            };
            assert_eq!(value, default, "showstp -d: {label} on a kernel without VLAN filtering");
        } else if label == "flags" || label == "port flags" {
            let words: Vec<&str> = value.split_whitespace().collect();
            expected.words(&path, &words);
        } else if label == "hairpin mode" {
            // Handled by the caller: the key is `hairpin`, a bool.
        } else if STP_BOOL_LABELS.contains(&label.as_str()) {
            let on = match value.as_str() {
                "0" => false,
                "1" => true,
                other => panic!("showstp: {label} is {other:?}, not 0 or 1"),
            };
            expected.exact(path, Leaf::Bool(on));
        } else if STP_ID_LABELS.contains(&label.as_str()) || label == "state" || label == "vlan protocol" {
            expected.exact(path, Leaf::String(value.clone()));
        } else if SHOWSTP_TIMER_LABELS.contains(&label.as_str()) {
            let cs = centiseconds(value).unwrap_or_else(|| panic!("showstp: timer {label} is {value:?}"));
            expected.push(path, Want::Timer(cs));
        } else {
            expected.exact(path, Leaf::Number(value.clone()));
        }
    }
}

/// The JSON `showstp` must print for this text: every label in snake_case, the flag words,
/// and per port its interface, number and `hairpin` (true exactly when the text has the
/// `hairpin mode` line, which then says 1). The text may be `showstp -d`'s, whose values the
/// JSON always has: its bools (`mc snooping` ...) as bools, its `port flags` as words, and
/// the VLAN lines only where the kernel has VLAN filtering (`vlan_filtering`).
pub fn expect_showstp(bridge: &StpSection, ports: &[StpSection], vlan_filtering: bool) -> Expected {
    let mut expected = Expected::default();
    expected.exact("bridge".to_string(), Leaf::String(bridge.name.clone()));
    expect_stp_fields(&mut expected, "", bridge, vlan_filtering);
    if ports.is_empty() {
        expected.exact("ports".to_string(), Leaf::EmptyArray);
    }
    for (index, port) in ports.iter().enumerate() {
        let prefix = format!("ports[{index}].");
        expected.exact(format!("{prefix}interface"), Leaf::String(port.name.clone()));
        expected.exact(format!("{prefix}port_no"), Leaf::Number(port.port_no.clone().unwrap_or_default()));
        expect_stp_fields(&mut expected, &prefix, port, vlan_filtering);
        let hairpin = match port.value("hairpin mode") {
            None => false,
            Some("1") => true,
            Some(other) => panic!("showstp: hairpin mode {other:?}"),
        };
        expected.exact(format!("{prefix}hairpin"), Leaf::Bool(hairpin));
    }
    expected
}

/// One row of `showmacs`, its fields trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacRow {
    pub port_no: String,
    pub mac: String,
    pub is_local: String,
    pub ageing_timer: String,
}

/// Parses `showmacs`: the header, then `%3i\t<mac>\t<yes|no>\t\t<timer>` rows.
pub fn parse_showmacs(text: &str) -> anyhow::Result<Vec<MacRow>> {
    let mut lines = text.lines();
    if lines.next() != Some("port no\tmac addr\t\tis local?\tageing timer") {
        bail!("showmacs: unexpected header in {text:?}");
    }
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').map(str::trim).filter(|field| !field.is_empty()).collect();
            match fields.as_slice() {
                [port, mac, local, timer] => Ok(MacRow {
                    port_no: port.to_string(),
                    mac: mac.to_string(),
                    is_local: local.to_string(),
                    ageing_timer: timer.to_string(),
                }),
                _ => Err(anyhow!("showmacs: unexpected row {line:?}")),
            }
        })
        .collect()
}

/// The JSON `showmacs` must print for this text. `interface` gives a port number's name;
/// `flags` gives the flag words a row may have (the text has no flags column).
pub fn expect_showmacs(
    rows: &[MacRow],
    interface: impl Fn(&str) -> String,
    flags: impl Fn(&MacRow) -> Want,
) -> Expected {
    let mut expected = Expected::default();
    if rows.is_empty() {
        expected.exact(String::new(), Leaf::EmptyArray);
    }
    for (index, row) in rows.iter().enumerate() {
        let prefix = format!("[{index}].");
        expected.exact(format!("{prefix}port_no"), Leaf::Number(row.port_no.clone()));
        expected.exact(format!("{prefix}mac_addr"), Leaf::String(row.mac.clone()));
        let local = match row.is_local.as_str() {
            "yes" => true,
            "no" => false,
            other => panic!("showmacs: is local? is {other:?}"),
        };
        expected.exact(format!("{prefix}is_local"), Leaf::Bool(local));
        if local {
            expected.exact(format!("{prefix}ageing_timer"), Leaf::Number(row.ageing_timer.clone()));
        } else {
            let cs = centiseconds(&row.ageing_timer).unwrap_or_else(|| panic!("showmacs: timer {row:?}"));
            expected.push(format!("{prefix}ageing_timer"), Want::Timer(cs));
        }
        expected.exact(format!("{prefix}interface"), Leaf::String(interface(&row.port_no)));
        // No VLAN filtering in these tests: `vlan` must be absent, so it is not expected.
        expected.push(format!("{prefix}flags[0]"), flags(row));
    }
    expected
}

/// One row of `showmacs -d`, its cells trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsRow {
    pub port_no: String,
    pub mac: String,
    pub is_local: String,
    pub ageing_timer: String,
    pub interface: String,
    pub vlan: String,
    pub flags: String,
}

/// The header of `showmacs -d`, cell by cell.
pub const DETAILS_HEADER: [&str; 7] =
    ["port no", "mac addr", "is local?", "ageing timer", "interface", "vlan", "flags"];

/// Parses `showmacs -d`: an aligned table without borders. Each column starts where its
/// header label starts, on every row (alignment is checked: the text between two columns is
/// blank, and each cell starts at its column).
pub fn parse_details(text: &str) -> anyhow::Result<Vec<DetailsRow>> {
    let mut lines = text.lines();
    let header = lines.next().context("showmacs -d: empty output")?;
    let mut starts = Vec::new();
    let mut from = 0;
    for label in DETAILS_HEADER {
        let at = header[from..].find(label).ok_or_else(|| anyhow!("showmacs -d: no {label:?} in {header:?}"))? + from;
        starts.push(at);
        from = at + label.len();
    }
    if header[from..].trim() != "" || header[..starts[0]].trim() != "" {
        bail!("showmacs -d: unexpected header {header:?}");
    }
    lines
        .map(|line| {
            let cell = |column: usize| -> anyhow::Result<String> {
                let start = starts[column].min(line.len());
                let end = starts.get(column + 1).copied().unwrap_or(line.len()).min(line.len());
                let raw = line.get(start..end).ok_or_else(|| anyhow!("showmacs -d: row {line:?} is not ASCII"))?;
                if raw.starts_with(' ') && !raw.trim().is_empty() {
                    bail!("showmacs -d: column {} not aligned in {line:?}", DETAILS_HEADER[column]);
                }
                Ok(raw.trim().to_string())
            };
            if line[..starts[0].min(line.len())].trim() != "" {
                bail!("showmacs -d: row {line:?} starts before the first column");
            }
            Ok(DetailsRow {
                port_no: cell(0)?,
                mac: cell(1)?,
                is_local: cell(2)?,
                ageing_timer: cell(3)?,
                interface: cell(4)?,
                vlan: cell(5)?,
                flags: cell(6)?,
            })
        })
        .collect()
}

/// The JSON `showmacs` must print for this `showmacs -d` text: the same values, the flags
/// (comma-separated in the table) as an array, `vlan` only when the cell has one.
pub fn expect_details(rows: &[DetailsRow]) -> Expected {
    let mut expected = Expected::default();
    if rows.is_empty() {
        expected.exact(String::new(), Leaf::EmptyArray);
    }
    for (index, row) in rows.iter().enumerate() {
        let prefix = format!("[{index}].");
        expected.exact(format!("{prefix}port_no"), Leaf::Number(row.port_no.clone()));
        expected.exact(format!("{prefix}mac_addr"), Leaf::String(row.mac.clone()));
        let local = match row.is_local.as_str() {
            "yes" => true,
            "no" => false,
            other => panic!("showmacs -d: is local? is {other:?}"),
        };
        expected.exact(format!("{prefix}is_local"), Leaf::Bool(local));
        let cs = centiseconds(&row.ageing_timer).unwrap_or_else(|| panic!("showmacs -d: timer {row:?}"));
        if local {
            expected.exact(format!("{prefix}ageing_timer"), Leaf::Number(row.ageing_timer.clone()));
        } else {
            expected.push(format!("{prefix}ageing_timer"), Want::Timer(cs));
        }
        expected.exact(format!("{prefix}interface"), Leaf::String(row.interface.clone()));
        if !row.vlan.is_empty() {
            expected.exact(format!("{prefix}vlan"), Leaf::Number(row.vlan.clone()));
        }
        let flags: Vec<&str> = row.flags.split(',').filter(|word| !word.is_empty()).collect();
        expected.words(&format!("{prefix}flags"), &flags);
    }
    expected
}
