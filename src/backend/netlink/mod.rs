//! The rtnetlink backend: one NETLINK_ROUTE socket per run, requests built
//! with neli, replies decoded here from their raw bytes.
//!
//! Replies are read as raw payloads rather than neli's typed messages so that
//! an attribute of an unexpected width or a flag bit in its type never fails a
//! whole dump: each value is decoded by its actual length, and anything that
//! does not fit is left at its default.
//!
//! `uapi` holds the kernel's numbers, `frame` splits datagrams into
//! messages, `request` builds what is sent and `decode` reads the replies;
//! this file is the socket loop and the `Backend` implementation.

mod decode;
mod fdb;
mod frame;
mod mdb;
pub mod monitor;
mod request;
mod uapi;

use std::collections::HashMap;
use std::io::Cursor;

use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Ifla, Rtm};
use neli::consts::socket::{Msg, NlFamily};
use neli::nl::{NlPayload, NlmsghdrBuilder};
use neli::rtnl::Ifinfomsg;
use neli::socket::NlSocket;
use neli::utils::Groups;
use neli::{Size, ToBytes};

use super::{Backend, BridgeSetting, PortSetting};
use crate::backend::Errno;
use crate::model::{FdbEntry, Link, LinkVlans, Mdb, VlanChange};
use crate::values::{IfName, Mac, VlanId};
use decode::{bridge_vlans, decode_link, decode_neighbour, fdb_entry, link_vlans};
use frame::{i32_at, io_errno, kernel_errno, split_message};
use mdb::{bridge_mdb, mdb_part};
use request::{
    attr, bridge_dump_request, bridge_setting_request, c_string, ext_mask, ifinfomsg, link_dump_request,
    mdb_dump_request, nest, port_setting_request, vlan_dump_request, vlan_request,
};
use uapi::{NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR};

/// How often a dump the kernel flagged NLM_F_DUMP_INTR (the table changed
/// while it was being read) is started again before giving up.
const DUMP_ATTEMPTS: usize = 8;

/// The most lookups sent in one datagram. A reply is a few KB of the
/// socket's receive queue (some 208 KB by default); more would be dropped.
const LOOKUPS_AT_ONCE: usize = 16;

/// The receive buffer. The kernel hands a dump over in pieces of at most
/// 32 KB; a single reply is one link, a few KB. Twice the largest piece
/// leaves room, and pages the kernel never writes are never touched.
const RECEIVE_BUFFER: usize = 64 * 1024;

/// rtnetlink over one socket, reused for every request of a run.
pub struct NetlinkBackend {
    socket: NlSocket,
    /// Sequence number of the last request; replies carrying another are
    /// leftovers of an earlier request and are skipped.
    seq: u32,
    /// One buffer for every receive of the run, read in place: no copy or
    /// allocation per message.
    buffer: Vec<u8>,
}

/// How a request is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// A change: the kernel's ACK (or error) ends it.
    Ack,
    /// A lookup: one reply message (or an error), no ACK asked for.
    One,
    /// A dump: messages until NLMSG_DONE.
    Dump,
}

impl NetlinkBackend {
    pub fn new() -> Result<NetlinkBackend, Errno> {
        // A plain socket and bind. The socket is blocking, and the kernel
        // picks the port id; replies are matched by sequence number.
        let socket = NlSocket::connect(NlFamily::Route, None, Groups::empty()).map_err(io_errno)?;
        Ok(NetlinkBackend { socket, seq: 0, buffer: vec![0; RECEIVE_BUFFER] })
    }

    /// Sends one request (with `extra` flags, such as CREATE) and feeds every
    /// reply message (type and payload) to `each` until the request is
    /// answered as `answer` says. A kernel error becomes its errno. Returns
    /// whether the kernel flagged the dump as interrupted. The body is an
    /// ifinfomsg with its attributes, or raw bytes (RTM_GETMDB's br_port_msg).
    fn exchange<B: Size + ToBytes>(
        &mut self,
        ty: Rtm,
        answer: Answer,
        extra: NlmF,
        body: B,
        each: &mut dyn FnMut(u16, &[u8]),
    ) -> Result<bool, Errno> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let flags = match answer {
            Answer::Ack => NlmF::REQUEST | NlmF::ACK,
            Answer::One => NlmF::REQUEST,
            Answer::Dump => NlmF::REQUEST | NlmF::DUMP,
        } | extra;
        let request = NlmsghdrBuilder::default()
            .nl_type(ty)
            .nl_flags(flags)
            .nl_seq(seq)
            .nl_payload(NlPayload::Payload(body))
            .build()
            .map_err(|_| Errno(libc::EIO))?;
        let mut bytes = Cursor::new(Vec::with_capacity(request.padded_size()));
        request.to_bytes(&mut bytes).map_err(|_| Errno(libc::EIO))?;
        self.socket.send(bytes.get_ref(), Msg::empty()).map_err(io_errno)?;

        let mut interrupted = false;
        loop {
            // MSG_TRUNC makes the kernel say how long the datagram really
            // was, so a reply that did not fit is an error, not a misreading.
            let (length, _) = self.socket.recv(&mut self.buffer[..], Msg::TRUNC).map_err(io_errno)?;
            let Some(mut rest) = self.buffer.get(..length) else {
                return Err(Errno(libc::EMSGSIZE));
            };
            if length == 0 {
                return Err(Errno(libc::EIO));
            }
            while let Some((header, payload, next)) = split_message(rest) {
                rest = next;
                if header.seq != seq || header.ty == NLMSG_NOOP {
                    continue;
                }
                if header.flags & NLM_F_DUMP_INTR != 0 {
                    interrupted = true;
                }
                match header.ty {
                    // An error, or the ACK of a change (code 0).
                    NLMSG_ERROR => match i32_at(payload, 0) {
                        Some(code) if code < 0 => return Err(kernel_errno(code)),
                        Some(_) if answer != Answer::Dump => return Ok(interrupted),
                        Some(_) => {}
                        None => return Err(Errno(libc::EIO)),
                    },
                    // The DONE of a dump carries the dump's own result.
                    NLMSG_DONE => match i32_at(payload, 0) {
                        Some(code) if code < 0 => return Err(kernel_errno(code)),
                        _ => return Ok(interrupted),
                    },
                    NLMSG_OVERRUN => return Err(Errno(libc::ENOBUFS)),
                    kind => {
                        each(kind, payload);
                        if answer == Answer::One {
                            return Ok(interrupted);
                        }
                    }
                }
            }
            if !rest.is_empty() {
                // A header that claims more than the datagram holds.
                return Err(Errno(libc::EIO));
            }
        }
    }

    /// A change that only needs its ACK.
    fn change(&mut self, ty: Rtm, flags: NlmF, body: Ifinfomsg) -> Result<(), Errno> {
        self.exchange(ty, Answer::Ack, flags, body, &mut |_, _| {})?;
        Ok(())
    }

    /// One RTM_GETLINK of the link called `name`, its reply decoded by
    /// `decode`; None when there is no such device.
    fn link_by_name<T>(&mut self, name: &IfName, decode: impl Fn(&[u8]) -> T) -> Result<Option<T>, Errno> {
        let body = ifinfomsg(
            uapi::AF_UNSPEC,
            0,
            vec![attr(Ifla::from(uapi::IFLA_IFNAME), &c_string(name.as_bytes()))?, ext_mask()?],
        )?;
        let newlink = u16::from(Rtm::Newlink);
        let mut found = None;
        let mut each = |kind, payload: &[u8]| {
            if kind == newlink && found.is_none() {
                found = Some(decode(payload));
            }
        };
        match self.exchange(Rtm::Getlink, Answer::One, NlmF::empty(), body, &mut each) {
            Ok(_) => Ok(found),
            Err(Errno::ENODEV) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Runs a dump to its end and decodes the messages of type `reply`,
    /// starting it over when the kernel says it was interrupted.
    fn dump<T, B: Size + ToBytes + Clone>(
        &mut self,
        ty: Rtm,
        body: &B,
        reply: Rtm,
        decode: &dyn Fn(&[u8]) -> Option<T>,
    ) -> Result<Vec<T>, Errno> {
        let reply = u16::from(reply);
        for _ in 0..DUMP_ATTEMPTS {
            let mut items = Vec::new();
            let mut each = |kind, payload: &[u8]| {
                if kind == reply {
                    items.extend(decode(payload));
                }
            };
            let interrupted = self.exchange(ty, Answer::Dump, NlmF::empty(), body.clone(), &mut each)?;
            if !interrupted {
                return Ok(items);
            }
        }
        Err(Errno(libc::EINTR))
    }

    /// The links called `names`, looked up with one RTM_GETLINK each, all
    /// sent in one datagram: the kernel answers them one after the other,
    /// so a run waits for rtnl_lock once rather than once per link. None
    /// for a name that is no device. At most `LOOKUPS_AT_ONCE` are in
    /// flight, so that the replies fit the socket's receive queue.
    pub fn links(&mut self, names: &[&IfName]) -> Result<Vec<Option<Link>>, Errno> {
        let mut links = Vec::with_capacity(names.len());
        for chunk in names.chunks(LOOKUPS_AT_ONCE) {
            links.extend(self.links_at_once(chunk)?);
        }
        Ok(links)
    }

    fn links_at_once(&mut self, names: &[&IfName]) -> Result<Vec<Option<Link>>, Errno> {
        let first = self.seq.wrapping_add(1);
        let mut bytes = Cursor::new(Vec::new());
        for name in names {
            self.seq = self.seq.wrapping_add(1);
            let body = ifinfomsg(
                uapi::AF_UNSPEC,
                0,
                vec![attr(Ifla::from(uapi::IFLA_IFNAME), &c_string(name.as_bytes()))?, ext_mask()?],
            )?;
            let request = NlmsghdrBuilder::default()
                .nl_type(Rtm::Getlink)
                .nl_flags(NlmF::REQUEST)
                .nl_seq(self.seq)
                .nl_payload(NlPayload::Payload(body))
                .build()
                .map_err(|_| Errno(libc::EIO))?;
            request.to_bytes(&mut bytes).map_err(|_| Errno(libc::EIO))?;
        }
        self.socket.send(bytes.get_ref(), Msg::empty()).map_err(io_errno)?;

        let mut links: Vec<Option<Option<Link>>> = vec![None; names.len()];
        let mut left = names.len();
        let newlink = u16::from(Rtm::Newlink);
        while left > 0 {
            let (length, _) = self.socket.recv(&mut self.buffer[..], Msg::TRUNC).map_err(io_errno)?;
            let Some(mut rest) = self.buffer.get(..length) else {
                return Err(Errno(libc::EMSGSIZE));
            };
            if length == 0 {
                return Err(Errno(libc::EIO));
            }
            while let Some((header, payload, next)) = split_message(rest) {
                rest = next;
                let Some(slot) = links.get_mut(header.seq.wrapping_sub(first) as usize) else { continue };
                let answer = match header.ty {
                    NLMSG_ERROR => match i32_at(payload, 0) {
                        Some(code) if kernel_errno(code) == Errno::ENODEV => None,
                        Some(code) if code < 0 => return Err(kernel_errno(code)),
                        _ => return Err(Errno(libc::EIO)),
                    },
                    NLMSG_OVERRUN => return Err(Errno(libc::ENOBUFS)),
                    kind if kind == newlink => Some(decode_link(payload).ok_or(Errno(libc::EIO))?),
                    _ => continue,
                };
                if slot.replace(answer).is_none() {
                    left -= 1;
                }
            }
            if !rest.is_empty() {
                return Err(Errno(libc::EIO));
            }
        }
        Ok(links.into_iter().flatten().collect())
    }

    /// The forwarding database of `bridge_link`, whose ports (for their
    /// port numbers) the caller has read.
    pub fn fdb_of(&mut self, bridge_link: &Link, ports: &[Link]) -> Result<Vec<FdbEntry>, Errno> {
        let bridge = bridge_link.index;
        let port_numbers: HashMap<u32, u16> =
            ports.iter().filter_map(|link| Some((link.index, link.port.as_ref()?.port_no))).collect();
        // An AF_BRIDGE neighbour dump asked with an ifinfomsg carrying
        // IFLA_MASTER is filtered by bridge in the kernel (the format
        // iproute2 uses on sockets without strict checking). Other bridges'
        // own entries and the ports' NTF_SELF lists still come along.
        let body = ifinfomsg(uapi::AF_BRIDGE, 0, vec![attr(Ifla::from(uapi::IFLA_MASTER), &bridge.to_ne_bytes())?])?;
        // Decoded and filtered as the replies arrive: only the (small)
        // entries are kept, however many neighbours the dump carries.
        let decode = |payload: &[u8]| fdb_entry(&decode_neighbour(payload)?, bridge, &port_numbers);
        self.dump(Rtm::Getneigh, &body, Rtm::Newneigh, &decode)
    }
}

impl Backend for NetlinkBackend {
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno> {
        Ok(self.link_by_name(name, decode_link)?.flatten())
    }

    fn bridges(&mut self) -> Result<Vec<Link>, Errno> {
        let body = bridge_dump_request()?;
        let mut links = self.dump(Rtm::Getlink, &body, Rtm::Newlink, &decode_link)?;
        // Kernels before 4.6 ignore the kind filter and send every link.
        links.retain(Link::is_bridge);
        Ok(links)
    }

    fn bridge_ports(&mut self) -> Result<Vec<Link>, Errno> {
        // An AF_BRIDGE link dump has one short message per bridge port (name,
        // master, IFLA_PROTINFO) and none for other links: far less for the
        // kernel to fill than a full dump of every link.
        let body = ifinfomsg(uapi::AF_BRIDGE, 0, Vec::new())?;
        let mut links = self.dump(Rtm::Getlink, &body, Rtm::Newlink, &decode_link)?;
        links.retain(|link| link.master.is_some());
        Ok(links)
    }

    fn ports(&mut self, bridge: &Link) -> Result<Vec<Link>, Errno> {
        let bridge = bridge.index;
        // The kernel filters a link dump by IFLA_MASTER (and flags its reply
        // NLM_F_DUMP_FILTERED); kernels before 4.6 ignore the attribute and
        // send every link, so keep only the bridge's ports either way.
        let body = link_dump_request(Some(bridge))?;
        let mut links = self.dump(Rtm::Getlink, &body, Rtm::Newlink, &decode_link)?;
        links.retain(|link| link.is_port_of(bridge));
        Ok(links)
    }

    fn add_bridge(&mut self, name: &IfName) -> Result<(), Errno> {
        let body = ifinfomsg(
            uapi::AF_UNSPEC,
            0,
            vec![
                attr(Ifla::from(uapi::IFLA_IFNAME), &c_string(name.as_bytes()))?,
                nest(Ifla::from(uapi::IFLA_LINKINFO), vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?])?,
            ],
        )?;
        self.change(Rtm::Newlink, NlmF::CREATE | NlmF::EXCL, body)
    }

    fn delete_link(&mut self, index: u32) -> Result<(), Errno> {
        let body = ifinfomsg(uapi::AF_UNSPEC, index, Vec::new())?;
        self.change(Rtm::Dellink, NlmF::empty(), body)
    }

    fn set_master(&mut self, port: u32, master: u32) -> Result<(), Errno> {
        let body = ifinfomsg(uapi::AF_UNSPEC, port, vec![attr(Ifla::from(uapi::IFLA_MASTER), &master.to_ne_bytes())?])?;
        self.change(Rtm::Setlink, NlmF::empty(), body)
    }

    fn set_bridge(&mut self, bridge: u32, setting: BridgeSetting, value: u32) -> Result<(), Errno> {
        let body = bridge_setting_request(bridge, setting, value)?;
        self.change(Rtm::Newlink, NlmF::empty(), body)
    }

    fn set_port(&mut self, port: u32, setting: PortSetting, value: u32) -> Result<(), Errno> {
        let body = port_setting_request(port, setting, value)?;
        self.change(Rtm::Setlink, NlmF::empty(), body)
    }

    fn may_change(&mut self) -> Result<(), Errno> {
        // An RTM_SETLINK that changes nothing: the kernel checks
        // CAP_NET_ADMIN before it looks at the request, so this answers
        // EPERM exactly when a real change would. Loopback is ifindex 1 in
        // every network namespace.
        let body = ifinfomsg(uapi::AF_UNSPEC, 1, Vec::new())?;
        self.change(Rtm::Setlink, NlmF::empty(), body)
    }

    fn fdb(&mut self, bridge_link: &Link) -> Result<Vec<FdbEntry>, Errno> {
        let ports = self.ports(bridge_link)?;
        self.fdb_of(bridge_link, &ports)
    }

    fn vlans(&mut self, bridge_link: &Link) -> Result<Vec<LinkVlans>, Errno> {
        let bridge = bridge_link.index;
        // The dump has every bridge and every bridge port of the namespace;
        // only the bridge's own entry and its ports' are decoded and kept.
        let body = vlan_dump_request()?;
        let decode = |payload: &[u8]| link_vlans(payload, bridge);
        let links = self.dump(Rtm::Getlink, &body, Rtm::Newlink, &decode)?;
        Ok(bridge_vlans(links, bridge))
    }

    fn add_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno> {
        let body = vlan_request(index, change)?;
        self.change(Rtm::Setlink, NlmF::empty(), body)
    }

    fn delete_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno> {
        let body = vlan_request(index, change)?;
        self.change(Rtm::Dellink, NlmF::empty(), body)
    }

    fn mdb(&mut self, bridge_link: &Link) -> Result<Mdb, Errno> {
        let bridge = bridge_link.index;
        // The dump has every bridge's database (and VXLAN devices'); only
        // the messages of this bridge are decoded, possibly several when
        // its database did not fit one.
        // The kernel's dump messages are of type RTM_GETMDB, not NEWMDB
        // (br_mdb_dump since 3.8, rtnl_mdb_dump since 6.2; NEWMDB is for
        // notifications), as iproute2 expects.
        let decode = |payload: &[u8]| mdb_part(payload, bridge);
        let parts = self.dump(Rtm::Getmdb, &mdb_dump_request(), Rtm::Getmdb, &decode)?;
        Ok(bridge_mdb(parts))
    }

    fn add_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno> {
        let body = fdb::neighbour_request(port, mac, vlan)?;
        self.exchange(Rtm::Newneigh, Answer::Ack, NlmF::CREATE | NlmF::EXCL, body, &mut |_, _| {})?;
        Ok(())
    }

    fn delete_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno> {
        let body = fdb::neighbour_request(port, mac, vlan)?;
        self.exchange(Rtm::Delneigh, Answer::Ack, NlmF::empty(), body, &mut |_, _| {})?;
        Ok(())
    }

    fn flush_macs(&mut self, bridge: u32, port: Option<u32>) -> Result<(), Errno> {
        let ty = if port.is_some() { Rtm::Setlink } else { Rtm::Newlink };
        self.change(ty, NlmF::empty(), fdb::flush_request(bridge, port)?)
    }

    fn set_address(&mut self, index: u32, mac: Mac) -> Result<(), Errno> {
        self.change(Rtm::Setlink, NlmF::empty(), fdb::address_request(index, mac)?)
    }

    fn address(&mut self, name: &IfName) -> Result<Option<Mac>, Errno> {
        self.link_by_name(name, fdb::link_address)?.transpose()
    }

    fn fdb_vlans(&mut self, bridge: &Link) -> Result<Vec<FdbEntry>, Errno> {
        self.fdb(bridge)
    }
}

#[cfg(test)]
mod tests;
