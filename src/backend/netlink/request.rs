//! Request builders: the ifinfomsg bodies (with their attributes) that
//! brctl sends, built with neli.

use neli::consts::rtnl::{Ifla, RtAddrFamily, RtaType};
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder, Rtattr, RtattrBuilder};
use neli::types::{Buffer, RtBuffer};

use super::uapi;
use crate::backend::Errno;
use crate::backend::{BridgeSetting, PortSetting};
use crate::model::VlanChange;

pub(super) fn attr<T: RtaType>(ty: T, payload: &[u8]) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default().rta_type(ty).rta_payload(Buffer::from(payload)).build().map_err(|_| Errno(libc::EIO))
}

pub(super) fn nest<T: RtaType, U: RtaType>(ty: T, inner: Vec<Rtattr<U, Buffer>>) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default()
        .rta_type(ty)
        .rta_payload(inner.into_iter().collect::<RtBuffer<U, Buffer>>())
        .build()
        .map_err(|_| Errno(libc::EIO))
}

pub(super) fn ifinfomsg(family: u8, index: u32, attrs: Vec<Rtattr<Ifla, Buffer>>) -> Result<Ifinfomsg, Errno> {
    IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::from(family))
        .ifi_index(i32::try_from(index).map_err(|_| Errno::ENODEV)?)
        .rtattrs(attrs.into_iter().collect())
        .build()
        .map_err(|_| Errno(libc::EIO))
}

/// IFLA_EXT_MASK asking the kernel to leave out the per-protocol statistics
/// (IPv6's among them), which brctl never shows. Only for single-link
/// lookups: in a dump request any IFLA_EXT_MASK makes the kernel first size
/// every link of the namespace (rtnl_calcit), which costs more than the
/// statistics save (about 0.5 ms at 3000 interfaces).
pub(super) fn ext_mask() -> Result<Rtattr<Ifla, Buffer>, Errno> {
    attr(Ifla::from(uapi::IFLA_EXT_MASK), &uapi::RTEXT_FILTER_SKIP_STATS.to_ne_bytes())
}

pub(super) fn c_string(bytes: &[u8]) -> Vec<u8> {
    let mut string = Vec::with_capacity(bytes.len() + 1);
    string.extend_from_slice(bytes);
    string.push(0);
    string
}

/// RTM_NEWLINK on an existing bridge: IFLA_LINKINFO{KIND "bridge", DATA{one IFLA_BR_*}}.
pub(super) fn bridge_setting_request(bridge: u32, setting: BridgeSetting, value: u32) -> Result<Ifinfomsg, Errno> {
    let data = match setting {
        BridgeSetting::AgeingTime => attr(uapi::IFLA_BR_AGEING_TIME, &value.to_ne_bytes()),
        BridgeSetting::ForwardDelay => attr(uapi::IFLA_BR_FORWARD_DELAY, &value.to_ne_bytes()),
        BridgeSetting::HelloTime => attr(uapi::IFLA_BR_HELLO_TIME, &value.to_ne_bytes()),
        BridgeSetting::MaxAge => attr(uapi::IFLA_BR_MAX_AGE, &value.to_ne_bytes()),
        BridgeSetting::Priority => attr(uapi::IFLA_BR_PRIORITY, &narrow::<u16>(value)?.to_ne_bytes()),
        BridgeSetting::Stp => attr(uapi::IFLA_BR_STP_STATE, &value.to_ne_bytes()),
        BridgeSetting::VlanFiltering => attr(uapi::IFLA_BR_VLAN_FILTERING, &[narrow::<u8>(value)?]),
        // The ethertype goes in network byte order.
        BridgeSetting::VlanProtocol => attr(uapi::IFLA_BR_VLAN_PROTOCOL, &narrow::<u16>(value)?.to_be_bytes()),
        BridgeSetting::DefaultPvid => attr(uapi::IFLA_BR_VLAN_DEFAULT_PVID, &narrow::<u16>(value)?.to_ne_bytes()),
        BridgeSetting::McastSnooping => attr(uapi::IFLA_BR_MCAST_SNOOPING, &[narrow::<u8>(value)?]),
        BridgeSetting::McastRouter => attr(uapi::IFLA_BR_MCAST_ROUTER, &[narrow::<u8>(value)?]),
        BridgeSetting::McastQuerier => attr(uapi::IFLA_BR_MCAST_QUERIER, &[narrow::<u8>(value)?]),
        BridgeSetting::McastQueryUseIfaddr => attr(uapi::IFLA_BR_MCAST_QUERY_USE_IFADDR, &[narrow::<u8>(value)?]),
        BridgeSetting::HashElasticity => attr(uapi::IFLA_BR_MCAST_HASH_ELASTICITY, &value.to_ne_bytes()),
        BridgeSetting::HashMax => attr(uapi::IFLA_BR_MCAST_HASH_MAX, &value.to_ne_bytes()),
        BridgeSetting::LastMemberCount => attr(uapi::IFLA_BR_MCAST_LAST_MEMBER_CNT, &value.to_ne_bytes()),
        BridgeSetting::StartupQueryCount => attr(uapi::IFLA_BR_MCAST_STARTUP_QUERY_CNT, &value.to_ne_bytes()),
        BridgeSetting::LastMemberInterval => {
            attr(uapi::IFLA_BR_MCAST_LAST_MEMBER_INTVL, &u64::from(value).to_ne_bytes())
        }
        BridgeSetting::MembershipInterval => {
            attr(uapi::IFLA_BR_MCAST_MEMBERSHIP_INTVL, &u64::from(value).to_ne_bytes())
        }
        BridgeSetting::QuerierInterval => attr(uapi::IFLA_BR_MCAST_QUERIER_INTVL, &u64::from(value).to_ne_bytes()),
        BridgeSetting::QueryInterval => attr(uapi::IFLA_BR_MCAST_QUERY_INTVL, &u64::from(value).to_ne_bytes()),
        BridgeSetting::QueryResponseInterval => {
            attr(uapi::IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, &u64::from(value).to_ne_bytes())
        }
        BridgeSetting::StartupQueryInterval => {
            attr(uapi::IFLA_BR_MCAST_STARTUP_QUERY_INTVL, &u64::from(value).to_ne_bytes())
        }
    }?;
    let linkinfo = nest(
        Ifla::from(uapi::IFLA_LINKINFO),
        vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?, nest(uapi::IFLA_INFO_DATA, vec![data])?],
    )?;
    ifinfomsg(uapi::AF_UNSPEC, bridge, vec![linkinfo])
}

/// AF_BRIDGE RTM_SETLINK on a port: IFLA_PROTINFO{one IFLA_BRPORT_*}. The
/// NLA_F_NESTED flag is what tells the kernel this is a nest; without it the
/// payload is taken for the old single-byte port state and refused.
pub(super) fn port_setting_request(port: u32, setting: PortSetting, value: u32) -> Result<Ifinfomsg, Errno> {
    let inner = match setting {
        PortSetting::PathCost => attr(uapi::IFLA_BRPORT_COST, &value.to_ne_bytes()),
        PortSetting::Priority => attr(uapi::IFLA_BRPORT_PRIORITY, &narrow::<u16>(value)?.to_ne_bytes()),
        PortSetting::Hairpin => attr(uapi::IFLA_BRPORT_MODE, &[narrow::<u8>(value)?]),
        PortSetting::McastRouter => attr(uapi::IFLA_BRPORT_MULTICAST_ROUTER, &[narrow::<u8>(value)?]),
        PortSetting::FastLeave => attr(uapi::IFLA_BRPORT_FAST_LEAVE, &[narrow::<u8>(value)?]),
        PortSetting::Learning => attr(uapi::IFLA_BRPORT_LEARNING, &[narrow::<u8>(value)?]),
        PortSetting::Flood => attr(uapi::IFLA_BRPORT_UNICAST_FLOOD, &[narrow::<u8>(value)?]),
        PortSetting::McastFlood => attr(uapi::IFLA_BRPORT_MCAST_FLOOD, &[narrow::<u8>(value)?]),
        PortSetting::BcastFlood => attr(uapi::IFLA_BRPORT_BCAST_FLOOD, &[narrow::<u8>(value)?]),
        PortSetting::Isolated => attr(uapi::IFLA_BRPORT_ISOLATED, &[narrow::<u8>(value)?]),
        PortSetting::BpduGuard => attr(uapi::IFLA_BRPORT_GUARD, &[narrow::<u8>(value)?]),
        PortSetting::RootBlock => attr(uapi::IFLA_BRPORT_PROTECT, &[narrow::<u8>(value)?]),
        PortSetting::NeighSuppress => attr(uapi::IFLA_BRPORT_NEIGH_SUPPRESS, &[narrow::<u8>(value)?]),
    }?;
    let protinfo = nest(Ifla::from(uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED), vec![inner])?;
    ifinfomsg(uapi::AF_BRIDGE, port, vec![protinfo])
}

/// A value for a narrower attribute; one that does not fit is out of the
/// kernel's range (callers check first, so this never wraps into it).
fn narrow<T: TryFrom<u32>>(value: u32) -> Result<T, Errno> {
    T::try_from(value).map_err(|_| Errno::ERANGE)
}

/// The RTM_GETLINK dump request for bridges only: the kernel filters by
/// kind (and flags the reply NLM_F_DUMP_FILTERED).
pub(super) fn bridge_dump_request() -> Result<Ifinfomsg, Errno> {
    let kind = nest(Ifla::from(uapi::IFLA_LINKINFO), vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?])?;
    ifinfomsg(uapi::AF_UNSPEC, 0, vec![kind])
}

/// The RTM_GETLINK dump request, optionally limited to the ports of `master`.
pub(super) fn link_dump_request(master: Option<u32>) -> Result<Ifinfomsg, Errno> {
    let mut attrs = Vec::new();
    if let Some(master) = master {
        attrs.push(attr(Ifla::from(uapi::IFLA_MASTER), &master.to_ne_bytes())?);
    }
    ifinfomsg(uapi::AF_UNSPEC, 0, attrs)
}

/// The AF_BRIDGE RTM_GETLINK dump request for VLANs: each bridge and each
/// port comes with an IFLA_AF_SPEC of IFLA_BRIDGE_VLAN_INFO entries, runs
/// of VLANs with the same flags compressed into ranges. The kernel filters
/// this dump by nothing but the mask (it would refuse IFLA_MASTER on a
/// strict-checking socket), so the caller picks out the bridge's links.
pub(super) fn vlan_dump_request() -> Result<Ifinfomsg, Errno> {
    let mask = attr(Ifla::from(uapi::IFLA_EXT_MASK), &uapi::RTEXT_FILTER_BRVLAN_COMPRESSED.to_ne_bytes())?;
    ifinfomsg(uapi::AF_BRIDGE, 0, vec![mask])
}

/// The AF_BRIDGE RTM_SETLINK (add) or RTM_DELLINK (delete) body for a VLAN
/// change on link `index`, laid out as iproute2's `bridge vlan` does:
/// IFLA_AF_SPEC{IFLA_BRIDGE_FLAGS = SELF when the link is the bridge itself
/// (a port's request has no flags: the kernel hands it to the port's
/// bridge), then one IFLA_BRIDGE_VLAN_INFO for a single VLAN, or a
/// RANGE_BEGIN entry for the first and a RANGE_END entry for the last, both
/// with the same PVID/UNTAGGED flags}. The kernel refuses PVID on a range
/// (EINVAL) and a range whose end is not above its start.
pub(super) fn vlan_request(index: u32, change: VlanChange) -> Result<Ifinfomsg, Errno> {
    let mut flags = 0;
    if change.pvid {
        flags |= uapi::BRIDGE_VLAN_INFO_PVID;
    }
    if change.untagged {
        flags |= uapi::BRIDGE_VLAN_INFO_UNTAGGED;
    }
    let mut inner = Vec::with_capacity(3);
    if change.on_bridge {
        inner.push(attr(uapi::IFLA_BRIDGE_FLAGS, &uapi::BRIDGE_FLAGS_SELF.to_ne_bytes())?);
    }
    if change.first == change.last {
        inner.push(vlan_info(flags, change.first)?);
    } else {
        inner.push(vlan_info(flags | uapi::BRIDGE_VLAN_INFO_RANGE_BEGIN, change.first)?);
        inner.push(vlan_info(flags | uapi::BRIDGE_VLAN_INFO_RANGE_END, change.last)?);
    }
    // NLA_F_NESTED as iproute2's addattr_nest sets it; the kernel finds
    // IFLA_AF_SPEC with or without it.
    let af_spec = nest(Ifla::from(uapi::IFLA_AF_SPEC | uapi::NLA_F_NESTED), inner)?;
    ifinfomsg(uapi::AF_BRIDGE, index, vec![af_spec])
}

/// IFLA_BRIDGE_VLAN_INFO: struct bridge_vlan_info { __u16 flags; __u16 vid; }, host order.
fn vlan_info(flags: u16, vid: u16) -> Result<Rtattr<u16, Buffer>, Errno> {
    let [f0, f1] = flags.to_ne_bytes();
    let [v0, v1] = vid.to_ne_bytes();
    attr(uapi::IFLA_BRIDGE_VLAN_INFO, &[f0, f1, v0, v1])
}

/// The RTM_GETMDB dump request: struct br_port_msg { __u8 family; __u32
/// ifindex; } (8 bytes with its padding), AF_BRIDGE and ifindex 0, as
/// iproute2 sends it. The kernel dumps every device's database whatever
/// the ifindex (a strict-checking socket would refuse a non-zero one), so
/// the caller picks out the bridge's messages.
pub(super) fn mdb_dump_request() -> Buffer {
    // The family, 3 bytes of padding, then the ifindex.
    let family = [uapi::AF_BRIDGE, 0, 0, 0];
    Buffer::from([family, 0u32.to_ne_bytes()].concat())
}
