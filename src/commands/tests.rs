//! The command layer's compatibility rules against `FakeKernel`, with no
//! kernel, namespace or original brctl: which lookup is reported first,
//! when a refusal becomes EPERM for a caller without CAP_NET_ADMIN, how
//! the kernel's errnos are worded, where addif and delif stop, and that
//! refused input changes nothing. Each test asserts on what users see (the
//! message line, the exit code, stdout) and on the changes the fake kernel
//! was asked for. Sections refer to docs/compat.md.

use std::ffi::OsStr;
use std::num::NonZeroU16;

use super::fake::{Change, FakeKernel};
use super::{Command, OutputStyle};
use crate::backend::Errno;
use crate::backend::{BridgeSetting, PortSetting};
use crate::error::Error;
use crate::model::{BridgeInfo, FdbEntry, FdbFlags, Link, PortInfo};
use crate::values::{IfName, OnOff};

const EACCES: Errno = Errno(libc::EACCES);
const ENOMEM: Errno = Errno(libc::ENOMEM);
const HINT: &str = "hint: changing bridges needs CAP_NET_ADMIN (run as root)";

// ---------------------------------------------------------------------------------------------
// The lab and how a command is run in it

fn bridge(index: u32, name: &str) -> Link {
    Link { index, name: name.as_bytes().to_vec(), bridge: Some(Box::default()), ..Link::default() }
}

fn device(index: u32, name: &str) -> Link {
    Link { index, name: name.as_bytes().to_vec(), ..Link::default() }
}

fn port(index: u32, name: &str, master: u32, port_no: u16) -> Link {
    Link {
        master: Some(master),
        port: Some(Box::new(PortInfo { port_no, ..PortInfo::default() })),
        ..device(index, name)
    }
}

/// The differential tests' lab (tests/unprivileged.rs): br0 (ports v0 and v1,
/// down), br1 (port v2, STP on), br2 (no ports, up), v3 and v0p free, lo.
fn lab() -> FakeKernel {
    let mut br1 = bridge(3, "br1");
    br1.bridge = Some(Box::new(BridgeInfo { stp_state: 1, ..BridgeInfo::default() }));
    FakeKernel {
        links: vec![
            Link { loopback: true, up: true, ..device(1, "lo") },
            bridge(2, "br0"),
            br1,
            Link { up: true, ..bridge(4, "br2") },
            port(5, "v0", 2, 1),
            port(6, "v1", 2, 2),
            port(7, "v2", 3, 1),
            device(8, "v3"),
            device(9, "v0p"),
        ],
        ..FakeKernel::default()
    }
}

fn name(text: &str) -> IfName {
    IfName::from_bytes(text.as_bytes()).unwrap()
}

fn names(list: &[&str]) -> Vec<IfName> {
    list.iter().map(|text| name(text)).collect()
}

struct Outcome {
    result: Result<(), Error>,
    out: Vec<u8>,
    err: Vec<u8>,
}

fn run_styled(kernel: &mut FakeKernel, command: Command, style: OutputStyle) -> Outcome {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = command.execute(kernel, &style, &mut out, &mut err);
    Outcome { result, out, err }
}

fn run(kernel: &mut FakeKernel, command: Command) -> Outcome {
    run_styled(kernel, command, OutputStyle::default())
}

/// Runs a command that must fail with one message and nothing on stdout or
/// stderr of its own; returns the error for more checks.
fn failure(kernel: &mut FakeKernel, command: Command) -> Error {
    let label = format!("{command:?}");
    let outcome = run(kernel, command);
    assert_eq!(String::from_utf8_lossy(&outcome.out), "", "{label}: stdout");
    assert_eq!(String::from_utf8_lossy(&outcome.err), "", "{label}: stderr");
    match outcome.result {
        Ok(()) => panic!("{label} succeeded"),
        Err(err) => {
            assert_eq!(err.exit_code(), 1, "{label}");
            err
        }
    }
}

/// The command fails with exactly this message.
fn refused(kernel: &mut FakeKernel, command: Command, message: &str) -> Error {
    let label = format!("{command:?}");
    let err = failure(kernel, command);
    assert_eq!(String::from_utf8_lossy(&err.message()), message, "{label}");
    err
}

/// The command fails with this message and asks the kernel for no change.
fn refused_unchanged(kernel: &mut FakeKernel, command: Command, message: &str) -> Error {
    let label = format!("{command:?}");
    let err = refused(kernel, command, message);
    assert_eq!(kernel.changes, [], "{label} must change nothing");
    err
}

/// The command fails, without privilege, with the original's EPERM line and
/// the CAP_NET_ADMIN hint, and changes nothing.
fn not_permitted(command: Command, head: &str) {
    let mut kernel = lab().unprivileged();
    let err = refused_unchanged(&mut kernel, command, &format!("{head}: Operation not permitted"));
    assert_eq!(err.hint(), Some(HINT), "{head}");
}

fn succeeds(kernel: &mut FakeKernel, command: Command) -> Outcome {
    let label = format!("{command:?}");
    let outcome = run(kernel, command);
    if let Err(err) = &outcome.result {
        panic!("{label} failed: {}", String::from_utf8_lossy(&err.message()));
    }
    outcome
}

fn addbr(bridge: &str) -> Command {
    Command::AddBridge(name(bridge))
}

fn delbr(bridge: &str) -> Command {
    Command::DeleteBridge(name(bridge))
}

fn addif(bridge: &str, devices: &[&str]) -> Command {
    Command::AddInterfaces { bridge: name(bridge), devices: names(devices) }
}

fn delif(bridge: &str, devices: &[&str]) -> Command {
    Command::DeleteInterfaces { bridge: name(bridge), devices: names(devices) }
}

fn set(bridge: &str, setting: BridgeSetting, value: u32) -> Command {
    Command::SetBridge { bridge: name(bridge), setting, value }
}

fn setpathcost(bridge: &str, port: &str, cost: u32) -> Command {
    Command::SetPort { bridge: name(bridge), port: name(port), setting: PortSetting::PathCost, value: cost }
}

fn setportprio(bridge: &str, port: &str, priority: u32) -> Command {
    Command::SetPort { bridge: name(bridge), port: name(port), setting: PortSetting::Priority, value: priority }
}

fn hairpin(bridge: &str, port: &str, on: bool) -> Command {
    Command::Hairpin {
        bridge: name(bridge),
        port: name(port),
        on: OnOff::parse(OsStr::new(if on { "on" } else { "off" })).unwrap(),
    }
}

fn show(bridges: &[&str]) -> Command {
    Command::Show(names(bridges))
}

const JSON: OutputStyle = OutputStyle { json: true, pretty: false, details: false };
const DETAILS: OutputStyle = OutputStyle { json: false, pretty: false, details: true };

// ---------------------------------------------------------------------------------------------
// addbr (docs/compat.md 4.1)

#[test]
fn addbr_asks_for_the_bridge_by_name() {
    let mut kernel = lab();
    succeeds(&mut kernel, addbr("br9"));
    assert_eq!(kernel.changes, [Change::AddBridge(b"br9".to_vec())]);
    assert_eq!(kernel.calls_of("may_change"), 0, "a plain change needs no privilege check first");
}

#[test]
fn addbr_of_a_taken_name_says_the_device_exists() {
    let mut kernel = lab().failing("add_bridge", Errno::EEXIST);
    let err = refused(&mut kernel, addbr("lo"), "device lo already exists; can't create bridge with the same name");
    assert_eq!(err.hint(), None);
}

#[test]
fn addbr_words_any_other_errno_as_add_bridge_failed() {
    let mut kernel = lab().failing("add_bridge", Errno::EINVAL);
    refused(&mut kernel, addbr("br9"), "add bridge failed: Invalid argument");
    let mut kernel = lab().unprivileged();
    let err = refused(&mut kernel, addbr("br9"), "add bridge failed: Operation not permitted");
    assert_eq!(err.hint(), Some(HINT));
}

// ---------------------------------------------------------------------------------------------
// delbr (docs/compat.md 4.2)

#[test]
fn delbr_deletes_a_bridge_that_is_down() {
    let mut kernel = lab();
    succeeds(&mut kernel, delbr("br0"));
    assert_eq!(kernel.changes, [Change::DeleteLink(2)]);
}

#[test]
fn delbr_refuses_missing_up_and_non_bridge_devices_before_any_change() {
    let mut kernel = lab();
    refused_unchanged(&mut kernel, delbr("nosuch"), "bridge nosuch doesn't exist; can't delete it");
    refused_unchanged(&mut kernel, delbr("br2"), "bridge br2 is still up; can't delete it");
    refused_unchanged(&mut kernel, delbr("v3"), "can't delete bridge v3: Operation not permitted");
    // A non-bridge is refused as such even when it is up (the kernel's order).
    refused_unchanged(&mut kernel, delbr("lo"), "can't delete bridge lo: Operation not permitted");
}

#[test]
fn delbr_refusals_without_privilege_are_not_permitted() {
    for bridge in ["nosuch", "br2", "v3", "lo"] {
        not_permitted(delbr(bridge), &format!("can't delete bridge {bridge}"));
    }
    // A bridge that may be deleted: the kernel's own refusal.
    let mut kernel = lab().unprivileged();
    refused(&mut kernel, delbr("br0"), "can't delete bridge br0: Operation not permitted");
}

#[test]
fn delbr_words_the_kernels_errnos() {
    // The bridge went away between the lookup and the deletion.
    let mut kernel = lab().failing("delete_link", Errno::ENODEV);
    refused(&mut kernel, delbr("br0"), "bridge br0 doesn't exist; can't delete it");
    let mut kernel = lab().failing("delete_link", Errno::EBUSY);
    refused(&mut kernel, delbr("br0"), "can't delete bridge br0: Device or resource busy");
    let mut kernel = lab().failing("link", EACCES);
    refused_unchanged(&mut kernel, delbr("br0"), "can't delete bridge br0: Permission denied");
}

// ---------------------------------------------------------------------------------------------
// addif (docs/compat.md 4.3)

#[test]
fn addif_enslaves_each_device_to_the_bridge() {
    let mut kernel = lab();
    succeeds(&mut kernel, addif("br0", &["v3", "v0p"]));
    assert_eq!(kernel.changes, [Change::SetMaster { port: 8, master: 2 }, Change::SetMaster { port: 9, master: 2 }]);
}

#[test]
fn addif_reports_a_missing_device_before_a_missing_bridge() {
    for mut kernel in [lab(), lab().unprivileged()] {
        refused_unchanged(&mut kernel, addif("nosuch", &["nosuch2"]), "interface nosuch2 does not exist!");
        refused_unchanged(&mut kernel, addif("br0", &["nosuch"]), "interface nosuch does not exist!");
        refused_unchanged(&mut kernel, addif("nosuch", &["v3"]), "bridge nosuch does not exist!");
    }
}

#[test]
fn addif_to_a_non_bridge_is_not_supported_with_or_without_privilege() {
    for mut kernel in [lab(), lab().unprivileged()] {
        refused_unchanged(&mut kernel, addif("v3", &["v1"]), "can't add v1 to bridge v3: Operation not supported");
        refused_unchanged(&mut kernel, addif("lo", &["v3"]), "can't add v3 to bridge lo: Operation not supported");
        // The bridge is checked before the device's own refusals.
        refused_unchanged(&mut kernel, addif("v3", &["lo"]), "can't add lo to bridge v3: Operation not supported");
    }
}

#[test]
fn addif_refuses_loopback_bridges_and_members_as_the_kernel_did() {
    let mut kernel = lab();
    refused_unchanged(&mut kernel, addif("br0", &["lo"]), "can't add lo to bridge br0: Invalid argument");
    let bridge_itself = "is a bridge device itself; can't add a bridge device to a bridge device.";
    refused_unchanged(&mut kernel, addif("br0", &["br1"]), &format!("device br1 {bridge_itself}"));
    refused_unchanged(&mut kernel, addif("br0", &["br0"]), &format!("device br0 {bridge_itself}"));
    let member = "is already a member of a bridge; can't add it to bridge br0.";
    refused_unchanged(&mut kernel, addif("br0", &["v2"]), &format!("device v2 {member}"));
    refused_unchanged(&mut kernel, addif("br0", &["v0"]), &format!("device v0 {member}"));
}

#[test]
fn addif_refusals_come_in_the_kernels_order() {
    // br_add_if: loopback (EINVAL), then a bridge (ELOOP), then a master (EBUSY).
    let mut kernel = lab();
    kernel.links.push(Link { loopback: true, master: Some(3), ..bridge(20, "lo2") });
    kernel.links.push(Link { master: Some(30), ..bridge(21, "brvrf") });
    kernel.links.push(device(30, "vrf0"));
    refused_unchanged(&mut kernel, addif("br0", &["lo2"]), "can't add lo2 to bridge br0: Invalid argument");
    refused_unchanged(
        &mut kernel,
        addif("br0", &["brvrf"]),
        "device brvrf is a bridge device itself; can't add a bridge device to a bridge device.",
    );
}

#[test]
fn addif_refusals_without_privilege_are_not_permitted() {
    for device in ["lo", "br1", "br0", "v2", "v0"] {
        not_permitted(addif("br0", &[device]), &format!("can't add {device} to bridge br0"));
    }
}

#[test]
fn addif_refusals_stand_when_privilege_cannot_be_asked() {
    // Only EPERM from may_change turns a refusal into EPERM.
    let mut kernel = lab().failing("may_change", EACCES);
    refused_unchanged(
        &mut kernel,
        addif("br0", &["v2"]),
        "device v2 is already a member of a bridge; can't add it to bridge br0.",
    );
    refused_unchanged(&mut kernel, addif("br0", &["lo"]), "can't add lo to bridge br0: Invalid argument");
}

#[test]
fn addif_words_the_kernels_errnos() {
    let mut kernel = lab().failing("set_master", Errno::ELOOP);
    refused(
        &mut kernel,
        addif("br0", &["v3"]),
        "device v3 is a bridge device itself; can't add a bridge device to a bridge device.",
    );
    let mut kernel = lab().failing("set_master", Errno::EBUSY);
    refused(
        &mut kernel,
        addif("br0", &["v3"]),
        "device v3 is already a member of a bridge; can't add it to bridge br0.",
    );
    let mut kernel = lab().failing("set_master", ENOMEM);
    refused(&mut kernel, addif("br0", &["v3"]), "can't add v3 to bridge br0: Cannot allocate memory");
    let mut kernel = lab().unprivileged();
    let err = refused(&mut kernel, addif("br0", &["v3"]), "can't add v3 to bridge br0: Operation not permitted");
    assert_eq!(err.hint(), Some(HINT));
    assert_eq!(kernel.changes, [Change::SetMaster { port: 8, master: 2 }]);
    let mut kernel = lab().failing("link", EACCES);
    refused_unchanged(&mut kernel, addif("br0", &["v3"]), "can't add v3 to bridge br0: Permission denied");
    let mut kernel = lab().failing_at("link", 2, EACCES);
    refused_unchanged(&mut kernel, addif("br0", &["v3"]), "can't add v3 to bridge br0: Permission denied");
}

#[test]
fn addif_stops_at_the_first_missing_device() {
    // Q8: v3 is added, nosuch is reported, v0p is never looked at.
    let mut kernel = lab();
    refused(&mut kernel, addif("br0", &["v3", "nosuch", "v0p"]), "interface nosuch does not exist!");
    assert_eq!(kernel.changes, [Change::SetMaster { port: 8, master: 2 }]);
    assert_eq!(kernel.calls_of("link"), 3, "v3, br0, nosuch");
}

#[test]
fn addif_stops_at_the_first_refused_device() {
    let mut kernel = lab();
    refused_unchanged(
        &mut kernel,
        addif("br0", &["v2", "v3"]),
        "device v2 is already a member of a bridge; can't add it to bridge br0.",
    );
    let mut kernel = lab();
    refused(
        &mut kernel,
        addif("br0", &["v3", "v3", "v0p"]),
        "device v3 is already a member of a bridge; can't add it to bridge br0.",
    );
    assert_eq!(kernel.changes, [Change::SetMaster { port: 8, master: 2 }]);
}

#[test]
fn addif_stops_at_the_first_kernel_failure() {
    let mut kernel = lab().failing_at("set_master", 2, ENOMEM);
    refused(&mut kernel, addif("br0", &["v3", "v0p", "v1"]), "can't add v0p to bridge br0: Cannot allocate memory");
    assert_eq!(kernel.changes, [Change::SetMaster { port: 8, master: 2 }, Change::SetMaster { port: 9, master: 2 }]);
    // Without privilege the first device is refused and the missing one after it never reached.
    let mut kernel = lab().unprivileged();
    refused(&mut kernel, addif("br0", &["v3", "nosuch"]), "can't add v3 to bridge br0: Operation not permitted");
    assert_eq!(kernel.changes, [Change::SetMaster { port: 8, master: 2 }]);
}

// ---------------------------------------------------------------------------------------------
// delif (docs/compat.md 4.4)

#[test]
fn delif_releases_each_port() {
    let mut kernel = lab();
    succeeds(&mut kernel, delif("br0", &["v1", "v0"]));
    assert_eq!(kernel.changes, [Change::SetMaster { port: 6, master: 0 }, Change::SetMaster { port: 5, master: 0 }]);
}

#[test]
fn delif_reports_a_missing_device_before_a_missing_bridge() {
    for mut kernel in [lab(), lab().unprivileged()] {
        refused_unchanged(&mut kernel, delif("nosuch", &["nosuch2"]), "interface nosuch2 does not exist!");
        refused_unchanged(&mut kernel, delif("br0", &["nosuch"]), "interface nosuch does not exist!");
        refused_unchanged(&mut kernel, delif("nosuch", &["v0"]), "bridge nosuch does not exist!");
        refused_unchanged(&mut kernel, delif("v3", &["v0"]), "can't delete v0 from v3: Operation not supported");
    }
}

#[test]
fn delif_refuses_a_device_that_is_not_a_port_of_the_bridge() {
    let mut kernel = lab();
    for device in ["v3", "v2", "br0", "lo"] {
        refused_unchanged(&mut kernel, delif("br0", &[device]), &format!("device {device} is not a port of br0"));
    }
}

#[test]
fn delif_refusals_without_privilege_are_not_permitted() {
    for device in ["v3", "v2", "br0", "lo"] {
        not_permitted(delif("br0", &[device]), &format!("can't delete {device} from br0"));
    }
    // A real port: the kernel's own refusal; the missing device after it is never reached.
    let mut kernel = lab().unprivileged();
    let err =
        refused(&mut kernel, delif("br0", &["v0", "nosuch"]), "can't delete v0 from br0: Operation not permitted");
    assert_eq!(err.hint(), Some(HINT));
    assert_eq!(kernel.changes, [Change::SetMaster { port: 5, master: 0 }]);
}

#[test]
fn delif_words_the_kernels_errnos() {
    let mut kernel = lab().failing("set_master", Errno::EBUSY);
    refused(&mut kernel, delif("br0", &["v0"]), "can't delete v0 from br0: Device or resource busy");
    let mut kernel = lab().failing("link", EACCES);
    refused_unchanged(&mut kernel, delif("br0", &["v0"]), "can't delete v0 from br0: Permission denied");
}

#[test]
fn delif_stops_at_the_first_failure() {
    // Q8: v0 is released, the second v0 is no port any more, v1 stays.
    let mut kernel = lab();
    refused(&mut kernel, delif("br0", &["v0", "v0", "v1"]), "device v0 is not a port of br0");
    assert_eq!(kernel.changes, [Change::SetMaster { port: 5, master: 0 }]);
    let mut kernel = lab().failing_at("set_master", 1, Errno::EBUSY);
    refused(&mut kernel, delif("br0", &["v0", "v1"]), "can't delete v0 from br0: Device or resource busy");
    assert_eq!(kernel.changes, [Change::SetMaster { port: 5, master: 0 }]);
}

// ---------------------------------------------------------------------------------------------
// setageing, setfd, sethello, setmaxage, setbridgeprio, stp (docs/compat.md 4.5, 4.6, 4.9)

const KNOBS: [(BridgeSetting, &str, u32); 6] = [
    (BridgeSetting::AgeingTime, "set ageing time failed", 1000),
    (BridgeSetting::ForwardDelay, "set forward delay failed", 400),
    (BridgeSetting::HelloTime, "set hello timer failed", 100),
    (BridgeSetting::MaxAge, "set max age failed", 1000),
    (BridgeSetting::Priority, "set bridge priority failed", 4096),
    (BridgeSetting::Stp, "set stp status failed", 1),
];

#[test]
fn bridge_settings_change_the_named_bridge() {
    for (setting, _, value) in KNOBS {
        let mut kernel = lab();
        succeeds(&mut kernel, set("br1", setting, value));
        assert_eq!(kernel.changes, [Change::SetBridge { bridge: 3, setting, value }]);
    }
}

#[test]
fn bridge_settings_on_a_missing_or_non_bridge_device_need_no_privilege() {
    for (setting, failed, value) in KNOBS {
        for mut kernel in [lab(), lab().unprivileged()] {
            refused_unchanged(&mut kernel, set("nosuch", setting, value), &format!("{failed}: No such device"));
            refused_unchanged(&mut kernel, set("v3", setting, value), &format!("{failed}: Operation not supported"));
            refused_unchanged(&mut kernel, set("lo", setting, value), &format!("{failed}: Operation not supported"));
        }
    }
}

#[test]
fn bridge_settings_word_the_kernels_errnos() {
    for (setting, failed, value) in KNOBS {
        // A value out of the kernel's range (sethello 0.5, setmaxage 5, ...).
        let mut kernel = lab().failing("set_bridge", Errno::ERANGE);
        refused(&mut kernel, set("br0", setting, value), &format!("{failed}: Numerical result out of range"));
        let mut kernel = lab().unprivileged();
        let err = refused(&mut kernel, set("br0", setting, value), &format!("{failed}: Operation not permitted"));
        assert_eq!(err.hint(), Some(HINT));
        let mut kernel = lab().failing("link", EACCES);
        refused_unchanged(&mut kernel, set("br0", setting, value), &format!("{failed}: Permission denied"));
    }
}

// ---------------------------------------------------------------------------------------------
// setpathcost, setportprio (docs/compat.md 4.7; D3, D4)

/// Both port commands with the same bridge and port, and their failure prefix.
fn port_settings(bridge: &str, port: &str) -> [(Command, &'static str); 2] {
    [
        (setpathcost(bridge, port, 10), "set path cost failed"),
        (setportprio(bridge, port, 10), "set port priority failed"),
    ]
}

#[test]
fn port_settings_change_the_port() {
    let mut kernel = lab();
    succeeds(&mut kernel, setpathcost("br0", "v0", 10));
    succeeds(&mut kernel, setportprio("br1", "v2", 16));
    assert_eq!(
        kernel.changes,
        [
            Change::SetPort { port: 5, setting: PortSetting::PathCost, value: 10 },
            Change::SetPort { port: 7, setting: PortSetting::Priority, value: 16 }
        ]
    );
}

#[test]
fn port_settings_report_the_originals_errnos_with_or_without_privilege() {
    let cases = [
        // A missing port first, whatever the bridge.
        (("br0", "nosuch"), "No such device"),
        (("nosuch", "nosuch2"), "No such device"),
        (("v3", "nosuch"), "No such device"),
        // Then the bridge: missing, or not a bridge.
        (("nosuch", "v0"), "No such device"),
        (("nosuch", "v3"), "No such device"),
        (("v3", "v0"), "Operation not supported"),
        (("v0p", "v3"), "Operation not supported"),
        (("lo", "v0"), "Operation not supported"),
        // Then a device that is no bridge port at all.
        (("br0", "v3"), "No such file or directory"),
        (("br1", "v3"), "No such file or directory"),
        (("br0", "lo"), "No such file or directory"),
        (("br0", "br1"), "No such file or directory"),
    ];
    for ((bridge, port), errno) in cases {
        for mut kernel in [lab(), lab().unprivileged()] {
            for (command, failed) in port_settings(bridge, port) {
                refused_unchanged(&mut kernel, command, &format!("{failed}: {errno}"));
            }
        }
    }
}

#[test]
fn port_settings_refuse_a_port_of_another_bridge() {
    // D4: the original changed v0 although it is no port of br1.
    let mut kernel = lab();
    for (command, _) in port_settings("br1", "v0") {
        refused_unchanged(&mut kernel, command, "device v0 is not a port of br1");
    }
    for (command, _) in port_settings("br0", "v2") {
        refused_unchanged(&mut kernel, command, "device v2 is not a port of br0");
    }
    for (command, failed) in port_settings("br1", "v0") {
        not_permitted(command, failed);
    }
}

#[test]
fn port_settings_word_the_kernels_errnos() {
    for (command, failed) in port_settings("br0", "v0") {
        let mut kernel = lab().failing("set_port", Errno::ERANGE);
        refused(&mut kernel, command, &format!("{failed}: Numerical result out of range"));
    }
    for (command, failed) in port_settings("br0", "v0") {
        let mut kernel = lab().unprivileged();
        let err = refused(&mut kernel, command, &format!("{failed}: Operation not permitted"));
        assert_eq!(err.hint(), Some(HINT));
    }
    for nth in [1, 2] {
        for (command, failed) in port_settings("br0", "v0") {
            let mut kernel = lab().failing_at("link", nth, EACCES);
            refused_unchanged(&mut kernel, command, &format!("{failed}: Permission denied"));
        }
    }
}

#[test]
fn port_priorities_past_16_bits_are_out_of_range_before_any_change() {
    // The netlink field is 16 bits: 65536 must not wrap to 0.
    for priority in [65536, 70000, u32::MAX] {
        let mut kernel = lab();
        refused_unchanged(
            &mut kernel,
            setportprio("br0", "v0", priority),
            "set port priority failed: Numerical result out of range",
        );
        not_permitted(setportprio("br0", "v0", priority), "set port priority failed");
    }
    let mut kernel = lab();
    succeeds(&mut kernel, setportprio("br0", "v0", 65535));
    assert_eq!(kernel.changes, [Change::SetPort { port: 5, setting: PortSetting::Priority, value: 65535 }]);
}

// ---------------------------------------------------------------------------------------------
// hairpin (docs/compat.md 4.8; D4, D9)

#[test]
fn hairpin_turns_the_ports_mode_on_and_off() {
    let mut kernel = lab();
    succeeds(&mut kernel, hairpin("br0", "v1", true));
    succeeds(&mut kernel, hairpin("br1", "v2", false));
    assert_eq!(
        kernel.changes,
        [
            Change::SetPort { port: 6, setting: PortSetting::Hairpin, value: 1 },
            Change::SetPort { port: 7, setting: PortSetting::Hairpin, value: 0 }
        ]
    );
}

#[test]
fn hairpin_lookups_keep_the_originals_messages_with_or_without_privilege() {
    let cases = [
        (("nosuch", "nosuch2"), "interface nosuch2 does not exist!"),
        (("br0", "nosuch"), "interface nosuch does not exist!"),
        (("nosuch", "v0"), "bridge nosuch does not exist!"),
        (("v3", "v0"), "can't set v0 to hairpin on bridge v3: Operation not supported"),
        (("v0", "v0"), "can't set v0 to hairpin on bridge v0: Operation not supported"),
        (("lo", "v3"), "can't set v3 to hairpin on bridge lo: Operation not supported"),
        (("br0", "v3"), "can't set v3 to hairpin on bridge br0: No such file or directory"),
        (("br0", "lo"), "can't set lo to hairpin on bridge br0: No such file or directory"),
    ];
    for ((bridge, port), message) in cases {
        for mut kernel in [lab(), lab().unprivileged()] {
            refused_unchanged(&mut kernel, hairpin(bridge, port, true), message);
        }
    }
}

#[test]
fn hairpin_refuses_a_port_of_another_bridge() {
    // D4.
    let mut kernel = lab();
    refused_unchanged(&mut kernel, hairpin("br1", "v0", true), "device v0 is not a port of br1");
    refused_unchanged(&mut kernel, hairpin("br0", "v2", false), "device v2 is not a port of br0");
    not_permitted(hairpin("br1", "v0", true), "can't set v0 to hairpin on bridge br1");
    not_permitted(hairpin("br0", "v2", true), "can't set v2 to hairpin on bridge br0");
}

#[test]
fn hairpin_words_the_kernels_errnos() {
    // D9: without privilege a real port is `Operation not permitted`, as every other write.
    let mut kernel = lab().unprivileged();
    let err = refused(
        &mut kernel,
        hairpin("br0", "v0", true),
        "can't set v0 to hairpin on bridge br0: Operation not permitted",
    );
    assert_eq!(err.hint(), Some(HINT));
    let mut kernel = lab().failing("set_port", Errno::EOPNOTSUPP);
    refused(&mut kernel, hairpin("br0", "v0", true), "can't set v0 to hairpin on bridge br0: Operation not supported");
    for nth in [1, 2] {
        let mut kernel = lab().failing_at("link", nth, EACCES);
        refused_unchanged(
            &mut kernel,
            hairpin("br0", "v0", true),
            "can't set v0 to hairpin on bridge br0: Permission denied",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// show (docs/compat.md 4.10; Q16)

const SHOW_HEADER: &str = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n";
const BR0_ROW: &str = "br0\t\t0000.000000000000\tno\t\tv0\n\t\t\t\t\t\t\tv1\n";
const BR1_ROW: &str = "br1\t\t0000.000000000000\tyes\t\tv2\n";
const BR2_ROW: &str = "br2\t\t0000.000000000000\tno\t\t\n";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

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
    let views = super::show::bridge_views(bridges, ports);
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

// ---------------------------------------------------------------------------------------------
// setgcint (D7)

#[test]
fn setgcint_does_nothing_and_says_so() {
    let mut kernel = lab();
    let outcome = run(&mut kernel, Command::SetGcInterval);
    assert!(outcome.result.is_ok());
    assert_eq!(text(&outcome.out), "");
    assert_eq!(text(&outcome.err), "setgcint is obsolete and does nothing: the kernel collects garbage by itself\n");
    assert_eq!(kernel.total_calls(), 0);
    assert_eq!(kernel.changes, []);
}

#[test]
fn only_the_read_commands_and_setgcint_write_nothing() {
    let reads = [show(&[]), Command::ShowMacs(name("br0")), Command::ShowStp(name("br0")), Command::SetGcInterval];
    for command in reads {
        assert!(!command.writes(), "{command:?}");
    }
    let writes = [
        addbr("br9"),
        delbr("br0"),
        addif("br0", &["v3"]),
        delif("br0", &["v0"]),
        hairpin("br0", "v0", true),
        set("br0", BridgeSetting::Stp, 1),
        setpathcost("br0", "v0", 1),
        setportprio("br0", "v0", 1),
    ];
    for command in writes {
        assert!(command.writes(), "{command:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Multicast settings and port flags (docs/compat.md 10.2, 10.3, 10.4)

fn port_flag(bridge: &str, port: &str, setting: PortSetting, on: bool) -> Command {
    Command::SetPortFlag { bridge: name(bridge), port: name(port), setting, on }
}

#[test]
fn port_flags_change_the_port_after_hairpins_checks() {
    let mut kernel = lab();
    succeeds(&mut kernel, port_flag("br0", "v0", PortSetting::Learning, false));
    succeeds(&mut kernel, port_flag("br1", "v2", PortSetting::Isolated, true));
    assert_eq!(
        kernel.changes,
        [
            Change::SetPort { port: 5, setting: PortSetting::Learning, value: 0 },
            Change::SetPort { port: 7, setting: PortSetting::Isolated, value: 1 }
        ]
    );
    let learning = |bridge, port| port_flag(bridge, port, PortSetting::Learning, true);
    for mut kernel in [lab(), lab().unprivileged()] {
        refused_unchanged(&mut kernel, learning("nosuch", "nosuch2"), "interface nosuch2 does not exist!");
        refused_unchanged(&mut kernel, learning("nosuch", "v0"), "bridge nosuch does not exist!");
        refused_unchanged(&mut kernel, learning("v3", "v0"), "set learning failed: Operation not supported");
        refused_unchanged(&mut kernel, learning("br0", "v3"), "set learning failed: No such file or directory");
    }
    // D4, and EPERM first without privilege.
    let mut kernel = lab();
    refused_unchanged(&mut kernel, learning("br1", "v0"), "device v0 is not a port of br1");
    not_permitted(learning("br1", "v0"), "set learning failed");
    // The kernel's answer.
    let mut kernel = lab().failing("set_port", Errno::EOPNOTSUPP);
    refused(&mut kernel, learning("br0", "v0"), "set learning failed: Operation not supported");
    let mut kernel = lab().unprivileged();
    let err = refused(&mut kernel, learning("br0", "v0"), "set learning failed: Operation not permitted");
    assert_eq!(err.hint(), Some(HINT));
}

#[test]
fn hash_elasticity_warns_that_the_kernel_ignores_it() {
    let mut kernel = lab();
    let outcome = succeeds(&mut kernel, set("br0", BridgeSetting::HashElasticity, 4));
    assert_eq!(text(&outcome.err), "warning: kernels since Linux 5.0 ignore hash elasticity (it stays 16)\n");
    assert_eq!(kernel.changes, [Change::SetBridge { bridge: 2, setting: BridgeSetting::HashElasticity, value: 4 }]);
    // No other setting warns, and a refused one does not either.
    for (setting, _, value) in KNOBS.into_iter().chain([(BridgeSetting::HashMax, "", 512)]) {
        let outcome = succeeds(&mut lab(), set("br0", setting, value));
        assert_eq!(text(&outcome.err), "", "{setting:?}");
    }
    refused(&mut lab(), set("nosuch", BridgeSetting::HashElasticity, 4), "set hash elasticity failed: No such device");
}

#[test]
fn bridge_and_port_integers_stay_within_their_maximum() {
    let resolve = |list: &[&str]| super::resolve(&list.iter().map(std::ffi::OsString::from).collect::<Vec<_>>());
    let message = |list: &[&str]| resolve(list).err().map(|err| text(&err.message()));
    let router = |value| Command::SetBridge { bridge: name("br0"), setting: BridgeSetting::McastRouter, value };
    assert_eq!(resolve(&["setmcrouter", "br0", "2"]).ok(), Some(router(2)));
    assert_eq!(resolve(&["setmcrouter", "br0", "0xff"]).ok(), Some(router(255)));
    assert_eq!(message(&["setmcrouter", "br0", "256"]).as_deref(), Some("bad router '256': allowed range is 0 to 255"));
    let hash_max = Command::SetBridge { bridge: name("br0"), setting: BridgeSetting::HashMax, value: u32::MAX };
    assert_eq!(resolve(&["sethashmax", "br0", "4294967295"]).ok(), Some(hash_max));
    let fast_leave =
        |value| Command::SetPort { bridge: name("br0"), port: name("v0"), setting: PortSetting::FastLeave, value };
    assert_eq!(resolve(&["setportmcfl", "br0", "v0", "1"]).ok(), Some(fast_leave(1)));
    assert_eq!(resolve(&["setportmcfl", "br0", "v0", "255"]).ok(), Some(fast_leave(255)));
    assert_eq!(
        message(&["setportmcfl", "br0", "v0", "256"]).as_deref(),
        Some("bad fast leave '256': allowed range is 0 to 255")
    );
}
