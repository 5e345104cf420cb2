//! Request builders: the ifinfomsg bodies (with their attributes) that
//! brctl sends, built with neli.

use neli::consts::rtnl::{Ifla, RtAddrFamily, RtaType};
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder, Rtattr, RtattrBuilder};
use neli::types::{Buffer, RtBuffer};

use super::uapi;
use crate::backend::Errno;
use crate::backend::{BridgeSetting, PortSetting};

pub(super) fn attr<T: RtaType>(ty: T, payload: &[u8]) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default().rta_type(ty).rta_payload(Buffer::from(payload)).build().map_err(|_| Errno(libc::EIO))
}

pub(super) fn nest<T: RtaType, U: RtaType>(ty: T, inner: Vec<Rtattr<U, Buffer>>) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default()
        .rta_type(ty)
        .rta_payload(inner.into_iter().collect::<RtBuffer<U, Buffer>>())
        .build()
        .map_err(|_| Errno(libc::EIO))
}

pub(super) fn ifinfomsg(family: u8, index: u32, attrs: Vec<Rtattr<Ifla, Buffer>>) -> Result<Ifinfomsg, Errno> {
    IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::from(family))
        .ifi_index(i32::try_from(index).map_err(|_| Errno::ENODEV)?)
        .rtattrs(attrs.into_iter().collect())
        .build()
        .map_err(|_| Errno(libc::EIO))
}

/// IFLA_EXT_MASK asking the kernel to leave out the per-protocol statistics
/// (IPv6's among them), which brctl never shows. Only for single-link
/// lookups: in a dump request any IFLA_EXT_MASK makes the kernel first size
/// every link of the namespace (rtnl_calcit), which costs more than the
/// statistics save (about 0.5 ms at 3000 interfaces).
pub(super) fn ext_mask() -> Result<Rtattr<Ifla, Buffer>, Errno> {
    attr(Ifla::from(uapi::IFLA_EXT_MASK), &uapi::RTEXT_FILTER_SKIP_STATS.to_ne_bytes())
}

pub(super) fn c_string(bytes: &[u8]) -> Vec<u8> {
    let mut string = Vec::with_capacity(bytes.len() + 1);
    string.extend_from_slice(bytes);
    string.push(0);
    string
}

/// RTM_NEWLINK on an existing bridge: IFLA_LINKINFO{KIND "bridge", DATA{one IFLA_BR_*}}.
pub(super) fn bridge_setting_request(bridge: u32, setting: BridgeSetting, value: u32) -> Result<Ifinfomsg, Errno> {
    let data = match setting {
        BridgeSetting::AgeingTime => attr(uapi::IFLA_BR_AGEING_TIME, &value.to_ne_bytes()),
        BridgeSetting::ForwardDelay => attr(uapi::IFLA_BR_FORWARD_DELAY, &value.to_ne_bytes()),
        BridgeSetting::HelloTime => attr(uapi::IFLA_BR_HELLO_TIME, &value.to_ne_bytes()),
        BridgeSetting::MaxAge => attr(uapi::IFLA_BR_MAX_AGE, &value.to_ne_bytes()),
        BridgeSetting::Priority => attr(uapi::IFLA_BR_PRIORITY, &narrow::<u16>(value)?.to_ne_bytes()),
        BridgeSetting::Stp => attr(uapi::IFLA_BR_STP_STATE, &value.to_ne_bytes()),
        BridgeSetting::VlanFiltering => attr(uapi::IFLA_BR_VLAN_FILTERING, &[narrow::<u8>(value)?]),
        // The ethertype goes in network byte order.
        BridgeSetting::VlanProtocol => attr(uapi::IFLA_BR_VLAN_PROTOCOL, &narrow::<u16>(value)?.to_be_bytes()),
        BridgeSetting::DefaultPvid => attr(uapi::IFLA_BR_VLAN_DEFAULT_PVID, &narrow::<u16>(value)?.to_ne_bytes()),
    }?;
    let linkinfo = nest(
        Ifla::from(uapi::IFLA_LINKINFO),
        vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?, nest(uapi::IFLA_INFO_DATA, vec![data])?],
    )?;
    ifinfomsg(uapi::AF_UNSPEC, bridge, vec![linkinfo])
}

/// AF_BRIDGE RTM_SETLINK on a port: IFLA_PROTINFO{one IFLA_BRPORT_*}. The
/// NLA_F_NESTED flag is what tells the kernel this is a nest; without it the
/// payload is taken for the old single-byte port state and refused.
pub(super) fn port_setting_request(port: u32, setting: PortSetting, value: u32) -> Result<Ifinfomsg, Errno> {
    let inner = match setting {
        PortSetting::PathCost => attr(uapi::IFLA_BRPORT_COST, &value.to_ne_bytes()),
        PortSetting::Priority => attr(uapi::IFLA_BRPORT_PRIORITY, &narrow::<u16>(value)?.to_ne_bytes()),
        PortSetting::Hairpin => attr(uapi::IFLA_BRPORT_MODE, &[narrow::<u8>(value)?]),
    }?;
    let protinfo = nest(Ifla::from(uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED), vec![inner])?;
    ifinfomsg(uapi::AF_BRIDGE, port, vec![protinfo])
}

/// A value for a narrower attribute; one that does not fit is out of the
/// kernel's range (callers check first, so this never wraps into it).
fn narrow<T: TryFrom<u32>>(value: u32) -> Result<T, Errno> {
    T::try_from(value).map_err(|_| Errno::ERANGE)
}

/// The RTM_GETLINK dump request for bridges only: the kernel filters by
/// kind (and flags the reply NLM_F_DUMP_FILTERED).
pub(super) fn bridge_dump_request() -> Result<Ifinfomsg, Errno> {
    let kind = nest(Ifla::from(uapi::IFLA_LINKINFO), vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?])?;
    ifinfomsg(uapi::AF_UNSPEC, 0, vec![kind])
}

/// The RTM_GETLINK dump request, optionally limited to the ports of `master`.
pub(super) fn link_dump_request(master: Option<u32>) -> Result<Ifinfomsg, Errno> {
    let mut attrs = Vec::new();
    if let Some(master) = master {
        attrs.push(attr(Ifla::from(uapi::IFLA_MASTER), &master.to_ne_bytes())?);
    }
    ifinfomsg(uapi::AF_UNSPEC, 0, attrs)
}
