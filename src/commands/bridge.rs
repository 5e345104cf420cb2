//! addbr, delbr and the bridge-wide settings (setageing, setfd, sethello,
//! setmaxage, setbridgeprio, stp).

use crate::backend::{Backend, BridgeSetting, Errno};
use crate::error::Error;
use crate::model::Link;
use crate::values::IfName;

use super::unless_not_permitted;

pub fn add(backend: &mut dyn Backend, name: &IfName) -> Result<(), Error> {
    backend.add_bridge(name).map_err(|errno| match errno {
        Errno::EEXIST => Error::DeviceExists { name: name.clone() },
        errno => Error::AddBridge(errno),
    })
}

/// RTM_DELLINK deletes any link, up or down; the original's ioctl refused
/// non-bridges and bridges that are up, so we check both first.
pub fn delete(backend: &mut dyn Backend, name: &IfName) -> Result<(), Error> {
    let bytes = || name.clone();
    let failed = |errno| Error::DeleteBridge { name: bytes(), errno };
    let link = deletable_bridge(backend, name).map_err(|refusal| unless_not_permitted(backend, refusal, failed))?;
    backend.delete_link(link.index).map_err(|errno| match errno {
        Errno::ENODEV => Error::DeleteMissingBridge { name: bytes() },
        errno => Error::DeleteBridge { name: bytes(), errno },
    })
}

fn deletable_bridge(backend: &mut dyn Backend, name: &IfName) -> Result<Link, Error> {
    let bytes = || name.clone();
    let link = backend
        .link(name)
        .map_err(|errno| Error::DeleteBridge { name: bytes(), errno })?
        .ok_or_else(|| Error::DeleteMissingBridge { name: bytes() })?;
    if !link.is_bridge() {
        return Err(Error::DeleteNotABridge { name: bytes() });
    }
    if link.up {
        return Err(Error::DeleteUpBridge { name: bytes() });
    }
    Ok(link)
}

/// Looks up a bridge for a setting, failing with the errno the original's
/// ioctl fallback reported: ENODEV when missing, EOPNOTSUPP when not a bridge.
pub fn find_bridge_for_setting(
    backend: &mut dyn Backend,
    name: &IfName,
    setting: BridgeSetting,
) -> Result<Link, Error> {
    let failed = |errno| Error::SetBridge { setting, errno };
    let link = backend.link(name).map_err(failed)?.ok_or(failed(Errno::ENODEV))?;
    if !link.is_bridge() {
        return Err(failed(Errno::EOPNOTSUPP));
    }
    Ok(link)
}

pub fn set(backend: &mut dyn Backend, name: &IfName, setting: BridgeSetting, value: u32) -> Result<(), Error> {
    let bridge = find_bridge_for_setting(backend, name, setting)?;
    // A kernel without VLAN filtering ignores the protocol and the default
    // PVID and would answer success; say what it cannot do instead.
    let vlan_setting =
        matches!(setting, BridgeSetting::VlanFiltering | BridgeSetting::VlanProtocol | BridgeSetting::DefaultPvid);
    if vlan_setting && bridge.bridge.as_ref().and_then(|info| info.vlan_support()).is_none() {
        return Err(Error::SetBridge { setting, errno: Errno::EOPNOTSUPP });
    }
    backend.set_bridge(bridge.index, setting, value).map_err(|errno| Error::SetBridge { setting, errno })
}
