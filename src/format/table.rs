//! Tables for people (`showmacs -d`): aligned columns, no borders. Never
//! used for the original's formats, which scripts parse.

use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::Style;

use crate::format::compat;
use crate::model::FdbEntry;

/// showmacs with details: the original's columns, then the interface,
/// the VLAN and the flag words.
pub fn write_showmacs_details<'a>(
    out: &mut dyn Write,
    entries: &[FdbEntry],
    port_name: impl Fn(u16) -> Option<&'a [u8]>,
) -> io::Result<()> {
    let mut builder = Builder::default();
    builder.push_record(["port no", "mac addr", "is local?", "ageing timer", "interface", "vlan", "flags"]);
    for entry in entries {
        let (secs, hundredths) = compat::timer_parts(entry.ageing_timer.into());
        builder.push_record([
            entry.port_no.to_string(),
            compat::mac_text(&entry.mac),
            if entry.is_local() { "yes" } else { "no" }.to_string(),
            format!("{secs}.{hundredths:02}"),
            String::from_utf8_lossy(port_name(entry.port_no).unwrap_or_default()).into_owned(),
            entry.vlan.map(|v| v.to_string()).unwrap_or_default(),
            entry.flags.words().join(","),
        ]);
    }
    let mut table = builder.build();
    table.with(Style::blank());
    // The blank style pads every line to the table's width; people and
    // terminals are better off without trailing spaces.
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FdbFlags;

    #[test]
    fn details_add_interface_vlan_and_flags_in_aligned_columns() {
        let entries = [
            FdbEntry { mac: [2, 0, 0, 0, 0, 1], port_no: 1, ageing_timer: 96, ..FdbEntry::default() },
            FdbEntry {
                mac: [2, 0, 0, 0, 0, 2],
                port_no: 300,
                vlan: std::num::NonZeroU16::new(10),
                flags: FdbFlags::PERMANENT.with(FdbFlags::OFFLOADED, true),
                ..FdbEntry::default()
            },
        ];
        let names = |port: u16| match port {
            1 => Some(&b"v0"[..]),
            _ => Some(&b"veth-long-name"[..]),
        };
        let mut out = Vec::new();
        write_showmacs_details(&mut out, &entries, names).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with(" port no "), "{text}");
        assert!(lines[1].contains("02:00:00:00:00:01") && lines[1].contains("learned"), "{text}");
        assert!(lines[2].contains("veth-long-name") && lines[2].contains("permanent,offloaded"), "{text}");
        // Aligned: the MAC column starts at the same offset on every row.
        let column = lines[1].find("02:00").unwrap();
        assert_eq!(lines[2].find("02:00"), Some(column));
        assert_eq!(lines[0].find("mac addr"), Some(column));
    }
}
