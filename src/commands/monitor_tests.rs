//! monitor's state machine and loop on synthetic notices: duplicates suppressed, a port's
//! state folded into `added`, moved against learned, expired against deleted, the bridge
//! filter, the differences after a loss, memory that follows the tables, and the loop's
//! writes (one per receive) over a scripted `Watch`.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::ops::ControlFlow;
use std::time::Duration;

use super::fake::FakeKernel;
use super::monitor::{run, Watcher};
use super::{Command, OutputStyle};
use crate::backend::{Errno, GroupNotice, LinkNotice, MacNotice, Notice, Wake, Watch};
use crate::error::Error;
use crate::format::monitor::write_event;
use crate::model::FdbFlags;
use crate::values::IfName;

fn bridge(index: u32, name: &'static str, stp: bool) -> Notice<'static> {
    Notice::Link(LinkNotice { index, name: name.as_bytes(), is_bridge: true, stp: Some(stp), ..LinkNotice::default() })
}

fn port(index: u32, name: &'static str, master: u32, state: u8) -> Notice<'static> {
    Notice::Link(LinkNotice {
        index,
        name: name.as_bytes(),
        master: Some(master),
        port_state: Some(state),
        bridge_family: true,
        ..LinkNotice::default()
    })
}

fn deleted(notice: Notice<'static>) -> Notice<'static> {
    match notice {
        Notice::Link(link) => Notice::Link(LinkNotice { deleted: true, ..link }),
        Notice::Mac(mac) => Notice::Mac(MacNotice { deleted: true, ..mac }),
        Notice::Group(group) => Notice::Group(GroupNotice { deleted: true, ..group }),
    }
}

fn unspec(notice: Notice<'static>) -> Notice<'static> {
    match notice {
        Notice::Link(link) => Notice::Link(LinkNotice { bridge_family: false, ..link }),
        other => other,
    }
}

fn mac(bridge: u32, port: u32, last: u8, flags: FdbFlags) -> Notice<'static> {
    Notice::Mac(MacNotice { bridge, port, mac: [0x52, 0x54, 0, 0, 0, last], flags, ..MacNotice::default() })
}

fn stale(notice: Notice<'static>) -> Notice<'static> {
    match notice {
        Notice::Mac(mac) => Notice::Mac(MacNotice { stale: true, deleted: true, ..mac }),
        other => other,
    }
}

fn group(bridge: u32, port: u32, last: u8) -> Notice<'static> {
    let group = IpAddr::V4(Ipv4Addr::new(239, 1, 1, last));
    Notice::Group(GroupNotice { bridge, port, group, vlan: 0, deleted: false })
}

const LEARNED: FdbFlags = FdbFlags::EXTERN_LEARN;

/// The text lines `notices` make, fed one by one.
fn lines(watcher: &mut Watcher, notices: &[Notice<'static>]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = Vec::new();
    for notice in notices {
        let mut sink = |event: &crate::model::Event<'_>| {
            write_event(&mut line, event, false);
            lines.push(String::from_utf8_lossy(&line).trim_end().to_string());
            Ok(())
        };
        watcher.apply(notice, &mut sink).unwrap();
    }
    lines
}

fn watcher(filter: &[&str]) -> Watcher {
    Watcher::new(filter.iter().map(|name| IfName::from_bytes(name.as_bytes()).unwrap()).collect())
}

#[test]
fn the_kernel_repeating_itself_makes_one_line() {
    let mut w = watcher(&[]);
    let notices = [
        bridge(2, "br0", false),
        bridge(2, "br0", false),
        unspec(port(3, "eth0", 2, 0)),
        port(3, "eth0", 2, 0),
        port(3, "eth0", 2, 0),
        port(3, "eth0", 2, 3),
        unspec(port(3, "eth0", 2, 3)),
        port(3, "eth0", 2, 3),
        bridge(2, "br0", true),
        bridge(2, "br0", true),
    ];
    assert_eq!(
        lines(&mut w, &notices),
        ["bridge br0 added", "br0: port eth0 added", "br0: port eth0 state forwarding", "br0: stp on"]
    );
}

#[test]
fn a_port_added_in_a_state_says_it_in_added_only() {
    let mut w = watcher(&[]);
    let mut json = Vec::new();
    let mut sink = |event: &crate::model::Event<'_>| {
        let mut line = Vec::new();
        write_event(&mut line, event, true);
        json.extend_from_slice(&line);
        Ok(())
    };
    for notice in [bridge(2, "br0", true), port(3, "eth0", 2, 1), port(3, "eth0", 2, 1)] {
        w.apply(&notice, &mut sink).unwrap();
    }
    assert_eq!(
        String::from_utf8(json).unwrap(),
        "{\"event\":\"bridge_added\",\"bridge\":\"br0\"}\n\
         {\"event\":\"port_added\",\"bridge\":\"br0\",\"port\":\"eth0\",\"state\":\"listening\"}\n"
    );
}

#[test]
fn a_learned_entry_on_another_port_moved_and_a_static_one_was_added() {
    let mut w = watcher(&[]);
    let setup = lines(&mut w, &[bridge(2, "br0", false), port(3, "eth0", 2, 3), port(4, "eth1", 2, 3)]);
    assert_eq!(setup.len(), 3);
    let notices = [
        mac(2, 3, 1, LEARNED),
        mac(2, 3, 1, LEARNED),
        mac(2, 4, 1, LEARNED),
        mac(2, 4, 1, LEARNED.with(FdbFlags::OFFLOADED, true)),
        mac(2, 4, 1, FdbFlags::STATIC),
        mac(2, 4, 2, FdbFlags::PERMANENT),
        mac(2, 3, 2, FdbFlags::PERMANENT),
    ];
    assert_eq!(
        lines(&mut w, &notices),
        [
            "br0: mac 52:54:00:00:00:01 learned on eth0",
            "br0: mac 52:54:00:00:00:01 moved to eth1",
            "br0: mac 52:54:00:00:00:01 added on eth1 (static)",
            "br0: mac 52:54:00:00:00:02 added on eth1 (local)",
            "br0: mac 52:54:00:00:00:02 added on eth0 (local)",
        ]
    );
    // A VLAN is part of the entry and of its line.
    let tagged = Notice::Mac(MacNotice {
        bridge: 2,
        port: 3,
        mac: [0x52, 0x54, 0, 0, 0, 1],
        vlan: 10,
        flags: LEARNED,
        ..MacNotice::default()
    });
    assert_eq!(lines(&mut w, &[tagged]), ["br0: mac 52:54:00:00:00:01 vlan 10 learned on eth0"]);
}

#[test]
fn an_entry_expired_only_when_the_kernel_says_it_aged_out() {
    let mut w = watcher(&[]);
    lines(&mut w, &[bridge(2, "br0", false), port(3, "eth0", 2, 3)]);
    let notices = [
        mac(2, 3, 1, LEARNED),
        mac(2, 3, 2, LEARNED),
        stale(mac(2, 3, 1, LEARNED)),
        deleted(mac(2, 3, 2, LEARNED)),
        // Gone already, or never seen: nothing to say.
        deleted(mac(2, 3, 2, LEARNED)),
        deleted(mac(2, 3, 9, LEARNED)),
    ];
    assert_eq!(
        lines(&mut w, &notices),
        [
            "br0: mac 52:54:00:00:00:01 learned on eth0",
            "br0: mac 52:54:00:00:00:02 learned on eth0",
            "br0: mac 52:54:00:00:00:01 expired",
            "br0: mac 52:54:00:00:00:02 deleted",
        ]
    );
}

#[test]
fn ports_and_bridges_go_once_and_entries_keep_their_port_name() {
    let mut w = watcher(&[]);
    lines(&mut w, &[bridge(2, "br0", false), port(3, "eth0", 2, 3), mac(2, 3, 1, FdbFlags::PERMANENT)]);
    let notices = [
        port(3, "eth0", 2, 0),
        deleted(port(3, "eth0", 2, 0)),
        unspec(Notice::Link(LinkNotice { index: 3, name: b"eth0", ..LinkNotice::default() })),
        group(2, 2, 5),
        group(2, 2, 5),
        deleted(group(2, 2, 5)),
        deleted(bridge(2, "br0", false)),
    ];
    assert_eq!(
        lines(&mut w, &notices),
        [
            "br0: port eth0 state disabled",
            "br0: port eth0 removed",
            "br0: group 239.1.1.5 added on br0",
            "br0: group 239.1.1.5 removed from br0",
            "bridge br0 deleted",
        ]
    );
    // The entry the kernel reports deleted after its port: still named.
    let mut w = watcher(&[]);
    lines(&mut w, &[bridge(2, "br0", false), port(3, "eth0", 2, 3), mac(2, 3, 1, FdbFlags::PERMANENT)]);
    let mut json = Vec::new();
    for notice in [deleted(port(3, "eth0", 2, 0)), deleted(mac(2, 3, 1, FdbFlags::PERMANENT))] {
        w.apply(&notice, &mut |event| {
            let mut line = Vec::new();
            write_event(&mut line, event, true);
            json.extend_from_slice(&line);
            Ok(())
        })
        .unwrap();
    }
    assert!(String::from_utf8(json).unwrap().ends_with("\"port\":\"eth0\"}\n"));
}

#[test]
fn the_filter_names_bridges_that_may_come_later() {
    let mut w = watcher(&["br1", "br9"]);
    let notices = [
        bridge(2, "br0", false),
        port(3, "eth0", 2, 3),
        mac(2, 3, 1, LEARNED),
        bridge(5, "br1", false),
        port(6, "eth1", 5, 3),
        mac(5, 6, 1, LEARNED),
        bridge(2, "br0", true),
        deleted(bridge(2, "br0", true)),
    ];
    assert_eq!(
        lines(&mut w, &notices),
        ["bridge br1 added", "br1: port eth1 added", "br1: mac 52:54:00:00:00:01 learned on eth1"]
    );
}

#[test]
fn a_snapshot_after_a_loss_says_only_what_changed() {
    let mut w = watcher(&[]);
    w.begin_sync();
    let start = [
        bridge(2, "br0", false),
        bridge(7, "br1", false),
        port(3, "eth0", 2, 3),
        port(4, "eth1", 2, 3),
        mac(2, 3, 1, LEARNED),
        mac(2, 3, 2, FdbFlags::STATIC),
        group(2, 3, 1),
    ];
    lines(&mut w, &start);
    // Meanwhile: br1 went, eth1 left, entry 1 moved, entry 2 went, stp came on, a group came.
    w.begin_sync();
    let now = [bridge(2, "br0", true), port(3, "eth0", 2, 3), mac(2, 3, 3, LEARNED), group(2, 3, 1), group(2, 3, 2)];
    let mut got = lines(&mut w, &now);
    let mut line = Vec::new();
    w.sweep(&mut |event| {
        write_event(&mut line, event, false);
        got.push(String::from_utf8_lossy(&line).trim_end().to_string());
        Ok(())
    })
    .unwrap();
    assert_eq!(
        got,
        [
            "br0: stp on",
            "br0: mac 52:54:00:00:00:03 learned on eth0",
            "br0: group 239.1.1.2 added on eth0",
            "br0: mac 52:54:00:00:00:01 deleted",
            "br0: mac 52:54:00:00:00:02 deleted",
            "br0: port eth1 removed",
            "bridge br1 deleted",
        ]
    );
}

#[test]
fn memory_follows_the_tables_not_the_time() {
    let mut w = watcher(&[]);
    lines(&mut w, &[bridge(2, "br0", false), port(3, "eth0", 2, 3)]);
    let mut sink = |_: &crate::model::Event<'_>| Ok(());
    for round in 0..3u32 {
        for i in 0..20_000u32 {
            let mac = [2, 0, (i >> 16) as u8, (i >> 8) as u8, i as u8, round as u8];
            let notice = Notice::Mac(MacNotice { bridge: 2, port: 3, mac, flags: LEARNED, ..MacNotice::default() });
            w.apply(&notice, &mut sink).unwrap();
        }
        assert_eq!(w.size(), (1, 1, 20_000, 0));
        for i in 0..20_000u32 {
            let mac = [2, 0, (i >> 16) as u8, (i >> 8) as u8, i as u8, round as u8];
            let notice = Notice::Mac(MacNotice { bridge: 2, port: 3, mac, deleted: true, ..MacNotice::default() });
            w.apply(&notice, &mut sink).unwrap();
        }
        assert_eq!(w.size(), (1, 1, 0, 0));
    }
}

/// A `Watch` that hands out scripted receives, then fails with ENODEV (ending the loop).
struct Script {
    snapshots: VecDeque<Vec<Notice<'static>>>,
    receives: VecDeque<Result<Vec<Notice<'static>>, Wake>>,
}

impl Watch for Script {
    fn snapshot(&mut self, each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> Result<Wake, Errno> {
        for notice in self.snapshots.pop_front().unwrap_or_default() {
            if each(&notice).is_break() {
                return Ok(Wake::Stopped);
            }
        }
        Ok(Wake::Delivered)
    }

    fn next(&mut self, wait: bool, each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> Result<Wake, Errno> {
        match self.receives.front() {
            Some(Err(Wake::Empty)) | None if !wait => {
                self.receives.pop_front();
                return Ok(Wake::Empty);
            }
            None => return Err(Errno::ENODEV),
            _ => {}
        }
        match self.receives.pop_front() {
            Some(Ok(notices)) => {
                for notice in notices {
                    if each(&notice).is_break() {
                        return Ok(Wake::Stopped);
                    }
                }
                Ok(Wake::Delivered)
            }
            Some(Err(wake)) => Ok(wake),
            None => Err(Errno::ENODEV),
        }
    }
}

/// Counts the writes that reach it.
#[derive(Default)]
struct Counted {
    bytes: Vec<u8>,
    writes: usize,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_loop_writes_once_per_receive_and_resynchronises_after_a_loss() {
    let mut script = Script {
        snapshots: VecDeque::from([
            vec![bridge(2, "br0", false), port(3, "eth0", 2, 3)],
            vec![bridge(2, "br0", false), port(3, "eth0", 2, 3), port(4, "eth1", 2, 3)],
        ]),
        receives: VecDeque::from([
            Ok(vec![mac(2, 3, 1, LEARNED), mac(2, 3, 2, LEARNED)]),
            Ok(vec![mac(2, 3, 1, LEARNED)]),
            Err(Wake::Empty),
            Ok(vec![deleted(mac(2, 3, 2, LEARNED))]),
            Err(Wake::Empty),
            Err(Wake::Lost),
            // Queued before the loss.
            Ok(vec![port(3, "eth0", 2, 4)]),
            Err(Wake::Empty),
        ]),
    };
    let mut out = Counted::default();
    let result = run(&mut script, &[], false, &mut out, Duration::ZERO);
    assert!(matches!(result, Err(Error::Watch(Errno::ENODEV))), "{result:?}");
    assert_eq!(
        String::from_utf8(out.bytes).unwrap(),
        "br0: mac 52:54:00:00:00:01 learned on eth0\n\
         br0: mac 52:54:00:00:00:02 learned on eth0\n\
         br0: mac 52:54:00:00:00:02 deleted\n\
         br0: port eth0 state blocking\n\
         events lost; resynchronising\n\
         br0: port eth0 state forwarding\n\
         br0: port eth1 added\n\
         br0: mac 52:54:00:00:00:01 deleted\n"
    );
    // The first two receives in one write, the deletion in one, the loss and its differences in one.
    assert_eq!(out.writes, 3);
}

#[test]
fn a_reader_that_went_away_ends_the_watch_as_an_output_error() {
    struct Gone;
    impl Write for Gone {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut script = Script {
        snapshots: VecDeque::from([vec![bridge(2, "br0", false)]]),
        receives: VecDeque::from([Ok(vec![port(3, "eth0", 2, 3)]), Err(Wake::Empty)]),
    };
    let result = run(&mut script, &[], true, &mut Gone, Duration::ZERO);
    assert!(matches!(&result, Err(Error::Output(err)) if err.kind() == io::ErrorKind::BrokenPipe), "{result:?}");
}

#[test]
fn a_backend_that_cannot_watch_says_so_with_a_hint() {
    let mut fake = FakeKernel::bridge_with_ports(1);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = Command::Monitor(Vec::new()).execute(&mut fake, &OutputStyle::default(), &mut out, &mut err);
    let Err(error) = result else { panic!("monitor over a fake kernel ran") };
    assert_eq!(String::from_utf8(error.message()).unwrap(), "monitor failed: Operation not supported");
    assert_eq!(error.hint(), Some("hint: monitor works over netlink only, not with BRCTL_BACKEND=sysfs"));
    assert!(!Command::Monitor(Vec::new()).writes(), "monitor takes no turn at the change lock");
}
