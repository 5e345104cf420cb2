//! The original brctl, from bridge-utils 1.7.1: found and proven here, once per test process,
//! before any test compares ours with it. Every comparison with the original gets its path from
//! `require` (or `proven`, after `require`), never from a path of its own.
//!
//! Proven means: `/usr/sbin/brctl` exists, is not ours (not the same file as the brctl cargo
//! built for these tests, nor a copy of it), and `brctl -V` prints exactly
//! `bridge-utils, 1.7\n` (ours prints `bridge-utils-rs, <version>`). Otherwise a test that needs
//! the original fails under CI=true and skips visibly elsewhere (`skip`): with ours bind-mounted
//! over /usr/sbin/brctl, the differential tests must not compare ours with itself.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{bail, Context};

use super::{lab, skip};

/// Where Debian's bridge-utils puts brctl.
pub const ORIGINAL_PATH: &str = "/usr/sbin/brctl";

/// What the original's `-V` prints, byte for byte.
pub const ORIGINAL_VERSION: &[u8] = b"bridge-utils, 1.7\n";

/// The original's path when it is proven to be bridge-utils 1.7.1, else why not. Proven once
/// per process.
pub fn proof() -> Result<&'static Path, &'static str> {
    static PROOF: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PROOF.get_or_init(|| prove(Path::new(ORIGINAL_PATH), &lab::ours()).map_err(|err| format!("{err:#}"))) {
        Ok(path) => Ok(path.as_path()),
        Err(why) => Err(why.as_str()),
    }
}

/// The proven original for a test that compares with it; None (after `skip::skip`, which
/// panics under CI=true) when there is none.
pub fn require(test: &str) -> Option<PathBuf> {
    skip::or_skip(test, proof()).map(Path::to_path_buf)
}

/// The proven original, for helpers that run after the test called `require`. Panics when it
/// is not proven.
pub fn proven() -> PathBuf {
    match proof() {
        Ok(path) => path.to_path_buf(),
        Err(why) => panic!("the original brctl is needed but not proven (call original::require first): {why}"),
    }
}

/// Checks that `path` is bridge-utils 1.7.1's brctl and not `ours`.
pub fn prove(path: &Path, ours: &Path) -> anyhow::Result<PathBuf> {
    let not_it = || format!("{} is not bridge-utils 1.7.1's brctl", path.display());
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "{} is missing, so there is no bridge-utils 1.7.1 brctl to compare with (apt-get install bridge-utils)",
                path.display()
            )
        }
        Err(err) => return Err(err).with_context(not_it),
    };
    let ours_meta = fs::metadata(ours).with_context(|| format!("our brctl {}", ours.display()))?;
    if (meta.dev(), meta.ino()) == (ours_meta.dev(), ours_meta.ino()) {
        bail!("{}: it is ours, {} (a bind mount or a link?)", not_it(), ours.display());
    }
    if meta.len() == ours_meta.len() {
        let content = fs::read(path).with_context(not_it)?;
        let ours_content = fs::read(ours).with_context(|| format!("read {}", ours.display()))?;
        if content == ours_content {
            bail!("{}: it is a copy of ours, {}", not_it(), ours.display());
        }
    }
    let out = Command::new(path)
        .arg("-V")
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .with_context(|| format!("{}: cannot run it", not_it()))?;
    if !out.status.success() || out.stdout != ORIGINAL_VERSION {
        bail!(
            "{}: `-V` printed {:?} ({}), not {:?}",
            not_it(),
            String::from_utf8_lossy(&out.stdout),
            out.status,
            String::from_utf8_lossy(ORIGINAL_VERSION)
        );
    }
    Ok(path.to_path_buf())
}
