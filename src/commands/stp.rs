//! showstp: a bridge's spanning tree state and its ports'.

use std::io::Write;

use crate::backend::Backend;
use crate::error::Error;
use crate::format::compat;
use crate::values::IfName;

use super::show::view_of;

pub fn showstp(backend: &mut dyn Backend, name: &IfName, out: &mut dyn Write) -> Result<(), Error> {
    let view = view_of(backend, name)?;
    compat::write_showstp(out, &view)?;
    Ok(())
}
