//! The VLAN commands against `FakeKernel` (docs/compat.md section 9): what
//! they check and in which order, what they ask the kernel for, and what
//! showvlans prints from the kernel's answer.

use super::fake::{Change, FakeKernel};
use super::{resolve, Command, OutputStyle};
use crate::backend::{BridgeSetting, Errno};
use crate::model::{BridgeInfo, BridgeVlanInfo, Link, LinkVlans, PortInfo, VlanChange, VlanRange, VlanSet};
use std::ffi::OsString;

const VLAN_ON: BridgeVlanInfo = BridgeVlanInfo { filtering: true, protocol: 0x8100, default_pvid: 1 };

fn bridge(index: u32, name: &str, vlan: Option<BridgeVlanInfo>) -> Link {
    let info = BridgeInfo { vlan, ..BridgeInfo::default() };
    Link { index, name: name.as_bytes().to_vec(), bridge: Some(Box::new(info)), ..Link::default() }
}

fn port(index: u32, name: &str, master: u32, port_no: u16) -> Link {
    Link {
        index,
        name: name.as_bytes().to_vec(),
        master: Some(master),
        port: Some(Box::new(PortInfo { port_no, ..PortInfo::default() })),
        ..Link::default()
    }
}

/// br0 with VLAN filtering (ports eth1 as port 2, eth0 as port 1), br1 on a
/// kernel's defaults with filtering off (port eth2), v3 free.
fn lab() -> FakeKernel {
    FakeKernel {
        links: vec![
            bridge(2, "br0", Some(VLAN_ON)),
            bridge(3, "br1", Some(BridgeVlanInfo { filtering: false, ..VLAN_ON })),
            port(4, "eth1", 2, 2),
            port(5, "eth0", 2, 1),
            port(6, "eth2", 3, 1),
            Link { index: 7, name: b"v3".to_vec(), ..Link::default() },
        ],
        vlans: vec![
            vlans(5, "eth0", 1, vec![range(1, 1, true, true), range(10, 10, false, false)]),
            vlans(2, "br0", 0, vec![range(1, 1, true, true)]),
            vlans(4, "eth1", 2, vec![range(20, 30, false, true)]),
        ],
        ..FakeKernel::default()
    }
}

/// The same links on a kernel without VLAN filtering: the filtering flag
/// may come (off), the protocol never does.
fn no_vlan_kernel() -> FakeKernel {
    let mut kernel = lab();
    for link in &mut kernel.links {
        if let Some(info) = &mut link.bridge {
            info.vlan = Some(BridgeVlanInfo::default());
        }
    }
    kernel
}

/// A link's entry of the VLAN dump, with the name and port number it carries.
fn vlans(index: u32, name: &str, port_no: u16, vlans: Vec<VlanRange>) -> LinkVlans {
    LinkVlans { index, name: name.as_bytes().to_vec(), port_no, vlans: vlans.into_iter().collect() }
}

fn range(first: u16, last: u16, pvid: bool, untagged: bool) -> VlanRange {
    VlanRange { first, last, pvid, untagged }
}

fn command(words: &[&str]) -> Command {
    let words: Vec<OsString> = words.iter().map(OsString::from).collect();
    resolve(&words).unwrap()
}

/// stdout, stderr and the error line (empty on success).
fn run(kernel: &mut FakeKernel, words: &[&str], json: bool) -> (String, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let style = OutputStyle { json, ..OutputStyle::default() };
    let result = command(words).execute(kernel, &style, &mut out, &mut err);
    let message = result.err().map(|e| String::from_utf8_lossy(&e.message()).into_owned()).unwrap_or_default();
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap(), message)
}

fn fails(kernel: &mut FakeKernel, words: &[&str], message: &str) {
    assert_eq!(run(kernel, words, false).2, message, "{words:?}");
    assert_eq!(kernel.changes, [], "{words:?} must change nothing");
}

#[test]
fn addvlan_and_delvlan_ask_for_exactly_the_vlans_given() {
    let mut kernel = lab();
    for words in [
        &["addvlan", "br0", "eth0", "100", "pvid", "untagged"][..],
        &["addvlan", "br0", "eth1", "200-299", "untagged"],
        &["addvlan", "br0", "br0", "5"],
        &["delvlan", "br0", "eth0", "0x64"],
        &["delvlan", "br0", "br0", "3-4"],
    ] {
        assert_eq!(run(&mut kernel, words, false), (String::new(), String::new(), String::new()), "{words:?}");
    }
    let change = |first, last, pvid, untagged, on_bridge| VlanChange { first, last, pvid, untagged, on_bridge };
    assert_eq!(
        kernel.changes,
        [
            Change::AddVlans { index: 5, change: change(100, 100, true, true, false) },
            Change::AddVlans { index: 4, change: change(200, 299, false, true, false) },
            Change::AddVlans { index: 2, change: change(5, 5, false, false, true) },
            Change::DeleteVlans { index: 5, change: change(100, 100, false, false, false) },
            Change::DeleteVlans { index: 2, change: change(3, 4, false, false, true) },
        ]
    );
}

#[test]
fn vlan_changes_look_up_the_bridge_first_then_the_port() {
    let mut kernel = lab();
    fails(&mut kernel, &["addvlan", "nosuch", "nosuch2", "1"], "bridge nosuch does not exist!");
    fails(&mut kernel, &["addvlan", "v3", "eth0", "1"], "device v3 is not a bridge!");
    fails(&mut kernel, &["delvlan", "br0", "nosuch", "1"], "interface nosuch does not exist!");
    // D4: a port of another bridge, or no port at all.
    fails(&mut kernel, &["addvlan", "br0", "eth2", "1"], "device eth2 is not a port of br0");
    fails(&mut kernel, &["delvlan", "br0", "v3", "1"], "device v3 is not a port of br0");
    fails(&mut kernel, &["addvlan", "br0", "br1", "1"], "device br1 is not a port of br0");
    // Without privilege, the D4 refusal is the kernel's EPERM, as for the port commands.
    let mut kernel = lab().unprivileged();
    fails(&mut kernel, &["addvlan", "br0", "eth2", "1"], "add vlan failed: Operation not permitted");
    // The kernel's refusal, worded.
    let mut kernel = lab().failing("add_vlans", Errno::EINVAL);
    assert_eq!(run(&mut kernel, &["addvlan", "br0", "eth0", "9"], false).2, "add vlan failed: Invalid argument");
    let mut kernel = lab().failing("delete_vlans", Errno::ENOENT);
    assert_eq!(
        run(&mut kernel, &["delvlan", "br0", "eth0", "9"], false).2,
        "delete vlan failed: No such file or directory"
    );
}

#[test]
fn a_kernel_without_vlan_filtering_is_told_so_before_anything_changes() {
    let mut kernel = no_vlan_kernel();
    fails(&mut kernel, &["addvlan", "br0", "eth0", "1"], "add vlan failed: Operation not supported");
    fails(&mut kernel, &["delvlan", "br0", "eth0", "1"], "delete vlan failed: Operation not supported");
    fails(&mut kernel, &["vlanfiltering", "br0", "on"], "set vlan filtering failed: Operation not supported");
    fails(&mut kernel, &["setvlanproto", "br0", "802.1ad"], "set vlan protocol failed: Operation not supported");
    fails(&mut kernel, &["setdefpvid", "br0", "7"], "set default pvid failed: Operation not supported");
    // A missing bridge is still said as the bridge settings say it.
    fails(&mut kernel, &["setdefpvid", "nosuch", "7"], "set default pvid failed: No such device");
    let (out, _, message) = run(&mut kernel, &["showvlans"], false);
    assert_eq!(
        (out.as_str(), message.as_str()),
        ("bridge name\tport\t\tvlan ids\nbr0\t\t(vlan filtering off)\nbr1\t\t(vlan filtering off)\n", "")
    );
    let (json, _, _) = run(&mut kernel, &["showvlans", "br1"], true);
    assert_eq!(
        json,
        "[{\"bridge\":\"br1\",\"vlan_filtering\":false,\"vlan_protocol\":\"802.1Q\",\"default_pvid\":1,\"ports\":[]}]\n"
    );
    assert_eq!(kernel.calls.get("vlans"), None, "no VLAN dump where there are no VLANs");
}

#[test]
fn bridge_vlan_settings_go_to_the_kernel_as_values() {
    let mut kernel = lab();
    for words in [
        &["vlanfiltering", "br0", "off"][..],
        &["vlanfiltering", "br1", "yes"],
        &["setvlanproto", "br0", "802.1AD"],
        &["setvlanproto", "br0", "802.1q"],
        &["setdefpvid", "br0", "0"],
        &["setdefpvid", "br0", "4094"],
    ] {
        assert_eq!(run(&mut kernel, words, false).2, "", "{words:?}");
    }
    let set = |bridge, setting, value| Change::SetBridge { bridge, setting, value };
    assert_eq!(
        kernel.changes,
        [
            set(2, BridgeSetting::VlanFiltering, 0),
            set(3, BridgeSetting::VlanFiltering, 1),
            set(2, BridgeSetting::VlanProtocol, 0x88a8),
            set(2, BridgeSetting::VlanProtocol, 0x8100),
            set(2, BridgeSetting::DefaultPvid, 0),
            set(2, BridgeSetting::DefaultPvid, 4094),
        ]
    );
    let mut kernel = lab().failing("set_bridge", Errno::EBUSY);
    assert_eq!(
        run(&mut kernel, &["vlanfiltering", "br0", "on"], false).2,
        "set vlan filtering failed: Device or resource busy"
    );
}

#[test]
fn showvlans_orders_the_bridge_then_its_ports_by_number() {
    let mut kernel = lab();
    let (out, err, message) = run(&mut kernel, &["showvlans", "br0", "nosuch", "br1"], false);
    assert_eq!(
        out,
        "bridge name\tport\t\tvlan ids\n\
         br0\t\tbr0\t\t1 PVID untagged\n\
         \t\teth0\t\t1 PVID untagged\n\
         \t\t\t\t10\n\
         \t\teth1\t\t20-30 untagged\n\
         br1\t\t(vlan filtering off)\n"
    );
    assert_eq!((err.as_str(), message.as_str()), ("bridge nosuch does not exist!\n", ""));
    // Every bridge by name; one dump per bridge with filtering on.
    let mut kernel = lab();
    let (all, _, _) = run(&mut kernel, &["showvlans"], false);
    assert!(all.starts_with("bridge name\tport\t\tvlan ids\nbr0\t\tbr0\t\t"), "{all}");
    assert_eq!(kernel.calls.get("vlans"), Some(&1));
    // A port without VLANs says none; the sysfs backend's EOPNOTSUPP comes with its hint.
    let mut kernel = lab();
    kernel.vlans.iter_mut().filter(|link| link.index == 4).for_each(|link| link.vlans = VlanSet::default());
    assert!(run(&mut kernel, &["showvlans", "br0"], false).0.ends_with("\t\teth1\t\tnone\n"));
    let mut kernel = lab().failing("vlans", Errno::EOPNOTSUPP);
    let (out, err, _) = run(&mut kernel, &["showvlans", "br0"], false);
    assert_eq!(
        (out.as_str(), err.as_str()),
        (
            "",
            "can't read the vlans of bridge br0: Operation not supported\n\
             hint: the vlans of ports are read over netlink only, not with BRCTL_BACKEND=sysfs\n"
        )
    );
}

#[test]
fn bad_vlan_words_are_refused_in_argument_order() {
    let message = |words: &[&str]| {
        let words: Vec<OsString> = words.iter().map(OsString::from).collect();
        resolve(&words).err().map(|e| String::from_utf8_lossy(&e.message()).into_owned()).unwrap_or_default()
    };
    assert_eq!(
        message(&["addvlan", "a/b", "c/d", "0"]),
        "interface name 'a/b' is not valid: '/', ':' and whitespace are not allowed"
    );
    assert_eq!(
        message(&["addvlan", "br0", "c/d", "0"]),
        "interface name 'c/d' is not valid: '/', ':' and whitespace are not allowed"
    );
    assert_eq!(message(&["addvlan", "br0", "eth0", "0", "bogus"]), "bad vlan id '0': allowed range is 1 to 4094");
    assert_eq!(message(&["addvlan", "br0", "eth0", "4095"]), "bad vlan id '4095': allowed range is 1 to 4094");
    assert_eq!(message(&["delvlan", "br0", "eth0", "10-5"]), "bad vlan id '10-5': the first vlan id is above the last");
    assert_eq!(message(&["addvlan", "br0", "eth0", "1-2", "pvid"]), "pvid needs a single vlan id, not the range '1-2'");
    assert_eq!(message(&["addvlan", "br0", "eth0", "5", "tagged"]), "bad vlan flag 'tagged': use pvid or untagged");
    assert_eq!(message(&["setvlanproto", "br0", "802.1x"]), "bad vlan protocol '802.1x': use 802.1Q or 802.1ad");
    assert_eq!(message(&["setdefpvid", "br0", "4095"]), "bad default pvid '4095': allowed range is 0 to 4094");
    assert_eq!(
        message(&["setdefpvid", "br0", "08"]),
        "bad default pvid '08': a leading 0 means octal, so only the digits 0 to 7 may follow it"
    );
    assert_eq!(
        message(&["vlanfiltering", "br0", "maybe"]),
        "expect on/off for argument, not 'maybe': use on, off, yes, no, 1 or 0"
    );
    assert!(message(&["addvlan", "br0", "eth0"])
        .starts_with("Incorrect number of arguments for command\nUsage: brctl addvlan"));
}
