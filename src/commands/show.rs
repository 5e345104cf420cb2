//! show: the bridges and their ports.

use std::io::Write;

use crate::backend::Backend;
use crate::error::{Errno, Error};
use crate::format::{compat, json};
use crate::model::{BridgeView, Link};
use crate::values::IfName;

use super::OutputStyle;

pub fn show(
    backend: &mut dyn Backend,
    names: &[IfName],
    style: &OutputStyle,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    if names.is_empty() {
        return show_all(backend, style, out);
    }
    // Each name in the order given, duplicates included; a failing name is
    // reported at once and the rest are still shown (exit 1 at the end).
    let mut shown = Vec::new();
    let mut header_written = false;
    let mut failed = false;
    for name in names {
        match view_of(backend, name) {
            Ok(view) if style.json => shown.push(view),
            Ok(view) => {
                if !header_written {
                    compat::write_show_header(out)?;
                    header_written = true;
                }
                compat::write_show_row(out, &view)?;
            }
            Err(error) => {
                let mut line = error.message();
                line.push(b'\n');
                err.write_all(&line)?;
                failed = true;
            }
        }
    }
    if style.json {
        json::write(out, &json::show(&shown), style.pretty)?;
    }
    if failed {
        Err(Error::AlreadyReported)
    } else {
        Ok(())
    }
}

/// Every bridge from one dump of all links, in byte order of their names.
/// With no bridges the text is nothing at all, not even the header.
fn show_all(backend: &mut dyn Backend, style: &OutputStyle, out: &mut dyn Write) -> Result<(), Error> {
    // The original could always list /sys/class/net; when we cannot ask
    // the kernel at all, saying so beats printing what looks like no bridges.
    let links = backend.links().map_err(Error::ListBridges)?;
    let mut views = bridge_views(&links);
    views.sort_by(|a, b| a.link.name.cmp(&b.link.name));
    if style.json {
        json::write(out, &json::show(&views), style.pretty)?;
        return Ok(());
    }
    if views.is_empty() {
        return Ok(());
    }
    compat::write_show_header(out)?;
    for view in &views {
        compat::write_show_row(out, view)?;
    }
    Ok(())
}

/// Groups a dump of links into bridges with their ports, ports sorted.
pub fn bridge_views(links: &[Link]) -> Vec<BridgeView> {
    links
        .iter()
        .filter_map(|link| {
            let info = link.bridge.clone()?;
            let ports = sorted_ports(links.iter().filter(|port| port.is_port_of(link.index)).cloned().collect());
            Some(BridgeView { link: link.clone(), info, ports })
        })
        .collect()
}

fn sorted_ports(mut ports: Vec<Link>) -> Vec<Link> {
    ports.sort_by(|a, b| a.name.cmp(&b.name));
    ports
}

/// One named bridge with its ports, or the original's message for it.
pub fn view_of(backend: &mut dyn Backend, name: &IfName) -> Result<BridgeView, Error> {
    let bytes = || name.as_bytes().to_vec();
    // A kernel that cannot be asked is said so, not taken for a missing bridge.
    let unreadable = |errno| match errno {
        Errno::ENODEV => Error::NoSuchBridge { name: bytes() },
        errno => Error::ReadBridge { name: bytes(), errno },
    };
    let link = backend.link(name).map_err(unreadable)?.ok_or_else(|| Error::NoSuchBridge { name: bytes() })?;
    let Some(info) = link.bridge.clone() else {
        return Err(Error::NotABridge { name: bytes() });
    };
    let ports = backend.ports(&link).map_err(unreadable)?;
    Ok(BridgeView { link, info, ports: sorted_ports(ports) })
}
