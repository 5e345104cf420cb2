//! showmacs: a bridge's forwarding database; addmac, delmac, flushmacs
//! and sethwaddr change it and the bridge's address (docs/compat.md
//! section 11).

use std::io::Write;

use crate::backend::Backend;
use crate::backend::Errno;
use crate::error::Error;
use crate::format::{compat, json, table};
use crate::model::Link;
use crate::values::{HwAddress, IfName, Mac, VlanId};

use super::port::port_of;
use super::OutputStyle;

pub fn showmacs(
    backend: &mut dyn Backend,
    name: &IfName,
    vlan: Option<VlanId>,
    style: &OutputStyle,
    out: &mut dyn Write,
) -> Result<(), Error> {
    // The original's errnos: ENODEV for a missing device, EOPNOTSUPP for one
    // that has no forwarding table.
    let link = backend.link(name).map_err(Error::ReadFdb)?.ok_or(Error::ReadFdb(Errno::ENODEV))?;
    if !link.is_bridge() {
        return Err(Error::ReadFdb(Errno::EOPNOTSUPP));
    }
    let mut entries = match vlan {
        None => backend.fdb(&link).map_err(Error::ReadFdb)?,
        Some(vlan) => {
            let mut entries = backend.fdb_vlans(&link).map_err(Error::ReadFdbVlans)?;
            entries.retain(|entry| entry.vlan.map(|v| v.get()) == Some(vlan.get()));
            entries
        }
    };
    // By MAC bytes, as the original's qsort (equal MACs in no set order);
    // unstable sorting needs no second buffer.
    entries.sort_unstable_by_key(|entry| entry.mac);
    if style.json || style.details {
        // Interface names only where asked for: one more request.
        let ports = backend.ports(&link).map_err(Error::ReadFdb)?;
        let port_name = |port_no: u16| {
            ports.iter().find(|p| p.port.as_ref().is_some_and(|info| info.port_no == port_no)).map(|p| &p.name[..])
        };
        if style.json {
            json::write(out, &json::showmacs(&entries, port_name), style.pretty)?;
        } else {
            table::write_showmacs_details(out, &entries, port_name)?;
        }
        return Ok(());
    }
    compat::write_showmacs_header(out)?;
    for entry in &entries {
        compat::write_showmacs_row(out, entry)?;
    }
    Ok(())
}

/// addmac: a static entry on a port of the bridge, the port looked up as
/// setpathcost looks it up (D4 for a port of another bridge).
pub fn add(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    mac: Mac,
    vlan: Option<VlanId>,
) -> Result<(), Error> {
    let failed = |errno| Error::Fdb { what: "add mac", errno };
    let port_link = port_of(backend, bridge, port, failed)?;
    backend.add_mac(port_link.index, mac, vlan).map_err(failed)
}

/// delmac: any entry `bridge fdb` shows on a port of the bridge.
pub fn delete(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    mac: Mac,
    vlan: Option<VlanId>,
) -> Result<(), Error> {
    let failed = |errno| Error::Fdb { what: "delete mac", errno };
    let port_link = port_of(backend, bridge, port, failed)?;
    backend.delete_mac(port_link.index, mac, vlan).map_err(failed)
}

/// flushmacs: the bridge looked up as setfd looks it up, a port as
/// setpathcost does.
pub fn flush(backend: &mut dyn Backend, bridge: &IfName, port: Option<&IfName>) -> Result<(), Error> {
    let failed = |errno| Error::Fdb { what: "flush macs", errno };
    match port {
        Some(port) => {
            let port_link = port_of(backend, bridge, port, failed)?;
            let master = port_link.master.unwrap_or_default();
            backend.flush_macs(master, Some(port_link.index)).map_err(failed)
        }
        None => {
            let bridge_link = bridge_of(backend, bridge, failed)?;
            backend.flush_macs(bridge_link.index, None).map_err(failed)
        }
    }
}

/// sethwaddr: the bridge looked up as setfd looks it up, then the address
/// (an interface's as it is now; a missing one is `interface X does not exist!`).
pub fn set_address(backend: &mut dyn Backend, bridge: &IfName, source: &HwAddress) -> Result<(), Error> {
    let failed = |errno| Error::Fdb { what: "set hardware address", errno };
    let bridge_link = bridge_of(backend, bridge, failed)?;
    let mac = match source {
        HwAddress::Mac(mac) => *mac,
        HwAddress::Interface(name) => {
            backend.address(name).map_err(failed)?.ok_or_else(|| Error::NoSuchInterface { name: name.clone() })?
        }
    };
    backend.set_address(bridge_link.index, mac).map_err(failed)
}

/// The bridge, with setfd's errnos: ENODEV when missing, EOPNOTSUPP when
/// not a bridge.
fn bridge_of(backend: &mut dyn Backend, name: &IfName, failed: impl Fn(Errno) -> Error) -> Result<Link, Error> {
    let link = backend.link(name).map_err(&failed)?.ok_or(failed(Errno::ENODEV))?;
    if !link.is_bridge() {
        return Err(failed(Errno::EOPNOTSUPP));
    }
    Ok(link)
}
