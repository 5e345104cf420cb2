//! Watching the kernel (`monitor`): what a notification or a dump message
//! said, decoded into plain values that borrow the receive buffer, and the
//! `Watch` a backend hands out to deliver them. Nothing here decides what
//! is an event worth a line: that is the command's state machine.

use std::net::IpAddr;
use std::ops::ControlFlow;

use super::Errno;
use crate::model::FdbFlags;

/// A link message (RTM_NEWLINK or RTM_DELLINK, either family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkNotice<'a> {
    pub index: u32,
    pub name: &'a [u8],
    /// RTM_DELLINK.
    pub deleted: bool,
    /// AF_BRIDGE (the bridge's own messages about its ports), not AF_UNSPEC.
    pub bridge_family: bool,
    /// IFLA_INFO_KIND "bridge": the link is a bridge.
    pub is_bridge: bool,
    /// IFLA_BR_STP_STATE of a bridge, when sent.
    pub stp: Option<bool>,
    pub master: Option<u32>,
    /// IFLA_BRPORT_STATE, from IFLA_PROTINFO (AF_BRIDGE) or the slave data
    /// (AF_UNSPEC): present exactly when the link is a bridge port.
    pub port_state: Option<u8>,
}

/// A forwarding database message (AF_BRIDGE RTM_NEWNEIGH / RTM_DELNEIGH)
/// of an entry whose master is a bridge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MacNotice {
    /// NDA_MASTER: the bridge.
    pub bridge: u32,
    /// ndm_ifindex: the port (or the bridge itself, for its own address).
    pub port: u32,
    pub mac: [u8; 6],
    /// NDA_VLAN, 0 for none.
    pub vlan: u16,
    /// PERMANENT (local) and STATIC, plus the NTF_* flags showmacs -d shows.
    pub flags: FdbFlags,
    pub deleted: bool,
    /// NUD_STALE: the entry aged out (what a deletion says when it expired).
    pub stale: bool,
}

/// A multicast database message (RTM_NEWMDB / RTM_DELMDB, or a dump's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupNotice {
    pub bridge: u32,
    /// The port's ifindex (the bridge's own for the host's groups).
    pub port: u32,
    pub group: IpAddr,
    /// 0 for none.
    pub vlan: u16,
    pub deleted: bool,
}

/// One decoded message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    Link(LinkNotice<'a>),
    Mac(MacNotice),
    Group(GroupNotice),
}

/// Why `Watch::next` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The messages that were there have been handed over.
    Delivered,
    /// Nothing was queued (only when not asked to wait).
    Empty,
    /// The kernel dropped notifications (ENOBUFS): the queue still holds
    /// what came before the loss; a snapshot tells what changed after it.
    Lost,
    /// The handler asked to stop.
    Stopped,
}

/// A subscription to the kernel's link, neighbour and multicast
/// notifications. Each handler returns `Break` to stop the delivery.
pub trait Watch {
    /// Everything the kernel has now, as notices: the bridges first, then
    /// their ports, then the forwarding entries, then the groups.
    fn snapshot(&mut self, each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> Result<Wake, Errno>;

    /// The notifications of one receive, each handed to `each`; waits for
    /// one when `wait`, else answers `Empty` when none is queued.
    fn next(&mut self, wait: bool, each: &mut dyn FnMut(&Notice<'_>) -> ControlFlow<()>) -> Result<Wake, Errno>;
}
