//! showmacs: a bridge's forwarding database.

use std::io::Write;

use crate::backend::Backend;
use crate::backend::Errno;
use crate::error::Error;
use crate::format::{compat, json, table};
use crate::values::IfName;

use super::OutputStyle;

pub fn showmacs(
    backend: &mut dyn Backend,
    name: &IfName,
    style: &OutputStyle,
    out: &mut dyn Write,
) -> Result<(), Error> {
    // The original's errnos: ENODEV for a missing device, EOPNOTSUPP for one
    // that has no forwarding table.
    let link = backend.link(name).map_err(Error::ReadFdb)?.ok_or(Error::ReadFdb(Errno::ENODEV))?;
    if !link.is_bridge() {
        return Err(Error::ReadFdb(Errno::EOPNOTSUPP));
    }
    let mut entries = backend.fdb(&link).map_err(Error::ReadFdb)?;
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
