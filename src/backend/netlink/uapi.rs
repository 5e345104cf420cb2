//! Numbers from the kernel's uapi headers (linux/if_link.h, linux/neighbour.h,
//! linux/rtnetlink.h, linux/netlink.h). neli and libc lack the bridge ones,
//! and libc's NDA_MASTER is glibc-only, so all used here live in one place.

pub(super) const NLA_F_NESTED: u16 = 0x8000;
pub(super) const NLA_F_NET_BYTEORDER: u16 = 0x4000;
pub(super) const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

pub(super) const AF_UNSPEC: u8 = 0;
pub(super) const AF_BRIDGE: u8 = 7;

pub(super) const IFF_UP: u32 = 0x1;
pub(super) const IFF_LOOPBACK: u32 = 0x8;

pub(super) const RTEXT_FILTER_BRVLAN_COMPRESSED: u32 = 1 << 2;
pub(super) const RTEXT_FILTER_SKIP_STATS: u32 = 1 << 3;

pub(super) const IFLA_IFNAME: u16 = 3;
pub(super) const IFLA_MASTER: u16 = 10;
pub(super) const IFLA_PROTINFO: u16 = 12;
pub(super) const IFLA_LINKINFO: u16 = 18;
pub(super) const IFLA_AF_SPEC: u16 = 26;
pub(super) const IFLA_EXT_MASK: u16 = 29;

pub(super) const IFLA_INFO_KIND: u16 = 1;
pub(super) const IFLA_INFO_DATA: u16 = 2;
pub(super) const IFLA_INFO_SLAVE_KIND: u16 = 4;
pub(super) const IFLA_INFO_SLAVE_DATA: u16 = 5;

pub(super) const IFLA_BR_FORWARD_DELAY: u16 = 1;
pub(super) const IFLA_BR_HELLO_TIME: u16 = 2;
pub(super) const IFLA_BR_MAX_AGE: u16 = 3;
pub(super) const IFLA_BR_AGEING_TIME: u16 = 4;
pub(super) const IFLA_BR_STP_STATE: u16 = 5;
pub(super) const IFLA_BR_PRIORITY: u16 = 6;
pub(super) const IFLA_BR_VLAN_FILTERING: u16 = 7;
pub(super) const IFLA_BR_VLAN_PROTOCOL: u16 = 8;
pub(super) const IFLA_BR_ROOT_ID: u16 = 10;
pub(super) const IFLA_BR_BRIDGE_ID: u16 = 11;
pub(super) const IFLA_BR_ROOT_PORT: u16 = 12;
pub(super) const IFLA_BR_ROOT_PATH_COST: u16 = 13;
pub(super) const IFLA_BR_TOPOLOGY_CHANGE: u16 = 14;
pub(super) const IFLA_BR_TOPOLOGY_CHANGE_DETECTED: u16 = 15;
pub(super) const IFLA_BR_HELLO_TIMER: u16 = 16;
pub(super) const IFLA_BR_TCN_TIMER: u16 = 17;
pub(super) const IFLA_BR_TOPOLOGY_CHANGE_TIMER: u16 = 18;
pub(super) const IFLA_BR_GC_TIMER: u16 = 19;
pub(super) const IFLA_BR_MCAST_ROUTER: u16 = 22;
pub(super) const IFLA_BR_MCAST_SNOOPING: u16 = 23;
pub(super) const IFLA_BR_MCAST_QUERY_USE_IFADDR: u16 = 24;
pub(super) const IFLA_BR_MCAST_QUERIER: u16 = 25;
pub(super) const IFLA_BR_MCAST_HASH_ELASTICITY: u16 = 26;
pub(super) const IFLA_BR_MCAST_HASH_MAX: u16 = 27;
pub(super) const IFLA_BR_MCAST_LAST_MEMBER_CNT: u16 = 28;
pub(super) const IFLA_BR_MCAST_STARTUP_QUERY_CNT: u16 = 29;
pub(super) const IFLA_BR_MCAST_LAST_MEMBER_INTVL: u16 = 30;
pub(super) const IFLA_BR_MCAST_MEMBERSHIP_INTVL: u16 = 31;
pub(super) const IFLA_BR_MCAST_QUERIER_INTVL: u16 = 32;
pub(super) const IFLA_BR_MCAST_QUERY_INTVL: u16 = 33;
pub(super) const IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: u16 = 34;
pub(super) const IFLA_BR_MCAST_STARTUP_QUERY_INTVL: u16 = 35;
pub(super) const IFLA_BR_VLAN_DEFAULT_PVID: u16 = 39;

/// Inside IFLA_AF_SPEC of AF_BRIDGE messages (linux/if_bridge.h).
pub(super) const IFLA_BRIDGE_FLAGS: u16 = 0;
pub(super) const IFLA_BRIDGE_VLAN_INFO: u16 = 2;
/// IFLA_BRIDGE_FLAGS: the request is for the device itself (the bridge),
/// not for the bridge the device is a port of.
pub(super) const BRIDGE_FLAGS_SELF: u16 = 0x2;
/// `flags` of struct bridge_vlan_info { __u16 flags; __u16 vid; }.
pub(super) const BRIDGE_VLAN_INFO_PVID: u16 = 0x2;
pub(super) const BRIDGE_VLAN_INFO_UNTAGGED: u16 = 0x4;
pub(super) const BRIDGE_VLAN_INFO_RANGE_BEGIN: u16 = 0x8;
pub(super) const BRIDGE_VLAN_INFO_RANGE_END: u16 = 0x10;

pub(super) const IFLA_BRPORT_STATE: u16 = 1;
pub(super) const IFLA_BRPORT_PRIORITY: u16 = 2;
pub(super) const IFLA_BRPORT_COST: u16 = 3;
pub(super) const IFLA_BRPORT_MODE: u16 = 4;
pub(super) const IFLA_BRPORT_GUARD: u16 = 5;
pub(super) const IFLA_BRPORT_PROTECT: u16 = 6;
pub(super) const IFLA_BRPORT_FAST_LEAVE: u16 = 7;
pub(super) const IFLA_BRPORT_LEARNING: u16 = 8;
pub(super) const IFLA_BRPORT_UNICAST_FLOOD: u16 = 9;
pub(super) const IFLA_BRPORT_ROOT_ID: u16 = 13;
pub(super) const IFLA_BRPORT_BRIDGE_ID: u16 = 14;
pub(super) const IFLA_BRPORT_DESIGNATED_PORT: u16 = 15;
pub(super) const IFLA_BRPORT_DESIGNATED_COST: u16 = 16;
pub(super) const IFLA_BRPORT_ID: u16 = 17;
pub(super) const IFLA_BRPORT_NO: u16 = 18;
pub(super) const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: u16 = 19;
pub(super) const IFLA_BRPORT_CONFIG_PENDING: u16 = 20;
pub(super) const IFLA_BRPORT_MESSAGE_AGE_TIMER: u16 = 21;
pub(super) const IFLA_BRPORT_FORWARD_DELAY_TIMER: u16 = 22;
pub(super) const IFLA_BRPORT_HOLD_TIMER: u16 = 23;
pub(super) const IFLA_BRPORT_MULTICAST_ROUTER: u16 = 25;
pub(super) const IFLA_BRPORT_MCAST_FLOOD: u16 = 27;
pub(super) const IFLA_BRPORT_BCAST_FLOOD: u16 = 30;
pub(super) const IFLA_BRPORT_NEIGH_SUPPRESS: u16 = 32;
pub(super) const IFLA_BRPORT_ISOLATED: u16 = 33;

pub(super) const NDA_LLADDR: u16 = 2;
pub(super) const NDA_CACHEINFO: u16 = 3;
pub(super) const NDA_VLAN: u16 = 5;
pub(super) const NDA_MASTER: u16 = 9;

pub(super) const NUD_NOARP: u16 = 0x40;
pub(super) const NUD_PERMANENT: u16 = 0x80;
pub(super) const NTF_SELF: u8 = 0x02;
pub(super) const NTF_EXT_LEARNED: u8 = 0x10;
pub(super) const NTF_OFFLOADED: u8 = 0x20;
pub(super) const NTF_STICKY: u8 = 0x40;

/// sizeof(struct ifinfomsg) and sizeof(struct ndmsg).
pub(super) const IFINFOMSG_LEN: usize = 16;
pub(super) const NDMSG_LEN: usize = 12;
/// Offset of `ndm_updated` in struct nda_cacheinfo {confirmed, used, updated, refcnt}.
pub(super) const CACHEINFO_UPDATED: usize = 8;

/// Netlink message header fields (linux/netlink.h).
pub(super) const NLMSG_HDRLEN: usize = 16;
pub(super) const NLMSG_NOOP: u16 = 1;
pub(super) const NLMSG_ERROR: u16 = 2;
pub(super) const NLMSG_DONE: u16 = 3;
pub(super) const NLMSG_OVERRUN: u16 = 4;
pub(super) const NLM_F_DUMP_INTR: u16 = 0x10;

/// The multicast database dump (linux/if_bridge.h): struct br_port_msg
/// { __u8 family; __u32 ifindex; } heads each message of the dump, then
/// MDBA_MDB { MDBA_MDB_ENTRY { MDBA_MDB_ENTRY_INFO { struct br_mdb_entry,
/// MDBA_MDB_EATTR_* } } } and MDBA_ROUTER { MDBA_ROUTER_PORT { u32
/// ifindex, MDBA_ROUTER_PATTR_* } }.
pub(super) const BR_PORT_MSG_LEN: usize = 8;
pub(super) const MDBA_MDB: u16 = 1;
pub(super) const MDBA_ROUTER: u16 = 2;
pub(super) const MDBA_MDB_ENTRY: u16 = 1;
pub(super) const MDBA_MDB_ENTRY_INFO: u16 = 1;
pub(super) const MDBA_MDB_EATTR_TIMER: u16 = 1;
pub(super) const MDBA_MDB_EATTR_SOURCE: u16 = 4;
pub(super) const MDBA_ROUTER_PORT: u16 = 1;
/// sizeof(struct br_mdb_entry): ifindex (0), state (4), flags (5), vid
/// (6), addr.u (8, 16 bytes), addr.proto (24, big-endian), 2 bytes of
/// padding. Kernels before the flags and vid had the same offsets.
pub(super) const BR_MDB_ENTRY_LEN: usize = 28;
pub(super) const MDB_ENTRY_STATE: usize = 4;
pub(super) const MDB_ENTRY_VID: usize = 6;
pub(super) const MDB_ENTRY_ADDR: usize = 8;
pub(super) const MDB_ENTRY_PROTO: usize = 24;
pub(super) const MDB_PERMANENT: u8 = 1;
pub(super) const ETH_P_IP: u16 = 0x0800;
pub(super) const ETH_P_IPV6: u16 = 0x86dd;

// The forwarding database (docs/compat.md section 11).
pub(super) const IFLA_ADDRESS: u16 = 1;
pub(super) const IFLA_BR_FDB_FLUSH: u16 = 21;
pub(super) const IFLA_BRPORT_FLUSH: u16 = 24;
pub(super) const NTF_MASTER: u8 = 0x04;
/// The monitor's subscription (linux/rtnetlink.h, linux/neighbour.h): its
/// groups, the message types it reads, and the state of an aged-out entry.
pub(super) const RTNLGRP_LINK: u32 = 1;
pub(super) const RTNLGRP_NEIGH: u32 = 3;
pub(super) const RTNLGRP_MDB: u32 = 26;
pub(super) const RTM_NEWLINK: u16 = 16;
pub(super) const RTM_DELLINK: u16 = 17;
pub(super) const RTM_NEWNEIGH: u16 = 28;
pub(super) const RTM_DELNEIGH: u16 = 29;
pub(super) const RTM_NEWMDB: u16 = 84;
pub(super) const RTM_DELMDB: u16 = 85;
pub(super) const RTM_GETMDB: u16 = 86;
pub(super) const NUD_STALE: u16 = 0x04;
