//! Reply decoders: links, bridge and port settings, VLANs and neighbours,
//! read from the raw payloads of RTM_NEWLINK and RTM_NEWNEIGH messages.

use std::collections::HashMap;
use std::num::NonZeroU16;

use super::uapi;
use crate::model::{
    BridgeId, BridgeInfo, BridgeMcastInfo, BridgeVlanInfo, FdbEntry, FdbFlags, Link, LinkVlans, PortInfo,
    PortMcastInfo, VlanRange, VlanSet,
};

/// The attributes in `bytes`, as (type without the NLA_F_* flags, payload).
/// Stops quietly at a malformed or truncated attribute.
pub(super) struct Attrs<'a>(pub(super) &'a [u8]);

impl<'a> Iterator for Attrs<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let ([l0, l1, t0, t1], rest) = self.0.split_first_chunk::<4>()?;
        let len = usize::from(u16::from_ne_bytes([*l0, *l1]));
        let ty = u16::from_ne_bytes([*t0, *t1]) & uapi::NLA_TYPE_MASK;
        // A length below the header's own 4 bytes wraps to a huge one: no payload.
        let Some(payload) = rest.get(..len.wrapping_sub(4)) else {
            self.0 = &[];
            return None;
        };
        // Attributes are padded to 4 bytes; the last one may lack its padding.
        self.0 = self.0.get(len.next_multiple_of(4)..).unwrap_or(&[]);
        Some((ty, payload))
    }
}

/// An unsigned integer attribute of whatever width the kernel sent.
pub(super) fn uint(payload: &[u8]) -> Option<u64> {
    Some(match *payload {
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_ne_bytes([a, b])),
        [a, b, c, d] => u64::from(u32::from_ne_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => u64::from_ne_bytes([a, b, c, d, e, f, g, h]),
        _ => return None,
    })
}

/// Sets `field` from an integer attribute when the value fits its type,
/// and leaves it alone otherwise.
fn set<T: TryFrom<u64>>(field: &mut T, payload: &[u8]) {
    if let Some(value) = uint(payload).and_then(|value| T::try_from(value).ok()) {
        *field = value;
    }
}

fn set_flag(field: &mut bool, payload: &[u8]) {
    if let Some(value) = uint(payload) {
        *field = value != 0;
    }
}

fn set_id(field: &mut BridgeId, payload: &[u8]) {
    if let Some(id) = BridgeId::from_bytes(payload) {
        *field = id;
    }
}

/// A string attribute without its terminating NUL (and anything after it).
pub(super) fn c_str(payload: &[u8]) -> &[u8] {
    payload.split(|&b| b == 0).next().unwrap_or(payload)
}

pub(super) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// A Link from the payload of an RTM_NEWLINK message (struct ifinfomsg + attributes).
pub(super) fn decode_link(payload: &[u8]) -> Option<Link> {
    let index = u32_at(payload, 4)?;
    let flags = u32_at(payload, 8)?;
    let mut link =
        Link { index, up: flags & uapi::IFF_UP != 0, loopback: flags & uapi::IFF_LOOPBACK != 0, ..Link::default() };
    for (ty, value) in Attrs(payload.get(uapi::IFINFOMSG_LEN..)?) {
        match ty {
            uapi::IFLA_IFNAME => link.name = c_str(value).to_vec(),
            uapi::IFLA_MASTER => link.master = u32_at(value, 0).filter(|&master| master != 0),
            uapi::IFLA_LINKINFO => decode_linkinfo(value, &mut link),
            // Only in AF_BRIDGE replies: the port's IFLA_BRPORT_* attributes.
            uapi::IFLA_PROTINFO => link.port = Some(Box::new(decode_port(value))),
            _ => {}
        }
    }
    Some(link)
}

/// The parts of an IFLA_LINKINFO nest: the link's kind and data, and
/// those of its master's kind (IFLA_INFO_SLAVE_*: a bridge port's).
#[derive(Default)]
pub(super) struct LinkInfo<'a> {
    pub kind: Option<&'a [u8]>,
    pub data: Option<&'a [u8]>,
    pub slave_kind: Option<&'a [u8]>,
    pub slave_data: Option<&'a [u8]>,
}

pub(super) fn link_info(linkinfo: &[u8]) -> LinkInfo<'_> {
    let mut info = LinkInfo::default();
    for (ty, value) in Attrs(linkinfo) {
        match ty {
            uapi::IFLA_INFO_KIND => info.kind = Some(c_str(value)),
            uapi::IFLA_INFO_DATA => info.data = Some(value),
            uapi::IFLA_INFO_SLAVE_KIND => info.slave_kind = Some(c_str(value)),
            uapi::IFLA_INFO_SLAVE_DATA => info.slave_data = Some(value),
            _ => {}
        }
    }
    info
}

fn decode_linkinfo(linkinfo: &[u8], link: &mut Link) {
    let LinkInfo { kind, data, slave_kind, slave_data } = link_info(linkinfo);
    // Without the data attributes (kernels that predate them) the link is
    // known to be a bridge or port, but its details must come from sysfs.
    if kind == Some(b"bridge") {
        link.details_missing |= data.is_none();
        link.bridge = Some(Box::new(decode_bridge(data.unwrap_or(&[]))));
    }
    if slave_kind == Some(b"bridge") {
        link.details_missing |= slave_data.is_none();
        link.port = Some(Box::new(decode_port(slave_data.unwrap_or(&[]))));
    }
}

fn decode_bridge(data: &[u8]) -> BridgeInfo {
    let mut info = BridgeInfo::default();
    // A kernel without VLAN filtering still sends IFLA_BR_VLAN_FILTERING
    // (always 0; seen on 6.18) but never the protocol or the default PVID:
    // BridgeInfo::vlan_support tells the two apart.
    let (mut vlan, mut has_vlan) = (BridgeVlanInfo::default(), false);
    // Multicast snooping (CONFIG_BRIDGE_IGMP_SNOOPING): u8 flags and router
    // type, u32 counts, u64 intervals in clock_t; all sent together, keyed
    // here on IFLA_BR_MCAST_SNOOPING.
    let (mut mcast, mut has_mcast) = (BridgeMcastInfo::default(), false);
    for (ty, value) in Attrs(data) {
        match ty {
            uapi::IFLA_BR_FORWARD_DELAY => set(&mut info.forward_delay, value),
            uapi::IFLA_BR_HELLO_TIME => set(&mut info.hello_time, value),
            uapi::IFLA_BR_MAX_AGE => set(&mut info.max_age, value),
            uapi::IFLA_BR_AGEING_TIME => set(&mut info.ageing_time, value),
            uapi::IFLA_BR_STP_STATE => set(&mut info.stp_state, value),
            uapi::IFLA_BR_PRIORITY => set(&mut info.priority, value),
            uapi::IFLA_BR_ROOT_ID => set_id(&mut info.designated_root, value),
            uapi::IFLA_BR_BRIDGE_ID => set_id(&mut info.bridge_id, value),
            uapi::IFLA_BR_ROOT_PORT => set(&mut info.root_port, value),
            uapi::IFLA_BR_ROOT_PATH_COST => set(&mut info.root_path_cost, value),
            uapi::IFLA_BR_TOPOLOGY_CHANGE => set_flag(&mut info.topology_change, value),
            uapi::IFLA_BR_TOPOLOGY_CHANGE_DETECTED => set_flag(&mut info.topology_change_detected, value),
            uapi::IFLA_BR_HELLO_TIMER => set(&mut info.hello_timer, value),
            uapi::IFLA_BR_TCN_TIMER => set(&mut info.tcn_timer, value),
            uapi::IFLA_BR_TOPOLOGY_CHANGE_TIMER => set(&mut info.topology_change_timer, value),
            uapi::IFLA_BR_GC_TIMER => set(&mut info.gc_timer, value),
            uapi::IFLA_BR_VLAN_FILTERING => {
                set_flag(&mut vlan.filtering, value);
                has_vlan = true;
            }
            // The ethertype, in network byte order.
            uapi::IFLA_BR_VLAN_PROTOCOL => {
                if let [high, low] = *value {
                    vlan.protocol = u16::from_be_bytes([high, low]);
                }
            }
            uapi::IFLA_BR_VLAN_DEFAULT_PVID => set(&mut vlan.default_pvid, value),
            uapi::IFLA_BR_MCAST_SNOOPING => {
                set_flag(&mut mcast.snooping, value);
                has_mcast = true;
            }
            ty => decode_bridge_mcast(&mut mcast, ty, value),
        }
    }
    info.vlan = has_vlan.then_some(vlan);
    info.mcast = has_mcast.then_some(mcast);
    info
}

/// The IFLA_BR_MCAST_* attributes other than the snooping flag.
fn decode_bridge_mcast(mcast: &mut BridgeMcastInfo, ty: u16, value: &[u8]) {
    match ty {
        uapi::IFLA_BR_MCAST_ROUTER => set(&mut mcast.router, value),
        uapi::IFLA_BR_MCAST_QUERIER => set_flag(&mut mcast.querier, value),
        uapi::IFLA_BR_MCAST_QUERY_USE_IFADDR => set_flag(&mut mcast.query_use_ifaddr, value),
        uapi::IFLA_BR_MCAST_HASH_ELASTICITY => set(&mut mcast.hash_elasticity, value),
        uapi::IFLA_BR_MCAST_HASH_MAX => set(&mut mcast.hash_max, value),
        uapi::IFLA_BR_MCAST_LAST_MEMBER_CNT => set(&mut mcast.last_member_count, value),
        uapi::IFLA_BR_MCAST_STARTUP_QUERY_CNT => set(&mut mcast.startup_query_count, value),
        uapi::IFLA_BR_MCAST_LAST_MEMBER_INTVL => set(&mut mcast.last_member_interval, value),
        uapi::IFLA_BR_MCAST_MEMBERSHIP_INTVL => set(&mut mcast.membership_interval, value),
        uapi::IFLA_BR_MCAST_QUERIER_INTVL => set(&mut mcast.querier_interval, value),
        uapi::IFLA_BR_MCAST_QUERY_INTVL => set(&mut mcast.query_interval, value),
        uapi::IFLA_BR_MCAST_QUERY_RESPONSE_INTVL => set(&mut mcast.query_response_interval, value),
        uapi::IFLA_BR_MCAST_STARTUP_QUERY_INTVL => set(&mut mcast.startup_query_interval, value),
        _ => {}
    }
}

fn decode_port(data: &[u8]) -> PortInfo {
    let mut info = PortInfo::default();
    // The flags are u8 0/1 and the router type a u8 0..=3, keyed on
    // IFLA_BRPORT_LEARNING (sent by every kernel that has the flags).
    let (mut mcast, mut has_mcast) = (PortMcastInfo::default(), false);
    for (ty, value) in Attrs(data) {
        match ty {
            uapi::IFLA_BRPORT_STATE => set(&mut info.state, value),
            uapi::IFLA_BRPORT_PRIORITY => set(&mut info.priority, value),
            uapi::IFLA_BRPORT_COST => set(&mut info.path_cost, value),
            uapi::IFLA_BRPORT_MODE => set_flag(&mut info.hairpin, value),
            uapi::IFLA_BRPORT_ROOT_ID => set_id(&mut info.designated_root, value),
            uapi::IFLA_BRPORT_BRIDGE_ID => set_id(&mut info.designated_bridge, value),
            uapi::IFLA_BRPORT_DESIGNATED_PORT => set(&mut info.designated_port, value),
            uapi::IFLA_BRPORT_DESIGNATED_COST => set(&mut info.designated_cost, value),
            uapi::IFLA_BRPORT_ID => set(&mut info.port_id, value),
            uapi::IFLA_BRPORT_NO => set(&mut info.port_no, value),
            uapi::IFLA_BRPORT_TOPOLOGY_CHANGE_ACK => set_flag(&mut info.topology_change_ack, value),
            uapi::IFLA_BRPORT_CONFIG_PENDING => set_flag(&mut info.config_pending, value),
            uapi::IFLA_BRPORT_MESSAGE_AGE_TIMER => set(&mut info.message_age_timer, value),
            uapi::IFLA_BRPORT_FORWARD_DELAY_TIMER => set(&mut info.forward_delay_timer, value),
            uapi::IFLA_BRPORT_HOLD_TIMER => set(&mut info.hold_timer, value),
            uapi::IFLA_BRPORT_LEARNING => {
                set_flag(&mut mcast.flags.learning, value);
                has_mcast = true;
            }
            ty => decode_port_mcast(&mut mcast, ty, value),
        }
    }
    info.mcast = has_mcast.then_some(mcast);
    info
}

/// The port's multicast attributes and flags other than learning.
fn decode_port_mcast(mcast: &mut PortMcastInfo, ty: u16, value: &[u8]) {
    match ty {
        uapi::IFLA_BRPORT_MULTICAST_ROUTER => set(&mut mcast.router, value),
        uapi::IFLA_BRPORT_FAST_LEAVE => set_flag(&mut mcast.fast_leave, value),
        uapi::IFLA_BRPORT_UNICAST_FLOOD => set_flag(&mut mcast.flags.flood, value),
        uapi::IFLA_BRPORT_MCAST_FLOOD => set_flag(&mut mcast.flags.mcflood, value),
        uapi::IFLA_BRPORT_BCAST_FLOOD => set_flag(&mut mcast.flags.bcflood, value),
        uapi::IFLA_BRPORT_ISOLATED => set_flag(&mut mcast.flags.isolated, value),
        uapi::IFLA_BRPORT_GUARD => set_flag(&mut mcast.flags.bpduguard, value),
        uapi::IFLA_BRPORT_PROTECT => set_flag(&mut mcast.flags.rootblock, value),
        uapi::IFLA_BRPORT_NEIGH_SUPPRESS => set_flag(&mut mcast.flags.neighsuppress, value),
        _ => {}
    }
}

/// The VLANs of one link from an AF_BRIDGE RTM_NEWLINK message of the
/// VLAN dump (struct ifinfomsg, IFLA_MASTER, IFLA_AF_SPEC), when the link
/// is `bridge` itself or one of its ports; None for any other link, whose
/// VLAN list is then never decoded.
pub(super) fn link_vlans(payload: &[u8], bridge: u32) -> Option<LinkVlans> {
    let index = u32_at(payload, 4)?;
    let (mut master, mut af_spec, mut name, mut protinfo) = (None, None, &[][..], None);
    for (ty, value) in Attrs(payload.get(uapi::IFINFOMSG_LEN..)?) {
        match ty {
            uapi::IFLA_MASTER => master = u32_at(value, 0),
            uapi::IFLA_AF_SPEC => af_spec = Some(value),
            uapi::IFLA_IFNAME => name = c_str(value),
            uapi::IFLA_PROTINFO => protinfo = Some(value),
            _ => {}
        }
    }
    if index != bridge && master != Some(bridge) {
        return None;
    }
    let port_no = protinfo.map_or(0, |data| decode_port(data).port_no);
    Some(LinkVlans { index, name: name.to_vec(), port_no, vlans: af_spec.map(vlan_ranges).unwrap_or_default() })
}

/// The decoded links of a VLAN dump as `Backend::vlans` returns them. A
/// port whose own driver also answers bridge requests (a switch chip, an
/// SR-IOV NIC) comes twice in a row, the bridge's view first: that one is
/// kept. The bridge's own entry, which kernels before 3.19 do not send, is
/// added without VLANs when missing.
pub(super) fn bridge_vlans(mut links: Vec<LinkVlans>, bridge: u32) -> Vec<LinkVlans> {
    links.dedup_by_key(|link| link.index);
    if !links.iter().any(|link| link.index == bridge) {
        links.push(LinkVlans { index: bridge, ..LinkVlans::default() });
    }
    links
}

/// The IFLA_BRIDGE_VLAN_INFO entries of an IFLA_AF_SPEC nest as ranges: a
/// RANGE_BEGIN entry and the RANGE_END entry after it are one range, any
/// other entry a single VLAN. A begin without its end (which no kernel
/// sends) is taken as a single VLAN, as is an end without a begin.
pub(super) fn vlan_ranges(af_spec: &[u8]) -> VlanSet {
    let mut ranges = VlanSet::default();
    let entries =
        Attrs(af_spec).filter(|&(ty, _)| ty == uapi::IFLA_BRIDGE_VLAN_INFO).filter_map(|(_, value)| vlan_info(value));
    let mut begin = None;
    for (flags, vid) in entries {
        if let Some((begin_flags, first)) = begin.take() {
            if flags & uapi::BRIDGE_VLAN_INFO_RANGE_END != 0 {
                ranges.insert(vlan_range(begin_flags, first, vid));
                continue;
            }
            ranges.insert(vlan_range(begin_flags, first, first));
        }
        if flags & uapi::BRIDGE_VLAN_INFO_RANGE_BEGIN != 0 {
            begin = Some((flags, vid));
        } else {
            ranges.insert(vlan_range(flags, vid, vid));
        }
    }
    if let Some((flags, vid)) = begin {
        ranges.insert(vlan_range(flags, vid, vid));
    }
    ranges
}

/// struct bridge_vlan_info { __u16 flags; __u16 vid; }, host order.
fn vlan_info(payload: &[u8]) -> Option<(u16, u16)> {
    let [f0, f1, v0, v1] = *payload.first_chunk::<4>()?;
    Some((u16::from_ne_bytes([f0, f1]), u16::from_ne_bytes([v0, v1])))
}

fn vlan_range(flags: u16, first: u16, last: u16) -> VlanRange {
    VlanRange {
        first,
        last,
        pvid: flags & uapi::BRIDGE_VLAN_INFO_PVID != 0,
        untagged: flags & uapi::BRIDGE_VLAN_INFO_UNTAGGED != 0,
    }
}

/// The fields of an RTM_NEWNEIGH message that showmacs needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Neighbour {
    ifindex: u32,
    state: u16,
    flags: u8,
    mac: Option<[u8; 6]>,
    master: Option<u32>,
    /// `ndm_updated` of NDA_CACHEINFO: centiseconds since the last refresh.
    updated: Option<u32>,
    vlan: Option<NonZeroU16>,
}

/// A Neighbour from the payload of an RTM_NEWNEIGH message (struct ndmsg + attributes).
pub(super) fn decode_neighbour(payload: &[u8]) -> Option<Neighbour> {
    let ifindex = u32_at(payload, 4)?;
    let state = u16::from_ne_bytes([*payload.get(8)?, *payload.get(9)?]);
    let flags = *payload.get(10)?;
    let mut neighbour = Neighbour { ifindex, state, flags, mac: None, master: None, updated: None, vlan: None };
    for (ty, value) in Attrs(payload.get(uapi::NDMSG_LEN..)?) {
        match ty {
            uapi::NDA_LLADDR => neighbour.mac = value.try_into().ok(),
            uapi::NDA_MASTER => neighbour.master = u32_at(value, 0),
            uapi::NDA_CACHEINFO => neighbour.updated = u32_at(value, uapi::CACHEINFO_UPDATED),
            uapi::NDA_VLAN => {
                neighbour.vlan = value.first_chunk::<2>().and_then(|v| NonZeroU16::new(u16::from_ne_bytes(*v)))
            }
            _ => {}
        }
    }
    Some(neighbour)
}

/// The showmacs entry for a neighbour, if it is a learned or local entry of
/// `bridge` on one of its ports (the set the kernel's brforward file lists).
pub(super) fn fdb_entry(neighbour: &Neighbour, bridge: u32, port_numbers: &HashMap<u32, u16>) -> Option<FdbEntry> {
    if neighbour.master != Some(bridge) || neighbour.flags & uapi::NTF_SELF != 0 {
        return None;
    }
    // Entries on the bridge device itself (its own address) have no port.
    let port_no = *port_numbers.get(&neighbour.ifindex)?;
    let is_local = neighbour.state & uapi::NUD_PERMANENT != 0;
    let is_static = is_local || neighbour.state & uapi::NUD_NOARP != 0;
    Some(FdbEntry {
        mac: neighbour.mac?,
        port_no,
        ageing_timer: if is_static { 0 } else { neighbour.updated.unwrap_or(0) },
        vlan: neighbour.vlan,
        flags: FdbFlags::default()
            .with(FdbFlags::PERMANENT, is_local)
            .with(FdbFlags::STATIC, !is_local && is_static)
            .with(FdbFlags::OFFLOADED, neighbour.flags & uapi::NTF_OFFLOADED != 0)
            .with(FdbFlags::EXTERN_LEARN, neighbour.flags & uapi::NTF_EXT_LEARNED != 0)
            .with(FdbFlags::STICKY, neighbour.flags & uapi::NTF_STICKY != 0),
    })
}
