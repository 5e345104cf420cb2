//! showvlans, as text and as JSON from the same model (docs/compat.md,
//! section 9). Text: a header, then per bridge its own entry and its ports,
//! one VLAN or range a line, columns separated by two TABs (the unit test
//! below shows the layout).

use std::io::{self, Write};

use crate::format::json::Stream;
use crate::model::{BridgeVlans, VlanRange};
use crate::values::VlanProtocol;

pub fn write_text(out: &mut dyn Write, bridges: &[BridgeVlans]) -> io::Result<()> {
    if bridges.is_empty() {
        return Ok(());
    }
    out.write_all(b"bridge name\tport\t\tvlan ids\n")?;
    // One buffer for every port's lines (a port may have 4094 of them),
    // written out once a port is done.
    let mut text = Vec::new();
    for bridge in bridges {
        if !bridge.settings.filtering {
            out.write_all(&[&bridge.bridge[..], b"\t\t(vlan filtering off)\n"].concat())?;
            continue;
        }
        let mut bridge_column = bridge.bridge.as_slice();
        for (port, vlans) in &bridge.links {
            text.clear();
            let mut port_column = port.as_slice();
            if vlans.is_empty() {
                columns(&mut text, bridge_column, port_column);
                text.extend_from_slice(b"none\n");
            }
            for vlan in vlans.ranges() {
                columns(&mut text, bridge_column, port_column);
                vids(&mut text, &vlan);
                port_column = b"";
            }
            bridge_column = b"";
            out.write_all(&text)?;
        }
    }
    Ok(())
}

/// `<bridge>\t\t<port>\t\t`, the columns before the VLAN ids.
fn columns(text: &mut Vec<u8>, bridge: &[u8], port: &[u8]) {
    text.extend_from_slice(bridge);
    text.extend_from_slice(b"\t\t");
    text.extend_from_slice(port);
    text.extend_from_slice(b"\t\t");
}

/// `10` or `20-30`, then ` PVID` and ` untagged` where they apply, and the newline.
fn vids(text: &mut Vec<u8>, vlan: &VlanRange) {
    let mut digits = [0u8; 20];
    text.extend_from_slice(super::decimal(vlan.first.into(), &mut digits));
    if vlan.last != vlan.first {
        text.push(b'-');
        text.extend_from_slice(super::decimal(vlan.last.into(), &mut digits));
    }
    if vlan.pvid {
        text.extend_from_slice(b" PVID");
    }
    if vlan.untagged {
        text.extend_from_slice(b" untagged");
    }
    text.push(b'\n');
}

/// `[{"bridge", "vlan_filtering", "vlan_protocol", "default_pvid", "ports":
/// [{"interface", "vlans": [{"vid", "vid_end" (ranges only), "pvid", "untagged"}]}]}]`,
/// written as it goes: a bridge may hold a quarter of a million VLANs.
pub fn write_json(out: &mut dyn Write, bridges: &[BridgeVlans], pretty: bool) -> io::Result<()> {
    let mut json = Stream::new(out, pretty);
    json.open(b"[")?;
    for bridge in bridges {
        json.open(b"{")?;
        json.key("bridge")?;
        json.string(&String::from_utf8_lossy(&bridge.bridge))?;
        json.key("vlan_filtering")?;
        json.bool(bridge.settings.filtering)?;
        json.key("vlan_protocol")?;
        json.string(&VlanProtocol::name(bridge.settings.protocol))?;
        json.key("default_pvid")?;
        json.number(bridge.settings.default_pvid)?;
        json.key("ports")?;
        json.open(b"[")?;
        for (name, vlans) in &bridge.links {
            json.open(b"{")?;
            json.key("interface")?;
            json.string(&String::from_utf8_lossy(name))?;
            json.key("vlans")?;
            json.open(b"[")?;
            for vlan in vlans.ranges() {
                json.open(b"{")?;
                json.key("vid")?;
                json.number(vlan.first)?;
                if vlan.last != vlan.first {
                    json.key("vid_end")?;
                    json.number(vlan.last)?;
                }
                json.key("pvid")?;
                json.bool(vlan.pvid)?;
                json.key("untagged")?;
                json.bool(vlan.untagged)?;
                json.close(b"}")?;
            }
            json.close(b"]")?;
            json.close(b"}")?;
        }
        json.close(b"]")?;
        json.close(b"}")?;
    }
    json.close(b"]")?;
    json.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BridgeVlanInfo, VlanSet};

    fn range(first: u16, last: u16, pvid: bool, untagged: bool) -> VlanRange {
        VlanRange { first, last, pvid, untagged }
    }

    fn sample() -> Vec<BridgeVlans> {
        let on = BridgeVlanInfo { filtering: true, protocol: 0x8100, default_pvid: 1 };
        vec![
            BridgeVlans {
                bridge: b"br0".to_vec(),
                settings: on,
                links: vec![
                    (b"br0".to_vec(), [range(1, 1, true, true)].into_iter().collect()),
                    (
                        b"eth0".to_vec(),
                        [range(1, 1, true, true), range(10, 10, false, false), range(20, 30, false, true)]
                            .into_iter()
                            .collect(),
                    ),
                    (b"eth1".to_vec(), VlanSet::default()),
                ],
            },
            BridgeVlans {
                bridge: b"br1".to_vec(),
                settings: BridgeVlanInfo { filtering: false, protocol: 0x88a8, default_pvid: 0 },
                links: vec![],
            },
        ]
    }

    #[test]
    fn text_is_the_specs_layout() {
        let mut out = Vec::new();
        write_text(&mut out, &sample()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "bridge name\tport\t\tvlan ids\n\
             br0\t\tbr0\t\t1 PVID untagged\n\
             \t\teth0\t\t1 PVID untagged\n\
             \t\t\t\t10\n\
             \t\t\t\t20-30 untagged\n\
             \t\teth1\t\tnone\n\
             br1\t\t(vlan filtering off)\n"
        );
        let mut none = Vec::new();
        write_text(&mut none, &[]).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn json_carries_the_same_values() {
        let mut out = Vec::new();
        write_json(&mut out, &sample(), false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[{\"bridge\":\"br0\",\"vlan_filtering\":true,\"vlan_protocol\":\"802.1Q\",\"default_pvid\":1,\"ports\":[\
             {\"interface\":\"br0\",\"vlans\":[{\"vid\":1,\"pvid\":true,\"untagged\":true}]},\
             {\"interface\":\"eth0\",\"vlans\":[{\"vid\":1,\"pvid\":true,\"untagged\":true},\
             {\"vid\":10,\"pvid\":false,\"untagged\":false},{\"vid\":20,\"vid_end\":30,\"pvid\":false,\"untagged\":true}]},\
             {\"interface\":\"eth1\",\"vlans\":[]}]},\
             {\"bridge\":\"br1\",\"vlan_filtering\":false,\"vlan_protocol\":\"802.1ad\",\"default_pvid\":0,\"ports\":[]}]\n"
        );
    }
}
