//! Every event's text line and JSON line, from the same event.

use std::net::{IpAddr, Ipv6Addr};

use super::write_event;
use crate::model::{Event, FdbFlags, MacChange, Name};

fn both(event: Event) -> (String, String) {
    let (mut text, mut json) = (Vec::new(), Vec::new());
    write_event(&mut text, &event, false);
    write_event(&mut json, &event, true);
    (String::from_utf8(text).unwrap(), String::from_utf8(json).unwrap())
}

#[test]
fn each_event_in_the_spec_words_and_as_one_json_object() {
    let mac = [0x52, 0x54, 0, 0x12, 0x34, 0x56];
    let eth0 = Name::Known(b"eth0");
    let cases = [
        (Event::BridgeAdded { bridge: b"br0" }, "bridge br0 added", r#"{"event":"bridge_added","bridge":"br0"}"#),
        (Event::BridgeDeleted { bridge: b"br0" }, "bridge br0 deleted", r#"{"event":"bridge_deleted","bridge":"br0"}"#),
        (
            Event::PortAdded { bridge: b"br0", port: b"eth0", state: 0 },
            "br0: port eth0 added",
            r#"{"event":"port_added","bridge":"br0","port":"eth0","state":"disabled"}"#,
        ),
        (
            Event::PortRemoved { bridge: b"br0", port: b"eth0" },
            "br0: port eth0 removed",
            r#"{"event":"port_removed","bridge":"br0","port":"eth0"}"#,
        ),
        (
            Event::PortState { bridge: b"br0", port: b"eth0", state: 3 },
            "br0: port eth0 state forwarding",
            r#"{"event":"port_state","bridge":"br0","port":"eth0","state":"forwarding"}"#,
        ),
        (Event::Stp { bridge: b"br0", on: true }, "br0: stp on", r#"{"event":"stp","bridge":"br0","enabled":true}"#),
        (Event::Stp { bridge: b"br0", on: false }, "br0: stp off", r#"{"event":"stp","bridge":"br0","enabled":false}"#),
        (
            Event::Mac { bridge: b"br0", mac, vlan: 0, port: eth0, change: MacChange::Learned },
            "br0: mac 52:54:00:12:34:56 learned on eth0",
            r#"{"event":"mac_learned","bridge":"br0","mac":"52:54:00:12:34:56","port":"eth0"}"#,
        ),
        (
            Event::Mac { bridge: b"br0", mac, vlan: 0, port: Name::Known(b"eth1"), change: MacChange::Moved },
            "br0: mac 52:54:00:12:34:56 moved to eth1",
            r#"{"event":"mac_moved","bridge":"br0","mac":"52:54:00:12:34:56","port":"eth1"}"#,
        ),
        (
            Event::Mac { bridge: b"br0", mac, vlan: 10, port: eth0, change: MacChange::Added(FdbFlags::STATIC) },
            "br0: mac 52:54:00:12:34:56 vlan 10 added on eth0 (static)",
            r#"{"event":"mac_added","bridge":"br0","mac":"52:54:00:12:34:56","port":"eth0","vlan":10,"flags":["static"]}"#,
        ),
        (
            Event::Mac { bridge: b"br0", mac, vlan: 0, port: eth0, change: MacChange::Added(FdbFlags::PERMANENT) },
            "br0: mac 52:54:00:12:34:56 added on eth0 (local)",
            r#"{"event":"mac_added","bridge":"br0","mac":"52:54:00:12:34:56","port":"eth0","flags":["permanent"]}"#,
        ),
        (
            Event::Mac { bridge: b"br0", mac, vlan: 0, port: eth0, change: MacChange::Expired },
            "br0: mac 52:54:00:12:34:56 expired",
            r#"{"event":"mac_expired","bridge":"br0","mac":"52:54:00:12:34:56","port":"eth0"}"#,
        ),
        (
            Event::Mac { bridge: b"br0", mac, vlan: 0, port: Name::Index(9), change: MacChange::Deleted },
            "br0: mac 52:54:00:12:34:56 deleted",
            r#"{"event":"mac_deleted","bridge":"br0","mac":"52:54:00:12:34:56","port":"if9"}"#,
        ),
        (
            Event::Group { bridge: b"br0", group: "239.1.2.3".parse().unwrap(), vlan: 0, port: eth0, added: true },
            "br0: group 239.1.2.3 added on eth0",
            r#"{"event":"group_added","bridge":"br0","group":"239.1.2.3","port":"eth0"}"#,
        ),
        (
            Event::Group {
                bridge: b"br0",
                group: IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x6a)),
                vlan: 5,
                port: Name::Known(b"br0"),
                added: false,
            },
            "br0: group ff02::6a vlan 5 removed from br0",
            r#"{"event":"group_removed","bridge":"br0","group":"ff02::6a","port":"br0","vlan":5}"#,
        ),
        (Event::EventsLost, "events lost; resynchronising", r#"{"event":"events_lost"}"#),
    ];
    for (event, text, json) in cases {
        assert_eq!(both(event), (format!("{text}\n"), format!("{json}\n")));
    }
}

#[test]
fn names_are_escaped_in_json_and_given_as_they_are_in_text() {
    let event = Event::PortRemoved { bridge: b"br\"0", port: b"e\\th\x01\xff" };
    let (mut text, mut json) = (Vec::new(), Vec::new());
    write_event(&mut text, &event, false);
    write_event(&mut json, &event, true);
    assert_eq!(text, b"br\"0: port e\\th\x01\xff removed\n");
    assert_eq!(
        String::from_utf8(json).unwrap(),
        "{\"event\":\"port_removed\",\"bridge\":\"br\\\"0\",\"port\":\"e\\\\th\\u0001\u{fffd}\"}\n"
    );
}

#[test]
fn the_line_is_replaced_not_appended() {
    let mut line = b"left over".to_vec();
    write_event(&mut line, &Event::EventsLost, false);
    assert_eq!(line, b"events lost; resynchronising\n");
}
