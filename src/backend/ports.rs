//! One bridge's ports at the cost of its ports, not of the host's
//! interfaces: the names from sysfs `brif/`, each looked up over netlink by
//! name. A netlink dump filtered by master would walk every interface of
//! the namespace under rtnl_lock (docs/performance.md, "show <bridge>").

use super::{Backend, Errno, Kernel};
use crate::model::Link;
use crate::values::IfName;

/// Up to this many ports are looked up one by one. Each lookup costs about
/// what the dump's walk costs for a hundred interfaces of the host, so a
/// bridge with more ports is read with the dump (docs/performance.md).
const LOOKUPS_MAX: usize = 64;

impl Kernel {
    /// Under auto, the ports of `bridge` as sysfs lists them and netlink
    /// confirms them; None when sysfs cannot say or disagrees with netlink,
    /// and the caller asks netlink's dump instead.
    pub(super) fn listed_ports(&mut self, bridge: &Link) -> Option<Vec<Link>> {
        if self.reads != super::BackendChoice::Auto || !self.netlink_reads {
            return None;
        }
        let name = IfName::from_bytes(&bridge.name).ok()?;
        let mut names = self.sysfs.as_ref()?.port_names(&name, bridge.index).ok()?;
        // The test hook's name, where the listing does not hold it already.
        if let Some(stale) = self.stale_port.as_ref().filter(|stale| !names.contains(stale)) {
            names.push(stale.clone());
        }
        if names.len() > LOOKUPS_MAX {
            return None;
        }
        let netlink = self.netlink().ok()?;
        confirmed_ports(bridge.index, &names, |port| netlink.link(port))
    }
}

/// The links called `names`, each looked up with `lookup`, when every one
/// of them is a port of the bridge with ifindex `bridge`; None as soon as
/// one is not, is gone, or cannot be read. A port enslaved after the
/// listing is simply not there yet, as if the listing had come later.
pub(super) fn confirmed_ports(
    bridge: u32,
    names: &[IfName],
    mut lookup: impl FnMut(&IfName) -> Result<Option<Link>, Errno>,
) -> Option<Vec<Link>> {
    let mut ports = Vec::with_capacity(names.len());
    for name in names {
        let link = lookup(name).ok()??;
        if !link.is_port_of(bridge) || link.port.is_none() {
            return None;
        }
        ports.push(link);
    }
    Some(ports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PortInfo;

    fn name(text: &str) -> IfName {
        IfName::from_bytes(text.as_bytes()).unwrap()
    }

    fn port(index: u32, text: &str, master: u32) -> Link {
        let port = Some(Box::new(PortInfo::default()));
        Link { index, name: text.as_bytes().to_vec(), master: Some(master), port, ..Link::default() }
    }

    /// A kernel with ports v0 and v1 on bridge 5, v2 on bridge 6 and an unenslaved veth u0.
    fn lookup(asked: &IfName) -> Result<Option<Link>, Errno> {
        Ok(match asked.as_bytes() {
            b"v0" => Some(port(10, "v0", 5)),
            b"v1" => Some(port(11, "v1", 5)),
            b"v2" => Some(port(12, "v2", 6)),
            b"u0" => Some(Link { index: 13, name: b"u0".to_vec(), ..Link::default() }),
            _ => None,
        })
    }

    fn names(ports: &Option<Vec<Link>>) -> Option<Vec<&[u8]>> {
        ports.as_ref().map(|ports| ports.iter().map(|link| &link.name[..]).collect())
    }

    #[test]
    fn listed_ports_that_netlink_confirms_are_the_answer() {
        let ports = confirmed_ports(5, &[name("v1"), name("v0")], lookup);
        assert_eq!(names(&ports), Some(vec![&b"v1"[..], b"v0"]));
        assert_eq!(names(&confirmed_ports(5, &[], lookup)), Some(vec![]));
    }

    #[test]
    fn any_listed_port_netlink_does_not_confirm_means_asking_the_dump() {
        // Gone, a port of another bridge, not a port at all, unreadable.
        assert!(confirmed_ports(5, &[name("v0"), name("gone")], lookup).is_none());
        assert!(confirmed_ports(5, &[name("v0"), name("v2")], lookup).is_none());
        assert!(confirmed_ports(5, &[name("u0"), name("v1")], lookup).is_none());
        assert!(confirmed_ports(5, &[name("v0")], |_| Err(Errno::EPERM)).is_none());
        // A master without port details (not a bridge's port) is not confirmed either.
        let bare = |_: &IfName| Ok(Some(Link { index: 10, master: Some(5), ..Link::default() }));
        assert!(confirmed_ports(5, &[name("v0")], bare).is_none());
    }
}
