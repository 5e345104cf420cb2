//! Every `Backend` call of the netlink backend against the running kernel,
//! in a network namespace of its own: nothing outside it is touched.
//!
//! As root, the test thread moves itself into a new network namespace
//! (unshare(2) with CLONE_NEWNET alone works in a threaded process). A
//! normal user cannot do that from a threaded process, so the test runs its
//! own binary again, this test only, under `unshare -Urnm`, and that copy
//! (told by an environment variable, and checking it really is in another
//! namespace) does the work. Where no namespace can be made, or the kernel
//! has no bridges or veths, the test is skipped, or fails under CI=true.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// It runs `unshare` (through `timeout`) to get a namespace as a normal user.
#![allow(clippy::disallowed_methods)]

mod common;

use std::ffi::OsString;
use std::io::{Cursor, Write};
use std::process::Command;

use brctl::backend::netlink::NetlinkBackend;
use brctl::backend::Errno;
use brctl::backend::{Backend, BridgeSetting, PortSetting};
use brctl::values::IfName;
use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Ifla, RtAddrFamily, RtaType, Rtm};
use neli::consts::socket::{Msg, NlFamily};
use neli::nl::{NlPayload, NlmsghdrBuilder};
use neli::rtnl::{IfinfomsgBuilder, Rtattr, RtattrBuilder};
use neli::socket::NlSocket;
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;
use neli::ToBytes;

const TEST: &str = "against_the_kernel_in_a_private_namespace";

/// Set in the copy of this test run under `unshare -Urnm`, to the network
/// namespace it was started from (which it must not be in).
const PARENT_NAMESPACE: &str = "BRCTL_NETLINK_KERNEL_TEST_PARENT_NETNS";

/// Numbers from linux/if_link.h, linux/veth.h and linux/netlink.h.
const IFLA_IFNAME: u16 = 3;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const IFINFOMSG_LEN: usize = 16;
const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;

#[test]
fn against_the_kernel_in_a_private_namespace() {
    if let Some(parent) = std::env::var_os(PARENT_NAMESPACE) {
        // The copy under `unshare -Urnm`: the whole process is in a new namespace.
        let own = network_namespace().expect("read /proc/thread-self/ns/net");
        assert_ne!(own, parent, "{PARENT_NAMESPACE} is set, but this is the network namespace it names");
        return exercise();
    }
    // SAFETY: unshare(2) takes no pointers; CLONE_NEWNET moves only this
    // thread into a new, empty network namespace.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } == 0 {
        return exercise();
    }
    in_a_new_user_namespace();
}

/// Runs this test again, alone, in a copy of this binary under `unshare -Urnm`.
fn in_a_new_user_namespace() {
    let probe = Command::new("timeout").args(["30", "unshare", "-Urnm", "true"]).output();
    match probe {
        Err(err) => return unavailable(&format!("cannot spawn timeout/unshare: {err}")),
        Ok(out) if !out.status.success() => {
            let why = String::from_utf8_lossy(&out.stderr);
            return unavailable(&format!("cannot create a network namespace ({}): {}", out.status, why.trim()));
        }
        Ok(_) => {}
    }
    let parent = network_namespace().expect("read /proc/thread-self/ns/net");
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new("timeout")
        .args(["-k", "5", "120", "unshare", "-Urnm", "--"])
        .arg(exe)
        .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(PARENT_NAMESPACE, parent)
        .output()
        .expect("spawn timeout/unshare");
    // The copy's SKIPPED line, if any, goes on to our stderr, and counts in our summary at
    // exit (the copy's own summary line is left out).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = common::skip::summary_line(1).unwrap_or_default();
    let forwarded: String = stderr.split_inclusive('\n').filter(|line| line.trim_end() != summary).collect();
    let _ = std::io::stderr().write_all(forwarded.as_bytes());
    if forwarded.contains(&format!("SKIPPED {TEST}: ")) {
        common::skip::count(TEST);
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "the test under unshare -Urnm failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The calling thread's network namespace, as its /proc link reads.
fn network_namespace() -> std::io::Result<OsString> {
    Ok(std::fs::read_link("/proc/thread-self/ns/net")?.into_os_string())
}

/// What cannot be tested here: a failure under CI=true, a skip otherwise (the one skip rule,
/// tests/common/skip.rs).
fn unavailable(why: &str) {
    common::skip::skip(TEST, why);
}

fn ifname(name: &str) -> IfName {
    IfName::from_bytes(name.as_bytes()).unwrap()
}

/// One attribute as the kernel lays it out, padded to 4 bytes.
fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + payload.len()).unwrap();
    let mut bytes = [len.to_ne_bytes(), ty.to_ne_bytes()].concat();
    bytes.extend_from_slice(payload);
    bytes.resize(bytes.len().next_multiple_of(4), 0);
    bytes
}

fn attr<T: RtaType>(ty: T, payload: &[u8]) -> Rtattr<T, Buffer> {
    RtattrBuilder::default().rta_type(ty).rta_payload(Buffer::from(payload)).build().unwrap()
}

fn nest<T: RtaType, U: RtaType>(ty: T, inner: Vec<Rtattr<U, Buffer>>) -> Rtattr<T, Buffer> {
    RtattrBuilder::default()
        .rta_type(ty)
        .rta_payload(inner.into_iter().collect::<RtBuffer<U, Buffer>>())
        .build()
        .unwrap()
}

fn c_string(text: &str) -> Vec<u8> {
    [text.as_bytes(), b"\0"].concat()
}

/// Creates a veth pair over a socket of its own (test set-up only: brctl
/// never makes one, so its backend has no call for it). The kernel's
/// error, if any, as an errno.
fn add_veth(name: &str, peer: &str) -> Result<(), Errno> {
    let mut peer_info = vec![0; IFINFOMSG_LEN];
    peer_info.extend(nla(IFLA_IFNAME, &c_string(peer)));
    let linkinfo = vec![attr(IFLA_INFO_KIND, b"veth\0"), nest(IFLA_INFO_DATA, vec![attr(VETH_INFO_PEER, &peer_info)])];
    let attrs = vec![attr(Ifla::from(IFLA_IFNAME), &c_string(name)), nest(Ifla::from(IFLA_LINKINFO), linkinfo)];
    let body = IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::from(libc::AF_UNSPEC as u8))
        .ifi_index(0)
        .rtattrs(attrs.into_iter().collect())
        .build()
        .unwrap();
    let request = NlmsghdrBuilder::default()
        .nl_type(Rtm::Newlink)
        .nl_flags(NlmF::REQUEST | NlmF::ACK | NlmF::CREATE | NlmF::EXCL)
        .nl_seq(1)
        .nl_payload(NlPayload::Payload(body))
        .build()
        .unwrap();
    let mut bytes = Cursor::new(Vec::new());
    request.to_bytes(&mut bytes).unwrap();
    let socket = NlSocket::connect(NlFamily::Route, None, Groups::empty()).unwrap();
    socket.send(bytes.get_ref(), Msg::empty()).unwrap();
    // The only reply is an NLMSG_ERROR: code 0 (the ACK) or a negative errno.
    let mut reply = vec![0; 64 * 1024];
    let (length, _) = socket.recv(&mut reply[..], Msg::empty()).unwrap();
    assert!(length >= NLMSG_HDRLEN + 4, "short reply: {length} bytes");
    assert_eq!(u16::from_ne_bytes([reply[4], reply[5]]), NLMSG_ERROR);
    match i32::from_ne_bytes(reply[NLMSG_HDRLEN..NLMSG_HDRLEN + 4].try_into().unwrap()) {
        0 => Ok(()),
        code => Err(Errno(-code)),
    }
}

/// Every Backend call, in a network namespace nothing else uses.
fn exercise() {
    let mut nl = NetlinkBackend::new().unwrap();
    match nl.add_bridge(&ifname("br0")) {
        Err(Errno::EOPNOTSUPP) => return unavailable("no bridge support in this kernel"),
        result => result.unwrap(),
    }
    assert_eq!(nl.add_bridge(&ifname("br0")), Err(Errno::EEXIST));
    assert_eq!(nl.add_bridge(&ifname("lo")), Err(Errno::EEXIST));
    assert_eq!(nl.link(&ifname("nothing")), Ok(None));
    let lo = nl.link(&ifname("lo")).unwrap().unwrap();
    assert!(lo.loopback && !lo.is_bridge() && lo.port.is_none());
    let br = nl.link(&ifname("br0")).unwrap().unwrap();
    assert!(br.is_bridge() && !br.up && br.name == b"br0");

    match add_veth("v0", "v1") {
        Err(Errno::EOPNOTSUPP) => return unavailable("no veth support in this kernel"),
        result => result.unwrap(),
    }
    add_veth("v2", "v3").unwrap();
    let v0 = nl.link(&ifname("v0")).unwrap().unwrap().index;
    let v1 = nl.link(&ifname("v1")).unwrap().unwrap().index;
    let v2 = nl.link(&ifname("v2")).unwrap().unwrap().index;
    nl.set_master(v0, br.index).unwrap();
    nl.set_master(v2, br.index).unwrap();
    assert_eq!(nl.set_master(br.index, br.index), Err(Errno::ELOOP));

    for (setting, value) in [
        (BridgeSetting::AgeingTime, 20000),
        (BridgeSetting::ForwardDelay, 1000),
        (BridgeSetting::HelloTime, 300),
        (BridgeSetting::MaxAge, 2500),
        (BridgeSetting::Priority, 4096),
        (BridgeSetting::Stp, 1),
    ] {
        nl.set_bridge(br.index, setting, value).unwrap();
    }
    assert_eq!(nl.set_bridge(br.index, BridgeSetting::HelloTime, 50), Err(Errno::ERANGE));
    assert_eq!(nl.set_bridge(v1, BridgeSetting::HelloTime, 200), Err(Errno::EOPNOTSUPP));
    let info = nl.link(&ifname("br0")).unwrap().unwrap().bridge.unwrap();
    assert_eq!(
        (info.ageing_time, info.forward_delay, info.hello_time, info.max_age, info.priority, info.stp_state),
        (20000, 1000, 300, 2500, 4096, 1)
    );
    assert_eq!(info.bridge_id.priority, 4096);
    assert_eq!(info.designated_root, info.bridge_id);

    for (setting, value) in [(PortSetting::PathCost, 1234), (PortSetting::Priority, 7), (PortSetting::Hairpin, 1)] {
        nl.set_port(v0, setting, value).unwrap();
    }
    assert_eq!(nl.set_port(v0, PortSetting::Priority, 64), Err(Errno::ERANGE));
    assert_eq!(nl.set_port(v1, PortSetting::PathCost, 5), Err(Errno::EOPNOTSUPP));

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
    // Every link made here is found by name (a new namespace may also hold
    // tunnel fallback devices, sit0 and the like, that nothing here asks
    // for), and a lookup agrees with the dumps.
    for name in ["lo", "br0", "v0", "v1", "v2", "v3"] {
        assert!(nl.link(&ifname(name)).unwrap().is_some(), "{name} missing");
    }
    assert_eq!(nl.link(&ifname("v0")).unwrap().as_ref(), Some(&ports[0]));
    assert!(fresh.index == br.index && fresh.is_bridge());

    // Each port's own address is a local entry of the bridge.
    let mut fdb = nl.fdb(&br).unwrap();
    fdb.sort_by_key(|entry| entry.port_no);
    assert_eq!(fdb.iter().map(|entry| (entry.port_no, entry.is_local())).collect::<Vec<_>>(), [(1, true), (2, true)]);

    nl.set_master(v0, 0).unwrap();
    assert_eq!(nl.ports(&br).unwrap().len(), 1);
    assert_eq!(nl.link(&ifname("v0")).unwrap().unwrap().master, None);
    nl.delete_link(br.index).unwrap();
    assert_eq!(nl.link(&ifname("br0")), Ok(None));
    assert_eq!(nl.delete_link(br.index), Err(Errno::ENODEV));
    assert_eq!(nl.link(&ifname("v2")).unwrap().unwrap().master, None);
}
