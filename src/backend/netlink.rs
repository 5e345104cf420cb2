//! The rtnetlink backend: one NETLINK_ROUTE socket per run, requests built
//! with neli, replies decoded here from their raw bytes.
//!
//! Replies are read as raw payloads rather than neli's typed messages so that
//! an attribute of an unexpected width or a flag bit in its type never fails a
//! whole dump: each value is decoded by its actual length, and anything that
//! does not fit is left at its default.

use std::collections::HashMap;

use std::io::Cursor;

use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Ifla, RtAddrFamily, RtaType, Rtm};
use neli::consts::socket::{Msg, NlFamily};
use neli::nl::{NlPayload, NlmsghdrBuilder};
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder, Rtattr, RtattrBuilder};
use neli::socket::NlSocket;
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;
use neli::{Size, ToBytes};

use super::{Backend, BridgeSetting, PortSetting};
use crate::error::Errno;
use std::num::NonZeroU16;

use crate::model::{BridgeId, BridgeInfo, FdbEntry, FdbFlags, Link, PortInfo};
use crate::values::IfName;

/// Numbers from the kernel's uapi headers (linux/if_link.h, linux/neighbour.h,
/// linux/rtnetlink.h, linux/netlink.h). neli and libc lack the bridge ones,
/// and libc's NDA_MASTER is glibc-only, so all used here live in one place.
mod uapi {
    pub const NLA_F_NESTED: u16 = 0x8000;
    pub const NLA_F_NET_BYTEORDER: u16 = 0x4000;
    pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

    pub const AF_UNSPEC: u8 = 0;
    pub const AF_BRIDGE: u8 = 7;

    pub const IFF_UP: u32 = 0x1;
    pub const IFF_LOOPBACK: u32 = 0x8;

    pub const RTEXT_FILTER_SKIP_STATS: u32 = 1 << 3;

    pub const IFLA_IFNAME: u16 = 3;
    pub const IFLA_MASTER: u16 = 10;
    pub const IFLA_PROTINFO: u16 = 12;
    pub const IFLA_LINKINFO: u16 = 18;
    pub const IFLA_EXT_MASK: u16 = 29;

    pub const IFLA_INFO_KIND: u16 = 1;
    pub const IFLA_INFO_DATA: u16 = 2;
    pub const IFLA_INFO_SLAVE_KIND: u16 = 4;
    pub const IFLA_INFO_SLAVE_DATA: u16 = 5;

    pub const IFLA_BR_FORWARD_DELAY: u16 = 1;
    pub const IFLA_BR_HELLO_TIME: u16 = 2;
    pub const IFLA_BR_MAX_AGE: u16 = 3;
    pub const IFLA_BR_AGEING_TIME: u16 = 4;
    pub const IFLA_BR_STP_STATE: u16 = 5;
    pub const IFLA_BR_PRIORITY: u16 = 6;
    pub const IFLA_BR_ROOT_ID: u16 = 10;
    pub const IFLA_BR_BRIDGE_ID: u16 = 11;
    pub const IFLA_BR_ROOT_PORT: u16 = 12;
    pub const IFLA_BR_ROOT_PATH_COST: u16 = 13;
    pub const IFLA_BR_TOPOLOGY_CHANGE: u16 = 14;
    pub const IFLA_BR_TOPOLOGY_CHANGE_DETECTED: u16 = 15;
    pub const IFLA_BR_HELLO_TIMER: u16 = 16;
    pub const IFLA_BR_TCN_TIMER: u16 = 17;
    pub const IFLA_BR_TOPOLOGY_CHANGE_TIMER: u16 = 18;
    pub const IFLA_BR_GC_TIMER: u16 = 19;

    pub const IFLA_BRPORT_STATE: u16 = 1;
    pub const IFLA_BRPORT_PRIORITY: u16 = 2;
    pub const IFLA_BRPORT_COST: u16 = 3;
    pub const IFLA_BRPORT_MODE: u16 = 4;
    pub const IFLA_BRPORT_ROOT_ID: u16 = 13;
    pub const IFLA_BRPORT_BRIDGE_ID: u16 = 14;
    pub const IFLA_BRPORT_DESIGNATED_PORT: u16 = 15;
    pub const IFLA_BRPORT_DESIGNATED_COST: u16 = 16;
    pub const IFLA_BRPORT_ID: u16 = 17;
    pub const IFLA_BRPORT_NO: u16 = 18;
    pub const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: u16 = 19;
    pub const IFLA_BRPORT_CONFIG_PENDING: u16 = 20;
    pub const IFLA_BRPORT_MESSAGE_AGE_TIMER: u16 = 21;
    pub const IFLA_BRPORT_FORWARD_DELAY_TIMER: u16 = 22;
    pub const IFLA_BRPORT_HOLD_TIMER: u16 = 23;

    pub const NDA_LLADDR: u16 = 2;
    pub const NDA_CACHEINFO: u16 = 3;
    pub const NDA_VLAN: u16 = 5;
    pub const NDA_MASTER: u16 = 9;

    pub const NUD_NOARP: u16 = 0x40;
    pub const NUD_PERMANENT: u16 = 0x80;
    pub const NTF_SELF: u8 = 0x02;
    pub const NTF_EXT_LEARNED: u8 = 0x10;
    pub const NTF_OFFLOADED: u8 = 0x20;
    pub const NTF_STICKY: u8 = 0x40;

    /// sizeof(struct ifinfomsg) and sizeof(struct ndmsg).
    pub const IFINFOMSG_LEN: usize = 16;
    pub const NDMSG_LEN: usize = 12;
    /// Offset of `ndm_updated` in struct nda_cacheinfo {confirmed, used, updated, refcnt}.
    pub const CACHEINFO_UPDATED: usize = 8;
}

/// How often a dump the kernel flagged NLM_F_DUMP_INTR (the table changed
/// while it was being read) is started again before giving up.
const DUMP_ATTEMPTS: usize = 8;

/// The receive buffer. The kernel hands a dump over in pieces of at most
/// 32 KB; a single reply is one link, a few KB. Twice the largest piece
/// leaves room, and pages the kernel never writes are never touched.
const RECEIVE_BUFFER: usize = 64 * 1024;

/// Netlink message header fields (linux/netlink.h).
const NLMSG_HDRLEN: usize = 16;
const NLMSG_NOOP: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_OVERRUN: u16 = 4;
const NLM_F_DUMP_INTR: u16 = 0x10;

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
    /// whether the kernel flagged the dump as interrupted.
    fn exchange(
        &mut self,
        ty: Rtm,
        answer: Answer,
        extra: NlmF,
        body: Ifinfomsg,
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
            if length > self.buffer.len() {
                return Err(Errno(libc::EMSGSIZE));
            }
            if length == 0 {
                return Err(Errno(libc::EIO));
            }
            let mut rest = &self.buffer[..length];
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

    /// Runs a dump to its end and decodes the messages of type `reply`,
    /// starting it over when the kernel says it was interrupted.
    fn dump<T>(
        &mut self,
        ty: Rtm,
        body: &Ifinfomsg,
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

    /// Every link in the network namespace, in the kernel's order.
    pub fn links(&mut self) -> Result<Vec<Link>, Errno> {
        let body = Self::link_dump_request(None)?;
        self.dump(Rtm::Getlink, &body, Rtm::Newlink, &decode_link)
    }

    /// The RTM_GETLINK dump request for bridges only: the kernel filters by
    /// kind (and flags the reply NLM_F_DUMP_FILTERED).
    fn bridge_dump_request() -> Result<Ifinfomsg, Errno> {
        let kind = nest(Ifla::from(uapi::IFLA_LINKINFO), vec![attr(uapi::IFLA_INFO_KIND, b"bridge\0")?])?;
        ifinfomsg(uapi::AF_UNSPEC, 0, vec![kind])
    }

    /// The RTM_GETLINK dump request, optionally limited to the ports of `master`.
    fn link_dump_request(master: Option<u32>) -> Result<Ifinfomsg, Errno> {
        let mut attrs = Vec::new();
        if let Some(master) = master {
            attrs.push(attr(Ifla::from(uapi::IFLA_MASTER), &master.to_ne_bytes())?);
        }
        ifinfomsg(uapi::AF_UNSPEC, 0, attrs)
    }
}

impl Backend for NetlinkBackend {
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno> {
        let body = ifinfomsg(
            uapi::AF_UNSPEC,
            0,
            vec![attr(Ifla::from(uapi::IFLA_IFNAME), &c_string(name.as_bytes()))?, ext_mask()?],
        )?;
        let newlink = u16::from(Rtm::Newlink);
        let mut found = None;
        let mut each = |kind, payload: &[u8]| {
            if kind == newlink && found.is_none() {
                found = decode_link(payload);
            }
        };
        let result = self.exchange(Rtm::Getlink, Answer::One, NlmF::empty(), body, &mut each);
        match result {
            Ok(_) => Ok(found),
            Err(Errno::ENODEV) => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn bridges(&mut self) -> Result<Vec<Link>, Errno> {
        let body = Self::bridge_dump_request()?;
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
        let body = Self::link_dump_request(Some(bridge))?;
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

    fn set_bridge(&mut self, bridge: u32, setting: BridgeSetting) -> Result<(), Errno> {
        let body = bridge_setting_request(bridge, setting)?;
        self.change(Rtm::Newlink, NlmF::empty(), body)
    }

    fn set_port(&mut self, port: u32, setting: PortSetting) -> Result<(), Errno> {
        let body = port_setting_request(port, setting)?;
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
        let bridge = bridge_link.index;
        let port_numbers: HashMap<u32, u16> = self
            .ports(bridge_link)?
            .iter()
            .filter_map(|link| Some((link.index, link.port.as_ref()?.port_no)))
            .collect();
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

/// The OS error of a failed socket call.
fn io_errno(err: std::io::Error) -> Errno {
    Errno(err.raw_os_error().unwrap_or(libc::EIO))
}

/// The fields of a netlink message header that replies are sorted by.
struct Header {
    ty: u16,
    flags: u16,
    seq: u32,
}

/// The first message of a datagram: its header, its payload and the rest of
/// the datagram after it (messages are 4-byte aligned). None when what is
/// left is too short for a header or shorter than its header claims.
fn split_message(bytes: &[u8]) -> Option<(Header, &[u8], &[u8])> {
    let length = usize::try_from(u32_at(bytes, 0)?).ok()?;
    if length < NLMSG_HDRLEN || length > bytes.len() {
        return None;
    }
    let ty = u16::from_ne_bytes(bytes.get(4..6)?.try_into().ok()?);
    let flags = u16::from_ne_bytes(bytes.get(6..8)?.try_into().ok()?);
    let seq = u32_at(bytes, 8)?;
    let next = bytes.get(align4(length)..).unwrap_or(&[]);
    Some((Header { ty, flags, seq }, &bytes[NLMSG_HDRLEN..length], next))
}

fn align4(length: usize) -> usize {
    length.saturating_add(3) & !3
}

fn i32_at(bytes: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_ne_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// The errno of an NLMSG_ERROR or DONE code (negative on the wire).
fn kernel_errno(code: i32) -> Errno {
    match code.checked_neg() {
        Some(errno) if errno > 0 => Errno(errno),
        _ => Errno(libc::EIO),
    }
}

// ---- Requests ----

fn attr<T: RtaType>(ty: T, payload: &[u8]) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default().rta_type(ty).rta_payload(Buffer::from(payload)).build().map_err(|_| Errno(libc::EIO))
}

fn nest<T: RtaType, U: RtaType>(ty: T, inner: Vec<Rtattr<U, Buffer>>) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default()
        .rta_type(ty)
        .rta_payload(inner.into_iter().collect::<RtBuffer<U, Buffer>>())
        .build()
        .map_err(|_| Errno(libc::EIO))
}

fn ifinfomsg(family: u8, index: u32, attrs: Vec<Rtattr<Ifla, Buffer>>) -> Result<Ifinfomsg, Errno> {
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
fn ext_mask() -> Result<Rtattr<Ifla, Buffer>, Errno> {
    attr(Ifla::from(uapi::IFLA_EXT_MASK), &uapi::RTEXT_FILTER_SKIP_STATS.to_ne_bytes())
}

fn c_string(bytes: &[u8]) -> Vec<u8> {
    let mut string = Vec::with_capacity(bytes.len() + 1);
    string.extend_from_slice(bytes);
    string.push(0);
    string
}

/// RTM_NEWLINK on an existing bridge: IFLA_LINKINFO{KIND "bridge", DATA{one IFLA_BR_*}}.
fn bridge_setting_request(bridge: u32, setting: BridgeSetting) -> Result<Ifinfomsg, Errno> {
    let data = match setting {
        BridgeSetting::AgeingTime(value) => attr(uapi::IFLA_BR_AGEING_TIME, &value.to_ne_bytes()),
        BridgeSetting::ForwardDelay(value) => attr(uapi::IFLA_BR_FORWARD_DELAY, &value.to_ne_bytes()),
        BridgeSetting::HelloTime(value) => attr(uapi::IFLA_BR_HELLO_TIME, &value.to_ne_bytes()),
        BridgeSetting::MaxAge(value) => attr(uapi::IFLA_BR_MAX_AGE, &value.to_ne_bytes()),
        BridgeSetting::Priority(value) => attr(uapi::IFLA_BR_PRIORITY, &value.to_ne_bytes()),
        BridgeSetting::StpState(on) => attr(uapi::IFLA_BR_STP_STATE, &u32::from(on).to_ne_bytes()),
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
fn port_setting_request(port: u32, setting: PortSetting) -> Result<Ifinfomsg, Errno> {
    let inner = match setting {
        PortSetting::Cost(value) => attr(uapi::IFLA_BRPORT_COST, &value.to_ne_bytes()),
        PortSetting::Priority(value) => attr(uapi::IFLA_BRPORT_PRIORITY, &value.to_ne_bytes()),
        PortSetting::Hairpin(on) => attr(uapi::IFLA_BRPORT_MODE, &[u8::from(on)]),
    }?;
    let protinfo = nest(Ifla::from(uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED), vec![inner])?;
    ifinfomsg(uapi::AF_BRIDGE, port, vec![protinfo])
}

// ---- Replies ----

/// The attributes in `bytes`, as (type without the NLA_F_* flags, payload).
/// Stops quietly at a malformed or truncated attribute.
struct Attrs<'a>(&'a [u8]);

impl<'a> Iterator for Attrs<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let ([l0, l1, t0, t1], rest) = self.0.split_first_chunk::<4>()?;
        let len = usize::from(u16::from_ne_bytes([*l0, *l1]));
        let ty = u16::from_ne_bytes([*t0, *t1]) & uapi::NLA_TYPE_MASK;
        // A length below the header's own 4 bytes wraps to a huge one: no payload.
        let Some(payload) = rest.get(..len.wrapping_sub(4)) else {
            self.0 = &[];
            return None;
        };
        // Attributes are padded to 4 bytes; the last one may lack its padding.
        self.0 = self.0.get(len.next_multiple_of(4)..).unwrap_or(&[]);
        Some((ty, payload))
    }
}

/// An unsigned integer attribute of whatever width the kernel sent.
fn uint(payload: &[u8]) -> Option<u64> {
    Some(match *payload {
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_ne_bytes([a, b])),
        [a, b, c, d] => u64::from(u32::from_ne_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => u64::from_ne_bytes([a, b, c, d, e, f, g, h]),
        _ => return None,
    })
}

/// Sets `field` from an integer attribute when the value fits its type,
/// and leaves it alone otherwise.
fn set<T: TryFrom<u64>>(field: &mut T, payload: &[u8]) {
    if let Some(value) = uint(payload).and_then(|value| T::try_from(value).ok()) {
        *field = value;
    }
}

fn set_flag(field: &mut bool, payload: &[u8]) {
    if let Some(value) = uint(payload) {
        *field = value != 0;
    }
}

fn set_id(field: &mut BridgeId, payload: &[u8]) {
    if let Some(id) = BridgeId::from_bytes(payload) {
        *field = id;
    }
}

/// A string attribute without its terminating NUL (and anything after it).
fn c_str(payload: &[u8]) -> &[u8] {
    payload.split(|&b| b == 0).next().unwrap_or(payload)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// A Link from the payload of an RTM_NEWLINK message (struct ifinfomsg + attributes).
fn decode_link(payload: &[u8]) -> Option<Link> {
    let index = u32_at(payload, 4)?;
    let flags = u32_at(payload, 8)?;
    let mut link =
        Link { index, up: flags & uapi::IFF_UP != 0, loopback: flags & uapi::IFF_LOOPBACK != 0, ..Link::default() };
    for (ty, value) in Attrs(payload.get(uapi::IFINFOMSG_LEN..)?) {
        match ty {
            uapi::IFLA_IFNAME => link.name = c_str(value).to_vec(),
            uapi::IFLA_MASTER => link.master = u32_at(value, 0).filter(|&master| master != 0),
            uapi::IFLA_LINKINFO => decode_linkinfo(value, &mut link),
            // Only in AF_BRIDGE replies: the port's IFLA_BRPORT_* attributes.
            uapi::IFLA_PROTINFO => link.port = Some(Box::new(decode_port(value))),
            _ => {}
        }
    }
    Some(link)
}

fn decode_linkinfo(linkinfo: &[u8], link: &mut Link) {
    let (mut kind, mut data, mut slave_kind, mut slave_data) = (None, None, None, None);
    for (ty, value) in Attrs(linkinfo) {
        match ty {
            uapi::IFLA_INFO_KIND => kind = Some(c_str(value)),
            uapi::IFLA_INFO_DATA => data = Some(value),
            uapi::IFLA_INFO_SLAVE_KIND => slave_kind = Some(c_str(value)),
            uapi::IFLA_INFO_SLAVE_DATA => slave_data = Some(value),
            _ => {}
        }
    }
    // Without the data attributes (kernels that predate them) the link is
    // known to be a bridge or port, but its details must come from sysfs.
    if kind == Some(b"bridge") {
        link.details_missing |= data.is_none();
        link.bridge = Some(Box::new(decode_bridge(data.unwrap_or(&[]))));
    }
    if slave_kind == Some(b"bridge") {
        link.details_missing |= slave_data.is_none();
        link.port = Some(Box::new(decode_port(slave_data.unwrap_or(&[]))));
    }
}

fn decode_bridge(data: &[u8]) -> BridgeInfo {
    let mut info = BridgeInfo::default();
    for (ty, value) in Attrs(data) {
        match ty {
            uapi::IFLA_BR_FORWARD_DELAY => set(&mut info.forward_delay, value),
            uapi::IFLA_BR_HELLO_TIME => set(&mut info.hello_time, value),
            uapi::IFLA_BR_MAX_AGE => set(&mut info.max_age, value),
            uapi::IFLA_BR_AGEING_TIME => set(&mut info.ageing_time, value),
            uapi::IFLA_BR_STP_STATE => set(&mut info.stp_state, value),
            uapi::IFLA_BR_PRIORITY => set(&mut info.priority, value),
            uapi::IFLA_BR_ROOT_ID => set_id(&mut info.designated_root, value),
            uapi::IFLA_BR_BRIDGE_ID => set_id(&mut info.bridge_id, value),
            uapi::IFLA_BR_ROOT_PORT => set(&mut info.root_port, value),
            uapi::IFLA_BR_ROOT_PATH_COST => set(&mut info.root_path_cost, value),
            uapi::IFLA_BR_TOPOLOGY_CHANGE => set_flag(&mut info.topology_change, value),
            uapi::IFLA_BR_TOPOLOGY_CHANGE_DETECTED => set_flag(&mut info.topology_change_detected, value),
            uapi::IFLA_BR_HELLO_TIMER => set(&mut info.hello_timer, value),
            uapi::IFLA_BR_TCN_TIMER => set(&mut info.tcn_timer, value),
            uapi::IFLA_BR_TOPOLOGY_CHANGE_TIMER => set(&mut info.topology_change_timer, value),
            uapi::IFLA_BR_GC_TIMER => set(&mut info.gc_timer, value),
            _ => {}
        }
    }
    info
}

fn decode_port(data: &[u8]) -> PortInfo {
    let mut info = PortInfo::default();
    for (ty, value) in Attrs(data) {
        match ty {
            uapi::IFLA_BRPORT_STATE => set(&mut info.state, value),
            uapi::IFLA_BRPORT_PRIORITY => set(&mut info.priority, value),
            uapi::IFLA_BRPORT_COST => set(&mut info.path_cost, value),
            uapi::IFLA_BRPORT_MODE => set_flag(&mut info.hairpin, value),
            uapi::IFLA_BRPORT_ROOT_ID => set_id(&mut info.designated_root, value),
            uapi::IFLA_BRPORT_BRIDGE_ID => set_id(&mut info.designated_bridge, value),
            uapi::IFLA_BRPORT_DESIGNATED_PORT => set(&mut info.designated_port, value),
            uapi::IFLA_BRPORT_DESIGNATED_COST => set(&mut info.designated_cost, value),
            uapi::IFLA_BRPORT_ID => set(&mut info.port_id, value),
            uapi::IFLA_BRPORT_NO => set(&mut info.port_no, value),
            uapi::IFLA_BRPORT_TOPOLOGY_CHANGE_ACK => set_flag(&mut info.topology_change_ack, value),
            uapi::IFLA_BRPORT_CONFIG_PENDING => set_flag(&mut info.config_pending, value),
            uapi::IFLA_BRPORT_MESSAGE_AGE_TIMER => set(&mut info.message_age_timer, value),
            uapi::IFLA_BRPORT_FORWARD_DELAY_TIMER => set(&mut info.forward_delay_timer, value),
            uapi::IFLA_BRPORT_HOLD_TIMER => set(&mut info.hold_timer, value),
            _ => {}
        }
    }
    info
}

/// The fields of an RTM_NEWNEIGH message that showmacs needs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Neighbour {
    ifindex: u32,
    state: u16,
    flags: u8,
    mac: Option<[u8; 6]>,
    master: Option<u32>,
    /// `ndm_updated` of NDA_CACHEINFO: centiseconds since the last refresh.
    updated: Option<u32>,
    vlan: Option<NonZeroU16>,
}

/// A Neighbour from the payload of an RTM_NEWNEIGH message (struct ndmsg + attributes).
fn decode_neighbour(payload: &[u8]) -> Option<Neighbour> {
    let ifindex = u32_at(payload, 4)?;
    let state = u16::from_ne_bytes([*payload.get(8)?, *payload.get(9)?]);
    let flags = *payload.get(10)?;
    let mut neighbour = Neighbour { ifindex, state, flags, mac: None, master: None, updated: None, vlan: None };
    for (ty, value) in Attrs(payload.get(uapi::NDMSG_LEN..)?) {
        match ty {
            uapi::NDA_LLADDR => neighbour.mac = value.try_into().ok(),
            uapi::NDA_MASTER => neighbour.master = u32_at(value, 0),
            uapi::NDA_CACHEINFO => neighbour.updated = u32_at(value, uapi::CACHEINFO_UPDATED),
            uapi::NDA_VLAN => {
                neighbour.vlan = value.first_chunk::<2>().and_then(|v| NonZeroU16::new(u16::from_ne_bytes(*v)))
            }
            _ => {}
        }
    }
    Some(neighbour)
}

/// The showmacs entry for a neighbour, if it is a learned or local entry of
/// `bridge` on one of its ports (the set the kernel's brforward file lists).
fn fdb_entry(neighbour: &Neighbour, bridge: u32, port_numbers: &HashMap<u32, u16>) -> Option<FdbEntry> {
    if neighbour.master != Some(bridge) || neighbour.flags & uapi::NTF_SELF != 0 {
        return None;
    }
    // Entries on the bridge device itself (its own address) have no port.
    let port_no = *port_numbers.get(&neighbour.ifindex)?;
    let is_local = neighbour.state & uapi::NUD_PERMANENT != 0;
    let is_static = is_local || neighbour.state & uapi::NUD_NOARP != 0;
    Some(FdbEntry {
        mac: neighbour.mac?,
        port_no,
        ageing_timer: if is_static { 0 } else { neighbour.updated.unwrap_or(0) },
        vlan: neighbour.vlan,
        flags: FdbFlags::default()
            .with(FdbFlags::PERMANENT, is_local)
            .with(FdbFlags::STATIC, !is_local && is_static)
            .with(FdbFlags::OFFLOADED, neighbour.flags & uapi::NTF_OFFLOADED != 0)
            .with(FdbFlags::EXTERN_LEARN, neighbour.flags & uapi::NTF_EXT_LEARNED != 0)
            .with(FdbFlags::STICKY, neighbour.flags & uapi::NTF_STICKY != 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use neli::ToBytes;
    use std::io::Cursor;

    /// One attribute as the kernel lays it out, padded to 4 bytes.
    fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(4 + payload.len()).unwrap();
        let mut bytes = [len.to_ne_bytes(), ty.to_ne_bytes()].concat();
        bytes.extend_from_slice(payload);
        bytes.resize(bytes.len().next_multiple_of(4), 0);
        bytes
    }

    fn ifinfo(index: i32, flags: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = vec![0, 0, 1, 0];
        bytes.extend_from_slice(&index.to_ne_bytes());
        bytes.extend_from_slice(&flags.to_ne_bytes());
        bytes.extend_from_slice(&0u32.to_ne_bytes());
        bytes.extend(attrs.concat());
        bytes
    }

    fn nd(ifindex: i32, state: u16, flags: u8, attrs: &[&Vec<u8>]) -> Vec<u8> {
        let mut bytes = vec![uapi::AF_BRIDGE, 0, 0, 0];
        bytes.extend_from_slice(&ifindex.to_ne_bytes());
        bytes.extend_from_slice(&state.to_ne_bytes());
        bytes.extend_from_slice(&[flags, 0]);
        for attr in attrs {
            bytes.extend_from_slice(attr);
        }
        bytes
    }

    fn wire(body: &Ifinfomsg) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        body.to_bytes(&mut cursor).unwrap();
        cursor.into_inner()
    }

    const ID: [u8; 8] = [0x80, 0x00, 2, 0, 0, 0, 0, 1];
    const ROOT: [u8; 8] = [0x10, 0x00, 2, 0, 0, 0, 0, 9];

    #[test]
    fn decodes_a_bridge() {
        let data = [
            nla(uapi::IFLA_BR_FORWARD_DELAY, &1500u32.to_ne_bytes()),
            nla(uapi::IFLA_BR_HELLO_TIME, &200u32.to_ne_bytes()),
            nla(uapi::IFLA_BR_MAX_AGE, &2000u32.to_ne_bytes()),
            nla(uapi::IFLA_BR_AGEING_TIME, &30000u32.to_ne_bytes()),
            nla(uapi::IFLA_BR_STP_STATE, &1u32.to_ne_bytes()),
            nla(uapi::IFLA_BR_PRIORITY, &0x8000u16.to_ne_bytes()),
            nla(uapi::IFLA_BR_ROOT_ID, &ROOT),
            nla(uapi::IFLA_BR_BRIDGE_ID, &ID),
            nla(uapi::IFLA_BR_ROOT_PORT, &3u16.to_ne_bytes()),
            nla(uapi::IFLA_BR_ROOT_PATH_COST, &100u32.to_ne_bytes()),
            nla(uapi::IFLA_BR_TOPOLOGY_CHANGE, &[1]),
            nla(uapi::IFLA_BR_TOPOLOGY_CHANGE_DETECTED, &[1]),
            nla(40, &[]), // IFLA_BR_PAD before the u64 timers
            nla(uapi::IFLA_BR_HELLO_TIMER, &11u64.to_ne_bytes()),
            nla(uapi::IFLA_BR_TCN_TIMER, &12u64.to_ne_bytes()),
            nla(uapi::IFLA_BR_TOPOLOGY_CHANGE_TIMER, &13u64.to_ne_bytes()),
            nla(uapi::IFLA_BR_GC_TIMER, &14u64.to_ne_bytes()),
            nla(9, &0u16.to_ne_bytes()), // IFLA_BR_GROUP_FWD_MASK: not ours
        ]
        .concat();
        let linkinfo = [nla(uapi::IFLA_INFO_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_DATA, &data)].concat();
        let message = ifinfo(
            5,
            uapi::IFF_UP,
            &[nla(uapi::IFLA_IFNAME, b"br0\0"), nla(4, &1500u32.to_ne_bytes()), nla(uapi::IFLA_LINKINFO, &linkinfo)],
        );
        let link = decode_link(&message).unwrap();
        assert_eq!(
            (link.index, link.name.as_slice(), link.master, link.up, link.loopback),
            (5, &b"br0"[..], None, true, false)
        );
        assert!(link.port.is_none());
        let expected = BridgeInfo {
            bridge_id: BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, 1] },
            designated_root: BridgeId { priority: 0x1000, mac: [2, 0, 0, 0, 0, 9] },
            root_port: 3,
            root_path_cost: 100,
            stp_state: 1,
            max_age: 2000,
            hello_time: 200,
            forward_delay: 1500,
            ageing_time: 30000,
            hello_timer: 11,
            tcn_timer: 12,
            topology_change_timer: 13,
            gc_timer: 14,
            topology_change: true,
            topology_change_detected: true,
            priority: 0x8000,
        };
        assert_eq!(link.bridge.as_deref(), Some(&expected));
    }

    #[test]
    fn decodes_a_port() {
        let data = [
            nla(uapi::IFLA_BRPORT_STATE, &[3]),
            nla(uapi::IFLA_BRPORT_PRIORITY, &32u16.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_COST, &100u32.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_MODE, &[1]),
            nla(uapi::IFLA_BRPORT_ROOT_ID, &ROOT),
            nla(uapi::IFLA_BRPORT_BRIDGE_ID, &ID),
            nla(uapi::IFLA_BRPORT_DESIGNATED_PORT, &0x8002u16.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_DESIGNATED_COST, &4u16.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_ID, &0x8002u16.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_NO, &2u16.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, &[1]),
            nla(uapi::IFLA_BRPORT_CONFIG_PENDING, &[1]),
            nla(uapi::IFLA_BRPORT_MESSAGE_AGE_TIMER, &21u64.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_FORWARD_DELAY_TIMER, &22u64.to_ne_bytes()),
            nla(uapi::IFLA_BRPORT_HOLD_TIMER, &23u64.to_ne_bytes()),
        ]
        .concat();
        let linkinfo = [
            nla(uapi::IFLA_INFO_KIND, b"veth\0"),
            nla(uapi::IFLA_INFO_SLAVE_KIND, b"bridge\0"),
            nla(uapi::IFLA_INFO_SLAVE_DATA, &data),
        ]
        .concat();
        let message = ifinfo(
            7,
            0,
            &[
                nla(uapi::IFLA_IFNAME, b"eth\xff0\0"),
                nla(uapi::IFLA_MASTER, &5u32.to_ne_bytes()),
                nla(uapi::IFLA_LINKINFO, &linkinfo),
            ],
        );
        let link = decode_link(&message).unwrap();
        assert_eq!((link.index, link.name.as_slice(), link.master, link.up), (7, &b"eth\xff0"[..], Some(5), false));
        assert!(link.bridge.is_none() && link.is_port_of(5));
        let expected = PortInfo {
            port_no: 2,
            port_id: 0x8002,
            state: 3,
            priority: 32,
            path_cost: 100,
            designated_root: BridgeId { priority: 0x1000, mac: [2, 0, 0, 0, 0, 9] },
            designated_bridge: BridgeId { priority: 0x8000, mac: [2, 0, 0, 0, 0, 1] },
            designated_port: 0x8002,
            designated_cost: 4,
            message_age_timer: 21,
            forward_delay_timer: 22,
            hold_timer: 23,
            config_pending: true,
            topology_change_ack: true,
            hairpin: true,
        };
        assert_eq!(link.port.as_deref(), Some(&expected));
    }

    #[test]
    fn tolerates_odd_widths_flags_and_truncation() {
        let data = [
            // A wider integer than expected still decodes by its length ...
            nla(uapi::IFLA_BRPORT_DESIGNATED_COST, &7u32.to_ne_bytes()),
            // ... a value that does not fit the field is left alone ...
            nla(uapi::IFLA_BRPORT_STATE, &300u16.to_ne_bytes()),
            // ... and so is a width no integer has, or a short bridge id.
            nla(uapi::IFLA_BRPORT_COST, &[1, 2, 3]),
            nla(uapi::IFLA_BRPORT_ROOT_ID, &[1, 2, 3]),
            // A nested-flagged type is matched without its flag bits.
            nla(uapi::IFLA_BRPORT_NO | uapi::NLA_F_NESTED, &9u16.to_ne_bytes()),
        ]
        .concat();
        let mut linkinfo =
            [nla(uapi::IFLA_INFO_SLAVE_KIND, b"bridge\0"), nla(uapi::IFLA_INFO_SLAVE_DATA, &data)].concat();
        // A truncated trailing attribute claims more bytes than are left.
        linkinfo.extend_from_slice(&[200, 0, 1, 0, b'x']);
        let message = ifinfo(3, 0, &[nla(uapi::IFLA_LINKINFO, &linkinfo), vec![8, 0, 3]]);
        let port = decode_link(&message).unwrap().port.unwrap();
        assert_eq!((port.designated_cost, port.state, port.path_cost, port.port_no), (7, 0, 0, 9));
        assert_eq!(port.designated_root, BridgeId::default());

        // A bridge without IFLA_INFO_DATA is still a bridge; a short message is no link.
        let bare = ifinfo(4, 0, &[nla(uapi::IFLA_LINKINFO, &nla(uapi::IFLA_INFO_KIND, b"bridge\0"))]);
        assert_eq!(decode_link(&bare).unwrap().bridge.as_deref(), Some(&BridgeInfo::default()));
        assert_eq!(decode_link(&[0; 11]), None);
        assert_eq!(Attrs(&[4, 0]).count(), 0);
        assert_eq!(Attrs(&[3, 0, 1, 0]).count(), 0);
        assert_eq!(Attrs(&nla(1, &[])).collect::<Vec<_>>(), vec![(1, &[][..])]);
    }

    #[test]
    fn fdb_keeps_the_bridge_entries_on_ports() {
        let mac = nla(uapi::NDA_LLADDR, &[2, 0, 0, 0, 0, 0xaa]);
        let master = nla(uapi::NDA_MASTER, &5u32.to_ne_bytes());
        let cacheinfo = nla(uapi::NDA_CACHEINFO, &[1u32, 2, 345, 0].map(u32::to_ne_bytes).concat());
        let ports = HashMap::from([(7, 1), (8, 2)]);
        let entry = |payload: Vec<u8>| fdb_entry(&decode_neighbour(&payload).unwrap(), 5, &ports);
        let learned =
            |mac: [u8; 6], port_no, ageing_timer| Some(FdbEntry { mac, port_no, ageing_timer, ..FdbEntry::default() });

        let reachable = 0x02;
        assert_eq!(entry(nd(7, reachable, 0, &[&mac, &master, &cacheinfo])), learned([2, 0, 0, 0, 0, 0xaa], 1, 345));
        let local = entry(nd(8, uapi::NUD_PERMANENT, 0, &[&mac, &master, &cacheinfo]));
        let permanent = FdbFlags::PERMANENT;
        let mac_aa = [2, 0, 0, 0, 0, 0xaa];
        let expected = FdbEntry { mac: mac_aa, port_no: 2, flags: permanent, ..FdbEntry::default() };
        assert_eq!(local, Some(expected));
        let fixed = entry(nd(8, uapi::NUD_NOARP, 0, &[&mac, &master, &cacheinfo]));
        let static_entry = FdbFlags::STATIC;
        assert_eq!(fixed, Some(FdbEntry { mac: mac_aa, port_no: 2, flags: static_entry, ..FdbEntry::default() }));
        let vlan = nla(uapi::NDA_VLAN, &10u16.to_ne_bytes());
        let offloaded = entry(nd(7, reachable, uapi::NTF_OFFLOADED | uapi::NTF_EXT_LEARNED, &[&mac, &master, &vlan]));
        let offloaded = offloaded.unwrap();
        assert_eq!(
            (offloaded.vlan, offloaded.flags.words()),
            (NonZeroU16::new(10), vec!["learned", "offloaded", "extern_learn"])
        );

        // Not listed: a device's own (NTF_SELF) entry, another bridge's,
        // one on the bridge device itself, one without a MAC or a master.
        assert_eq!(entry(nd(7, reachable, uapi::NTF_SELF, &[&mac, &master])), None);
        let other = nla(uapi::NDA_MASTER, &6u32.to_ne_bytes());
        assert_eq!(entry(nd(7, reachable, 0, &[&mac, &other])), None);
        assert_eq!(entry(nd(5, uapi::NUD_PERMANENT, 0, &[&mac, &master])), None);
        assert_eq!(entry(nd(7, reachable, 0, &[&master])), None);
        assert_eq!(entry(nd(7, reachable, 0, &[&mac])), None);
        assert_eq!(decode_neighbour(&[0; 11]), None);
    }

    #[test]
    fn port_settings_are_a_nested_protinfo() {
        let cases = [
            (PortSetting::Cost(100), uapi::IFLA_BRPORT_COST, 100u32.to_ne_bytes().to_vec()),
            (PortSetting::Priority(7), uapi::IFLA_BRPORT_PRIORITY, 7u16.to_ne_bytes().to_vec()),
            (PortSetting::Hairpin(true), uapi::IFLA_BRPORT_MODE, vec![1]),
            (PortSetting::Hairpin(false), uapi::IFLA_BRPORT_MODE, vec![0]),
        ];
        for (setting, ty, payload) in cases {
            let bytes = wire(&port_setting_request(9, setting).unwrap());
            assert_eq!(bytes[0], uapi::AF_BRIDGE);
            assert_eq!(u32_at(&bytes, 4), Some(9));
            // The raw type must keep NLA_F_NESTED: 0x800c.
            assert_eq!(bytes[18..20], (uapi::IFLA_PROTINFO | uapi::NLA_F_NESTED).to_ne_bytes());
            let (outer, inner) = Attrs(&bytes[16..]).next().unwrap();
            assert_eq!(outer, uapi::IFLA_PROTINFO);
            assert_eq!(Attrs(inner).collect::<Vec<_>>(), vec![(ty, &payload[..])]);
        }
    }

    #[test]
    fn bridge_settings_are_bridge_linkinfo_data() {
        let cases = [
            (BridgeSetting::AgeingTime(30000), uapi::IFLA_BR_AGEING_TIME, 30000u32.to_ne_bytes().to_vec()),
            (BridgeSetting::ForwardDelay(1500), uapi::IFLA_BR_FORWARD_DELAY, 1500u32.to_ne_bytes().to_vec()),
            (BridgeSetting::HelloTime(200), uapi::IFLA_BR_HELLO_TIME, 200u32.to_ne_bytes().to_vec()),
            (BridgeSetting::MaxAge(2000), uapi::IFLA_BR_MAX_AGE, 2000u32.to_ne_bytes().to_vec()),
            (BridgeSetting::Priority(4096), uapi::IFLA_BR_PRIORITY, 4096u16.to_ne_bytes().to_vec()),
            (BridgeSetting::StpState(true), uapi::IFLA_BR_STP_STATE, 1u32.to_ne_bytes().to_vec()),
            (BridgeSetting::StpState(false), uapi::IFLA_BR_STP_STATE, 0u32.to_ne_bytes().to_vec()),
        ];
        for (setting, ty, payload) in cases {
            let bytes = wire(&bridge_setting_request(4, setting).unwrap());
            assert_eq!((bytes[0], u32_at(&bytes, 4)), (uapi::AF_UNSPEC, Some(4)));
            let attrs: Vec<_> = Attrs(&bytes[16..]).collect();
            assert_eq!(attrs.len(), 1);
            assert_eq!(attrs[0].0, uapi::IFLA_LINKINFO);
            let info: Vec<_> = Attrs(attrs[0].1).collect();
            assert_eq!(info[0], (uapi::IFLA_INFO_KIND, &b"bridge\0"[..]));
            assert_eq!(info[1].0, uapi::IFLA_INFO_DATA);
            assert_eq!(Attrs(info[1].1).collect::<Vec<_>>(), vec![(ty, &payload[..])]);
        }
    }

    #[test]
    fn datagrams_split_into_aligned_messages() {
        let message = |ty: u16, seq: u32, payload: &[u8]| {
            let mut bytes = (16 + payload.len() as u32).to_ne_bytes().to_vec();
            bytes.extend(ty.to_ne_bytes());
            bytes.extend(0u16.to_ne_bytes());
            bytes.extend(seq.to_ne_bytes());
            bytes.extend(0u32.to_ne_bytes());
            bytes.extend(payload);
            bytes.resize(bytes.len().next_multiple_of(4), 0);
            bytes
        };
        let mut datagram = message(16, 7, b"abcde");
        datagram.extend(message(NLMSG_DONE, 7, &0i32.to_ne_bytes()));
        let (first, payload, rest) = split_message(&datagram).unwrap();
        assert_eq!((first.ty, first.seq, payload), (16, 7, &b"abcde"[..]));
        let (done, payload, rest) = split_message(rest).unwrap();
        assert_eq!((done.ty, payload, rest.len()), (NLMSG_DONE, &[0u8; 4][..], 0));
        // Too short for a header, a length below it, a length beyond the datagram.
        assert!(split_message(&datagram[..15]).is_none());
        let mut short = datagram.clone();
        short[..4].copy_from_slice(&8u32.to_ne_bytes());
        assert!(split_message(&short).is_none());
        assert!(split_message(&datagram[..20]).is_none());
    }

    #[test]
    fn kernel_error_codes() {
        assert_eq!(kernel_errno(-libc::EEXIST), Errno::EEXIST);
        assert_eq!(kernel_errno(0), Errno(libc::EIO));
        assert_eq!(kernel_errno(5), Errno(libc::EIO));
        assert_eq!(kernel_errno(i32::MIN), Errno(libc::EIO));
    }

    /// Creates a veth pair (test set-up only: brctl never makes one).
    fn add_veth(netlink: &mut NetlinkBackend, name: &str, peer: &str) -> Result<(), Errno> {
        const VETH_INFO_PEER: u16 = 1;
        let mut peer_info = vec![0; uapi::IFINFOMSG_LEN];
        peer_info.extend(nla(uapi::IFLA_IFNAME, &c_string(peer.as_bytes())));
        let linkinfo = vec![
            attr(uapi::IFLA_INFO_KIND, b"veth\0")?,
            nest(uapi::IFLA_INFO_DATA, vec![attr(VETH_INFO_PEER, &peer_info)?])?,
        ];
        let attrs = vec![
            attr(Ifla::from(uapi::IFLA_IFNAME), &c_string(name.as_bytes()))?,
            nest(Ifla::from(uapi::IFLA_LINKINFO), linkinfo)?,
        ];
        netlink.change(Rtm::Newlink, NlmF::CREATE | NlmF::EXCL, ifinfomsg(uapi::AF_UNSPEC, 0, attrs)?)
    }

    fn ifname(name: &str) -> IfName {
        IfName::from_bytes(name.as_bytes()).unwrap()
    }

    /// Every Backend call against the kernel, in a network namespace of this
    /// test's own thread (nothing outside it is touched). Skipped where the
    /// namespace cannot be made (not root) or bridges are not available.
    #[test]
    fn against_the_kernel_in_a_private_namespace() {
        // SAFETY: unshare(2) takes no pointers; CLONE_NEWNET moves only this
        // thread into a new, empty network namespace.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            // Root can always do this, so in CI as root a failure is real. A
            // normal user cannot from a threaded process; the differential
            // tests (spawned namespaces) cover this backend there.
            // SAFETY: geteuid(2) takes no arguments and cannot fail.
            let root = unsafe { libc::geteuid() } == 0;
            assert!(!(root && std::env::var("CI").as_deref() == Ok("true")), "cannot create a network namespace");
            eprintln!("skipped: cannot create a network namespace");
            return;
        }
        let mut nl = NetlinkBackend::new().unwrap();
        match nl.add_bridge(&ifname("br0")) {
            Err(Errno::EOPNOTSUPP) => return eprintln!("skipped: no bridge support"),
            result => result.unwrap(),
        }
        assert_eq!(nl.add_bridge(&ifname("br0")), Err(Errno::EEXIST));
        assert_eq!(nl.add_bridge(&ifname("lo")), Err(Errno::EEXIST));
        assert_eq!(nl.link(&ifname("nothing")), Ok(None));
        let lo = nl.link(&ifname("lo")).unwrap().unwrap();
        assert!(lo.loopback && !lo.is_bridge() && lo.port.is_none());
        let br = nl.link(&ifname("br0")).unwrap().unwrap();
        assert!(br.is_bridge() && !br.up && br.name == b"br0");

        match add_veth(&mut nl, "v0", "v1") {
            Err(Errno::EOPNOTSUPP) => return eprintln!("skipped: no veth support"),
            result => result.unwrap(),
        }
        add_veth(&mut nl, "v2", "v3").unwrap();
        let v0 = nl.link(&ifname("v0")).unwrap().unwrap().index;
        let v1 = nl.link(&ifname("v1")).unwrap().unwrap().index;
        let v2 = nl.link(&ifname("v2")).unwrap().unwrap().index;
        nl.set_master(v0, br.index).unwrap();
        nl.set_master(v2, br.index).unwrap();
        assert_eq!(nl.set_master(br.index, br.index), Err(Errno::ELOOP));

        for setting in [
            BridgeSetting::AgeingTime(20000),
            BridgeSetting::ForwardDelay(1000),
            BridgeSetting::HelloTime(300),
            BridgeSetting::MaxAge(2500),
            BridgeSetting::Priority(4096),
            BridgeSetting::StpState(true),
        ] {
            nl.set_bridge(br.index, setting).unwrap();
        }
        assert_eq!(nl.set_bridge(br.index, BridgeSetting::HelloTime(50)), Err(Errno::ERANGE));
        assert_eq!(nl.set_bridge(v1, BridgeSetting::HelloTime(200)), Err(Errno::EOPNOTSUPP));
        let info = nl.link(&ifname("br0")).unwrap().unwrap().bridge.unwrap();
        assert_eq!(
            (info.ageing_time, info.forward_delay, info.hello_time, info.max_age, info.priority, info.stp_state),
            (20000, 1000, 300, 2500, 4096, 1)
        );
        assert_eq!(info.bridge_id.priority, 4096);
        assert_eq!(info.designated_root, info.bridge_id);

        for setting in [PortSetting::Cost(1234), PortSetting::Priority(7), PortSetting::Hairpin(true)] {
            nl.set_port(v0, setting).unwrap();
        }
        assert_eq!(nl.set_port(v0, PortSetting::Priority(64)), Err(Errno::ERANGE));
        assert_eq!(nl.set_port(v1, PortSetting::Cost(5)), Err(Errno::EOPNOTSUPP));

        let mut ports = nl.ports(&br).unwrap();
        ports.sort_by_key(|link| link.index);
        assert_eq!(ports.iter().map(|link| link.index).collect::<Vec<_>>(), [v0, v2]);
        let port = ports[0].port.clone().unwrap();
        assert_eq!((port.path_cost, port.priority, port.hairpin, port.port_no), (1234, 7, true, 1));
        assert_eq!(port.port_id, 7 << 10 | 1);
        assert_eq!(ports[1].port.as_ref().map(|port| (port.port_no, port.hairpin)), Some((2, false)));
        // The filtered dumps show uses: bridges only, and every bridge port with its settings.
        let bridges = nl.bridges().unwrap();
        assert_eq!(bridges.iter().map(|link| link.index).collect::<Vec<_>>(), [br.index]);
        let fresh = nl.link(&ifname("br0")).unwrap().unwrap();
        assert_eq!(bridges[0].bridge.as_ref().map(|b| b.bridge_id), fresh.bridge.as_ref().map(|b| b.bridge_id));
        let mut all_ports = nl.bridge_ports().unwrap();
        all_ports.sort_by_key(|link| link.index);
        assert_eq!(
            all_ports.iter().map(|link| (link.index, link.master)).collect::<Vec<_>>(),
            [(v0, Some(br.index)), (v2, Some(br.index))]
        );
        assert_eq!(all_ports[0].port, ports[0].port);
        // A new namespace may also hold tunnel fallback devices (sit0, ...).
        let links = nl.links().unwrap();
        for name in ["lo", "br0", "v0", "v1", "v2", "v3"] {
            assert!(links.iter().any(|link| link.name == name.as_bytes()), "{name} missing");
        }
        assert!(links.contains(&ports[0]) && links.iter().any(|link| link.index == br.index && link.is_bridge()));

        // Each port's own address is a local entry of the bridge.
        let mut fdb = nl.fdb(&br).unwrap();
        fdb.sort_by_key(|entry| entry.port_no);
        assert_eq!(
            fdb.iter().map(|entry| (entry.port_no, entry.is_local())).collect::<Vec<_>>(),
            [(1, true), (2, true)]
        );

        nl.set_master(v0, 0).unwrap();
        assert_eq!(nl.ports(&br).unwrap().len(), 1);
        assert_eq!(nl.link(&ifname("v0")).unwrap().unwrap().master, None);
        nl.delete_link(br.index).unwrap();
        assert_eq!(nl.link(&ifname("br0")), Ok(None));
        assert_eq!(nl.delete_link(br.index), Err(Errno::ENODEV));
        assert_eq!(nl.link(&ifname("v2")).unwrap().unwrap().master, None);
    }

    #[cfg(target_env = "gnu")]
    #[test]
    fn constants_match_libc() {
        assert_eq!(uapi::NLA_TYPE_MASK, libc::NLA_TYPE_MASK as u16);
        assert_eq!(uapi::NLA_F_NESTED, libc::NLA_F_NESTED as u16);
        assert_eq!(i32::from(uapi::AF_BRIDGE), libc::AF_BRIDGE);
        assert_eq!(uapi::IFF_UP, libc::IFF_UP as u32);
        assert_eq!(uapi::IFF_LOOPBACK, libc::IFF_LOOPBACK as u32);
        assert_eq!(uapi::RTEXT_FILTER_SKIP_STATS, libc::RTEXT_FILTER_SKIP_STATS as u32);
        assert_eq!(uapi::IFLA_IFNAME, libc::IFLA_IFNAME);
        assert_eq!(uapi::IFLA_MASTER, libc::IFLA_MASTER);
        assert_eq!(uapi::IFLA_PROTINFO, libc::IFLA_PROTINFO);
        assert_eq!(uapi::IFLA_LINKINFO, libc::IFLA_LINKINFO);
        assert_eq!(uapi::IFLA_EXT_MASK, libc::IFLA_EXT_MASK);
        assert_eq!(uapi::IFLA_INFO_KIND, libc::IFLA_INFO_KIND);
        assert_eq!(uapi::IFLA_INFO_DATA, libc::IFLA_INFO_DATA);
        assert_eq!(uapi::IFLA_INFO_SLAVE_KIND, libc::IFLA_INFO_SLAVE_KIND);
        assert_eq!(uapi::IFLA_INFO_SLAVE_DATA, libc::IFLA_INFO_SLAVE_DATA);
        assert_eq!(uapi::NDA_LLADDR, libc::NDA_LLADDR);
        assert_eq!(uapi::NDA_CACHEINFO, libc::NDA_CACHEINFO);
        assert_eq!(uapi::NDA_MASTER, libc::NDA_MASTER);
        assert_eq!(uapi::NUD_NOARP, libc::NUD_NOARP);
        assert_eq!(uapi::NUD_PERMANENT, libc::NUD_PERMANENT);
        assert_eq!(uapi::NTF_SELF, libc::NTF_SELF);
    }
}
