//! Differential tests for the read commands on live bridges: `showstp`, `showmacs` and `show`
//! with STP running, static, permanent and learned FDB entries, more than 256 ports, errors,
//! and the per-read fallback from netlink to sysfs (compat reference 4.10 to 4.12, 5, D5).
//!
//! Each scenario runs once, in one throwaway namespace, with ours as `brctl`; the original runs
//! in the same namespace (`Scenario::brctl_original`). Every read is run by ours three times,
//! with BRCTL_BACKEND unset, `netlink` and `sysfs`, each time between two runs of the original:
//! original, ours, original, ours, original, ours, original. All of them read the same kernel
//! state, milliseconds apart, so STP states, flags and FDB contents must match byte for byte.
//! Running timers must lie within 0.05 s of the range spanned by the original's readings just
//! before and just after ours (`compare::compare_showstp_between`,
//! `compare::compare_showmacs_between`); a timer only moves one way between resets, so that
//! holds however slowly a loaded machine runs the commands. Captures are placed well inside
//! an STP phase, away from transitions and periodic timer expiries, and the original's output
//! is checked to show the intended state; if it does not (a machine too loaded for the
//! timeline), the scenario is run again, up to `ATTEMPTS` times, and then fails as a lab
//! problem rather than as a difference.

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

use common::compare::{
    compare_showmacs, compare_showmacs_between, compare_showstp, compare_showstp_between, TIMER_TOLERANCE_CS,
};
use common::lab::{Topology, BRIEF_IPV6, NO_IPV6, TWO_BRIDGES};
use common::namespace::lab_ready;
use common::{assert_same, original, ours, Run, Scenario};
use std::fmt::Write as _;

/// Environment for each way ours is run: BRCTL_BACKEND unset, netlink, sysfs.
const BACKENDS: &[&[(&str, &str)]] = &[&[], &[("BRCTL_BACKEND", "netlink")], &[("BRCTL_BACKEND", "sysfs")]];

/// The test hook that makes every netlink read of ours fail as if the kernel had no answer.
const NO_NETLINK_READS: (&str, &str) = ("BRCTL_TEST_NETLINK_READS", "off");

/// Shell recording the time origin of an STP timeline (the moment the bridges came up).
const MARK_T0: &str = "date +%s%N >\"$T/t0\"";

/// Shell that sleeps until `ms` milliseconds after the `MARK_T0` mark, or not at all if that
/// moment has passed (a loaded machine; the expectations then tell whether the states were
/// still caught).
fn wait_until_ms(ms: u64) -> String {
    format!(
        "now=$(date +%s%N); left=$(( ($(cat \"$T/t0\") + {ms}000000 - now) / 1000000 )); \
         if [ $left -gt 0 ]; then sleep $(( left / 1000 )).$(printf %03d $(( left % 1000 ))); \
         else echo \"lab: timeline {ms} ms overrun by $(( -left )) ms\" >&2; fi"
    )
}

/// How often a scenario is run when the original's output shows that it missed the state it
/// is about (on a heavily loaded machine, a timeline can be overrun).
const ATTEMPTS: usize = 3;

/// How ours' stdout is compared with the original's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    /// Byte for byte.
    Exact,
    /// `compare_showstp_between`: running timers within tolerance, the rest byte for byte.
    Showstp,
    /// `compare_showmacs_between`: non-local ageing timers within tolerance, rows with equal
    /// MACs in any order, the rest byte for byte.
    Showmacs,
    /// Like `Showmacs` after reducing ours' port numbers modulo 256, as the original prints
    /// them (D5: ours prints the true port number).
    ShowmacsPortsMod256,
}

/// One invocation of ours and the original's invocations just before and just after it.
struct Pair {
    original: usize,
    ours: usize,
    original_after: usize,
    compare: Compare,
}

/// A scenario whose reads are run by the original and ours back to back.
struct Lab {
    scenario: Scenario,
    pairs: Vec<Pair>,
    /// (original invocation, text its stdout must contain): proof the scenario reached the
    /// state it is about.
    expectations: Vec<(usize, String)>,
    /// The pairs added by the last `read`, for `expect`.
    last_read: std::ops::Range<usize>,
}

impl Lab {
    fn new(name: &str) -> Lab {
        Lab { scenario: Scenario::new(name), pairs: Vec::new(), expectations: Vec::new(), last_read: 0..0 }
    }

    /// Applies builder calls that add setup or shell steps (not brctl invocations).
    fn with(mut self, build: impl FnOnce(Scenario) -> Scenario) -> Lab {
        let before = self.scenario.invocations().len();
        self.scenario = build(self.scenario);
        assert_eq!(before, self.scenario.invocations().len(), "Lab::with must not add brctl invocations");
        self
    }

    fn shell(self, snippet: &str) -> Lab {
        self.with(|scenario| scenario.shell(snippet))
    }

    /// The read by ours once per backend, each between two reads by the original.
    fn read(self, compare: Compare, args: &[&str]) -> Lab {
        self.read_with(compare, BACKENDS, &[], args)
    }

    /// The read by ours with `env` plus each of `backends` in turn, each one between two
    /// reads by the original: original, ours, original, ours, ..., original.
    fn read_with(mut self, compare: Compare, backends: &[&[(&str, &str)]], env: &[(&str, &str)], args: &[&str]) -> Lab {
        self.last_read = self.pairs.len()..self.pairs.len() + backends.len();
        for backend in backends {
            let original = self.scenario.invocations().len();
            let ours_env: Vec<(&str, &str)> = env.iter().chain(backend.iter()).copied().collect();
            self.scenario = self.scenario.brctl_original(args).brctl_env(&ours_env, args);
            self.pairs.push(Pair { original, ours: original + 1, original_after: original + 2, compare });
        }
        self.scenario = self.scenario.brctl_original(args);
        self
    }

    /// A read by ours alone; its outcome will be at `*index` of `Run::outcomes`.
    fn ours_only(mut self, env: &[(&str, &str)], args: &[&str], index: &mut usize) -> Lab {
        *index = self.scenario.invocations().len();
        self.scenario = self.scenario.brctl_env(env, args);
        self
    }

    /// Requires the original's stdout of the last `read` (every backend round) to contain
    /// each of `needles`.
    fn expect(mut self, needles: &[&str]) -> Lab {
        for pair in &self.pairs[self.last_read.clone()] {
            for needle in needles {
                self.expectations.push((pair.original, needle.to_string()));
            }
        }
        self
    }

    /// Runs the scenario and asserts that ours matches the original on every read. None when
    /// the lab or the proven original is unavailable (skip).
    fn check(self) -> Option<(Scenario, Run)> {
        original::require(&self.scenario.name)?;
        if !lab_ready(&self.scenario.name) {
            return None;
        }
        let invocations = self.scenario.invocations();
        let mut attempt = 1;
        let run = loop {
            let started = std::time::Instant::now();
            let run = self.scenario.run(&ours());
            if std::env::var_os("BRCTL_LAB_VERBOSE").is_some() {
                eprintln!("== scenario {} ran in {:?}", self.scenario.name, started.elapsed());
                for (invocation, outcome) in invocations.iter().zip(&run.outcomes) {
                    eprintln!("{}\n  {outcome:?}", invocation.display());
                }
            }
            let mut lab_problems = String::new();
            for (index, needle) in &self.expectations {
                let outcome = &run.outcomes[*index];
                if !outcome.stdout_text().contains(needle.as_str()) {
                    let _ = writeln!(
                        lab_problems,
                        "{}: the original's stdout lacks {needle:?}:\n{}",
                        invocations[*index].display(),
                        outcome.stdout_text()
                    );
                }
            }
            if lab_problems.is_empty() {
                break run;
            }
            let summary = format!(
                "scenario {:?}, attempt {attempt} of {ATTEMPTS}, did not reach the state it is about \
                 (lab timing on a loaded machine?)",
                self.scenario.name
            );
            if attempt == ATTEMPTS {
                panic!("{summary}:\n{lab_problems}");
            }
            eprintln!("{summary}; running it again");
            attempt += 1;
        };

        let mut report = String::new();
        let mut failed = 0;
        for pair in &self.pairs {
            let (want, got) = (&run.outcomes[pair.original], &run.outcomes[pair.ours]);
            let want_after = &run.outcomes[pair.original_after];
            let mut problems = String::new();
            let tolerance = TIMER_TOLERANCE_CS;
            let stdout_verdict = match pair.compare {
                Compare::Exact if got.stdout == want.stdout || got.stdout == want_after.stdout => Ok(()),
                Compare::Exact => Err(anyhow::anyhow!(
                    "differs (- original, + ours):\n{}",
                    common::line_diff(&want.stdout_text(), &got.stdout_text())
                )),
                Compare::Showstp => compare_showstp_between(&want.stdout, &want_after.stdout, &got.stdout, tolerance),
                Compare::Showmacs => compare_showmacs_between(&want.stdout, &want_after.stdout, &got.stdout, tolerance),
                Compare::ShowmacsPortsMod256 => {
                    let mapped = showmacs_ports_mod_256(&got.stdout);
                    compare_showmacs_between(&want.stdout, &want_after.stdout, &mapped, tolerance)
                }
            };
            if let Err(why) = stdout_verdict {
                let _ = writeln!(problems, "  stdout {why}");
            }
            if want.stderr != got.stderr {
                let _ = writeln!(problems, "  stderr original: {:?}", want.stderr_text());
                let _ = writeln!(problems, "  stderr ours:     {:?}", got.stderr_text());
            }
            if want.rc != got.rc {
                let _ = writeln!(problems, "  rc original: {}  ours: {}", want.rc, got.rc);
            }
            if !problems.is_empty() {
                failed += 1;
                let _ = writeln!(report, "{}:\n{problems}", invocations[pair.ours].display());
            }
        }
        if failed > 0 {
            panic!(
                "scenario {:?}: {failed} of {} reads of ours differ from the original\nsetup:\n{}\n{report}",
                self.scenario.name,
                self.pairs.len(),
                self.scenario.setup
            );
        }
        Some((self.scenario, run))
    }
}

/// Ours' showmacs with each row's port number reduced modulo 256, as the original prints it.
fn showmacs_ports_mod_256(stdout: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(stdout);
    let mut mapped = String::new();
    for (number, line) in text.split_inclusive('\n').enumerate() {
        match line.split_once('\t') {
            Some((port, rest)) if number > 0 && port.trim_start().parse::<u32>().is_ok() => {
                let port: u32 = port.trim_start().parse().unwrap_or_default();
                let _ = write!(mapped, "{:3}\t{rest}", port % 256);
            }
            _ => mapped.push_str(line),
        }
    }
    mapped.into_bytes()
}

// ---------------------------------------------------------------------------------------------
// 1. STP off, tuned times and priorities, hairpin

#[test]
fn stp_off_tuned_bridge() {
    Lab::new("stp_off_tuned_bridge")
        .with(|scenario| {
            scenario
                .setup(NO_IPV6)
                .bridge("br0", 0x01)
                .veth("v0", 0x0a)
                .veth("v1", 0x0b)
                .enslave("v0", "br0")
                .enslave("v1", "br0")
                .setup(
                    "ip link set br0 type bridge forward_delay 500 hello_time 300 max_age 1200 \
                     ageing_time 6000 priority 4096",
                )
                .setup("ip link set v0 type bridge_slave priority 10 cost 250")
                .setup("ip link set v1 type bridge_slave priority 40 cost 1000 hairpin on")
                // v1's peer stays down: v1 is disabled, v0 forwards (no STP: at once).
                .setup("ip link set v0p up; ip link set v0 up; ip link set v1 up; ip link set br0 up; sleep 0.3")
        })
        .read(Compare::Showstp, &["showstp", "br0"])
        .expect(&[
            " bridge id\t\t1000.020000000201\n",
            " max age\t\t  12.00\t\t\tbridge max age\t\t  12.00\n",
            " hello time\t\t   3.00\t\t\tbridge hello time\t   3.00\n",
            " forward delay\t\t   5.00\t\t\tbridge forward delay\t   5.00\n",
            " ageing time\t\t  60.00\n",
            "state\t\t     forwarding\n",
            "state\t\t       disabled\n",
            "path cost\t\t 250\n",
            "path cost\t\t1000\n",
            " hairpin mode\t\t   1\n",
        ])
        .read(Compare::Exact, &["show"])
        .read(Compare::Exact, &["show", "br0"])
        .check();
}

// ---------------------------------------------------------------------------------------------
// 2. STP on: listening, learning, forwarding and blocking
//
// Two bridges joined by two veth pairs (a loop); br0 has the lower priority, so it is the root
// and br1 blocks its port x1p. Observed timeline from t0 (both bridges up), with forward delay
// 3 s and max age 20 s:
// * t0+1 s: the first hello (hello time 1 s when the bridges came up, 10 s from then on, so the
//   next one comes at about t0+11 s). br1 takes br0 as root and blocks x1p. br0's reply to
//   br1's hello waits for the hold timer (CONFIG_PENDING) and goes out between t0+1.5 s and
//   t0+2.8 s (the hold timer is rounded to whole seconds of jiffies).
// * The other ports learn from t0+3 s and forward from t0+6 s, when br0 flags a topology
//   change. Kernel timers this long fire up to some 0.26 s late (timer wheel granularity), so
//   learning may start as late as t0+3.3 s and forwarding as late as t0+6.6 s.
// Captures at t0+0.5 s, t0+4.5 s and t0+7.2 s: the states they check hold for 0.5 s to 1.5 s
// after them. Should a slow machine's reads straddle an event anyway, the comparison copes
// (`compare_showstp_between`); only the check that the original shows the state can fail,
// and then the scenario runs again.

#[test]
fn stp_states_and_blocking() {
    let reads = |lab: Lab, expect_br0: &[&str], expect_br1: &[&str]| {
        lab.read(Compare::Showstp, &["showstp", "br0"])
            .expect(expect_br0)
            .read(Compare::Showstp, &["showstp", "br1"])
            .expect(expect_br1)
    };
    let mut lab = Lab::new("stp_states_and_blocking").with(|scenario| {
        scenario
            .setup(NO_IPV6)
            .bridge("br0", 0x01)
            .bridge("br1", 0x02)
            .veth("x0", 0x0a)
            .veth("x1", 0x0b)
            .enslave("x0", "br0")
            .enslave("x1", "br0")
            .enslave("x0p", "br1")
            .enslave("x1p", "br1")
            .setup(
                "for br in br0 br1; do \
                   ip link set $br type bridge stp_state 1 forward_delay 300 hello_time 100 max_age 2000; done",
            )
            .setup("ip link set br0 type bridge priority 4096")
            .setup("for dev in x0 x0p x1 x1p; do ip link set $dev up; done; sleep 0.1")
            .setup(&format!("ip link set br0 up; ip link set br1 up; {MARK_T0}"))
            .setup("for br in br0 br1; do ip link set $br type bridge hello_time 1000; done")
            .setup(&wait_until_ms(500))
    });
    lab = reads(
        lab,
        &[
            "\nx0 (1)\n port id\t\t8001\t\t\tstate\t\t      listening\n",
            "\nx1 (2)\n port id\t\t8002\t\t\tstate\t\t      listening\n",
        ],
        // x1p listens too, but blocks from t0+1 s on, which a slow machine may reach before
        // the last of these reads.
        &["\nx0p (1)\n port id\t\t8001\t\t\tstate\t\t      listening\n"],
    );
    lab = reads(
        lab.shell(&wait_until_ms(4500)),
        &[
            "\nx0 (1)\n port id\t\t8001\t\t\tstate\t\t       learning\n",
            "\nx1 (2)\n port id\t\t8002\t\t\tstate\t\t       learning\n",
        ],
        &[
            " designated root\t1000.020000000201\n",
            "\nx0p (1)\n port id\t\t8001\t\t\tstate\t\t       learning\n",
            "\nx1p (2)\n port id\t\t8002\t\t\tstate\t\t       blocking\n",
        ],
    );
    lab = reads(
        lab.shell(&wait_until_ms(7200)),
        &[
            " flags\t\t\tTOPOLOGY_CHANGE TOPOLOGY_CHANGE_DETECTED \n",
            "\nx0 (1)\n port id\t\t8001\t\t\tstate\t\t     forwarding\n",
            "\nx1 (2)\n port id\t\t8002\t\t\tstate\t\t     forwarding\n",
        ],
        &[
            " root port\t\t   1\t\t\tpath cost\t\t   2\n",
            "\nx0p (1)\n port id\t\t8001\t\t\tstate\t\t     forwarding\n",
            "\nx1p (2)\n port id\t\t8002\t\t\tstate\t\t       blocking\n",
        ],
    );
    lab.read(Compare::Exact, &["show"])
        .read(Compare::Showmacs, &["showmacs", "br0"])
        .read(Compare::Showmacs, &["showmacs", "br1"])
        .check();
}

// ---------------------------------------------------------------------------------------------
// 3. Bridges without ports

#[test]
fn bridges_without_ports() {
    Lab::new("bridges_without_ports")
        .with(|scenario| {
            scenario
                .setup(NO_IPV6)
                // br0 down; br1 up with STP (first hello 10 s away); br2 up without STP and with
                // a kernel-chosen MAC; br3 down with a kernel-chosen MAC.
                .bridge("br0", 0x01)
                .bridge("br1", 0x02)
                .setup("ip link set br1 type bridge stp_state 1 hello_time 1000; ip link set br1 up")
                .setup("ip link add br2 type bridge; ip link set br2 up")
                .setup("ip link add br3 type bridge; sleep 0.2")
        })
        .read(Compare::Showstp, &["showstp", "br0"])
        .read(Compare::Showstp, &["showstp", "br1"])
        .expect(&[" flags\t\t\t\n\n\n"])
        .read(Compare::Showstp, &["showstp", "br2"])
        .read(Compare::Showstp, &["showstp", "br3"])
        .read(Compare::Showmacs, &["showmacs", "br0"])
        .expect(&["port no\tmac addr\t\tis local?\tageing timer\n"])
        .read(Compare::Showmacs, &["showmacs", "br1"])
        .read(Compare::Showmacs, &["showmacs", "br2"])
        .read(Compare::Showmacs, &["showmacs", "br3"])
        .read(Compare::Exact, &["show"])
        .expect(&["br0\t\t8000.020000000201\tno\t\t\n", "br1\t\t8000.020000000202\tyes\t\t\n"])
        .read(Compare::Exact, &["show", "br3", "br1", "br2", "br0"])
        .check();
}

// ---------------------------------------------------------------------------------------------
// 4. More than 300 static and permanent FDB entries on two ports (more than two reads of 128)

#[test]
fn showmacs_many_static_entries() {
    Lab::new("showmacs_many_static_entries")
        .with(|scenario| {
            scenario
                .setup(NO_IPV6)
                .bridge("br0", 0x01)
                .veth("v0", 0x0a)
                .veth("v1", 0x0b)
                .enslave("v0", "br0")
                .enslave("v1", "br0")
                // 320 static entries alternating between the ports, added in an order that is
                // not the sorted one, then 40 permanent ones.
                .setup(
                    "i=0; while [ $i -lt 320 ]; do \
                       printf 'fdb add 02:%02x:aa:00:00:%02x dev v%d master static\\n' \
                         $((i % 256)) $((i / 256)) $((i % 2)); \
                       i=$((i + 1)); done >\"$T/fdb.batch\"; \
                     i=0; while [ $i -lt 40 ]; do \
                       printf 'fdb add 02:%02x:bb:00:00:00 dev v%d master\\n' $((i * 5)) $((i % 2)); \
                       i=$((i + 1)); done >>\"$T/fdb.batch\"; \
                     bridge -batch \"$T/fdb.batch\"",
                )
        })
        .read(Compare::Showmacs, &["showmacs", "br0"])
        .expect(&[
            "  1\t02:00:00:00:00:0a\tyes\t\t   0.00\n",
            "  2\t02:00:00:00:00:0b\tyes\t\t   0.00\n",
            "  1\t02:00:aa:00:00:00\tno\t\t   0.00\n  1\t02:00:aa:00:00:01\tno\t\t   0.00\n",
            "  1\t02:00:bb:00:00:00\tyes\t\t   0.00\n",
            "  2\t02:3f:aa:00:00:00\tno\t\t   0.00\n",
            "  2\t02:c3:bb:00:00:00\tyes\t\t   0.00\n",
        ])
        .read(Compare::Showmacs, &["showmacs", "br0", "extra"])
        .read(Compare::Exact, &["show"])
        .check();
}

/// Tens of thousands of entries: many netlink dump messages and many reads of brforward, all
/// of which must arrive (the original reads 128 records at a time).
#[test]
fn showmacs_tens_of_thousands_of_entries() {
    Lab::new("showmacs_tens_of_thousands_of_entries")
        .with(|scenario| {
            scenario
                .setup(NO_IPV6)
                .bridge("br0", 0x01)
                .veth("v0", 0x0a)
                .veth("v1", 0x0b)
                .enslave("v0", "br0")
                .enslave("v1", "br0")
                .setup(
                    "python3 -c \"\
for i in range(20000):\
    print('fdb add 0a:%02x:%02x:00:00:01 dev v%d master static' % (i >> 8, i & 255, i % 2))\
\" >\"$T/fdb.batch\"; bridge -batch \"$T/fdb.batch\"",
                )
        })
        .read(Compare::Showmacs, &["showmacs", "br0"])
        .expect(&["  1\t0a:00:00:00:00:01\tno\t\t   0.00\n", "  2\t0a:4e:1f:00:00:01\tno\t\t   0.00\n"])
        .check();
}

// ---------------------------------------------------------------------------------------------
// 5. Learned entries

#[test]
fn showmacs_learned_entries() {
    let lab = Lab::new("showmacs_learned_entries")
        .with(|scenario| {
            scenario
                .setup(NO_IPV6)
                .setup(BRIEF_IPV6)
                .bridge("br0", 0x01)
                .veth("v0", 0x0a)
                .veth("v1", 0x0b)
                .veth("v2", 0x0c)
                .enslave("v0", "br0")
                .enslave("v1", "br0")
                .enslave("v2", "br0")
                .setup("for dev in br0 v0 v1 v2 v0p v1p; do ip link set $dev up; done; sleep 0.3")
                // IPv6 on for the peers, with the bridge forwarding: their frames (DAD, MLD) are
                // learned on v0 and v1 within some 0.1 s, then all is quiet.
                .setup(
                    "for dev in v0p v1p; do echo 10 >/proc/sys/net/ipv6/neigh/$dev/retrans_time_ms; \
                     echo 0 >/proc/sys/net/ipv6/conf/$dev/disable_ipv6; done; sleep 0.4",
                )
                // An entry added as dynamic ages like a learned one.
                .setup("bridge fdb add 02:cc:00:00:00:01 dev v1 master dynamic; sleep 0.4")
        })
        .read(Compare::Showmacs, &["showmacs", "br0"])
        .expect(&[
            "  1\t02:00:00:00:00:0a\tyes\t\t   0.00\n",
            "  1\t02:00:00:00:01:0a\tno\t\t",
            "  2\t02:00:00:00:01:0b\tno\t\t",
            "  2\t02:cc:00:00:00:01\tno\t\t",
        ])
        .read(Compare::Exact, &["show"]);
    // The same entries a fixed second later: the timers have moved on, and still match.
    lab.shell("sleep 1")
        .read(Compare::Showmacs, &["showmacs", "br0"])
        .expect(&["  1\t02:00:00:00:01:0a\tno\t\t", "  2\t02:cc:00:00:00:01\tno\t\t"])
        .check();
}

// ---------------------------------------------------------------------------------------------
// 6. More than 256 ports

/// Ports of the many-ports scenario: v0 .. v259, enslaved in the order v0, v7, v14, ... (7k
/// mod 260), so port numbers follow neither the names' byte order nor their numeric order.
const MANY_PORTS: usize = 260;

/// The MAC of port v<i> in the many-ports scenario.
fn many_ports_mac(index: usize) -> String {
    format!("02:00:00:10:{:02x}:{:02x}", index / 256, index % 256)
}

#[test]
fn more_than_256_ports() {
    let mut truth = [0usize; 3];
    let mut lab = Lab::new("more_than_256_ports")
        .with(|scenario| {
            scenario.setup(NO_IPV6).bridge("br0", 0x01).setup(&format!(
                "n={MANY_PORTS}; i=0; while [ $i -lt $n ]; do \
                   printf 'link add v%d address 02:00:00:10:%02x:%02x type veth \
                     peer name v%dp address 02:00:00:11:%02x:%02x\\n' \
                     $i $((i / 256)) $((i % 256)) $i $((i / 256)) $((i % 256)); \
                   i=$((i + 1)); done >\"$T/links.batch\"; \
                 k=0; while [ $k -lt $n ]; do echo \"link set v$((k * 7 % n)) master br0\"; k=$((k + 1)); done \
                   >>\"$T/links.batch\"; \
                 ip -batch \"$T/links.batch\""
            ))
        })
        // The bridge is down, so no timer runs: byte for byte.
        .read(Compare::Exact, &["showstp", "br0"])
        .expect(&["\nv0 (1)\n", "\nv7 (2)\n", "\nv3 (", "\nv259 (", " (257)\n", " (260)\n"])
        .read(Compare::Exact, &["show"])
        .read(Compare::Exact, &["show", "br0"])
        .read(Compare::ShowmacsPortsMod256, &["showmacs", "br0"]);
    for (backend, index) in BACKENDS.iter().zip(truth.iter_mut()) {
        lab = lab.ours_only(backend, &["showmacs", "br0"], index);
    }
    // The lab's final state dump reads every brport file with a process of its own, some 10 s
    // for 260 ports, and deleting them takes as long. The reads changed nothing, so hide the
    // devices from the dump instead (this namespace's mounts are its own).
    lab = lab.shell("mount -t tmpfs lab-hide /sys/class/net");
    let Some((scenario, run)) = lab.check() else {
        return;
    };

    // The true port numbers, from the original's showstp (equal to ours, checked above).
    let showstp = run.outcomes[0].stdout_text();
    let mut port_of_mac = std::collections::HashMap::new();
    for line in showstp.lines() {
        let Some((name, rest)) = line.split_once(" (") else { continue };
        let (Some(index), Some(number)) = (
            name.strip_prefix('v').and_then(|index| index.parse::<usize>().ok()),
            rest.strip_suffix(')').and_then(|number| number.parse::<u32>().ok()),
        ) else {
            continue;
        };
        port_of_mac.insert(many_ports_mac(index), number);
    }
    assert_eq!(port_of_mac.len(), MANY_PORTS, "port numbers in the original's showstp:\n{showstp}");

    // D5: ours prints each port's own MAC with its true number, beyond 255 too.
    for index in truth {
        let invocation = scenario.invocations()[index].display();
        let outcome = &run.outcomes[index];
        assert_eq!(outcome.rc, 0, "{invocation}: {outcome:?}");
        let stdout = outcome.stdout_text();
        let mut seen = 0;
        let mut above_255 = 0;
        for row in stdout.lines().skip(1) {
            let fields: Vec<&str> = row.split('\t').collect();
            let Some(&want) = fields.get(1).and_then(|mac| port_of_mac.get(*mac)) else { continue };
            let got: u32 = fields[0].trim_start().parse().unwrap_or_else(|_| panic!("{invocation}: row {row:?}"));
            assert_eq!(got, want, "{invocation}: row {row:?} should show the true port number {want}");
            seen += 1;
            if got > 255 {
                above_255 += 1;
            }
        }
        assert_eq!(seen, MANY_PORTS, "{invocation}: every port's own MAC should be listed:\n{stdout}");
        assert_eq!(above_255, MANY_PORTS - 255, "{invocation}: ports 256 to {MANY_PORTS}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Errors

#[test]
fn read_errors() {
    Lab::new("read_errors")
        .with(|scenario| scenario.bridge("br0", 0x01).veth("v0", 0x0a).veth("v1", 0x0b).enslave("v0", "br0"))
        .read(Compare::Exact, &["showstp", "nosuch"])
        .read(Compare::Exact, &["showstp", "v0"])
        .read(Compare::Exact, &["showstp", "v1"])
        .read(Compare::Exact, &["showstp", "lo"])
        .read(Compare::Exact, &["showmacs", "nosuch"])
        .read(Compare::Exact, &["showmacs", "v0"])
        .read(Compare::Exact, &["showmacs", "v1"])
        .read(Compare::Exact, &["showmacs", "lo"])
        .read(Compare::Exact, &["show", "nosuch", "v0", "lo", "br0", "v1"])
        .check();
}

// ---------------------------------------------------------------------------------------------
// 8. Fallback: with netlink reads failing (test hook), auto falls back to sysfs per read

/// A live bridge with STP off (running gc timer), a disabled hairpin port, static and
/// permanent FDB entries, and a down bridge without ports.
fn fallback_setup(scenario: Scenario) -> Scenario {
    // The usual lab without v3, and v2 left free.
    let lab = Topology {
        veths: &[("v0", 0x0a), ("v1", 0x0b), ("v2", 0x0c)],
        ports: &[("v0", "br0"), ("v1", "br0")],
        ..TWO_BRIDGES
    };
    lab.apply(scenario.setup(NO_IPV6))
        .setup("ip link set v1 type bridge_slave hairpin on cost 77")
        .setup("bridge fdb add 02:aa:00:00:00:01 dev v0 master static; bridge fdb add 02:aa:00:00:00:02 dev v1 master")
        .setup("for dev in br0 v0 v1 v0p; do ip link set $dev up; done; sleep 0.5")
}

#[test]
fn fallback_to_sysfs_when_netlink_reads_fail() {
    let auto: &[&[(&str, &str)]] = &[&[], &[("BRCTL_BACKEND", "auto")], &[("BRCTL_BACKEND", "sysfs")]];
    let hook = &[NO_NETLINK_READS];
    let netlink_hooked = &[NO_NETLINK_READS, ("BRCTL_BACKEND", "netlink")];
    let mut failing = [0usize; 4];
    let mut lab = Lab::new("fallback_to_sysfs_when_netlink_reads_fail")
        .with(fallback_setup)
        .read_with(Compare::Exact, auto, hook, &["show"])
        .read_with(Compare::Exact, auto, hook, &["show", "br1", "nosuch", "br0", "v2"])
        .read_with(Compare::Showstp, auto, hook, &["showstp", "br0"])
        .expect(&[" hairpin mode\t\t   1\n", "state\t\t     forwarding\n"])
        .read_with(Compare::Showstp, auto, hook, &["showstp", "br1"])
        .read_with(Compare::Showmacs, auto, hook, &["showmacs", "br0"])
        .read_with(Compare::Showmacs, auto, hook, &["showmacs", "br1"])
        .read_with(Compare::Exact, auto, hook, &["showstp", "nosuch"])
        .read_with(Compare::Exact, auto, hook, &["showstp", "v2"])
        .read_with(Compare::Exact, auto, hook, &["showmacs", "nosuch"])
        .read_with(Compare::Exact, auto, hook, &["showmacs", "v2"]);
    let netlink_reads: [&[&str]; 4] = [&["show"], &["show", "br0"], &["showstp", "br0"], &["showmacs", "br0"]];
    for (args, index) in netlink_reads.iter().zip(failing.iter_mut()) {
        lab = lab.ours_only(netlink_hooked, args, index);
    }
    let Some((scenario, run)) = lab.check() else {
        return;
    };
    // With BRCTL_BACKEND=netlink there is nothing to fall back to: the reads fail.
    let mut report = String::new();
    for index in failing {
        let outcome = &run.outcomes[index];
        if outcome.rc != 1 || outcome.stderr.is_empty() {
            let _ = writeln!(
                report,
                "{}: expected exit 1 with an error on stderr, got {outcome:?}",
                scenario.invocations()[index].display()
            );
        }
    }
    assert!(report.is_empty(), "netlink reads switched off, BRCTL_BACKEND=netlink:\n{report}");
}

#[test]
fn fallback_writes_unaffected_by_failing_netlink_reads() {
    // Run by the original and by ours in separate namespaces; the state after each command
    // must be the same. Ours finds the devices through sysfs and changes them over netlink.
    let hook = &[NO_NETLINK_READS];
    assert_same(
        &Scenario::new("fallback_writes_unaffected_by_failing_netlink_reads")
            .veth("v0", 0x0a)
            .veth("v1", 0x0b)
            .brctl_env(hook, &["addbr", "br0"])
            .brctl_env(hook, &["addif", "br0", "v0", "v1"])
            .dump()
            .brctl_env(hook, &["setageing", "br0", "30"])
            .brctl_env(hook, &["setfd", "br0", "4"])
            .brctl_env(hook, &["sethello", "br0", "3"])
            .brctl_env(hook, &["setmaxage", "br0", "12"])
            .brctl_env(hook, &["setbridgeprio", "br0", "4096"])
            .brctl_env(hook, &["stp", "br0", "on"])
            .dump()
            .brctl_env(hook, &["setpathcost", "br0", "v0", "250"])
            .brctl_env(hook, &["setportprio", "br0", "v1", "20"])
            .brctl_env(hook, &["hairpin", "br0", "v1", "on"])
            .dump()
            .brctl_env(hook, &["delif", "br0", "v0"])
            .brctl_env(hook, &["show"])
            .dump()
            .brctl_env(hook, &["delbr", "br0"])
            .brctl_env(hook, &["delbr", "br0"]),
    );
}

// ---------------------------------------------------------------------------------------------
// The comparison helpers themselves (no namespace needed)

const SHOWSTP_SAMPLE: &str = concat!(
    "br0\n",
    " bridge id\t\t8000.020000000201\n",
    " ageing time\t\t 300.00\n",
    " hello timer\t\t   1.43\t\t\ttcn timer\t\t   0.00\n",
    " topology change timer\t   0.00\t\t\tgc timer\t\t 299.00\n",
    " flags\t\t\t\n",
    "\n",
    "\n",
    "v0 (1)\n",
    " designated root\t8000.020000000201\tpath cost\t\t   2\n",
    " designated bridge\t8000.020000000201\tmessage age timer\t   9.99\n",
    " designated port\t8001\t\t\tforward delay timer\t   0.00\n",
    " designated cost\t   0\t\t\thold timer\t\t   0.42\n",
    " flags\t\t\t\n",
    "\n",
);

fn showstp_with(from: &str, to: &str) -> Vec<u8> {
    assert!(SHOWSTP_SAMPLE.contains(from), "{from:?}");
    SHOWSTP_SAMPLE.replacen(from, to, 1).into_bytes()
}

#[test]
fn compare_showstp_tolerates_only_timers() {
    let sample = SHOWSTP_SAMPLE.as_bytes();
    let tolerance = TIMER_TOLERANCE_CS;
    compare_showstp(sample, sample, tolerance).unwrap();
    // Running timers may move by up to 0.05 s, in either direction, across a width change.
    for (from, to) in [
        ("   1.43", "   1.38"),
        ("   1.43", "   1.48"),
        (" 299.00", " 298.95"),
        ("   9.99", "  10.04"),
        ("   0.42", "   0.37"),
        ("tcn timer\t\t   0.00", "tcn timer\t\t   0.05"),
    ] {
        compare_showstp(sample, &showstp_with(from, to), tolerance)
            .unwrap_or_else(|err| panic!("{from:?} -> {to:?}: {err:#}"));
    }
    // More than that, or anything that is not a running timer, or a timer printed in another
    // format, is a difference.
    for (from, to) in [
        ("   1.43", "   1.49"),
        ("   9.99", "  10.05"),
        (" 300.00", " 300.01"),
        ("path cost\t\t   2", "path cost\t\t   3"),
        ("8000.020000000201\tmessage", "8000.020000000202\tmessage"),
        ("   1.43", "1.43"),
        ("   1.43", "   1.430"),
        ("   0.42", "   0.42 "),
        ("\t\t\ttcn timer", "\t\ttcn timer"),
        (" flags\t\t\t\n\n\n", " flags\t\t\tTOPOLOGY_CHANGE \n\n\n"),
        ("v0 (1)", "v0 (257)"),
    ] {
        assert!(compare_showstp(sample, &showstp_with(from, to), tolerance).is_err(), "{from:?} -> {to:?}");
    }
    assert!(compare_showstp(sample, &sample[..sample.len() - 1], tolerance).is_err());
}

const SHOWMACS_SAMPLE: &str = concat!(
    "port no\tmac addr\t\tis local?\tageing timer\n",
    "  1\t02:00:00:00:00:0a\tyes\t\t   0.00\n",
    "  2\t02:00:00:00:01:0a\tno\t\t   1.20\n",
    "  3\t02:00:00:00:01:0a\tno\t\t   4.00\n",
    "  1\t0a:00:00:00:00:01\tno\t\t   0.00\n",
);

fn showmacs_with(from: &str, to: &str) -> Vec<u8> {
    assert!(SHOWMACS_SAMPLE.contains(from), "{from:?}");
    SHOWMACS_SAMPLE.replacen(from, to, 1).into_bytes()
}

#[test]
fn compare_showmacs_tolerates_only_ageing_and_equal_mac_order() {
    let sample = SHOWMACS_SAMPLE.as_bytes();
    let tolerance = TIMER_TOLERANCE_CS;
    compare_showmacs(sample, sample, tolerance).unwrap();
    let swapped = concat!(
        "port no\tmac addr\t\tis local?\tageing timer\n",
        "  1\t02:00:00:00:00:0a\tyes\t\t   0.00\n",
        "  3\t02:00:00:00:01:0a\tno\t\t   4.02\n",
        "  2\t02:00:00:00:01:0a\tno\t\t   1.17\n",
        "  1\t0a:00:00:00:00:01\tno\t\t   0.00\n",
    );
    compare_showmacs(sample, swapped.as_bytes(), tolerance).unwrap();
    compare_showmacs(sample, &showmacs_with("   1.20", "   1.25"), tolerance).unwrap();
    for (from, to) in [
        ("   1.20", "   1.26"),
        ("yes\t\t   0.00", "yes\t\t   0.01"),
        ("  1\t02:00:00:00:00:0a", "  4\t02:00:00:00:00:0a"),
        ("  2\t02:00:00:00:01:0a\tno", "  2\t02:00:00:00:01:0a\tyes"),
        ("   1.20", "1.20"),
        ("ageing timer\n", "ageing timer \n"),
        ("  1\t0a:00:00:00:00:01\tno\t\t   0.00\n", ""),
    ] {
        assert!(compare_showmacs(sample, &showmacs_with(from, to), tolerance).is_err(), "{from:?} -> {to:?}");
    }
    // Rows with different MACs keep their order.
    let reordered = concat!(
        "port no\tmac addr\t\tis local?\tageing timer\n",
        "  2\t02:00:00:00:01:0a\tno\t\t   1.20\n",
        "  3\t02:00:00:00:01:0a\tno\t\t   4.00\n",
        "  1\t02:00:00:00:00:0a\tyes\t\t   0.00\n",
        "  1\t0a:00:00:00:00:01\tno\t\t   0.00\n",
    );
    assert!(compare_showmacs(sample, reordered.as_bytes(), tolerance).is_err());
}

#[test]
fn timers_between_two_original_readings() {
    let tolerance = TIMER_TOLERANCE_CS;
    let before = showstp_with("   1.43", "   1.60");
    let after = showstp_with("   1.43", "   1.20");
    // Anywhere in the range the two originals span, plus the tolerance.
    for ours in ["   1.60", "   1.43", "   1.20", "   1.15", "   1.65"] {
        let ours = showstp_with("   1.43", ours);
        compare_showstp_between(&before, &after, &ours, tolerance).unwrap();
    }
    for ours in ["   1.14", "   1.66"] {
        let ours = showstp_with("   1.43", ours);
        assert!(compare_showstp_between(&before, &after, &ours, tolerance).is_err(), "{ours:?}");
    }
    // A state change between the two originals: ours must match one of them.
    let changed = showstp_with(" flags\t\t\t\n\n\n", " flags\t\t\tTOPOLOGY_CHANGE \n\n\n");
    let sample = SHOWSTP_SAMPLE.as_bytes();
    compare_showstp_between(sample, &changed, &changed, tolerance).unwrap();
    compare_showstp_between(sample, &changed, sample, tolerance).unwrap();
    let other = showstp_with(" flags\t\t\t\n\n\n", " flags\t\t\tTOPOLOGY_CHANGE_DETECTED \n\n\n");
    assert!(compare_showstp_between(sample, &changed, &other, tolerance).is_err());

    let before = showmacs_with("   1.20", "   1.10");
    let after = showmacs_with("   1.20", "   1.90");
    compare_showmacs_between(&before, &after, &showmacs_with("   1.20", "   1.50"), tolerance).unwrap();
    assert!(compare_showmacs_between(&before, &after, &showmacs_with("   1.20", "   1.96"), tolerance).is_err());
    // An entry learned between the two originals.
    let learned = format!("{SHOWMACS_SAMPLE}  2\t0a:00:00:00:00:02\tno\t\t   0.00\n");
    let sample = SHOWMACS_SAMPLE.as_bytes();
    compare_showmacs_between(sample, learned.as_bytes(), learned.as_bytes(), tolerance).unwrap();
    compare_showmacs_between(sample, learned.as_bytes(), sample, tolerance).unwrap();
}

#[test]
fn showmacs_port_numbers_reduce_modulo_256() {
    let ours = concat!(
        "port no\tmac addr\t\tis local?\tageing timer\n",
        "255\t02:00:00:10:00:fe\tyes\t\t   0.00\n",
        "256\t02:00:00:10:00:ff\tyes\t\t   0.00\n",
        "260\t02:00:00:10:01:03\tno\t\t   1.00\n",
        "  7\t02:00:00:10:01:04\tyes\t\t   0.00\n",
    );
    let original = concat!(
        "port no\tmac addr\t\tis local?\tageing timer\n",
        "255\t02:00:00:10:00:fe\tyes\t\t   0.00\n",
        "  0\t02:00:00:10:00:ff\tyes\t\t   0.00\n",
        "  4\t02:00:00:10:01:03\tno\t\t   1.00\n",
        "  7\t02:00:00:10:01:04\tyes\t\t   0.00\n",
    );
    assert_eq!(String::from_utf8(showmacs_ports_mod_256(ours.as_bytes())).unwrap(), original);
}
