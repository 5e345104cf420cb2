//! The multicast database: the messages of an RTM_GETMDB dump (of type
//! RTM_GETMDB themselves), read from their raw payloads.
//!
//! The kernel sends one message per bridge (and, since 6.6, per VXLAN
//! device with a database), headed by struct br_port_msg whose ifindex is
//! the device's; a bridge whose database does not fit one message goes on
//! in the next ones. Only the messages of the bridge asked for are decoded.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::decode::{u32_at, uint, Attrs};
use super::uapi;
use crate::model::{Mdb, MdbEntry};

/// The groups and router ports of one message of the dump, when it is
/// `bridge`'s; None for any other device's message (never decoded further).
pub(super) fn mdb_part(payload: &[u8], bridge: u32) -> Option<Mdb> {
    if u32_at(payload, 4)? != bridge {
        return None;
    }
    let mut mdb = Mdb::default();
    for (ty, value) in Attrs(payload.get(uapi::BR_PORT_MSG_LEN..)?) {
        match ty {
            uapi::MDBA_MDB => {
                let entries = Attrs(value).filter(|&(ty, _)| ty == uapi::MDBA_MDB_ENTRY);
                let infos = entries.flat_map(|(_, entry)| Attrs(entry));
                let infos = infos.filter(|&(ty, _)| ty == uapi::MDBA_MDB_ENTRY_INFO);
                mdb.entries.extend(infos.filter_map(|(_, info)| mdb_entry(info)));
            }
            // Each port once per message: a u32 ifindex, on newer kernels
            // followed by MDBA_ROUTER_PATTR_* attributes (timers, type).
            uapi::MDBA_ROUTER => {
                let ports = Attrs(value).filter(|&(ty, _)| ty == uapi::MDBA_ROUTER_PORT);
                mdb.router_ports.extend(ports.filter_map(|(_, port)| u32_at(port, 0)));
            }
            _ => {}
        }
    }
    Some(mdb)
}

/// One MDBA_MDB_ENTRY_INFO: struct br_mdb_entry, then (from Linux 4.1) its
/// MDBA_MDB_EATTR_* attributes at the struct's aligned end. Only IPv4 and
/// IPv6 groups: L2 (MAC) entries are skipped, and so are source-specific
/// (S,G) entries of IGMPv3/MLDv2 (MDBA_MDB_EATTR_SOURCE), which the model
/// has no room for; their group's (*,G) entry is listed.
pub(super) fn mdb_entry(info: &[u8]) -> Option<MdbEntry> {
    let port = u32_at(info, 0)?;
    let state = *info.get(uapi::MDB_ENTRY_STATE)?;
    let vlan = u16::from_ne_bytes(*info.get(uapi::MDB_ENTRY_VID..)?.first_chunk::<2>()?);
    let addr = info.get(uapi::MDB_ENTRY_ADDR..)?;
    let proto = u16::from_be_bytes(*info.get(uapi::MDB_ENTRY_PROTO..)?.first_chunk::<2>()?);
    let group = match proto {
        uapi::ETH_P_IP => IpAddr::V4(Ipv4Addr::from(*addr.first_chunk::<4>()?)),
        uapi::ETH_P_IPV6 => IpAddr::V6(Ipv6Addr::from(*addr.first_chunk::<16>()?)),
        _ => return None,
    };
    let mut timer = 0;
    for (ty, value) in Attrs(info.get(uapi::BR_MDB_ENTRY_LEN..).unwrap_or_default()) {
        match ty {
            // clock_t (centiseconds) left on the entry's timer, a u32.
            uapi::MDBA_MDB_EATTR_TIMER => timer = uint(value).unwrap_or(0),
            uapi::MDBA_MDB_EATTR_SOURCE => return None,
            _ => {}
        }
    }
    Some(MdbEntry { port, group, vlan, permanent: state == uapi::MDB_PERMANENT, timer })
}

/// The database of one bridge from the parts its messages carried, in the
/// kernel's order: every entry, each router port once.
pub(super) fn bridge_mdb(parts: Vec<Mdb>) -> Mdb {
    let mut mdb = Mdb::default();
    let mut seen = HashSet::new();
    for part in parts {
        mdb.entries.extend(part.entries);
        mdb.router_ports.extend(part.router_ports.into_iter().filter(|&port| seen.insert(port)));
    }
    mdb
}
