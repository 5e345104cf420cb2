//! Entering another network namespace (`-n NAME` or `-n PATH`), as
//! `ip -n` and `ip netns exec` do: netlink sockets opened afterwards talk to
//! that namespace, and sysfs is mounted again so it shows it too.

use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{setns, unshare, CloneFlags};

use crate::backend::Errno;

/// Where `ip netns add NAME` puts its namespaces.
const NETNS_RUN_DIR: &str = "/run/netns";

/// The file that names the namespace: a path as given (anything with a
/// `/`), or a name under /run/netns.
pub fn namespace_path(target: &OsStr) -> Option<PathBuf> {
    let bytes = target.as_bytes();
    if bytes.contains(&b'/') {
        return Some(PathBuf::from(target));
    }
    if bytes.is_empty() || bytes == b"." || bytes == b".." {
        return None;
    }
    Some(PathBuf::from(NETNS_RUN_DIR).join(target))
}

/// Moves this process into the namespace at `path`. Returns whether /sys
/// now shows it: if sysfs could not be mounted again, it still shows the
/// old namespace and must not be read.
pub fn enter(path: &std::path::Path) -> Result<bool, Errno> {
    let file = File::open(path)?;
    setns(&file, CloneFlags::CLONE_NEWNET).map_err(nix_errno)?;
    // sysfs shows the namespace of the process that mounted it: mount it
    // again in a mount namespace of our own, with nothing propagating back.
    let remounted = unshare(CloneFlags::CLONE_NEWNS)
        .and_then(|()| mount(None::<&str>, "/", None::<&str>, MsFlags::MS_SLAVE | MsFlags::MS_REC, None::<&str>))
        .and_then(|()| umount2("/sys", MntFlags::MNT_DETACH).or(Ok(())))
        .and_then(|()| mount(Some("sysfs"), "/sys", Some("sysfs"), MsFlags::empty(), None::<&str>));
    Ok(remounted.is_ok())
}

fn nix_errno(err: nix::Error) -> Errno {
    Errno(err as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_live_under_run_netns_and_paths_are_taken_as_given() {
        assert_eq!(namespace_path(OsStr::new("blue")), Some(PathBuf::from("/run/netns/blue")));
        assert_eq!(namespace_path(OsStr::new("/proc/1/ns/net")), Some(PathBuf::from("/proc/1/ns/net")));
        assert_eq!(namespace_path(OsStr::new("./ns")), Some(PathBuf::from("./ns")));
        assert_eq!(namespace_path(OsStr::new("..")), None);
        assert_eq!(namespace_path(OsStr::new("")), None);
    }
}
