//! The ifupdown hooks (ifupdown/if-pre-up.d/bridge, ifupdown/if-post-down.d/bridge) run with
//! ifupdown's environment (IFACE, MODE, PHASE, IF_BRIDGE_*) in throwaway namespaces, with our
//! brctl first on PATH, and the result read back from sysfs. One test runs the real ifup and
//! ifdown (when ifupdown is installed) with the hooks bind-mounted over /etc/network; ifupdown
//! sets its own PATH for the hooks, so that test puts ours where that PATH looks (bind mounts
//! in the namespace's private mount namespace) and logs every brctl the hooks ran.

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

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::original::ORIGINAL_PATH;
use common::scratch::Scratch;
use common::{namespace, skip};

fn hooks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ifupdown")
}

/// A scratch directory with bin/brctl linked to our binary.
fn work(label: &str) -> Scratch {
    let work = Scratch::new(label);
    std::os::unix::fs::symlink(common::ours(), work.dir("bin").join("brctl")).expect("link brctl");
    work
}

fn quote(text: &str) -> String {
    String::from_utf8(common::shell_quote(text.as_bytes())).expect("quoted text is UTF-8")
}

/// Shell functions for the scripts: `hook PHASE VAR=VALUE...` runs a hook as ifupdown would
/// (MODE and PHASE set, the stanza's options as IF_* variables) and prints `<label>.rc=` and
/// `<label>.err=` (stderr, lines joined with `|`); `dump DEV...` prints what sysfs says.
const PRELUDE: &str = r#"
hook() {
  label=$1; phase=$2; shift 2
  case $phase in pre-up) mode=start ;; *) mode=stop ;; esac
  env -i PATH="$PATH" MODE=$mode PHASE=$phase ADDRFAM=inet METHOD=manual LOGICAL="$IFACE" "$@" \
    "$HOOKS/if-$phase.d/bridge" >"$T/hook.out" 2>"$T/hook.err"
  echo "$label.rc=$?"
  echo "$label.err=$(tr '\n' '|' <"$T/hook.err")"
  echo "$label.out=$(tr '\n' '|' <"$T/hook.out")"
}
dump() {
  for dev in "$@"; do
    d=/sys/class/net/$dev
    if [ ! -e "$d" ]; then echo "$dev.exists=no"; continue; fi
    echo "$dev.exists=yes"
    echo "$dev.up=$(( $(cat "$d/flags") & 1 ))"
    echo "$dev.address=$(cat "$d/address")"
    master=-
    [ -e "$d/master" ] && master=$(basename "$(readlink "$d/master")")
    echo "$dev.master=$master"
    if [ -d "$d/bridge" ]; then
      for key in stp_state forward_delay hello_time max_age ageing_time priority vlan_filtering; do
        echo "$dev.$key=$(cat "$d/bridge/$key")"
      done
      echo "$dev.ports=$(ls "$d/brif" | tr '\n' ' ' | sed 's/ $//')"
    fi
    if [ -d "$d/brport" ]; then
      for key in path_cost priority state; do
        echo "$dev.$key=$(cat "$d/brport/$key")"
      done
    fi
  done
}
veth() {
  ip link add "$1" type veth peer name "p$1"
  ip link set "p$1" up
}
"#;

/// Runs `body` (after PRELUDE) in a fresh namespace and returns its `key=value` lines,
/// or None when the lab is unavailable (skip; CI=true fails in `lab_ready`).
fn run(test: &str, body: &str) -> Option<BTreeMap<String, String>> {
    if !namespace::lab_ready(test) {
        return None;
    }
    let work = work(test);
    let script = format!(
        "mount -t sysfs sysfs /sys || exit 90\nmount -t tmpfs tmpfs /run || exit 90\nmkdir -p /run/network\nPATH={bin}:/usr/sbin:/usr/bin:/sbin:/bin\nexport PATH\n\
         T={work}\nHOOKS={hooks}\n{PRELUDE}\n{body}\n",
        bin = quote(&work.path.join("bin").to_string_lossy()),
        work = quote(&work.path.to_string_lossy()),
        hooks = quote(&hooks_dir().to_string_lossy()),
    );
    let output = Command::new("timeout")
        .args(["-k", "5", "120", "unshare", "-Urnm", "sh", "-c"])
        .arg(&script)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .expect("spawn unshare");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{test}: namespace script failed ({})\nstdout:\n{stdout}\nstderr:\n{}\nscript:\n{body}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut values = BTreeMap::new();
    for line in stdout.lines() {
        if let Some((key, value)) = line.split_once('=') {
            values.insert(key.to_string(), value.to_string());
        }
    }
    Some(values)
}

/// A `hook` call for the script: label, phase, then the environment.
fn hook(label: &str, phase: &str, env: &[(&str, &str)]) -> String {
    let mut line = format!("hook {label} {phase}");
    for (key, value) in env {
        line.push(' ');
        line.push_str(&quote(&format!("{key}={value}")));
    }
    line.push('\n');
    line
}

/// Asserts each `key=value` pair, showing everything on failure.
fn expect(values: &BTreeMap<String, String>, expected: &[(&str, &str)]) {
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(key, want)| values.get(*key).map(String::as_str) != Some(*want))
        .map(|(key, want)| format!("{key}: want {want:?}, got {:?}", values.get(*key)))
        .collect();
    assert!(wrong.is_empty(), "{}\nall values:\n{values:#?}", wrong.join("\n"));
}

#[test]
fn hooks_are_executable_posix_sh() {
    for name in ["if-pre-up.d/bridge", "if-post-down.d/bridge"] {
        let path = hooks_dir().join(name);
        let text = fs::read_to_string(&path).expect("read hook");
        assert!(text.starts_with("#!/bin/sh\n"), "{name}: ifupdown runs hooks with /bin/sh");
        let mode = fs::metadata(&path).expect("stat hook").permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "{name}: run-parts only runs executable files (mode {mode:o})");
        let check = Command::new("sh").arg("-n").arg(&path).output().expect("run sh -n");
        assert!(check.status.success(), "{name}: sh -n: {}", String::from_utf8_lossy(&check.stderr));
        // dash is Debian's /bin/sh; check with it too when it is there.
        if Path::new("/bin/dash").exists() {
            let check = Command::new("/bin/dash").arg("-n").arg(&path).output().expect("run dash -n");
            assert!(check.status.success(), "{name}: dash -n: {}", String::from_utf8_lossy(&check.stderr));
        }
        // No bashisms that sh -n lets through.
        for bashism in ["[[", "function ", "local ", "$'", "<(", "==", "${!", "source "] {
            assert!(!text.contains(bashism), "{name}: `{bashism}` is not POSIX sh");
        }
    }
}

#[test]
fn shellcheck_finds_nothing_in_the_hooks() {
    let hooks = [hooks_dir().join("if-pre-up.d/bridge"), hooks_dir().join("if-post-down.d/bridge")];
    match Command::new("shellcheck").arg("-s").arg("sh").args(&hooks).output() {
        Ok(out) => assert!(
            out.status.success(),
            "shellcheck:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        // Optional: sh -n and dash -n above are the required checks.
        Err(err) => skip::skip(
            "shellcheck_finds_nothing_in_the_hooks",
            format!("shellcheck not run: {err} (apt-get install shellcheck)"),
        ),
    }
}

#[test]
fn pre_up_builds_the_bridge_with_every_setting_and_post_down_removes_it() {
    let mut body = String::from("veth eth0\nveth eth1\n");
    let stanza = [
        ("IFACE", "br0"),
        ("IF_BRIDGE_PORTS", "eth0 eth1"),
        ("IF_BRIDGE_STP", "on"),
        ("IF_BRIDGE_FD", "4"),
        ("IF_BRIDGE_HELLO", "1"),
        ("IF_BRIDGE_MAXAGE", "12"),
        ("IF_BRIDGE_AGEING", "120"),
        ("IF_BRIDGE_BRIDGEPRIO", "4096"),
        ("IF_BRIDGE_PATHCOST", "eth0 10 eth1 20"),
        ("IF_BRIDGE_PORTPRIO", "eth1 40"),
        ("IF_BRIDGE_HW", "02:00:00:00:aa:01"),
        ("IF_BRIDGE_GCINT", "4"),
        ("IF_BRIDGE_MAXWAIT", "0"),
    ];
    body.push_str(&hook("up", "pre-up", &stanza));
    body.push_str("dump br0 eth0 eth1\n");
    // Running pre-up again on the live bridge changes nothing and says nothing.
    body.push_str(&hook("again", "pre-up", &stanza));
    body.push_str("echo \"again.ports=$(ls /sys/class/net/br0/brif | tr '\\n' ' ')\"\n");
    body.push_str(&hook("down", "post-down", &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "eth0 eth1")]));
    body.push_str("echo after; dump br0 eth0 eth1 | sed 's/^/after./'\n");
    // post-down of a bridge that is gone already is fine.
    body.push_str(&hook("gone", "post-down", &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "eth0 eth1")]));
    let Some(values) = run("pre_up_all_settings", &body) else { return };
    expect(
        &values,
        &[
            ("up.rc", "0"),
            ("up.err", ""),
            ("up.out", ""),
            ("br0.exists", "yes"),
            ("br0.up", "1"),
            ("br0.ports", "eth0 eth1"),
            ("br0.stp_state", "1"),
            ("br0.forward_delay", "400"),
            ("br0.hello_time", "100"),
            ("br0.max_age", "1200"),
            ("br0.ageing_time", "12000"),
            ("br0.priority", "4096"),
            ("br0.address", "02:00:00:00:aa:01"),
            ("eth0.master", "br0"),
            ("eth0.up", "1"),
            ("eth0.path_cost", "10"),
            ("eth0.priority", "32"),
            ("eth1.master", "br0"),
            ("eth1.up", "1"),
            ("eth1.path_cost", "20"),
            ("eth1.priority", "40"),
            ("again.rc", "0"),
            ("again.err", ""),
            ("again.ports", "eth0 eth1 "),
            ("down.rc", "0"),
            ("down.err", ""),
            ("after.br0.exists", "no"),
            ("after.eth0.exists", "yes"),
            ("after.eth0.master", "-"),
            ("after.eth0.up", "0"),
            ("after.eth1.master", "-"),
            ("after.eth1.up", "0"),
            ("gone.rc", "0"),
            ("gone.err", ""),
        ],
    );
}

#[test]
fn vlan_aware_sets_vlan_filtering_where_the_kernel_has_it() {
    let body = String::from("veth eth0\n")
        + &hook("up", "pre-up", &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "eth0"), ("IF_BRIDGE_VLAN_AWARE", "yes")])
        + "dump br0\n";
    let Some(values) = run("vlan_aware", &body) else { return };
    expect(&values, &[("up.rc", "0"), ("br0.ports", "eth0")]);
    if values["br0.vlan_filtering"].is_empty() {
        // A kernel without CONFIG_BRIDGE_VLAN_FILTERING: reported, the bridge still made.
        expect(
            &values,
            &[(
                "up.err",
                "set vlan filtering failed: Operation not supported|\
                 bridge br0: bridge_vlan_aware: 'brctl vlanfiltering br0 on' failed|",
            )],
        );
    } else {
        expect(&values, &[("up.err", ""), ("br0.vlan_filtering", "1")]);
    }
}

/// Shell that puts a brctl first on PATH (`$T/bin`) which appends its arguments to
/// `$T/brctl.log`, one call a line, then runs ours.
fn logging_brctl() -> String {
    let ours = quote(&common::ours().to_string_lossy());
    format!(
        "rm -f \"$T/bin/brctl\"\n\
         cat >\"$T/bin/brctl\" <<EOF\n\
         #!/bin/sh\n\
         printf '%s\\n' \"\\$*\" >>'$T/brctl.log'\n\
         exec {ours} \"\\$@\"\n\
         EOF\n\
         chmod 755 \"$T/bin/brctl\"\n\
         : >\"$T/brctl.log\"\n"
    )
}

/// bridge_vlan_aware, bridge_vids and bridge_pvid become exactly these brctl calls: filtering
/// with the bridge's settings, then per port of bridge_ports its VLANs and last its PVID.
/// This kernel may have no VLAN filtering: then each VLAN command fails, and the hook reports
/// each failure as it reports any refused setting and still brings the bridge up.
#[test]
fn vlan_options_become_exactly_these_brctl_calls() {
    let body = String::from("veth eth0\nveth eth1\nveth eth2\n")
        + &logging_brctl()
        + &hook(
            "aware",
            "pre-up",
            &[
                ("IFACE", "br0"),
                ("IF_BRIDGE_PORTS", "eth0 eth1"),
                ("IF_BRIDGE_VLAN_AWARE", "yes"),
                ("IF_BRIDGE_VIDS", "10 20-30"),
                ("IF_BRIDGE_PVID", "5"),
                ("IF_BRIDGE_MAXWAIT", "0"),
            ],
        )
        + &hook(
            "pvid",
            "pre-up",
            &[
                ("IFACE", "br1"),
                ("IF_BRIDGE_PORTS", "eth2 missing0"),
                ("IF_BRIDGE_VLAN_AWARE", "no"),
                ("IF_BRIDGE_PVID", "7"),
            ],
        )
        + &hook("bad", "pre-up", &[("IFACE", "br2"), ("IF_BRIDGE_PORTS", "none"), ("IF_BRIDGE_VIDS", "0")])
        + "echo \"brctl.log=$(tr '\\n' '#' <\"$T/brctl.log\")\"\n"
        + "echo \"filtering=$(ls /sys/class/net/br0/bridge/vlan_filtering 2>/dev/null)\"\n"
        + "dump br0 br1 br2\n";
    let Some(values) = run("vlan_options", &body) else { return };
    let calls: Vec<&str> = values["brctl.log"].split('#').filter(|call| !call.is_empty()).collect();
    assert_eq!(
        calls,
        [
            "addbr br0",
            "vlanfiltering br0 on",
            "addif br0 eth0",
            "addif br0 eth1",
            "addvlan br0 eth0 10",
            "addvlan br0 eth0 20-30",
            "addvlan br0 eth0 5 pvid untagged",
            "addvlan br0 eth1 10",
            "addvlan br0 eth1 20-30",
            "addvlan br0 eth1 5 pvid untagged",
            "addbr br1",
            "vlanfiltering br1 off",
            "addif br1 eth2",
            "addvlan br1 eth2 7 pvid untagged",
            "addbr br2",
        ],
        "{values:#?}"
    );
    expect(
        &values,
        &[
            ("aware.rc", "0"),
            ("br0.up", "1"),
            ("br0.ports", "eth0 eth1"),
            ("pvid.rc", "0"),
            ("br1.ports", "eth2"),
            ("bad.rc", "0"),
            ("br2.exists", "yes"),
        ],
    );
    // bridge_vids without a port: nothing to apply, nothing said.
    expect(&values, &[("bad.err", "")]);
    if values["filtering"].is_empty() {
        // No VLAN filtering in this kernel: every VLAN command fails and is reported.
        let failed = |command: &str, message: &str, option: &str, bridge: &str| {
            format!("{message}|bridge {bridge}: {option}: 'brctl {command}' failed|")
        };
        let unsupported = "Operation not supported";
        let add = |bridge: &str, option: &str, command: &str| {
            failed(command, &format!("add vlan failed: {unsupported}"), option, bridge)
        };
        let aware = [
            failed(
                "vlanfiltering br0 on",
                &format!("set vlan filtering failed: {unsupported}"),
                "bridge_vlan_aware",
                "br0",
            ),
            add("br0", "bridge_vids", "addvlan br0 eth0 10"),
            add("br0", "bridge_vids", "addvlan br0 eth0 20-30"),
            add("br0", "bridge_pvid", "addvlan br0 eth0 5 pvid untagged"),
            add("br0", "bridge_vids", "addvlan br0 eth1 10"),
            add("br0", "bridge_vids", "addvlan br0 eth1 20-30"),
            add("br0", "bridge_pvid", "addvlan br0 eth1 5 pvid untagged"),
        ]
        .concat();
        let pvid = [
            failed(
                "vlanfiltering br1 off",
                &format!("set vlan filtering failed: {unsupported}"),
                "bridge_vlan_aware",
                "br1",
            ),
            "bridge br1: bridge_ports: no interface missing0|".to_string(),
            add("br1", "bridge_pvid", "addvlan br1 eth2 7 pvid untagged"),
        ]
        .concat();
        expect(&values, &[("aware.err", &aware), ("pvid.err", &pvid)]);
    } else {
        expect(
            &values,
            &[
                ("aware.err", ""),
                ("br0.vlan_filtering", "1"),
                ("pvid.err", "bridge br1: bridge_ports: no interface missing0|"),
                ("br1.vlan_filtering", "0"),
            ],
        );
    }
}

/// Shell that prints `<dev>.<file>=<value>` for the multicast sysfs values of a bridge and
/// the flags of its ports.
const MCAST_DUMP: &str = r#"
mcast_dump() {
  for f in multicast_snooping multicast_router multicast_querier multicast_query_use_ifaddr hash_max \
      multicast_last_member_count multicast_startup_query_count multicast_last_member_interval \
      multicast_membership_interval multicast_querier_interval multicast_query_interval \
      multicast_query_response_interval multicast_startup_query_interval; do
    echo "$1.$f=$(cat "/sys/class/net/$1/bridge/$f")"
  done
  for port in $(ls "/sys/class/net/$1/brif"); do
    for f in multicast_router multicast_fast_leave learning unicast_flood multicast_flood broadcast_flood \
        neigh_suppress; do
      echo "$port.$f=$(cat "/sys/class/net/$port/brport/$f")"
    done
  done
}
"#;

/// ifupdown2's multicast options and port flags become exactly these brctl calls: its yes/no
/// and disabled/automatic/enabled words as brctl's numbers, the bridge's settings before the
/// ports are added, per-port `PORT=VALUE` lists and a bare value for every port of
/// bridge_ports after. A value brctl or the kernel refuses is reported with its option, and
/// the rest still applies.
#[test]
fn multicast_options_become_exactly_these_brctl_calls() {
    let body = String::from("veth eth0\nveth eth1\nveth eth2\n")
        + MCAST_DUMP
        + &logging_brctl()
        + &hook(
            "up",
            "pre-up",
            &[
                ("IFACE", "br0"),
                ("IF_BRIDGE_PORTS", "eth0 eth1"),
                ("IF_BRIDGE_MCSNOOP", "yes"),
                ("IF_BRIDGE_MCROUTER", "2"),
                ("IF_BRIDGE_MCQUERIER", "no"),
                ("IF_BRIDGE_MCQIFADDR", "1"),
                ("IF_BRIDGE_HASHEL", "16"),
                ("IF_BRIDGE_HASHMAX", "1024"),
                ("IF_BRIDGE_MCLMC", "3"),
                ("IF_BRIDGE_MCSQC", "4"),
                ("IF_BRIDGE_MCLMI", "2"),
                ("IF_BRIDGE_MCMI", "300"),
                ("IF_BRIDGE_MCQPI", "200"),
                ("IF_BRIDGE_MCQI", "100"),
                ("IF_BRIDGE_MCQRI", "5"),
                ("IF_BRIDGE_MCSQI", "20"),
                ("IF_BRIDGE_PORTMCROUTER", "eth0=enabled eth1=0"),
                ("IF_BRIDGE_PORTMCFL", "eth1=yes"),
                ("IF_BRIDGE_LEARNING", "off"),
                ("IF_BRIDGE_UNICAST_FLOOD", "eth0=off"),
                ("IF_BRIDGE_MULTICAST_FLOOD", "eth1=no"),
                ("IF_BRIDGE_BROADCAST_FLOOD", "eth0=on"),
                ("IF_BRIDGE_ARP_ND_SUPPRESS", "eth1=on"),
                ("IF_BRIDGE_MAXWAIT", "0"),
            ],
        )
        + "echo \"brctl.log=$(tr '\\n' '#' <\"$T/brctl.log\")\"\n: >\"$T/brctl.log\"\n"
        + "mcast_dump br0\n"
        + &hook(
            "bad",
            "pre-up",
            &[
                ("IFACE", "br1"),
                ("IF_BRIDGE_PORTS", "eth2"),
                ("IF_BRIDGE_MCROUTER", "7"),
                ("IF_BRIDGE_MCQUERIER", "yes"),
                ("IF_BRIDGE_PORTMCROUTER", "eth2=bogus"),
                ("IF_BRIDGE_LEARNING", "eth9=off eth2=no"),
                ("IF_BRIDGE_MAXWAIT", "0"),
            ],
        )
        + "echo \"bad.log=$(tr '\\n' '#' <\"$T/brctl.log\")\"\n"
        + "mcast_dump br1\ndump br0 br1\n";
    let Some(values) = run("multicast_options", &body) else { return };
    let calls: Vec<&str> = values["brctl.log"].split('#').filter(|call| !call.is_empty()).collect();
    assert_eq!(
        calls,
        [
            "addbr br0",
            "setmcsnoop br0 1",
            "setmcrouter br0 2",
            "setmcquerier br0 0",
            "setmcqifaddr br0 1",
            "sethashel br0 16",
            "sethashmax br0 1024",
            "setmclmc br0 3",
            "setmcsqc br0 4",
            "setmclmi br0 2",
            "setmcmi br0 300",
            "setmcqpi br0 200",
            "setmcqi br0 100",
            "setmcqri br0 5",
            "setmcsqi br0 20",
            "addif br0 eth0",
            "addif br0 eth1",
            "setportmcrouter br0 eth0 2",
            "setportmcrouter br0 eth1 0",
            "setportmcfl br0 eth1 1",
            "learning br0 eth0 off",
            "learning br0 eth1 off",
            "flood br0 eth0 off",
            "mcflood br0 eth1 no",
            "bcflood br0 eth0 on",
            "neighsuppress br0 eth1 on",
        ],
        "{values:#?}"
    );
    expect(
        &values,
        &[
            ("up.rc", "0"),
            // sethashel's warning: the kernel ignores the value.
            ("up.err", "warning: kernels since Linux 5.0 ignore hash elasticity (it stays 16)|"),
            ("br0.up", "1"),
            ("br0.ports", "eth0 eth1"),
            ("br0.multicast_snooping", "1"),
            ("br0.multicast_router", "2"),
            ("br0.multicast_querier", "0"),
            ("br0.multicast_query_use_ifaddr", "1"),
            ("br0.hash_max", "1024"),
            ("br0.multicast_last_member_count", "3"),
            ("br0.multicast_startup_query_count", "4"),
            ("br0.multicast_last_member_interval", "200"),
            ("br0.multicast_membership_interval", "30000"),
            ("br0.multicast_querier_interval", "20000"),
            ("br0.multicast_query_interval", "10000"),
            ("br0.multicast_query_response_interval", "500"),
            ("br0.multicast_startup_query_interval", "2000"),
            ("eth0.multicast_router", "2"),
            ("eth1.multicast_router", "0"),
            ("eth0.multicast_fast_leave", "0"),
            ("eth1.multicast_fast_leave", "1"),
            ("eth0.learning", "0"),
            ("eth1.learning", "0"),
            ("eth0.unicast_flood", "0"),
            ("eth1.unicast_flood", "1"),
            ("eth0.multicast_flood", "1"),
            ("eth1.multicast_flood", "0"),
            ("eth0.broadcast_flood", "1"),
            ("eth0.neigh_suppress", "0"),
            ("eth1.neigh_suppress", "1"),
        ],
    );
    // The refusals, each with its option; the rest applies and the bridge comes up.
    expect(
        &values,
        &[
            (
                "bad.log",
                "addbr br1#setmcrouter br1 7#setmcquerier br1 1#addif br1 eth2#setportmcrouter br1 eth2 bogus#\
                 learning br1 eth9 off#learning br1 eth2 no#",
            ),
            ("bad.rc", "0"),
            (
                "bad.err",
                "set multicast router failed: Invalid argument|\
                 bridge br1: bridge_mcrouter: 'brctl setmcrouter br1 7' failed|\
                 bad router 'bogus': expected a whole number (decimal, 0x hex or 0 octal) with no sign|\
                 bridge br1: bridge_portmcrouter: 'brctl setportmcrouter br1 eth2 bogus' failed|\
                 interface eth9 does not exist!|\
                 bridge br1: bridge_learning: 'brctl learning br1 eth9 off' failed|",
            ),
            ("br1.up", "1"),
            ("br1.ports", "eth2"),
            ("br1.multicast_router", "1"),
            ("br1.multicast_querier", "1"),
            ("eth2.multicast_router", "1"),
            ("eth2.learning", "0"),
        ],
    );
}

/// A value brctl refuses in bridge_vids or bridge_pvid is reported with brctl's own message
/// and the option it came from; the others still apply.
#[test]
fn a_bad_vlan_id_is_reported_with_its_option() {
    let body = String::from("veth eth0\n")
        + &logging_brctl()
        + &hook(
            "up",
            "pre-up",
            &[
                ("IFACE", "br0"),
                ("IF_BRIDGE_PORTS", "eth0"),
                ("IF_BRIDGE_VIDS", "0 10-5 12"),
                ("IF_BRIDGE_PVID", "4095"),
                ("IF_BRIDGE_MAXWAIT", "0"),
            ],
        )
        + "echo \"brctl.log=$(tr '\\n' '#' <\"$T/brctl.log\")\"\n"
        + "dump br0\n";
    let Some(values) = run("bad_vlan_id", &body) else { return };
    expect(
        &values,
        &[
            ("up.rc", "0"),
            ("br0.ports", "eth0"),
            (
                "brctl.log",
                "addbr br0#addif br0 eth0#addvlan br0 eth0 0#addvlan br0 eth0 10-5#addvlan br0 eth0 12#\
                 addvlan br0 eth0 4095 pvid untagged#",
            ),
        ],
    );
    let err = &values["up.err"];
    for needle in [
        "bad vlan id '0': allowed range is 1 to 4094|bridge br0: bridge_vids: 'brctl addvlan br0 eth0 0' failed|",
        "bad vlan id '10-5': the first vlan id is above the last|bridge br0: bridge_vids: 'brctl addvlan br0 eth0 10-5' failed|",
        "bad vlan id '4095': allowed range is 1 to 4094|bridge br0: bridge_pvid: 'brctl addvlan br0 eth0 4095 pvid untagged' failed|",
    ] {
        assert!(err.contains(needle), "stderr lacks {needle:?}: {err:?}");
    }
}

#[test]
fn bridge_ports_all_regex_noregex_and_none() {
    let body = String::from(
        "for dev in eth0 eth1 em1 p1p1 vif1.0 vif2.0 ext0 other0 ethx9; do veth $dev; done\n\
         ip link add br9 type bridge\nip link set ethx9 master br9\n",
    ) + &hook("mixed", "pre-up", &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "all regex vif1.* noregex ext0")])
        + &hook("regex", "pre-up", &[("IFACE", "br1"), ("IF_BRIDGE_PORTS", "regex vif[0-9]\\.0")])
        + &hook("none", "pre-up", &[("IFACE", "br2"), ("IF_BRIDGE_PORTS", "none")])
        + "dump br0 br1 br2\n";
    let Some(values) = run("bridge_ports_forms", &body) else { return };
    expect(
        &values,
        &[
            ("mixed.rc", "0"),
            ("mixed.err", ""),
            // all = eth.* em.* p[0-9].* on whole names: not the peers (peth0...), not ethx9
            // (a port of br9), not other0.
            ("br0.ports", "em1 eth0 eth1 ext0 p1p1 vif1.0"),
            ("regex.rc", "0"),
            ("regex.err", ""),
            // vif1.0 is a port of br0 already.
            ("br1.ports", "vif2.0"),
            ("none.rc", "0"),
            ("br2.exists", "yes"),
            ("br2.ports", ""),
        ],
    );
}

#[test]
fn classic_xen_stanza_stp_off_no_delay_address_of_a_port() {
    let body = String::from("veth eth0\nip link set eth0 address 02:00:00:00:bb:07\n")
        + &hook(
            "up",
            "pre-up",
            &[
                ("IFACE", "xenbr0"),
                ("IF_BRIDGE_PORTS", "eth0"),
                ("IF_BRIDGE_STP", "off"),
                ("IF_BRIDGE_FD", "0"),
                ("IF_BRIDGE_HW", "eth0"),
            ],
        )
        + "dump xenbr0 eth0\n";
    let Some(values) = run("xen_stanza", &body) else { return };
    expect(
        &values,
        &[
            ("up.rc", "0"),
            ("up.err", ""),
            ("xenbr0.stp_state", "0"),
            ("xenbr0.forward_delay", "0"),
            ("xenbr0.address", "02:00:00:00:bb:07"),
            ("xenbr0.ports", "eth0"),
            ("eth0.state", "3"),
        ],
    );
}

/// Debian's bridge_hw becomes exactly `brctl sethwaddr` (docs/compat.md section 11): a MAC or
/// any interface's address (not only a port's), set before the ports come and kept when the
/// port whose address it was leaves; one that brctl refuses is reported with its option.
#[test]
fn bridge_hw_becomes_sethwaddr() {
    let body = String::from("veth eth0\nveth eth1\nveth eth3\nip link set eth3 address 02:00:00:00:cc:03\n")
        + "ip link set eth0 address 02:00:00:00:cc:01\nip link set eth1 address 02:00:00:00:cc:02\n"
        + &logging_brctl()
        + &hook("mac", "pre-up", &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "eth0"), ("IF_BRIDGE_HW", "2:0:0:0:cc:9")])
        + &hook("other", "pre-up", &[("IFACE", "br1"), ("IF_BRIDGE_PORTS", "eth1"), ("IF_BRIDGE_HW", "eth3")])
        + &hook("missing", "pre-up", &[("IFACE", "br2"), ("IF_BRIDGE_PORTS", "none"), ("IF_BRIDGE_HW", "nosuch")])
        + "echo \"brctl.log=$(tr '\\n' '#' <\"$T/brctl.log\")\"\n"
        + "dump br0 br1\nbrctl delif br1 eth1\necho \"left=$(cat /sys/class/net/br1/address)\"\n";
    let Some(values) = run("bridge_hw", &body) else { return };
    let calls: Vec<&str> = values["brctl.log"].split('#').filter(|call| !call.is_empty()).collect();
    assert_eq!(
        calls,
        [
            "addbr br0",
            "sethwaddr br0 2:0:0:0:cc:9",
            "addif br0 eth0",
            "addbr br1",
            "sethwaddr br1 eth3",
            "addif br1 eth1",
            "addbr br2",
            "sethwaddr br2 nosuch",
        ],
        "{values:#?}"
    );
    expect(
        &values,
        &[
            ("mac.rc", "0"),
            ("mac.err", ""),
            ("br0.address", "02:00:00:00:cc:09"),
            ("other.rc", "0"),
            ("other.err", ""),
            ("br1.address", "02:00:00:00:cc:03"),
            ("left", "02:00:00:00:cc:03"),
            ("missing.rc", "0"),
            (
                "missing.err",
                "interface nosuch does not exist!|bridge br2: bridge_hw: 'brctl sethwaddr br2 nosuch' failed|",
            ),
        ],
    );
}

#[test]
fn stp_on_with_zero_delay_is_clamped_and_other_words_turn_stp_off() {
    let body = String::from("veth eth0\n")
        + &hook(
            "on",
            "pre-up",
            &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "eth0"), ("IF_BRIDGE_STP", "yes"), ("IF_BRIDGE_FD", "0")],
        )
        + &hook("maybe", "pre-up", &[("IFACE", "br1"), ("IF_BRIDGE_PORTS", "none"), ("IF_BRIDGE_STP", "maybe")])
        + "dump br0 br1\n";
    let Some(values) = run("stp_words", &body) else { return };
    expect(
        &values,
        &[
            ("on.rc", "0"),
            ("on.err", ""),
            ("br0.stp_state", "1"),
            // Set while STP was off, then the kernel clamps it when STP comes on.
            ("br0.forward_delay", "200"),
            ("maybe.rc", "0"),
            ("br1.stp_state", "0"),
        ],
    );
}

#[test]
fn maxwait_waits_until_the_ports_forward() {
    let body = String::from("veth eth0\n")
        + "start=$(date +%s)\n"
        + &hook(
            "up",
            "pre-up",
            &[
                ("IFACE", "br0"),
                ("IF_BRIDGE_PORTS", "eth0"),
                ("IF_BRIDGE_STP", "on"),
                ("IF_BRIDGE_FD", "2"),
                ("IF_BRIDGE_MAXWAIT", "20"),
            ],
        )
        + "echo \"waited=$(( $(date +%s) - start ))\"\n"
        + "dump eth0\n";
    let Some(values) = run("maxwait", &body) else { return };
    expect(&values, &[("up.rc", "0"), ("up.err", ""), ("eth0.state", "3")]);
    let waited: u64 = values["waited"].parse().expect("seconds");
    // Listening then learning, 2 s each; well before the 20 s limit.
    assert!((3..15).contains(&waited), "waited {waited} s");
}

#[test]
fn waitport_waits_for_a_late_port() {
    let body = String::from("(sleep 1; ip link add late0 type veth peer name plate0) &\n")
        + &hook(
            "up",
            "pre-up",
            &[("IFACE", "br0"), ("IF_BRIDGE_PORTS", "late0"), ("IF_BRIDGE_WAITPORT", "10"), ("IF_BRIDGE_MAXWAIT", "0")],
        )
        + &hook(
            "never",
            "pre-up",
            &[
                ("IFACE", "br1"),
                ("IF_BRIDGE_PORTS", "none"),
                ("IF_BRIDGE_WAITPORT", "1 ghost0"),
                ("IF_BRIDGE_MAXWAIT", "0"),
            ],
        )
        + "wait\ndump br0 br1\n";
    let Some(values) = run("waitport", &body) else { return };
    expect(
        &values,
        &[
            ("up.rc", "0"),
            ("up.err", ""),
            ("br0.ports", "late0"),
            ("never.rc", "0"),
            ("never.err", "bridge br1: bridge_waitport: still missing: ghost0|"),
            ("br1.exists", "yes"),
        ],
    );
}

#[test]
fn a_refused_setting_is_reported_and_the_rest_still_applies() {
    let body = String::from("veth eth0\n")
        + &hook(
            "up",
            "pre-up",
            &[
                ("IFACE", "br0"),
                ("IF_BRIDGE_PORTS", "eth0 missing0"),
                ("IF_BRIDGE_HELLO", "99"),
                ("IF_BRIDGE_AGEING", "60"),
                ("IF_BRIDGE_PATHCOST", "eth0"),
            ],
        )
        + "dump br0\n";
    let Some(values) = run("refused_setting", &body) else { return };
    expect(&values, &[("up.rc", "0"), ("br0.ports", "eth0"), ("br0.ageing_time", "6000"), ("br0.hello_time", "200")]);
    let err = &values["up.err"];
    for needle in ["bridge_hello: 'brctl sethello br0 99' failed", "no interface missing0", "bridge_pathcost: 'eth0'"] {
        assert!(err.contains(needle), "stderr lacks {needle:?}: {err:?}");
    }
}

#[test]
fn stanzas_without_bridge_ports_and_other_phases_are_left_alone() {
    let body = String::from("veth eth0\nip link add notbr type veth peer name pnotbr\n")
        + &hook("plain", "pre-up", &[("IFACE", "eth0"), ("IF_ADDRESS", "192.0.2.1/24")])
        + "env -i PATH=\"$PATH\" IFACE=br5 MODE=stop PHASE=pre-up IF_BRIDGE_PORTS=eth0 \"$HOOKS/if-pre-up.d/bridge\"; echo wrongmode.rc=$?\n"
        + &hook("notbridge", "pre-up", &[("IFACE", "notbr"), ("IF_BRIDGE_PORTS", "eth0")])
        + &hook("downplain", "post-down", &[("IFACE", "eth0")])
        + "dump eth0 br5 notbr\n";
    let Some(values) = run("left_alone", &body) else { return };
    expect(
        &values,
        &[
            ("plain.rc", "0"),
            ("plain.err", ""),
            ("wrongmode.rc", "0"),
            ("br5.exists", "no"),
            // An interface of that name that is not a bridge: ifup must fail.
            ("notbridge.rc", "1"),
            ("notbridge.err", "bridge notbr: exists and is not a bridge|"),
            ("downplain.rc", "0"),
            ("eth0.exists", "yes"),
            ("eth0.master", "-"),
        ],
    );
}

#[test]
fn hooks_without_brctl_on_path_do_nothing() {
    let body = "veth eth0\n\
        env -i PATH=/nonexistent IFACE=br0 MODE=start PHASE=pre-up IF_BRIDGE_PORTS=eth0 \
        /bin/sh \"$HOOKS/if-pre-up.d/bridge\"; echo up.rc=$?\n\
        env -i PATH=/nonexistent IFACE=br0 MODE=stop PHASE=post-down IF_BRIDGE_PORTS=eth0 \
        /bin/sh \"$HOOKS/if-post-down.d/bridge\"; echo down.rc=$?\n\
        dump br0\n";
    let Some(values) = run("no_brctl", body) else { return };
    expect(&values, &[("up.rc", "0"), ("down.rc", "0"), ("br0.exists", "no")]);
}

/// Where ifupdown's PATH for its hooks (`/usr/local/sbin:/usr/local/bin:/usr/sbin:...`) looks
/// first, and the original's place.
const LOCAL_SBIN: &str = "/usr/local/sbin";

/// Shell for the real-ifupdown test: `$T/brctl` logs its arguments and what `ours -V` says to
/// `$T/brctl.log`, then runs ours as `brctl` (argv[0]); it is bind-mounted over the original's
/// /usr/sbin/brctl when there is one, and a directory holding it over /usr/local/sbin (first on
/// ifupdown's PATH: enough where bridge-utils is absent). Both mounts live in the namespace's
/// own mount namespace, invisible to the host.
fn ours_where_ifupdown_looks(ours: &Path) -> String {
    let ours = quote(&ours.to_string_lossy());
    format!(
        "cat >\"$T/brctl\" <<EOF\n\
         #!/bin/bash\n\
         printf '%s|%s\\n' \"\\$({ours} -V)\" \"\\$*\" >>'$T/brctl.log'\n\
         exec -a brctl {ours} \"\\$@\"\n\
         EOF\n\
         chmod 755 \"$T/brctl\"\n\
         mkdir \"$T/local-sbin\"\n\
         cp \"$T/brctl\" \"$T/local-sbin/brctl\"\n\
         if [ -e {original} ]; then mount --bind \"$T/brctl\" {original} || exit 93; fi\n\
         if [ -d {LOCAL_SBIN} ]; then mount --bind \"$T/local-sbin\" {LOCAL_SBIN} || exit 94; fi\n",
        original = ORIGINAL_PATH,
    )
}

/// The real ifup and ifdown, reading an interfaces file, with the hooks in a private
/// /etc/network (a bind mount inside the namespace's own mount namespace), and ours where the
/// hooks look for brctl (`ours_where_ifupdown_looks`): every brctl the hooks ran must be ours.
#[test]
fn real_ifup_and_ifdown_run_the_hooks() {
    let name = "real_ifup_and_ifdown_run_the_hooks";
    let Some(ifup) = ["/usr/sbin/ifup", "/sbin/ifup"].into_iter().find(|path| Path::new(path).exists()) else {
        skip::skip(name, "ifup is missing (apt-get install ifupdown)");
        return;
    };
    if !Path::new(LOCAL_SBIN).is_dir() && !Path::new(ORIGINAL_PATH).exists() {
        skip::skip(name, format!("neither {LOCAL_SBIN} nor {ORIGINAL_PATH} exists to put ours in their place"));
        return;
    }
    if !Path::new("/bin/bash").exists() {
        skip::skip(name, "/bin/bash is missing (the brctl wrapper that logs uses `exec -a`)");
        return;
    }
    let ifdown = ifup.replace("ifup", "ifdown");
    let interfaces = "\
iface br0 inet manual
    bridge_ports eth0 eth1
    bridge_stp on
    bridge_fd 3
    bridge_pathcost eth1 33
    bridge-mcsnoop no
    bridge-portmcfl eth1=yes
    bridge_maxwait 0
";
    let body = format!(
        "E=\"$T/etc-network\"\n\
         for d in if-pre-up.d if-up.d if-post-up.d if-pre-down.d if-down.d if-post-down.d; do mkdir -p \"$E/$d\"; done\n\
         cp \"$HOOKS/if-pre-up.d/bridge\" \"$E/if-pre-up.d/bridge\"\n\
         cp \"$HOOKS/if-post-down.d/bridge\" \"$E/if-post-down.d/bridge\"\n\
         chmod 755 \"$E/if-pre-up.d/bridge\" \"$E/if-post-down.d/bridge\"\n\
         printf '%s' {interfaces} >\"$T/interfaces\"\n\
         mkdir \"$T/state\"\n\
         mount --bind \"$E\" /etc/network || exit 92\n\
         {ours_in_place}\
         : >\"$T/brctl.log\"\n\
         veth eth0\nveth eth1\n\
         {ifup} -i \"$T/interfaces\" --state-dir=\"$T/state\" br0 >\"$T/ifup.log\" 2>&1; echo ifup.rc=$?\n\
         echo \"ifup.log=$(tr '\\n' '|' <\"$T/ifup.log\")\"\n\
         dump br0 eth1\n\
         {ifdown} -i \"$T/interfaces\" --state-dir=\"$T/state\" br0 >\"$T/ifdown.log\" 2>&1; echo ifdown.rc=$?\n\
         echo \"ifdown.log=$(tr '\\n' '|' <\"$T/ifdown.log\")\"\n\
         dump br0 | sed 's/^/after./'\n\
         echo \"brctl.log=$(tr '\\n' '#' <\"$T/brctl.log\")\"\n",
        interfaces = quote(interfaces),
        ours_in_place = ours_where_ifupdown_looks(&common::ours()),
    );
    let Some(values) = run("real_ifup", &body) else { return };
    // Every brctl the hooks ran was ours, and each hook ran it: pre-up built the bridge,
    // post-down took it apart.
    let log = values.get("brctl.log").cloned().unwrap_or_default();
    let calls: Vec<&str> = log.split('#').filter(|call| !call.is_empty()).collect();
    let version = Command::new(common::ours()).arg("-V").output().expect("ours -V").stdout;
    let version = String::from_utf8_lossy(&version).trim_end().to_string();
    assert!(
        calls.iter().all(|call| call.starts_with(&format!("{version}|"))),
        "a brctl other than ours ran: {calls:#?}"
    );
    let ran = |args: &str| calls.iter().any(|call| call.split_once('|').map(|(_, rest)| rest) == Some(args));
    // ifupdown2's spelling (bridge-mcsnoop) reaches the hook as IF_BRIDGE_MCSNOOP too.
    for args in [
        "addbr br0",
        "addif br0 eth0",
        "addif br0 eth1",
        "stp br0 on",
        "setfd br0 3",
        "setmcsnoop br0 0",
        "setportmcfl br0 eth1 1",
        "delbr br0",
    ] {
        assert!(ran(args), "the hooks did not run ours as `brctl {args}`: {calls:#?}");
    }
    expect(
        &values,
        &[
            ("ifup.rc", "0"),
            ("ifup.log", ""),
            ("br0.up", "1"),
            ("br0.ports", "eth0 eth1"),
            ("br0.stp_state", "1"),
            ("br0.forward_delay", "300"),
            ("eth1.path_cost", "33"),
            ("ifdown.rc", "0"),
            ("ifdown.log", ""),
            ("after.br0.exists", "no"),
        ],
    );
}
