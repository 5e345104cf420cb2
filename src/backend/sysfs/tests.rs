//! Unit tests of the sysfs reader, on a fake tree in the temp dir (built
//! only under `#[cfg(test)]`, see `mod tests` in mod.rs).

mod fake_tree;
mod kernel;
mod mcast;

use super::*;
use fake_tree::FakeTree;

fn name(text: &[u8]) -> IfName {
    IfName::from_bytes(text).unwrap()
}

fn id(priority: u16, mac: [u8; 6]) -> BridgeId {
    BridgeId { priority, mac }
}

/// One `struct __fdb_entry` as the kernel writes it.
fn record(mac: [u8; 6], port: u16, is_local: bool, ageing: u32) -> [u8; FDB_RECORD] {
    let mut r = [0u8; FDB_RECORD];
    r[..6].copy_from_slice(&mac);
    r[6] = port as u8;
    r[7] = u8::from(is_local);
    r[8..12].copy_from_slice(&ageing.to_ne_bytes());
    r[12] = (port >> 8) as u8;
    r
}

#[test]
fn parse_int_reads_the_kernels_formats() {
    assert_eq!(parse_int(b"0\n"), Some(0));
    assert_eq!(parse_int(b"30000\n"), Some(30000));
    assert_eq!(parse_int(b"0x1003\n"), Some(0x1003));
    assert_eq!(parse_int(b"0X8001"), Some(0x8001));
    assert_eq!(parse_int(b"0xffFF"), Some(0xffff));
    assert_eq!(parse_int(b"  42  \n"), Some(42));
    assert_eq!(parse_int(b"-1\n"), Some(-1));
    assert_eq!(parse_int(b"+7"), Some(7));
    // Leading zeros are decimal, not octal: the kernel never prints octal.
    assert_eq!(parse_int(b"010"), Some(10));
}

#[test]
fn parse_int_saturates_and_refuses_junk() {
    assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(parse_int(b"18446744073709551615"), Some(i64::MAX));
    assert_eq!(parse_int(b"999999999999999999999999999999"), Some(i64::MAX));
    assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
    assert_eq!(parse_int(b"-99999999999999999999999"), Some(i64::MIN));
    assert_eq!(parse_int(b"0xffffffffffffffffff"), Some(i64::MAX));
    for junk in [&b""[..], b"\n", b"-", b"0x", b"12abc", b"1 2", b"abc", b"1.5", b"0x1g", b"--1"] {
        assert_eq!(parse_int(junk), None, "{:?}", String::from_utf8_lossy(junk));
    }
}

#[test]
fn parse_bridge_id_reads_priority_and_mac() {
    assert_eq!(parse_bridge_id(b"8000.020000000001\n"), Some(id(0x8000, [2, 0, 0, 0, 0, 1])));
    assert_eq!(parse_bridge_id(b"ffff.AABBCCDDEEFF"), Some(id(0xffff, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])));
    assert_eq!(parse_bridge_id(b"0000.000000000000"), Some(BridgeId::default()));
    for bad in [
        &b""[..],
        b"8000",
        b"8000.",
        b"8000.0200000000",
        b"8000.02000000000100",
        b"8000020000000001",
        b"800.0020000000001",
        b"8000:020000000001",
        b"8000.02000000000g",
        b"+800.020000000001",
    ] {
        assert_eq!(parse_bridge_id(bad), None, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn missing_device_is_none() {
    let tree = FakeTree::new();
    // bonding_masters is a plain file that lives next to the devices.
    tree.write(b"bonding_masters", b"bond0\n");
    tree.symlink(b"gone", "../../devices/virtual/net/gone");
    let reader = tree.reader();
    assert_eq!(reader.link(&name(b"nosuch")), Ok(None));
    assert_eq!(reader.link(&name(b"bonding_masters")), Ok(None));
    assert_eq!(reader.link(&name(b"gone")), Ok(None));
}

#[test]
fn plain_link() {
    let tree = FakeTree::new();
    tree.device(b"lo", 1, "0x9");
    tree.device(b"eth0", 2, "0x1002");
    let reader = tree.reader();
    let lo = reader.link(&name(b"lo")).unwrap().unwrap();
    assert_eq!(
        lo,
        Link {
            index: 1,
            name: b"lo".to_vec(),
            master: None,
            up: true,
            loopback: true,
            bridge: None,
            port: None,
            details_missing: false,
        }
    );
    let eth0 = reader.link(&name(b"eth0")).unwrap().unwrap();
    assert_eq!(
        eth0,
        Link {
            index: 2,
            name: b"eth0".to_vec(),
            master: None,
            up: false,
            loopback: false,
            bridge: None,
            port: None,
            details_missing: false,
        }
    );
}

#[test]
fn flags_of_zero_print_without_0x() {
    // The kernel's "%#x" prints 0 as "0", not "0x0".
    let tree = FakeTree::new();
    tree.device(b"x", 9, "0");
    let link = tree.reader().link(&name(b"x")).unwrap().unwrap();
    assert!(!link.up && !link.loopback);
}

#[test]
fn bridge_link_reads_every_bridge_file() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    let link = tree.reader().link(&name(b"br0")).unwrap().unwrap();
    assert_eq!(link.index, 5);
    assert!(link.up && !link.loopback && link.port.is_none() && link.master.is_none());
    assert_eq!(
        link.bridge.as_deref(),
        Some(&BridgeInfo {
            bridge_id: id(0x8000, [2, 0, 0, 0, 0, 1]),
            designated_root: id(0x1000, [2, 0, 0, 0, 0, 0x0b]),
            root_port: 3,
            root_path_cost: 200,
            stp_state: 1,
            max_age: 2000,
            hello_time: 200,
            forward_delay: 1500,
            ageing_time: 30000,
            hello_timer: 123,
            tcn_timer: 4,
            topology_change_timer: 5,
            gc_timer: 29900,
            topology_change: true,
            topology_change_detected: false,
            priority: 32768,
            vlan: None,
            mcast: None,
        })
    );
}

#[test]
fn bridge_vlan_settings_are_read_when_the_kernel_has_them() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    // No vlan_filtering file: a kernel without VLAN filtering.
    let read = |tree: &FakeTree| tree.reader().link(&name(b"br0")).unwrap().unwrap().bridge.unwrap().vlan;
    assert_eq!(read(&tree), None);
    // As the kernel prints them: %d, %#06x, %d.
    tree.write(b"br0/bridge/vlan_filtering", b"1\n");
    tree.write(b"br0/bridge/vlan_protocol", b"0x88a8\n");
    tree.write(b"br0/bridge/default_pvid", b"1\n");
    assert_eq!(read(&tree), Some(BridgeVlanInfo { filtering: true, protocol: 0x88a8, default_pvid: 1 }));
    tree.write(b"br0/bridge/vlan_filtering", b"0\n");
    tree.write(b"br0/bridge/vlan_protocol", b"0x8100\n");
    tree.write(b"br0/bridge/default_pvid", b"0\n");
    assert_eq!(read(&tree), Some(BridgeVlanInfo { filtering: false, protocol: 0x8100, default_pvid: 0 }));
    // A malformed vlan_filtering is as good as none; the others read as 0.
    tree.write(b"br0/bridge/vlan_filtering", b"on\n");
    assert_eq!(read(&tree), None);
    tree.write(b"br0/bridge/vlan_filtering", b"1\n");
    fs::remove_file(tree.path(b"br0/bridge/vlan_protocol")).unwrap();
    tree.write(b"br0/bridge/default_pvid", b"x\n");
    assert_eq!(read(&tree), Some(BridgeVlanInfo { filtering: true, protocol: 0, default_pvid: 0 }));
}

#[test]
fn port_link_reads_every_brport_file() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 0x101);
    let link = tree.reader().link(&name(b"v0")).unwrap().unwrap();
    assert_eq!(link.index, 7);
    assert_eq!(link.master, Some(5));
    assert!(link.up && link.bridge.is_none());
    assert_eq!(
        link.port.as_deref(),
        Some(&PortInfo {
            port_no: 0x101,
            port_id: 0x8101,
            state: 3,
            priority: 32,
            path_cost: 250,
            designated_root: id(0x1000, [2, 0, 0, 0, 0, 0x0b]),
            designated_bridge: id(0x8000, [2, 0, 0, 0, 0, 1]),
            designated_port: 33025,
            designated_cost: 100,
            message_age_timer: 1917,
            forward_delay_timer: 1399,
            hold_timer: 7,
            config_pending: true,
            topology_change_ack: false,
            hairpin: true,
            mcast: None,
        })
    );
    assert!(link.is_port_of(5));
}

#[test]
fn master_without_ifindex_is_none() {
    let tree = FakeTree::new();
    tree.device(b"v0", 7, "0x1");
    tree.mkdir(b"elsewhere");
    tree.symlink(b"v0/master", "../elsewhere");
    assert_eq!(tree.reader().link(&name(b"v0")).unwrap().unwrap().master, None);
}

#[test]
fn wide_values_keep_the_low_bits() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 1);
    for (file, value) in [
        ("bridge/ageing_time", "1000000000000"),
        ("bridge/hello_timer", "8589934592"),
        ("bridge/tcn_timer", "-1"),
        ("bridge/gc_timer", "99999999999999999999"),
        ("bridge/root_path_cost", "-2"),
        ("bridge/priority", "70000"),
        ("bridge/max_age", "4294967296"),
        ("bridge/hello_time", "18446744073709551615"),
    ] {
        tree.write(format!("br0/{file}").as_bytes(), value.as_bytes());
    }
    tree.write(b"v0/brport/designated_cost", b"65537");
    tree.write(b"v0/brport/hold_timer", b"4294967296");
    let reader = tree.reader();
    let bridge = reader.link(&name(b"br0")).unwrap().unwrap().bridge.unwrap();
    // 10^12 mod 2^32: the same u32 that IFLA_BR_AGEING_TIME carries.
    assert_eq!(bridge.ageing_time, 3_567_587_328);
    assert_eq!(bridge.hello_timer, 8_589_934_592);
    assert_eq!(bridge.tcn_timer, u64::MAX);
    assert_eq!(bridge.gc_timer, i64::MAX as u64);
    assert_eq!(bridge.root_path_cost, u32::MAX - 1);
    assert_eq!(bridge.priority, (70000u32 & 0xffff) as u16);
    assert_eq!(bridge.max_age, 0);
    // strtol saturates at LONG_MAX before the cut, as in the original.
    assert_eq!(bridge.hello_time, u32::MAX);
    let port = reader.link(&name(b"v0")).unwrap().unwrap().port.unwrap();
    assert_eq!(port.designated_cost, 1);
    assert_eq!(port.hold_timer, 4_294_967_296);
}

#[test]
fn missing_and_malformed_attributes_read_as_zero() {
    let tree = FakeTree::new();
    tree.write(b"br0/ifindex", b"5\n");
    tree.mkdir(b"br0/bridge");
    tree.write(b"br0/bridge/stp_state", b"1\n");
    tree.write(b"br0/bridge/bridge_id", b"garbage\n");
    tree.write(b"br0/bridge/max_age", b"20.00\n");
    // A directory where a file belongs: opening works, reading fails.
    tree.mkdir(b"br0/bridge/hello_time");
    tree.write(b"v0/ifindex", b"7");
    tree.mkdir(b"v0/brport");
    let reader = tree.reader();
    let br0 = reader.link(&name(b"br0")).unwrap().unwrap();
    assert!(!br0.up && !br0.loopback);
    assert_eq!(br0.bridge.as_deref(), Some(&BridgeInfo { stp_state: 1, ..BridgeInfo::default() }));
    let v0 = reader.link(&name(b"v0")).unwrap().unwrap();
    assert_eq!(v0.port.as_deref(), Some(&PortInfo::default()));
    assert_eq!(v0.master, None);
}

#[test]
fn ifindex_is_required() {
    let tree = FakeTree::new();
    tree.mkdir(b"noindex");
    tree.write(b"badindex/ifindex", b"seven\n");
    let reader = tree.reader();
    assert_eq!(reader.link(&name(b"noindex")), Err(Errno::ENOENT));
    assert_eq!(reader.link(&name(b"badindex")), Err(Errno(libc::EIO)));
}

#[test]
fn links_lists_every_device_by_index() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 1);
    tree.device(b"lo", 1, "0x9");
    tree.device(b"n\xffx", 3, "0x0");
    tree.write(b"bonding_masters", b"\n");
    tree.symlink(b"vanished", "../../devices/virtual/net/vanished");
    let links = tree.reader().links().unwrap();
    let names: Vec<&[u8]> = links.iter().map(|link| &link.name[..]).collect();
    assert_eq!(names, [&b"lo"[..], b"n\xffx", b"br0", b"v0"]);
    let indexes: Vec<u32> = links.iter().map(|link| link.index).collect();
    assert_eq!(indexes, [1, 3, 5, 7]);
    assert!(links[2].is_bridge() && links[3].is_port_of(5));
}

/// One hostile entry costs that entry, not the listing: a symlink loop and
/// an ifindex that is a FIFO are skipped and named, a never-ending ifindex
/// is read only a page deep, and nothing waits.
#[test]
fn hostile_entries_are_skipped_and_named() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 1);
    tree.symlink(b"loop", "loop");
    tree.mkdir(b"fifo");
    let fifo = std::ffi::CString::new(tree.path(b"fifo/ifindex").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: mkfifo only reads the NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    tree.mkdir(b"endless");
    tree.symlink(b"endless/ifindex", "/dev/zero");
    std::fs::remove_file(tree.path(b"v0/brport/path_cost")).unwrap();
    tree.symlink(b"v0/brport/path_cost", "/dev/zero");
    let reader = tree.reader();
    let links = reader.links().unwrap();
    let names: Vec<&[u8]> = links.iter().map(|link| &link.name[..]).collect();
    assert_eq!(names, [&b"br0"[..], b"v0"]);
    assert_eq!(links[1].port.as_ref().map(|port| port.path_cost), Some(0));
    let mut skipped = reader.take_skipped();
    skipped.sort();
    let root = tree.path(b"").display().to_string();
    let root = root.trim_end_matches('/');
    assert_eq!(
        skipped,
        [
            format!("skipped {root}/endless: Invalid argument"),
            format!("skipped {root}/fifo: Invalid argument"),
            format!("skipped {root}/loop: Too many levels of symbolic links"),
        ]
    );
    assert!(reader.take_skipped().is_empty());
    // The bridge's ports list the same way.
    tree.symlink(b"br0/brif/loop", "loop");
    assert_eq!(reader.ports(&name(b"br0")).unwrap().len(), 1);
    assert_eq!(reader.take_skipped().len(), 1);
}

#[test]
fn links_of_a_missing_root_is_an_error() {
    let reader = SysfsReader::with_root(PathBuf::from("/nonexistent/brctl-sysfs-test"));
    assert_eq!(reader.links(), Err(Errno::ENOENT));
}

#[test]
fn ports_reads_the_brif_entries() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.bridge("br1", 6);
    tree.port("v0", 7, "br0", 1);
    tree.port("v1", 8, "br0", 2);
    tree.port("w0", 9, "br1", 1);
    // A port deleted between the listing and the read.
    tree.symlink(b"br0/brif/gone", "../../gone/brport");
    let reader = tree.reader();
    let mut ports = reader.ports(&name(b"br0")).unwrap();
    ports.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&[u8]> = ports.iter().map(|link| &link.name[..]).collect();
    assert_eq!(names, [&b"v0"[..], b"v1"]);
    assert!(ports.iter().all(|port| port.is_port_of(5) && port.port.is_some()));
    assert_eq!(ports[1].port.as_ref().unwrap().port_no, 2);
    assert_eq!(reader.ports(&name(b"br1")).unwrap().len(), 1);
    // As brctl asks: the bridge found among the links by its ifindex, then
    // its ports by that link's name.
    let bridge = reader.links().unwrap().into_iter().find(|link| link.index == 5).unwrap();
    let mut via_links = reader.ports(&name(&bridge.name)).unwrap();
    via_links.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(via_links, ports);
}

#[test]
fn a_bridge_summary_is_its_id_stp_state_and_brif_names_and_ports_name_their_bridge() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.bridge("br1", 6);
    tree.port("v0", 7, "br0", 1);
    tree.port("w0", 9, "br1", 1);
    tree.device(b"u0", 10, "0x1003");
    let reader = tree.reader();
    let (link, names) = reader.bridge_summary(&name(b"br0")).unwrap().unwrap();
    assert_eq!((link.index, &link.name[..]), (5, &b"br0"[..]));
    let info = link.bridge.unwrap();
    assert_eq!((info.bridge_id, info.stp_state), (id(0x8000, [2, 0, 0, 0, 0, 1]), 1));
    assert_eq!(names, [name(b"v0")]);
    // Not a bridge, or no such device: no summary.
    assert!(reader.bridge_summary(&name(b"u0")).unwrap().is_none());
    assert!(reader.bridge_summary(&name(b"nobr")).unwrap().is_none());
    assert!(reader.is_port_of(&name(b"v0"), &name(b"br0")));
    assert!(!reader.is_port_of(&name(b"w0"), &name(b"br0")));
    assert!(!reader.is_port_of(&name(b"u0"), &name(b"br0")));
    assert!(!reader.is_port_of(&name(b"gone"), &name(b"br0")));
}

#[test]
fn port_names_are_the_brif_entries_of_the_bridge_with_that_ifindex() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 1);
    tree.port("v1", 8, "br0", 2);
    tree.symlink(b"br0/brif/gone", "../../gone/brport");
    let reader = tree.reader();
    let mut names = reader.port_names(&name(b"br0"), 5).unwrap();
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    // Names only: the one whose device is gone is for netlink to refuse.
    assert_eq!(names, [name(b"gone"), name(b"v0"), name(b"v1")]);
    // The name now belongs to another device (renamed, or deleted and taken again).
    assert_eq!(reader.port_names(&name(b"br0"), 6), Err(Errno(libc::ESTALE)));
    assert!(reader.port_names(&name(b"nobr"), 5).is_err());
    assert!(reader.port_names(&name(b"v0"), 7).is_err());
}

#[test]
fn ports_of_a_bridge_without_ports_is_empty() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    assert_eq!(tree.reader().ports(&name(b"br0")), Ok(Vec::new()));
}

#[test]
fn ports_errors() {
    let tree = FakeTree::new();
    tree.device(b"eth0", 2, "0x1003");
    tree.write(b"bonding_masters", b"\n");
    let reader = tree.reader();
    assert_eq!(reader.ports(&name(b"nosuch")), Err(Errno::ENODEV));
    assert_eq!(reader.ports(&name(b"bonding_masters")), Err(Errno::ENODEV));
    assert_eq!(reader.ports(&name(b"eth0")), Err(Errno::EOPNOTSUPP));
    // As brctl asks, by the name of a link found by its ifindex: not a
    // bridge, then gone since it was listed.
    let eth0 = reader.links().unwrap().into_iter().find(|link| link.index == 2).unwrap();
    assert_eq!(reader.ports(&name(&eth0.name)), Err(Errno::EOPNOTSUPP));
    fs::remove_dir_all(tree.path(b"eth0")).unwrap();
    assert_eq!(reader.ports(&name(&eth0.name)), Err(Errno::ENODEV));
}

/// The entry a record decodes to: local ones are permanent, others at
/// 0 static, the rest learned.
fn fdb_entry(mac: [u8; 6], port_no: u16, is_local: bool, ageing_timer: u32) -> FdbEntry {
    let flags =
        FdbFlags::default().with(FdbFlags::PERMANENT, is_local).with(FdbFlags::STATIC, !is_local && ageing_timer == 0);
    FdbEntry { mac, port_no, ageing_timer, vlan: None, flags }
}

#[test]
fn fdb_decodes_records() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    let records = [
        record([0x02, 0, 0, 0, 0, 0x0a], 1, true, 0),
        record([0x0a, 0xbb, 0xcc, 0, 0, 1], 2, false, 96),
        record([0xf0, 0, 0, 0, 0, 1], 257, false, 0x0102_0304),
        record([0xff; 6], 0x3ff, true, u32::MAX),
    ];
    tree.write(b"br0/brforward", &records.concat());
    let fdb = tree.reader().fdb(&name(b"br0")).unwrap();
    assert_eq!(
        fdb,
        [
            fdb_entry([0x02, 0, 0, 0, 0, 0x0a], 1, true, 0),
            fdb_entry([0x0a, 0xbb, 0xcc, 0, 0, 1], 2, false, 96),
            fdb_entry([0xf0, 0, 0, 0, 0, 1], 257, false, 0x0102_0304),
            fdb_entry([0xff; 6], 0x3ff, true, u32::MAX),
        ]
    );
}

#[test]
fn fdb_record_layout_is_the_kernels() {
    // Bytes as the kernel writes them on a little-endian machine.
    let bytes: [u8; 16] = [2, 0, 0, 0, 0, 0x0a, 0x01, 0x01, 0x60, 0, 0, 0, 0x01, 0xaa, 0xbb, 0xcc];
    let entry = decode_fdb_record(&bytes);
    assert_eq!(entry.mac, [2, 0, 0, 0, 0, 0x0a]);
    assert_eq!(entry.port_no, 0x101);
    assert!(entry.is_local());
    let expected = if cfg!(target_endian = "little") { 0x60 } else { 0x6000_0000 };
    assert_eq!(entry.ageing_timer, expected);
}

#[test]
fn fdb_reads_many_records() {
    // 300 is more than the original's 128 per read; 10000 records are
    // 160000 bytes, more than one of our reads.
    for count in [0u32, 1, 128, 129, 300, 4096, 4097, 10000] {
        let tree = FakeTree::new();
        tree.bridge("br0", 5);
        let mut bytes = Vec::new();
        for i in 0..count {
            let [_, b1, b2, b3] = i.to_be_bytes();
            bytes.extend_from_slice(&record([2, 0, 0, b1, b2, b3], (i % 1024) as u16, i % 3 == 0, i));
        }
        tree.write(b"br0/brforward", &bytes);
        let fdb = tree.reader().fdb(&name(b"br0")).unwrap();
        assert_eq!(fdb.len(), count as usize);
        for (i, entry) in (0..count).zip(&fdb) {
            let [_, b1, b2, b3] = i.to_be_bytes();
            let expected = fdb_entry([2, 0, 0, b1, b2, b3], (i % 1024) as u16, i % 3 == 0, i);
            assert_eq!(*entry, expected);
        }
    }
}

#[test]
fn fdb_ignores_a_trailing_partial_record() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    let mut bytes = record([2, 0, 0, 0, 0, 1], 1, true, 0).to_vec();
    bytes.extend_from_slice(&[0xee; 15]);
    tree.write(b"br0/brforward", &bytes);
    assert_eq!(tree.reader().fdb(&name(b"br0")).unwrap().len(), 1);
}

#[test]
fn fdb_errors() {
    let tree = FakeTree::new();
    tree.device(b"eth0", 2, "0x1003");
    tree.write(b"bonding_masters", b"\n");
    tree.bridge("br0", 5);
    tree.mkdir(b"br0/brforward");
    let reader = tree.reader();
    assert_eq!(reader.fdb(&name(b"nosuch")), Err(Errno::ENODEV));
    assert_eq!(reader.fdb(&name(b"bonding_masters")), Err(Errno::ENODEV));
    assert_eq!(reader.fdb(&name(b"eth0")), Err(Errno::EOPNOTSUPP));
    // Other failures pass the errno through.
    assert_eq!(reader.fdb(&name(b"br0")), Err(Errno(libc::EISDIR)));
}

/// Compares everything the reader sees in the real /sys/class/net with
/// what netlink reports through `ip -d -o link show` and
/// `bridge -s fdb show` (both read-only). It needs bridges with ports,
/// so run it in a throwaway namespace, e.g.:
///
/// ```text
/// unshare -Urnm sh -c 'mount -t sysfs sysfs /sys;
///   ip link add br0 address 02:00:00:00:00:99 type bridge;
///   ip link add v0 address 02:00:00:00:00:0a type veth peer name v0p;
///   ip link set v0 master br0; ...;
///   <test binary> --ignored --exact backend::sysfs::tests::matches_the_kernel_over_netlink --nocapture'
/// ```
///
/// Worth having in the "...": STP on, a hairpin port, a port cost,
/// multicast settings off their defaults (`ip link set br0 type bridge
/// mcast_querier 1 mcast_hash_max 8192 mcast_router 2 ...`), port flags
/// (`bridge link set dev v0 learning off isolated on guard on ...`),
/// multicast groups (`bridge mdb add dev br0 port v0 grp 239.1.1.1
/// permanent`, `... grp ff0e::5 temp`) and router ports (`bridge link set
/// dev v0 mcast_router 2`),
/// `bridge fdb add` entries (plain, `static`, `dynamic`), a bridge with
/// 257 ports (port_no > 255 needs port_hi), thousands of fdb entries
/// (`bridge -batch`), an ageing_time past 32 bits written to sysfs
/// (`echo 1000000000000 > /sys/class/net/br1/bridge/ageing_time`) and
/// a bridge with a non-UTF-8 name. It only reads, so running it
/// elsewhere is harmless; it fails when there is no bridge with a port.
#[test]
#[ignore = "needs bridges in a throwaway network namespace; see the comment"]
fn matches_the_kernel_over_netlink() {
    let mut last = String::new();
    // Port states, flags and timers move on their own; a mismatch
    // that goes away on a second look was a race, not a bug.
    for _ in 0..3 {
        match kernel::compare(&SysfsReader::new())
            .and_then(|summary| kernel::compare_netlink(&SysfsReader::new(), summary))
        {
            Ok(summary) => {
                println!("{summary}");
                return;
            }
            Err(problems) => last = problems,
        }
    }
    panic!("sysfs and netlink disagree:\n{last}");
}

/// Hands out data a few bytes at a time, with an EINTR in between.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    calls: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        assert!(buf.len() > FDB_READ_SIZE - FDB_RECORD, "every read asks for nearly the full buffer");
        self.calls += 1;
        if self.calls.is_multiple_of(3) {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let count = (self.data.len() - self.at).min(7);
        buf[..count].copy_from_slice(&self.data[self.at..self.at + count]);
        self.at += count;
        Ok(count)
    }
}

#[test]
fn records_split_across_short_reads_and_interrupts_decode_whole() {
    let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let expected: Vec<FdbEntry> = data
        .chunks_exact(FDB_RECORD)
        .map(|chunk| decode_fdb_record(chunk.first_chunk::<FDB_RECORD>().unwrap()))
        .collect();
    let mut source = Trickle { data, at: 0, calls: 0 };
    assert_eq!(read_records(&mut source), Ok(expected));
}

#[test]
fn read_records_passes_errors_on() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(libc::ENODEV))
        }
    }
    assert_eq!(read_records(&mut Broken), Err(Errno::ENODEV));
}
