//! monitor (docs/compat.md 12): the kernel's notifications turned into one
//! line per change, until SIGINT, SIGTERM or a reader that went away.
//!
//! `Watcher` is the state machine: it knows every bridge, port, forwarding
//! entry and group by what the kernel said last, and says something only
//! when a notice changes that (the kernel repeats itself: two or three
//! RTM_NEWLINK per port when a bridge comes up). It keeps no history, only
//! the current state, so its memory follows the size of the tables, not
//! the time it runs. A snapshot (a dump of everything) gives the starting
//! state silently and, after the kernel dropped notifications, the
//! differences as events: `begin_sync`, the dump, `sweep`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::IpAddr;
use std::ops::ControlFlow;

use super::OutputStyle;
use crate::backend::{Backend, GroupNotice, LinkNotice, MacNotice, Notice, Wake, Watch};
use crate::error::Error;
use crate::format::monitor::write_event;
use crate::model::{Event, FdbFlags, MacChange, Name};
use crate::values::IfName;

/// Where events go; an error (a reader that went away) ends the watch.
pub type Sink<'s> = dyn FnMut(&Event<'_>) -> io::Result<()> + 's;

struct Bridge {
    name: Vec<u8>,
    stp: bool,
    /// The generation of the last notice or dump that named it (`sweep`).
    seen: u32,
}

struct Port {
    name: Vec<u8>,
    bridge: u32,
    state: u8,
    seen: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct MacKey {
    bridge: u32,
    mac: [u8; 6],
    vlan: u16,
}

struct Mac {
    port: u32,
    flags: FdbFlags,
    seen: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct GroupKey {
    bridge: u32,
    port: u32,
    group: IpAddr,
    vlan: u16,
}

fn is_learned(flags: FdbFlags) -> bool {
    !flags.contains(FdbFlags::PERMANENT) && !flags.contains(FdbFlags::STATIC)
}

/// The state machine: the kernel's tables as the notices told them.
#[derive(Default)]
pub struct Watcher {
    /// The bridges whose events are printed (all when empty), by name:
    /// they need not exist yet.
    filter: Vec<IfName>,
    bridges: HashMap<u32, Bridge>,
    ports: HashMap<u32, Port>,
    macs: HashMap<MacKey, Mac>,
    groups: HashMap<GroupKey, u32>,
    generation: u32,
    /// The last few ports removed, by index: the kernel reports a port's
    /// entries deleted after the port itself.
    removed: Vec<(u32, Vec<u8>)>,
}

/// How many removed ports keep their names (a bridge deleted with all its
/// ports reports each port's entries right after that port).
const REMOVED_NAMES: usize = 8;

impl Watcher {
    pub fn new(filter: Vec<IfName>) -> Watcher {
        Watcher { filter, ..Watcher::default() }
    }

    /// The bridge's name when its events are printed.
    fn shown(&self, bridge: u32) -> Option<&[u8]> {
        let name = self.bridges.get(&bridge)?.name.as_slice();
        let wanted = self.filter.is_empty() || self.filter.iter().any(|f| f.as_bytes() == name);
        wanted.then_some(name)
    }

    /// A port by name: a port's, the bridge's own, or `if<index>`.
    fn name(&self, index: u32) -> Name<'_> {
        let removed = || self.removed.iter().rev().find(|(gone, _)| *gone == index);
        match (self.ports.get(&index), self.bridges.get(&index)) {
            (Some(port), _) => Name::Known(&port.name),
            (None, Some(bridge)) => Name::Known(&bridge.name),
            (None, None) => removed().map_or(Name::Index(index), |(_, name)| Name::Known(name)),
        }
    }

    /// Takes one notice in; `sink` hears what it changed.
    pub fn apply(&mut self, notice: &Notice<'_>, sink: &mut Sink) -> io::Result<()> {
        match notice {
            Notice::Link(link) => self.link(link, sink),
            Notice::Mac(mac) => self.mac(mac, sink),
            Notice::Group(group) => self.group(group, sink),
        }
    }

    /// Starts a snapshot: what it does not name again is gone (`sweep`).
    pub fn begin_sync(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    /// After a snapshot: everything it did not name is gone, entries and
    /// groups first, then ports, then bridges, each in a fixed order.
    pub fn sweep(&mut self, sink: &mut Sink) -> io::Result<()> {
        let now = self.generation;
        let mut macs: Vec<MacKey> = self.macs.iter().filter(|(_, mac)| mac.seen != now).map(|(key, _)| *key).collect();
        macs.sort_unstable();
        for key in macs {
            if let Some(gone) = self.macs.remove(&key) {
                self.say_mac(key, gone.port, MacChange::Deleted, sink)?;
            }
        }
        let mut groups: Vec<GroupKey> = self.groups.iter().filter(|(_, &seen)| seen != now).map(|(k, _)| *k).collect();
        groups.sort_unstable();
        for key in groups {
            self.groups.remove(&key);
            self.say_group(key, false, sink)?;
        }
        let mut ports: Vec<u32> = self.ports.iter().filter(|(_, port)| port.seen != now).map(|(i, _)| *i).collect();
        ports.sort_unstable();
        for index in ports {
            self.port_gone(index, sink)?;
        }
        let mut bridges: Vec<u32> = self.bridges.iter().filter(|(_, b)| b.seen != now).map(|(i, _)| *i).collect();
        bridges.sort_unstable();
        for index in bridges {
            self.bridge_gone(index, sink)?;
        }
        self.shrink();
        Ok(())
    }

    fn link(&mut self, link: &LinkNotice<'_>, sink: &mut Sink) -> io::Result<()> {
        let now = self.generation;
        if link.deleted {
            // The bridge's own AF_BRIDGE deletion comes before its ports' are
            // done with; its AF_UNSPEC one is the last word.
            if self.bridges.contains_key(&link.index) {
                return if link.bridge_family { Ok(()) } else { self.bridge_gone(link.index, sink) };
            }
            return self.port_gone(link.index, sink);
        }
        if link.is_bridge {
            let Some(bridge) = self.bridges.get_mut(&link.index) else {
                let stp = link.stp.unwrap_or(false);
                self.bridges.insert(link.index, Bridge { name: link.name.to_vec(), stp, seen: now });
                return match self.shown(link.index) {
                    Some(bridge) => sink(&Event::BridgeAdded { bridge }),
                    None => Ok(()),
                };
            };
            bridge.seen = now;
            if !link.name.is_empty() && bridge.name != link.name {
                bridge.name = link.name.to_vec();
            }
            match link.stp {
                Some(on) if on != bridge.stp => {
                    bridge.stp = on;
                    match self.shown(link.index) {
                        Some(bridge) => sink(&Event::Stp { bridge, on }),
                        None => Ok(()),
                    }
                }
                _ => Ok(()),
            }
        } else if self.bridges.contains_key(&link.index) {
            // An AF_BRIDGE message about the bridge device itself.
            Ok(())
        } else {
            match (link.master.filter(|master| self.bridges.contains_key(master)), link.port_state) {
                (Some(bridge), Some(state)) => self.port_seen(link, bridge, state, sink),
                // AF_UNSPEC: no bridge above it (any more).
                (None, _) if !link.bridge_family => self.port_gone(link.index, sink),
                _ => Ok(()),
            }
        }
    }

    fn port_seen(&mut self, link: &LinkNotice<'_>, bridge: u32, state: u8, sink: &mut Sink) -> io::Result<()> {
        let now = self.generation;
        match self.ports.get_mut(&link.index) {
            Some(port) if port.bridge == bridge => {
                port.seen = now;
                if !link.name.is_empty() && port.name != link.name {
                    port.name = link.name.to_vec();
                }
                if port.state == state {
                    return Ok(());
                }
                port.state = state;
                match (self.shown(bridge), self.ports.get(&link.index)) {
                    (Some(bridge), Some(port)) => sink(&Event::PortState { bridge, port: &port.name, state }),
                    _ => Ok(()),
                }
            }
            moved => {
                if moved.is_some() {
                    self.port_gone(link.index, sink)?;
                }
                self.ports.insert(link.index, Port { name: link.name.to_vec(), bridge, state, seen: now });
                match (self.shown(bridge), self.ports.get(&link.index)) {
                    (Some(bridge), Some(port)) => sink(&Event::PortAdded { bridge, port: &port.name, state }),
                    _ => Ok(()),
                }
            }
        }
    }

    fn port_gone(&mut self, index: u32, sink: &mut Sink) -> io::Result<()> {
        let Some(port) = self.ports.remove(&index) else {
            return Ok(());
        };
        let result = match self.shown(port.bridge) {
            Some(bridge) => sink(&Event::PortRemoved { bridge, port: &port.name }),
            None => Ok(()),
        };
        if self.removed.len() == REMOVED_NAMES {
            self.removed.remove(0);
        }
        self.removed.push((index, port.name));
        result
    }

    /// A bridge's deletion: ports the kernel did not report gone first go
    /// now, its entries and groups silently (the kernel reported those).
    fn bridge_gone(&mut self, index: u32, sink: &mut Sink) -> io::Result<()> {
        let mut ports: Vec<u32> = self.ports.iter().filter(|(_, port)| port.bridge == index).map(|(i, _)| *i).collect();
        ports.sort_unstable();
        for port in ports {
            self.port_gone(port, sink)?;
        }
        self.macs.retain(|key, _| key.bridge != index);
        self.groups.retain(|key, _| key.bridge != index);
        let result = match self.shown(index) {
            Some(bridge) => sink(&Event::BridgeDeleted { bridge }),
            None => Ok(()),
        };
        self.bridges.remove(&index);
        result
    }

    fn mac(&mut self, notice: &MacNotice, sink: &mut Sink) -> io::Result<()> {
        if !self.bridges.contains_key(&notice.bridge) {
            return Ok(());
        }
        let key = MacKey { bridge: notice.bridge, mac: notice.mac, vlan: notice.vlan };
        if notice.deleted {
            // An entry never seen (before its bridge was) went unseen.
            if self.macs.remove(&key).is_none() {
                return Ok(());
            }
            self.shrink();
            let change = if notice.stale { MacChange::Expired } else { MacChange::Deleted };
            return self.say_mac(key, notice.port, change, sink);
        }
        let (port, flags, now) = (notice.port, notice.flags, self.generation);
        let learned = is_learned(flags);
        let change = match self.macs.insert(key, Mac { port, flags, seen: now }) {
            None if learned => MacChange::Learned,
            None => MacChange::Added(flags),
            Some(old) if old.port == port && old.flags == flags => return Ok(()),
            Some(old) if learned && is_learned(old.flags) => {
                if old.port == port {
                    // Only a flag such as offloaded changed.
                    return Ok(());
                }
                MacChange::Moved
            }
            Some(_) if learned => MacChange::Learned,
            Some(_) => MacChange::Added(flags),
        };
        self.say_mac(key, port, change, sink)
    }

    fn say_mac(&self, key: MacKey, port: u32, change: MacChange, sink: &mut Sink) -> io::Result<()> {
        match self.shown(key.bridge) {
            Some(bridge) => sink(&Event::Mac { bridge, mac: key.mac, vlan: key.vlan, port: self.name(port), change }),
            None => Ok(()),
        }
    }

    fn group(&mut self, notice: &GroupNotice, sink: &mut Sink) -> io::Result<()> {
        if !self.bridges.contains_key(&notice.bridge) {
            return Ok(());
        }
        let key = GroupKey { bridge: notice.bridge, port: notice.port, group: notice.group, vlan: notice.vlan };
        if notice.deleted {
            if self.groups.remove(&key).is_none() {
                return Ok(());
            }
            return self.say_group(key, false, sink);
        }
        if self.groups.insert(key, self.generation).is_some() {
            return Ok(());
        }
        self.say_group(key, true, sink)
    }

    fn say_group(&self, key: GroupKey, added: bool, sink: &mut Sink) -> io::Result<()> {
        match self.shown(key.bridge) {
            Some(bridge) => {
                let event = Event::Group { bridge, group: key.group, vlan: key.vlan, port: self.name(key.port), added };
                sink(&event)
            }
            None => Ok(()),
        }
    }

    /// Gives memory back once a table has shrunk to a quarter of its room
    /// (after a burst of deletions), so a long run stays as small as the
    /// tables it watches.
    fn shrink(&mut self) {
        if self.macs.capacity() > 4096 && self.macs.len() < self.macs.capacity() / 4 {
            self.macs.shrink_to(self.macs.len() * 2);
        }
    }

    /// How many entries it holds (tests: memory follows the tables).
    #[cfg(test)]
    pub fn size(&self) -> (usize, usize, usize, usize) {
        (self.bridges.len(), self.ports.len(), self.macs.len(), self.groups.len())
    }
}

/// Hands a notice to the watcher; a failed write stops the delivery and
/// is kept for the caller.
fn feed(
    watcher: &mut Watcher,
    notice: &Notice<'_>,
    sink: &mut Sink,
    failed: &mut Option<io::Error>,
) -> ControlFlow<()> {
    match watcher.apply(notice, sink) {
        Ok(()) => ControlFlow::Continue(()),
        Err(err) => {
            *failed = Some(err);
            ControlFlow::Break(())
        }
    }
}

/// monitor: the state at start silently, then every change as it comes.
/// Each event is written as soon as it is read: the events the kernel had
/// queued go out together in one write. Ends only with an error: a reader
/// that went away is `Error::Output` (exit 0, as for every command).
pub fn watch(
    backend: &mut dyn Backend,
    bridges: &[IfName],
    style: &OutputStyle,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut watch = backend.watch().map_err(Error::Watch)?;
    run(&mut *watch, bridges, style.json, out, BATCH_PAUSE)
}

/// The watch itself, on any `Watch` (the tests give it a scripted one).
pub fn run(
    watch: &mut dyn Watch,
    bridges: &[IfName],
    json: bool,
    out: &mut dyn Write,
    pause: std::time::Duration,
) -> Result<(), Error> {
    let mut watcher = Watcher::new(bridges.to_vec());
    let mut output = Output { out, json, pending: Vec::with_capacity(OUTPUT_CHUNK), line: Vec::new() };
    let mut failed = None;
    watcher.begin_sync();
    watch.snapshot(&mut |notice| feed(&mut watcher, notice, &mut |_| Ok(()), &mut failed)).map_err(Error::Watch)?;
    let mut wait = true;
    loop {
        let mut emit = |event: &Event<'_>| output.push(event);
        let wake = watch.next(wait, &mut |notice| feed(&mut watcher, notice, &mut emit, &mut failed));
        match wake.map_err(Error::Watch)? {
            Wake::Lost => {
                resync(watch, &mut watcher, &mut output, &mut failed)?;
                output.flush()?;
            }
            Wake::Stopped => break,
            // Everything queued is read before the lines go out.
            Wake::Delivered => wait = false,
            Wake::Empty => {
                output.flush()?;
                // A burst is read in batches: waking for every notification
                // cost most of the monitor's time (the context switches),
                // and a short pause lets the next ones gather. A lone event
                // is written at once.
                std::thread::sleep(pause);
                wait = true;
            }
        }
    }
    Err(Error::Output(failed.unwrap_or_else(|| io::Error::from(io::ErrorKind::BrokenPipe))))
}

/// How long the monitor pauses once it has read everything queued, before
/// it waits again: about the most an event of a burst waits for its line.
const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(1);

/// What a chunk of output may grow to before it is written (a snapshot
/// after a loss may report thousands of changes at once).
const OUTPUT_CHUNK: usize = 16 * 1024;

/// The lines of the events read so far, written out in one write once the
/// kernel's queue is read empty (or once they fill OUTPUT_CHUNK).
struct Output<'a> {
    out: &'a mut dyn Write,
    json: bool,
    pending: Vec<u8>,
    line: Vec<u8>,
}

impl Output<'_> {
    fn push(&mut self, event: &Event<'_>) -> io::Result<()> {
        write_event(&mut self.line, event, self.json);
        self.pending.extend_from_slice(&self.line);
        if self.pending.len() >= OUTPUT_CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let written = self.out.write_all(&self.pending).and_then(|()| self.out.flush());
        self.pending.clear();
        written
    }
}

/// After a loss: what was queued before it, the `events_lost` line, then
/// the differences a new snapshot shows.
fn resync(
    watch: &mut dyn Watch,
    watcher: &mut Watcher,
    output: &mut Output,
    failed: &mut Option<io::Error>,
) -> Result<(), Error> {
    let gone = |failed: &mut Option<io::Error>| {
        Error::Output(failed.take().unwrap_or_else(|| io::Error::from(io::ErrorKind::BrokenPipe)))
    };
    let mut emit = |event: &Event<'_>| output.push(event);
    loop {
        match watch.next(false, &mut |notice| feed(watcher, notice, &mut emit, failed)).map_err(Error::Watch)? {
            Wake::Empty => break,
            Wake::Stopped => return Err(gone(failed)),
            Wake::Delivered | Wake::Lost => {}
        }
    }
    emit(&Event::EventsLost)?;
    watcher.begin_sync();
    if watch.snapshot(&mut |notice| feed(watcher, notice, &mut emit, failed)).map_err(Error::Watch)? == Wake::Stopped {
        return Err(gone(failed));
    }
    watcher.sweep(&mut emit)?;
    Ok(())
}
