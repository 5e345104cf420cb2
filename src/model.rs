//! Plain data the commands work on: what the kernel told us about links,
//! bridges and ports. No kernel access here; backends fill these in.

/// An 8-byte bridge id: priority (big-endian on the wire) and MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BridgeId {
    pub priority: u16,
    pub mac: [u8; 6],
}

impl BridgeId {
    /// Decodes the kernel's `struct ifla_bridge_id` (2 bytes priority, 6 bytes MAC).
    pub fn from_bytes(bytes: &[u8]) -> Option<BridgeId> {
        if bytes.len() < 8 {
            return None;
        }
        let mut mac = [0u8; 6];
        mac.copy_from_slice(&bytes[2..8]);
        Some(BridgeId { priority: u16::from_be_bytes([bytes[0], bytes[1]]), mac })
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
    /// Present when the link is a bridge (IFLA_INFO_KIND "bridge").
    pub bridge: Option<BridgeInfo>,
    /// Present when the link is a bridge port (IFLA_INFO_SLAVE_KIND "bridge").
    pub port: Option<PortInfo>,
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

/// One forwarding database entry as showmacs shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FdbEntry {
    pub mac: [u8; 6],
    /// True port number (the original prints it modulo 256).
    pub port_no: u16,
    pub is_local: bool,
    /// Centiseconds since the entry was last refreshed (0 for local/static entries).
    pub ageing_timer: u64,
    /// The VLAN the entry belongs to, when the bridge filters VLANs.
    pub vlan: Option<u16>,
    pub flags: FdbFlags,
}

/// What kind of entry it is, beyond is-local (for `-d` and JSON).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FdbFlags {
    /// A local address (the port's own, or added without `static`).
    pub permanent: bool,
    /// Added by hand; never ages.
    pub static_entry: bool,
    /// Learned by a switch chip rather than by the bridge.
    pub offloaded: bool,
    /// Learned outside the bridge (by a driver or user space).
    pub extern_learn: bool,
    /// Never moves to another port.
    pub sticky: bool,
}

impl FdbFlags {
    /// The flag words, as `bridge fdb show` names them; an entry that is
    /// neither permanent nor static was learned.
    pub fn words(&self) -> Vec<&'static str> {
        let mut words = vec![if self.permanent {
            "permanent"
        } else if self.static_entry {
            "static"
        } else {
            "learned"
        }];
        for (set, word) in [(self.offloaded, "offloaded"), (self.extern_learn, "extern_learn"), (self.sticky, "sticky")]
        {
            if set {
                words.push(word);
            }
        }
        words
    }
}

/// A bridge and its ports, ports sorted by name bytes, as `show` and `showstp` print them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeView {
    pub link: Link,
    pub info: BridgeInfo,
    pub ports: Vec<Link>,
}
