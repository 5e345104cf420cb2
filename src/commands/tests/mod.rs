//! The command layer's compatibility rules against `FakeKernel`, with no
//! kernel, namespace or original brctl: which lookup is reported first,
//! when a refusal becomes EPERM for a caller without CAP_NET_ADMIN, how
//! the kernel's errnos are worded, where addif and delif stop, and that
//! refused input changes nothing. Each test asserts on what users see (the
//! message line, the exit code, stdout) and on the changes the fake kernel
//! was asked for. Sections refer to docs/compat.md.

use std::ffi::OsStr;
use std::num::NonZeroU16;

use super::fake::{Change, FakeKernel};
use super::{Command, OutputStyle};
use crate::backend::Errno;
use crate::backend::{BridgeSetting, PortSetting};
use crate::error::Error;
use crate::model::{BridgeInfo, FdbEntry, FdbFlags, Link, PortInfo};
use crate::values::{IfName, OnOff};

const EACCES: Errno = Errno(libc::EACCES);
const ENOMEM: Errno = Errno(libc::ENOMEM);
const HINT: &str = "hint: changing bridges needs CAP_NET_ADMIN (run as root)";

// ---------------------------------------------------------------------------------------------
// The lab and how a command is run in it

fn bridge(index: u32, name: &str) -> Link {
    Link { index, name: name.as_bytes().to_vec(), bridge: Some(Box::default()), ..Link::default() }
}

fn device(index: u32, name: &str) -> Link {
    Link { index, name: name.as_bytes().to_vec(), ..Link::default() }
}

fn port(index: u32, name: &str, master: u32, port_no: u16) -> Link {
    Link {
        master: Some(master),
        port: Some(Box::new(PortInfo { port_no, ..PortInfo::default() })),
        ..device(index, name)
    }
}

/// The differential tests' lab (tests/unprivileged.rs): br0 (ports v0 and v1,
/// down), br1 (port v2, STP on), br2 (no ports, up), v3 and v0p free, lo.
fn lab() -> FakeKernel {
    let mut br1 = bridge(3, "br1");
    br1.bridge = Some(Box::new(BridgeInfo { stp_state: 1, ..BridgeInfo::default() }));
    FakeKernel {
        links: vec![
            Link { loopback: true, up: true, ..device(1, "lo") },
            bridge(2, "br0"),
            br1,
            Link { up: true, ..bridge(4, "br2") },
            port(5, "v0", 2, 1),
            port(6, "v1", 2, 2),
            port(7, "v2", 3, 1),
            device(8, "v3"),
            device(9, "v0p"),
        ],
        ..FakeKernel::default()
    }
}

fn name(text: &str) -> IfName {
    IfName::from_bytes(text.as_bytes()).unwrap()
}

fn names(list: &[&str]) -> Vec<IfName> {
    list.iter().map(|text| name(text)).collect()
}

struct Outcome {
    result: Result<(), Error>,
    out: Vec<u8>,
    err: Vec<u8>,
}

fn run_styled(kernel: &mut FakeKernel, command: Command, style: OutputStyle) -> Outcome {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = command.execute(kernel, &style, &mut out, &mut err);
    Outcome { result, out, err }
}

fn run(kernel: &mut FakeKernel, command: Command) -> Outcome {
    run_styled(kernel, command, OutputStyle::default())
}

/// Runs a command that must fail with one message and nothing on stdout or
/// stderr of its own; returns the error for more checks.
fn failure(kernel: &mut FakeKernel, command: Command) -> Error {
    let label = format!("{command:?}");
    let outcome = run(kernel, command);
    assert_eq!(String::from_utf8_lossy(&outcome.out), "", "{label}: stdout");
    assert_eq!(String::from_utf8_lossy(&outcome.err), "", "{label}: stderr");
    match outcome.result {
        Ok(()) => panic!("{label} succeeded"),
        Err(err) => {
            assert_eq!(err.exit_code(), 1, "{label}");
            err
        }
    }
}

/// The command fails with exactly this message.
fn refused(kernel: &mut FakeKernel, command: Command, message: &str) -> Error {
    let label = format!("{command:?}");
    let err = failure(kernel, command);
    assert_eq!(String::from_utf8_lossy(&err.message()), message, "{label}");
    err
}

/// The command fails with this message and asks the kernel for no change.
fn refused_unchanged(kernel: &mut FakeKernel, command: Command, message: &str) -> Error {
    let label = format!("{command:?}");
    let err = refused(kernel, command, message);
    assert_eq!(kernel.changes, [], "{label} must change nothing");
    err
}

/// The command fails, without privilege, with the original's EPERM line and
/// the CAP_NET_ADMIN hint, and changes nothing.
fn not_permitted(command: Command, head: &str) {
    let mut kernel = lab().unprivileged();
    let err = refused_unchanged(&mut kernel, command, &format!("{head}: Operation not permitted"));
    assert_eq!(err.hint(), Some(HINT), "{head}");
}

fn succeeds(kernel: &mut FakeKernel, command: Command) -> Outcome {
    let label = format!("{command:?}");
    let outcome = run(kernel, command);
    if let Err(err) = &outcome.result {
        panic!("{label} failed: {}", String::from_utf8_lossy(&err.message()));
    }
    outcome
}

fn addbr(bridge: &str) -> Command {
    Command::AddBridge(name(bridge))
}

fn delbr(bridge: &str) -> Command {
    Command::DeleteBridge(name(bridge))
}

fn addif(bridge: &str, devices: &[&str]) -> Command {
    Command::AddInterfaces { bridge: name(bridge), devices: names(devices) }
}

fn delif(bridge: &str, devices: &[&str]) -> Command {
    Command::DeleteInterfaces { bridge: name(bridge), devices: names(devices) }
}

fn set(bridge: &str, setting: BridgeSetting, value: u32) -> Command {
    Command::SetBridge { bridge: name(bridge), setting, value }
}

fn setpathcost(bridge: &str, port: &str, cost: u32) -> Command {
    Command::SetPort { bridge: name(bridge), port: name(port), setting: PortSetting::PathCost, value: cost }
}

fn setportprio(bridge: &str, port: &str, priority: u32) -> Command {
    Command::SetPort { bridge: name(bridge), port: name(port), setting: PortSetting::Priority, value: priority }
}

fn hairpin(bridge: &str, port: &str, on: bool) -> Command {
    Command::Hairpin {
        bridge: name(bridge),
        port: name(port),
        on: OnOff::parse(OsStr::new(if on { "on" } else { "off" })).unwrap(),
    }
}

fn show(bridges: &[&str]) -> Command {
    Command::Show(names(bridges))
}

const JSON: OutputStyle = OutputStyle { json: true, pretty: false, details: false };
const DETAILS: OutputStyle = OutputStyle { json: false, pretty: false, details: true };

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const KNOBS: [(BridgeSetting, &str, u32); 6] = [
    (BridgeSetting::AgeingTime, "set ageing time failed", 1000),
    (BridgeSetting::ForwardDelay, "set forward delay failed", 400),
    (BridgeSetting::HelloTime, "set hello timer failed", 100),
    (BridgeSetting::MaxAge, "set max age failed", 1000),
    (BridgeSetting::Priority, "set bridge priority failed", 4096),
    (BridgeSetting::Stp, "set stp status failed", 1),
];

mod bridge;
mod port;
mod read;
