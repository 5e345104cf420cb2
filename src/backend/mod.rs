//! The only code that touches the kernel. Commands talk to a `Backend`;
//! `netlink` implements it over rtnetlink, `sysfs` reads /sys/class/net.

pub mod netlink;

use crate::error::{Errno, Error};
use crate::model::{FdbEntry, Link};
use crate::values::IfName;

/// A bridge-wide setting to change (IFLA_BR_*). Times are centiseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeSetting {
    AgeingTime(u32),
    ForwardDelay(u32),
    HelloTime(u32),
    MaxAge(u32),
    Priority(u16),
    StpState(bool),
}

/// A per-port setting to change (IFLA_BRPORT_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortSetting {
    Cost(u32),
    Priority(u16),
    Hairpin(bool),
}

/// Everything brctl needs from the kernel. Errors are the kernel's errno.
pub trait Backend {
    /// The link called `name`, or `None` when there is no such device.
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno>;
    /// Every link in the network namespace, in the kernel's order.
    fn links(&mut self) -> Result<Vec<Link>, Errno>;
    /// The links enslaved to the bridge with ifindex `bridge` (its ports), any order.
    fn ports(&mut self, bridge: u32) -> Result<Vec<Link>, Errno>;
    /// Creates a bridge; fails with EEXIST when the name is taken.
    fn add_bridge(&mut self, name: &IfName) -> Result<(), Errno>;
    /// Deletes the link with this ifindex (callers check it is a down bridge first).
    fn delete_link(&mut self, index: u32) -> Result<(), Errno>;
    /// Enslaves link `port` to `master`, or releases it when `master` is 0.
    fn set_master(&mut self, port: u32, master: u32) -> Result<(), Errno>;
    /// Changes one setting of the bridge with ifindex `bridge`.
    fn set_bridge(&mut self, bridge: u32, setting: BridgeSetting) -> Result<(), Errno>;
    /// Changes one setting of the bridge port with ifindex `port`.
    fn set_port(&mut self, port: u32, setting: PortSetting) -> Result<(), Errno>;
    /// The forwarding database of bridge `bridge` (entries whose master is it).
    fn fdb(&mut self, bridge: u32) -> Result<Vec<FdbEntry>, Errno>;
}

/// Which way to the kernel `BRCTL_BACKEND` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    /// Netlink, falling back to sysfs per read where netlink lacks the data.
    Auto,
    Netlink,
    Sysfs,
}

impl BackendChoice {
    pub fn from_env() -> Result<BackendChoice, Error> {
        match std::env::var_os("BRCTL_BACKEND") {
            None => Ok(BackendChoice::Auto),
            Some(value) => match value.as_encoded_bytes() {
                b"" | b"auto" => Ok(BackendChoice::Auto),
                b"netlink" => Ok(BackendChoice::Netlink),
                b"sysfs" => Ok(BackendChoice::Sysfs),
                other => Err(Error::BadBackend { value: other.to_vec() }),
            },
        }
    }
}

/// The backend for this run, as `BRCTL_BACKEND` chooses.
pub fn open() -> Result<Box<dyn Backend>, Error> {
    let _choice = BackendChoice::from_env()?;
    let backend = netlink::NetlinkBackend::new().map_err(Error::Setup)?;
    Ok(Box::new(backend))
}
