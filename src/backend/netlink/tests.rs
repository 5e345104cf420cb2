//! Unit tests of the netlink backend: requests, framing and decoding, with
//! no kernel involved (built only under `#[cfg(test)]`, see `mod tests` in
//! mod.rs). The test against a real kernel is tests/netlink_kernel.rs.

use super::*;
use decode::{u32_at, Attrs};
use neli::ToBytes;
use std::io::Cursor;
use std::num::NonZeroU16;

use crate::model::{BridgeId, BridgeInfo, FdbFlags, PortInfo};

mod mcast;
mod vlan;

/// One attribute as the kernel lays it out, padded to 4 bytes.
fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + payload.len()).unwrap();
    let mut bytes = [len.to_ne_bytes(), ty.to_ne_bytes()].concat();
    bytes.extend_from_slice(payload);
    bytes.resize(bytes.len().next_multiple_of(4), 0);
    bytes
}

fn ifinfo(index: i32, flags: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 1, 0];
    bytes.extend_from_slice(&index.to_ne_bytes());
    bytes.extend_from_slice(&flags.to_ne_bytes());
    bytes.extend_from_slice(&0u32.to_ne_bytes());
    bytes.extend(attrs.concat());
    bytes
}

fn nd(ifindex: i32, state: u16, flags: u8, attrs: &[&Vec<u8>]) -> Vec<u8> {
    let mut bytes = vec![uapi::AF_BRIDGE, 0, 0, 0];
    bytes.extend_from_slice(&ifindex.to_ne_bytes());
    bytes.extend_from_slice(&state.to_ne_bytes());
    bytes.extend_from_slice(&[flags, 0]);
    for attr in attrs {
        bytes.extend_from_slice(attr);
    }
    bytes
}

fn wire(body: &Ifinfomsg) -> Vec<u8> {
    let mut cursor = Cursor::new(Vec::new());
    body.to_bytes(&mut cursor).unwrap();
    cursor.into_inner()
}

const ID: [u8; 8] = [0x80, 0x00, 2, 0, 0, 0, 0, 1];
const ROOT: [u8; 8] = [0x10, 0x00, 2, 0, 0, 0, 0, 9];

#[test]
fn decodes_a_bridge() {
    let data = [
        nla(uapi::IFLA_BR_FORWARD_DELAY, &1500u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_HELLO_TIME, &200u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_MAX_AGE, &2000u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_AGEING_TIME, &30000u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_STP_STATE, &1u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_PRIORITY, &0x8000u16.to_ne_bytes()),
        nla(uapi::IFLA_BR_ROOT_ID, &ROOT),
        nla(uapi::IFLA_BR_BRIDGE_ID, &ID),
        nla(uapi::IFLA_BR_ROOT_PORT, &3u16.to_ne_bytes()),
        nla(uapi::IFLA_BR_ROOT_PATH_COST, &100u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_TOPOLOGY_CHANGE, &[1]),
        nla(uapi::IFLA_BR_TOPOLOGY_CHANGE_DETECTED, &[1]),
        nla(40, &[]), // IFLA_BR_PAD before the u64 timers
        nla(uapi::IFLA_BR_HELLO_TIMER, &11u64.to_ne_bytes()),
        nla(uapi::IFLA_BR_TCN_TIMER, &12u64.to_ne_bytes()),
        nla(uapi::IFLA_BR_TOPOLOGY_CHANGE_TIMER, &13u64.to_ne_bytes()),
        nla(uapi::IFLA_BR_GC_TIMER, &14u64.to_ne_bytes()),
        nla(9, &0u16.to_ne_bytes()), // IFLA_BR_GROUP_FWD_MASK: not ours
    ]
    .concat();
    let linkinfo = [nla(uapi::IFLA_INFO_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_DATA, &data)].concat();
    let message = ifinfo(
        5,
        uapi::IFF_UP,
        &[nla(uapi::IFLA_IFNAME, b"br0\0"), nla(4, &1500u32.to_ne_bytes()), nla(uapi::IFLA_LINKINFO, &linkinfo)],
    );
    let link = decode_link(&message).unwrap();
    assert_eq!(
        (link.index, link.name.as_slice(), link.master, link.up, link.loopback),
        (5, &b"br0"[..], None, true, false)
    );
    assert!(link.port.is_none());
    let expected = BridgeInfo {
        bridge_id: BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, 1] },
        designated_root: BridgeId { priority: 0x1000, mac: [2, 0, 0, 0, 0, 9] },
        root_port: 3,
        root_path_cost: 100,
        stp_state: 1,
        max_age: 2000,
        hello_time: 200,
        forward_delay: 1500,
        ageing_time: 30000,
        hello_timer: 11,
        tcn_timer: 12,
        topology_change_timer: 13,
        gc_timer: 14,
        topology_change: true,
        topology_change_detected: true,
        priority: 0x8000,
        vlan: None,
        mcast: None,
    };
    assert_eq!(link.bridge.as_deref(), Some(&expected));
}

#[test]
fn decodes_a_port() {
    let data = [
        nla(uapi::IFLA_BRPORT_STATE, &[3]),
        nla(uapi::IFLA_BRPORT_PRIORITY, &32u16.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_COST, &100u32.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_MODE, &[1]),
        nla(uapi::IFLA_BRPORT_ROOT_ID, &ROOT),
        nla(uapi::IFLA_BRPORT_BRIDGE_ID, &ID),
        nla(uapi::IFLA_BRPORT_DESIGNATED_PORT, &0x8002u16.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_DESIGNATED_COST, &4u16.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_ID, &0x8002u16.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_NO, &2u16.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, &[1]),
        nla(uapi::IFLA_BRPORT_CONFIG_PENDING, &[1]),
        nla(uapi::IFLA_BRPORT_MESSAGE_AGE_TIMER, &21u64.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_FORWARD_DELAY_TIMER, &22u64.to_ne_bytes()),
        nla(uapi::IFLA_BRPORT_HOLD_TIMER, &23u64.to_ne_bytes()),
    ]
    .concat();
    let linkinfo = [
        nla(uapi::IFLA_INFO_KIND, b"veth\0"),
        nla(uapi::IFLA_INFO_SLAVE_KIND, b"bridge\0"),
        nla(uapi::IFLA_INFO_SLAVE_DATA, &data),
    ]
    .concat();
    let message = ifinfo(
        7,
        0,
        &[
            nla(uapi::IFLA_IFNAME, b"eth\xff0\0"),
            nla(uapi::IFLA_MASTER, &5u32.to_ne_bytes()),
            nla(uapi::IFLA_LINKINFO, &linkinfo),
        ],
    );
    let link = decode_link(&message).unwrap();
    assert_eq!((link.index, link.name.as_slice(), link.master, link.up), (7, &b"eth\xff0"[..], Some(5), false));
    assert!(link.bridge.is_none() && link.is_port_of(5));
    let expected = PortInfo {
        port_no: 2,
        port_id: 0x8002,
        state: 3,
        priority: 32,
        path_cost: 100,
        designated_root: BridgeId { priority: 0x1000, mac: [2, 0, 0, 0, 0, 9] },
        designated_bridge: BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, 1] },
        designated_port: 0x8002,
        designated_cost: 4,
        message_age_timer: 21,
        forward_delay_timer: 22,
        hold_timer: 23,
        config_pending: true,
        topology_change_ack: true,
        hairpin: true,
        mcast: None,
    };
    assert_eq!(link.port.as_deref(), Some(&expected));
}

#[test]
fn tolerates_odd_widths_flags_and_truncation() {
    let data = [
        // A wider integer than expected still decodes by its length ...
        nla(uapi::IFLA_BRPORT_DESIGNATED_COST, &7u32.to_ne_bytes()),
        // ... a value that does not fit the field is left alone ...
        nla(uapi::IFLA_BRPORT_STATE, &300u16.to_ne_bytes()),
        // ... and so is a width no integer has, or a short bridge id.
        nla(uapi::IFLA_BRPORT_COST, &[1, 2, 3]),
        nla(uapi::IFLA_BRPORT_ROOT_ID, &[1, 2, 3]),
        // A nested-flagged type is matched without its flag bits.
        nla(uapi::IFLA_BRPORT_NO | uapi::NLA_F_NESTED, &9u16.to_ne_bytes()),
    ]
    .concat();
    let mut linkinfo = [nla(uapi::IFLA_INFO_SLAVE_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_SLAVE_DATA, &data)].concat();
    // A truncated trailing attribute claims more bytes than are left.
    linkinfo.extend_from_slice(&[200, 0, 1, 0, b'x']);
    let message = ifinfo(3, 0, &[nla(uapi::IFLA_LINKINFO, &linkinfo), vec![8, 0, 3]]);
    let port = decode_link(&message).unwrap().port.unwrap();
    assert_eq!((port.designated_cost, port.state, port.path_cost, port.port_no), (7, 0, 0, 9));
    assert_eq!(port.designated_root, BridgeId::default());

    // A bridge without IFLA_INFO_DATA is still a bridge; a short message is no link.
    let bare = ifinfo(4, 0, &[nla(uapi::IFLA_LINKINFO, &nla(uapi::IFLA_INFO_KIND, b"bridge\0"))]);
    assert_eq!(decode_link(&bare).unwrap().bridge.as_deref(), Some(&BridgeInfo::default()));
    assert_eq!(decode_link(&[0; 11]), None);
    assert_eq!(Attrs(&[4, 0]).count(), 0);
    assert_eq!(Attrs(&[3, 0, 1, 0]).count(), 0);
    assert_eq!(Attrs(&nla(1, &[])).collect::<Vec<_>>(), vec![(1, &[][..])]);
}

#[test]
fn fdb_keeps_the_bridge_entries_on_ports() {
    let mac = nla(uapi::NDA_LLADDR, &[2, 0, 0, 0, 0, 0xaa]);
    let master = nla(uapi::NDA_MASTER, &5u32.to_ne_bytes());
    let cacheinfo = nla(uapi::NDA_CACHEINFO, &[1u32, 2, 345, 0].map(u32::to_ne_bytes).concat());
    let ports = HashMap::from([(7, 1), (8, 2)]);
    let entry = |payload: Vec<u8>| fdb_entry(&decode_neighbour(&payload).unwrap(), 5, &ports);
    let learned =
        |mac: [u8; 6], port_no, ageing_timer| Some(FdbEntry { mac, port_no, ageing_timer, ..FdbEntry::default() });

    let reachable = 0x02;
    assert_eq!(entry(nd(7, reachable, 0, &[&mac, &master, &cacheinfo])), learned([2, 0, 0, 0, 0, 0xaa], 1, 345));
    let local = entry(nd(8, uapi::NUD_PERMANENT, 0, &[&mac, &master, &cacheinfo]));
    let permanent = FdbFlags::PERMANENT;
    let mac_aa = [2, 0, 0, 0, 0, 0xaa];
    let expected = FdbEntry { mac: mac_aa, port_no: 2, flags: permanent, ..FdbEntry::default() };
    assert_eq!(local, Some(expected));
    let fixed = entry(nd(8, uapi::NUD_NOARP, 0, &[&mac, &master, &cacheinfo]));
    let static_entry = FdbFlags::STATIC;
    assert_eq!(fixed, Some(FdbEntry { mac: mac_aa, port_no: 2, flags: static_entry, ..FdbEntry::default() }));
    let vlan = nla(uapi::NDA_VLAN, &10u16.to_ne_bytes());
    let offloaded = entry(nd(7, reachable, uapi::NTF_OFFLOADED | uapi::NTF_EXT_LEARNED, &[&mac, &master, &vlan]));
    let offloaded = offloaded.unwrap();
    assert_eq!(
        (offloaded.vlan, offloaded.flags.words()),
        (NonZeroU16::new(10), vec!["learned", "offloaded", "extern_learn"])
    );

    // Not listed: a device's own (NTF_SELF) entry, another bridge's,
    // one on the bridge device itself, one without a MAC or a master.
    assert_eq!(entry(nd(7, reachable, uapi::NTF_SELF, &[&mac, &master])), None);
    let other = nla(uapi::NDA_MASTER, &6u32.to_ne_bytes());
    assert_eq!(entry(nd(7, reachable, 0, &[&mac, &other])), None);
    assert_eq!(entry(nd(5, uapi::NUD_PERMANENT, 0, &[&mac, &master])), None);
    assert_eq!(entry(nd(7, reachable, 0, &[&master])), None);
    assert_eq!(entry(nd(7, reachable, 0, &[&mac])), None);
    assert_eq!(decode_neighbour(&[0; 11]), None);
}

#[test]
fn port_settings_are_a_nested_protinfo() {
    let cases = [
        ((PortSetting::PathCost, 100), uapi::IFLA_BRPORT_COST, 100u32.to_ne_bytes().to_vec()),
        ((PortSetting::Priority, 7), uapi::IFLA_BRPORT_PRIORITY, 7u16.to_ne_bytes().to_vec()),
        ((PortSetting::Hairpin, 1), uapi::IFLA_BRPORT_MODE, vec![1]),
        ((PortSetting::Hairpin, 0), uapi::IFLA_BRPORT_MODE, vec![0]),
    ];
    for (setting, ty, payload) in cases {
        let bytes = wire(&port_setting_request(9, setting.0, setting.1).unwrap());
        assert_eq!(bytes[0], uapi::AF_BRIDGE);
        assert_eq!(u32_at(&bytes, 4), Some(9));
        // The raw type must keep NLA_F_NESTED: 0x800c.
        assert_eq!(bytes[18..20], (uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED).to_ne_bytes());
        let (outer, inner) = Attrs(&bytes[16..]).next().unwrap();
        assert_eq!(outer, uapi::IFLA_PROTINFO);
        assert_eq!(Attrs(inner).collect::<Vec<_>>(), vec![(ty, &payload[..])]);
    }
}

#[test]
fn bridge_settings_are_bridge_linkinfo_data() {
    let cases = [
        ((BridgeSetting::AgeingTime, 30000), uapi::IFLA_BR_AGEING_TIME, 30000u32.to_ne_bytes().to_vec()),
        ((BridgeSetting::ForwardDelay, 1500), uapi::IFLA_BR_FORWARD_DELAY, 1500u32.to_ne_bytes().to_vec()),
        ((BridgeSetting::HelloTime, 200), uapi::IFLA_BR_HELLO_TIME, 200u32.to_ne_bytes().to_vec()),
        ((BridgeSetting::MaxAge, 2000), uapi::IFLA_BR_MAX_AGE, 2000u32.to_ne_bytes().to_vec()),
        ((BridgeSetting::Priority, 4096), uapi::IFLA_BR_PRIORITY, 4096u16.to_ne_bytes().to_vec()),
        ((BridgeSetting::Stp, 1), uapi::IFLA_BR_STP_STATE, 1u32.to_ne_bytes().to_vec()),
        ((BridgeSetting::Stp, 0), uapi::IFLA_BR_STP_STATE, 0u32.to_ne_bytes().to_vec()),
    ];
    for (setting, ty, payload) in cases {
        let bytes = wire(&bridge_setting_request(4, setting.0, setting.1).unwrap());
        assert_eq!((bytes[0], u32_at(&bytes, 4)), (uapi::AF_UNSPEC, Some(4)));
        let attrs: Vec<_> = Attrs(&bytes[16..]).collect();
        assert_eq!(attrs.len(), 1);
        assert_eq!(attrs[0].0, uapi::IFLA_LINKINFO);
        let info: Vec<_> = Attrs(attrs[0].1).collect();
        assert_eq!(info[0], (uapi::IFLA_INFO_KIND, &b"bridge\0"[..]));
        assert_eq!(info[1].0, uapi::IFLA_INFO_DATA);
        assert_eq!(Attrs(info[1].1).collect::<Vec<_>>(), vec![(ty, &payload[..])]);
    }
}

#[test]
fn values_too_wide_for_their_attribute_are_out_of_range() {
    assert_eq!(bridge_setting_request(4, BridgeSetting::Priority, 65536).err(), Some(Errno::ERANGE));
    assert_eq!(port_setting_request(9, PortSetting::Priority, 65536).err(), Some(Errno::ERANGE));
    assert_eq!(port_setting_request(9, PortSetting::Hairpin, 256).err(), Some(Errno::ERANGE));
}

#[test]
fn datagrams_split_into_aligned_messages() {
    let message = |ty: u16, seq: u32, payload: &[u8]| {
        let mut bytes = (16 + payload.len() as u32).to_ne_bytes().to_vec();
        bytes.extend(ty.to_ne_bytes());
        bytes.extend(0u16.to_ne_bytes());
        bytes.extend(seq.to_ne_bytes());
        bytes.extend(0u32.to_ne_bytes());
        bytes.extend(payload);
        bytes.resize(bytes.len().next_multiple_of(4), 0);
        bytes
    };
    let mut datagram = message(16, 7, b"abcde");
    datagram.extend(message(NLMSG_DONE, 7, &0i32.to_ne_bytes()));
    let (first, payload, rest) = split_message(&datagram).unwrap();
    assert_eq!((first.ty, first.seq, payload), (16, 7, &b"abcde"[..]));
    let (done, payload, rest) = split_message(rest).unwrap();
    assert_eq!((done.ty, payload, rest.len()), (NLMSG_DONE, &[0u8; 4][..], 0));
    // Too short for a header, a length below it, a length beyond the datagram.
    assert!(split_message(&datagram[..15]).is_none());
    let mut short = datagram.clone();
    short[..4].copy_from_slice(&8u32.to_ne_bytes());
    assert!(split_message(&short).is_none());
    assert!(split_message(&datagram[..20]).is_none());
}

#[test]
fn kernel_error_codes() {
    assert_eq!(kernel_errno(-libc::EEXIST), Errno::EEXIST);
    assert_eq!(kernel_errno(0), Errno(libc::EIO));
    assert_eq!(kernel_errno(5), Errno(libc::EIO));
    assert_eq!(kernel_errno(i32::MIN), Errno(libc::EIO));
}

#[cfg(target_env = "gnu")]
#[test]
fn constants_match_libc() {
    assert_eq!(uapi::NLA_TYPE_MASK, libc::NLA_TYPE_MASK as u16);
    assert_eq!(uapi::NLA_F_NESTED, libc::NLA_F_NESTED as u16);
    assert_eq!(i32::from(uapi::AF_BRIDGE), libc::AF_BRIDGE);
    assert_eq!(uapi::IFF_UP, libc::IFF_UP as u32);
    assert_eq!(uapi::IFF_LOOPBACK, libc::IFF_LOOPBACK as u32);
    assert_eq!(uapi::RTEXT_FILTER_SKIP_STATS, libc::RTEXT_FILTER_SKIP_STATS as u32);
    assert_eq!(uapi::IFLA_IFNAME, libc::IFLA_IFNAME);
    assert_eq!(uapi::IFLA_MASTER, libc::IFLA_MASTER);
    assert_eq!(uapi::IFLA_PROTINFO, libc::IFLA_PROTINFO);
    assert_eq!(uapi::IFLA_LINKINFO, libc::IFLA_LINKINFO);
    assert_eq!(uapi::IFLA_EXT_MASK, libc::IFLA_EXT_MASK);
    assert_eq!(uapi::IFLA_INFO_KIND, libc::IFLA_INFO_KIND);
    assert_eq!(uapi::IFLA_INFO_DATA, libc::IFLA_INFO_DATA);
    assert_eq!(uapi::IFLA_INFO_SLAVE_KIND, libc::IFLA_INFO_SLAVE_KIND);
    assert_eq!(uapi::IFLA_INFO_SLAVE_DATA, libc::IFLA_INFO_SLAVE_DATA);
    assert_eq!(uapi::NDA_LLADDR, libc::NDA_LLADDR);
    assert_eq!(uapi::NDA_CACHEINFO, libc::NDA_CACHEINFO);
    assert_eq!(uapi::NDA_MASTER, libc::NDA_MASTER);
    assert_eq!(uapi::NUD_NOARP, libc::NUD_NOARP);
    assert_eq!(uapi::NUD_PERMANENT, libc::NUD_PERMANENT);
    assert_eq!(uapi::NTF_SELF, libc::NTF_SELF);
}
