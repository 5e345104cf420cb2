//! vlanfiltering, setvlanproto, setdefpvid (bridge settings, see bridge.rs)
//! and addvlan, delvlan, showvlans: the VLANs of a bridge's ports.

use std::io::Write;

use crate::backend::{Backend, Errno};
use crate::error::Error;
use crate::format::vlan as render;
use crate::model::{BridgeVlanInfo, BridgeVlans, Link, VlanChange};
use crate::values::{IfName, VlanIds};

use super::show::{bridge_link, each_name};
use super::{unless_not_permitted, OutputStyle};

pub fn add(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    vids: VlanIds,
    pvid: bool,
    untagged: bool,
) -> Result<(), Error> {
    let failed = |errno| Error::Vlan { delete: false, errno };
    let (target, on_bridge) = target(backend, bridge, port, failed)?;
    let change = VlanChange { first: vids.first(), last: vids.last(), pvid, untagged, on_bridge };
    backend.add_vlans(target.index, change).map_err(failed)
}

pub fn delete(backend: &mut dyn Backend, bridge: &IfName, port: &IfName, vids: VlanIds) -> Result<(), Error> {
    let failed = |errno| Error::Vlan { delete: true, errno };
    let (target, on_bridge) = target(backend, bridge, port, failed)?;
    let change = VlanChange { first: vids.first(), last: vids.last(), pvid: false, untagged: false, on_bridge };
    backend.delete_vlans(target.index, change).map_err(failed)
}

/// The link whose VLANs change, and whether it is the bridge itself. A
/// missing or wrong bridge is reported as the reads report it; a port of
/// another bridge is refused (D4).
fn target(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    failed: impl Fn(Errno) -> Error,
) -> Result<(Link, bool), Error> {
    let bridge_link =
        backend.link(bridge).map_err(&failed)?.ok_or_else(|| Error::NoSuchBridge { name: bridge.clone() })?;
    if !bridge_link.is_bridge() {
        return Err(Error::NotABridge { name: bridge.clone() });
    }
    // A kernel without VLAN filtering takes VLAN changes and does nothing.
    if bridge_link.bridge.as_ref().and_then(|info| info.vlan_support()).is_none() {
        return Err(failed(Errno::EOPNOTSUPP));
    }
    if port == bridge {
        return Ok((bridge_link, true));
    }
    let port_link =
        backend.link(port).map_err(&failed)?.ok_or_else(|| Error::NoSuchInterface { name: port.clone() })?;
    if !port_link.is_port_of(bridge_link.index) {
        let refusal = Error::NotAPort { device: port.clone(), bridge: bridge.clone() };
        return Err(unless_not_permitted(backend, refusal, failed));
    }
    Ok((port_link, false))
}

/// showvlans: every bridge by name, or the named ones in the order given
/// (a failing name is reported at once and the rest still shown, as show does).
pub fn show(
    backend: &mut dyn Backend,
    names: &[IfName],
    style: &OutputStyle,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let mut shown = Vec::new();
    let result = if names.is_empty() {
        let mut bridges = backend.bridges().map_err(Error::ListBridges)?;
        bridges.retain(Link::is_bridge);
        bridges.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        for bridge in bridges {
            shown.push(vlans_of(backend, bridge)?);
        }
        Ok(())
    } else {
        each_name(names, err, |name| {
            let bridge = bridge_link(backend, name)?;
            shown.push(vlans_of(backend, bridge)?);
            Ok(())
        })
    };
    if style.json {
        render::write_json(out, &shown, style.pretty)?;
    } else {
        render::write_text(out, &shown)?;
    }
    result
}

/// One bridge's VLANs, asked for only where filtering is on: one dump
/// gives each link's VLANs, name and port number.
fn vlans_of(backend: &mut dyn Backend, bridge: Link) -> Result<BridgeVlans, Error> {
    let settings =
        bridge.bridge.as_ref().and_then(|info| info.vlan_support()).unwrap_or(BridgeVlanInfo::KERNEL_DEFAULTS);
    let name = bridge.name.clone();
    if !settings.filtering {
        return Ok(BridgeVlans { bridge: name, settings, links: Vec::new() });
    }
    let mut all = backend.vlans(&bridge).map_err(|errno| Error::ReadVlans { name: name.clone(), errno })?;
    // The bridge's own entry first, then its ports by port number.
    let own = all.iter().position(|link| link.index == bridge.index).map(|at| all.swap_remove(at));
    all.sort_unstable_by(|a, b| (a.port_no, &a.name).cmp(&(b.port_no, &b.name)));
    let mut links = Vec::with_capacity(all.len() + 1);
    links.push((name.clone(), own.map(|own| own.vlans).unwrap_or_default()));
    links.extend(all.into_iter().map(|link| (link.name, link.vlans)));
    Ok(BridgeVlans { bridge: name, settings, links })
}
