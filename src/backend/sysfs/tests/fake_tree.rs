//! The fake sysfs tree the reader's unit tests run on (built only under
//! `#[cfg(test)]`, see `mod tests` in the reader's mod.rs).

use super::super::*;
use std::os::unix::fs::symlink;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fake /sys/class/net in the temp dir, removed on drop.
pub(super) struct FakeTree {
    root: PathBuf,
}

impl FakeTree {
    pub(super) fn new() -> FakeTree {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = format!("brctl-sysfs-test-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let root = std::env::temp_dir().join(unique);
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        FakeTree { root }
    }

    pub(super) fn path(&self, rel: &[u8]) -> PathBuf {
        self.root.join(OsStr::from_bytes(rel))
    }

    pub(super) fn write(&self, rel: &[u8], contents: &[u8]) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    pub(super) fn mkdir(&self, rel: &[u8]) {
        fs::create_dir_all(self.path(rel)).unwrap();
    }

    pub(super) fn symlink(&self, rel: &[u8], target: &str) {
        symlink(target, self.path(rel)).unwrap();
    }

    /// A device directory with the files every device has.
    pub(super) fn device(&self, name: &[u8], index: u32, flags: &str) {
        self.write(&[name, b"/ifindex"].concat(), format!("{index}\n").as_bytes());
        self.write(&[name, b"/flags"].concat(), format!("{flags}\n").as_bytes());
    }

    /// A bridge device with every bridge/ file, each value distinct.
    pub(super) fn bridge(&self, name: &str, index: u32) {
        self.device(name.as_bytes(), index, "0x1003");
        self.mkdir(format!("{name}/brif").as_bytes());
        for (file, value) in [
            ("bridge_id", "8000.020000000001"),
            ("root_id", "1000.02000000000b"),
            ("root_port", "3"),
            ("root_path_cost", "200"),
            ("stp_state", "1"),
            ("max_age", "2000"),
            ("hello_time", "200"),
            ("forward_delay", "1500"),
            ("ageing_time", "30000"),
            ("hello_timer", "123"),
            ("tcn_timer", "4"),
            ("topology_change_timer", "5"),
            ("gc_timer", "29900"),
            ("topology_change", "1"),
            ("topology_change_detected", "0"),
            ("priority", "32768"),
        ] {
            self.write(format!("{name}/bridge/{file}").as_bytes(), format!("{value}\n").as_bytes());
        }
    }

    /// A port device of `bridge`: brport/ files, the master link and the brif entry.
    pub(super) fn port(&self, name: &str, index: u32, bridge: &str, port_no: u16) {
        self.device(name.as_bytes(), index, "0x1303");
        self.symlink(format!("{name}/master").as_bytes(), &format!("../{bridge}"));
        self.symlink(format!("{bridge}/brif/{name}").as_bytes(), &format!("../../{name}/brport"));
        self.mkdir(format!("{name}/brport").as_bytes());
        self.symlink(format!("{name}/brport/bridge").as_bytes(), &format!("../../{bridge}"));
        for (file, value) in [
            ("port_no", format!("{port_no:#x}")),
            ("port_id", format!("{:#x}", 0x8000 | port_no)),
            ("state", "3".to_string()),
            ("priority", "32".to_string()),
            ("path_cost", "250".to_string()),
            ("designated_root", "1000.02000000000b".to_string()),
            ("designated_bridge", "8000.020000000001".to_string()),
            ("designated_port", "33025".to_string()),
            ("designated_cost", "100".to_string()),
            ("message_age_timer", "1917".to_string()),
            ("forward_delay_timer", "1399".to_string()),
            ("hold_timer", "7".to_string()),
            ("config_pending", "1".to_string()),
            ("change_ack", "0".to_string()),
            ("hairpin_mode", "1".to_string()),
        ] {
            self.write(format!("{name}/brport/{file}").as_bytes(), format!("{value}\n").as_bytes());
        }
    }

    pub(super) fn reader(&self) -> SysfsReader {
        SysfsReader::with_root(self.root.clone())
    }
}

impl Drop for FakeTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
