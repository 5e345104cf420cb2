//! showstp: a bridge's spanning tree state and its ports'.

use std::io::Write;

use crate::backend::Backend;
use crate::error::Error;
use crate::format::{compat, json};
use crate::values::IfName;

use super::show::view_of;
use super::OutputStyle;

pub fn showstp(
    backend: &mut dyn Backend,
    name: &IfName,
    style: &OutputStyle,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let view = view_of(backend, name)?;
    if style.json {
        json::write(out, &json::showstp(&view), style.pretty)?;
    } else {
        compat::write_showstp(out, &view, style.details)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::fake::FakeKernel;
    use crate::model::{BridgeInfo, BridgeMcastInfo, BridgeVlanInfo, PortFlags, PortMcastInfo};

    /// Backend calls showstp makes; each is one netlink request (a port
    /// dump is one request, however many replies it takes).
    fn calls_for_showstp(ports: u16) -> usize {
        let mut kernel = FakeKernel::bridge_with_ports(ports);
        let mut out = Vec::new();
        let name = IfName::from_bytes(b"br0").unwrap();
        showstp(&mut kernel, &name, &OutputStyle::default(), &mut out).unwrap();
        assert_eq!(out.windows(3).filter(|w| w == b"\n\np").count(), usize::from(ports));
        kernel.total_calls()
    }

    /// br0 with ports p0 and p1; with `mcast`, both report multicast values
    /// and p0 some flags.
    fn kernel(mcast: bool) -> FakeKernel {
        let mut kernel = FakeKernel::bridge_with_ports(2);
        if mcast {
            let settings =
                BridgeMcastInfo { snooping: true, hash_max: 4096, query_interval: 12500, ..Default::default() };
            kernel.links[0].bridge = Some(Box::new(BridgeInfo { mcast: Some(settings), ..BridgeInfo::default() }));
            for (n, link) in kernel.links.iter_mut().skip(1).enumerate() {
                let flags = PortFlags { learning: n == 0, bcflood: n == 0, ..PortFlags::default() };
                if let Some(port) = link.port.as_mut() {
                    port.mcast = Some(PortMcastInfo { router: 1, fast_leave: false, flags });
                }
            }
        }
        kernel
    }

    fn run(kernel: &mut FakeKernel, style: OutputStyle) -> String {
        let mut out = Vec::new();
        showstp(kernel, &IfName::from_bytes(b"br0").unwrap(), &style, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const DETAILS: OutputStyle = OutputStyle { json: false, pretty: false, details: true };
    const JSON: OutputStyle = OutputStyle { json: true, pretty: false, details: false };

    #[test]
    fn details_add_the_multicast_vlan_and_flag_lines() {
        let plain = run(&mut kernel(true), OutputStyle::default());
        let detailed = run(&mut kernel(true), DETAILS);
        assert!(!plain.contains("mc router") && !plain.contains("vlan"), "{plain}");
        let bridge_lines = " hash elasticity\t   0\t\t\thash max\t\t4096\n";
        let vlan_lines = " vlan filtering\t\t   0\t\t\tvlan protocol\t\t802.1Q\n default pvid\t\t   1\n flags\t\t\t\n";
        assert!(detailed.contains(bridge_lines) && detailed.contains(vlan_lines), "{detailed}");
        assert!(detailed.contains("\t\t\tmc query interval\t 125.00\n"), "{detailed}");
        assert!(detailed.contains(" mc router\t\t   0\t\t\tmc snooping\t\t   1\n"), "{detailed}");
        assert!(
            detailed.contains(
                "\n mc router\t\t   1\t\t\tmc fast leave\t\t   0\n port flags\t\tlearning bcflood\n flags\t\t\t\n\np1 (2)"
            ),
            "{detailed}"
        );
        assert!(detailed.ends_with(" port flags\t\t\n flags\t\t\t\n\n"), "{detailed}");
        // Taking the added lines out gives the original's bytes.
        let added = |line: &str| {
            ["hash", "mc ", "vlan", "default pvid", "port flags"].iter().any(|l| line.trim_start().starts_with(l))
        };
        let kept: Vec<&str> = detailed.split_inclusive('\n').filter(|line| !added(line)).collect();
        assert_eq!(kept.concat(), plain);
    }

    #[test]
    fn details_without_the_kernels_multicast_values_show_only_the_vlan_defaults() {
        let plain = run(&mut kernel(false), OutputStyle::default());
        let detailed = run(&mut kernel(false), DETAILS);
        let vlan_lines = " vlan filtering\t\t   0\t\t\tvlan protocol\t\t802.1Q\n default pvid\t\t   1\n";
        assert_eq!(detailed, plain.replacen(" flags\t\t\t\n", &format!("{vlan_lines} flags\t\t\t\n"), 1));
    }

    #[test]
    fn json_always_carries_the_details_where_the_kernel_reported_them() {
        let json = run(&mut kernel(true), JSON);
        assert_eq!(json, run(&mut kernel(true), OutputStyle { details: true, ..JSON }));
        assert!(
            json.contains(
                "\"gc_timer\":0.00,\"hash_elasticity\":0,\"hash_max\":4096,\"mc_last_member_count\":0,\
                 \"mc_init_query_count\":0,\"mc_router\":0,\"mc_snooping\":true,\"mc_last_member_timer\":0.00,\
                 \"mc_membership_timer\":0.00,\"mc_querier_timer\":0.00,\"mc_query_interval\":125.00,\
                 \"mc_response_interval\":0.00,\"mc_init_query_interval\":0.00,\"flags\":[],"
            ),
            "{json}"
        );
        assert!(
            json.contains(
                "\"hold_timer\":0.00,\"mc_router\":1,\"mc_fast_leave\":false,\
                 \"port_flags\":[\"learning\",\"bcflood\"],\"flags\":[],\"hairpin\":false}"
            ),
            "{json}"
        );
        // No VLAN filtering (no protocol reported), no multicast values: no keys for them.
        let bare = run(&mut kernel(false), JSON);
        assert!(bare.contains("\"gc_timer\":0.00,\"flags\":[]") && bare.contains("\"hold_timer\":0.00,\"flags\""));
        let mut vlan = kernel(false);
        vlan.links[0].bridge = Some(Box::new(BridgeInfo {
            vlan: Some(BridgeVlanInfo { filtering: true, protocol: 0x88a8, default_pvid: 7 }),
            ..BridgeInfo::default()
        }));
        let json = run(&mut vlan, JSON);
        assert!(
            json.contains(
                "\"gc_timer\":0.00,\"vlan_filtering\":true,\"vlan_protocol\":\"802.1ad\",\"default_pvid\":7,\"flags\""
            ),
            "{json}"
        );
    }

    #[test]
    fn showstp_asks_the_kernel_the_same_number_of_times_for_any_number_of_ports() {
        // One lookup of the bridge and one dump of its ports, whatever the size.
        assert_eq!(calls_for_showstp(0), 2);
        assert_eq!(calls_for_showstp(1), 2);
        assert_eq!(calls_for_showstp(500), 2);
    }
}
