//! showvlans, as text and as JSON from the same model (docs/compat.md,
//! section 9). Text: a header, then per bridge its own entry and its ports,
//! one VLAN or range a line, columns separated by two TABs (the unit test
//! below shows the layout).

use std::io::{self, Write};

use crate::format::json::Json;
use crate::model::{BridgeVlans, VlanRange};
use crate::values::VlanProtocol;

pub fn write_text(out: &mut dyn Write, bridges: &[BridgeVlans]) -> io::Result<()> {
    if bridges.is_empty() {
        return Ok(());
    }
    let mut text = Vec::new();
    text.extend_from_slice(b"bridge name\tport\t\tvlan ids\n");
    for bridge in bridges {
        if !bridge.settings.filtering {
            for part in [&bridge.bridge[..], b"\t\t(vlan filtering off)\n"] {
                text.extend_from_slice(part);
            }
            continue;
        }
        let mut bridge_column = bridge.bridge.as_slice();
        for (port, vlans) in &bridge.links {
            let mut port_column = port.as_slice();
            if vlans.is_empty() {
                row(&mut text, bridge_column, port_column, b"none");
                bridge_column = b"";
                continue;
            }
            for vlan in vlans {
                row(&mut text, bridge_column, port_column, &vids(vlan));
                (bridge_column, port_column) = (b"", b"");
            }
        }
    }
    out.write_all(&text)
}

fn row(text: &mut Vec<u8>, bridge: &[u8], port: &[u8], vids: &[u8]) {
    for part in [bridge, b"\t\t", port, b"\t\t", vids, b"\n"] {
        text.extend_from_slice(part);
    }
}

/// `10`, `20-30`, then ` PVID` and ` untagged` where they apply.
fn vids(vlan: &VlanRange) -> Vec<u8> {
    let mut text =
        if vlan.first == vlan.last { vlan.first.to_string() } else { format!("{}-{}", vlan.first, vlan.last) };
    if vlan.pvid {
        text.push_str(" PVID");
    }
    if vlan.untagged {
        text.push_str(" untagged");
    }
    text.into_bytes()
}

/// `[{"bridge", "vlan_filtering", "vlan_protocol", "default_pvid", "ports":
/// [{"interface", "vlans": [{"vid", "vid_end" (ranges only), "pvid", "untagged"}]}]}]`.
pub fn json(bridges: &[BridgeVlans]) -> Json {
    Json::Array(
        bridges
            .iter()
            .map(|bridge| {
                let ports = bridge
                    .links
                    .iter()
                    .map(|(name, vlans)| {
                        Json::Object(vec![
                            ("interface", Json::text(name)),
                            ("vlans", Json::Array(vlans.iter().map(vlan_json).collect())),
                        ])
                    })
                    .collect();
                Json::Object(vec![
                    ("bridge", Json::text(&bridge.bridge)),
                    ("vlan_filtering", Json::Bool(bridge.settings.filtering)),
                    ("vlan_protocol", Json::String(VlanProtocol::name(bridge.settings.protocol))),
                    ("default_pvid", Json::number(bridge.settings.default_pvid)),
                    ("ports", Json::Array(ports)),
                ])
            })
            .collect(),
    )
}

fn vlan_json(vlan: &VlanRange) -> Json {
    let mut fields = vec![("vid", Json::number(vlan.first))];
    if vlan.last != vlan.first {
        fields.push(("vid_end", Json::number(vlan.last)));
    }
    fields.push(("pvid", Json::Bool(vlan.pvid)));
    fields.push(("untagged", Json::Bool(vlan.untagged)));
    Json::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::json;
    use crate::model::BridgeVlanInfo;

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
                    (b"br0".to_vec(), vec![range(1, 1, true, true)]),
                    (
                        b"eth0".to_vec(),
                        vec![range(1, 1, true, true), range(10, 10, false, false), range(20, 30, false, true)],
                    ),
                    (b"eth1".to_vec(), vec![]),
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
        json::write(&mut out, &json(&sample()), false).unwrap();
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
