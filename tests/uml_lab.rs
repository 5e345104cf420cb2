//! The second kernel of the lab (tests/common/uml.rs): User-Mode Linux boots, runs Linux 6.1
//! with the bridge's VLAN filtering, runs ours as `brctl`, gives each scenario of a boot its
//! own results and a fresh network, and reports a scenario that failed or did not finish
//! without hiding the others.
//!
//! One boot serves every test of this file (`boot`); each test checks its own scenarios.

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

use std::sync::OnceLock;

use common::json::{self, Json};
use common::namespace::brctl_text;
use common::uml::{self, record_line, UmlRun, UmlScenario};

/// The scenarios of the one boot, in the order they run.
fn scenarios() -> Vec<UmlScenario> {
    vec![
        UmlScenario::new(
            "vlan",
            &[
                "ip link add br0 type bridge vlan_filtering 1 || exit 3\n".to_string(),
                record_line("vlans", &["bridge", "-j", "vlan", "show"]),
                record_line("link", &["ip", "-d", "-j", "link", "show", "br0"]),
                brctl_text("show", &[], &["show"]),
                record_line("uname", &["uname", "-r"]),
                record_line("which", &["sh", "-c", "command -v brctl"]),
            ]
            .concat(),
        ),
        UmlScenario::new(
            "first",
            &[brctl_text("addbr", &[], &["addbr", "bra"]), brctl_text("show", &[], &["show"])].concat(),
        ),
        UmlScenario::new(
            "fails",
            &[
                brctl_text("before", &[], &["addbr", "brx"]),
                "echo 'failing on purpose' >&2\nexit 1\n".to_string(),
                brctl_text("after", &[], &["addbr", "bry"]),
            ]
            .concat(),
        ),
        UmlScenario::new(
            "second",
            &[
                brctl_text("empty", &[], &["show"]),
                brctl_text("addbr", &[], &["addbr", "brb"]),
                brctl_text("show", &[], &["show"]),
                "echo second-stdout\n".to_string(),
            ]
            .concat(),
        ),
        UmlScenario::new("too_slow", "sleep 30\necho never\n").timeout(2),
        // Stops the kernel: neither it nor the scenario after it finishes.
        UmlScenario::new(
            "powers_off",
            "echo 'powering off' >\"$W/note\"\nsync\necho o >/proc/sysrq-trigger\nsleep 30\n",
        ),
        UmlScenario::new("after_power_off", "echo ran >\"$W/note\"\n"),
    ]
}

/// The one boot of this test binary; None when UML is not installed (the caller has skipped
/// already, through `uml::uml_ready`).
fn boot() -> &'static UmlRun {
    static BOOT: OnceLock<UmlRun> = OnceLock::new();
    BOOT.get_or_init(|| {
        let run = uml::run("uml_lab", &scenarios()).expect("uml_ready was checked");
        eprintln!(
            "uml_lab: booted {} and ran {} scenarios in {:.1} s",
            run.kernel,
            run.results.len(),
            run.elapsed.as_secs_f64()
        );
        run
    })
}

/// The header line of `brctl show`.
const SHOW_HEADER: &str = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n";

#[test]
fn boots_linux_6_1() {
    if !uml::uml_ready("boots_linux_6_1") {
        return;
    }
    let run = boot();
    assert!(run.kernel.starts_with("6.1"), "kernel {:?}\n{}", run.kernel, run.console);
    let vlan = run.get("vlan").assert_ok();
    // What a scenario sees is the same kernel.
    assert_eq!(vlan.outcome("uname").stdout_text().trim(), run.kernel);
    assert_eq!(vlan.kernel, run.kernel);
}

#[test]
fn vlan_filtering_bridge_has_default_vlan_1() {
    if !uml::uml_ready("vlan_filtering_bridge_has_default_vlan_1") {
        return;
    }
    let vlan = boot().get("vlan").assert_ok();
    let shown = vlan.outcome("vlans");
    assert_eq!(shown.rc, 0, "{shown:?}");
    let value = json::parse_json(&shown.stdout_text()).unwrap_or_else(|err| panic!("{err:#}: {shown:?}"));
    let Json::Array(links) = &value else { panic!("not an array: {shown:?}") };
    let br0 = links
        .iter()
        .find(|link| link.get("ifname") == Some(&Json::String("br0".to_string())))
        .unwrap_or_else(|| panic!("no br0 in {shown:?}"));
    let Some(Json::Array(vlans)) = br0.get("vlans") else { panic!("br0 has no vlans: {shown:?}") };
    assert_eq!(vlans.len(), 1, "{shown:?}");
    assert_eq!(vlans[0].get("vlan"), Some(&Json::Number("1".to_string())), "{shown:?}");
    let Some(Json::Array(flags)) = vlans[0].get("flags") else { panic!("vlan 1 has no flags: {shown:?}") };
    for flag in ["PVID", "Egress Untagged"] {
        assert!(flags.contains(&Json::String(flag.to_string())), "vlan 1 not {flag}: {shown:?}");
    }
    let link = vlan.outcome("link");
    assert_eq!(link.rc, 0, "{link:?}");
    assert!(link.stdout_text().contains("\"vlan_filtering\":1"), "{link:?}");
}

#[test]
fn ours_is_brctl_inside() {
    if !uml::uml_ready("ours_is_brctl_inside") {
        return;
    }
    let vlan = boot().get("vlan").assert_ok();
    let which = vlan.outcome("which").stdout_text();
    assert!(which.trim().ends_with("/bin/brctl") && !which.starts_with("/usr/sbin/"), "brctl is {which:?}");
    let show = vlan.outcome("show");
    assert_eq!(show.rc, 0, "{show:?}");
    assert!(show.stderr.is_empty(), "{show:?}");
    let text = show.stdout_text();
    assert!(text.starts_with(SHOW_HEADER), "{show:?}");
    assert!(text.lines().nth(1).is_some_and(|line| line.starts_with("br0\t")), "no br0 in {show:?}");
}

#[test]
fn each_scenario_has_its_own_results_and_network() {
    if !uml::uml_ready("each_scenario_has_its_own_results_and_network") {
        return;
    }
    let run = boot();
    let (first, second) = (run.get("first").assert_ok(), run.get("second").assert_ok());
    assert_eq!(first.outcome("addbr").rc, 0, "{:?}", first.outcome("addbr"));
    let first_show = first.outcome("show").stdout_text();
    assert!(first_show.contains("\nbra\t") && !first_show.contains("brb"), "{first_show:?}");
    // The second starts from an empty network: the first's bridge is not there (and `show`
    // without bridges prints nothing, not even its header).
    assert_eq!(second.outcome("empty"), common::Outcome { stdout: Vec::new(), stderr: Vec::new(), rc: 0 });
    let second_show = second.outcome("show").stdout_text();
    assert!(second_show.contains("\nbrb\t") && !second_show.contains("bra"), "{second_show:?}");
    assert_eq!(second.stdout_text(), "second-stdout\n");
    assert!(first.stdout.is_empty(), "{}", first.describe());
    assert!(!first.exists("empty") && !first.exists("empty.out"), "{}", first.describe());
}

#[test]
fn a_failing_scenario_is_reported_and_hides_nothing() {
    if !uml::uml_ready("a_failing_scenario_is_reported_and_hides_nothing") {
        return;
    }
    let run = boot();
    let fails = run.get("fails");
    assert_eq!(fails.status, Some(1), "{}", fails.describe());
    assert_eq!(fails.outcome("before").rc, 0);
    assert!(!fails.exists("after.rc"), "ran past its exit: {}", fails.describe());
    assert_eq!(fails.stderr_text(), "failing on purpose\n");
    // The scenario after it ran all the same.
    run.get("second").assert_ok();

    let slow = run.get("too_slow");
    assert_eq!(slow.status, Some(124), "killed by its own time limit: {}", slow.describe());
    assert!(slow.stdout.is_empty(), "{}", slow.describe());
}

#[test]
fn a_scenario_that_does_not_finish_shows_as_such() {
    if !uml::uml_ready("a_scenario_that_does_not_finish_shows_as_such") {
        return;
    }
    let run = boot();
    let off = run.get("powers_off");
    assert!(!off.finished(), "{}", off.describe());
    assert_eq!(off.text("note"), "powering off\n");
    let after = run.get("after_power_off");
    assert!(!after.finished() && !after.exists("note"), "{}", after.describe());
    assert!(run.results.iter().take(5).all(|result| result.finished()), "{:?}", run.results);
}
