//! addbr, delbr, the bridge settings and setgcint against `FakeKernel`.

use super::*;

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
// setageing, setfd, sethello, setmaxage, setbridgeprio, stp (docs/compat.md 4.5, 4.6, 4.9)

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
