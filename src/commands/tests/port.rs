//! addif, delif, the port settings, hairpin, and the multicast settings and port flags
//! against `FakeKernel`.

use super::*;

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
    let resolve =
        |list: &[&str]| crate::commands::resolve(&list.iter().map(std::ffi::OsString::from).collect::<Vec<_>>());
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
