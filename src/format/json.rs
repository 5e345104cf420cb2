//! JSON for show, showmacs and showstp (`-j`, `-p` to indent): the same
//! values the text shows, read from the same model, so scripts need not
//! parse the compat layout. One document per command.

use std::io::{self, Write};

use crate::format::{compat, details};
use crate::model::{BridgeId, BridgeView, FdbEntry};

/// A JSON value; numbers keep the exact text they are printed with.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
}

impl Json {
    pub fn text(bytes: &[u8]) -> Json {
        Json::String(String::from_utf8_lossy(bytes).into_owned())
    }

    pub fn number(value: impl std::fmt::Display) -> Json {
        Json::Number(value.to_string())
    }

    /// A timer in centiseconds as seconds, with the text output's arithmetic.
    pub fn seconds(centisecs: u64) -> Json {
        let (secs, hundredths) = compat::timer_parts(centisecs);
        Json::Number(format!("{secs}.{hundredths:02}"))
    }

    fn bridge_id(id: &BridgeId) -> Json {
        let mut text = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = compat::write_bridge_id(&mut text, id);
        Json::text(&text)
    }

    pub fn words(words: Vec<&'static str>) -> Json {
        Json::Array(words.into_iter().map(|w| Json::String(w.to_string())).collect())
    }
}

/// show: `[{"bridge", "bridge_id", "stp_enabled", "interfaces"}]`.
pub fn show(views: &[BridgeView]) -> Json {
    Json::Array(
        views
            .iter()
            .map(|view| {
                Json::Object(vec![
                    ("bridge", Json::text(&view.link.name)),
                    ("bridge_id", Json::bridge_id(&view.info.bridge_id)),
                    ("stp_enabled", Json::Bool(view.info.stp_state != 0)),
                    ("interfaces", Json::Array(view.ports.iter().map(|p| Json::text(&p.name)).collect())),
                ])
            })
            .collect(),
    )
}

/// showmacs: one object per entry; `port_name` finds a port's interface.
pub fn showmacs<'a>(entries: &[FdbEntry], port_name: impl Fn(u16) -> Option<&'a [u8]>) -> Json {
    Json::Array(
        entries
            .iter()
            .map(|entry| {
                let mac = compat::mac_text(&entry.mac);
                let mut fields = vec![
                    ("port_no", Json::number(entry.port_no)),
                    ("mac_addr", Json::String(mac)),
                    ("is_local", Json::Bool(entry.is_local())),
                    ("ageing_timer", Json::seconds(entry.ageing_timer.into())),
                    ("interface", Json::text(port_name(entry.port_no).unwrap_or_default())),
                ];
                if let Some(vlan) = entry.vlan {
                    fields.push(("vlan", Json::number(vlan)));
                }
                fields.push(("flags", Json::words(entry.flags.words())));
                Json::Object(fields)
            })
            .collect(),
    )
}

/// showstp: the bridge's values under the text's labels in snake_case
/// (those of `-d` included), its flag words, and its ports.
pub fn showstp(view: &BridgeView) -> Json {
    let b = &view.info;
    let sysfs_seconds = |value: u64| Json::seconds(compat::sysfs_timer_value(value));
    let int = |value: u64| Json::number(compat::as_sysfs_int(value));
    let mut flags = Vec::new();
    if b.topology_change {
        flags.push("TOPOLOGY_CHANGE");
    }
    if b.topology_change_detected {
        flags.push("TOPOLOGY_CHANGE_DETECTED");
    }
    let ports = view
        .ports
        .iter()
        .map(|port| {
            let p = port.port.clone().unwrap_or_default();
            let mut flags = Vec::new();
            if p.config_pending {
                flags.push("CONFIG_PENDING");
            }
            if p.topology_change_ack {
                flags.push("TOPOLOGY_CHANGE_ACK");
            }
            let mut fields = vec![
                ("interface", Json::text(&port.name)),
                ("port_no", Json::number(p.port_no)),
                ("port_id", Json::String(format!("{:04x}", p.port_id))),
                ("state", Json::String(compat::state_name(p.state).to_string())),
                ("designated_root", Json::bridge_id(&p.designated_root)),
                ("path_cost", int(p.path_cost.into())),
                ("designated_bridge", Json::bridge_id(&p.designated_bridge)),
                ("message_age_timer", sysfs_seconds(p.message_age_timer)),
                ("designated_port", Json::String(format!("{:04x}", p.designated_port))),
                ("forward_delay_timer", sysfs_seconds(p.forward_delay_timer)),
                ("designated_cost", Json::number(p.designated_cost)),
                ("hold_timer", sysfs_seconds(p.hold_timer)),
            ];
            fields.extend(details::port_json(&p));
            fields.push(("flags", Json::words(flags)));
            fields.push(("hairpin", Json::Bool(p.hairpin)));
            Json::Object(fields)
        })
        .collect();
    let mut fields = vec![
        ("bridge", Json::text(&view.link.name)),
        ("bridge_id", Json::bridge_id(&b.bridge_id)),
        ("designated_root", Json::bridge_id(&b.designated_root)),
        ("root_port", int(b.root_port.into())),
        ("path_cost", int(b.root_path_cost.into())),
        ("max_age", sysfs_seconds(b.max_age.into())),
        ("bridge_max_age", sysfs_seconds(b.max_age.into())),
        ("hello_time", sysfs_seconds(b.hello_time.into())),
        ("bridge_hello_time", sysfs_seconds(b.hello_time.into())),
        ("forward_delay", sysfs_seconds(b.forward_delay.into())),
        ("bridge_forward_delay", sysfs_seconds(b.forward_delay.into())),
        ("ageing_time", sysfs_seconds(b.ageing_time.into())),
        ("hello_timer", sysfs_seconds(b.hello_timer)),
        ("tcn_timer", sysfs_seconds(b.tcn_timer)),
        ("topology_change_timer", sysfs_seconds(b.topology_change_timer)),
        ("gc_timer", sysfs_seconds(b.gc_timer)),
    ];
    // The details of `showstp -d`, always (where the kernel reported them).
    fields.extend(details::bridge_json(b));
    fields.push(("flags", Json::words(flags)));
    fields.push(("ports", Json::Array(ports)));
    Json::Object(fields)
}

/// Writes one document and a newline; `pretty` indents by two spaces.
pub fn write(out: &mut dyn Write, value: &Json, pretty: bool) -> io::Result<()> {
    let mut text = String::new();
    render(&mut text, value, pretty, 0);
    text.push('\n');
    out.write_all(text.as_bytes())
}

fn render(text: &mut String, value: &Json, pretty: bool, depth: usize) {
    let newline = |text: &mut String, depth: usize| {
        if pretty {
            text.push('\n');
            text.push_str(&"  ".repeat(depth));
        }
    };
    match value {
        Json::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => text.push_str(n),
        Json::String(s) => quote(text, s),
        Json::Array(items) if items.is_empty() => text.push_str("[]"),
        Json::Object(fields) if fields.is_empty() => text.push_str("{}"),
        Json::Array(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                newline(text, depth + 1);
                render(text, item, pretty, depth + 1);
            }
            newline(text, depth);
            text.push(']');
        }
        Json::Object(fields) => {
            text.push('{');
            for (i, (key, item)) in fields.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                newline(text, depth + 1);
                quote(text, key);
                text.push_str(if pretty { ": " } else { ":" });
                render(text, item, pretty, depth + 1);
            }
            newline(text, depth);
            text.push('}');
        }
    }
}

/// JSON written as it goes, for outputs too large to build as a `Json`
/// first (showvlans: a value per VLAN of every port). The bytes are those
/// `write` gives for the same value, compact or pretty.
pub struct Stream<'a> {
    out: &'a mut dyn Write,
    /// What is written goes here first, and out in large pieces.
    buffer: Vec<u8>,
    pretty: bool,
    /// One entry per open array or object: whether it has an element yet.
    open: Vec<bool>,
    /// A key was just written; its value needs no separator.
    after_key: bool,
}

impl<'a> Stream<'a> {
    const FLUSH_AT: usize = 64 * 1024;

    pub fn new(out: &'a mut dyn Write, pretty: bool) -> Stream<'a> {
        Stream { out, buffer: Vec::with_capacity(Self::FLUSH_AT + 256), pretty, open: Vec::new(), after_key: false }
    }

    /// The comma and line break before an element, as `render` places them.
    fn element(&mut self) -> io::Result<()> {
        if self.buffer.len() >= Self::FLUSH_AT {
            self.out.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        if std::mem::take(&mut self.after_key) {
            return Ok(());
        }
        let depth = self.open.len();
        if let Some(has) = self.open.last_mut() {
            if std::mem::replace(has, true) {
                self.buffer.push(b',');
            }
            self.newline(depth);
        }
        Ok(())
    }

    fn newline(&mut self, depth: usize) {
        if self.pretty {
            self.buffer.push(b'\n');
            for _ in 0..depth {
                self.buffer.extend_from_slice(b"  ");
            }
        }
    }

    pub fn open(&mut self, bracket: &[u8]) -> io::Result<()> {
        self.element()?;
        self.buffer.extend_from_slice(bracket);
        self.open.push(false);
        Ok(())
    }

    pub fn close(&mut self, bracket: &[u8]) -> io::Result<()> {
        if self.open.pop() == Some(true) {
            self.newline(self.open.len());
        }
        self.buffer.extend_from_slice(bracket);
        Ok(())
    }

    pub fn key(&mut self, key: &str) -> io::Result<()> {
        self.element()?;
        self.quoted(key);
        self.buffer.extend_from_slice(if self.pretty { b": " } else { b":" });
        self.after_key = true;
        Ok(())
    }

    pub fn string(&mut self, value: &str) -> io::Result<()> {
        self.element()?;
        self.quoted(value);
        Ok(())
    }

    fn quoted(&mut self, value: &str) {
        let mut text = String::with_capacity(value.len() + 2);
        quote(&mut text, value);
        self.buffer.extend_from_slice(text.as_bytes());
    }

    pub fn bool(&mut self, value: bool) -> io::Result<()> {
        self.element()?;
        self.buffer.extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    pub fn number(&mut self, value: u16) -> io::Result<()> {
        self.element()?;
        let mut digits = [0u8; 20];
        self.buffer.extend_from_slice(super::decimal(value.into(), &mut digits));
        Ok(())
    }

    /// Ends the document with its newline, as `write` does, and writes out the rest.
    pub fn finish(mut self) -> io::Result<()> {
        self.buffer.push(b'\n');
        self.out.write_all(&self.buffer)
    }
}

fn quote(text: &mut String, s: &str) {
    text.push('"');
    for c in s.chars() {
        match c {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '\n' => text.push_str("\\n"),
            '\t' => text.push_str("\\t"),
            c if u32::from(c) < 0x20 => text.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => text.push(c),
        }
    }
    text.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BridgeInfo, FdbFlags, Link};

    /// Writes `value` through `Stream`, call by call.
    fn streamed(value: &Json, pretty: bool) -> String {
        fn emit(json: &mut Stream, value: &Json) {
            match value {
                Json::Bool(b) => json.bool(*b).unwrap(),
                Json::Number(n) => json.number(n.parse().unwrap()).unwrap(),
                Json::String(s) => json.string(s).unwrap(),
                Json::Array(items) => {
                    json.open(b"[").unwrap();
                    items.iter().for_each(|item| emit(json, item));
                    json.close(b"]").unwrap();
                }
                Json::Object(fields) => {
                    json.open(b"{").unwrap();
                    for (key, item) in fields {
                        json.key(key).unwrap();
                        emit(json, item);
                    }
                    json.close(b"}").unwrap();
                }
            }
        }
        let mut out = Vec::new();
        let mut json = Stream::new(&mut out, pretty);
        emit(&mut json, value);
        json.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_stream_writes_what_write_writes() {
        let n = |v: u16| Json::Number(v.to_string());
        let value = Json::Array(vec![
            Json::Object(vec![
                ("name", Json::String("a\"b\\c\n".to_string())),
                ("empty", Json::Array(vec![])),
                ("none", Json::Object(vec![])),
                ("list", Json::Array(vec![n(0), n(7), n(65535), Json::Bool(false)])),
                ("nested", Json::Array(vec![Json::Object(vec![("x", Json::Bool(true))]), Json::Array(vec![n(1)])])),
            ]),
            Json::Array(vec![]),
        ]);
        for pretty in [false, true] {
            let mut out = Vec::new();
            write(&mut out, &value, pretty).unwrap();
            assert_eq!(streamed(&value, pretty), String::from_utf8(out).unwrap(), "pretty {pretty}");
        }
        let mut digits = [0u8; 20];
        assert_eq!(crate::format::decimal(0, &mut digits), b"0");
        assert_eq!(crate::format::decimal(4094, &mut digits), b"4094");
        assert_eq!(crate::format::decimal(u64::MAX, &mut digits), b"18446744073709551615");
    }

    fn compact(value: &Json) -> String {
        let mut out = Vec::new();
        write(&mut out, value, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn show_lists_bridges_with_ids_as_strings() {
        let view = BridgeView {
            link: Link { name: b"br0".to_vec(), ..Link::default() },
            info: Box::new(BridgeInfo {
                bridge_id: BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, 0x10] },
                stp_state: 1,
                ..BridgeInfo::default()
            }),
            ports: vec![Link { name: b"v0".to_vec(), ..Link::default() }],
        };
        assert_eq!(
            compact(&show(&[view])),
            "[{\"bridge\":\"br0\",\"bridge_id\":\"8000.020000000010\",\"stp_enabled\":true,\"interfaces\":[\"v0\"]}]\n"
        );
        assert_eq!(compact(&show(&[])), "[]\n");
    }

    #[test]
    fn showmacs_leaves_vlan_out_when_there_is_none() {
        let entries = [
            FdbEntry { mac: [2, 0, 0, 0, 0, 1], port_no: 1, ageing_timer: 96, ..FdbEntry::default() },
            FdbEntry {
                mac: [2, 0, 0, 0, 0, 2],
                port_no: 300,
                vlan: std::num::NonZeroU16::new(10),
                flags: FdbFlags::PERMANENT,
                ..FdbEntry::default()
            },
        ];
        let names = |port: u16| if port == 1 { Some(&b"v0"[..]) } else { None };
        assert_eq!(
            compact(&showmacs(&entries, names)),
            "[{\"port_no\":1,\"mac_addr\":\"02:00:00:00:00:01\",\"is_local\":false,\"ageing_timer\":0.96,\
             \"interface\":\"v0\",\"flags\":[\"learned\"]},\
             {\"port_no\":300,\"mac_addr\":\"02:00:00:00:00:02\",\"is_local\":true,\"ageing_timer\":0.00,\
             \"interface\":\"\",\"vlan\":10,\"flags\":[\"permanent\"]}]\n"
        );
    }

    #[test]
    fn pretty_indents_by_two_spaces_and_strings_are_escaped() {
        let value = Json::Object(vec![
            ("a", Json::Array(vec![Json::String("x\"\\\n\u{1}".into())])),
            ("b", Json::Array(vec![])),
        ]);
        let mut out = Vec::new();
        write(&mut out, &value, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n  \"a\": [\n    \"x\\\"\\\\\\n\\u0001\"\n  ],\n  \"b\": []\n}\n"
        );
    }
}
