//! The original brctl's output formats, byte for byte.

use std::io::{self, Write};

use crate::format::details;
use crate::model::{BridgeId, BridgeView, FdbEntry, Link};

/// `8000.020000000001`: priority, a dot, the MAC, all lowercase hex.
pub fn write_bridge_id(out: &mut dyn Write, id: &BridgeId) -> io::Result<()> {
    let mut line = Line::default();
    let [high, low] = id.priority.to_be_bytes();
    line.push_hex(high);
    line.push_hex(low);
    line.push(b".");
    for byte in id.mac {
        line.push_hex(byte);
    }
    out.write_all(line.as_bytes())
}

/// A line assembled on the stack and written with one call: the rows that
/// are printed by the ten thousand (showmacs) are built without `fmt`,
/// whose machinery was most of showmacs' own time.
struct Line {
    bytes: [u8; 64],
    len: usize,
}

impl Default for Line {
    fn default() -> Line {
        Line { bytes: [0; 64], len: 0 }
    }
}

impl Line {
    /// Appends `bytes`; what would not fit is left out (no row comes near).
    fn push(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(room) = self.bytes.get_mut(self.len..end) {
            room.copy_from_slice(bytes);
            self.len = end;
        }
    }

    /// Two lowercase hex digits, as `%02x`.
    fn push_hex(&mut self, byte: u8) {
        let digit = |nibble: u8| if nibble < 10 { b'0' + nibble } else { b'a' + nibble - 10 };
        self.push(&[digit(byte >> 4), digit(byte & 15)]);
    }

    /// A decimal number right-aligned in at least `width` columns, as `%*i`.
    fn push_decimal(&mut self, value: i64, width: usize) {
        let mut buffer = [0u8; 20];
        let digits = super::decimal(value.unsigned_abs(), &mut buffer);
        let sign: &[u8] = if value < 0 { b"-" } else { b"" };
        for _ in digits.len() + sign.len()..width {
            self.push(b" ");
        }
        self.push(sign);
        self.push(digits);
    }

    /// A timer as `%4i.%.2i` (see `write_timer`).
    fn push_timer(&mut self, centisecs: u64) {
        let (secs, hundredths) = timer_parts(centisecs);
        self.push_decimal(secs.into(), 4);
        self.push(b".");
        // Always 0..=99: what is left of a second, in hundredths.
        let hundredths = hundredths.clamp(0, 99) as u8;
        self.push(&[b'0' + hundredths / 10, b'0' + hundredths % 10]);
    }

    /// `02:00:00:00:00:01`.
    fn push_mac(&mut self, mac: &[u8; 6]) {
        for (i, byte) in mac.iter().enumerate() {
            if i > 0 {
                self.push(b":");
            }
            self.push_hex(*byte);
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

pub fn write_show_header(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
}

/// One bridge: name, id, STP, then the ports, the first on the same line
/// and each further one on its own line after seven TABs.
pub fn write_show_row(out: &mut dyn Write, view: &BridgeView) -> io::Result<()> {
    out.write_all(&view.link.name)?;
    out.write_all(b"\t\t")?;
    write_bridge_id(out, &view.info.bridge_id)?;
    out.write_all(if view.info.stp_state != 0 { b"\tyes\t\t" } else { b"\tno\t\t" })?;
    for (i, port) in view.ports.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\n\t\t\t\t\t\t\t")?;
        }
        out.write_all(&port.name)?;
    }
    out.write_all(b"\n")
}

/// How the original reads a sysfs integer: `%i` into a C int, so the text's
/// value saturates at the C long's range and is then cut to 32 bits.
pub fn as_sysfs_int(value: u64) -> i32 {
    let long = i64::try_from(value).unwrap_or(i64::MAX);
    long as i32
}

/// A timer in centiseconds as `%4i.%.2i` seconds, with the original's
/// arithmetic: the value is taken as unsigned long, times 10000 µs,
/// wrapping, then split into seconds and hundredths cut to C ints.
pub fn write_timer(out: &mut dyn Write, centisecs: u64) -> io::Result<()> {
    let mut line = Line::default();
    line.push_timer(centisecs);
    out.write_all(line.as_bytes())
}

/// Seconds and hundredths as the original prints a timer (see write_timer).
pub fn timer_parts(centisecs: u64) -> (i32, i32) {
    let micros = centisecs.wrapping_mul(10_000);
    let secs = micros / 1_000_000;
    let rest = micros - secs * 1_000_000;
    (secs as i32, (rest as i32) / 10_000)
}

/// The value of a timer the original read from sysfs text (`%i`, sign-extended).
pub fn sysfs_timer_value(centisecs: u64) -> u64 {
    i64::from(as_sysfs_int(centisecs)) as u64
}

fn write_sysfs_timer(out: &mut dyn Write, centisecs: u64) -> io::Result<()> {
    write_timer(out, sysfs_timer_value(centisecs))
}

/// A port state's name as showstp prints it.
pub fn state_name(state: u8) -> &'static str {
    STATE_NAMES.get(usize::from(state)).copied().unwrap_or("<INVALID STATE>")
}

const STATE_NAMES: [&str; 5] = ["disabled", "listening", "learning", "forwarding", "blocking"];

/// showstp: the bridge block, then one block per port (ports sorted).
/// `details` (`-d`) adds the lines of `details` right before each block's
/// ` flags` line; without it the bytes are the original's.
pub fn write_showstp(out: &mut dyn Write, view: &BridgeView, details: bool) -> io::Result<()> {
    let b = &view.info;
    out.write_all(&view.link.name)?;
    out.write_all(b"\n bridge id\t\t")?;
    write_bridge_id(out, &b.bridge_id)?;
    out.write_all(b"\n designated root\t")?;
    write_bridge_id(out, &b.designated_root)?;
    write!(
        out,
        "\n root port\t\t{:4}\t\t\tpath cost\t\t{:4}\n",
        as_sysfs_int(b.root_port.into()),
        as_sysfs_int(b.root_path_cost.into())
    )?;
    // The original reads max_age, hello_time and forward_delay twice (Q11).
    for (left, value, right) in [
        (" max age\t\t", b.max_age, "\t\t\tbridge max age\t\t"),
        (" hello time\t\t", b.hello_time, "\t\t\tbridge hello time\t"),
        (" forward delay\t\t", b.forward_delay, "\t\t\tbridge forward delay\t"),
    ] {
        out.write_all(left.as_bytes())?;
        write_sysfs_timer(out, value.into())?;
        out.write_all(right.as_bytes())?;
        write_sysfs_timer(out, value.into())?;
        out.write_all(b"\n")?;
    }
    out.write_all(b" ageing time\t\t")?;
    write_sysfs_timer(out, b.ageing_time.into())?;
    out.write_all(b"\n hello timer\t\t")?;
    write_sysfs_timer(out, b.hello_timer)?;
    out.write_all(b"\t\t\ttcn timer\t\t")?;
    write_sysfs_timer(out, b.tcn_timer)?;
    out.write_all(b"\n topology change timer\t")?;
    write_sysfs_timer(out, b.topology_change_timer)?;
    out.write_all(b"\t\t\tgc timer\t\t")?;
    write_sysfs_timer(out, b.gc_timer)?;
    out.write_all(b"\n")?;
    if details {
        details::write_bridge(out, b)?;
    }
    out.write_all(b" flags\t\t\t")?;
    if b.topology_change {
        out.write_all(b"TOPOLOGY_CHANGE ")?;
    }
    if b.topology_change_detected {
        out.write_all(b"TOPOLOGY_CHANGE_DETECTED ")?;
    }
    out.write_all(b"\n\n\n")?;
    for port in &view.ports {
        write_showstp_port(out, port, details)?;
    }
    Ok(())
}

fn write_showstp_port(out: &mut dyn Write, port: &Link, details: bool) -> io::Result<()> {
    let p = port.port.clone().unwrap_or_default();
    out.write_all(&port.name)?;
    let state = state_name(p.state);
    write!(out, " ({})\n port id\t\t{:04x}\t\t\tstate\t\t{:>15}\n", p.port_no, p.port_id, state)?;
    out.write_all(b" designated root\t")?;
    write_bridge_id(out, &p.designated_root)?;
    write!(out, "\tpath cost\t\t{:4}\n designated bridge\t", as_sysfs_int(p.path_cost.into()))?;
    write_bridge_id(out, &p.designated_bridge)?;
    out.write_all(b"\tmessage age timer\t")?;
    write_sysfs_timer(out, p.message_age_timer)?;
    write!(out, "\n designated port\t{:04x}\t\t\tforward delay timer\t", p.designated_port)?;
    write_sysfs_timer(out, p.forward_delay_timer)?;
    write!(out, "\n designated cost\t{:4}\t\t\thold timer\t\t", p.designated_cost)?;
    write_sysfs_timer(out, p.hold_timer)?;
    out.write_all(b"\n")?;
    if details {
        details::write_port(out, &p)?;
    }
    out.write_all(b" flags\t\t\t")?;
    if p.config_pending {
        out.write_all(b"CONFIG_PENDING ")?;
    }
    if p.topology_change_ack {
        out.write_all(b"TOPOLOGY_CHANGE_ACK ")?;
    }
    if p.hairpin {
        out.write_all(b"\n hairpin mode\t\t   1")?;
    }
    out.write_all(b"\n\n")
}

/// A MAC address as showmacs prints it (`0a:bb:cc:00:00:01`), for the
/// formats that read the same values.
pub fn mac_text(mac: &[u8; 6]) -> String {
    let mut line = Line::default();
    line.push_mac(mac);
    String::from_utf8_lossy(line.as_bytes()).into_owned()
}

pub fn write_showmacs_header(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"port no\tmac addr\t\tis local?\tageing timer\n")
}

/// One FDB row; the port number is the true one (D5).
pub fn write_showmacs_row(out: &mut dyn Write, entry: &FdbEntry) -> io::Result<()> {
    // "%3i\t%.2x:..:%.2x\t%s\t\t" then the timer.
    let mut line = Line::default();
    line.push_decimal(entry.port_no.into(), 3);
    line.push(b"\t");
    line.push_mac(&entry.mac);
    line.push(if entry.is_local() { b"\tyes\t\t" } else { b"\tno\t\t" });
    line.push_timer(entry.ageing_timer.into());
    line.push(b"\n");
    out.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BridgeInfo, FdbFlags, Link, PortInfo};

    fn link(name: &str) -> Link {
        Link { name: name.as_bytes().to_vec(), ..Link::default() }
    }

    fn view(name: &str, stp: u32, mac_last: u8, ports: &[&str]) -> BridgeView {
        let info = BridgeInfo {
            bridge_id: BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, mac_last] },
            stp_state: stp,
            ..BridgeInfo::default()
        };
        BridgeView { link: link(name), info: Box::new(info), ports: ports.iter().map(|p| link(p)).collect() }
    }

    fn render(views: &[BridgeView]) -> String {
        let mut out = Vec::new();
        write_show_header(&mut out).unwrap();
        for v in views {
            write_show_row(&mut out, v).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn show_matches_the_original_layout() {
        let text = render(&[view("br0", 0, 1, &["v0", "v1", "v2"]), view("br1", 1, 0, &[])]);
        assert_eq!(
            text,
            "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
             br0\t\t8000.020000000001\tno\t\tv0\n\
             \t\t\t\t\t\t\tv1\n\
             \t\t\t\t\t\t\tv2\n\
             br1\t\t8000.020000000000\tyes\t\t\n"
        );
    }

    #[test]
    fn showstp_matches_the_observed_output() {
        let id = BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, 1] };
        let info = BridgeInfo {
            bridge_id: id,
            designated_root: id,
            max_age: 2000,
            hello_time: 200,
            forward_delay: 1500,
            ageing_time: 30000,
            hello_timer: 100,
            gc_timer: 29900,
            stp_state: 1,
            ..BridgeInfo::default()
        };
        let port = |name: &str, no: u16, cost: u32, state: u8, fd_timer: u64, hairpin: bool| Link {
            name: name.as_bytes().to_vec(),
            port: Some(Box::new(PortInfo {
                port_no: no,
                port_id: 0x8000 | no,
                state,
                path_cost: cost,
                designated_root: id,
                designated_bridge: id,
                designated_port: 0x8000 | no,
                forward_delay_timer: fd_timer,
                hairpin,
                ..PortInfo::default()
            })),
            ..Link::default()
        };
        let view = BridgeView {
            link: link("br0"),
            info: Box::new(info),
            ports: vec![port("v0", 1, 250, 3, 1399, false), port("v1", 2, 2, 0, 0, true)],
        };
        let mut out = Vec::new();
        write_showstp(&mut out, &view, false).unwrap();
        let expected = "br0
 bridge id\t\t8000.020000000001
 designated root\t8000.020000000001
 root port\t\t   0\t\t\tpath cost\t\t   0
 max age\t\t  20.00\t\t\tbridge max age\t\t  20.00
 hello time\t\t   2.00\t\t\tbridge hello time\t   2.00
 forward delay\t\t  15.00\t\t\tbridge forward delay\t  15.00
 ageing time\t\t 300.00
 hello timer\t\t   1.00\t\t\ttcn timer\t\t   0.00
 topology change timer\t   0.00\t\t\tgc timer\t\t 299.00
 flags\t\t\t


v0 (1)
 port id\t\t8001\t\t\tstate\t\t     forwarding
 designated root\t8000.020000000001\tpath cost\t\t 250
 designated bridge\t8000.020000000001\tmessage age timer\t   0.00
 designated port\t8001\t\t\tforward delay timer\t  13.99
 designated cost\t   0\t\t\thold timer\t\t   0.00
 flags\t\t\t

v1 (2)
 port id\t\t8002\t\t\tstate\t\t       disabled
 designated root\t8000.020000000001\tpath cost\t\t   2
 designated bridge\t8000.020000000001\tmessage age timer\t   0.00
 designated port\t8002\t\t\tforward delay timer\t   0.00
 designated cost\t   0\t\t\thold timer\t\t   0.00
 flags\t\t\t
 hairpin mode\t\t   1

";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn showmacs_rows_show_true_port_numbers() {
        let mut out = Vec::new();
        write_showmacs_header(&mut out).unwrap();
        let entry = |port_no, last, is_local, ageing_timer| FdbEntry {
            mac: [0x0a, 0xbb, 0xcc, 0, 0, last],
            port_no,
            flags: FdbFlags::default().with(FdbFlags::PERMANENT, is_local),
            ageing_timer,
            ..FdbEntry::default()
        };
        write_showmacs_row(&mut out, &entry(1, 1, false, 96)).unwrap();
        write_showmacs_row(&mut out, &entry(257, 0xff, true, 0)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "port no\tmac addr\t\tis local?\tageing timer\n\
             \x20 1\t0a:bb:cc:00:00:01\tno\t\t   0.96\n\
             257\t0a:bb:cc:00:00:ff\tyes\t\t   0.00\n"
        );
    }

    #[test]
    fn bridge_ids_are_zero_padded_lowercase_hex() {
        let mut out = Vec::new();
        let id = BridgeId { priority: 0x1170, mac: [0xab, 0xcd, 0, 1, 0x0f, 0xf0] };
        write_bridge_id(&mut out, &id).unwrap();
        assert_eq!(out, b"1170.abcd00010ff0");
    }
}

#[cfg(test)]
mod timer_tests {
    use super::*;

    fn timer(sysfs: u64) -> String {
        let mut out = Vec::new();
        write_sysfs_timer(&mut out, sysfs).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn lines_print_what_printf_would() {
        let extremes = [i64::MIN, i64::from(i32::MIN), -1000, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 65535, i64::MAX];
        for value in extremes {
            for width in [0, 3, 4, 25] {
                let mut line = Line::default();
                line.push_decimal(value, width);
                assert_eq!(line.as_bytes(), format!("{value:width$}").as_bytes());
            }
        }
        for centisecs in [0, 1, 99, 100, 1399, 9998, 2147483648, 1844674407370, u64::MAX] {
            let (secs, hundredths) = timer_parts(centisecs);
            let mut out = Vec::new();
            write_timer(&mut out, centisecs).unwrap();
            assert_eq!(out, format!("{secs:4}.{hundredths:02}").as_bytes(), "{centisecs}");
        }
        for mac in [[0; 6], [0xff; 6], [2, 0x1a, 0xb0, 0x9c, 0, 0x0f]] {
            let m = mac;
            let expected = format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
            assert_eq!(mac_text(&mac), expected);
            let mut out = Vec::new();
            write_bridge_id(&mut out, &BridgeId { priority: 0x0a0f, mac }).unwrap();
            assert_eq!(out, format!("0a0f.{}", expected.replace(':', "")).as_bytes());
        }
    }

    #[test]
    fn timers_print_with_the_originals_arithmetic() {
        for (sysfs, printed) in [
            (9998, "  99.98"),
            (10000, " 100.00"),
            (100000, "1000.00"),
            (1000000, "10000.00"),
            (2147483646, "21474836.46"),
            (2147483648, "-161937447.07"),
            (3000000000, "-153412284.59"),
            (4294967296, "   0.00"),
            (1000000000000, "-147736411.87"),
            (1844674407370, "21334373.86"),
            (0, "   0.00"),
            (1399, "  13.99"),
        ] {
            assert_eq!(timer(sysfs), printed, "{sysfs}");
        }
    }
}
