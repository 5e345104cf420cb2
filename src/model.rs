//! Plain data the commands work on: what the kernel told us about links,
//! bridges and ports. No kernel access here; backends fill these in.

use std::num::NonZeroU16;

/// An 8-byte bridge id: priority (big-endian on the wire) and MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BridgeId {
    pub priority: u16,
    pub mac: [u8; 6],
}

impl BridgeId {
    /// Decodes the kernel's `struct ifla_bridge_id` (2 bytes priority, 6 bytes MAC).
    pub fn from_bytes(bytes: &[u8]) -> Option<BridgeId> {
        let [high, low, a, b, c, d, e, f, ..] = *bytes else {
            return None;
        };
        Some(BridgeId { priority: u16::from_be_bytes([high, low]), mac: [a, b, c, d, e, f] })
    }
}

/// Bridge-wide settings and STP state (IFLA_BR_* or /sys/class/net/<br>/bridge/*).
/// Times and timers are in centiseconds (clock_t, USER_HZ = 100).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BridgeInfo {
    pub bridge_id: BridgeId,
    pub designated_root: BridgeId,
    pub root_port: u16,
    pub root_path_cost: u32,
    pub stp_state: u32,
    pub max_age: u32,
    pub hello_time: u32,
    pub forward_delay: u32,
    pub ageing_time: u32,
    pub hello_timer: u64,
    pub tcn_timer: u64,
    pub topology_change_timer: u64,
    pub gc_timer: u64,
    pub topology_change: bool,
    pub topology_change_detected: bool,
    pub priority: u16,
    /// Multicast snooping settings; None where the kernel did not report
    /// them (no IFLA_BR_MCAST_* attributes, no sysfs files).
    pub mcast: Option<BridgeMcastInfo>,
    /// VLAN settings; None where the kernel has no VLAN filtering
    /// (CONFIG_BRIDGE_VLAN_FILTERING off: no IFLA_BR_VLAN_* attributes, no
    /// sysfs files).
    pub vlan: Option<BridgeVlanInfo>,
}

/// A bridge's multicast snooping settings (IFLA_BR_MCAST_*, or the
/// bridge/multicast_* and hash_* files). Intervals in centiseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BridgeMcastInfo {
    pub snooping: bool,
    pub router: u8,
    pub querier: bool,
    pub query_use_ifaddr: bool,
    pub hash_elasticity: u32,
    pub hash_max: u32,
    pub last_member_count: u32,
    pub startup_query_count: u32,
    pub last_member_interval: u64,
    pub membership_interval: u64,
    pub querier_interval: u64,
    pub query_interval: u64,
    pub query_response_interval: u64,
    pub startup_query_interval: u64,
}

/// A port's flags of docs/compat.md section 10 (IFLA_BRPORT_LEARNING ...),
/// in the order `port flags` lists them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortFlags {
    pub learning: bool,
    pub flood: bool,
    pub mcflood: bool,
    pub bcflood: bool,
    pub isolated: bool,
    pub bpduguard: bool,
    pub rootblock: bool,
    pub neighsuppress: bool,
}

impl PortFlags {
    /// The words of the flags that are on, in the table's order.
    pub fn words(&self) -> Vec<&'static str> {
        [
            (self.learning, "learning"),
            (self.flood, "flood"),
            (self.mcflood, "mcflood"),
            (self.bcflood, "bcflood"),
            (self.isolated, "isolated"),
            (self.bpduguard, "bpduguard"),
            (self.rootblock, "rootblock"),
            (self.neighsuppress, "neighsuppress"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect()
    }
}

/// A port's multicast settings and flags, where the kernel reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortMcastInfo {
    /// IFLA_BRPORT_MULTICAST_ROUTER, 0..=3.
    pub router: u8,
    pub fast_leave: bool,
    pub flags: PortFlags,
}

/// One entry of a bridge's multicast database (RTM_GETMDB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MdbEntry {
    /// The port's ifindex.
    pub port: u32,
    pub group: std::net::IpAddr,
    /// 0 when the entry has no VLAN.
    pub vlan: u16,
    pub permanent: bool,
    /// Time left, in centiseconds (0 for permanent entries).
    pub timer: u64,
}

/// A bridge's multicast database: its groups and its router ports (ifindexes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mdb {
    pub entries: Vec<MdbEntry>,
    pub router_ports: Vec<u32>,
}

/// A bridge's VLAN settings (IFLA_BR_VLAN_FILTERING, _PROTOCOL, _DEFAULT_PVID).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BridgeVlanInfo {
    pub filtering: bool,
    /// The ethertype: 0x8100 (802.1Q) or 0x88a8 (802.1ad).
    pub protocol: u16,
    /// 0 for none, else 1..=4094.
    pub default_pvid: u16,
}

impl BridgeVlanInfo {
    /// What a kernel without VLAN filtering has in effect: off, 802.1Q, PVID 1.
    pub const KERNEL_DEFAULTS: BridgeVlanInfo = BridgeVlanInfo { filtering: false, protocol: 0x8100, default_pvid: 1 };
}

impl BridgeInfo {
    /// The VLAN settings of a kernel with VLAN filtering. A kernel without
    /// it may still report the filtering flag (always off), but never a
    /// protocol: that is what tells them apart.
    pub fn vlan_support(&self) -> Option<BridgeVlanInfo> {
        self.vlan.filter(|vlan| vlan.protocol != 0)
    }
}

/// One VLAN or a range of them on a bridge or port, as the compressed dump
/// gives them (`first == last` for a single VLAN).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VlanRange {
    pub first: u16,
    pub last: u16,
    /// This VLAN is the port's PVID (only ever on a single VLAN).
    pub pvid: bool,
    /// Frames leave the port untagged.
    pub untagged: bool,
}

/// The VLANs of one link as two bitmaps (member, untagged) and the PVID:
/// 1 KB whether it holds one range or 4094 single VLANs, so a bridge's
/// dump is kept in a few pages (docs/performance.md, showvlans).
#[derive(Clone, PartialEq, Eq)]
pub struct VlanSet {
    members: [u64; VlanSet::WORDS],
    untagged: [u64; VlanSet::WORDS],
    pvid: Option<u16>,
}

impl VlanSet {
    const WORDS: usize = 4096 / 64;

    /// Adds `first..=last` with its flags; ids past 4095 (no kernel sends
    /// them) are left out. A PVID flag marks `first`.
    pub fn insert(&mut self, range: VlanRange) {
        for vid in range.first..=range.last.min(4095) {
            let (word, bit) = (usize::from(vid / 64), 1u64 << (vid % 64));
            if let (Some(member), Some(untagged)) = (self.members.get_mut(word), self.untagged.get_mut(word)) {
                *member |= bit;
                *untagged = if range.untagged { *untagged | bit } else { *untagged & !bit };
            }
        }
        if range.pvid && range.first <= 4095 {
            self.pvid = Some(range.first);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.members.iter().all(|&word| word == 0)
    }

    /// The VLANs as the kernel's compressed dump gives them: maximal runs
    /// of consecutive ids with the same flags, the PVID on its own.
    pub fn ranges(&self) -> impl Iterator<Item = VlanRange> + '_ {
        let mut next = 0u16;
        std::iter::from_fn(move || {
            let first = (next..4096).find(|&vid| self.flags(vid).is_some())?;
            let (pvid, untagged) = self.flags(first)?;
            let mut last = first;
            while !pvid && last < 4095 && self.flags(last + 1) == Some((false, untagged)) {
                last += 1;
            }
            next = last + 1;
            Some(VlanRange { first, last, pvid, untagged })
        })
    }

    /// (pvid, untagged) of a member VLAN, None for one that is not.
    fn flags(&self, vid: u16) -> Option<(bool, bool)> {
        let (word, bit) = (usize::from(vid / 64), 1u64 << (vid % 64));
        let member = self.members.get(word).is_some_and(|member| member & bit != 0);
        let untagged = self.untagged.get(word).is_some_and(|untagged| untagged & bit != 0);
        member.then_some((self.pvid == Some(vid), untagged))
    }
}

impl Default for VlanSet {
    fn default() -> VlanSet {
        VlanSet { members: [0; VlanSet::WORDS], untagged: [0; VlanSet::WORDS], pvid: None }
    }
}

impl FromIterator<VlanRange> for VlanSet {
    fn from_iter<I: IntoIterator<Item = VlanRange>>(ranges: I) -> VlanSet {
        let mut set = VlanSet::default();
        ranges.into_iter().for_each(|range| set.insert(range));
        set
    }
}

impl std::fmt::Debug for VlanSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.ranges()).finish()
    }
}

/// The VLANs of one link (a bridge's own entry or one of its ports).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkVlans {
    pub index: u32,
    /// The link's name and, for a port, its port number (0 for the bridge
    /// itself): the dump carries both, so showvlans needs no other read.
    pub name: Vec<u8>,
    pub port_no: u16,
    pub vlans: VlanSet,
}

/// A VLAN change for `Backend::add_vlans` / `delete_vlans`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanChange {
    pub first: u16,
    pub last: u16,
    pub pvid: bool,
    pub untagged: bool,
    /// The link is the bridge itself (BRIDGE_FLAGS_SELF), not a port.
    pub on_bridge: bool,
}

/// Per-port bridge settings and STP state (IFLA_BRPORT_* or brport/*).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortInfo {
    pub port_no: u16,
    pub port_id: u16,
    pub state: u8,
    pub priority: u16,
    pub path_cost: u32,
    pub designated_root: BridgeId,
    pub designated_bridge: BridgeId,
    pub designated_port: u16,
    pub designated_cost: u16,
    pub message_age_timer: u64,
    pub forward_delay_timer: u64,
    pub hold_timer: u64,
    pub config_pending: bool,
    pub topology_change_ack: bool,
    pub hairpin: bool,
    /// Multicast settings and flags; None where the kernel did not report them.
    pub mcast: Option<PortMcastInfo>,
}

/// One network interface as the kernel reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub index: u32,
    /// Raw name bytes: the kernel allows names that are not UTF-8.
    pub name: Vec<u8>,
    /// ifindex of the master device (bridge, bond, ...), if any.
    pub master: Option<u32>,
    /// IFF_UP is set.
    pub up: bool,
    /// IFF_LOOPBACK is set.
    pub loopback: bool,
    /// Present when the link is a bridge (IFLA_INFO_KIND "bridge"). Boxed,
    /// as is `port`, so that a Link stays small: `show` holds thousands,
    /// and every page of memory a run touches costs a page fault.
    pub bridge: Option<Box<BridgeInfo>>,
    /// Present when the link is a bridge port (IFLA_INFO_SLAVE_KIND "bridge").
    pub port: Option<Box<PortInfo>>,
    /// The source said this is a bridge or a port but not its details
    /// (netlink on kernels without IFLA_INFO_DATA): read them elsewhere.
    pub details_missing: bool,
}

impl Link {
    pub fn is_bridge(&self) -> bool {
        self.bridge.is_some()
    }

    /// True when this link is enslaved to the bridge with ifindex `bridge`.
    pub fn is_port_of(&self, bridge: u32) -> bool {
        self.master == Some(bridge)
    }
}

/// One forwarding database entry as showmacs shows it. Kept to 16 bytes:
/// a big bridge has a hundred thousand of these, all held for sorting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FdbEntry {
    pub mac: [u8; 6],
    /// True port number (the original prints it modulo 256).
    pub port_no: u16,
    /// Centiseconds since the entry was last refreshed (0 for local/static entries).
    pub ageing_timer: u32,
    /// The VLAN the entry belongs to, when the bridge filters VLANs.
    pub vlan: Option<NonZeroU16>,
    pub flags: FdbFlags,
}

impl FdbEntry {
    /// A local address: the port's own, or one added without `static`.
    pub fn is_local(&self) -> bool {
        self.flags.contains(FdbFlags::PERMANENT)
    }
}

/// What kind of entry it is (for `-d` and JSON), as a set of bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FdbFlags(u8);

impl FdbFlags {
    /// Local: never ages, shown as `is local? yes`.
    pub const PERMANENT: FdbFlags = FdbFlags(1);
    /// Added by hand; never ages.
    pub const STATIC: FdbFlags = FdbFlags(2);
    /// Learned by a switch chip rather than by the bridge.
    pub const OFFLOADED: FdbFlags = FdbFlags(4);
    /// Learned outside the bridge (by a driver or user space).
    pub const EXTERN_LEARN: FdbFlags = FdbFlags(8);
    /// Never moves to another port.
    pub const STICKY: FdbFlags = FdbFlags(16);

    pub fn contains(self, flag: FdbFlags) -> bool {
        self.0 & flag.0 == flag.0
    }

    /// These flags, plus `flag` when `on`.
    pub fn with(self, flag: FdbFlags, on: bool) -> FdbFlags {
        if on {
            FdbFlags(self.0 | flag.0)
        } else {
            self
        }
    }

    /// The flag words, as `bridge fdb show` names them; an entry that is
    /// neither permanent nor static was learned.
    pub fn words(self) -> Vec<&'static str> {
        let kind = if self.contains(FdbFlags::PERMANENT) {
            "permanent"
        } else if self.contains(FdbFlags::STATIC) {
            "static"
        } else {
            "learned"
        };
        let mut words = vec![kind];
        for (flag, word) in
            [(FdbFlags::OFFLOADED, "offloaded"), (FdbFlags::EXTERN_LEARN, "extern_learn"), (FdbFlags::STICKY, "sticky")]
        {
            if self.contains(flag) {
                words.push(word);
            }
        }
        words
    }
}

/// A bridge and its ports, ports sorted by name bytes, as `show` and `showstp` print them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeView {
    /// The bridge's link; its settings are moved out into `info`.
    pub link: Link,
    pub info: Box<BridgeInfo>,
    pub ports: Vec<Link>,
}

/// A bridge's VLANs as showvlans prints them: the bridge's own entry first,
/// then its ports in port-number order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BridgeVlans {
    pub bridge: Vec<u8>,
    /// The kernel's defaults (off, 802.1Q, 1) where it has no VLAN filtering.
    pub settings: BridgeVlanInfo,
    /// Empty when filtering is off.
    pub links: Vec<(Vec<u8>, VlanSet)>,
}

/// A port or bridge named in a monitor event: by name, or as `if<index>`
/// for an interface the monitor has no name for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name<'a> {
    Known(&'a [u8]),
    Index(u32),
}

/// What became of a forwarding entry (monitor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacChange {
    Learned,
    Moved,
    /// A static or local entry: its flags say which.
    Added(FdbFlags),
    Expired,
    Deleted,
}

/// One line of `monitor`: what changed, with names as they are now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    BridgeAdded {
        bridge: &'a [u8],
    },
    BridgeDeleted {
        bridge: &'a [u8],
    },
    /// `state` is the port's STP state when it was added.
    PortAdded {
        bridge: &'a [u8],
        port: &'a [u8],
        state: u8,
    },
    PortRemoved {
        bridge: &'a [u8],
        port: &'a [u8],
    },
    PortState {
        bridge: &'a [u8],
        port: &'a [u8],
        state: u8,
    },
    Stp {
        bridge: &'a [u8],
        on: bool,
    },
    /// `port` is where the entry is now (or was, when it went); `vlan` 0 for none.
    Mac {
        bridge: &'a [u8],
        mac: [u8; 6],
        vlan: u16,
        port: Name<'a>,
        change: MacChange,
    },
    Group {
        bridge: &'a [u8],
        group: std::net::IpAddr,
        vlan: u16,
        port: Name<'a>,
        added: bool,
    },
    /// The kernel dropped notifications; what follows comes from a new dump.
    EventsLost,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(first: u16, last: u16, pvid: bool, untagged: bool) -> VlanRange {
        VlanRange { first, last, pvid, untagged }
    }

    #[test]
    fn a_vlan_set_gives_back_the_kernels_compressed_ranges() {
        // As the kernel compresses: equal flags merge, the PVID stands alone.
        let given = [
            range(1, 1, true, true),
            range(2, 9, false, true),
            range(10, 20, false, false),
            range(4094, 4094, false, false),
        ];
        let set: VlanSet = given.into_iter().collect();
        assert_eq!(set.ranges().collect::<Vec<_>>(), given);
        // Singles given one by one come back as the runs they make.
        let singles: VlanSet = (30..=40).map(|vid| range(vid, vid, vid == 35, vid > 35)).collect();
        let expected = [range(30, 34, false, false), range(35, 35, true, false), range(36, 40, false, true)];
        assert_eq!(singles.ranges().collect::<Vec<_>>(), expected);
        // Alternating flags never merge; every VLAN id fits.
        let scattered: VlanSet = (1..=4094).map(|vid| range(vid, vid, false, vid % 2 == 1)).collect();
        assert_eq!(scattered.ranges().count(), 4094);
        assert_eq!(scattered.ranges().last(), Some(range(4094, 4094, false, false)));
        assert!(VlanSet::default().is_empty() && !scattered.is_empty());
        assert_eq!(VlanSet::default().ranges().next(), None);
    }

    #[test]
    fn an_fdb_entry_stays_small() {
        assert_eq!(std::mem::size_of::<FdbEntry>(), 16);
    }

    #[test]
    fn flag_words_name_the_kind_first() {
        let flags = FdbFlags::default().with(FdbFlags::OFFLOADED, true).with(FdbFlags::STICKY, true);
        assert_eq!(flags.words(), ["learned", "offloaded", "sticky"]);
        assert_eq!(FdbFlags::PERMANENT.with(FdbFlags::STATIC, false).words(), ["permanent"]);
        assert_eq!(FdbFlags::STATIC.words(), ["static"]);
    }
}
