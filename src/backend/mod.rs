//! The only code that touches the kernel. Commands talk to a `Backend`;
//! `netlink` implements it over rtnetlink, `sysfs` reads /sys/class/net.

mod errno;
pub mod netlink;
pub mod netns;
mod ports;
pub mod sysfs;
pub mod watch;

pub use errno::Errno;
pub use watch::{GroupNotice, LinkNotice, MacNotice, Notice, Wake, Watch};

use crate::model::{FdbEntry, Link, LinkVlans, Mdb, VlanChange};
use crate::values::{IfName, Mac, VlanId};
use netlink::NetlinkBackend;
use sysfs::SysfsReader;

/// A bridge-wide setting brctl changes (one IFLA_BR_* attribute). Its
/// value travels beside it: centiseconds for times, 0 or 1 for stp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeSetting {
    AgeingTime,
    ForwardDelay,
    HelloTime,
    MaxAge,
    Priority,
    Stp,
    /// 0 or 1 (IFLA_BR_VLAN_FILTERING, u8).
    VlanFiltering,
    /// The ethertype, 0x8100 or 0x88a8 (IFLA_BR_VLAN_PROTOCOL, u16 in network order).
    VlanProtocol,
    /// 0..=4094 (IFLA_BR_VLAN_DEFAULT_PVID, u16).
    DefaultPvid,
    /// IFLA_BR_MCAST_SNOOPING (u8).
    McastSnooping,
    /// IFLA_BR_MCAST_ROUTER (u8).
    McastRouter,
    /// IFLA_BR_MCAST_QUERIER (u8).
    McastQuerier,
    /// IFLA_BR_MCAST_QUERY_USE_IFADDR (u8).
    McastQueryUseIfaddr,
    /// IFLA_BR_MCAST_HASH_ELASTICITY (u32).
    HashElasticity,
    /// IFLA_BR_MCAST_HASH_MAX (u32).
    HashMax,
    /// IFLA_BR_MCAST_LAST_MEMBER_CNT (u32).
    LastMemberCount,
    /// IFLA_BR_MCAST_STARTUP_QUERY_CNT (u32).
    StartupQueryCount,
    /// The intervals: centiseconds, sent as u64 (IFLA_BR_MCAST_*_INTVL).
    LastMemberInterval,
    MembershipInterval,
    QuerierInterval,
    QueryInterval,
    QueryResponseInterval,
    StartupQueryInterval,
}

/// A per-port setting brctl changes (one IFLA_BRPORT_* attribute); 0 or 1
/// for hairpin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortSetting {
    PathCost,
    Priority,
    Hairpin,
    /// IFLA_BRPORT_MULTICAST_ROUTER (u8, 0..=3).
    McastRouter,
    /// IFLA_BRPORT_FAST_LEAVE (u8).
    FastLeave,
    /// The port flags, each a u8 0 or 1: IFLA_BRPORT_LEARNING, _UNICAST_FLOOD,
    /// _MCAST_FLOOD, _BCAST_FLOOD, _ISOLATED, _GUARD, _PROTECT, _NEIGH_SUPPRESS.
    Learning,
    Flood,
    McastFlood,
    BcastFlood,
    Isolated,
    BpduGuard,
    RootBlock,
    NeighSuppress,
}

/// Everything brctl needs from the kernel. Errors are the kernel's errno.
pub trait Backend {
    /// The link called `name`, or `None` when there is no such device.
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno>;
    /// Every bridge, with its settings, any order.
    fn bridges(&mut self) -> Result<Vec<Link>, Errno>;
    /// Every port of every bridge (name, master, port settings), any order.
    fn bridge_ports(&mut self) -> Result<Vec<Link>, Errno>;
    /// The links enslaved to `bridge` (its ports), any order.
    fn ports(&mut self, bridge: &Link) -> Result<Vec<Link>, Errno>;
    /// Creates a bridge; fails with EEXIST when the name is taken.
    fn add_bridge(&mut self, name: &IfName) -> Result<(), Errno>;
    /// Deletes the link with this ifindex (callers check it is a down bridge first).
    fn delete_link(&mut self, index: u32) -> Result<(), Errno>;
    /// Enslaves link `port` to `master`, or releases it when `master` is 0.
    fn set_master(&mut self, port: u32, master: u32) -> Result<(), Errno>;
    /// Sets one setting of the bridge with ifindex `bridge` to `value`.
    fn set_bridge(&mut self, bridge: u32, setting: BridgeSetting, value: u32) -> Result<(), Errno>;
    /// Sets one setting of the bridge port with ifindex `port` to `value`.
    fn set_port(&mut self, port: u32, setting: PortSetting, value: u32) -> Result<(), Errno>;
    /// Whether this process may change links (EPERM without CAP_NET_ADMIN),
    /// asked without changing anything.
    fn may_change(&mut self) -> Result<(), Errno>;
    /// The forwarding database of `bridge` (entries whose master is it).
    fn fdb(&mut self, bridge: &Link) -> Result<Vec<FdbEntry>, Errno>;
    /// The VLANs of `bridge` itself and of each of its ports (the
    /// compressed AF_BRIDGE dump), links without VLANs included with none;
    /// any order. EOPNOTSUPP where they cannot be read (the sysfs backend
    /// has no per-port VLAN list).
    fn vlans(&mut self, bridge: &Link) -> Result<Vec<LinkVlans>, Errno>;
    /// Adds a VLAN or a range to link `index` (a port, or the bridge itself).
    fn add_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno>;
    /// Removes a VLAN or a range from link `index`.
    fn delete_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno>;
    /// The multicast database of `bridge` (RTM_GETMDB). EOPNOTSUPP where it
    /// cannot be read (sysfs has none).
    fn mdb(&mut self, bridge: &Link) -> Result<Mdb, Errno>;

    // The forwarding database (docs/compat.md section 11).
    /// Adds a static entry (NUD_NOARP, NTF_MASTER) on bridge port `port`;
    /// EEXIST when the entry is there already.
    fn add_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno>;
    /// Removes an entry from the bridge of port `port` (ENOENT when there is none).
    fn delete_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno>;
    /// Drops the learned entries of bridge `bridge`, or of one of its ports.
    fn flush_macs(&mut self, bridge: u32, port: Option<u32>) -> Result<(), Errno>;
    /// Sets the hardware address of link `index`.
    fn set_address(&mut self, index: u32, mac: Mac) -> Result<(), Errno>;
    /// The hardware address of the link called `name` (None: no such link;
    /// EADDRNOTAVAIL: it has no Ethernet address).
    fn address(&mut self, name: &IfName) -> Result<Option<Mac>, Errno>;
    /// `fdb` with each entry's VLAN: netlink only (sysfs's brforward has
    /// none), EOPNOTSUPP with the sysfs backend.
    fn fdb_vlans(&mut self, bridge: &Link) -> Result<Vec<FdbEntry>, Errno>;
    /// A subscription to the kernel's notifications (monitor). Backends
    /// that cannot watch answer EOPNOTSUPP.
    fn watch(&mut self) -> Result<Box<dyn Watch>, Errno> {
        Err(Errno::EOPNOTSUPP)
    }
    /// The link called `name` and, when it is a bridge, its ports; None
    /// when there is no such device. A backend may read both at once.
    fn link_with_ports(&mut self, name: &IfName) -> Result<Option<LinkWithPorts>, Errno> {
        link_then_ports(self, name)
    }
    /// As `link_with_ports`, for `show`: of a bridge only its name, bridge
    /// id and STP state are needed, and of its ports their names; a backend
    /// may read no more than that.
    fn bridge_for_show(&mut self, name: &IfName) -> Result<Option<LinkWithPorts>, Errno> {
        self.link_with_ports(name)
    }
}

/// A link and, for a bridge, its ports or why they could not be read.
#[derive(Debug)]
pub struct LinkWithPorts {
    pub link: Link,
    pub ports: Option<Result<Vec<Link>, Errno>>,
}

/// `link`, then `ports` if it is a bridge.
fn link_then_ports<B: Backend + ?Sized>(backend: &mut B, name: &IfName) -> Result<Option<LinkWithPorts>, Errno> {
    let Some(link) = backend.link(name)? else { return Ok(None) };
    let ports = link.is_bridge().then(|| backend.ports(&link));
    Ok(Some(LinkWithPorts { link, ports }))
}

/// A `BRCTL_BACKEND` value that names no backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBackend(pub Vec<u8>);

/// Which way to the kernel `BRCTL_BACKEND` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    /// Netlink, falling back to sysfs per read where netlink lacks the data.
    Auto,
    Netlink,
    Sysfs,
}

impl BackendChoice {
    /// The choice, or the value that names none.
    pub fn from_env() -> Result<BackendChoice, UnknownBackend> {
        match std::env::var_os("BRCTL_BACKEND") {
            None => Ok(BackendChoice::Auto),
            Some(value) => match value.as_encoded_bytes() {
                b"" | b"auto" => Ok(BackendChoice::Auto),
                b"netlink" => Ok(BackendChoice::Netlink),
                b"sysfs" => Ok(BackendChoice::Sysfs),
                other => Err(UnknownBackend(other.to_vec())),
            },
        }
    }
}

/// The backend for this run, as `BRCTL_BACKEND` chooses. The netlink
/// socket is opened when first needed; commands that change something call
/// `open_netlink` first so that a refused socket is reported as the
/// original reports it.
pub fn open() -> Result<Kernel, UnknownBackend> {
    let reads = BackendChoice::from_env()?;
    let hook = |name: &str, value: &str| std::env::var_os(name).is_some_and(|v| v == value);
    Ok(Kernel {
        netlink: None,
        sysfs: Some(SysfsReader::new()),
        reads,
        // Test hooks (feature test-hooks, never shipped): netlink reads fail
        // as if the kernel had no answer, or the socket itself is refused
        // (as a seccomp or LSM denial would), so tests can show the fallbacks.
        netlink_reads: !(cfg!(feature = "test-hooks") && hook("BRCTL_TEST_NETLINK_READS", "off")),
        socket_refused: cfg!(feature = "test-hooks") && hook("BRCTL_TEST_NETLINK_SOCKET", "refuse"),
        // Test hook: one more name in every brif/ listing, as a port deleted
        // or moved since sysfs was read would be (src/backend/ports.rs).
        stale_port: std::env::var_os("BRCTL_TEST_STALE_PORT")
            .filter(|_| cfg!(feature = "test-hooks"))
            .and_then(|name| IfName::from_bytes(name.as_encoded_bytes()).ok()),
    })
}

/// Netlink for every change; reads from netlink, sysfs, or netlink with a
/// per-read fallback to sysfs. One socket for the whole run.
pub struct Kernel {
    netlink: Option<NetlinkBackend>,
    /// None when /sys does not show our network namespace.
    sysfs: Option<SysfsReader>,
    reads: BackendChoice,
    netlink_reads: bool,
    socket_refused: bool,
    stale_port: Option<IfName>,
}

impl Kernel {
    /// Opens the netlink socket now, for a command that changes something.
    pub fn open_netlink(&mut self) -> Result<(), Errno> {
        self.netlink().map(drop)
    }

    /// What reads passed over since the last call (entries of sysfs that
    /// could not be read), one line each, for stderr.
    pub fn take_warnings(&mut self) -> Vec<String> {
        self.sysfs.as_ref().map(SysfsReader::take_skipped).unwrap_or_default()
    }

    /// Moves into another network namespace before anything is read.
    pub fn enter_namespace(&mut self, target: &std::ffi::OsStr) -> Result<(), Errno> {
        let path = netns::namespace_path(target).ok_or(Errno::ENOENT)?;
        let sysfs_follows = netns::enter(&path)?;
        self.netlink = None;
        if !sysfs_follows {
            self.sysfs = None;
        }
        Ok(())
    }

    fn netlink(&mut self) -> Result<&mut NetlinkBackend, Errno> {
        if self.socket_refused {
            return Err(Errno(libc::EACCES));
        }
        match &mut self.netlink {
            Some(netlink) => Ok(netlink),
            slot => Ok(slot.insert(NetlinkBackend::new()?)),
        }
    }

    /// One read, from where `BRCTL_BACKEND` says; under auto a netlink
    /// failure (no socket, no answer) is followed by the same read of sysfs.
    fn read<T>(
        &mut self,
        from_netlink: impl FnOnce(&mut NetlinkBackend) -> Result<T, Errno>,
        from_sysfs: impl FnOnce(&SysfsReader) -> Result<T, Errno>,
    ) -> Result<T, Errno> {
        let from_sysfs = |sysfs: &Option<SysfsReader>| match sysfs {
            Some(sysfs) => from_sysfs(sysfs),
            None => Err(Errno::EOPNOTSUPP),
        };
        if self.reads == BackendChoice::Sysfs {
            return from_sysfs(&self.sysfs);
        }
        let answer = if self.netlink_reads { self.netlink().and_then(from_netlink) } else { Err(Errno::EOPNOTSUPP) };
        match answer {
            Err(_) if self.reads == BackendChoice::Auto => from_sysfs(&self.sysfs),
            answer => answer,
        }
    }

    /// The ports of `bridge` from netlink's dump (or sysfs, as chosen).
    fn dumped_ports(&mut self, bridge: &Link) -> Result<Vec<Link>, Errno> {
        let name = sysfs_name(bridge);
        let ports = self.read(|nl| nl.ports(bridge), |sysfs| sysfs.ports(&name?))?;
        Ok(ports.into_iter().map(|link| self.complete(link)).collect())
    }

    /// Fills in bridge and port details netlink did not carry, from sysfs.
    fn complete(&self, mut link: Link) -> Link {
        if let (true, BackendChoice::Auto, Some(sysfs)) = (link.details_missing, self.reads, &self.sysfs) {
            if let Ok(Some(full)) = IfName::from_bytes(&link.name).map_or(Ok(None), |name| sysfs.link(&name)) {
                link.bridge = full.bridge.or(link.bridge);
                link.port = full.port.or(link.port);
                link.details_missing = false;
            }
        }
        link
    }
}

/// A bridge's name as a sysfs path component; the kernel's names always pass.
fn sysfs_name(link: &Link) -> Result<IfName, Errno> {
    IfName::from_bytes(&link.name).map_err(|_| Errno::ENODEV)
}

impl Backend for Kernel {
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno> {
        let link = self.read(|nl| nl.link(name), |sysfs| sysfs.link(name))?;
        Ok(link.map(|link| self.complete(link)))
    }

    fn bridges(&mut self) -> Result<Vec<Link>, Errno> {
        let from_sysfs = |sysfs: &SysfsReader| Ok(sysfs.links()?.into_iter().filter(Link::is_bridge).collect());
        let bridges = self.read(|nl| nl.bridges(), from_sysfs)?;
        Ok(bridges.into_iter().map(|link| self.complete(link)).collect())
    }

    fn bridge_ports(&mut self) -> Result<Vec<Link>, Errno> {
        let from_sysfs =
            |sysfs: &SysfsReader| Ok(sysfs.links()?.into_iter().filter(|link| link.port.is_some()).collect());
        let ports = self.read(|nl| nl.bridge_ports(), from_sysfs)?;
        Ok(ports.into_iter().map(|link| self.complete(link)).collect())
    }

    fn ports(&mut self, bridge: &Link) -> Result<Vec<Link>, Errno> {
        match self.listed_ports(bridge) {
            Some(ports) => Ok(ports.into_iter().map(|link| self.complete(link)).collect()),
            None => self.dumped_ports(bridge),
        }
    }

    fn link_with_ports(&mut self, name: &IfName) -> Result<Option<LinkWithPorts>, Errno> {
        match self.looked_up_together(name) {
            Some(answer) => answer,
            None => link_then_ports(self, name),
        }
    }

    fn bridge_for_show(&mut self, name: &IfName) -> Result<Option<LinkWithPorts>, Errno> {
        match self.summary_from_sysfs(name) {
            Some(found) => Ok(Some(found)),
            None => self.link_with_ports(name),
        }
    }

    fn fdb(&mut self, bridge: &Link) -> Result<Vec<FdbEntry>, Errno> {
        let name = sysfs_name(bridge);
        // The port numbers from the listed ports where they can be had.
        let ports = self.listed_ports(bridge);
        let from_netlink = |nl: &mut NetlinkBackend| match ports {
            Some(ports) => nl.fdb_of(bridge, &ports),
            None => nl.fdb(bridge),
        };
        self.read(from_netlink, |sysfs| sysfs.fdb(&name?))
    }

    fn add_bridge(&mut self, name: &IfName) -> Result<(), Errno> {
        self.netlink()?.add_bridge(name)
    }

    fn delete_link(&mut self, index: u32) -> Result<(), Errno> {
        self.netlink()?.delete_link(index)
    }

    fn set_master(&mut self, port: u32, master: u32) -> Result<(), Errno> {
        self.netlink()?.set_master(port, master)
    }

    fn set_bridge(&mut self, bridge: u32, setting: BridgeSetting, value: u32) -> Result<(), Errno> {
        self.netlink()?.set_bridge(bridge, setting, value)
    }

    fn set_port(&mut self, port: u32, setting: PortSetting, value: u32) -> Result<(), Errno> {
        self.netlink()?.set_port(port, setting, value)
    }

    fn may_change(&mut self) -> Result<(), Errno> {
        self.netlink()?.may_change()
    }

    /// From netlink only: sysfs has the bridge's VLAN settings (read with
    /// the bridge) but no per-port VLAN list, so with `BRCTL_BACKEND=sysfs`
    /// this is EOPNOTSUPP, which the command layer words. Under auto there
    /// is nothing to fall back to, so netlink's own errno is the answer
    /// (EOPNOTSUPP there would blame a backend nobody chose).
    fn vlans(&mut self, bridge: &Link) -> Result<Vec<LinkVlans>, Errno> {
        if self.reads == BackendChoice::Sysfs || !self.netlink_reads {
            return Err(Errno::EOPNOTSUPP);
        }
        self.netlink()?.vlans(bridge)
    }

    fn add_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno> {
        self.netlink()?.add_vlans(index, change)
    }

    fn delete_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno> {
        self.netlink()?.delete_vlans(index, change)
    }

    /// From netlink only, as `vlans`: sysfs has no multicast database.
    fn mdb(&mut self, bridge: &Link) -> Result<Mdb, Errno> {
        if self.reads == BackendChoice::Sysfs || !self.netlink_reads {
            return Err(Errno::EOPNOTSUPP);
        }
        self.netlink()?.mdb(bridge)
    }

    fn add_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno> {
        self.netlink()?.add_mac(port, mac, vlan)
    }

    fn delete_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno> {
        self.netlink()?.delete_mac(port, mac, vlan)
    }

    fn flush_macs(&mut self, bridge: u32, port: Option<u32>) -> Result<(), Errno> {
        self.netlink()?.flush_macs(bridge, port)
    }

    fn set_address(&mut self, index: u32, mac: Mac) -> Result<(), Errno> {
        self.netlink()?.set_address(index, mac)
    }

    fn address(&mut self, name: &IfName) -> Result<Option<Mac>, Errno> {
        self.read(|nl| nl.address(name), |sysfs| sysfs.address(name))
    }

    /// From netlink only, as `vlans`.
    fn fdb_vlans(&mut self, bridge: &Link) -> Result<Vec<FdbEntry>, Errno> {
        if self.reads == BackendChoice::Sysfs || !self.netlink_reads {
            return Err(Errno::EOPNOTSUPP);
        }
        self.netlink()?.fdb(bridge)
    }

    /// Netlink only (sysfs has no notifications), on sockets of its own.
    fn watch(&mut self) -> Result<Box<dyn Watch>, Errno> {
        if self.reads == BackendChoice::Sysfs {
            return Err(Errno::EOPNOTSUPP);
        }
        if self.socket_refused {
            return Err(Errno(libc::EACCES));
        }
        Ok(Box::new(netlink::monitor::Subscription::open()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel(reads: BackendChoice, socket_refused: bool) -> Kernel {
        let sysfs = Some(SysfsReader::new());
        Kernel { netlink: None, sysfs, reads, netlink_reads: true, socket_refused, stale_port: None }
    }

    #[test]
    fn vlans_come_from_netlink_only() {
        let bridge = Link { index: 2, name: b"br0".to_vec(), ..Link::default() };
        // Forced sysfs: no per-port VLAN list, and no socket is opened.
        assert_eq!(kernel(BackendChoice::Sysfs, true).vlans(&bridge), Err(Errno::EOPNOTSUPP));
        // Under auto netlink's own error is the answer, not sysfs's EOPNOTSUPP.
        assert_eq!(kernel(BackendChoice::Auto, true).vlans(&bridge), Err(Errno(libc::EACCES)));
        assert_eq!(kernel(BackendChoice::Netlink, true).vlans(&bridge), Err(Errno(libc::EACCES)));
    }

    #[test]
    fn the_multicast_database_comes_from_netlink_only() {
        let bridge = Link { index: 2, name: b"br0".to_vec(), ..Link::default() };
        assert_eq!(kernel(BackendChoice::Sysfs, true).mdb(&bridge), Err(Errno::EOPNOTSUPP));
        assert_eq!(kernel(BackendChoice::Auto, true).mdb(&bridge), Err(Errno(libc::EACCES)));
        assert_eq!(kernel(BackendChoice::Netlink, true).mdb(&bridge), Err(Errno(libc::EACCES)));
        let mut without_reads = kernel(BackendChoice::Auto, true);
        without_reads.netlink_reads = false;
        assert_eq!(without_reads.mdb(&bridge), Err(Errno::EOPNOTSUPP));
    }

    #[test]
    fn the_vlans_of_mac_addresses_come_from_netlink_only() {
        let bridge = Link { index: 2, name: b"br0".to_vec(), ..Link::default() };
        assert_eq!(kernel(BackendChoice::Sysfs, true).fdb_vlans(&bridge), Err(Errno::EOPNOTSUPP));
        assert_eq!(kernel(BackendChoice::Auto, true).fdb_vlans(&bridge), Err(Errno(libc::EACCES)));
        assert_eq!(kernel(BackendChoice::Netlink, true).fdb_vlans(&bridge), Err(Errno(libc::EACCES)));
    }
}
