//! One bridge's ports at the cost of its ports, not of the host's
//! interfaces: the names from sysfs `brif/`, for `show` checked in sysfs
//! alone, otherwise each looked up over netlink by name (all in one send).
//! A netlink dump filtered by master would walk every interface of the
//! namespace under rtnl_lock (docs/performance.md, "show <bridge>").

use super::{Backend, BackendChoice, Errno, Kernel, LinkWithPorts};
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
        let name = IfName::from_bytes(&bridge.name).ok()?;
        let names = self.listing(&name).filter(|names| names.len() <= LOOKUPS_MAX)?;
        // Read after the listing: a bridge renamed in between shows here.
        if !self.sysfs.as_ref()?.has_index(&name, bridge.index) {
            return None;
        }
        let looked_up = self.netlink().ok()?.links(&names.iter().collect::<Vec<_>>()).ok()?;
        confirmed_ports(bridge.index, looked_up)
    }

    /// Under auto, the link called `name` and, if it is a bridge, its
    /// ports, all looked up with one send after listing `brif/`: a run then
    /// waits for rtnl_lock once, however many ports. None when this cannot
    /// be done (not a bridge in sysfs, netlink failing);
    /// the caller then asks `link` and `ports`.
    pub(super) fn looked_up_together(&mut self, name: &IfName) -> Option<Result<Option<LinkWithPorts>, Errno>> {
        let names = self.listing(name)?;
        if names.len() > LOOKUPS_MAX {
            // The dump costs less than a lookup for each of so many ports.
            let link = match self.link(name) {
                Ok(Some(link)) => link,
                other => return Some(other.map(|_| None)),
            };
            let ports = link.is_bridge().then(|| self.dumped_ports(&link));
            return Some(Ok(Some(LinkWithPorts { link, ports })));
        }
        let mut asked = vec![name];
        asked.extend(&names);
        let mut looked_up = self.netlink().ok()?.links(&asked).ok()?.into_iter();
        let Some(link) = looked_up.next()? else {
            // Gone since the listing: netlink's answer is the later one.
            return Some(Ok(None));
        };
        let link = self.complete(link);
        if !link.is_bridge() {
            return Some(Ok(Some(LinkWithPorts { link, ports: None })));
        }
        let listed = self.sysfs.as_ref()?.has_index(name, link.index);
        let ports = match listed.then(|| confirmed_ports(link.index, looked_up.collect())).flatten() {
            Some(ports) => Ok(ports.into_iter().map(|port| self.complete(port)).collect()),
            None => self.dumped_ports(&link),
        };
        Some(Ok(Some(LinkWithPorts { link, ports: Some(ports) })))
    }

    /// Under auto, what `show` needs of the bridge called `name` from sysfs
    /// alone, as the original reads it, when every port listed in `brif/`
    /// says it is a port of that bridge: no netlink request, which would
    /// wait for rtnl_lock while other processes change links. None when
    /// sysfs cannot say or disagrees; the caller then asks netlink.
    pub(super) fn summary_from_sysfs(&self, name: &IfName) -> Option<LinkWithPorts> {
        if self.reads != BackendChoice::Auto {
            return None;
        }
        let sysfs = self.sysfs.as_ref()?;
        let (link, mut names) = sysfs.bridge_summary(name).ok()??;
        self.add_stale_port(&mut names);
        if !names.iter().all(|port| sysfs.is_port_of(port, name)) {
            return None;
        }
        let master = Some(link.index);
        let ports = names.into_iter().map(|port| Link { name: port.as_bytes().to_vec(), master, ..Link::default() });
        Some(LinkWithPorts { ports: Some(Ok(ports.collect())), link })
    }

    /// The names in the `brif/` directory of `bridge`, under auto.
    fn listing(&self, bridge: &IfName) -> Option<Vec<IfName>> {
        if self.reads != BackendChoice::Auto || !self.netlink_reads {
            return None;
        }
        let mut names = self.sysfs.as_ref()?.brif_names(bridge).ok()?;
        self.add_stale_port(&mut names);
        Some(names)
    }

    /// The test hook's name (BRCTL_TEST_STALE_PORT), where the listing does
    /// not hold it already: a listing never names a port twice.
    fn add_stale_port(&self, names: &mut Vec<IfName>) {
        if let Some(stale) = self.stale_port.as_ref().filter(|stale| !names.contains(stale)) {
            names.push(stale.clone());
        }
    }
}

/// The looked-up links when every one of them is a port of the bridge with
/// ifindex `bridge`; None as soon as one is not, or is gone (None). A port
/// enslaved after the listing is simply not there yet, as if the listing
/// had come later.
pub(super) fn confirmed_ports(bridge: u32, looked_up: Vec<Option<Link>>) -> Option<Vec<Link>> {
    let mut ports = Vec::with_capacity(looked_up.len());
    for link in looked_up {
        let link = link?;
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

    fn confirmed(bridge: u32, names: &[IfName]) -> Option<Vec<Link>> {
        confirmed_ports(bridge, names.iter().map(|name| lookup(name).unwrap()).collect())
    }

    fn names(ports: &Option<Vec<Link>>) -> Option<Vec<&[u8]>> {
        ports.as_ref().map(|ports| ports.iter().map(|link| &link.name[..]).collect())
    }

    #[test]
    fn listed_ports_that_netlink_confirms_are_the_answer() {
        let ports = confirmed(5, &[name("v1"), name("v0")]);
        assert_eq!(names(&ports), Some(vec![&b"v1"[..], b"v0"]));
        assert_eq!(names(&confirmed(5, &[])), Some(vec![]));
    }

    #[test]
    fn any_listed_port_netlink_does_not_confirm_means_asking_the_dump() {
        // Gone, a port of another bridge, not a port at all.
        assert!(confirmed(5, &[name("v0"), name("gone")]).is_none());
        assert!(confirmed(5, &[name("v0"), name("v2")]).is_none());
        assert!(confirmed(5, &[name("u0"), name("v1")]).is_none());
        // A master without port details (not a bridge's port) is not confirmed either.
        let bare = Link { index: 10, master: Some(5), ..Link::default() };
        assert!(confirmed_ports(5, vec![Some(bare)]).is_none());
    }
}
