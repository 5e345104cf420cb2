//! Unit tests of the multicast half of the netlink backend: the bridge's
//! multicast settings, the port flags, the multicast database dump and the
//! requests that change them (built only under `#[cfg(test)]`, see `mod
//! mcast` in tests.rs).

use std::net::IpAddr;

use super::*;
use crate::model::{BridgeMcastInfo, MdbEntry, PortFlags, PortMcastInfo};
use mdb::{bridge_mdb, mdb_part};
use request::mdb_dump_request;

fn bridge_data(attrs: &[Vec<u8>]) -> BridgeInfo {
    let linkinfo = [nla(uapi::IFLA_INFO_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_DATA, &attrs.concat())].concat();
    *decode_link(&ifinfo(2, 0, &[nla(uapi::IFLA_LINKINFO, &linkinfo)])).unwrap().bridge.unwrap()
}

/// A port as a full link dump carries it (IFLA_INFO_SLAVE_DATA).
fn slave_data(attrs: &[Vec<u8>]) -> PortInfo {
    let linkinfo =
        [nla(uapi::IFLA_INFO_SLAVE_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_SLAVE_DATA, &attrs.concat())].concat();
    *decode_link(&ifinfo(5, 0, &[nla(uapi::IFLA_LINKINFO, &linkinfo)])).unwrap().port.unwrap()
}

/// A port as the AF_BRIDGE dump carries it (a nested IFLA_PROTINFO).
fn protinfo(attrs: &[Vec<u8>]) -> PortInfo {
    let mut message = ifinfo(
        5,
        0,
        &[nla(uapi::IFLA_MASTER, &2u32.to_ne_bytes()), nla(uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED, &attrs.concat())],
    );
    message[0] = uapi::AF_BRIDGE;
    *decode_link(&message).unwrap().port.unwrap()
}

/// The IFLA_BR_MCAST_* attributes as br_fill_info sends them (Linux 6.18:
/// u8 flags and router type, u32 counts, IFLA_BR_PAD then u64 intervals),
/// with the values `ip link set br0 type bridge mcast_querier 1
/// mcast_hash_max 8192 mcast_last_member_count 3 mcast_query_interval 13000
/// mcast_query_use_ifaddr 1 mcast_router 2 mcast_startup_query_count 4` left.
fn mcast_attrs() -> Vec<Vec<u8>> {
    vec![
        nla(uapi::IFLA_BR_MCAST_ROUTER, &[2]),
        nla(uapi::IFLA_BR_MCAST_SNOOPING, &[1]),
        nla(uapi::IFLA_BR_MCAST_QUERY_USE_IFADDR, &[1]),
        nla(uapi::IFLA_BR_MCAST_QUERIER, &[1]),
        nla(42, &[0]), // IFLA_BR_MCAST_STATS_ENABLED: not ours
        nla(uapi::IFLA_BR_MCAST_HASH_ELASTICITY, &16u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_MCAST_HASH_MAX, &8192u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_MCAST_LAST_MEMBER_CNT, &3u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_MCAST_STARTUP_QUERY_CNT, &4u32.to_ne_bytes()),
        nla(43, &[2]),                                  // IFLA_BR_MCAST_IGMP_VERSION
        nla(47 | uapi::NLA_F_NESTED, &nla(1, &[0; 4])), // IFLA_BR_MCAST_QUERIER_STATE
        nla(44, &[1]),                                  // IFLA_BR_MCAST_MLD_VERSION
        nla(40, &[]),                                   // IFLA_BR_PAD
        nla(uapi::IFLA_BR_MCAST_LAST_MEMBER_INTVL, &100u64.to_ne_bytes()),
        nla(40, &[]),
        nla(uapi::IFLA_BR_MCAST_MEMBERSHIP_INTVL, &26000u64.to_ne_bytes()),
        nla(40, &[]),
        nla(uapi::IFLA_BR_MCAST_QUERIER_INTVL, &25500u64.to_ne_bytes()),
        nla(40, &[]),
        nla(uapi::IFLA_BR_MCAST_QUERY_INTVL, &13000u64.to_ne_bytes()),
        nla(40, &[]),
        nla(uapi::IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, &1000u64.to_ne_bytes()),
        nla(40, &[]),
        nla(uapi::IFLA_BR_MCAST_STARTUP_QUERY_INTVL, &3124u64.to_ne_bytes()),
    ]
}

#[test]
fn decodes_the_bridge_multicast_settings() {
    let expected = BridgeMcastInfo {
        snooping: true,
        router: 2,
        querier: true,
        query_use_ifaddr: true,
        hash_elasticity: 16,
        hash_max: 8192,
        last_member_count: 3,
        startup_query_count: 4,
        last_member_interval: 100,
        membership_interval: 26000,
        querier_interval: 25500,
        query_interval: 13000,
        query_response_interval: 1000,
        startup_query_interval: 3124,
    };
    let mut attrs = vec![nla(uapi::IFLA_BR_STP_STATE, &1u32.to_ne_bytes())];
    attrs.extend(mcast_attrs());
    let info = bridge_data(&attrs);
    assert_eq!(info.mcast, Some(expected));
    // The rest of the bridge is decoded as before.
    assert_eq!((info.stp_state, info.vlan), (1, None));

    // Snooping off is still Some: the kernel has snooping, it is just off.
    let mut off = mcast_attrs();
    off[1] = nla(uapi::IFLA_BR_MCAST_SNOOPING, &[0]);
    assert_eq!(bridge_data(&off).mcast, Some(BridgeMcastInfo { snooping: false, ..expected }));
}

#[test]
fn bridge_multicast_settings_are_none_without_the_snooping_flag() {
    // A kernel without CONFIG_BRIDGE_IGMP_SNOOPING sends none of them.
    assert_eq!(bridge_data(&[nla(uapi::IFLA_BR_STP_STATE, &0u32.to_ne_bytes())]).mcast, None);
    // Stray IFLA_BR_MCAST_* without the flag are not enough.
    let stray = [nla(uapi::IFLA_BR_MCAST_ROUTER, &[1]), nla(uapi::IFLA_BR_MCAST_HASH_MAX, &4096u32.to_ne_bytes())];
    assert_eq!(bridge_data(&stray).mcast, None);
}

#[test]
fn bridge_multicast_settings_of_odd_widths() {
    let info = bridge_data(&[
        nla(uapi::IFLA_BR_MCAST_SNOOPING, &1u32.to_ne_bytes()),
        // A router type that does not fit its u8 is left alone ...
        nla(uapi::IFLA_BR_MCAST_ROUTER, &300u16.to_ne_bytes()),
        // ... wider or narrower integers decode by their length ...
        nla(uapi::IFLA_BR_MCAST_HASH_MAX, &512u64.to_ne_bytes()),
        nla(uapi::IFLA_BR_MCAST_QUERY_INTVL, &12500u32.to_ne_bytes()),
        nla(uapi::IFLA_BR_MCAST_LAST_MEMBER_CNT | uapi::NLA_F_NET_BYTEORDER, &[2]),
        // ... and a count past u32 is left alone, as is a 3-byte value.
        nla(uapi::IFLA_BR_MCAST_STARTUP_QUERY_CNT, &(1u64 << 32).to_ne_bytes()),
        nla(uapi::IFLA_BR_MCAST_QUERIER, &[1, 0, 0]),
    ]);
    let expected = BridgeMcastInfo {
        snooping: true,
        hash_max: 512,
        query_interval: 12500,
        last_member_count: 2,
        ..Default::default()
    };
    assert_eq!(info.mcast, Some(expected));
}

/// The IFLA_BRPORT_* flags as br_port_fill_attrs sends them (all u8), for
/// `bridge link set dev v0 mcast_router 2 fastleave on learning off flood
/// off mcast_flood off bcast_flood off isolated on guard on root_block on
/// neigh_suppress on`.
fn port_attrs() -> Vec<Vec<u8>> {
    vec![
        nla(uapi::IFLA_BRPORT_STATE, &[3]),
        nla(uapi::IFLA_BRPORT_MODE, &[0]),
        nla(uapi::IFLA_BRPORT_GUARD, &[1]),
        nla(uapi::IFLA_BRPORT_PROTECT, &[1]),
        nla(uapi::IFLA_BRPORT_FAST_LEAVE, &[1]),
        nla(29, &[0]), // IFLA_BRPORT_MCAST_TO_UCAST: not ours
        nla(uapi::IFLA_BRPORT_LEARNING, &[0]),
        nla(uapi::IFLA_BRPORT_UNICAST_FLOOD, &[0]),
        nla(uapi::IFLA_BRPORT_MCAST_FLOOD, &[0]),
        nla(uapi::IFLA_BRPORT_BCAST_FLOOD, &[0]),
        nla(10, &[0]), // IFLA_BRPORT_PROXYARP
        nla(uapi::IFLA_BRPORT_NEIGH_SUPPRESS, &[1]),
        nla(uapi::IFLA_BRPORT_ISOLATED, &[1]),
        nla(uapi::IFLA_BRPORT_MULTICAST_ROUTER, &[2]),
        nla(uapi::IFLA_BRPORT_NO, &1u16.to_ne_bytes()),
    ]
}

#[test]
fn decodes_the_port_flags_from_both_dumps() {
    let expected = PortMcastInfo {
        router: 2,
        fast_leave: true,
        flags: PortFlags {
            learning: false,
            flood: false,
            mcflood: false,
            bcflood: false,
            isolated: true,
            bpduguard: true,
            rootblock: true,
            neighsuppress: true,
        },
    };
    for port in [slave_data(&port_attrs()), protinfo(&port_attrs())] {
        assert_eq!(port.mcast, Some(expected));
        assert_eq!((port.state, port.port_no), (3, 1));
        assert_eq!(port.mcast.unwrap().flags.words(), ["isolated", "bpduguard", "rootblock", "neighsuppress"]);
    }
    // The defaults of a new port: learning and the three floods on, router 1.
    let defaults = [
        nla(uapi::IFLA_BRPORT_LEARNING, &[1]),
        nla(uapi::IFLA_BRPORT_UNICAST_FLOOD, &[1]),
        nla(uapi::IFLA_BRPORT_MCAST_FLOOD, &[1]),
        nla(uapi::IFLA_BRPORT_BCAST_FLOOD, &[1]),
        nla(uapi::IFLA_BRPORT_MULTICAST_ROUTER, &[1]),
    ];
    let mcast = protinfo(&defaults).mcast.unwrap();
    assert_eq!((mcast.router, mcast.fast_leave), (1, false));
    assert_eq!(mcast.flags.words(), ["learning", "flood", "mcflood", "bcflood"]);
}

#[test]
fn port_flags_are_none_without_learning() {
    let without: Vec<Vec<u8>> =
        port_attrs().into_iter().filter(|attr| attr[2..4] != uapi::IFLA_BRPORT_LEARNING.to_ne_bytes()).collect();
    assert_eq!(slave_data(&without).mcast, None);
    assert_eq!(protinfo(&without).mcast, None);
    // Without snooping in the kernel the router type is missing: 0.
    let mcast = slave_data(&[nla(uapi::IFLA_BRPORT_LEARNING, &[1])]).mcast.unwrap();
    assert_eq!(
        mcast,
        PortMcastInfo { flags: PortFlags { learning: true, ..Default::default() }, ..Default::default() }
    );
}

/// Two messages of an RTM_GETMDB dump captured from Linux 6.18 (x86_64),
/// one per bridge. br0 (ifindex 2) has ports v0 (5) and v1 (7): `bridge
/// mdb add dev br0 port v0 grp 239.1.1.1 permanent`, `... port v1 grp
/// 239.2.2.2 temp`, `... port v1 grp ff0e::1234 permanent`, `... port v0
/// grp 01:00:5e:01:01:01 permanent` (an L2 entry), 239.5.5.5 learned on v1
/// from an IGMP report (`ip addr add 239.5.5.5/32 dev v1p autojoin` on the
/// peer), IPv6 solicited-node groups learned from MLD reports, two groups
/// the bridge itself joined (port 2), and v0 a router port (`bridge link
/// set dev v0 mcast_router 2`). br1 (ifindex 3) has port w0 (9) and
/// 239.9.9.9 permanent. Each message is of type RTM_GETMDB (86).
const CAPTURED_BR0: &[&str] = &[
    "0000000002000000c801010034000100300001000700000000000000ef05050500000000000000000000000008000000",
    "080001000865000005000500020000003400010030000100050000000100000001005e01010100000000000000000000",
    "000000000800010000000000050005000400000034000100300001000700000001000000ff0e00000000000000000000",
    "0000123486dd00000800010000000000050005000400000034000100300001000700000000000000ff02000000000000",
    "00000001ffaf5f4386dd00000800010032650000050005000200000034000100300001000700000000000000ef020202",
    "000000000000000000000000080000000800010051640000050005000400000034000100300001000500000001000000",
    "ef0101010000000000000000000000000800000008000100000000000500050004000000340001003000010005000000",
    "00000000ff0200000000000000000001ff543dc586dd0000080001000265000005000500020000002c00010028000100",
    "0200000000000000ff02000000000000000000000000006a86dd0000080001005b6500002c0001002800010002000000",
    "00000000ff0200000000000000000001ff039b3086dd0000080001005b6500002c000200280001000500000008000100",
    "00000000050002000200000008000300000000000800040000000000",
];
const CAPTURED_BR1: &[&str] = &[
    "0000000003000000c40001002c000100280001000300000000000000ff0200000000000000000001ff98fc4d86dd0000",
    "08000100f86400002c000100280001000300000000000000ff02000000000000000000000000006a86dd000008000100",
    "f864000034000100300001000900000000000000ff0200000000000000000001ff763c7186dd00000800010022650000",
    "050005000200000034000100300001000900000001000000ef0909090000000000000000000000000800000008000100",
    "000000000500050004000000",
];

fn unhex(lines: &[&str]) -> Vec<u8> {
    let hex = lines.concat();
    (0..hex.len()).step_by(2).map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap()).collect()
}

fn group(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn entry(port: u32, text: &str, permanent: bool, timer: u64) -> MdbEntry {
    MdbEntry { port, group: group(text), vlan: 0, permanent, timer }
}

#[test]
fn decodes_a_captured_mdb_dump() {
    let (br0, br1) = (unhex(CAPTURED_BR0), unhex(CAPTURED_BR1));
    let mdb = mdb_part(&br0, 2).unwrap();
    assert_eq!(
        mdb.entries,
        [
            entry(7, "239.5.5.5", false, 25864),
            // (01:00:5e:01:01:01 on v0, an L2 entry, is skipped.)
            entry(7, "ff0e::1234", true, 0),
            entry(7, "ff02::1:ffaf:5f43", false, 25906),
            entry(7, "239.2.2.2", false, 25681),
            entry(5, "239.1.1.1", true, 0),
            entry(5, "ff02::1:ff54:3dc5", false, 25858),
            entry(2, "ff02::6a", false, 25947),
            entry(2, "ff02::1:ff03:9b30", false, 25947),
        ]
    );
    assert_eq!(mdb.router_ports, [5]);
    // Each message belongs to one bridge: the other's is not decoded.
    assert_eq!(mdb_part(&br0, 3), None);
    assert_eq!(mdb_part(&br1, 2), None);
    let mdb = mdb_part(&br1, 3).unwrap();
    assert_eq!(
        mdb.entries,
        [
            entry(3, "ff02::1:ff98:fc4d", false, 25848),
            entry(3, "ff02::6a", false, 25848),
            entry(9, "ff02::1:ff76:3c71", false, 25890),
            entry(9, "239.9.9.9", true, 0),
        ]
    );
    assert!(mdb.router_ports.is_empty());
}

/// One MDBA_MDB_ENTRY_INFO: struct br_mdb_entry (28 bytes), then `attrs`.
fn mdb_info(port: u32, state: u8, vid: u16, addr: &[u8], proto: u16, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut info = port.to_ne_bytes().to_vec();
    info.extend([state, 0]);
    info.extend(vid.to_ne_bytes());
    let mut union = addr.to_vec();
    union.resize(16, 0);
    info.extend(union);
    info.extend(proto.to_be_bytes());
    info.extend([0, 0]);
    assert_eq!(info.len(), uapi::BR_MDB_ENTRY_LEN);
    info.extend(attrs.concat());
    info
}

/// A dump message of `bridge` with these entry infos and router port payloads.
fn mdb_message(bridge: u32, infos: &[Vec<u8>], routers: &[Vec<u8>]) -> Vec<u8> {
    let mut message = vec![0, 0, 0, 0];
    message.extend(bridge.to_ne_bytes());
    let entries: Vec<u8> =
        infos.iter().flat_map(|info| nla(uapi::MDBA_MDB_ENTRY, &nla(uapi::MDBA_MDB_ENTRY_INFO, info))).collect();
    message.extend(nla(uapi::MDBA_MDB, &entries));
    if !routers.is_empty() {
        let ports: Vec<u8> = routers.iter().flat_map(|port| nla(uapi::MDBA_ROUTER_PORT, port)).collect();
        message.extend(nla(uapi::MDBA_ROUTER, &ports));
    }
    message
}

#[test]
fn mdb_entries_of_every_kind() {
    let timer = |cs: u32| nla(uapi::MDBA_MDB_EATTR_TIMER, &cs.to_ne_bytes());
    let rtprot = nla(5, &[3]); // MDBA_MDB_EATTR_RTPROT: not ours
    let source = nla(uapi::MDBA_MDB_EATTR_SOURCE, &[10, 0, 0, 1]);
    let v4 = [239, 1, 2, 3];
    let v6 = "ff15::42".parse::<std::net::Ipv6Addr>().unwrap().octets();
    let infos = [
        // A VLAN-aware entry with its timer.
        mdb_info(7, 0, 10, &v4, uapi::ETH_P_IP, &[timer(1234), rtprot.clone()]),
        mdb_info(8, 1, 0, &v6, uapi::ETH_P_IPV6, &[timer(0), rtprot.clone()]),
        // A kernel before 4.1: no attributes after the struct.
        mdb_info(9, 1, 0, &v4, uapi::ETH_P_IP, &[]),
        // An (S,G) entry of IGMPv3: not listed (its (*,G) is).
        mdb_info(7, 0, 0, &v4, uapi::ETH_P_IP, &[timer(50), source]),
        // An L2 entry (proto 0) and an unknown protocol.
        mdb_info(7, 1, 0, &[1, 0, 0x5e, 1, 2, 3], 0, &[timer(0)]),
        mdb_info(7, 1, 0, &v4, 0x88cc, &[]),
        // Too short for the protocol field.
        7u32.to_ne_bytes().iter().chain(&[0; 20]).copied().collect(),
    ];
    // A router port of a newer kernel (ifindex then attributes) and an
    // older one (the bare u32); a too-short one is skipped.
    let newer = [7u32.to_ne_bytes().to_vec(), nla(2, &[2])].concat();
    let routers = [newer, 8u32.to_ne_bytes().to_vec(), vec![9, 0]];
    let mdb = mdb_part(&mdb_message(4, &infos, &routers), 4).unwrap();
    let v6_group = IpAddr::from(v6);
    assert_eq!(
        mdb.entries,
        [
            MdbEntry { port: 7, group: group("239.1.2.3"), vlan: 10, permanent: false, timer: 1234 },
            MdbEntry { port: 8, group: v6_group, vlan: 0, permanent: true, timer: 0 },
            MdbEntry { port: 9, group: group("239.1.2.3"), vlan: 0, permanent: true, timer: 0 },
        ]
    );
    assert_eq!(mdb.router_ports, [7, 8]);
    // A message too short for its header is no part; an empty one is an empty part.
    assert_eq!(mdb_part(&[0; 7], 0), None);
    assert_eq!(mdb_part(&[0, 0, 0, 0, 4, 0, 0, 0], 4), Some(Mdb::default()));
}

#[test]
fn a_database_split_over_messages_is_joined() {
    let info = |port: u32, last: u8| mdb_info(port, 1, 0, &[239, 0, 0, last], uapi::ETH_P_IP, &[]);
    let router = |port: u32| port.to_ne_bytes().to_vec();
    let first = mdb_message(4, &[info(7, 1), info(8, 1)], &[]);
    let second = mdb_message(4, &[info(7, 2)], &[router(8), router(7)]);
    // The router ports come again in every later message of the bridge.
    let third = mdb_message(4, &[], &[router(8), router(7)]);
    let parts = [first, second, third].iter().filter_map(|message| mdb_part(message, 4)).collect();
    let mdb = bridge_mdb(parts);
    let ports: Vec<u32> = mdb.entries.iter().map(|entry| entry.port).collect();
    assert_eq!(ports, [7, 8, 7]);
    assert_eq!(mdb.entries[2].group, group("239.0.0.2"));
    assert_eq!(mdb.router_ports, [8, 7]);
    assert_eq!(bridge_mdb(Vec::new()), Mdb::default());
}

#[test]
fn the_mdb_dump_request_is_a_br_port_msg() {
    // struct br_port_msg { __u8 family; __u32 ifindex; }: AF_BRIDGE, 3
    // bytes of padding, ifindex 0 (the kernel dumps every bridge).
    let body = mdb_dump_request();
    assert_eq!(body.as_ref(), [uapi::AF_BRIDGE, 0, 0, 0, 0, 0, 0, 0]);
    // RTM_GETMDB as a dump, with the body right after the header.
    let request = NlmsghdrBuilder::default()
        .nl_type(Rtm::Getmdb)
        .nl_flags(NlmF::REQUEST | NlmF::DUMP)
        .nl_seq(1)
        .nl_payload(NlPayload::Payload(body))
        .build()
        .unwrap();
    let mut bytes = Cursor::new(Vec::new());
    request.to_bytes(&mut bytes).unwrap();
    let bytes = bytes.into_inner();
    assert_eq!(u32_at(&bytes, 0), Some(24));
    assert_eq!(bytes[4..6], 86u16.to_ne_bytes());
    assert_eq!(bytes[16..], [uapi::AF_BRIDGE, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(u16::from(Rtm::Getmdb), 86);
}

/// The one IFLA_BR_* attribute inside a bridge setting request.
fn bridge_request_data(setting: BridgeSetting, value: u32) -> (u16, Vec<u8>) {
    let bytes = wire(&bridge_setting_request(4, setting, value).unwrap());
    let (_, linkinfo) = Attrs(&bytes[16..]).next().unwrap();
    let (_, data) = Attrs(linkinfo).find(|&(ty, _)| ty == uapi::IFLA_INFO_DATA).unwrap();
    let attrs: Vec<_> = Attrs(data).collect();
    assert_eq!(attrs.len(), 1);
    (attrs[0].0, attrs[0].1.to_vec())
}

#[test]
fn bridge_multicast_settings_go_at_the_kernels_widths() {
    let cases = [
        (BridgeSetting::McastSnooping, 0, uapi::IFLA_BR_MCAST_SNOOPING, vec![0]),
        (BridgeSetting::McastRouter, 2, uapi::IFLA_BR_MCAST_ROUTER, vec![2]),
        (BridgeSetting::McastQuerier, 1, uapi::IFLA_BR_MCAST_QUERIER, vec![1]),
        (BridgeSetting::McastQueryUseIfaddr, 1, uapi::IFLA_BR_MCAST_QUERY_USE_IFADDR, vec![1]),
        (BridgeSetting::HashElasticity, 16, uapi::IFLA_BR_MCAST_HASH_ELASTICITY, 16u32.to_ne_bytes().to_vec()),
        (BridgeSetting::HashMax, 8192, uapi::IFLA_BR_MCAST_HASH_MAX, 8192u32.to_ne_bytes().to_vec()),
        (BridgeSetting::LastMemberCount, 3, uapi::IFLA_BR_MCAST_LAST_MEMBER_CNT, 3u32.to_ne_bytes().to_vec()),
        (BridgeSetting::StartupQueryCount, 4, uapi::IFLA_BR_MCAST_STARTUP_QUERY_CNT, 4u32.to_ne_bytes().to_vec()),
        (BridgeSetting::LastMemberInterval, 100, uapi::IFLA_BR_MCAST_LAST_MEMBER_INTVL, 100u64.to_ne_bytes().to_vec()),
        (
            BridgeSetting::MembershipInterval,
            26000,
            uapi::IFLA_BR_MCAST_MEMBERSHIP_INTVL,
            26000u64.to_ne_bytes().to_vec(),
        ),
        (BridgeSetting::QuerierInterval, 25500, uapi::IFLA_BR_MCAST_QUERIER_INTVL, 25500u64.to_ne_bytes().to_vec()),
        (
            BridgeSetting::QueryInterval,
            u32::MAX,
            uapi::IFLA_BR_MCAST_QUERY_INTVL,
            u64::from(u32::MAX).to_ne_bytes().to_vec(),
        ),
        (
            BridgeSetting::QueryResponseInterval,
            1000,
            uapi::IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
            1000u64.to_ne_bytes().to_vec(),
        ),
        (
            BridgeSetting::StartupQueryInterval,
            3125,
            uapi::IFLA_BR_MCAST_STARTUP_QUERY_INTVL,
            3125u64.to_ne_bytes().to_vec(),
        ),
    ];
    for (setting, value, ty, payload) in cases {
        assert_eq!(bridge_request_data(setting, value), (ty, payload), "{setting:?}");
    }
    // The u8 ones refuse what does not fit rather than wrap.
    assert_eq!(bridge_setting_request(4, BridgeSetting::McastRouter, 256).err(), Some(Errno::ERANGE));
    assert_eq!(bridge_setting_request(4, BridgeSetting::McastSnooping, 257).err(), Some(Errno::ERANGE));
}

#[test]
fn port_multicast_settings_and_flags_are_u8_in_a_nested_protinfo() {
    let cases = [
        (PortSetting::McastRouter, 3, uapi::IFLA_BRPORT_MULTICAST_ROUTER),
        (PortSetting::FastLeave, 1, uapi::IFLA_BRPORT_FAST_LEAVE),
        (PortSetting::Learning, 0, uapi::IFLA_BRPORT_LEARNING),
        (PortSetting::Flood, 1, uapi::IFLA_BRPORT_UNICAST_FLOOD),
        (PortSetting::McastFlood, 0, uapi::IFLA_BRPORT_MCAST_FLOOD),
        (PortSetting::BcastFlood, 1, uapi::IFLA_BRPORT_BCAST_FLOOD),
        (PortSetting::Isolated, 1, uapi::IFLA_BRPORT_ISOLATED),
        (PortSetting::BpduGuard, 1, uapi::IFLA_BRPORT_GUARD),
        (PortSetting::RootBlock, 1, uapi::IFLA_BRPORT_PROTECT),
        (PortSetting::NeighSuppress, 0, uapi::IFLA_BRPORT_NEIGH_SUPPRESS),
    ];
    for (setting, value, ty) in cases {
        let bytes = wire(&port_setting_request(9, setting, value).unwrap());
        assert_eq!((bytes[0], u32_at(&bytes, 4)), (uapi::AF_BRIDGE, Some(9)));
        assert_eq!(bytes[18..20], (uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED).to_ne_bytes());
        let (_, inner) = Attrs(&bytes[16..]).next().unwrap();
        assert_eq!(Attrs(inner).collect::<Vec<_>>(), vec![(ty, &[value as u8][..])], "{setting:?}");
    }
    assert_eq!(port_setting_request(9, PortSetting::McastRouter, 256).err(), Some(Errno::ERANGE));
    assert_eq!(port_setting_request(9, PortSetting::Learning, 0x101).err(), Some(Errno::ERANGE));
}
