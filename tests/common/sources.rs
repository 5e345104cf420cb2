//! When the tree's sources last changed: a built package older than that is stale.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

/// Newest modification time of the files below `inputs` (paths relative to the package root).
pub fn newest(inputs: &[&str]) -> SystemTime {
    fn walk(path: &Path, newest: &mut SystemTime) {
        let Ok(meta) = fs::metadata(path) else { return };
        if meta.is_dir() {
            for entry in fs::read_dir(path).into_iter().flatten().flatten() {
                walk(&entry.path(), newest);
            }
        } else if let Ok(modified) = meta.modified() {
            *newest = (*newest).max(modified);
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut newest = SystemTime::UNIX_EPOCH;
    for input in inputs {
        walk(&root.join(input), &mut newest);
    }
    newest
}
