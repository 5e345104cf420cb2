//! The reader's multicast settings and port flags, on the fake tree
//! (built only under `#[cfg(test)]`, see `mod mcast` in tests.rs).

use super::*;
use crate::model::{BridgeMcastInfo, PortFlags, PortMcastInfo};

/// The bridge/ files as this machine's kernel (6.18) printed them for
/// `ip link set br0 type bridge mcast_querier 1 mcast_hash_max 8192
/// mcast_last_member_count 3 mcast_query_interval 13000
/// mcast_query_use_ifaddr 1 mcast_router 2 mcast_startup_query_count 4`.
const BRIDGE_FILES: [(&str, &str); 14] = [
    ("multicast_snooping", "1"),
    ("multicast_router", "2"),
    ("multicast_querier", "1"),
    ("multicast_query_use_ifaddr", "1"),
    ("hash_elasticity", "16"),
    ("hash_max", "8192"),
    ("multicast_last_member_count", "3"),
    ("multicast_startup_query_count", "4"),
    ("multicast_last_member_interval", "100"),
    ("multicast_membership_interval", "26000"),
    ("multicast_querier_interval", "25500"),
    ("multicast_query_interval", "13000"),
    ("multicast_query_response_interval", "1000"),
    ("multicast_startup_query_interval", "3124"),
];

/// The brport/ files for `bridge link set dev v0 mcast_router 2 fastleave
/// on learning off flood off mcast_flood off bcast_flood off isolated on
/// guard on root_block on neigh_suppress on`.
const PORT_FILES: [(&str, &str); 10] = [
    ("multicast_router", "2"),
    ("multicast_fast_leave", "1"),
    ("learning", "0"),
    ("unicast_flood", "0"),
    ("multicast_flood", "0"),
    ("broadcast_flood", "0"),
    ("isolated", "1"),
    ("bpdu_guard", "1"),
    ("root_block", "1"),
    ("neigh_suppress", "1"),
];

fn write_all(tree: &FakeTree, dir: &str, files: &[(&str, &str)]) {
    for (file, value) in files {
        tree.write(format!("{dir}/{file}").as_bytes(), format!("{value}\n").as_bytes());
    }
}

fn bridge_mcast(tree: &FakeTree) -> Option<BridgeMcastInfo> {
    tree.reader().link(&name(b"br0")).unwrap().unwrap().bridge.unwrap().mcast
}

fn port_mcast(tree: &FakeTree) -> Option<PortMcastInfo> {
    tree.reader().link(&name(b"v0")).unwrap().unwrap().port.unwrap().mcast
}

#[test]
fn bridge_multicast_settings_are_read_when_the_kernel_has_them() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    // No multicast_snooping: a kernel without CONFIG_BRIDGE_IGMP_SNOOPING.
    assert_eq!(bridge_mcast(&tree), None);
    write_all(&tree, "br0/bridge", &BRIDGE_FILES);
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
    assert_eq!(bridge_mcast(&tree), Some(expected));
    // The rest of the bridge is read as before.
    assert_eq!(tree.reader().link(&name(b"br0")).unwrap().unwrap().bridge.unwrap().stp_state, 1);

    // Snooping off is still Some; a missing or malformed file reads as 0,
    // a value too wide keeps its low bits, as elsewhere.
    tree.write(b"br0/bridge/multicast_snooping", b"0\n");
    fs::remove_file(tree.path(b"br0/bridge/hash_max")).unwrap();
    tree.write(b"br0/bridge/multicast_query_interval", b"lots\n");
    tree.write(b"br0/bridge/multicast_router", b"258\n");
    tree.write(b"br0/bridge/multicast_membership_interval", b"18446744073709551615\n");
    let changed = BridgeMcastInfo {
        snooping: false,
        hash_max: 0,
        query_interval: 0,
        router: 2,
        membership_interval: i64::MAX as u64,
        ..expected
    };
    assert_eq!(bridge_mcast(&tree), Some(changed));
    // A malformed multicast_snooping is as good as none.
    tree.write(b"br0/bridge/multicast_snooping", b"yes\n");
    assert_eq!(bridge_mcast(&tree), None);
}

#[test]
fn port_flags_are_read_when_the_kernel_has_them() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 1);
    // No learning file: a kernel older than the flags.
    assert_eq!(port_mcast(&tree), None);
    write_all(&tree, "v0/brport", &PORT_FILES);
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
    assert_eq!(port_mcast(&tree), Some(expected));
    assert_eq!(tree.reader().link(&name(b"v0")).unwrap().unwrap().port.unwrap().path_cost, 250);

    // A new port's defaults; without snooping the router and fast leave
    // files are missing and read as 0.
    write_all(
        &tree,
        "v0/brport",
        &[("learning", "1"), ("unicast_flood", "1"), ("multicast_flood", "1"), ("broadcast_flood", "1")],
    );
    write_all(
        &tree,
        "v0/brport",
        &[("isolated", "0"), ("bpdu_guard", "0"), ("root_block", "0"), ("neigh_suppress", "0")],
    );
    fs::remove_file(tree.path(b"v0/brport/multicast_router")).unwrap();
    fs::remove_file(tree.path(b"v0/brport/multicast_fast_leave")).unwrap();
    let mcast = port_mcast(&tree).unwrap();
    assert_eq!((mcast.router, mcast.fast_leave), (0, false));
    assert_eq!(mcast.flags.words(), ["learning", "flood", "mcflood", "bcflood"]);
}

#[test]
fn a_hostile_flag_file_costs_only_that_flag() {
    let tree = FakeTree::new();
    tree.bridge("br0", 5);
    tree.port("v0", 7, "br0", 1);
    write_all(&tree, "v0/brport", &PORT_FILES);
    write_all(&tree, "br0/bridge", &BRIDGE_FILES);
    // Never-ending files are read a page deep and come out malformed: 0.
    fs::remove_file(tree.path(b"v0/brport/isolated")).unwrap();
    tree.symlink(b"v0/brport/isolated", "/dev/zero");
    fs::remove_file(tree.path(b"br0/bridge/hash_max")).unwrap();
    tree.symlink(b"br0/bridge/hash_max", "/dev/zero");
    let flags = port_mcast(&tree).unwrap().flags;
    assert!(!flags.isolated && flags.bpduguard);
    assert_eq!(bridge_mcast(&tree).map(|mcast| (mcast.hash_max, mcast.hash_elasticity)), Some((0, 16)));
}
