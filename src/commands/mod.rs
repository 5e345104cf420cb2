//! The commands: argv turned into a typed `Command` (nothing touches the
//! kernel until every argument is valid), then run against a backend.
//! One module per object users see: bridge, port, show, stp, fdb.

mod bridge;
#[cfg(test)]
mod fake;
mod fdb;
mod port;
mod show;
mod stp;

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use crate::backend::{Backend, BridgeSetting};
use crate::cli::CommandSpec;
use crate::error::{BridgeKnob, Errno, Error, PortKnob};
use crate::values::{BridgePriority, Centisecs, IfName, OnOff, PathCost, PortPriority};

/// How read commands print: the original's text unless asked otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputStyle {
    pub json: bool,
    pub pretty: bool,
    /// showmacs: add interface, VLAN and flags as a table for people.
    pub details: bool,
}

/// A command with every argument validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddBridge(IfName),
    DeleteBridge(IfName),
    AddInterfaces {
        bridge: IfName,
        devices: Vec<IfName>,
    },
    DeleteInterfaces {
        bridge: IfName,
        devices: Vec<IfName>,
    },
    Hairpin {
        bridge: IfName,
        port: IfName,
        on: OnOff,
    },
    SetBridge {
        bridge: IfName,
        knob: BridgeKnob,
        setting: BridgeSetting,
    },
    SetPathCost {
        bridge: IfName,
        port: IfName,
        cost: PathCost,
    },
    SetPortPriority {
        bridge: IfName,
        port: IfName,
        priority: PortPriority,
    },
    Show(Vec<IfName>),
    ShowMacs(IfName),
    ShowStp(IfName),
    /// Obsolete since 2004; accepted so old scripts keep working (D7).
    SetGcInterval,
}

/// A refusal we reproduce by checking first (the kernel would not refuse
/// over netlink, or would say it differently). The original's kernel call
/// failed with EPERM before any such check for a caller without
/// CAP_NET_ADMIN, so that caller gets EPERM here too.
fn unless_not_permitted(backend: &mut dyn Backend, refusal: Error, failed: impl FnOnce(Errno) -> Error) -> Error {
    match backend.may_change() {
        Err(Errno::EPERM) => failed(Errno::EPERM),
        _ => refusal,
    }
}

fn name(arg: &OsString) -> Result<IfName, Error> {
    IfName::parse(arg).map_err(|problem| Error::BadName { name: arg.as_bytes().to_vec(), problem })
}

fn names(args: &[OsString]) -> Result<Vec<IfName>, Error> {
    args.iter().map(name).collect()
}

fn time(knob: BridgeKnob, arg: &OsString) -> Result<u32, Error> {
    Centisecs::parse(arg).map(|c| c.0).map_err(|problem| Error::BadTime { knob, arg: arg.as_bytes().to_vec(), problem })
}

fn on_off(arg: &OsString) -> Result<OnOff, Error> {
    OnOff::parse(arg).ok_or_else(|| Error::BadOnOff { arg: arg.as_bytes().to_vec() })
}

impl Command {
    /// Validates the arguments of `spec` (at least `spec.min_args` of them;
    /// extra ones are ignored where the original ignores them).
    pub fn parse(spec: &CommandSpec, args: &[OsString]) -> Result<Command, Error> {
        // Every index below is under the command's minimum argument count.
        if args.len() < spec.min_args {
            return Err(Error::ArgumentCount { usage: spec.usage() });
        }
        let arg = |i: usize| &args[i];
        let bridge_time = |knob, make: fn(u32) -> BridgeSetting| -> Result<Command, Error> {
            let bridge = name(arg(0))?;
            let setting = make(time(knob, arg(1))?);
            Ok(Command::SetBridge { bridge, knob, setting })
        };
        Ok(match spec.name {
            "addbr" => Command::AddBridge(name(arg(0))?),
            "delbr" => Command::DeleteBridge(name(arg(0))?),
            "addif" => Command::AddInterfaces { bridge: name(arg(0))?, devices: names(&args[1..])? },
            "delif" => Command::DeleteInterfaces { bridge: name(arg(0))?, devices: names(&args[1..])? },
            "hairpin" => {
                // The original checks the word before anything else.
                let on = on_off(arg(2))?;
                Command::Hairpin { bridge: name(arg(0))?, port: name(arg(1))?, on }
            }
            "setageing" => bridge_time(BridgeKnob::AgeingTime, BridgeSetting::AgeingTime)?,
            "setfd" => bridge_time(BridgeKnob::ForwardDelay, BridgeSetting::ForwardDelay)?,
            "sethello" => bridge_time(BridgeKnob::HelloTime, BridgeSetting::HelloTime)?,
            "setmaxage" => bridge_time(BridgeKnob::MaxAge, BridgeSetting::MaxAge)?,
            "setbridgeprio" => {
                let bridge = name(arg(0))?;
                let priority = BridgePriority::parse(arg(1))
                    .map_err(|problem| Error::BadBridgePriority { arg: arg(1).as_bytes().to_vec(), problem })?;
                Command::SetBridge { bridge, knob: BridgeKnob::Priority, setting: BridgeSetting::Priority(priority.0) }
            }
            "stp" => {
                let bridge = name(arg(0))?;
                let on = on_off(arg(1))?;
                Command::SetBridge { bridge, knob: BridgeKnob::Stp, setting: BridgeSetting::StpState(on.0) }
            }
            "setpathcost" => {
                let (bridge, port) = (name(arg(0))?, name(arg(1))?);
                let cost = PathCost::parse(arg(2)).map_err(|problem| Error::BadPortValue {
                    knob: PortKnob::PathCost,
                    arg: arg(2).as_bytes().to_vec(),
                    problem,
                })?;
                Command::SetPathCost { bridge, port, cost }
            }
            "setportprio" => {
                let (bridge, port) = (name(arg(0))?, name(arg(1))?);
                let priority = PortPriority::parse(arg(2)).map_err(|problem| Error::BadPortValue {
                    knob: PortKnob::Priority,
                    arg: arg(2).as_bytes().to_vec(),
                    problem,
                })?;
                Command::SetPortPriority { bridge, port, priority }
            }
            "show" => Command::Show(names(args)?),
            "showmacs" => Command::ShowMacs(name(arg(0))?),
            "showstp" => Command::ShowStp(name(arg(0))?),
            _ => Command::SetGcInterval,
        })
    }

    /// Whether the command changes anything in the kernel.
    pub fn writes(&self) -> bool {
        !matches!(self, Command::Show(_) | Command::ShowMacs(_) | Command::ShowStp(_) | Command::SetGcInterval)
    }

    /// Runs the command. Output goes to `out`; messages of a command that
    /// goes on after a failure (show) go to `err` as they happen.
    pub fn execute(
        self,
        backend: &mut dyn Backend,
        style: &OutputStyle,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        match self {
            Command::AddBridge(bridge) => bridge::add(backend, &bridge),
            Command::DeleteBridge(bridge) => bridge::delete(backend, &bridge),
            Command::SetBridge { bridge, knob, setting } => bridge::set(backend, &bridge, knob, setting),
            Command::AddInterfaces { bridge, devices } => port::add_all(backend, &bridge, &devices),
            Command::DeleteInterfaces { bridge, devices } => port::delete_all(backend, &bridge, &devices),
            Command::Hairpin { bridge, port, on } => port::hairpin(backend, &bridge, &port, on.0),
            Command::SetPathCost { bridge, port, cost } => port::set_path_cost(backend, &bridge, &port, cost),
            Command::SetPortPriority { bridge, port, priority } => {
                port::set_priority(backend, &bridge, &port, priority)
            }
            Command::Show(bridges) => show::show(backend, &bridges, style, out, err),
            Command::ShowMacs(bridge) => fdb::showmacs(backend, &bridge, style, out),
            Command::ShowStp(bridge) => stp::showstp(backend, &bridge, style, out),
            Command::SetGcInterval => {
                err.write_all(b"setgcint is obsolete and does nothing: the kernel collects garbage by itself\n")?;
                Ok(())
            }
        }
    }
}
