//! The forwarding database commands against `FakeKernel` (docs/compat.md
//! section 11): the MAC rules, what each command checks and in which
//! order, what it asks the kernel for, and showmacs's VLAN filter.

use std::ffi::{OsStr, OsString};
use std::num::NonZeroU16;

use super::fake::{Change, FakeKernel};
use super::{resolve, Command, OutputStyle};
use crate::backend::Errno;
use crate::error::Error;
use crate::model::{FdbEntry, Link, PortInfo};
use crate::values::{HwAddress, IfName, Mac, MacProblem, VlanId};

/// br0 (index 1) with ports p0 (2) and p1 (3); br1 (10) with port q0 (11);
/// v3 (12) free.
fn lab() -> FakeKernel {
    let mut kernel = FakeKernel::bridge_with_ports(2);
    kernel.links.push(Link { index: 10, name: b"br1".to_vec(), bridge: Some(Box::default()), ..Link::default() });
    kernel.links.push(Link {
        index: 11,
        name: b"q0".to_vec(),
        master: Some(10),
        port: Some(Box::new(PortInfo { port_no: 1, ..PortInfo::default() })),
        ..Link::default()
    });
    kernel.links.push(Link { index: 12, name: b"v3".to_vec(), ..Link::default() });
    kernel
}

fn words(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

fn mac(text: &str) -> Mac {
    Mac::parse(OsStr::new(text)).unwrap()
}

fn vid(id: u16) -> VlanId {
    VlanId::parse(OsStr::new(&id.to_string())).unwrap()
}

fn name(text: &str) -> IfName {
    IfName::from_bytes(text.as_bytes()).unwrap()
}

/// The message of a refused command line (before any kernel call).
fn refused_line(line: &[&str]) -> String {
    match resolve(&words(line)) {
        Ok(command) => panic!("{line:?} was taken: {command:?}"),
        Err(err) => String::from_utf8_lossy(&err.message()).into_owned(),
    }
}

/// stdout and the error line (empty on success).
fn run(kernel: &mut FakeKernel, line: &[&str], json: bool) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let style = OutputStyle { json, ..OutputStyle::default() };
    let result = resolve(&words(line)).unwrap().execute(kernel, &style, &mut out, &mut err);
    let message = result.err().map(|e| String::from_utf8_lossy(&e.message()).into_owned()).unwrap_or_default();
    (String::from_utf8(out).unwrap(), message)
}

fn fails(kernel: &mut FakeKernel, line: &[&str], message: &str) {
    assert_eq!(run(kernel, line, false).1, message, "{line:?}");
    assert_eq!(kernel.changes, [], "{line:?} must change nothing");
}

#[test]
fn macs_are_six_colon_separated_octets_of_one_or_two_hex_digits() {
    let parse = |text: &str| Mac::parse(OsStr::new(text)).map(Mac::octets);
    assert_eq!(parse("52:54:00:12:34:56"), Ok([0x52, 0x54, 0, 0x12, 0x34, 0x56]));
    assert_eq!(parse("2:Ab:c:0D:e:F"), Ok([2, 0xab, 0xc, 0xd, 0xe, 0xf]));
    for bad in [
        "",
        "52:54:00:12:34",
        "52:54:00:12:34:56:78",
        "52-54-00-12-34-56",
        "525400123456",
        "52:54:00:12:34:",
        ":52:54:00:12:34",
        "52:54:000:12:34:56",
        "52:54:0g:12:34:56",
        "52:54:+1:12:34:56",
        "52::00:12:34:56",
        "52:54:00:12:34:56 ",
    ] {
        assert_eq!(parse(bad), Err(MacProblem::Malformed), "{bad:?}");
    }
    let unicast = |text: &str| Mac::parse_unicast(OsStr::new(text)).map(Mac::octets);
    assert_eq!(unicast("01:00:5e:00:00:01"), Err(MacProblem::Multicast));
    assert_eq!(unicast("ff:ff:ff:ff:ff:ff"), Err(MacProblem::Multicast));
    assert_eq!(unicast("0:0:0:0:0:0"), Err(MacProblem::Zero));
    assert_eq!(unicast("02:00:00:00:00:00"), Ok([2, 0, 0, 0, 0, 0]));
}

#[test]
fn addmac_refuses_bad_macs_before_the_kernel_and_delmac_only_malformed_ones() {
    assert_eq!(
        refused_line(&["addmac", "br0", "p0", "33:33:00:00:00:01"]),
        "bad mac address '33:33:00:00:00:01': a multicast address cannot be a static entry"
    );
    assert_eq!(
        refused_line(&["addmac", "br0", "p0", "00:00:00:00:00:00"]),
        "bad mac address '00:00:00:00:00:00': the all-zero address cannot be a static entry"
    );
    assert_eq!(
        refused_line(&["delmac", "br0", "p0", "02:00:00:00:00"]),
        "bad mac address '02:00:00:00:00': expected six hex octets separated by ':', such as 52:54:00:12:34:56"
    );
    // The names are checked first, the VLAN id last.
    assert!(refused_line(&["addmac", "a/b", "p0", "x"]).starts_with("interface name 'a/b' is not valid"));
    assert_eq!(
        refused_line(&["addmac", "br0", "p0", "02:00:00:00:00:01", "vlan", "4095"]),
        "bad vlan id '4095': allowed range is 1 to 4094"
    );
    // After the MAC only `vlan <vid>`: anything else is a usage error, not ignored.
    for extra in [&["vlan"][..], &["vlna", "5"], &["vlan", "5", "x"]] {
        let mut line = vec!["addmac", "br0", "p0", "02:00:00:00:00:01"];
        line.extend_from_slice(extra);
        assert!(refused_line(&line).starts_with("Incorrect number of arguments for command\n"), "{line:?}");
    }
    let delete = resolve(&words(&["delmac", "br0", "p0", "01:00:5E:00:00:01", "vlan", "7"])).unwrap();
    let expected =
        Command::DeleteMac { bridge: name("br0"), port: name("p0"), mac: mac("01:00:5e:00:00:01"), vlan: Some(vid(7)) };
    assert_eq!(delete, expected);
}

#[test]
fn addmac_and_delmac_ask_for_the_entry_on_the_port() {
    let mut kernel = lab();
    for line in [
        &["addmac", "br0", "p0", "02:aa:bb:cc:dd:01"][..],
        &["addmac", "br0", "p1", "02:aa:bb:cc:dd:02", "vlan", "0x0a"],
        &["delmac", "br0", "p1", "02:AA:BB:CC:DD:02", "vlan", "10"],
        &["delmac", "br0", "p0", "ff:ff:ff:ff:ff:ff"],
    ] {
        assert_eq!(run(&mut kernel, line, false), (String::new(), String::new()), "{line:?}");
    }
    assert_eq!(
        kernel.changes,
        [
            Change::AddMac { port: 2, mac: mac("02:aa:bb:cc:dd:01"), vlan: None },
            Change::AddMac { port: 3, mac: mac("02:aa:bb:cc:dd:02"), vlan: Some(vid(10)) },
            Change::DeleteMac { port: 3, mac: mac("02:aa:bb:cc:dd:02"), vlan: Some(vid(10)) },
            Change::DeleteMac { port: 2, mac: mac("ff:ff:ff:ff:ff:ff"), vlan: None },
        ]
    );
}

#[test]
fn mac_changes_look_up_the_port_as_setpathcost_does() {
    let mut kernel = lab();
    let entry = "02:aa:bb:cc:dd:01";
    fails(&mut kernel, &["addmac", "nosuch", "p0", entry], "add mac failed: No such device");
    fails(&mut kernel, &["addmac", "br0", "nosuch", entry], "add mac failed: No such device");
    fails(&mut kernel, &["delmac", "v3", "p0", entry], "delete mac failed: Operation not supported");
    fails(&mut kernel, &["addmac", "br0", "v3", entry], "add mac failed: No such file or directory");
    // D4: a port of another bridge.
    fails(&mut kernel, &["addmac", "br0", "q0", entry], "device q0 is not a port of br0");
    fails(&mut kernel, &["delmac", "br1", "p0", entry], "device p0 is not a port of br1");
    let mut kernel = lab().unprivileged();
    fails(&mut kernel, &["addmac", "br0", "q0", entry], "add mac failed: Operation not permitted");
    // The kernel's answers, worded: an entry that exists, one that does not.
    let mut kernel = lab().failing("add_mac", Errno::EEXIST);
    assert_eq!(run(&mut kernel, &["addmac", "br0", "p0", entry], false).1, "add mac failed: File exists");
    let mut kernel = lab().failing("delete_mac", Errno::ENOENT);
    let outcome = run(&mut kernel, &["delmac", "br0", "p0", entry], false).1;
    assert_eq!(outcome, "delete mac failed: No such file or directory");
    // A kernel without VLAN filtering refuses a VLAN: its errno is reported.
    let mut kernel = lab().failing("add_mac", Errno::EINVAL);
    let outcome = run(&mut kernel, &["addmac", "br0", "p0", entry, "vlan", "5"], false).1;
    assert_eq!(outcome, "add mac failed: Invalid argument");
    let err = Error::Fdb { what: "add mac", errno: Errno::EPERM };
    assert_eq!(err.hint(), Some("hint: changing bridges needs CAP_NET_ADMIN (run as root)"));
}

#[test]
fn flushmacs_flushes_the_bridge_or_one_port() {
    let mut kernel = lab();
    assert_eq!(run(&mut kernel, &["flushmacs", "br0"], false), (String::new(), String::new()));
    assert_eq!(run(&mut kernel, &["flushmacs", "br0", "p1"], false), (String::new(), String::new()));
    assert_eq!(
        kernel.changes,
        [Change::FlushMacs { bridge: 1, port: None }, Change::FlushMacs { bridge: 1, port: Some(3) }]
    );
    let mut kernel = lab();
    fails(&mut kernel, &["flushmacs", "nosuch"], "flush macs failed: No such device");
    fails(&mut kernel, &["flushmacs", "v3"], "flush macs failed: Operation not supported");
    fails(&mut kernel, &["flushmacs", "br0", "q0"], "device q0 is not a port of br0");
    fails(&mut kernel, &["flushmacs", "br0", "nosuch"], "flush macs failed: No such device");
}

#[test]
fn sethwaddr_takes_a_mac_or_an_interface_s_address() {
    // A word with a ':' is a MAC (no interface name holds one); any other an interface name.
    let source = |word: &str| match resolve(&words(&["sethwaddr", "br0", word])) {
        Ok(Command::SetHwAddress { source, .. }) => Ok(source),
        Ok(other) => panic!("{other:?}"),
        Err(err) => Err(String::from_utf8_lossy(&err.message()).into_owned()),
    };
    assert_eq!(source("2:0:0:0:0:a"), Ok(HwAddress::Mac(mac("02:00:00:00:00:0a"))));
    // `-` does not separate octets: a short such word is an interface name, a long one none.
    assert_eq!(source("2-0-0-0-0-a"), Ok(HwAddress::Interface(name("2-0-0-0-0-a"))));
    assert!(source("02-00-00-00-00-0a").unwrap_err().starts_with("interface name '02-00-00-00-00-0a' is not valid"));
    assert_eq!(source("eth0"), Ok(HwAddress::Interface(name("eth0"))));
    assert!(source("02:00:00").unwrap_err().starts_with("bad mac address '02:00:00'"));

    let mut kernel = lab();
    kernel.addresses.insert(b"v3".to_vec(), mac("02:00:00:00:00:33"));
    assert_eq!(run(&mut kernel, &["sethwaddr", "br0", "02:00:00:00:00:0a"], false), (String::new(), String::new()));
    assert_eq!(run(&mut kernel, &["sethwaddr", "br0", "v3"], false), (String::new(), String::new()));
    assert_eq!(
        kernel.changes,
        [
            Change::SetAddress { index: 1, mac: mac("02:00:00:00:00:0a") },
            Change::SetAddress { index: 1, mac: mac("02:00:00:00:00:33") },
        ]
    );
    let mut kernel = lab();
    fails(&mut kernel, &["sethwaddr", "br0", "nosuch"], "interface nosuch does not exist!");
    fails(&mut kernel, &["sethwaddr", "nosuch", "02:00:00:00:00:0a"], "set hardware address failed: No such device");
    fails(
        &mut kernel,
        &["sethwaddr", "v3", "02:00:00:00:00:0a"],
        "set hardware address failed: Operation not supported",
    );
    // The bridge is looked up before the interface.
    assert_eq!(kernel.calls_of("address"), 1);
    let mut kernel = lab().failing("set_address", Errno(libc::EADDRNOTAVAIL));
    let outcome = run(&mut kernel, &["sethwaddr", "br0", "01:00:00:00:00:01"], false).1;
    assert_eq!(outcome, "set hardware address failed: Cannot assign requested address");
}

fn entry(last: u8, port_no: u16, vlan: u16) -> FdbEntry {
    FdbEntry { mac: [2, 0, 0, 0, 0, last], port_no, vlan: NonZeroU16::new(vlan), ..FdbEntry::default() }
}

#[test]
fn showmacs_with_a_vlan_shows_only_its_entries_read_with_their_vlans() {
    let mut kernel = lab();
    kernel.fdb = vec![entry(3, 1, 10), entry(1, 2, 0), entry(2, 1, 10), entry(4, 2, 20)];
    let header = "port no\tmac addr\t\tis local?\tageing timer\n";
    let (out, message) = run(&mut kernel, &["showmacs", "br0", "vlan", "10"], false);
    assert_eq!(message, "");
    assert_eq!(out, format!("{header}  1\t02:00:00:00:00:02\tno\t\t   0.00\n  1\t02:00:00:00:00:03\tno\t\t   0.00\n"));
    assert_eq!((kernel.calls_of("fdb_vlans"), kernel.calls_of("fdb")), (1, 0));
    let (out, _) = run(&mut kernel, &["showmacs", "br0", "vlan", "30"], false);
    assert_eq!(out, header);
    let (json, _) = run(&mut kernel, &["showmacs", "br0", "vlan", "20"], true);
    assert!(json.contains("\"mac_addr\":\"02:00:00:00:00:04\"") && json.contains("\"vlan\":20"), "{json}");
    assert!(!json.contains("02:00:00:00:00:01"), "{json}");
    // Without the filter: every entry, from the plain read; `vlan` without an id is ignored as the original ignores extra words.
    let (out, _) = run(&mut kernel, &["showmacs", "br0", "vlan"], false);
    assert_eq!(out.lines().count(), 5);
    assert_eq!(kernel.calls_of("fdb"), 1);
    assert_eq!(refused_line(&["showmacs", "br0", "vlan", "0"]), "bad vlan id '0': allowed range is 1 to 4094");
    // The sysfs backend has no VLANs of entries: said so, with a hint.
    let mut kernel = lab().failing("fdb_vlans", Errno::EOPNOTSUPP);
    assert_eq!(
        run(&mut kernel, &["showmacs", "br0", "vlan", "10"], false).1,
        "read of forward table failed: Operation not supported"
    );
    let hint = Error::ReadFdbVlans(Errno::EOPNOTSUPP).hint();
    assert_eq!(hint, Some("hint: mac addresses' vlans are read over netlink only, not with BRCTL_BACKEND=sysfs"));
    assert_eq!(Error::ReadFdb(Errno::EOPNOTSUPP).hint(), None);
}

#[test]
fn only_showmacs_with_a_vlan_is_a_read() {
    let line = |l: &[&str]| resolve(&words(l)).unwrap().writes();
    assert!(!line(&["showmacs", "br0", "vlan", "1"]));
    assert!(line(&["addmac", "br0", "p0", "02:00:00:00:00:01"]));
    assert!(line(&["delmac", "br0", "p0", "02:00:00:00:00:01"]));
    assert!(line(&["flushmacs", "br0"]));
    assert!(line(&["sethwaddr", "br0", "p0"]));
}
