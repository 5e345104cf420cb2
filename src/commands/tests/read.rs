//! show, showstp and showmacs against `FakeKernel`.

use super::*;

// ---------------------------------------------------------------------------------------------
// show (docs/compat.md 4.10; Q16)

const SHOW_HEADER: &str = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n";
const BR0_ROW: &str = "br0\t\t0000.000000000000\tno\t\tv0\n\t\t\t\t\t\t\tv1\n";
const BR1_ROW: &str = "br1\t\t0000.000000000000\tyes\t\tv2\n";
const BR2_ROW: &str = "br2\t\t0000.000000000000\tno\t\t\n";

#[test]
fn show_lists_every_bridge_with_its_ports() {
    let mut kernel = lab();
    kernel.links.reverse();
    let outcome = succeeds(&mut kernel, show(&[]));
    assert_eq!(text(&outcome.out), format!("{SHOW_HEADER}{BR0_ROW}{BR1_ROW}{BR2_ROW}"));
    assert_eq!(text(&outcome.err), "");
    assert_eq!(kernel.changes, []);
}

#[test]
fn show_leaves_bridges_out_of_the_port_lists() {
    // A bridge can come back among the ports (an AF_BRIDGE dump may list a
    // bridge itself, with its own index as master): it is no port of it.
    let bridges = vec![bridge(2, "br0"), bridge(3, "br1")];
    let ports = vec![
        port(5, "v0", 2, 1),
        Link { master: Some(2), ..bridge(2, "br0") },
        Link { master: Some(2), ..bridge(3, "br1") },
        device(8, "v3"),
    ];
    let views = crate::commands::show::bridge_views(bridges, ports);
    let shown: Vec<(String, Vec<String>)> =
        views.iter().map(|view| (text(&view.link.name), view.ports.iter().map(|p| text(&p.name)).collect())).collect();
    assert_eq!(shown, [("br0".to_string(), vec!["v0".to_string()]), ("br1".to_string(), vec![])]);
}

#[test]
fn show_without_bridges_prints_nothing_at_all() {
    let mut kernel = FakeKernel { links: vec![device(1, "lo"), device(2, "v3")], ..FakeKernel::default() };
    let outcome = succeeds(&mut kernel, show(&[]));
    assert_eq!(text(&outcome.out), "");
    let outcome = run_styled(&mut kernel, show(&[]), JSON);
    assert!(outcome.result.is_ok());
    assert_eq!(text(&outcome.out), "[]\n");
}

#[test]
fn show_names_in_the_order_given_and_reports_failures_as_it_goes() {
    let mut kernel = lab();
    let outcome = run(&mut kernel, show(&["br1", "v3", "nosuch", "br0", "br1"]));
    assert_eq!(text(&outcome.out), format!("{SHOW_HEADER}{BR1_ROW}{BR0_ROW}{BR1_ROW}"));
    assert_eq!(text(&outcome.err), "device v3 is not a bridge!\nbridge nosuch does not exist!\n");
    // Already reported: exit 1 with no further message.
    let err = outcome.result.unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert_eq!(err.message(), b"");
}

#[test]
fn show_prints_the_header_once_before_the_first_bridge_shown() {
    let mut kernel = lab();
    let outcome = run(&mut kernel, show(&["nosuch", "br2", "lo", "br2"]));
    assert_eq!(text(&outcome.out), format!("{SHOW_HEADER}{BR2_ROW}{BR2_ROW}"));
    assert_eq!(text(&outcome.err), "bridge nosuch does not exist!\ndevice lo is not a bridge!\n");
    assert_eq!(outcome.result.unwrap_err().exit_code(), 1);
    // Every name failing: no header at all.
    let outcome = run(&mut kernel, show(&["nosuch", "v3"]));
    assert_eq!(text(&outcome.out), "");
    assert_eq!(text(&outcome.err), "bridge nosuch does not exist!\ndevice v3 is not a bridge!\n");
    assert_eq!(outcome.result.unwrap_err().exit_code(), 1);
}

#[test]
fn show_as_json_lists_the_bridges_shown_and_reports_the_rest() {
    let mut kernel = lab();
    let outcome = run_styled(&mut kernel, show(&["br1", "nosuch"]), JSON);
    assert_eq!(
        text(&outcome.out),
        "[{\"bridge\":\"br1\",\"bridge_id\":\"0000.000000000000\",\"stp_enabled\":true,\"interfaces\":[\"v2\"]}]\n"
    );
    assert_eq!(text(&outcome.err), "bridge nosuch does not exist!\n");
    assert_eq!(outcome.result.unwrap_err().exit_code(), 1);
    let outcome = run_styled(&mut kernel, show(&["br2"]), JSON);
    assert!(outcome.result.is_ok());
    assert_eq!(
        text(&outcome.out),
        "[{\"bridge\":\"br2\",\"bridge_id\":\"0000.000000000000\",\"stp_enabled\":false,\"interfaces\":[]}]\n"
    );
}

#[test]
fn show_says_when_a_bridge_cannot_be_read() {
    // A kernel that cannot be asked is not a missing bridge.
    let mut kernel = lab().failing("link", EACCES);
    let outcome = run(&mut kernel, show(&["br0"]));
    assert_eq!(text(&outcome.err), "can't read bridge br0: Permission denied\n");
    assert_eq!(outcome.result.unwrap_err().exit_code(), 1);
    let mut kernel = lab().failing("ports", EACCES);
    let outcome = run(&mut kernel, show(&["br0"]));
    assert_eq!(text(&outcome.out), "");
    assert_eq!(text(&outcome.err), "can't read bridge br0: Permission denied\n");
    // ENODEV from the kernel is the original's missing bridge.
    for call in ["link", "ports"] {
        let mut kernel = lab().failing(call, Errno::ENODEV);
        let outcome = run(&mut kernel, show(&["br0"]));
        assert_eq!(text(&outcome.err), "bridge br0 does not exist!\n", "{call}");
    }
}

#[test]
fn show_says_when_the_bridges_cannot_be_listed() {
    for call in ["bridges", "bridge_ports"] {
        let mut kernel = lab().failing(call, EACCES);
        refused(&mut kernel, show(&[]), "can't list bridges: Permission denied");
        let outcome = run_styled(&mut kernel, show(&[]), JSON);
        assert_eq!(text(&outcome.out), "", "{call}");
        assert_eq!(
            String::from_utf8_lossy(&outcome.result.unwrap_err().message()),
            "can't list bridges: Permission denied"
        );
    }
}

#[test]
fn reads_change_nothing_and_ask_no_privilege() {
    let mut kernel = lab().unprivileged();
    succeeds(&mut kernel, show(&[]));
    succeeds(&mut kernel, show(&["br0"]));
    succeeds(&mut kernel, Command::ShowStp(name("br0")));
    succeeds(&mut kernel, Command::ShowMacs(name("br0")));
    assert_eq!(kernel.changes, []);
    assert_eq!(kernel.calls_of("may_change"), 0);
}

// ---------------------------------------------------------------------------------------------
// showstp (docs/compat.md 4.11)

#[test]
fn showstp_reports_a_missing_or_non_bridge_device() {
    let mut kernel = lab();
    refused(&mut kernel, Command::ShowStp(name("nosuch")), "bridge nosuch does not exist!");
    refused(&mut kernel, Command::ShowStp(name("v3")), "device v3 is not a bridge!");
    let mut kernel = lab().failing("link", EACCES);
    refused(&mut kernel, Command::ShowStp(name("br0")), "can't read bridge br0: Permission denied");
    let mut kernel = lab().failing("ports", EACCES);
    refused(&mut kernel, Command::ShowStp(name("br0")), "can't read bridge br0: Permission denied");
    // The same as JSON: nothing on stdout.
    let mut kernel = lab();
    let outcome = run_styled(&mut kernel, Command::ShowStp(name("lo")), JSON);
    assert_eq!(text(&outcome.out), "");
    assert_eq!(text(&outcome.result.unwrap_err().message()), "device lo is not a bridge!");
}

#[test]
fn showstp_prints_the_bridge_then_its_ports_in_byte_order() {
    let mut kernel = lab();
    kernel.links.push(port(10, "Z0", 2, 3));
    kernel.links.swap(4, 5);
    let outcome = succeeds(&mut kernel, Command::ShowStp(name("br0")));
    let out = text(&outcome.out);
    assert!(out.starts_with("br0\n bridge id\t\t0000.000000000000\n"), "{out}");
    let ports: Vec<&str> = out.lines().filter(|line| line.ends_with(')')).collect();
    assert_eq!(ports, ["Z0 (3)", "v0 (1)", "v1 (2)"]);
    let outcome = run_styled(&mut kernel, Command::ShowStp(name("br1")), JSON);
    assert!(outcome.result.is_ok());
    let out = text(&outcome.out);
    assert!(out.starts_with("{\"bridge\":\"br1\","), "{out}");
    assert!(out.contains("\"interface\":\"v2\""), "{out}");
}

// ---------------------------------------------------------------------------------------------
// showmacs (docs/compat.md 4.12; D5)

fn entry(mac_last: u8, port_no: u16, local: bool, ageing_timer: u32) -> FdbEntry {
    FdbEntry {
        mac: [2, 0, 0, 0, 0, mac_last],
        port_no,
        ageing_timer,
        flags: FdbFlags::default().with(FdbFlags::PERMANENT, local),
        ..FdbEntry::default()
    }
}

fn fdb_lab() -> FakeKernel {
    let mut kernel = lab();
    kernel.fdb = vec![entry(0x0b, 2, true, 0), entry(0x01, 257, false, 96), entry(0x0a, 1, true, 0)];
    kernel.fdb[1].vlan = NonZeroU16::new(10);
    kernel
}

#[test]
fn showmacs_reports_a_missing_or_non_bridge_device_without_the_header() {
    let mut kernel = fdb_lab();
    refused(&mut kernel, Command::ShowMacs(name("nosuch")), "read of forward table failed: No such device");
    refused(&mut kernel, Command::ShowMacs(name("v3")), "read of forward table failed: Operation not supported");
    refused(&mut kernel, Command::ShowMacs(name("lo")), "read of forward table failed: Operation not supported");
    for call in ["link", "fdb"] {
        let mut kernel = fdb_lab().failing(call, EACCES);
        refused(&mut kernel, Command::ShowMacs(name("br0")), "read of forward table failed: Permission denied");
    }
    for style in [JSON, DETAILS] {
        let mut kernel = fdb_lab().failing("ports", EACCES);
        let outcome = run_styled(&mut kernel, Command::ShowMacs(name("br0")), style);
        assert_eq!(text(&outcome.out), "");
        let message = outcome.result.unwrap_err().message();
        assert_eq!(text(&message), "read of forward table failed: Permission denied");
    }
}

#[test]
fn showmacs_sorts_by_mac_and_prints_true_port_numbers() {
    let mut kernel = fdb_lab();
    let outcome = succeeds(&mut kernel, Command::ShowMacs(name("br0")));
    assert_eq!(
        text(&outcome.out),
        "port no\tmac addr\t\tis local?\tageing timer\n\
         257\t02:00:00:00:00:01\tno\t\t   0.96\n\
         \x20 1\t02:00:00:00:00:0a\tyes\t\t   0.00\n\
         \x20 2\t02:00:00:00:00:0b\tyes\t\t   0.00\n"
    );
    // The text needs no port names: one lookup, one dump.
    assert_eq!(kernel.calls_of("ports"), 0);
    assert_eq!(kernel.total_calls(), 2);
}

#[test]
fn showmacs_names_the_ports_in_json_and_details() {
    let mut kernel = fdb_lab();
    let outcome = run_styled(&mut kernel, Command::ShowMacs(name("br0")), JSON);
    assert!(outcome.result.is_ok());
    let out = text(&outcome.out);
    let interfaces: Vec<&str> = out.split("\"interface\":").skip(1).map(|rest| &rest[..4]).collect();
    assert_eq!(interfaces, ["\"\",\"", "\"v0\"", "\"v1\""], "{out}");
    let mut kernel = fdb_lab();
    let outcome = run_styled(&mut kernel, Command::ShowMacs(name("br0")), DETAILS);
    assert!(outcome.result.is_ok());
    let out = text(&outcome.out);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[1].contains(" v0 ") && rows[2].contains(" v1 "), "{out}");
    assert!(!rows[0].contains(" v0 ") && !rows[0].contains(" v1 "), "{out}");
}
