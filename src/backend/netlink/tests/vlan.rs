//! Unit tests of the VLAN half of the netlink backend: the bridge's VLAN
//! settings, the compressed AF_BRIDGE VLAN dump and the add/delete requests
//! (built only under `#[cfg(test)]`, see `mod vlan` in tests.rs).

use super::*;
use crate::model::{BridgeVlanInfo, VlanRange};
use decode::{bridge_vlans, link_vlans, vlan_ranges};
use request::{vlan_dump_request, vlan_request};

const PVID: u16 = uapi::BRIDGE_VLAN_INFO_PVID;
const UNTAGGED: u16 = uapi::BRIDGE_VLAN_INFO_UNTAGGED;
const BEGIN: u16 = uapi::BRIDGE_VLAN_INFO_RANGE_BEGIN;
const END: u16 = uapi::BRIDGE_VLAN_INFO_RANGE_END;

/// One IFLA_BRIDGE_VLAN_INFO: struct bridge_vlan_info { u16 flags; u16 vid; }.
fn vinfo(flags: u16, vid: u16) -> Vec<u8> {
    nla(uapi::IFLA_BRIDGE_VLAN_INFO, &[flags.to_ne_bytes(), vid.to_ne_bytes()].concat())
}

fn range(first: u16, last: u16, pvid: bool, untagged: bool) -> VlanRange {
    VlanRange { first, last, pvid, untagged }
}

/// An AF_BRIDGE RTM_NEWLINK of the VLAN dump as br_fill_ifinfo lays it
/// out: name, master (ports only), MTU, operstate, a nested IFLA_PROTINFO
/// (ports only), then IFLA_AF_SPEC (without NLA_F_NESTED) when there are VLANs.
fn dump_entry(index: i32, master: Option<u32>, vlans: Option<&[Vec<u8>]>) -> Vec<u8> {
    let mut attrs = vec![nla(uapi::IFLA_IFNAME, b"x\0")];
    attrs.extend(master.map(|master| nla(uapi::IFLA_MASTER, &master.to_ne_bytes())));
    attrs.push(nla(4, &1500u32.to_ne_bytes()));
    attrs.push(nla(16, &[6]));
    if master.is_some() {
        let protinfo =
            [nla(uapi::IFLA_BRPORT_STATE, &[3]), nla(uapi::IFLA_BRPORT_NO, &(index as u16).to_ne_bytes())].concat();
        attrs.push(nla(uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED, &protinfo));
    }
    attrs.extend(vlans.map(|vlans| nla(uapi::IFLA_AF_SPEC, &vlans.concat())));
    let mut message = ifinfo(index, uapi::IFF_UP, &attrs);
    message[0] = uapi::AF_BRIDGE;
    message
}

fn bridge_data(attrs: &[Vec<u8>]) -> Option<BridgeVlanInfo> {
    let linkinfo = [nla(uapi::IFLA_INFO_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_DATA, &attrs.concat())].concat();
    decode_link(&ifinfo(5, 0, &[nla(uapi::IFLA_LINKINFO, &linkinfo)])).unwrap().bridge.unwrap().vlan
}

#[test]
fn decodes_the_bridge_vlan_settings() {
    let filtering = |on: u8| nla(uapi::IFLA_BR_VLAN_FILTERING, &[on]);
    // The protocol is in network byte order: 88 a8 is 802.1ad on every host.
    let protocol = |ethertype: u16| nla(uapi::IFLA_BR_VLAN_PROTOCOL, &ethertype.to_be_bytes());
    let pvid = |vid: u16| nla(uapi::IFLA_BR_VLAN_DEFAULT_PVID, &vid.to_ne_bytes());
    let info = |filtering, protocol, default_pvid| Some(BridgeVlanInfo { filtering, protocol, default_pvid });
    assert_eq!(bridge_data(&[filtering(1), protocol(0x88a8), pvid(1)]), info(true, 0x88a8, 1));
    assert_eq!(bridge_data(&[pvid(0), protocol(0x8100), filtering(0)]), info(false, 0x8100, 0));
    assert_eq!(
        bridge_data(&[nla(uapi::IFLA_BR_VLAN_PROTOCOL, &[0x81, 0x00]), filtering(1), pvid(4094)]),
        info(true, 0x8100, 4094)
    );
    // Some only when IFLA_BR_VLAN_FILTERING came. A kernel without VLAN
    // filtering sends that flag (0) alone, which the model tells apart.
    let without = ifinfo(
        5,
        0,
        &[nla(
            uapi::IFLA_LINKINFO,
            &[nla(uapi::IFLA_INFO_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_DATA, &filtering(0))].concat(),
        )],
    );
    let without = decode_link(&without).unwrap().bridge.unwrap();
    assert_eq!((without.vlan, without.vlan_support()), (info(false, 0, 0), None));
    assert_eq!(bridge_data(&[nla(uapi::IFLA_BR_STP_STATE, &1u32.to_ne_bytes())]), None);
    assert_eq!(bridge_data(&[protocol(0x8100), pvid(1)]), None);
    // A protocol of the wrong width is left alone.
    assert_eq!(bridge_data(&[filtering(1), nla(uapi::IFLA_BR_VLAN_PROTOCOL, &[0x81, 0, 0, 0])]), info(true, 0, 0));
}

/// What `link_vlans` gives for a `dump_entry`: its name `x`, and its index as the port number
/// of a port (the bridge, 5 here, has none).
fn dumped(index: u32, vlans: Vec<VlanRange>) -> LinkVlans {
    let port_no = if index == 5 { 0 } else { index as u16 };
    LinkVlans { index, name: b"x".to_vec(), port_no, vlans: vlans.into_iter().collect() }
}

#[test]
fn the_compressed_dump_gives_ranges_with_their_flags() {
    // The kernel's compression (br_fill_ifvlaninfo_compressed): runs of
    // VLANs with the same flags as a RANGE_BEGIN and a RANGE_END entry,
    // each carrying the run's flags; the PVID always alone.
    let vlans = [
        vinfo(PVID | UNTAGGED, 1),
        vinfo(BEGIN, 10),
        vinfo(END, 20),
        vinfo(0, 30),
        vinfo(UNTAGGED | BEGIN, 100),
        vinfo(UNTAGGED | END, 4094),
    ];
    let port = dump_entry(7, Some(5), Some(&vlans));
    let expected = vec![
        range(1, 1, true, true),
        range(10, 20, false, false),
        range(30, 30, false, false),
        range(100, 4094, false, true),
    ];
    assert_eq!(link_vlans(&port, 5), Some(dumped(7, expected)));

    // The bridge's own entry: no master, its own VLANs (BRENTRY is never
    // sent in a dump, and is ignored if it were).
    let bridge = dump_entry(5, None, Some(&[vinfo(PVID | UNTAGGED | 0x20, 1), vinfo(0, 5)]));
    let expected = vec![range(1, 1, true, true), range(5, 5, false, false)];
    assert_eq!(link_vlans(&bridge, 5), Some(dumped(5, expected)));

    // A port (or the bridge) without VLANs has no IFLA_AF_SPEC, or an empty one.
    assert_eq!(link_vlans(&dump_entry(8, Some(5), None), 5), Some(dumped(8, vec![])));
    assert_eq!(link_vlans(&dump_entry(8, Some(5), Some(&[])), 5), Some(dumped(8, vec![])));
    assert_eq!(link_vlans(&dump_entry(5, None, None), 5), Some(dumped(5, vec![])));

    // Another bridge and its ports are not ours.
    assert_eq!(link_vlans(&dump_entry(6, None, Some(&[vinfo(PVID, 1)])), 5), None);
    assert_eq!(link_vlans(&dump_entry(9, Some(6), Some(&[vinfo(PVID, 1)])), 5), None);
    assert_eq!(link_vlans(&[0; 7], 5), None);
}

#[test]
fn odd_vlan_entries_do_not_cost_the_list() {
    let spec = [
        // Not VLAN info: IFLA_BRIDGE_FLAGS, a tunnel entry (type 3).
        nla(uapi::IFLA_BRIDGE_FLAGS, &2u16.to_ne_bytes()),
        nla(3, &[0; 8]),
        // Too short to be a bridge_vlan_info.
        nla(uapi::IFLA_BRIDGE_VLAN_INFO, &[1, 0]),
        // A begin followed by a begin: the first is a single VLAN.
        vinfo(BEGIN, 2),
        vinfo(UNTAGGED | BEGIN, 3),
        vinfo(UNTAGGED | END, 4),
        // An end without a begin is a single VLAN.
        vinfo(END, 6),
        // A begin followed by a plain entry, and a begin at the very end.
        vinfo(BEGIN, 8),
        vinfo(PVID, 9),
        vinfo(BEGIN, 11),
    ]
    .concat();
    let expected = vec![
        range(2, 2, false, false),
        range(3, 4, false, true),
        range(6, 6, false, false),
        range(8, 8, false, false),
        range(9, 9, true, false),
        range(11, 11, false, false),
    ];
    assert_eq!(vlan_ranges(&spec).ranges().collect::<Vec<_>>(), expected);
    // A truncated last attribute ends the list where it starts.
    let mut cut = [vinfo(0, 1), vinfo(0, 2)].concat();
    cut.truncate(cut.len() - 1);
    assert_eq!(vlan_ranges(&cut).ranges().collect::<Vec<_>>(), vec![range(1, 1, false, false)]);
}

/// A compressed VLAN dump captured from Linux 6.1 (User-Mode Linux, its
/// bridge built with VLAN filtering), one message payload each: br0 (index
/// 2) with VLAN 1 (PVID, untagged) and 100-110 untagged on itself; its
/// ports v0 (5) with 1 untagged, 10-11 and 15-20 untagged, 30 PVID, and
/// v1 (7) without VLANs; br1 (3) and its port v2 (9). `bridge -c vlan show`
/// listed the same. The bridge's own entry carries IFLA_MASTER = itself.
const UML_BR0: &str = concat!(
    "07000100020000000210000000000000080003006272300008000a000200000008000400dc0500000500100002000000",
    "0a000100061e3289872d00001c001a000800020006000100080002000c0064000800020014006e00",
);
const UML_BR1: &str = concat!(
    "07000100030000000210000000000000080003006272310008000a000300000008000400dc0500000500100002000000",
    "0a0001004e0f25cbe2b600000c001a000800020006000100",
);
const UML_V0: &str = concat!(
    "07000100050000000210000000000000070003007630000008000a000200000008000400dc0500000500100002000000",
    "0a000100061e3289872d000008000500040000003c010c80050001000000000006000200200000000800030002000000",
    "050004000000000005000500000000000500060000000000050007000000000005001c00000000000500080001000000",
    "050009000100000005001b000100000005001e000100000005000a000000000005000c00000000000c000d008000061e",
    "3289872d0c000e008000061e3289872d06000f0001800000060010000000000006001100018000000600120001000000",
    "0500130000000000050014000000000005001d000000000006001f000000000005002000000000000500230000000000",
    "05002400000000000500210000000000050027000000000004001a000c001500000000000000000004001a000c001600",
    "000000000000000004001a000c0017000000000000000000050019000100000008002500000200000800260000000000",
    "34001a000800020004000100080002000c000a000800020014000b00080002000c000f00080002001400140008000200",
    "02001e00",
);
const UML_V1: &str = concat!(
    "07000100070000000210000000000000070003007631000008000a000200000008000400dc0500000500100002000000",
    "0a000100861c33c7b1400000080005000600000038010c80050001000000000006000200200000000800030002000000",
    "050004000000000005000500000000000500060000000000050007000000000005001c00000000000500080001000000",
    "050009000100000005001b000100000005001e000100000005000a000000000005000c00000000000c000d008000061e",
    "3289872d0c000e008000061e3289872d06000f0002800000060010000000000006001100028000000600120002000000",
    "0500130000000000050014000000000005001d000000000006001f000000000005002000000000000500230000000000",
    "0500240000000000050021000000000005002700000000000c001500000000000000000004001a000c00160000000000",
    "0000000004001a000c0017000000000000000000050019000100000008002500000200000800260000000000",
);
const UML_V2: &str = concat!(
    "07000100090000000210000000000000070003007632000008000a000300000008000400dc0500000500100002000000",
    "0a0001004e0f25cbe2b6000008000500080000003c010c80050001000000000006000200200000000800030002000000",
    "050004000000000005000500000000000500060000000000050007000000000005001c00000000000500080001000000",
    "050009000100000005001b000100000005001e000100000005000a000000000005000c00000000000c000d0080004e0f",
    "25cbe2b60c000e0080004e0f25cbe2b606000f0001800000060010000000000006001100018000000600120001000000",
    "0500130000000000050014000000000005001d000000000006001f000000000005002000000000000500230000000000",
    "05002400000000000500210000000000050027000000000004001a000c001500000000000000000004001a000c001600",
    "000000000000000004001a000c0017000000000000000000050019000100000008002500000200000800260000000000",
    "14001a0008000200060001000800020000006300",
);

/// The bridge entry of the same dump from a kernel without VLAN filtering
/// (6.18, CONFIG_BRIDGE_VLAN_FILTERING off): still sent, without IFLA_AF_SPEC.
const NO_FILTERING_BR0: &str = concat!(
    "07000100020000000210000000000000080003006272300008000a000200000008000400dc0500000500100002000000",
    "0a0001001e162d667a9f0000",
);

/// The port numbers in the captured dump.
const V0_PORT: u16 = 1;
const V1_PORT: u16 = 2;

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap()).collect()
}

#[test]
fn decodes_a_captured_dump() {
    let vlans = |hex: &str| link_vlans(&unhex(hex), 2);
    let expected = vec![range(1, 1, true, true), range(100, 110, false, true)];
    let named = |index, name: &str, port_no, vlans: Vec<VlanRange>| LinkVlans {
        index,
        name: name.as_bytes().to_vec(),
        port_no,
        vlans: vlans.into_iter().collect(),
    };
    assert_eq!(vlans(UML_BR0), Some(named(2, "br0", 0, expected)));
    let expected = vec![
        range(1, 1, false, true),
        range(10, 11, false, true),
        range(15, 20, false, true),
        range(30, 30, true, false),
    ];
    assert_eq!(vlans(UML_V0), Some(named(5, "v0", V0_PORT, expected)));
    assert_eq!(vlans(UML_V1), Some(named(7, "v1", V1_PORT, vec![])));
    // br1 and its port are another bridge's.
    assert_eq!((vlans(UML_BR1), vlans(UML_V2)), (None, None));
    let v2 = link_vlans(&unhex(UML_V2), 3).unwrap();
    assert_eq!(v2.vlans.ranges().collect::<Vec<_>>(), vec![range(1, 1, true, true), range(99, 99, false, false)]);
    assert_eq!(vlans(NO_FILTERING_BR0), Some(named(2, "br0", 0, vec![])));
}

#[test]
fn every_vlan_alone_takes_one_range_each() {
    // The benchmark's worst case: 4094 VLANs that do not compress (every
    // other one untagged) all come back, in order.
    let entries: Vec<Vec<u8>> = (1..=4094u16).map(|vid| vinfo(if vid % 2 == 0 { UNTAGGED } else { 0 }, vid)).collect();
    let vlans: Vec<_> = link_vlans(&dump_entry(7, Some(5), Some(&entries)), 5).unwrap().vlans.ranges().collect();
    assert_eq!(vlans.len(), 4094);
    assert!(vlans.iter().zip(1..).all(|(r, vid)| r.first == vid && r.last == vid && r.untagged == (vid % 2 == 0)));
}

#[test]
fn the_bridge_is_always_in_the_result_and_ports_once() {
    let entry =
        |index, vlans: Vec<VlanRange>| LinkVlans { index, vlans: vlans.into_iter().collect(), ..LinkVlans::default() };
    let one = vec![range(1, 1, true, true)];
    // A port whose driver answers too: the bridge's view (first) is kept.
    let dumped = vec![entry(5, one.clone()), entry(7, one.clone()), entry(7, vec![]), entry(8, vec![])];
    assert_eq!(bridge_vlans(dumped, 5), vec![entry(5, one.clone()), entry(7, one.clone()), entry(8, vec![])]);
    // A kernel that sends only the ports: the bridge is added without VLANs.
    assert_eq!(bridge_vlans(vec![entry(7, one.clone())], 5), vec![entry(7, one), entry(5, vec![])]);
    assert_eq!(bridge_vlans(vec![], 5), vec![entry(5, vec![])]);
}

#[test]
fn the_vlan_dump_asks_for_compressed_vlans_of_every_bridge_link() {
    let bytes = wire(&vlan_dump_request().unwrap());
    // ifinfomsg: AF_BRIDGE, index 0; then IFLA_EXT_MASK = RTEXT_FILTER_BRVLAN_COMPRESSED and nothing else.
    assert_eq!((bytes[0], u32_at(&bytes, 4)), (uapi::AF_BRIDGE, Some(0)));
    assert_eq!(bytes[16..], nla(uapi::IFLA_EXT_MASK, &4u32.to_ne_bytes())[..]);
}

/// The request bytes after the ifinfomsg, for a change on link 9.
fn af_spec(change: VlanChange) -> (u8, Option<u32>, Vec<u8>) {
    let bytes = wire(&vlan_request(9, change).unwrap());
    (bytes[0], u32_at(&bytes, 4), bytes[16..].to_vec())
}

#[test]
fn vlan_changes_are_af_spec_vlan_info_as_iproute2_sends_them() {
    let change = |first, last, pvid, untagged, on_bridge| VlanChange { first, last, pvid, untagged, on_bridge };
    // IFLA_AF_SPEC with NLA_F_NESTED (0x801a), as addattr_nest writes it.
    let spec = |inner: &[Vec<u8>]| nla(uapi::IFLA_AF_SPEC | uapi::NLA_F_NESTED, &inner.concat());
    let self_flag = nla(uapi::IFLA_BRIDGE_FLAGS, &uapi::BRIDGE_FLAGS_SELF.to_ne_bytes());

    // `bridge vlan add dev v0 vid 10`: a port, no flags attribute.
    assert_eq!(af_spec(change(10, 10, false, false, false)), (uapi::AF_BRIDGE, Some(9), spec(&[vinfo(0, 10)])));
    // `... vid 1 pvid untagged`.
    assert_eq!(af_spec(change(1, 1, true, true, false)).2, spec(&[vinfo(PVID | UNTAGGED, 1)]));
    // `... vid 100-200 untagged`: both ends carry UNTAGGED.
    assert_eq!(
        af_spec(change(100, 200, false, true, false)).2,
        spec(&[vinfo(UNTAGGED | BEGIN, 100), vinfo(UNTAGGED | END, 200)])
    );
    // `bridge vlan add dev br0 vid 5 self`: IFLA_BRIDGE_FLAGS = SELF first.
    assert_eq!(af_spec(change(5, 5, false, false, true)).2, spec(&[self_flag.clone(), vinfo(0, 5)]));
    assert_eq!(af_spec(change(2, 4094, false, false, true)).2, spec(&[self_flag, vinfo(BEGIN, 2), vinfo(END, 4094)]));
    // A PVID on a range goes to the kernel as asked (it answers EINVAL).
    assert_eq!(af_spec(change(2, 3, true, false, false)).2, spec(&[vinfo(PVID | BEGIN, 2), vinfo(PVID | END, 3)]));
    // The exact bytes of the smallest one: length 12, type 0x801a, then
    // length 8, type 2, flags 0x0006, vid 1.
    let raw = af_spec(change(1, 1, true, true, false)).2;
    let expected: Vec<u8> = [12u16, 0x801a, 8, 2, 6, 1].iter().flat_map(|v| v.to_ne_bytes()).collect();
    assert_eq!(raw, expected);
}

#[test]
fn vlan_constants_are_the_kernels() {
    // linux/rtnetlink.h, linux/if_link.h and linux/if_bridge.h.
    assert_eq!(uapi::RTEXT_FILTER_BRVLAN_COMPRESSED, 4);
    assert_eq!((uapi::IFLA_AF_SPEC, uapi::IFLA_BRIDGE_FLAGS, uapi::IFLA_BRIDGE_VLAN_INFO), (26, 0, 2));
    assert_eq!((uapi::BRIDGE_FLAGS_SELF, PVID, UNTAGGED, BEGIN, END), (2, 2, 4, 8, 16));
}
