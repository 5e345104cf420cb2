//! The shape of the repository, checked on its text: the top-level modules
//! form layers (no two import each other), no program source file grows past
//! 600 lines, the documents the code cites are in the repository, every
//! reference into docs/compat.md (D1, Q15, 4.10, ...) resolves there, and the
//! benchmarks' namespace scripts keep off this machine's /run.
//! (What the compiler can check, such as no unwrap outside tests, is a lint
//! in Cargo.toml instead.)

// The package's clippy lints hold the program proper (Cargo.toml [lints]); tests unwrap,
// panic and index.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir` (relative to the root) whose name passes `keep`.
fn files(dir: &str, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root().join(dir)];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if keep(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn rust_sources() -> Vec<PathBuf> {
    files("src", &|path| path.extension().is_some_and(|e| e == "rs"))
}

/// The top-level module a source file belongs to (`crate` for lib.rs and main.rs).
fn top_module(path: &Path) -> String {
    let relative = path.strip_prefix(root().join("src")).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    match first.strip_suffix(".rs") {
        Some("lib" | "main") => "crate".to_string(),
        Some(module) => module.to_string(),
        None => first,
    }
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_sources() {
        let from = top_module(&path);
        let text = fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("crate::") {
            let to: String = text[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !to.is_empty() && to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // Any cycle, not only pairs: a depth-first walk from every module.
    fn reaches(
        edges: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        target: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in edges.get(from).into_iter().flatten() {
            if next == target || (seen.insert(next.clone()) && reaches(edges, next, target, seen)) {
                return true;
            }
        }
        false
    }
    let cycles: Vec<&String> =
        edges.keys().filter(|module| reaches(&edges, module, module, &mut BTreeSet::new())).collect();
    assert!(cycles.is_empty(), "modules on an import cycle: {cycles:?}\nedges: {edges:?}");
    assert!(edges.get("backend").is_some_and(|to| !to.contains("error")), "the backend reports errno, not messages");
}

/// Test files (a module `tests.rs` or files under a `tests/` directory) may be longer.
#[test]
fn no_program_source_file_is_over_600_lines() {
    let long: Vec<String> = rust_sources()
        .into_iter()
        .filter(|path| {
            let relative = path.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
            !(relative.ends_with("/tests.rs") || relative.contains("/tests/"))
        })
        .filter_map(|path| {
            let lines = fs::read_to_string(&path).unwrap().lines().count();
            (lines > 600).then(|| format!("{}: {lines} lines", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job:\n{}", long.join("\n"));
}

/// Text files of the repository that a reader meets: sources, tests, docs, packaging.
fn repository_texts() -> Vec<PathBuf> {
    let mut texts = Vec::new();
    for dir in ["src", "tests", "docs", "benches", "completions", "man", "ifupdown", ".ci"] {
        texts.extend(files(dir, &|_| true));
    }
    for file in ["README.md", "Cargo.toml", "clippy.toml"] {
        texts.push(root().join(file));
    }
    texts.retain(|path| fs::read(path).is_ok_and(|bytes| std::str::from_utf8(&bytes).is_ok()));
    texts
}

#[test]
fn nothing_refers_to_documents_outside_the_repository() {
    // Spelled in pieces, so that this file does not name them itself.
    let outside = [concat!("..", "/shared"), concat!("shared/", "brctl-compat.md"), concat!("beyond", "-brctl.md")];
    let hits: Vec<String> = repository_texts()
        .into_iter()
        .filter(|path| !path.ends_with("tests/architecture.rs"))
        .flat_map(|path| {
            let text = fs::read_to_string(&path).unwrap();
            outside
                .iter()
                .filter(|needle| text.contains(*needle))
                .map(|needle| format!("{}: {needle}", path.display()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(hits.is_empty(), "cite docs/ instead:\n{}", hits.join("\n"));
}

/// The identifiers docs/compat.md defines: D1..D10 and Q1..Q17 as bold or
/// list entries, and its numbered section headings (`### 4.10 show`).
fn compat_anchors() -> BTreeSet<String> {
    let text = fs::read_to_string(root().join("docs/compat.md")).expect("docs/compat.md exists");
    let mut anchors = BTreeSet::new();
    for line in text.lines() {
        let heading = line.trim_start_matches('#').trim();
        if line.starts_with('#') {
            if let Some(number) = heading.split_whitespace().next() {
                anchors.insert(number.trim_end_matches('.').to_string());
            }
        }
        for word in line.split(|c: char| !c.is_ascii_alphanumeric()) {
            let mut chars = word.chars();
            if matches!(chars.next(), Some('D' | 'Q')) && !word[1..].is_empty() && chars.all(|c| c.is_ascii_digit()) {
                anchors.insert(word.to_string());
            }
        }
    }
    anchors
}

#[test]
fn every_compat_reference_resolves_in_docs_compat() {
    let anchors = compat_anchors();
    let mut missing = Vec::new();
    for path in repository_texts() {
        if path.starts_with(root().join("docs")) || path.ends_with("tests/architecture.rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        for (number, line) in text.lines().enumerate() {
            // D1..D10 and Q1..Q17 standing alone (not inside names such as D10_HELP or IPv4).
            for word in line.split(|c: char| !c.is_ascii_alphanumeric()) {
                let mut chars = word.chars();
                let id = matches!(chars.next(), Some('D' | 'Q')) && word.len() > 1 && chars.all(|c| c.is_ascii_digit());
                if id && !anchors.contains(word) {
                    missing.push(format!("{}:{}: {word}", path.display(), number + 1));
                }
            }
            // "docs/compat.md 4.10", "compat reference 4.11", "section 4.10".
            for marker in ["docs/compat.md ", "compat reference ", "compat.md section ", "section "] {
                for (at, _) in line.match_indices(marker) {
                    let rest = line[at + marker.len()..].trim_start_matches("section ");
                    let section: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                    let section = section.trim_end_matches('.');
                    if !section.is_empty() && !anchors.contains(section) {
                        missing.push(format!("{}:{}: section {section}", path.display(), number + 1));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "references docs/compat.md does not define:\n{}", missing.join("\n"));
}

/// A namespace script of the benchmarks (`unshare -...m sh -c '...'`) mounts a tmpfs of its
/// own on /run in its first lines: ours takes its change lock there, and without it the lock
/// would land in this machine's /run (a `brctl -b` in benches/compare.sh once did).
#[test]
fn every_benchmark_namespace_script_has_its_own_run() {
    let mut checked = 0;
    for path in files("benches", &|path| path.extension().is_some_and(|e| e == "sh")) {
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let code = line.trim_start();
            let mount_namespace = code.split_whitespace().any(|word| word.starts_with("-U") && word.contains('m'));
            if code.starts_with('#') || !code.contains("unshare ") || !mount_namespace || !code.contains("sh -c") {
                continue;
            }
            checked += 1;
            let start = lines[at..(at + 3).min(lines.len())].join("\n");
            assert!(
                start.contains("mount -t tmpfs tmpfs /run"),
                "{}:{}: a namespace script without a tmpfs of its own on /run",
                path.display(),
                at + 1
            );
        }
    }
    assert!(checked >= 2, "found {checked} namespace scripts in benches/; the pattern no longer matches them");
}
