//! The forwarding database's changes (docs/compat.md section 11): static
//! entries as RTM_NEWNEIGH/RTM_DELNEIGH bodies, the flushes, the bridge's
//! address, and a link's address read from its RTM_NEWLINK reply.

use neli::consts::rtnl::Ifla;
use neli::rtnl::Ifinfomsg;
use neli::types::Buffer;

use super::decode::{u32_at, Attrs};
use super::request::{attr, ifinfomsg, nest};
use super::uapi;
use crate::backend::Errno;
use crate::values::{Mac, VlanId};

/// An AF_BRIDGE neighbour body, as `bridge fdb add|del ... master static`
/// sends it: struct ndmsg { u8 family, 3 bytes padding, i32 ifindex (the
/// port), u16 state NUD_NOARP (static, not local), u8 flags NTF_MASTER (the
/// port's bridge, not the port's own list), u8 type }, then NDA_LLADDR and,
/// when given, NDA_VLAN (u16). The kernel ignores the state on deletion.
pub(super) fn neighbour_request(port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<Buffer, Errno> {
    let mut bytes = Vec::with_capacity(uapi::NDMSG_LEN + 20);
    bytes.extend_from_slice(&[uapi::AF_BRIDGE, 0, 0, 0]);
    bytes.extend_from_slice(&i32::try_from(port).map_err(|_| Errno::ENODEV)?.to_ne_bytes());
    bytes.extend_from_slice(&uapi::NUD_NOARP.to_ne_bytes());
    bytes.extend_from_slice(&[uapi::NTF_MASTER, 0]);
    push_attr(&mut bytes, uapi::NDA_LLADDR, &mac.octets());
    if let Some(vlan) = vlan {
        push_attr(&mut bytes, uapi::NDA_VLAN, &vlan.get().to_ne_bytes());
    }
    Ok(Buffer::from(bytes))
}

/// One attribute: u16 length (header included), u16 type, the payload,
/// padding to 4 bytes.
fn push_attr(bytes: &mut Vec<u8>, ty: u16, payload: &[u8]) {
    let length = 4 + payload.len();
    bytes.extend_from_slice(&u16::try_from(length).unwrap_or(u16::MAX).to_ne_bytes());
    bytes.extend_from_slice(&ty.to_ne_bytes());
    bytes.extend_from_slice(payload);
    bytes.resize(bytes.len() + (length.next_multiple_of(4) - length), 0);
}

/// RTM_NEWLINK on the bridge with IFLA_LINKINFO{KIND "bridge",
/// DATA{IFLA_BR_FDB_FLUSH}} (a flag: no payload), or AF_BRIDGE RTM_SETLINK
/// on a port with IFLA_PROTINFO{IFLA_BRPORT_FLUSH}, as the port settings
/// are sent. Both keep static and local entries.
pub(super) fn flush_request(bridge: u32, port: Option<u32>) -> Result<Ifinfomsg, Errno> {
    match port {
        None => {
            let data = nest(uapi::IFLA_INFO_DATA, vec![attr(uapi::IFLA_BR_FDB_FLUSH, &[])?])?;
            let linkinfo = nest(Ifla::from(uapi::IFLA_LINKINFO), vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?, data])?;
            ifinfomsg(uapi::AF_UNSPEC, bridge, vec![linkinfo])
        }
        Some(port) => {
            let flush = attr(uapi::IFLA_BRPORT_FLUSH, &[])?;
            let protinfo = nest(Ifla::from(uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED), vec![flush])?;
            ifinfomsg(uapi::AF_BRIDGE, port, vec![protinfo])
        }
    }
}

/// RTM_SETLINK with IFLA_ADDRESS. On a bridge this also pins the address:
/// the kernel stops choosing it from the ports (addr_assign_type SET).
pub(super) fn address_request(index: u32, mac: Mac) -> Result<Ifinfomsg, Errno> {
    ifinfomsg(uapi::AF_UNSPEC, index, vec![attr(Ifla::from(uapi::IFLA_ADDRESS), &mac.octets())?])
}

/// The IFLA_ADDRESS of an RTM_NEWLINK payload; EADDRNOTAVAIL when the link
/// has none or one that is not 6 bytes (not Ethernet-like).
pub(super) fn link_address(payload: &[u8]) -> Result<Mac, Errno> {
    u32_at(payload, 4).ok_or(Errno(libc::EIO))?;
    Attrs(payload.get(uapi::IFINFOMSG_LEN..).unwrap_or_default())
        .find(|(ty, _)| *ty == uapi::IFLA_ADDRESS)
        .and_then(|(_, value)| <[u8; 6]>::try_from(value).ok())
        .map(Mac::from_octets)
        .ok_or(Errno(libc::EADDRNOTAVAIL))
}

#[cfg(test)]
mod tests {
    use super::*;
    use neli::ToBytes;
    use std::io::Cursor;

    fn wire(body: &impl ToBytes) -> Vec<u8> {
        let mut bytes = Cursor::new(Vec::new());
        body.to_bytes(&mut bytes).unwrap();
        bytes.into_inner()
    }

    fn mac() -> Mac {
        Mac::from_octets([2, 0xaa, 0, 0, 0, 1])
    }

    #[test]
    fn a_static_entry_is_an_af_bridge_ndmsg_for_the_master() {
        let bytes = wire(&neighbour_request(9, mac(), None).unwrap());
        assert_eq!(bytes[..4], [uapi::AF_BRIDGE, 0, 0, 0]);
        assert_eq!(u32_at(&bytes, 4), Some(9));
        assert_eq!(bytes[8..10], uapi::NUD_NOARP.to_ne_bytes());
        assert_eq!(bytes[10..12], [uapi::NTF_MASTER, 0]);
        let attrs: Vec<_> = Attrs(&bytes[uapi::NDMSG_LEN..]).collect();
        assert_eq!(attrs, [(uapi::NDA_LLADDR, &mac().octets()[..])]);
        // Padded to 4 bytes after the 6-byte address.
        assert_eq!(bytes.len(), uapi::NDMSG_LEN + 12);
        let vlan = VlanId::parse(std::ffi::OsStr::new("10")).unwrap();
        let bytes = wire(&neighbour_request(9, mac(), Some(vlan)).unwrap());
        let attrs: Vec<_> = Attrs(&bytes[uapi::NDMSG_LEN..]).collect();
        assert_eq!(attrs, [(uapi::NDA_LLADDR, &mac().octets()[..]), (uapi::NDA_VLAN, &10u16.to_ne_bytes()[..])]);
    }

    #[test]
    fn flushes_are_a_bridge_flag_or_a_port_flag() {
        let bytes = wire(&flush_request(4, None).unwrap());
        assert_eq!((bytes[0], u32_at(&bytes, 4)), (uapi::AF_UNSPEC, Some(4)));
        let attrs: Vec<_> = Attrs(&bytes[uapi::IFINFOMSG_LEN..]).collect();
        assert_eq!(attrs.len(), 1);
        assert_eq!(attrs[0].0, uapi::IFLA_LINKINFO);
        let info: Vec<_> = Attrs(attrs[0].1).collect();
        assert_eq!(info[0], (uapi::IFLA_INFO_KIND, &b"bridge\0"[..]));
        assert_eq!(Attrs(info[1].1).collect::<Vec<_>>(), [(uapi::IFLA_BR_FDB_FLUSH, &[][..])]);
        let bytes = wire(&flush_request(4, Some(9)).unwrap());
        assert_eq!((bytes[0], u32_at(&bytes, 4)), (uapi::AF_BRIDGE, Some(9)));
        assert_eq!(bytes[18..20], (uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED).to_ne_bytes());
        let (_, inner) = Attrs(&bytes[uapi::IFINFOMSG_LEN..]).next().unwrap();
        assert_eq!(Attrs(inner).collect::<Vec<_>>(), [(uapi::IFLA_BRPORT_FLUSH, &[][..])]);
    }

    #[test]
    fn the_address_is_ifla_address() {
        let bytes = wire(&address_request(4, mac()).unwrap());
        assert_eq!(link_address(&bytes), Ok(mac()));
        assert_eq!(link_address(&bytes[..uapi::IFINFOMSG_LEN]), Err(Errno(libc::EADDRNOTAVAIL)));
    }
}
