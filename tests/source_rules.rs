//! Rules the code in src/ keeps, checked on the source text: the kernel
//! is reached only over netlink (no ioctl, no subprocess), and nothing in
//! the program proper can panic through unwrap/expect/panic!.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Each file of src/ without its `#[cfg(test)]` module (tests may unwrap).
fn program_sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("read source");
            let program = match text.find("#[cfg(test)]") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            };
            (path, program)
        })
        .collect()
}

fn offending_lines(forbidden: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, text) in program_sources() {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if forbidden.iter().any(|word| code.contains(word)) {
                hits.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn no_ioctl_and_no_subprocess() {
    let hits = offending_lines(&["ioctl", "process::Command", "Command::new(", "libc::system", "execv"]);
    assert!(hits.is_empty(), "src must reach the kernel over netlink only:\n{}", hits.join("\n"));
}

#[test]
fn no_unwrap_expect_or_panic_outside_tests() {
    let hits = offending_lines(&[".unwrap()", ".expect(", "panic!(", "unreachable!(", "todo!(", "unimplemented!("]);
    assert!(hits.is_empty(), "no panics in the program:\n{}", hits.join("\n"));
}

#[test]
fn every_unsafe_block_says_why() {
    let mut missing = Vec::new();
    for (path, text) in program_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.contains("unsafe ") && !line.trim_start().starts_with("//") {
                let justified = lines[i.saturating_sub(3)..i].iter().any(|l| l.contains("// SAFETY:"));
                if !justified {
                    missing.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(missing.is_empty(), "unsafe without a // SAFETY: line:\n{}", missing.join("\n"));
}
