//! One bridge's ports under the default backend. `show <bridge>` reads sysfs as the original
//! does (the bridge's id and STP state, the names in `brif/`, each port's `brport/bridge`);
//! showstp and showmacs take the names from `brif/` and look each up over netlink. When a listed
//! port is not confirmed (gone, a port of another bridge, not a port at all), ours asks netlink
//! instead, down to the dump filtered by master, and prints what the original prints. The test
//! hook BRCTL_TEST_STALE_PORT (feature test-hooks) adds one name to every `brif/` listing, as a
//! port deleted or moved since the listing would be.

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

use common::compare::{compare_showstp, TIMER_TOLERANCE_CS};
use common::lab::TWO_BRIDGES;
use common::namespace::lab_ready;
use common::{original, Scenario};

/// Names the listing may wrongly hold: a port of br1, a free veth, a device that does not exist.
const STALE: &[&str] = &["v2", "v3", "gone0"];

/// The commands that read one bridge's ports.
const READS: &[&[&str]] = &[&["show", "br0"], &["showstp", "br0"], &["showmacs", "br0"], &["show", "br1", "br0"]];

/// Each read with the original, then with ours as it is and with each stale name listed.
fn scenario(name: &str) -> Scenario {
    let mut scenario = TWO_BRIDGES.scenario(name);
    for args in READS {
        scenario = scenario.brctl_original(args).brctl(args);
        for stale in STALE {
            scenario = scenario.brctl_env(&[("BRCTL_TEST_STALE_PORT", stale)], args);
        }
    }
    scenario
}

#[test]
fn a_port_that_sysfs_lists_and_netlink_does_not_confirm_is_not_shown() {
    let name = "a_port_that_sysfs_lists_and_netlink_does_not_confirm_is_not_shown";
    if original::require(name).is_none() {
        return;
    }
    if !lab_ready(name) {
        return;
    }
    let scenario = scenario(name);
    let run = scenario.run(&common::ours());
    let per_read = 2 + STALE.len();
    for (read, outcomes) in READS.iter().zip(run.outcomes.chunks(per_read)) {
        let expected = &outcomes[0];
        assert_eq!(expected.rc, 0, "the original's {read:?}: {expected:?}");
        for (variant, actual) in ["as it is"].iter().chain(STALE).zip(&outcomes[1..]) {
            let what = format!("ours {read:?} with {variant} listed");
            assert_eq!((actual.rc, actual.stderr_text()), (0, String::new()), "{what}");
            if read[0] == "showstp" {
                // Timers tick between the runs.
                compare_showstp(&expected.stdout, &actual.stdout, TIMER_TOLERANCE_CS)
                    .unwrap_or_else(|diff| panic!("{what}: {diff}"));
            } else {
                assert_eq!(actual.stdout_text(), expected.stdout_text(), "{what}");
            }
        }
    }
}
