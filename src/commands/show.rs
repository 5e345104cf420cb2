//! show: the bridges and their ports.

use std::io::Write;

use crate::backend::Backend;
use crate::backend::{Errno, LinkWithPorts};
use crate::error::Error;
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
    let mut shown = Vec::new();
    let mut header_written = false;
    let result = each_name(names, err, |name| {
        let view = view_for_show(backend, name)?;
        if style.json {
            shown.push(view);
            return Ok(());
        }
        if !header_written {
            compat::write_show_header(out)?;
            header_written = true;
        }
        Ok(compat::write_show_row(out, &view)?)
    });
    if style.json {
        json::write(out, &json::show(&shown), style.pretty)?;
    }
    result
}

/// Runs `each` for every name in the order given, duplicates included. A
/// name that fails is reported on `err` at once and the rest still run;
/// the exit is 1 at the end (`AlreadyReported`). A failure to write our
/// output ends it all.
pub fn each_name(
    names: &[IfName],
    err: &mut dyn Write,
    mut each: impl FnMut(&IfName) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut failed = false;
    for name in names {
        match each(name) {
            Ok(()) => {}
            Err(error @ Error::Output(_)) => return Err(error),
            Err(error) => {
                let mut lines = error.message();
                lines.push(b'\n');
                if let Some(hint) = error.hint() {
                    lines.extend_from_slice(hint.as_bytes());
                    lines.push(b'\n');
                }
                err.write_all(&lines)?;
                failed = true;
            }
        }
    }
    if failed {
        Err(Error::AlreadyReported)
    } else {
        Ok(())
    }
}

/// Every bridge with its ports, in byte order of their names.
/// With no bridges the text is nothing at all, not even the header.
fn show_all(backend: &mut dyn Backend, style: &OutputStyle, out: &mut dyn Write) -> Result<(), Error> {
    // The original could always list /sys/class/net; when we cannot ask
    // the kernel at all, saying so beats printing what looks like no bridges.
    // Two filtered dumps (bridges, bridge ports) instead of every link.
    let bridges = backend.bridges().map_err(Error::ListBridges)?;
    let ports = backend.bridge_ports().map_err(Error::ListBridges)?;
    let views = bridge_views(bridges, ports);
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

/// Puts each bridge together with its ports: bridges in byte order of their
/// names, each one's ports likewise. Both lists are sorted by ifindex and
/// joined in one pass; links that are neither are left out.
pub fn bridge_views(mut bridges: Vec<Link>, mut ports: Vec<Link>) -> Vec<BridgeView> {
    bridges.retain(Link::is_bridge);
    bridges.sort_unstable_by_key(|link| link.index);
    ports.retain(|link| link.master.is_some() && !link.is_bridge());
    ports.sort_unstable_by(|a, b| (a.master, &a.name).cmp(&(b.master, &b.name)));
    let mut ports = ports.into_iter().peekable();
    let mut views: Vec<BridgeView> = bridges
        .into_iter()
        .filter_map(|mut link| {
            let info = link.bridge.take()?;
            let index = Some(link.index);
            // Ports of masters that are not bridges (bonds, say) come first.
            while ports.next_if(|port| port.master < index).is_some() {}
            let mine = std::iter::from_fn(|| ports.next_if(|port| port.master == index)).collect();
            Some(BridgeView { link, info, ports: mine })
        })
        .collect();
    views.sort_unstable_by(|a, b| a.link.name.cmp(&b.link.name));
    views
}

fn sorted_ports(mut ports: Vec<Link>) -> Vec<Link> {
    ports.sort_by(|a, b| a.name.cmp(&b.name));
    ports
}

/// One named bridge with its ports, or the original's message for it.
pub fn view_of(backend: &mut dyn Backend, name: &IfName) -> Result<BridgeView, Error> {
    view(backend.link_with_ports(name), name)
}

/// As `view_of`, with only what `show` prints sure to be read.
fn view_for_show(backend: &mut dyn Backend, name: &IfName) -> Result<BridgeView, Error> {
    view(backend.bridge_for_show(name), name)
}

fn view(found: Result<Option<LinkWithPorts>, Errno>, name: &IfName) -> Result<BridgeView, Error> {
    let found =
        found.map_err(|errno| unreadable(name, errno))?.ok_or_else(|| Error::NoSuchBridge { name: name.clone() })?;
    let (mut link, Some(ports)) = (found.link, found.ports) else {
        return Err(Error::NotABridge { name: name.clone() });
    };
    let ports = ports.map_err(|errno| unreadable(name, errno))?;
    let info = link.bridge.take().unwrap_or_default();
    Ok(BridgeView { link, info, ports: sorted_ports(ports) })
}

/// One named bridge's link, or the original's message for it.
pub fn bridge_link(backend: &mut dyn Backend, name: &IfName) -> Result<Link, Error> {
    let link = backend
        .link(name)
        .map_err(|errno| unreadable(name, errno))?
        .ok_or_else(|| Error::NoSuchBridge { name: name.clone() })?;
    if !link.is_bridge() {
        return Err(Error::NotABridge { name: name.clone() });
    }
    Ok(link)
}

/// A kernel that cannot be asked is said so, not taken for a missing bridge.
fn unreadable(name: &IfName, errno: Errno) -> Error {
    match errno {
        Errno::ENODEV => Error::NoSuchBridge { name: name.clone() },
        errno => Error::ReadBridge { name: name.clone(), errno },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(index: u32, name: &str, master: Option<u32>, bridge: bool) -> Link {
        Link { index, name: name.as_bytes().to_vec(), master, bridge: bridge.then(Box::default), ..Link::default() }
    }

    #[test]
    fn a_dump_groups_into_sorted_bridges_with_sorted_ports() {
        let links = vec![
            link(1, "lo", None, false),
            link(2, "v2", Some(5), false),
            link(3, "br1", None, true),
            link(4, "v10", Some(5), false),
            link(5, "br0", Some(9), true),
            link(6, "Z0", Some(5), false),
            link(7, "bond-port", Some(8), false),
            link(8, "vrf-port", Some(1), false),
        ];
        // Each list may carry links of the other kind; they are left out.
        let views = bridge_views(links.clone(), links);
        let names: Vec<(&[u8], Vec<&[u8]>)> =
            views.iter().map(|v| (&v.link.name[..], v.ports.iter().map(|p| &p.name[..]).collect())).collect();
        assert_eq!(names, vec![(&b"br0"[..], vec![&b"Z0"[..], b"v10", b"v2"]), (&b"br1"[..], vec![])]);
    }
}
