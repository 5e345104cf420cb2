//! showmdb, as text and as JSON from the same model: a bridge's multicast
//! groups and its router ports (docs/compat.md 10.6).
//!
//! Text: a header, one line per group on a port, then `router ports:` and
//! their names (the line is left out when there are none, as `bridge mdb
//! show` leaves them out). Columns are separated by fixed TABs, as the
//! original's tables are (`show`): a port name of 8 bytes or more, or a
//! group of 16 characters or more (IPv6), pushes the rest of its line one
//! column right, and scripts split on the TABs. The state is one of two
//! words, each followed by the TABs that bring the timer to the same column
//! (`temp` two, `permanent` one), as the original pads its fixed labels.

use std::io::{self, Write};
use std::net::IpAddr;

use crate::format::compat;
use crate::format::json::Json;

/// One group on one port, the port by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdbRow {
    pub port: Vec<u8>,
    pub group: IpAddr,
    /// 0 when the entry has no VLAN.
    pub vlan: u16,
    pub permanent: bool,
    /// Time left, in centiseconds (0 for permanent entries).
    pub timer: u64,
}

/// What showmdb prints for one bridge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MdbView {
    pub bridge: Vec<u8>,
    pub groups: Vec<MdbRow>,
    pub router_ports: Vec<Vec<u8>>,
}

fn state(row: &MdbRow) -> &'static str {
    if row.permanent {
        "permanent"
    } else {
        "temp"
    }
}

pub fn write_text(out: &mut dyn Write, view: &MdbView) -> io::Result<()> {
    let mut text = Vec::with_capacity(64 * (view.groups.len() + 2));
    text.extend_from_slice(b"port\t\tgroup\t\t\tvlan\tstate\t\ttimer\n");
    for row in &view.groups {
        text.extend_from_slice(&row.port);
        text.extend_from_slice(format!("\t\t{}\t\t{}\t", row.group, row.vlan).as_bytes());
        text.extend_from_slice(if row.permanent { b"permanent\t" } else { b"temp\t\t" });
        compat::write_timer(&mut text, row.timer)?;
        text.push(b'\n');
    }
    if !view.router_ports.is_empty() {
        text.extend_from_slice(b"router ports:");
        for port in &view.router_ports {
            text.push(b' ');
            text.extend_from_slice(port);
        }
        text.push(b'\n');
    }
    out.write_all(&text)
}

/// `{"bridge", "groups": [{"port", "group", "vlan", "state", "timer"}],
/// "router_ports": [names]}`, the timer in seconds.
pub fn json(view: &MdbView) -> Json {
    let groups = view
        .groups
        .iter()
        .map(|row| {
            Json::Object(vec![
                ("port", Json::text(&row.port)),
                ("group", Json::String(row.group.to_string())),
                ("vlan", Json::number(row.vlan)),
                ("state", Json::String(state(row).to_string())),
                ("timer", Json::seconds(row.timer)),
            ])
        })
        .collect();
    Json::Object(vec![
        ("bridge", Json::text(&view.bridge)),
        ("groups", Json::Array(groups)),
        ("router_ports", Json::Array(view.router_ports.iter().map(|name| Json::text(name)).collect())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::json;

    fn row(port: &str, group: &str, vlan: u16, permanent: bool, timer: u64) -> MdbRow {
        MdbRow { port: port.as_bytes().to_vec(), group: group.parse().unwrap(), vlan, permanent, timer }
    }

    fn sample() -> MdbView {
        MdbView {
            bridge: b"br0".to_vec(),
            groups: vec![
                row("eth0", "239.1.1.1", 0, false, 25952),
                row("eth0", "239.1.1.2", 10, true, 0),
                row("veth-long-name", "ff0e::1234:5678:9abc", 4094, false, 99),
            ],
            router_ports: vec![b"eth0".to_vec(), b"eth1".to_vec()],
        }
    }

    fn text(view: &MdbView) -> String {
        let mut out = Vec::new();
        write_text(&mut out, view).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_is_the_specs_layout() {
        assert_eq!(
            text(&sample()),
            "port\t\tgroup\t\t\tvlan\tstate\t\ttimer\n\
             eth0\t\t239.1.1.1\t\t0\ttemp\t\t 259.52\n\
             eth0\t\t239.1.1.2\t\t10\tpermanent\t   0.00\n\
             veth-long-name\t\tff0e::1234:5678:9abc\t\t4094\ttemp\t\t   0.99\n\
             router ports: eth0 eth1\n"
        );
    }

    #[test]
    fn without_groups_or_router_ports_only_the_header_is_left() {
        let empty = MdbView { bridge: b"br0".to_vec(), ..MdbView::default() };
        assert_eq!(text(&empty), "port\t\tgroup\t\t\tvlan\tstate\t\ttimer\n");
        let mut out = Vec::new();
        json::write(&mut out, &json(&empty), false).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"bridge\":\"br0\",\"groups\":[],\"router_ports\":[]}\n");
    }

    #[test]
    fn json_carries_the_same_values() {
        let mut out = Vec::new();
        json::write(&mut out, &json(&sample()), false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"bridge\":\"br0\",\"groups\":[\
             {\"port\":\"eth0\",\"group\":\"239.1.1.1\",\"vlan\":0,\"state\":\"temp\",\"timer\":259.52},\
             {\"port\":\"eth0\",\"group\":\"239.1.1.2\",\"vlan\":10,\"state\":\"permanent\",\"timer\":0.00},\
             {\"port\":\"veth-long-name\",\"group\":\"ff0e::1234:5678:9abc\",\"vlan\":4094,\"state\":\"temp\",\
             \"timer\":0.99}],\
             \"router_ports\":[\"eth0\",\"eth1\"]}\n"
        );
        let mut pretty = Vec::new();
        let one = MdbView { groups: vec![row("v0", "239.1.1.1", 0, true, 0)], ..sample() };
        json::write(&mut pretty, &json(&one), true).unwrap();
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            "{\n  \"bridge\": \"br0\",\n  \"groups\": [\n    {\n      \"port\": \"v0\",\n      \
             \"group\": \"239.1.1.1\",\n      \"vlan\": 0,\n      \"state\": \"permanent\",\n      \
             \"timer\": 0.00\n    }\n  ],\n  \"router_ports\": [\n    \"eth0\",\n    \"eth1\"\n  ]\n}\n"
        );
    }
}
