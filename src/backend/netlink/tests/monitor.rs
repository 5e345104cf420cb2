//! The monitor's decoders on messages laid out as the kernel lays them out: which link,
//! neighbour and group messages count, and what they say.

use std::ops::ControlFlow;

use super::{group_notices, link_notice, mac_notice, uapi};
use crate::backend::watch::{LinkNotice, MacNotice, Notice};
use crate::model::FdbFlags;

fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + payload.len()).unwrap();
    let mut bytes = [len.to_ne_bytes(), ty.to_ne_bytes()].concat();
    bytes.extend_from_slice(payload);
    bytes.resize(bytes.len().next_multiple_of(4), 0);
    bytes
}

/// A nested attribute, with NLA_F_NESTED set as the kernel sets it.
fn nest(ty: u16, inner: &[Vec<u8>]) -> Vec<u8> {
    nla(ty | uapi::NLA_F_NESTED, &inner.concat())
}

fn ifinfo(family: u8, index: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = vec![family, 0, 1, 0];
    bytes.extend_from_slice(&index.to_ne_bytes());
    bytes.extend_from_slice(&[0; 8]);
    bytes.extend(attrs.concat());
    bytes
}

fn ndmsg(family: u8, port: u32, state: u16, flags: u8, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = vec![family, 0, 0, 0];
    bytes.extend_from_slice(&port.to_ne_bytes());
    bytes.extend_from_slice(&state.to_ne_bytes());
    bytes.extend_from_slice(&[flags, 0]);
    bytes.extend(attrs.concat());
    bytes
}

#[test]
fn a_bridge_with_its_stp_state_and_a_port_with_its_state_from_either_family() {
    let bridge = ifinfo(
        uapi::AF_UNSPEC,
        2,
        &[
            nla(uapi::IFLA_IFNAME, b"br0\0"),
            nest(
                uapi::IFLA_LINKINFO,
                &[
                    nla(uapi::IFLA_INFO_KIND, b"bridge\0"),
                    nest(uapi::IFLA_INFO_DATA, &[nla(uapi::IFLA_BR_STP_STATE, &1u32.to_ne_bytes())]),
                ],
            ),
        ],
    );
    assert_eq!(
        link_notice(&bridge, false),
        Some(LinkNotice { index: 2, name: b"br0", is_bridge: true, stp: Some(true), ..LinkNotice::default() })
    );
    let port = ifinfo(
        uapi::AF_BRIDGE,
        3,
        &[
            nla(uapi::IFLA_IFNAME, b"eth0\0"),
            nla(uapi::IFLA_MASTER, &2u32.to_ne_bytes()),
            nest(uapi::IFLA_PROTINFO, &[nla(uapi::IFLA_BRPORT_STATE, &[3])]),
        ],
    );
    let expected = LinkNotice {
        index: 3,
        name: b"eth0",
        master: Some(2),
        port_state: Some(3),
        bridge_family: true,
        deleted: true,
        ..LinkNotice::default()
    };
    assert_eq!(link_notice(&port, true), Some(expected));
    let slave = ifinfo(
        uapi::AF_UNSPEC,
        3,
        &[
            nla(uapi::IFLA_MASTER, &2u32.to_ne_bytes()),
            nest(
                uapi::IFLA_LINKINFO,
                &[
                    nla(uapi::IFLA_INFO_KIND, b"veth\0"),
                    nla(uapi::IFLA_INFO_SLAVE_KIND, b"bridge\0"),
                    nest(uapi::IFLA_INFO_SLAVE_DATA, &[nla(uapi::IFLA_BRPORT_STATE, &[1])]),
                ],
            ),
        ],
    );
    let notice = link_notice(&slave, false).unwrap();
    assert_eq!((notice.is_bridge, notice.master, notice.port_state), (false, Some(2), Some(1)));
    // An AF_UNSPEC IFLA_PROTINFO is another protocol's; other families do not count.
    let other = ifinfo(uapi::AF_UNSPEC, 4, &[nest(uapi::IFLA_PROTINFO, &[nla(uapi::IFLA_BRPORT_STATE, &[3])])]);
    assert_eq!(link_notice(&other, false).unwrap().port_state, None);
    assert_eq!(link_notice(&ifinfo(10, 4, &[]), false), None);
}

#[test]
fn only_bridge_entries_with_a_bridge_master_count_and_stale_says_expired() {
    let attrs = [nla(uapi::NDA_LLADDR, &[0x52, 0x54, 0, 0x12, 0x34, 0x56]), nla(uapi::NDA_MASTER, &2u32.to_ne_bytes())];
    let learned = ndmsg(uapi::AF_BRIDGE, 3, uapi::NUD_STALE, 0, &attrs);
    assert_eq!(
        mac_notice(&learned, true),
        Some(MacNotice {
            bridge: 2,
            port: 3,
            mac: [0x52, 0x54, 0, 0x12, 0x34, 0x56],
            vlan: 0,
            flags: FdbFlags::default(),
            deleted: true,
            stale: true,
        })
    );
    let mut with_vlan = attrs.to_vec();
    with_vlan.push(nla(uapi::NDA_VLAN, &10u16.to_ne_bytes()));
    let static_entry = mac_notice(&ndmsg(uapi::AF_BRIDGE, 3, uapi::NUD_NOARP, 0, &with_vlan), false).unwrap();
    assert_eq!((static_entry.flags, static_entry.vlan, static_entry.stale), (FdbFlags::STATIC, 10, false));
    let local = mac_notice(&ndmsg(uapi::AF_BRIDGE, 3, uapi::NUD_PERMANENT, 0, &attrs), false).unwrap();
    assert_eq!(local.flags, FdbFlags::PERMANENT);
    // A port's own list, the bridge device's ARP neighbours, an entry without a master.
    assert_eq!(mac_notice(&ndmsg(uapi::AF_BRIDGE, 3, uapi::NUD_PERMANENT, uapi::NTF_SELF, &attrs), false), None);
    assert_eq!(mac_notice(&ndmsg(2, 3, 0x02, 0, &attrs), false), None);
    assert_eq!(mac_notice(&ndmsg(uapi::AF_BRIDGE, 3, 0x02, 0, &attrs[..1]), false), None);
}

#[test]
fn each_group_of_a_database_message_is_a_notice() {
    let entry = |port: u32, last: u8| {
        let mut info = port.to_ne_bytes().to_vec();
        info.extend_from_slice(&[0, 0, 0, 0]);
        let mut addr = [0u8; 16];
        addr[..4].copy_from_slice(&[239, 1, 1, last]);
        info.extend_from_slice(&addr);
        info.extend_from_slice(&uapi::ETH_P_IP.to_be_bytes());
        info.extend_from_slice(&[0, 0]);
        nest(uapi::MDBA_MDB_ENTRY, &[nla(uapi::MDBA_MDB_ENTRY_INFO, &info)])
    };
    let mut payload = vec![uapi::AF_BRIDGE, 0, 0, 0];
    payload.extend_from_slice(&2u32.to_ne_bytes());
    payload.extend(nest(uapi::MDBA_MDB, &[entry(3, 1), entry(4, 2)]));
    let mut seen = Vec::new();
    let flow = group_notices(&payload, true, &mut |notice| {
        if let Notice::Group(group) = notice {
            seen.push((group.bridge, group.port, group.group.to_string(), group.deleted));
        }
        ControlFlow::Continue(())
    });
    assert_eq!(flow, ControlFlow::Continue(()));
    assert_eq!(seen, [(2, 3, "239.1.1.1".to_string(), true), (2, 4, "239.1.1.2".to_string(), true)]);
}
