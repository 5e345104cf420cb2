//! Differential tests: each scenario runs with the original /usr/sbin/brctl and with ours in
//! throwaway network namespaces; every command's stdout, stderr and exit code, and the
//! resulting sysfs state, must be identical byte for byte.
//!
//! The original is proven to be bridge-utils 1.7.1 before anything is compared with it
//! (tests/common/original.rs); the last section checks that proof, with ours bind-mounted over
//! /usr/sbin/brctl in a private mount namespace.
//!
//! The section before it tests our deliberate differences (compat reference section 7) with
//! our binary alone. The very last runs a part of this binary again on a second kernel, Linux
//! 6.1 in User-Mode Linux (tests/common/uml.rs).

// The package's clippy lints hold the program proper (Cargo.toml [lints]); tests unwrap,
// panic, index and run other programs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::lab::{BR0_WITH_VETHS, TWO_BRIDGES};
use common::original::{self, ORIGINAL_PATH};
use common::scratch::Scratch;
use common::uml::{self, UmlScenario};
use common::{assert_same, namespace, ours, run_ours, skip, Outcome, Run, Scenario};

/// The usual small lab: bridge br0 (down) and veths v0, v1, v2 (with peers), nothing enslaved.
fn br0_with_veths(name: &str) -> Scenario {
    BR0_WITH_VETHS.scenario(name)
}

/// br0 with v0 and v1 enslaved, br1 with v2 enslaved, and v3 free.
fn two_bridges_with_ports(name: &str) -> Scenario {
    TWO_BRIDGES.scenario(name)
}

// ---------------------------------------------------------------------------------------------
// Command line (compat reference 1.1, 1.2, 1.3)

#[test]
fn cli_no_arguments_prints_help_and_fails() {
    assert_same(&Scenario::new("cli_no_arguments_prints_help_and_fails").brctl(&[]));
}

#[test]
fn cli_help_options() {
    assert_same(
        &Scenario::new("cli_help_options")
            .brctl(&["-h"])
            .brctl(&["--help"])
            .brctl(&["--he"])
            .brctl(&["--h"])
            .brctl(&["-hV"]),
    );
}

#[test]
fn cli_double_dash_alone_prints_help_and_fails() {
    assert_same(&Scenario::new("cli_double_dash_alone_prints_help_and_fails").brctl(&["--"]));
}

#[test]
fn cli_unknown_commands() {
    assert_same(
        &Scenario::new("cli_unknown_commands")
            .brctl(&["frobnicate"])
            .brctl(&[""])
            .brctl(&["-"])
            .brctl(&["ADDBR", "br0"])
            .brctl(&["add", "br0"])
            .brctl(&["--", "frobnicate", "x"]),
    );
}

#[test]
fn cli_unknown_options() {
    assert_same(
        &Scenario::new("cli_unknown_options")
            .brctl(&["-x"])
            .brctl(&["--foo"])
            .brctl(&["--help=3"])
            .brctl(&["show", "-x"])
            // A negative number is an unknown option `-1` (compat reference 1.1).
            .brctl(&["setageing", "br0", "-1"]),
    );
}

#[test]
fn cli_too_few_arguments_for_every_command() {
    let commands: &[(&str, usize)] = &[
        ("addbr", 1),
        ("delbr", 1),
        ("addif", 2),
        ("delif", 2),
        ("hairpin", 3),
        ("setageing", 2),
        ("setbridgeprio", 2),
        ("setfd", 2),
        ("sethello", 2),
        ("setmaxage", 2),
        ("setpathcost", 3),
        ("setportprio", 3),
        ("showmacs", 1),
        ("showstp", 1),
        ("stp", 2),
    ];
    let filler = ["br0", "v0", "1"];
    let mut scenario = br0_with_veths("cli_too_few_arguments_for_every_command");
    for &(command, needed) in commands {
        // Every count from none up to one short of the minimum.
        for given in 0..needed {
            let mut args = vec![command];
            args.extend_from_slice(&filler[..given]);
            scenario = scenario.brctl(&args);
        }
    }
    assert_same(&scenario);
}

#[test]
fn cli_extra_arguments_are_ignored() {
    assert_same(
        &Scenario::new("cli_extra_arguments_are_ignored")
            .bridge("br0", 0x01)
            .bridge("br1", 0x02)
            .brctl(&["addbr", "br2", "extra", "args"])
            .brctl(&["delbr", "br0", "br1"])
            .brctl(&["stp", "br1", "off", "extra"])
            .brctl(&["setageing", "br1", "30", "extra"]),
    );
}

#[test]
fn cli_help_option_after_command() {
    assert_same(
        &Scenario::new("cli_help_option_after_command")
            .brctl(&["addbr", "-h"])
            .brctl(&["show", "--help"])
            .brctl(&["delbr", "nosuch", "-h"]),
    );
}

#[test]
fn cli_posixly_correct_stops_option_permutation() {
    assert_same(
        &Scenario::new("cli_posixly_correct_stops_option_permutation")
            .bridge("br0", 0x01)
            .brctl_env(&[("POSIXLY_CORRECT", "1")], &["show", "-V"]),
    );
}

#[test]
fn cli_stream_interleaving_with_stdout_buffered() {
    // stdout is fully buffered when not a tty and stderr is not, so with both streams in one
    // file the error lines come first (compat reference 1.4).
    assert_same(
        &two_bridges_with_ports("cli_stream_interleaving_with_stdout_buffered")
            .brctl_merged(&["show", "nosuch", "br0", "nosuch2"])
            .brctl_merged(&["show", "br0", "v3", "br1"])
            .brctl_merged(&["frobnicate"])
            .brctl_merged(&["-x"])
            .brctl_merged(&["addif", "br0"]),
    );
}

// ---------------------------------------------------------------------------------------------
// addbr / delbr (compat reference 4.1, 4.2)

#[test]
fn addbr_new_bridge() {
    assert_same(&Scenario::new("addbr_new_bridge").brctl(&["addbr", "br0"]).brctl(&["show"]));
}

#[test]
fn addbr_existing_bridge() {
    assert_same(&Scenario::new("addbr_existing_bridge").bridge("br0", 0x01).brctl(&["addbr", "br0"]));
}

#[test]
fn addbr_existing_non_bridge() {
    assert_same(
        &Scenario::new("addbr_existing_non_bridge").veth("v0", 0x0a).brctl(&["addbr", "lo"]).brctl(&["addbr", "v0"]),
    );
}

#[test]
fn delbr_down_bridge() {
    assert_same(&Scenario::new("delbr_down_bridge").bridge("br0", 0x01).bridge("br1", 0x02).brctl(&["delbr", "br0"]));
}

#[test]
fn delbr_up_bridge_is_refused() {
    assert_same(
        &Scenario::new("delbr_up_bridge_is_refused")
            .bridge("br0", 0x01)
            .setup("ip link set br0 up")
            .brctl(&["delbr", "br0"]),
    );
}

#[test]
fn delbr_missing_bridge() {
    // The empty name is refused by our name check (D1): see ours_refuses_bad_names.
    assert_same(&Scenario::new("delbr_missing_bridge").brctl(&["delbr", "nosuch"]));
}

#[test]
fn delbr_non_bridge_is_not_deleted() {
    // The final state dump shows v0 and lo are still there.
    assert_same(
        &Scenario::new("delbr_non_bridge_is_not_deleted")
            .veth("v0", 0x0a)
            .brctl(&["delbr", "v0"])
            .brctl(&["delbr", "lo"]),
    );
}

#[test]
fn delbr_down_bridge_with_ports() {
    assert_same(
        &br0_with_veths("delbr_down_bridge_with_ports")
            .enslave("v0", "br0")
            .enslave("v1", "br0")
            .brctl(&["delbr", "br0"]),
    );
}

// ---------------------------------------------------------------------------------------------
// addif (compat reference 4.3)

#[test]
fn addif_one_device() {
    assert_same(&br0_with_veths("addif_one_device").brctl(&["addif", "br0", "v0"]));
}

#[test]
fn addif_one_device_to_brctl_made_bridge() {
    // The bridge id goes from 8000.000000000000 to the port's MAC.
    assert_same(
        &Scenario::new("addif_one_device_to_brctl_made_bridge")
            .veth("v0", 0x0a)
            .brctl(&["addbr", "br0"])
            .dump()
            .brctl(&["addif", "br0", "v0"])
            .brctl(&["show"]),
    );
}

#[test]
fn addif_several_devices() {
    assert_same(&br0_with_veths("addif_several_devices").brctl(&["addif", "br0", "v0", "v1", "v2"]));
}

#[test]
fn addif_stops_at_first_failure() {
    assert_same(&br0_with_veths("addif_stops_at_first_failure").brctl(&["addif", "br0", "v2", "nosuch", "v1"]));
}

#[test]
fn addif_missing_bridge_or_device() {
    assert_same(
        &br0_with_veths("addif_missing_bridge_or_device")
            .brctl(&["addif", "nosuch", "v0"])
            .brctl(&["addif", "br0", "nosuch"])
            .brctl(&["addif", "nosuch", "nosuch2"]),
    );
}

#[test]
fn addif_bridge_as_port() {
    assert_same(
        &br0_with_veths("addif_bridge_as_port")
            .bridge("br1", 0x02)
            .brctl(&["addif", "br0", "br1"])
            .brctl(&["addif", "br0", "br0"]),
    );
}

#[test]
fn addif_device_already_a_member() {
    assert_same(
        &two_bridges_with_ports("addif_device_already_a_member")
            .brctl(&["addif", "br0", "v2"])
            .brctl(&["addif", "br0", "v0"])
            .brctl(&["addif", "br1", "v3", "v3"]),
    );
}

#[test]
fn addif_loopback() {
    assert_same(&br0_with_veths("addif_loopback").brctl(&["addif", "br0", "lo"]));
}

#[test]
fn addif_non_bridge_master() {
    assert_same(&br0_with_veths("addif_non_bridge_master").brctl(&["addif", "v0", "v1"]));
}

// ---------------------------------------------------------------------------------------------
// delif (compat reference 4.4)

#[test]
fn delif_one_port() {
    assert_same(&two_bridges_with_ports("delif_one_port").brctl(&["delif", "br0", "v0"]));
}

#[test]
fn delif_several_ports() {
    assert_same(&two_bridges_with_ports("delif_several_ports").brctl(&["delif", "br0", "v1", "v0"]));
}

#[test]
fn delif_stops_at_first_failure() {
    assert_same(
        &two_bridges_with_ports("delif_stops_at_first_failure")
            .enslave("v3", "br0")
            .brctl(&["delif", "br0", "v0", "v1", "v0", "v3"]),
    );
}

#[test]
fn delif_not_a_port() {
    assert_same(
        &two_bridges_with_ports("delif_not_a_port")
            .brctl(&["delif", "br0", "v3"])
            .brctl(&["delif", "br0", "v2"])
            .brctl(&["delif", "br0", "br0"])
            .brctl(&["delif", "br0", "lo"]),
    );
}

#[test]
fn delif_missing_device_or_bridge() {
    assert_same(
        &two_bridges_with_ports("delif_missing_device_or_bridge")
            .brctl(&["delif", "br0", "nosuch"])
            .brctl(&["delif", "nosuch", "v0"])
            .brctl(&["delif", "nosuch", "nosuch2"]),
    );
}

#[test]
fn delif_non_bridge_bridge_argument() {
    assert_same(
        &two_bridges_with_ports("delif_non_bridge_bridge_argument")
            .brctl(&["delif", "v3", "v0"])
            .brctl(&["delif", "lo", "v0"]),
    );
}

// ---------------------------------------------------------------------------------------------
// setageing / setfd / sethello / setmaxage (compat reference 4.5). Only values where the
// original's truncation and our rounding agree; parse errors are worded differently (D2).

#[test]
fn set_times_valid_values() {
    assert_same(
        &br0_with_veths("set_times_valid_values")
            .brctl(&["setageing", "br0", "2"])
            .dump()
            .brctl(&["setageing", "br0", "300"])
            .dump()
            .brctl(&["setageing", "br0", "0.5"])
            .dump()
            .brctl(&["setageing", "br0", "0"])
            .dump()
            .brctl(&["setfd", "br0", "4"])
            .dump()
            .brctl(&["setfd", "br0", "30"])
            .dump()
            .brctl(&["setfd", "br0", "15.5"])
            .dump()
            .brctl(&["sethello", "br0", "2"])
            .dump()
            .brctl(&["sethello", "br0", "4"])
            .dump()
            .brctl(&["sethello", "br0", "1.5"])
            .dump()
            .brctl(&["setmaxage", "br0", "20"])
            .dump()
            .brctl(&["setmaxage", "br0", "30"])
            .dump()
            .brctl(&["setmaxage", "br0", "15.5"]),
    );
}

#[test]
fn set_times_kernel_range_errors() {
    assert_same(
        &br0_with_veths("set_times_kernel_range_errors")
            .brctl(&["sethello", "br0", "0.5"])
            .brctl(&["sethello", "br0", "11"])
            .brctl(&["setmaxage", "br0", "5"])
            .brctl(&["setmaxage", "br0", "41"])
            .brctl(&["stp", "br0", "on"])
            .brctl(&["setfd", "br0", "1"])
            .brctl(&["setfd", "br0", "31"])
            .brctl(&["stp", "br0", "off"])
            // Forward delay is only range-checked while STP is on.
            .brctl(&["setfd", "br0", "0"])
            .dump()
            .brctl(&["setfd", "br0", "1"]),
    );
}

#[test]
fn set_times_missing_bridge() {
    assert_same(
        &Scenario::new("set_times_missing_bridge")
            .brctl(&["setageing", "nosuch", "30"])
            .brctl(&["setfd", "nosuch", "4"])
            .brctl(&["sethello", "nosuch", "2"])
            .brctl(&["setmaxage", "nosuch", "20"]),
    );
}

#[test]
fn set_times_non_bridge() {
    assert_same(
        &br0_with_veths("set_times_non_bridge")
            .brctl(&["setageing", "v0", "30"])
            .brctl(&["setfd", "v0", "4"])
            .brctl(&["sethello", "lo", "2"])
            .brctl(&["setmaxage", "lo", "20"]),
    );
}

// ---------------------------------------------------------------------------------------------
// setbridgeprio (compat reference 4.6)

#[test]
fn setbridgeprio_valid_values() {
    assert_same(
        &br0_with_veths("setbridgeprio_valid_values")
            .brctl(&["setbridgeprio", "br0", "0"])
            .dump()
            .brctl(&["setbridgeprio", "br0", "4096"])
            .dump()
            .brctl(&["setbridgeprio", "br0", "65535"])
            .dump()
            .brctl(&["setbridgeprio", "br0", "0x1000"]),
    );
}

#[test]
fn setbridgeprio_missing_or_non_bridge() {
    assert_same(
        &br0_with_veths("setbridgeprio_missing_or_non_bridge")
            .brctl(&["setbridgeprio", "nosuch", "4096"])
            .brctl(&["setbridgeprio", "v0", "4096"])
            .brctl(&["setbridgeprio", "lo", "4096"]),
    );
}

// ---------------------------------------------------------------------------------------------
// stp (compat reference 4.9)

#[test]
fn stp_on_off_words() {
    assert_same(
        &br0_with_veths("stp_on_off_words")
            .brctl(&["stp", "br0", "on"])
            .dump()
            .brctl(&["stp", "br0", "off"])
            .dump()
            .brctl(&["stp", "br0", "yes"])
            .dump()
            .brctl(&["stp", "br0", "no"])
            .dump()
            .brctl(&["stp", "br0", "1"])
            .dump()
            .brctl(&["stp", "br0", "0"]),
    );
}

#[test]
fn stp_missing_or_non_bridge() {
    assert_same(
        &br0_with_veths("stp_missing_or_non_bridge")
            .brctl(&["stp", "nosuch", "on"])
            .brctl(&["stp", "v0", "on"])
            .brctl(&["stp", "lo", "off"]),
    );
}

#[test]
fn ours_on_off_word_errors_name_the_word() {
    // Both refuse these; ours keeps the original's words and adds the bad word and the
    // allowed ones. For hairpin the word is checked before anything exists.
    let scenario = two_bridges_with_ports("ours_on_off_word_errors_name_the_word")
        .dump()
        .brctl(&["stp", "br0", "ON"])
        .brctl(&["stp", "br0", "true"])
        .brctl(&["stp", "br0", "2"])
        .brctl(&["stp", "br0", ""])
        .brctl(&["stp", "nosuch", "maybe"])
        .brctl(&["hairpin", "br0", "v0", "On"])
        .brctl(&["hairpin", "nosuch", "nosuch2", "maybe"]);
    let Some(run) = run_ours(&scenario) else {
        return;
    };
    for index in 0..scenario.invocations().len() {
        assert_refused(&scenario, &run, index);
        let stderr = run.outcomes[index].stderr_text();
        assert!(stderr.starts_with("expect on/off for argument"), "{stderr:?}");
    }
    assert!(run.outcomes[0].stderr_text().contains("'ON'"));
    assert_state_unchanged(&scenario, &run);
}

// ---------------------------------------------------------------------------------------------
// setpathcost / setportprio / hairpin (compat reference 4.7, 4.8)

#[test]
fn port_settings_valid_values() {
    assert_same(
        &two_bridges_with_ports("port_settings_valid_values")
            .brctl(&["setpathcost", "br0", "v0", "250"])
            .dump()
            .brctl(&["setpathcost", "br0", "v1", "65535"])
            .dump()
            .brctl(&["setpathcost", "br0", "v1", "1"])
            .dump()
            .brctl(&["setportprio", "br0", "v0", "0"])
            .dump()
            .brctl(&["setportprio", "br0", "v0", "63"])
            .dump()
            .brctl(&["setportprio", "br1", "v2", "0x10"])
            .dump()
            .brctl(&["setportprio", "br0", "v1", "32"]),
    );
}

#[test]
fn port_settings_kernel_range_errors() {
    assert_same(
        &two_bridges_with_ports("port_settings_kernel_range_errors")
            .brctl(&["setpathcost", "br0", "v0", "0"])
            .brctl(&["setpathcost", "br0", "v0", "65536"])
            .brctl(&["setportprio", "br0", "v0", "64"]),
    );
}

#[test]
fn port_settings_missing_port() {
    assert_same(
        &two_bridges_with_ports("port_settings_missing_port")
            .brctl(&["setpathcost", "br0", "nosuch", "10"])
            .brctl(&["setportprio", "br0", "nosuch", "10"])
            .brctl(&["hairpin", "br0", "nosuch", "on"]),
    );
}

#[test]
fn port_settings_port_not_enslaved() {
    assert_same(
        &two_bridges_with_ports("port_settings_port_not_enslaved")
            .brctl(&["setpathcost", "br0", "v3", "10"])
            .brctl(&["setportprio", "br0", "v3", "10"])
            .brctl(&["hairpin", "br0", "v3", "on"])
            .brctl(&["setpathcost", "br1", "v3", "10"])
            .brctl(&["setportprio", "br0", "lo", "10"]),
    );
}

#[test]
fn port_settings_missing_bridge() {
    // The port is not enslaved: the original cannot succeed through sysfs either.
    assert_same(
        &two_bridges_with_ports("port_settings_missing_bridge")
            .brctl(&["setpathcost", "nosuch", "v3", "10"])
            .brctl(&["setportprio", "nosuch", "v3", "10"])
            .brctl(&["hairpin", "nosuch", "v3", "on"]),
    );
}

#[test]
fn port_settings_non_bridge_bridge_argument() {
    assert_same(
        &two_bridges_with_ports("port_settings_non_bridge_bridge_argument")
            .brctl(&["setpathcost", "v3", "v3p", "10"])
            .brctl(&["setportprio", "v3", "v3p", "10"])
            .brctl(&["hairpin", "v3", "v3p", "on"])
            .brctl(&["setpathcost", "lo", "v3", "10"]),
    );
}

#[test]
fn hairpin_on_then_off() {
    assert_same(
        &two_bridges_with_ports("hairpin_on_then_off")
            .brctl(&["hairpin", "br0", "v0", "on"])
            .dump()
            .brctl(&["hairpin", "br0", "v1", "yes"])
            .dump()
            .brctl(&["hairpin", "br0", "v0", "off"])
            .dump()
            .brctl(&["hairpin", "br1", "v2", "1"])
            .dump()
            .brctl(&["hairpin", "br1", "v2", "0"]),
    );
}

// ---------------------------------------------------------------------------------------------
// show (compat reference 4.10)

#[test]
fn show_no_bridges_prints_nothing() {
    assert_same(&Scenario::new("show_no_bridges_prints_nothing").veth("v0", 0x0a).brctl(&["show"]));
}

#[test]
fn show_bridges_in_byte_order() {
    let mut scenario = Scenario::new("show_bridges_in_byte_order");
    // Created in a shuffled order, so creation order is not the answer.
    for (id, name) in ["br2", "br-a", "_x", "br10", "Br1", "br1", "br.b"].iter().enumerate() {
        scenario = scenario.bridge(name, id as u8 + 0x10);
    }
    assert_same(&scenario.brctl(&["show"]));
}

#[test]
fn show_many_ports_in_byte_order() {
    let mut scenario = Scenario::new("show_many_ports_in_byte_order").bridge("br0", 0x01).veth("Z0", 0x20);
    for index in [5u8, 11, 0, 2, 9, 1, 10, 3, 7, 4, 8, 6] {
        scenario = scenario.veth(&format!("v{index}"), 0x30 + index);
    }
    scenario = scenario.enslave("Z0", "br0");
    for index in [5u8, 11, 0, 2, 9, 1, 10, 3, 7, 4, 8, 6] {
        scenario = scenario.enslave(&format!("v{index}"), "br0");
    }
    assert_same(&scenario.brctl(&["show"]).brctl(&["show", "br0"]));
}

#[test]
fn show_bridges_with_and_without_ports() {
    assert_same(
        &two_bridges_with_ports("show_bridges_with_and_without_ports")
            .bridge("br2", 0x03)
            .brctl(&["addbr", "br3"])
            .brctl(&["show"])
            .brctl(&["show", "br2"])
            .brctl(&["show", "br3"]),
    );
}

#[test]
fn show_stp_yes_and_no() {
    assert_same(
        &two_bridges_with_ports("show_stp_yes_and_no")
            .setup("ip link set br0 type bridge stp_state 1")
            .brctl(&["show"])
            .brctl(&["stp", "br0", "off"])
            .brctl(&["stp", "br1", "on"])
            .brctl(&["show"]),
    );
}

#[test]
fn show_same_bridge_twice() {
    assert_same(&two_bridges_with_ports("show_same_bridge_twice").brctl(&["show", "br0", "br0"]));
}

#[test]
fn show_mixed_good_and_bad_names() {
    assert_same(
        &two_bridges_with_ports("show_mixed_good_and_bad_names")
            .brctl(&["show", "br0", "v1", "nosuch"])
            .brctl(&["show", "nosuch", "br1", "lo", "br0"]),
    );
}

#[test]
fn show_all_names_failing_prints_no_header() {
    assert_same(
        &two_bridges_with_ports("show_all_names_failing_prints_no_header")
            .brctl(&["show", "nosuch"])
            .brctl(&["show", "v0", "lo", "nosuch"]),
    );
}

// ---------------------------------------------------------------------------------------------
// showstp / showmacs on down bridges, where no timer is running (compat reference 4.11, 4.12)

#[test]
fn showstp_down_bridge() {
    assert_same(
        &two_bridges_with_ports("showstp_down_bridge")
            .setup("ip link set br0 type bridge stp_state 1")
            .setup("ip link set v1 type bridge_slave hairpin on cost 250")
            .brctl(&["showstp", "br0"])
            .brctl(&["showstp", "br1", "extra"])
            .brctl(&["showstp", "nosuch"])
            .brctl(&["showstp", "v3"]),
    );
}

#[test]
fn showmacs_down_bridge() {
    assert_same(
        &two_bridges_with_ports("showmacs_down_bridge")
            .brctl(&["showmacs", "br0"])
            .brctl(&["showmacs", "nosuch"])
            .brctl(&["showmacs", "v3"]),
    );
}

// ---------------------------------------------------------------------------------------------
// The Xen host flow

#[test]
fn xen_host_bridge_flow() {
    assert_same(
        &Scenario::new("xen_host_bridge_flow")
            .veth("nic0", 0x42)
            .brctl(&["addbr", "xenbr0"])
            .brctl(&["addif", "xenbr0", "nic0"])
            .brctl(&["stp", "xenbr0", "off"])
            .brctl(&["setfd", "xenbr0", "0"])
            .brctl(&["show"]),
    );
}

// ---------------------------------------------------------------------------------------------
// Our deliberate differences (compat reference section 7), with our binary only.

/// Asserts that a command was refused cleanly: exit 1, nothing on stdout, one stderr line.
fn assert_refused(scenario: &Scenario, run: &Run, index: usize) {
    let invocation = scenario.invocations()[index].display();
    let outcome: &Outcome = &run.outcomes[index];
    assert_eq!(outcome.rc, 1, "{invocation}: exit code; {outcome:?}");
    assert!(outcome.stdout.is_empty(), "{invocation}: stdout should be empty: {:?}", outcome.stdout_text());
    assert!(outcome.stderr_is_one_line(), "{invocation}: stderr should be one line: {:?}", outcome.stderr_text());
}

/// Asserts that the state after the commands equals the state dumped before them.
fn assert_state_unchanged(scenario: &Scenario, run: &Run) {
    let before = &run.dumps[0];
    assert_eq!(
        before,
        run.final_dump(),
        "{}: state changed:\n{}",
        scenario.name,
        common::line_diff(before, run.final_dump())
    );
}

#[test]
fn ours_version_names_bridge_utils_rs() {
    let scenario = Scenario::new("ours_version_names_bridge_utils_rs")
        .brctl(&["-V"])
        .brctl(&["--version"])
        .brctl(&["--vers"])
        .brctl(&["show", "-V"])
        .brctl(&["-Vh"]);
    let Some(run) = run_ours(&scenario) else {
        return;
    };
    for (invocation, outcome) in scenario.invocations().iter().zip(&run.outcomes) {
        let invocation = invocation.display();
        assert_eq!(outcome.rc, 0, "{invocation}: exit code; {outcome:?}");
        assert!(
            outcome.stdout.starts_with(b"bridge-utils-rs"),
            "{invocation}: stdout should start with bridge-utils-rs: {:?}",
            outcome.stdout_text()
        );
        assert!(outcome.stderr.is_empty(), "{invocation}: stderr should be empty: {:?}", outcome.stderr_text());
    }
}

#[test]
fn ours_setgcint_warns_and_changes_nothing() {
    let scenario = br0_with_veths("ours_setgcint_warns_and_changes_nothing").dump().brctl(&["setgcint", "br0", "4"]);
    let Some(run) = run_ours(&scenario) else {
        return;
    };
    let outcome = &run.outcomes[0];
    assert_eq!(outcome.rc, 0, "setgcint br0 4: exit code; {outcome:?}");
    assert!(!outcome.stderr.is_empty(), "setgcint br0 4: expected a warning on stderr");
    assert!(outcome.stdout.is_empty(), "setgcint br0 4: stdout should be empty: {:?}", outcome.stdout_text());
    assert_state_unchanged(&scenario, &run);
}

#[test]
fn ours_refuses_bad_names() {
    let scenario = Scenario::new("ours_refuses_bad_names")
        // The original would delete this one on `delbr abcdefghijklmnopqrstuvwxyz`.
        .bridge("abcdefghijklmno", 0x01)
        .bridge("br0", 0x02)
        .dump()
        .brctl(&["addbr", "abcdefghijklmnop"])
        .brctl(&["addbr", ""])
        .brctl(&["delbr", ""])
        .brctl(&["show", ""])
        // Names are checked before anything else, so br0 is not shown either.
        .brctl(&["show", "br0", ""])
        .brctl(&["addbr", "abcdefghijklmnopqrstuvwxyz"])
        .brctl(&["addbr", "a/b"])
        .brctl(&["addbr", ".."])
        .brctl(&["addbr", "."])
        .brctl(&["addbr", "x y"])
        .brctl(&["addbr", "a:b"])
        .brctl(&["delbr", "abcdefghijklmnopqrstuvwxyz"])
        .brctl(&["show", "../net/br0"])
        .brctl(&["setageing", "br0/", "10"]);
    let Some(run) = run_ours(&scenario) else {
        return;
    };
    for index in 0..scenario.invocations().len() {
        assert_refused(&scenario, &run, index);
    }
    assert_state_unchanged(&scenario, &run);
}

#[test]
fn ours_port_commands_check_the_bridge() {
    let scenario = two_bridges_with_ports("ours_port_commands_check_the_bridge")
        .dump()
        .brctl(&["setpathcost", "br1", "v0", "7"])
        .brctl(&["setportprio", "br1", "v0", "7"])
        .brctl(&["hairpin", "br1", "v0", "on"])
        .brctl(&["setpathcost", "nosuch", "v0", "8"])
        .brctl(&["hairpin", "lo", "v0", "on"]);
    let Some(run) = run_ours(&scenario) else {
        return;
    };
    for index in 0..scenario.invocations().len() {
        assert_refused(&scenario, &run, index);
    }
    assert_state_unchanged(&scenario, &run);
}

// ---------------------------------------------------------------------------------------------
// The proof that the original is bridge-utils 1.7.1 (tests/common/original.rs)

/// Set in the environment of this binary when the meta-test below runs it again: the re-run
/// must not start the meta-test once more.
const META_CHILD: &str = "BRCTL_TEST_PROOF_CHILD";

/// The differential tests the meta-test runs again, with ours in the original's place.
const META_FILTERS: [&str; 2] = ["cli_help_options", "addbr_new_bridge"];

#[test]
fn the_proof_refuses_ours_a_copy_and_other_programs() {
    let ours = ours();
    let refused = |path: &Path| match original::prove(path, &ours) {
        Ok(_) => panic!("{} passed as bridge-utils 1.7.1", path.display()),
        Err(err) => format!("{err:#}"),
    };
    let why = refused(&ours);
    assert!(why.contains("not bridge-utils 1.7.1") && why.contains("it is ours"), "{why}");
    let scratch = Scratch::new("proof");
    let copy = scratch.join("brctl");
    std::fs::copy(&ours, &copy).expect("copy ours");
    let why = refused(&copy);
    assert!(why.contains("not bridge-utils 1.7.1") && why.contains("a copy of ours"), "{why}");
    let why = refused(Path::new("/bin/true"));
    assert!(why.contains("not bridge-utils 1.7.1") && why.contains("`-V` printed \"\""), "{why}");
    let why = refused(&scratch.join("nosuch"));
    assert!(why.contains("is missing"), "{why}");
    // Where the real one is installed, it passes.
    if Path::new(ORIGINAL_PATH).exists() {
        if let Err(err) = original::prove(Path::new(ORIGINAL_PATH), &ours) {
            skip::skip("the_proof_refuses_ours_a_copy_and_other_programs", format!("{err:#}"));
        }
    }
}

/// With ours bind-mounted over /usr/sbin/brctl (in a private mount namespace, `unshare -Urm`),
/// the differential tests must not compare ours with itself: under CI=true they fail saying
/// the original is not bridge-utils 1.7.1, elsewhere they skip and say so.
#[test]
fn differential_tests_refuse_ours_in_the_originals_place() {
    let name = "differential_tests_refuse_ours_in_the_originals_place";
    if std::env::var_os(META_CHILD).is_some() {
        return;
    }
    if !Path::new(ORIGINAL_PATH).exists() {
        skip::skip(name, format!("{ORIGINAL_PATH} is missing, so ours cannot be bind-mounted over it"));
        return;
    }
    if !namespace::lab_ready(name) {
        return;
    }
    let exe = std::env::current_exe().expect("this test binary");
    for ci in [true, false] {
        let mut command = Command::new("timeout");
        command
            .args(["-k", "5", "300", "unshare", "-Urm", "sh", "-c"])
            .arg("mount --bind \"$1\" /usr/sbin/brctl || exit 90; shift; exec \"$@\"")
            .arg("sh")
            .arg(ours())
            .arg(&exe)
            .args(["--exact", "--test-threads=1"])
            .args(META_FILTERS)
            .env(META_CHILD, "1");
        if ci {
            command.env("CI", "true");
        } else {
            command.env_remove("CI");
        }
        let out = command.output().expect("run this test binary again");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_ne!(out.status.code(), Some(90), "mount --bind failed:\n{text}");
        assert!(text.contains("not bridge-utils 1.7.1"), "CI={ci}: no word of the proof failing:\n{text}");
        if ci {
            assert!(!out.status.success(), "CI=true: ours in the original's place must fail the tests:\n{text}");
            assert!(text.contains("2 failed"), "CI=true: both tests fail:\n{text}");
        } else {
            assert!(out.status.success(), "without CI the tests skip:\n{text}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            for test in META_FILTERS {
                assert!(stderr.contains(&format!("SKIPPED {test}: ")), "no SKIPPED line for {test}:\n{text}");
            }
            let summary = skip::summary_line(META_FILTERS.len()).expect("a summary line");
            assert!(stderr.contains(&summary), "no summary line {summary:?}:\n{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The same tests on a second kernel: Linux 6.1 in User-Mode Linux (tests/common/uml.rs)

/// Set in the environment of this binary when it runs inside UML: the run there must not boot
/// UML once more.
const IN_UML: &str = "BRCTL_TEST_IN_UML";

/// The differential tests that run again inside UML. Not all of them: forks are slow in UML
/// (some 20 ms a process, and each state dump of the lab reads every sysfs attribute through a
/// process of its own), so the whole suite took 13 minutes there, measured, and its heaviest
/// scenarios (hairpin_on_then_off, port_settings_valid_values: many dumps of two bridges) ran
/// into the lab's 60 s limit per scenario; CI would run it twice (as root and as a normal
/// user). These are the ones whose outcome the kernel decides, one or two of each kind, some
/// 100 s in all: the kernel's own refusals and range checks (a non-bridge in addbr, a bridge, a
/// loopback or a port of another master in addif, delbr of an up bridge or a non-bridge, the
/// ranges of the bridge times and port values), settings that land in sysfs (bridge priority,
/// STP), the reads (show with STP, showstp, showmacs), and the proof that the original inside is
/// bridge-utils 1.7.1. The command-line tests (help, usage, unknown options) leave the kernel
/// alone and stay out.
const UML_FILTERS: &[&str] = &[
    "the_proof_refuses_ours_a_copy_and_other_programs",
    "addbr_existing_non_bridge",
    "addif_bridge_as_port",
    "addif_loopback",
    "addif_non_bridge_master",
    "delbr_up_bridge_is_refused",
    "delbr_non_bridge_is_not_deleted",
    "set_times_kernel_range_errors",
    "port_settings_kernel_range_errors",
    "setbridgeprio_valid_values",
    "stp_on_off_words",
    "show_stp_yes_and_no",
    "showstp_down_bridge",
    "showmacs_down_bridge",
];

/// Boots UML (Linux 6.1, where this machine's kernel may be another) and runs this test binary
/// there, with `UML_FILTERS` and CI=true, so nothing may skip inside: the original must be proven
/// bridge-utils 1.7.1 there too, and every test must pass.
#[test]
fn differential_tests_pass_on_linux_6_1_in_uml() {
    let name = "differential_tests_pass_on_linux_6_1_in_uml";
    if std::env::var_os(IN_UML).is_some() || std::env::var_os(META_CHILD).is_some() {
        return;
    }
    if original::require(name).is_none() {
        return;
    }
    let exe = std::env::current_exe().expect("this test binary");
    let exe = exe.to_str().expect("a UTF-8 path for this test binary");
    let mut inner = vec!["env", "CI=true", "BRCTL_TEST_IN_UML=1", exe, "--exact", "--test-threads=1"];
    inner.extend_from_slice(UML_FILTERS);
    let script = [uml::record_line("version", &[ORIGINAL_PATH, "-V"]), uml::record_line("inner", &inner)].concat();
    let Some(run) = uml::run(name, &[UmlScenario::new("differential", &script).timeout(600)]) else {
        return;
    };
    let result = run.get("differential").assert_ok();
    assert!(run.kernel.starts_with("6.1"), "ran on {:?}, not Linux 6.1", run.kernel);
    let version = result.outcome("version");
    assert_eq!(version.stdout, original::ORIGINAL_VERSION, "the original inside: {version:?}");
    let inner = result.outcome("inner");
    let text = format!("{}{}", inner.stdout_text(), inner.stderr_text());
    assert_eq!(inner.rc, 0, "the differential tests failed on {}:\n{text}", run.kernel);
    let summary = format!("test result: ok. {} passed; 0 failed;", UML_FILTERS.len());
    assert!(inner.stdout_text().contains(&summary), "no {summary:?} in:\n{text}");
    for test in UML_FILTERS {
        assert!(inner.stdout_text().contains(&format!("test {test} ... ok\n")), "{test} did not pass:\n{text}");
    }
    assert!(!text.contains("SKIPPED"), "something skipped inside:\n{text}");
    eprintln!(
        "{name}: {} differential tests passed on Linux {} in {:.0} s",
        UML_FILTERS.len(),
        run.kernel,
        run.elapsed.as_secs_f64()
    );
}
