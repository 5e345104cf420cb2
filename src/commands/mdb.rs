//! showmdb: a bridge's multicast groups and router ports.

use std::io::Write;

use crate::backend::Backend;
use crate::error::Error;
use crate::values::IfName;

use super::OutputStyle;

pub fn show(
    _backend: &mut dyn Backend,
    _bridge: &IfName,
    _style: &OutputStyle,
    _out: &mut dyn Write,
) -> Result<(), Error> {
    Ok(())
}
