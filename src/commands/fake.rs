//! A backend over plain data, for unit tests of the commands: it counts
//! the calls, so tests can show how many kernel round trips a command takes.

use std::collections::BTreeMap;

use crate::backend::{Backend, BridgeSetting, PortSetting};
use crate::error::Errno;
use crate::model::{FdbEntry, Link, PortInfo};
use crate::values::IfName;

#[derive(Default)]
pub struct FakeKernel {
    pub links: Vec<Link>,
    pub fdb: Vec<FdbEntry>,
    pub calls: BTreeMap<&'static str, usize>,
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

    fn count(&mut self, call: &'static str) {
        *self.calls.entry(call).or_default() += 1;
    }

    pub fn total_calls(&self) -> usize {
        self.calls.values().sum()
    }
}

impl Backend for FakeKernel {
    fn link(&mut self, name: &IfName) -> Result<Option<Link>, Errno> {
        self.count("link");
        Ok(self.links.iter().find(|l| l.name == name.as_bytes()).cloned())
    }

    fn bridges(&mut self) -> Result<Vec<Link>, Errno> {
        self.count("bridges");
        Ok(self.links.iter().filter(|l| l.is_bridge()).cloned().collect())
    }

    fn bridge_ports(&mut self) -> Result<Vec<Link>, Errno> {
        self.count("bridge_ports");
        Ok(self.links.iter().filter(|l| l.port.is_some()).cloned().collect())
    }

    fn ports(&mut self, bridge: &Link) -> Result<Vec<Link>, Errno> {
        self.count("ports");
        Ok(self.links.iter().filter(|l| l.is_port_of(bridge.index)).cloned().collect())
    }

    fn add_bridge(&mut self, _name: &IfName) -> Result<(), Errno> {
        self.count("add_bridge");
        Ok(())
    }

    fn delete_link(&mut self, _index: u32) -> Result<(), Errno> {
        self.count("delete_link");
        Ok(())
    }

    fn set_master(&mut self, _port: u32, _master: u32) -> Result<(), Errno> {
        self.count("set_master");
        Ok(())
    }

    fn set_bridge(&mut self, _bridge: u32, _setting: BridgeSetting) -> Result<(), Errno> {
        self.count("set_bridge");
        Ok(())
    }

    fn set_port(&mut self, _port: u32, _setting: PortSetting) -> Result<(), Errno> {
        self.count("set_port");
        Ok(())
    }

    fn may_change(&mut self) -> Result<(), Errno> {
        self.count("may_change");
        Ok(())
    }

    fn fdb(&mut self, _bridge: &Link) -> Result<Vec<FdbEntry>, Errno> {
        self.count("fdb");
        Ok(self.fdb.clone())
    }
}
