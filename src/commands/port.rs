//! addif, delif and the per-port settings (setpathcost, setportprio,
//! hairpin).

use crate::backend::{Backend, Errno, PortSetting};
use crate::error::Error;
use crate::model::Link;
use crate::values::IfName;

use super::unless_not_permitted;

/// A device and the bridge it is to join or leave, both looked up the way
/// the original reported them: a missing device first, then the bridge.
fn device_and_bridge(
    backend: &mut dyn Backend,
    bridge: &IfName,
    device: &IfName,
    on_error: impl Fn(Errno) -> Error,
) -> Result<(Link, Link), Error> {
    let device_link =
        backend.link(device).map_err(&on_error)?.ok_or_else(|| Error::NoSuchInterface { name: device.clone() })?;
    let bridge_link =
        backend.link(bridge).map_err(&on_error)?.ok_or_else(|| Error::NoSuchBridge { name: bridge.clone() })?;
    if !bridge_link.is_bridge() {
        return Err(on_error(Errno::EOPNOTSUPP));
    }
    Ok((device_link, bridge_link))
}

/// addif: left to right, stopping at the first failure (Q8).
pub fn add_all(backend: &mut dyn Backend, bridge: &IfName, devices: &[IfName]) -> Result<(), Error> {
    devices.iter().try_for_each(|device| add(backend, bridge, device))
}

/// Setting IFLA_MASTER would silently move a port from another bridge, and
/// the kernel answers a bridge-in-a-bridge with another errno than the
/// original saw; the original's refusals are reproduced by checking first.
fn add(backend: &mut dyn Backend, bridge: &IfName, device: &IfName) -> Result<(), Error> {
    let failed = |errno| Error::AddInterface { device: device.clone(), bridge: bridge.clone(), errno };
    let (device_link, bridge_link) = device_and_bridge(backend, bridge, device, failed)?;
    let refusal = if device_link.loopback {
        Some(failed(Errno::EINVAL))
    } else if device_link.is_bridge() {
        Some(Error::BridgeAsPort { device: device.clone() })
    } else if device_link.master.is_some() {
        Some(Error::AlreadyMember { device: device.clone(), bridge: bridge.clone() })
    } else {
        None
    };
    if let Some(refusal) = refusal {
        return Err(unless_not_permitted(backend, refusal, failed));
    }
    backend.set_master(device_link.index, bridge_link.index).map_err(|errno| match errno {
        Errno::ELOOP => Error::BridgeAsPort { device: device.clone() },
        Errno::EBUSY => Error::AlreadyMember { device: device.clone(), bridge: bridge.clone() },
        errno => failed(errno),
    })
}

/// delif: left to right, stopping at the first failure (Q8).
pub fn delete_all(backend: &mut dyn Backend, bridge: &IfName, devices: &[IfName]) -> Result<(), Error> {
    devices.iter().try_for_each(|device| delete(backend, bridge, device))
}

fn delete(backend: &mut dyn Backend, bridge: &IfName, device: &IfName) -> Result<(), Error> {
    let failed = |errno| Error::DeleteInterface { device: device.clone(), bridge: bridge.clone(), errno };
    let (device_link, bridge_link) = device_and_bridge(backend, bridge, device, failed)?;
    if !device_link.is_port_of(bridge_link.index) {
        let refusal = Error::NotAPort { device: device.clone(), bridge: bridge.clone() };
        return Err(unless_not_permitted(backend, refusal, failed));
    }
    backend.set_master(device_link.index, 0).map_err(failed)
}

/// The port for a port setting, with the errno the original reported:
/// ENODEV for a missing port or bridge, EOPNOTSUPP for a non-bridge, ENOENT
/// for a device that is no bridge port. A port of another bridge is
/// refused (D4) where the original would change it anyway.
pub(super) fn port_of(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    failed: impl Fn(Errno) -> Error,
) -> Result<Link, Error> {
    let port_link = backend.link(port).map_err(&failed)?.ok_or(failed(Errno::ENODEV))?;
    let bridge_link = backend.link(bridge).map_err(&failed)?;
    check_port(backend, (port, &port_link), bridge_link.as_ref(), bridge, failed)
}

/// The missing, non-bridge and not-a-port answers are what the original
/// gave any caller; a port of another bridge is our own refusal (D4).
fn check_port(
    backend: &mut dyn Backend,
    (port, port_link): (&IfName, &Link),
    bridge_link: Option<&Link>,
    bridge: &IfName,
    failed: impl Fn(Errno) -> Error,
) -> Result<Link, Error> {
    let bridge_link = bridge_link.ok_or(failed(Errno::ENODEV))?;
    if !bridge_link.is_bridge() {
        return Err(failed(Errno::EOPNOTSUPP));
    }
    if port_link.port.is_none() {
        return Err(failed(Errno::ENOENT));
    }
    if !port_link.is_port_of(bridge_link.index) {
        let refusal = Error::NotAPort { device: port.clone(), bridge: bridge.clone() };
        return Err(unless_not_permitted(backend, refusal, failed));
    }
    Ok(port_link.clone())
}

/// setpathcost and setportprio.
pub fn set(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    setting: PortSetting,
    value: u32,
) -> Result<(), Error> {
    let failed = |errno| Error::SetPort { setting, errno };
    let port_link = port_of(backend, bridge, port, failed)?;
    // The priority's netlink field is 16 bits; anything past it is out of
    // the kernel's 0..63 range anyway, so it must not wrap into it.
    if setting == PortSetting::Priority && u16::try_from(value).is_err() {
        return Err(unless_not_permitted(backend, failed(Errno::ERANGE), failed));
    }
    backend.set_port(port_link.index, setting, value).map_err(failed)
}

/// hairpin checks that both names exist before it writes, as the original.
pub fn hairpin(backend: &mut dyn Backend, bridge: &IfName, port: &IfName, on: bool) -> Result<(), Error> {
    let failed = |errno| Error::Hairpin { port: port.clone(), bridge: bridge.clone(), errno };
    both_names(backend, bridge, port, PortSetting::Hairpin, u32::from(on), failed)
}

/// The port flags (learning, flood, ...): hairpin's checks, `set <flag> failed` messages.
pub fn flag(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    setting: PortSetting,
    on: bool,
) -> Result<(), Error> {
    let failed = |errno| Error::SetPort { setting, errno };
    both_names(backend, bridge, port, setting, u32::from(on), failed)
}

/// Sets a port setting after checking that both names exist, then that
/// the port is one of the bridge's (the hairpin pattern).
fn both_names(
    backend: &mut dyn Backend,
    bridge: &IfName,
    port: &IfName,
    setting: PortSetting,
    value: u32,
    failed: impl Fn(Errno) -> Error,
) -> Result<(), Error> {
    let (port_link, bridge_link) = {
        let port_link =
            backend.link(port).map_err(&failed)?.ok_or_else(|| Error::NoSuchInterface { name: port.clone() })?;
        let bridge_link =
            backend.link(bridge).map_err(&failed)?.ok_or_else(|| Error::NoSuchBridge { name: bridge.clone() })?;
        (port_link, bridge_link)
    };
    let port_link = check_port(backend, (port, &port_link), Some(&bridge_link), bridge, &failed)?;
    backend.set_port(port_link.index, setting, value).map_err(failed)
}
