//! A backend over plain data, for unit tests of the commands: it counts
//! the calls, so tests can show how many kernel round trips a command takes;
//! it records every change a command asked for, with its arguments, so tests
//! can show that refused input changed nothing; and any call can be made to
//! fail with an errno, always or at its n-th call, as the kernel might.

use std::collections::BTreeMap;

use crate::backend::{Backend, BridgeSetting, Errno, PortSetting};
use crate::model::{FdbEntry, Link, LinkVlans, Mdb, PortInfo, VlanChange};
use crate::values::{IfName, Mac, VlanId};

/// One change a command asked the kernel for, with its arguments, recorded
/// whether or not it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    AddBridge(Vec<u8>),
    DeleteLink(u32),
    SetMaster { port: u32, master: u32 },
    SetBridge { bridge: u32, setting: BridgeSetting, value: u32 },
    SetPort { port: u32, setting: PortSetting, value: u32 },
    AddVlans { index: u32, change: VlanChange },
    DeleteVlans { index: u32, change: VlanChange },
    AddMac { port: u32, mac: Mac, vlan: Option<VlanId> },
    DeleteMac { port: u32, mac: Mac, vlan: Option<VlanId> },
    FlushMacs { bridge: u32, port: Option<u32> },
    SetAddress { index: u32, mac: Mac },
}

#[derive(Default)]
pub struct FakeKernel {
    pub links: Vec<Link>,
    pub fdb: Vec<FdbEntry>,
    /// What `vlans` answers, for any bridge.
    pub vlans: Vec<LinkVlans>,
    /// What `mdb` answers, for any bridge.
    pub mdb: Mdb,
    pub calls: BTreeMap<&'static str, usize>,
    /// Every change asked for, in order.
    pub changes: Vec<Change>,
    /// Calls that fail every time, by call name ("link", "set_master", ...).
    pub failing: BTreeMap<&'static str, Errno>,
    /// Calls that fail once: by call name and the number of the call (1 for the first).
    pub failing_at: BTreeMap<(&'static str, usize), Errno>,
    /// What `may_change` answers; changes then fail with it too, as the
    /// kernel refuses a caller without CAP_NET_ADMIN.
    pub denied: Option<Errno>,
    /// What `address` answers, by link name (none: no such link).
    pub addresses: BTreeMap<Vec<u8>, Mac>,
}

impl FakeKernel {
    /// A bridge `br0` with `ports` ports named p0, p1, ...
    pub fn bridge_with_ports(ports: u16) -> FakeKernel {
        let mut links = vec![Link { index: 1, name: b"br0".to_vec(), bridge: Some(Box::default()), ..Link::default() }];
        for n in 0..ports {
            links.push(Link {
                index: 2 + u32::from(n),
                name: format!("p{n}").into_bytes(),
                master: Some(1),
                port: Some(Box::new(PortInfo { port_no: n + 1, ..PortInfo::default() })),
                ..Link::default()
            });
        }
        FakeKernel { links, ..FakeKernel::default() }
    }

    /// The same kernel seen by a caller without CAP_NET_ADMIN: `may_change`
    /// and every change fail with EPERM.
    pub fn unprivileged(mut self) -> FakeKernel {
        self.denied = Some(Errno::EPERM);
        self
    }

    /// Every call named `call` fails with `errno`.
    pub fn failing(mut self, call: &'static str, errno: Errno) -> FakeKernel {
        self.failing.insert(call, errno);
        self
    }

    /// The `nth` call named `call` (1 for the first) fails with `errno`.
    pub fn failing_at(mut self, call: &'static str, nth: usize, errno: Errno) -> FakeKernel {
        self.failing_at.insert((call, nth), errno);
        self
    }

    /// Counts the call and answers with its injected failure, if any.
    fn count(&mut self, call: &'static str) -> Result<(), Errno> {
        let n = self.calls.entry(call).or_default();
        *n += 1;
        let nth = *n;
        match self.failing_at.get(&(call, nth)).or_else(|| self.failing.get(call)) {
            Some(errno) => Err(*errno),
            None => Ok(()),
        }
    }

    /// Records a change, then answers as the kernel would: a refused caller
    /// first, then any injected failure.
    fn change(&mut self, call: &'static str, change: Change) -> Result<(), Errno> {
        self.changes.push(change);
        self.count(call)?;
        match self.denied {
            Some(errno) => Err(errno),
            None => Ok(()),
        }
    }

    pub fn total_calls(&self) -> usize {
        self.calls.values().sum()
    }

    /// How many times `call` was made.
    pub fn calls_of(&self, call: &str) -> usize {
        self.calls.get(call).copied().unwrap_or(0)
    }
}

impl Backend for FakeKernel {
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno> {
        self.count("link")?;
        Ok(self.links.iter().find(|l| l.name == name.as_bytes()).cloned())
    }

    fn bridges(&mut self) -> Result<Vec<Link>, Errno> {
        self.count("bridges")?;
        Ok(self.links.iter().filter(|l| l.is_bridge()).cloned().collect())
    }

    fn bridge_ports(&mut self) -> Result<Vec<Link>, Errno> {
        self.count("bridge_ports")?;
        Ok(self.links.iter().filter(|l| l.port.is_some()).cloned().collect())
    }

    fn ports(&mut self, bridge: &Link) -> Result<Vec<Link>, Errno> {
        self.count("ports")?;
        Ok(self.links.iter().filter(|l| l.is_port_of(bridge.index)).cloned().collect())
    }

    fn add_bridge(&mut self, name: &IfName) -> Result<(), Errno> {
        self.change("add_bridge", Change::AddBridge(name.as_bytes().to_vec()))
    }

    fn delete_link(&mut self, index: u32) -> Result<(), Errno> {
        self.change("delete_link", Change::DeleteLink(index))?;
        self.links.retain(|l| l.index != index);
        Ok(())
    }

    /// Enslaves or releases the link, so that a later lookup sees it.
    fn set_master(&mut self, port: u32, master: u32) -> Result<(), Errno> {
        self.change("set_master", Change::SetMaster { port, master })?;
        if let Some(link) = self.links.iter_mut().find(|l| l.index == port) {
            link.master = (master != 0).then_some(master);
            link.port = (master != 0).then(Box::default);
        }
        Ok(())
    }

    fn set_bridge(&mut self, bridge: u32, setting: BridgeSetting, value: u32) -> Result<(), Errno> {
        self.change("set_bridge", Change::SetBridge { bridge, setting, value })
    }

    fn set_port(&mut self, port: u32, setting: PortSetting, value: u32) -> Result<(), Errno> {
        self.change("set_port", Change::SetPort { port, setting, value })
    }

    fn may_change(&mut self) -> Result<(), Errno> {
        self.count("may_change")?;
        match self.denied {
            Some(errno) => Err(errno),
            None => Ok(()),
        }
    }

    fn fdb(&mut self, _bridge: &Link) -> Result<Vec<FdbEntry>, Errno> {
        self.count("fdb")?;
        Ok(self.fdb.clone())
    }

    fn vlans(&mut self, _bridge: &Link) -> Result<Vec<LinkVlans>, Errno> {
        self.count("vlans")?;
        Ok(self.vlans.clone())
    }

    fn add_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno> {
        self.change("add_vlans", Change::AddVlans { index, change })
    }

    fn delete_vlans(&mut self, index: u32, change: VlanChange) -> Result<(), Errno> {
        self.change("delete_vlans", Change::DeleteVlans { index, change })
    }

    fn mdb(&mut self, _bridge: &Link) -> Result<Mdb, Errno> {
        self.count("mdb")?;
        Ok(self.mdb.clone())
    }

    fn add_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno> {
        self.change("add_mac", Change::AddMac { port, mac, vlan })
    }

    fn delete_mac(&mut self, port: u32, mac: Mac, vlan: Option<VlanId>) -> Result<(), Errno> {
        self.change("delete_mac", Change::DeleteMac { port, mac, vlan })
    }

    fn flush_macs(&mut self, bridge: u32, port: Option<u32>) -> Result<(), Errno> {
        self.change("flush_macs", Change::FlushMacs { bridge, port })
    }

    fn set_address(&mut self, index: u32, mac: Mac) -> Result<(), Errno> {
        self.change("set_address", Change::SetAddress { index, mac })
    }

    fn address(&mut self, name: &IfName) -> Result<Option<Mac>, Errno> {
        self.count("address")?;
        Ok(self.addresses.get(name.as_bytes()).copied())
    }

    fn fdb_vlans(&mut self, _bridge: &Link) -> Result<Vec<FdbEntry>, Errno> {
        self.count("fdb_vlans")?;
        Ok(self.fdb.clone())
    }
}
