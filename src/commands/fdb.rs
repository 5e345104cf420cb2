//! showmacs: a bridge's forwarding database.

use std::io::Write;

use crate::backend::Backend;
use crate::error::{Errno, Error};
use crate::format::compat;
use crate::values::IfName;

pub fn showmacs(backend: &mut dyn Backend, name: &IfName, out: &mut dyn Write) -> Result<(), Error> {
    // The original's errnos: ENODEV for a missing device, EOPNOTSUPP for one
    // that has no forwarding table.
    let link = backend.link(name).map_err(Error::ReadFdb)?.ok_or(Error::ReadFdb(Errno::ENODEV))?;
    if !link.is_bridge() {
        return Err(Error::ReadFdb(Errno::EOPNOTSUPP));
    }
    let mut entries = backend.fdb(&link).map_err(Error::ReadFdb)?;
    // By MAC bytes, as the original's qsort; stable, so equal MACs keep
    // the kernel's order.
    entries.sort_by_key(|entry| entry.mac);
    compat::write_showmacs_header(out)?;
    for entry in &entries {
        compat::write_showmacs_row(out, entry)?;
    }
    Ok(())
}
