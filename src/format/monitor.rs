//! monitor's lines (docs/compat.md 12): one event as a line of text or one
//! JSON object on a line, both from the same `Event`. A line is built in a
//! buffer the caller reuses, without fmt for all but group addresses, so
//! that an event costs no allocation and its line goes out with the others
//! read with it in one write.

use std::io::Write;

use crate::format::{compat, decimal};
use crate::model::{Event, MacChange, Name};

/// What `monitor` says when the kernel dropped notifications, before the
/// differences a new dump shows.
pub const EVENTS_LOST: &[u8] = b"events lost; resynchronising";

/// Replaces `line` with `event`'s line, newline included.
pub fn write_event(line: &mut Vec<u8>, event: &Event, json: bool) {
    line.clear();
    if json {
        write_json(line, event);
    } else {
        write_text(line, event);
    }
    line.push(b'\n');
}

fn write_text(line: &mut Vec<u8>, event: &Event) {
    let prefix = |line: &mut Vec<u8>, bridge: &[u8]| {
        line.extend_from_slice(bridge);
        line.extend_from_slice(b": ");
    };
    match *event {
        Event::BridgeAdded { bridge } => {
            line.extend_from_slice(b"bridge ");
            line.extend_from_slice(bridge);
            line.extend_from_slice(b" added");
        }
        Event::BridgeDeleted { bridge } => {
            line.extend_from_slice(b"bridge ");
            line.extend_from_slice(bridge);
            line.extend_from_slice(b" deleted");
        }
        Event::PortAdded { bridge, port, .. } | Event::PortRemoved { bridge, port } => {
            prefix(line, bridge);
            line.extend_from_slice(b"port ");
            line.extend_from_slice(port);
            let added = matches!(event, Event::PortAdded { .. });
            line.extend_from_slice(if added { b" added" } else { b" removed" });
        }
        Event::PortState { bridge, port, state } => {
            prefix(line, bridge);
            line.extend_from_slice(b"port ");
            line.extend_from_slice(port);
            line.extend_from_slice(b" state ");
            line.extend_from_slice(compat::state_name(state).as_bytes());
        }
        Event::Stp { bridge, on } => {
            prefix(line, bridge);
            line.extend_from_slice(if on { b"stp on" } else { b"stp off" });
        }
        Event::Mac { bridge, mac, vlan, port, change } => {
            prefix(line, bridge);
            line.extend_from_slice(b"mac ");
            push_mac(line, &mac);
            push_vlan(line, vlan);
            let (words, on_port): (&[u8], bool) = match change {
                MacChange::Learned => (b" learned on ", true),
                MacChange::Moved => (b" moved to ", true),
                MacChange::Added(_) => (b" added on ", true),
                MacChange::Expired => (b" expired", false),
                MacChange::Deleted => (b" deleted", false),
            };
            line.extend_from_slice(words);
            if on_port {
                push_name(line, port);
            }
            if let MacChange::Added(flags) = change {
                let local = flags.contains(crate::model::FdbFlags::PERMANENT);
                line.extend_from_slice(if local { b" (local)" } else { b" (static)" });
            }
        }
        Event::Group { bridge, group, vlan, port, added } => {
            prefix(line, bridge);
            line.extend_from_slice(b"group ");
            let _ = write!(line, "{group}");
            push_vlan(line, vlan);
            line.extend_from_slice(if added { b" added on " } else { b" removed from " });
            push_name(line, port);
        }
        Event::EventsLost => line.extend_from_slice(EVENTS_LOST),
    }
}

fn write_json(line: &mut Vec<u8>, event: &Event) {
    let name = match event {
        Event::BridgeAdded { .. } => "bridge_added",
        Event::BridgeDeleted { .. } => "bridge_deleted",
        Event::PortAdded { .. } => "port_added",
        Event::PortRemoved { .. } => "port_removed",
        Event::PortState { .. } => "port_state",
        Event::Stp { .. } => "stp",
        Event::Mac { change, .. } => match change {
            MacChange::Learned => "mac_learned",
            MacChange::Moved => "mac_moved",
            MacChange::Added(_) => "mac_added",
            MacChange::Expired => "mac_expired",
            MacChange::Deleted => "mac_deleted",
        },
        Event::Group { added: true, .. } => "group_added",
        Event::Group { added: false, .. } => "group_removed",
        Event::EventsLost => "events_lost",
    };
    line.extend_from_slice(b"{\"event\":\"");
    line.extend_from_slice(name.as_bytes());
    line.push(b'"');
    match *event {
        Event::BridgeAdded { bridge } | Event::BridgeDeleted { bridge } => key_string(line, "bridge", bridge),
        Event::PortAdded { bridge, port, state } | Event::PortState { bridge, port, state } => {
            key_string(line, "bridge", bridge);
            key_string(line, "port", port);
            key_string(line, "state", compat::state_name(state).as_bytes());
        }
        Event::PortRemoved { bridge, port } => {
            key_string(line, "bridge", bridge);
            key_string(line, "port", port);
        }
        Event::Stp { bridge, on } => {
            key_string(line, "bridge", bridge);
            line.extend_from_slice(if on { b",\"enabled\":true" } else { b",\"enabled\":false" });
        }
        Event::Mac { bridge, mac, vlan, port, change } => {
            key_string(line, "bridge", bridge);
            line.extend_from_slice(b",\"mac\":\"");
            push_mac(line, &mac);
            line.push(b'"');
            key_name(line, "port", port);
            key_vlan(line, vlan);
            if let MacChange::Added(flags) = change {
                line.extend_from_slice(b",\"flags\":[");
                for (at, word) in flags.words().into_iter().enumerate() {
                    if at > 0 {
                        line.push(b',');
                    }
                    json_string(line, word.as_bytes());
                }
                line.push(b']');
            }
        }
        Event::Group { bridge, group, vlan, port, .. } => {
            key_string(line, "bridge", bridge);
            line.extend_from_slice(b",\"group\":\"");
            let _ = write!(line, "{group}");
            line.push(b'"');
            key_name(line, "port", port);
            key_vlan(line, vlan);
        }
        Event::EventsLost => {}
    }
    line.push(b'}');
}

/// `aa:bb:cc:dd:ee:ff`, lowercase, as showmacs prints it.
fn push_mac(line: &mut Vec<u8>, mac: &[u8; 6]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (at, &byte) in mac.iter().enumerate() {
        if at > 0 {
            line.push(b':');
        }
        let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'?');
        line.extend_from_slice(&[digit(byte >> 4), digit(byte & 15)]);
    }
}

fn push_number(line: &mut Vec<u8>, value: u64) {
    let mut digits = [0; 20];
    line.extend_from_slice(decimal(value, &mut digits));
}

/// ` vlan N`, after the MAC or group, when there is a VLAN.
fn push_vlan(line: &mut Vec<u8>, vlan: u16) {
    if vlan != 0 {
        line.extend_from_slice(b" vlan ");
        push_number(line, vlan.into());
    }
}

fn push_name(line: &mut Vec<u8>, name: Name) {
    match name {
        Name::Known(bytes) => line.extend_from_slice(bytes),
        Name::Index(index) => {
            line.extend_from_slice(b"if");
            push_number(line, index.into());
        }
    }
}

fn key(line: &mut Vec<u8>, key: &str) {
    line.extend_from_slice(b",\"");
    line.extend_from_slice(key.as_bytes());
    line.extend_from_slice(b"\":");
}

fn key_string(line: &mut Vec<u8>, name: &str, value: &[u8]) {
    key(line, name);
    json_string(line, value);
}

fn key_name(line: &mut Vec<u8>, name: &str, value: Name) {
    key(line, name);
    line.push(b'"');
    match value {
        Name::Known(bytes) => json_chars(line, bytes),
        Name::Index(_) => push_name(line, value),
    }
    line.push(b'"');
}

fn key_vlan(line: &mut Vec<u8>, vlan: u16) {
    if vlan != 0 {
        key(line, "vlan");
        push_number(line, vlan.into());
    }
}

fn json_string(line: &mut Vec<u8>, bytes: &[u8]) {
    line.push(b'"');
    json_chars(line, bytes);
    line.push(b'"');
}

/// A string's characters with JSON's escapes; bytes that are not UTF-8
/// become U+FFFD, as in every other JSON output of brctl.
fn json_chars(line: &mut Vec<u8>, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        match c {
            '"' => line.extend_from_slice(b"\\\""),
            '\\' => line.extend_from_slice(b"\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(line, "\\u{:04x}", u32::from(c));
            }
            c => {
                let mut utf8 = [0; 4];
                line.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
