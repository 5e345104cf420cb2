//! showstp's details (`-d`, and always in its JSON): a bridge's multicast
//! snooping and VLAN settings, a port's multicast settings and flags, the
//! lines of Red Hat's bridge-utils IGMP snooping patch in the layout of the
//! original's timer lines (label, TABs, `%4i` or the timer format;
//! docs/compat.md 10.7). Text and JSON come from the same values here.
//!
//! Where the kernel did not report the multicast values (built without
//! IGMP snooping, or too old for the port flags: `mcast` is None), their
//! lines are left out, as their JSON keys are: zeros would read as settings
//! (a hash max of 0, timers of 0.00) that the kernel does not have. The
//! VLAN lines are always printed, with what a kernel without VLAN filtering
//! has in effect (off, 802.1Q, PVID 1); their JSON keys are left out there.

use std::io::{self, Write};

use crate::format::compat;
use crate::format::json::Json;
use crate::model::{BridgeInfo, BridgeVlanInfo, PortInfo};
use crate::values::VlanProtocol;

/// A value as the original's showstp prints one.
#[derive(Clone, Copy)]
enum Value {
    /// `%4i`.
    Int(u64),
    /// Centiseconds as `%4i.%.2i` seconds.
    Timer(u64),
}

/// ` <left label><TABs><value>\t\t\t<right label><TABs><value>\n`; the
/// labels carry their own leading space and TABs.
fn pair(out: &mut dyn Write, left: &str, left_value: Value, right: &str, right_value: Value) -> io::Result<()> {
    out.write_all(left.as_bytes())?;
    value(out, left_value)?;
    out.write_all(b"\t\t\t")?;
    out.write_all(right.as_bytes())?;
    value(out, right_value)?;
    out.write_all(b"\n")
}

fn value(out: &mut dyn Write, value: Value) -> io::Result<()> {
    match value {
        Value::Int(n) => write!(out, "{n:4}"),
        Value::Timer(centisecs) => compat::write_timer(out, centisecs),
    }
}

/// The bridge's lines, written right before its ` flags` line.
pub fn write_bridge(out: &mut dyn Write, info: &BridgeInfo) -> io::Result<()> {
    use Value::{Int, Timer};
    if let Some(m) = &info.mcast {
        pair(out, " hash elasticity\t", Int(m.hash_elasticity.into()), "hash max\t\t", Int(m.hash_max.into()))?;
        pair(
            out,
            " mc last member count\t",
            Int(m.last_member_count.into()),
            "mc init query count\t",
            Int(m.startup_query_count.into()),
        )?;
        pair(out, " mc router\t\t", Int(m.router.into()), "mc snooping\t\t", Int(m.snooping.into()))?;
        pair(
            out,
            " mc last member timer\t",
            Timer(m.last_member_interval),
            "mc membership timer\t",
            Timer(m.membership_interval),
        )?;
        pair(out, " mc querier timer\t", Timer(m.querier_interval), "mc query interval\t", Timer(m.query_interval))?;
        pair(
            out,
            " mc response interval\t",
            Timer(m.query_response_interval),
            "mc init query interval\t",
            Timer(m.startup_query_interval),
        )?;
    }
    let vlan = info.vlan_support().unwrap_or(BridgeVlanInfo::KERNEL_DEFAULTS);
    write!(
        out,
        " vlan filtering\t\t{:4}\t\t\tvlan protocol\t\t{}\n default pvid\t\t{:4}\n",
        u8::from(vlan.filtering),
        VlanProtocol::name(vlan.protocol),
        vlan.default_pvid
    )
}

/// A port's lines, written right before its ` flags` line.
pub fn write_port(out: &mut dyn Write, port: &PortInfo) -> io::Result<()> {
    let Some(m) = &port.mcast else {
        return Ok(());
    };
    write!(
        out,
        " mc router\t\t{:4}\t\t\tmc fast leave\t\t{:4}\n port flags\t\t{}\n",
        m.router,
        u8::from(m.fast_leave),
        m.flags.words().join(" ")
    )
}

/// The bridge's JSON fields, in the text's order: the multicast ones where
/// the kernel reported them, the VLAN ones where it has VLAN filtering.
pub fn bridge_json(info: &BridgeInfo) -> Vec<(&'static str, Json)> {
    let mut fields = Vec::new();
    if let Some(m) = &info.mcast {
        fields.extend([
            ("hash_elasticity", Json::number(m.hash_elasticity)),
            ("hash_max", Json::number(m.hash_max)),
            ("mc_last_member_count", Json::number(m.last_member_count)),
            ("mc_init_query_count", Json::number(m.startup_query_count)),
            ("mc_router", Json::number(m.router)),
            ("mc_snooping", Json::Bool(m.snooping)),
            ("mc_last_member_timer", Json::seconds(m.last_member_interval)),
            ("mc_membership_timer", Json::seconds(m.membership_interval)),
            ("mc_querier_timer", Json::seconds(m.querier_interval)),
            ("mc_query_interval", Json::seconds(m.query_interval)),
            ("mc_response_interval", Json::seconds(m.query_response_interval)),
            ("mc_init_query_interval", Json::seconds(m.startup_query_interval)),
        ]);
    }
    if let Some(vlan) = info.vlan_support() {
        fields.extend([
            ("vlan_filtering", Json::Bool(vlan.filtering)),
            ("vlan_protocol", Json::String(VlanProtocol::name(vlan.protocol))),
            ("default_pvid", Json::number(vlan.default_pvid)),
        ]);
    }
    fields
}

/// A port's JSON fields, where the kernel reported them.
pub fn port_json(port: &PortInfo) -> Vec<(&'static str, Json)> {
    let Some(m) = &port.mcast else {
        return Vec::new();
    };
    vec![
        ("mc_router", Json::number(m.router)),
        ("mc_fast_leave", Json::Bool(m.fast_leave)),
        ("port_flags", Json::words(m.flags.words())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BridgeMcastInfo, PortFlags, PortMcastInfo};

    /// Today's kernel defaults (hash elasticity 16, hash max 4096; the
    /// startup query interval reads 31.24 on a HZ=250 kernel).
    fn mcast() -> BridgeMcastInfo {
        BridgeMcastInfo {
            snooping: true,
            router: 1,
            querier: false,
            query_use_ifaddr: false,
            hash_elasticity: 16,
            hash_max: 4096,
            last_member_count: 2,
            startup_query_count: 2,
            last_member_interval: 100,
            membership_interval: 26000,
            querier_interval: 25500,
            query_interval: 12500,
            query_response_interval: 1000,
            startup_query_interval: 3124,
        }
    }

    fn text(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_bridge_block_has_the_specs_layout() {
        let info = BridgeInfo {
            mcast: Some(mcast()),
            vlan: Some(BridgeVlanInfo { filtering: true, protocol: 0x88a8, default_pvid: 0 }),
            ..BridgeInfo::default()
        };
        assert_eq!(
            text(|out| write_bridge(out, &info)),
            " hash elasticity\t  16\t\t\thash max\t\t4096\n\
             \x20mc last member count\t   2\t\t\tmc init query count\t   2\n\
             \x20mc router\t\t   1\t\t\tmc snooping\t\t   1\n\
             \x20mc last member timer\t   1.00\t\t\tmc membership timer\t 260.00\n\
             \x20mc querier timer\t 255.00\t\t\tmc query interval\t 125.00\n\
             \x20mc response interval\t  10.00\t\t\tmc init query interval\t  31.24\n\
             \x20vlan filtering\t\t   1\t\t\tvlan protocol\t\t802.1ad\n\
             \x20default pvid\t\t   0\n"
        );
    }

    #[test]
    fn without_the_kernels_values_the_vlan_lines_show_its_defaults_and_the_multicast_lines_are_left_out() {
        // A kernel without VLAN filtering still reports the flag (off), never the protocol.
        let info = BridgeInfo { vlan: Some(BridgeVlanInfo::default()), ..BridgeInfo::default() };
        let defaults = " vlan filtering\t\t   0\t\t\tvlan protocol\t\t802.1Q\n default pvid\t\t   1\n";
        assert_eq!(text(|out| write_bridge(out, &info)), defaults);
        assert_eq!(text(|out| write_bridge(out, &BridgeInfo::default())), defaults);
        assert_eq!(bridge_json(&info), []);
        assert_eq!(text(|out| write_port(out, &PortInfo::default())), "");
        assert_eq!(port_json(&PortInfo::default()), []);
    }

    #[test]
    fn the_port_lines_list_the_flags_that_are_on() {
        let flags = PortFlags { learning: true, flood: true, mcflood: true, bcflood: true, ..PortFlags::default() };
        let port =
            PortInfo { mcast: Some(PortMcastInfo { router: 1, fast_leave: false, flags }), ..PortInfo::default() };
        assert_eq!(
            text(|out| write_port(out, &port)),
            " mc router\t\t   1\t\t\tmc fast leave\t\t   0\n port flags\t\tlearning flood mcflood bcflood\n"
        );
        let none = PortInfo {
            mcast: Some(PortMcastInfo { router: 3, fast_leave: true, ..PortMcastInfo::default() }),
            ..PortInfo::default()
        };
        assert_eq!(
            text(|out| write_port(out, &none)),
            " mc router\t\t   3\t\t\tmc fast leave\t\t   1\n port flags\t\t\n"
        );
        assert_eq!(
            port_json(&port),
            [
                ("mc_router", Json::Number("1".into())),
                ("mc_fast_leave", Json::Bool(false)),
                ("port_flags", Json::words(vec!["learning", "flood", "mcflood", "bcflood"])),
            ]
        );
    }

    #[test]
    fn showstp_gains_the_lines_right_before_each_flags_line_and_only_with_details() {
        use crate::model::{BridgeView, Link};
        let flags = PortFlags { learning: true, ..PortFlags::default() };
        let port = |name: &str, no: u16, mcast: Option<PortMcastInfo>| Link {
            name: name.as_bytes().to_vec(),
            port: Some(Box::new(PortInfo {
                port_no: no,
                hairpin: true,
                config_pending: true,
                mcast,
                ..PortInfo::default()
            })),
            ..Link::default()
        };
        let view = BridgeView {
            link: Link { name: b"br0".to_vec(), ..Link::default() },
            info: Box::new(BridgeInfo { mcast: Some(mcast()), topology_change: true, ..BridgeInfo::default() }),
            ports: vec![port("v0", 1, Some(PortMcastInfo { router: 2, fast_leave: true, flags })), port("v1", 2, None)],
        };
        let plain = text(|out| compat::write_showstp(out, &view, false));
        let detailed = text(|out| compat::write_showstp(out, &view, true));
        let bridge_block = text(|out| write_bridge(out, &view.info));
        assert!(
            bridge_block.starts_with(" hash elasticity\t  16\t") && bridge_block.ends_with(" default pvid\t\t   1\n")
        );
        let expected = plain
            .replacen(" flags\t\t\tTOPOLOGY_CHANGE \n", &format!("{bridge_block} flags\t\t\tTOPOLOGY_CHANGE \n"), 1)
            .replacen(
                "   0.00\n flags\t\t\tCONFIG_PENDING \n hairpin mode\t\t   1\n\nv1 (2)",
                "   0.00\n mc router\t\t   2\t\t\tmc fast leave\t\t   1\n port flags\t\tlearning\n \
                 flags\t\t\tCONFIG_PENDING \n hairpin mode\t\t   1\n\nv1 (2)",
                1,
            );
        assert_ne!(plain, expected);
        // v1 has no multicast values: its block stays as it was.
        assert_eq!(detailed, expected);
        assert!(plain.ends_with("hold timer\t\t   0.00\n flags\t\t\tCONFIG_PENDING \n hairpin mode\t\t   1\n\n"));
    }

    #[test]
    fn the_bridge_json_has_the_texts_values_in_its_order() {
        let info = BridgeInfo {
            mcast: Some(mcast()),
            vlan: Some(BridgeVlanInfo { filtering: false, protocol: 0x8100, default_pvid: 1 }),
            ..BridgeInfo::default()
        };
        let n = |text: &str| Json::Number(text.into());
        assert_eq!(
            bridge_json(&info),
            [
                ("hash_elasticity", n("16")),
                ("hash_max", n("4096")),
                ("mc_last_member_count", n("2")),
                ("mc_init_query_count", n("2")),
                ("mc_router", n("1")),
                ("mc_snooping", Json::Bool(true)),
                ("mc_last_member_timer", n("1.00")),
                ("mc_membership_timer", n("260.00")),
                ("mc_querier_timer", n("255.00")),
                ("mc_query_interval", n("125.00")),
                ("mc_response_interval", n("10.00")),
                ("mc_init_query_interval", n("31.24")),
                ("vlan_filtering", Json::Bool(false)),
                ("vlan_protocol", Json::String("802.1Q".into())),
                ("default_pvid", n("1")),
            ]
        );
    }
}
