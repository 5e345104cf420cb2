//! The rtnetlink backend: one NETLINK_ROUTE socket per run, requests built
//! with neli, replies decoded here from their raw bytes.
//!
//! Replies are read as raw payloads rather than neli's typed messages so that
//! an attribute of an unexpected width or a flag bit in its type never fails a
//! whole dump: each value is decoded by its actual length, and anything that
//! does not fit is left at its default.

use std::collections::HashMap;

use neli::consts::nl::{NlmF, Nlmsg};
use neli::consts::rtnl::{Ifla, RtAddrFamily, RtaType, Rtm};
use neli::consts::socket::NlFamily;
use neli::err::SocketError;
use neli::nl::{NlPayload, NlmsghdrBuilder};
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder, Rtattr, RtattrBuilder};
use neli::socket::synchronous::NlSocketHandle;
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;

use super::{Backend, BridgeSetting, PortSetting};
use crate::error::Errno;
use crate::model::{BridgeId, BridgeInfo, FdbEntry, Link, PortInfo};
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
    pub const NDA_MASTER: u16 = 9;

    pub const NUD_NOARP: u16 = 0x40;
    pub const NUD_PERMANENT: u16 = 0x80;
    pub const NTF_SELF: u8 = 0x02;

    /// sizeof(struct ifinfomsg) and sizeof(struct ndmsg).
    pub const IFINFOMSG_LEN: usize = 16;
    pub const NDMSG_LEN: usize = 12;
    /// Offset of `ndm_updated` in struct nda_cacheinfo {confirmed, used, updated, refcnt}.
    pub const CACHEINFO_UPDATED: usize = 8;
}

/// How often a dump the kernel flagged NLM_F_DUMP_INTR (the table changed
/// while it was being read) is started again before giving up.
const DUMP_ATTEMPTS: usize = 8;

/// rtnetlink over one socket, reused for every request of a run.
pub struct NetlinkBackend {
    socket: NlSocketHandle,
    /// Sequence number of the last request; replies carrying another are
    /// leftovers of an earlier request and are skipped.
    seq: u32,
}

impl NetlinkBackend {
    pub fn new() -> Result<NetlinkBackend, Errno> {
        let socket = NlSocketHandle::connect(NlFamily::Route, None, Groups::empty()).map_err(socket_errno)?;
        Ok(NetlinkBackend { socket, seq: 0 })
    }

    /// Sends one request and feeds every reply message (type and payload) to
    /// `each` until the request is answered: NLMSG_DONE for a dump, the ACK
    /// otherwise. A kernel error becomes its errno. Returns whether the
    /// kernel flagged the dump as interrupted.
    fn exchange(
        &mut self,
        ty: Rtm,
        flags: NlmF,
        body: Ifinfomsg,
        each: &mut dyn FnMut(u16, &[u8]),
    ) -> Result<bool, Errno> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let dump = flags.contains(NlmF::DUMP);
        // Every change and lookup asks for an ACK so that its end is explicit;
        // a dump ends with NLMSG_DONE instead.
        let flags = flags | NlmF::REQUEST | if dump { NlmF::empty() } else { NlmF::ACK };
        let request = NlmsghdrBuilder::default()
            .nl_type(ty)
            .nl_flags(flags)
            .nl_seq(seq)
            .nl_payload(NlPayload::Payload(body))
            .build()
            .map_err(|_| Errno(libc::EINVAL))?;
        self.socket.send(&request).map_err(socket_errno)?;

        let done = u16::from(Nlmsg::Done);
        let mut interrupted = false;
        loop {
            let (messages, _) = self.socket.recv::<u16, Buffer>().map_err(socket_errno)?;
            let mut received = false;
            for message in messages {
                let message = message.map_err(socket_errno)?;
                received = true;
                if *message.nl_seq() != seq {
                    continue;
                }
                if message.nl_flags().contains(NlmF::DUMP_INTR) {
                    interrupted = true;
                }
                match message.nl_payload() {
                    NlPayload::Err(err) => return Err(kernel_errno(*err.error())),
                    // The DONE of a dump carries the dump's own result.
                    NlPayload::DumpExtAck(end) if *end.error() < 0 => return Err(kernel_errno(*end.error())),
                    NlPayload::DumpExtAck(_) => return Ok(interrupted),
                    NlPayload::Ack(_) if !dump => return Ok(interrupted),
                    NlPayload::Ack(_) => {}
                    NlPayload::Payload(payload) => {
                        if *message.nl_type() == done {
                            return Ok(interrupted);
                        }
                        each(*message.nl_type(), payload.as_ref());
                    }
                    NlPayload::Empty => {
                        if *message.nl_type() == done {
                            return Ok(interrupted);
                        }
                    }
                }
            }
            // A read that yields no message would otherwise loop for ever.
            if !received {
                return Err(Errno(libc::EIO));
            }
        }
    }

    /// A change that only needs its ACK.
    fn change(&mut self, ty: Rtm, flags: NlmF, body: Ifinfomsg) -> Result<(), Errno> {
        self.exchange(ty, flags, body, &mut |_, _| {})?;
        Ok(())
    }

    /// Runs a dump to its end and decodes the messages of type `reply`,
    /// starting it over when the kernel says it was interrupted.
    fn dump<T>(
        &mut self,
        ty: Rtm,
        body: &Ifinfomsg,
        reply: Rtm,
        decode: fn(&[u8]) -> Option<T>,
    ) -> Result<Vec<T>, Errno> {
        let reply = u16::from(reply);
        for _ in 0..DUMP_ATTEMPTS {
            let mut items = Vec::new();
            let interrupted = self.exchange(ty, NlmF::DUMP, body.clone(), &mut |kind, payload| {
                if kind == reply {
                    items.extend(decode(payload));
                }
            })?;
            if !interrupted {
                return Ok(items);
            }
        }
        Err(Errno(libc::EINTR))
    }

    /// The RTM_GETLINK dump request, optionally limited to the ports of `master`.
    fn link_dump_request(master: Option<u32>) -> Result<Ifinfomsg, Errno> {
        let mut attrs = vec![ext_mask()?];
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
        let result = self.exchange(Rtm::Getlink, NlmF::empty(), body, &mut |kind, payload| {
            if kind == newlink && found.is_none() {
                found = decode_link(payload);
            }
        });
        match result {
            Ok(_) => Ok(found),
            Err(Errno::ENODEV) => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn links(&mut self) -> Result<Vec<Link>, Errno> {
        let body = Self::link_dump_request(None)?;
        self.dump(Rtm::Getlink, &body, Rtm::Newlink, decode_link)
    }

    fn ports(&mut self, bridge: u32) -> Result<Vec<Link>, Errno> {
        // The kernel filters a link dump by IFLA_MASTER (and flags its reply
        // NLM_F_DUMP_FILTERED); kernels before 4.6 ignore the attribute and
        // send every link, so keep only the bridge's ports either way.
        let body = Self::link_dump_request(Some(bridge))?;
        let mut links = self.dump(Rtm::Getlink, &body, Rtm::Newlink, decode_link)?;
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

    fn fdb(&mut self, bridge: u32) -> Result<Vec<FdbEntry>, Errno> {
        let port_numbers: HashMap<u32, u16> =
            self.ports(bridge)?.iter().filter_map(|link| Some((link.index, link.port.as_ref()?.port_no))).collect();
        // An AF_BRIDGE neighbour dump asked with an ifinfomsg carrying
        // IFLA_MASTER is filtered by bridge in the kernel (the format
        // iproute2 uses on sockets without strict checking). Other bridges'
        // own entries and the ports' NTF_SELF lists still come along.
        let body = ifinfomsg(uapi::AF_BRIDGE, 0, vec![attr(Ifla::from(uapi::IFLA_MASTER), &bridge.to_ne_bytes())?])?;
        let neighbours = self.dump(Rtm::Getneigh, &body, Rtm::Newneigh, decode_neighbour)?;
        Ok(neighbours.iter().filter_map(|neighbour| fdb_entry(neighbour, bridge, &port_numbers)).collect())
    }
}

/// An errno from neli: the OS error of a failed send or receive, EIO for a
/// message neli could not frame.
fn socket_errno(err: SocketError) -> Errno {
    match err {
        SocketError::Io(io) => Errno(io.raw_os_error().unwrap_or(libc::EIO)),
        _ => Errno(libc::EIO),
    }
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
    RtattrBuilder::default().rta_type(ty).rta_payload(Buffer::from(payload)).build().map_err(|_| Errno(libc::EINVAL))
}

fn nest<T: RtaType, U: RtaType>(ty: T, inner: Vec<Rtattr<U, Buffer>>) -> Result<Rtattr<T, Buffer>, Errno> {
    RtattrBuilder::default()
        .rta_type(ty)
        .rta_payload(inner.into_iter().collect::<RtBuffer<U, Buffer>>())
        .build()
        .map_err(|_| Errno(libc::EINVAL))
}

fn ifinfomsg(family: u8, index: u32, attrs: Vec<Rtattr<Ifla, Buffer>>) -> Result<Ifinfomsg, Errno> {
    IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::from(family))
        .ifi_index(i32::try_from(index).map_err(|_| Errno::ENODEV)?)
        .rtattrs(attrs.into_iter().collect())
        .build()
        .map_err(|_| Errno(libc::EINVAL))
}

/// IFLA_EXT_MASK asking the kernel to leave out the link statistics, which
/// brctl never shows: it halves the size of a link dump.
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
        let bytes = self.0;
        let len = usize::from(u16::from_ne_bytes([*bytes.first()?, *bytes.get(1)?]));
        let ty = u16::from_ne_bytes([*bytes.get(2)?, *bytes.get(3)?]) & uapi::NLA_TYPE_MASK;
        let Some(payload) = bytes.get(4..len) else {
            self.0 = &[];
            return None;
        };
        // Attributes are padded to 4 bytes; the last one may lack its padding.
        self.0 = bytes.get(len.next_multiple_of(4)..).unwrap_or(&[]);
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
    if kind == Some(b"bridge") {
        link.bridge = Some(decode_bridge(data.unwrap_or(&[])));
    }
    if slave_kind == Some(b"bridge") {
        link.port = Some(decode_port(slave_data.unwrap_or(&[])));
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
}

/// A Neighbour from the payload of an RTM_NEWNEIGH message (struct ndmsg + attributes).
fn decode_neighbour(payload: &[u8]) -> Option<Neighbour> {
    let ifindex = u32_at(payload, 4)?;
    let state = u16::from_ne_bytes([*payload.get(8)?, *payload.get(9)?]);
    let flags = *payload.get(10)?;
    let mut neighbour = Neighbour { ifindex, state, flags, mac: None, master: None, updated: None };
    for (ty, value) in Attrs(payload.get(uapi::NDMSG_LEN..)?) {
        match ty {
            uapi::NDA_LLADDR => neighbour.mac = value.try_into().ok(),
            uapi::NDA_MASTER => neighbour.master = u32_at(value, 0),
            uapi::NDA_CACHEINFO => neighbour.updated = u32_at(value, uapi::CACHEINFO_UPDATED),
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
        is_local,
        ageing_timer: if is_static { 0 } else { u64::from(neighbour.updated.unwrap_or(0)) },
    })
}
