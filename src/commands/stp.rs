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
        compat::write_showstp(out, &view)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::fake::FakeKernel;

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

    #[test]
    fn showstp_asks_the_kernel_the_same_number_of_times_for_any_number_of_ports() {
        // One lookup of the bridge and one dump of its ports, whatever the size.
        assert_eq!(calls_for_showstp(0), 2);
        assert_eq!(calls_for_showstp(1), 2);
        assert_eq!(calls_for_showstp(500), 2);
    }
}
