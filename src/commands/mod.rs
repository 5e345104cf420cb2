//! The commands: argv turned into a typed `Command` (nothing touches the
//! kernel until every argument is valid), then run against a backend.
//! One module per object users see: bridge, port, show, stp, fdb.

mod bridge;
#[cfg(test)]
mod fake;
mod fdb;
#[cfg(test)]
mod fdb_tests;
mod mdb;
mod monitor;
#[cfg(test)]
mod monitor_tests;
mod port;
mod show;
mod stp;
mod table;
#[cfg(test)]
mod tests;
mod vlan;
#[cfg(test)]
mod vlan_tests;

use std::io::Write;

pub use table::{find, listed, resolve, CommandSpec, Listing, COMMANDS};

use crate::backend::{Backend, BridgeSetting, Errno, PortSetting};
use crate::error::Error;
use crate::values::{HwAddress, IfName, Mac, OnOff, VlanId, VlanIds};

/// How read commands print: the original's text unless asked otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputStyle {
    pub json: bool,
    pub pretty: bool,
    /// showmacs: add interface, VLAN and flags as a table for people;
    /// showstp: add the multicast, VLAN and port flag lines.
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
    /// A bridge-wide setting; times in centiseconds, stp as 0 or 1.
    SetBridge {
        bridge: IfName,
        setting: BridgeSetting,
        value: u32,
    },

    /// setpathcost and setportprio.
    SetPort {
        bridge: IfName,
        port: IfName,
        setting: PortSetting,
        value: u32,
    },
    /// addvlan: VLANs onto a port or the bridge itself.
    AddVlans {
        bridge: IfName,
        port: IfName,
        vids: VlanIds,
        pvid: bool,
        untagged: bool,
    },
    DeleteVlans {
        bridge: IfName,
        port: IfName,
        vids: VlanIds,
    },
    ShowVlans(Vec<IfName>),
    /// A port flag (learning, flood, ...), checked as hairpin is.
    SetPortFlag {
        bridge: IfName,
        port: IfName,
        setting: PortSetting,
        on: bool,
    },
    ShowMdb(IfName),
    /// Events of these bridges (all when empty) until interrupted.
    Monitor(Vec<IfName>),
    Show(Vec<IfName>),
    ShowMacs(IfName),
    ShowStp(IfName),
    /// Obsolete since 2004; accepted so old scripts keep working (D7).
    SetGcInterval,
    // The forwarding database (docs/compat.md section 11).
    AddMac {
        bridge: IfName,
        port: IfName,
        mac: Mac,
        vlan: Option<VlanId>,
    },
    DeleteMac {
        bridge: IfName,
        port: IfName,
        mac: Mac,
        vlan: Option<VlanId>,
    },
    FlushMacs {
        bridge: IfName,
        port: Option<IfName>,
    },
    SetHwAddress {
        bridge: IfName,
        source: HwAddress,
    },
    /// showmacs with a VLAN filter.
    ShowMacsVlan {
        bridge: IfName,
        vlan: VlanId,
    },
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

impl Command {
    /// Whether the command changes anything in the kernel.
    pub fn writes(&self) -> bool {
        !matches!(
            self,
            Command::Show(_)
                | Command::ShowMacs(_)
                | Command::ShowStp(_)
                | Command::ShowVlans(_)
                | Command::ShowMdb(_)
                | Command::Monitor(_)
                | Command::SetGcInterval
                | Command::ShowMacsVlan { .. }
        )
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
            Command::SetBridge { bridge, setting, value } => {
                bridge::set(backend, &bridge, setting, value)?;
                if setting == BridgeSetting::HashElasticity {
                    // The kernel takes the value and only logs that it ignores it.
                    err.write_all(b"warning: kernels since Linux 5.0 ignore hash elasticity (it stays 16)\n")?;
                }
                Ok(())
            }
            Command::AddInterfaces { bridge, devices } => port::add_all(backend, &bridge, &devices),
            Command::DeleteInterfaces { bridge, devices } => port::delete_all(backend, &bridge, &devices),
            Command::Hairpin { bridge, port, on } => port::hairpin(backend, &bridge, &port, on.get()),
            Command::SetPort { bridge, port, setting, value } => port::set(backend, &bridge, &port, setting, value),
            Command::AddVlans { bridge, port, vids, pvid, untagged } => {
                vlan::add(backend, &bridge, &port, vids, pvid, untagged)
            }
            Command::DeleteVlans { bridge, port, vids } => vlan::delete(backend, &bridge, &port, vids),
            Command::ShowVlans(bridges) => vlan::show(backend, &bridges, style, out, err),
            Command::SetPortFlag { bridge, port, setting, on } => port::flag(backend, &bridge, &port, setting, on),
            Command::ShowMdb(bridge) => mdb::show(backend, &bridge, style, out),
            Command::Monitor(bridges) => monitor::watch(backend, &bridges, style, out),
            Command::Show(bridges) => show::show(backend, &bridges, style, out, err),
            Command::ShowMacs(bridge) => fdb::showmacs(backend, &bridge, None, style, out),
            Command::ShowStp(bridge) => stp::showstp(backend, &bridge, style, out),
            Command::SetGcInterval => {
                err.write_all(b"setgcint is obsolete and does nothing: the kernel collects garbage by itself\n")?;
                Ok(())
            }
            Command::AddMac { bridge, port, mac, vlan } => fdb::add(backend, &bridge, &port, mac, vlan),
            Command::DeleteMac { bridge, port, mac, vlan } => fdb::delete(backend, &bridge, &port, mac, vlan),
            Command::FlushMacs { bridge, port } => fdb::flush(backend, &bridge, port.as_ref()),
            Command::SetHwAddress { bridge, source } => fdb::set_address(backend, &bridge, &source),
            Command::ShowMacsVlan { bridge, vlan } => fdb::showmacs(backend, &bridge, Some(vlan), style, out),
        }
    }
}
