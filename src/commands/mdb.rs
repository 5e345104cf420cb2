//! showmdb: a bridge's multicast groups and router ports.

use std::collections::HashMap;
use std::io::Write;

use crate::backend::Backend;
use crate::error::Error;
use crate::format::json;
use crate::format::mdb::{self as render, MdbRow, MdbView};
use crate::model::{BridgeView, Mdb};
use crate::values::IfName;

use super::show::view_of;
use super::OutputStyle;

/// The bridge is looked up as showstp looks it up (`bridge X does not
/// exist!`, `device X is not a bridge!`), then its database is read.
pub fn show(backend: &mut dyn Backend, bridge: &IfName, style: &OutputStyle, out: &mut dyn Write) -> Result<(), Error> {
    let view = view_of(backend, bridge)?;
    let mdb = backend.mdb(&view.link).map_err(|errno| Error::ReadMdb { name: view.link.name.clone(), errno })?;
    let shown = named(&view, mdb);
    if style.json {
        json::write(out, &render::json(&shown), style.pretty)?;
    } else {
        render::write_text(out, &shown)?;
    }
    Ok(())
}

/// The database with ports by name: the bridge's ports, the bridge itself
/// (groups the host joined), and `if<index>` for an index that is neither,
/// as iproute2 names one. Groups by port name, then group, then VLAN;
/// router ports by name.
fn named(view: &BridgeView, mdb: Mdb) -> MdbView {
    let names: HashMap<u32, &[u8]> =
        std::iter::once(&view.link).chain(&view.ports).map(|link| (link.index, link.name.as_slice())).collect();
    let name = |index: u32| names.get(&index).map_or_else(|| format!("if{index}").into_bytes(), |name| name.to_vec());
    let mut groups: Vec<MdbRow> = mdb
        .entries
        .iter()
        .map(|entry| MdbRow {
            port: name(entry.port),
            group: entry.group,
            vlan: entry.vlan,
            permanent: entry.permanent,
            timer: entry.timer,
        })
        .collect();
    groups.sort_by(|a, b| (&a.port, a.group, a.vlan).cmp(&(&b.port, b.group, b.vlan)));
    let mut router_ports: Vec<Vec<u8>> = mdb.router_ports.iter().map(|&index| name(index)).collect();
    router_ports.sort();
    router_ports.dedup();
    MdbView { bridge: view.link.name.clone(), groups, router_ports }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Errno;
    use crate::commands::fake::FakeKernel;
    use crate::model::{Link, MdbEntry, PortInfo};

    /// br0 (index 1) with ports p0 (2) and veth-long-name (3); br1 (4)
    /// without ports; v9 (5), no bridge.
    fn lab() -> FakeKernel {
        let mut kernel = FakeKernel::bridge_with_ports(1);
        kernel.links.push(Link {
            index: 3,
            name: b"veth-long-name".to_vec(),
            master: Some(1),
            port: Some(Box::new(PortInfo { port_no: 2, ..PortInfo::default() })),
            ..Link::default()
        });
        kernel.links.push(Link { index: 4, name: b"br1".to_vec(), bridge: Some(Box::default()), ..Link::default() });
        kernel.links.push(Link { index: 5, name: b"v9".to_vec(), ..Link::default() });
        kernel
    }

    fn entry(port: u32, group: &str, vlan: u16, timer: u64) -> MdbEntry {
        MdbEntry { port, group: group.parse().unwrap(), vlan, permanent: timer == 0, timer }
    }

    /// Groups in the kernel's order, which is not ours.
    fn groups() -> Mdb {
        Mdb {
            entries: vec![
                entry(3, "ff0e::1234:5678:9abc", 10, 12345),
                entry(2, "239.1.1.2", 0, 0),
                entry(99, "239.9.9.9", 0, 100),
                entry(2, "239.1.1.1", 0, 25952),
                entry(1, "239.1.1.1", 0, 26000),
                entry(2, "239.1.1.1", 5, 0),
            ],
            router_ports: vec![3, 2, 3],
        }
    }

    fn run(kernel: &mut FakeKernel, bridge: &str, style: OutputStyle) -> Result<String, Error> {
        let mut out = Vec::new();
        show(kernel, &IfName::from_bytes(bridge.as_bytes()).unwrap(), &style, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn message(result: Result<String, Error>) -> (String, Option<&'static str>) {
        let err = result.unwrap_err();
        (String::from_utf8(err.message()).unwrap(), err.hint())
    }

    #[test]
    fn groups_come_by_port_name_then_group_with_the_router_ports_after_them() {
        let mut kernel = FakeKernel { mdb: groups(), ..lab() };
        assert_eq!(
            run(&mut kernel, "br0", OutputStyle::default()).unwrap(),
            "port\t\tgroup\t\t\tvlan\tstate\t\ttimer\n\
             br0\t\t239.1.1.1\t\t0\ttemp\t\t 260.00\n\
             if99\t\t239.9.9.9\t\t0\ttemp\t\t   1.00\n\
             p0\t\t239.1.1.1\t\t0\ttemp\t\t 259.52\n\
             p0\t\t239.1.1.1\t\t5\tpermanent\t   0.00\n\
             p0\t\t239.1.1.2\t\t0\tpermanent\t   0.00\n\
             veth-long-name\t\tff0e::1234:5678:9abc\t\t10\ttemp\t\t 123.45\n\
             router ports: p0 veth-long-name\n"
        );
        // One lookup, one port dump, one database dump.
        assert_eq!((kernel.calls_of("link"), kernel.calls_of("ports"), kernel.calls_of("mdb")), (1, 1, 1));
        assert_eq!(kernel.total_calls(), 3);
        assert_eq!(kernel.changes, []);
    }

    #[test]
    fn an_empty_database_prints_the_header_alone() {
        let mut kernel = lab();
        assert_eq!(
            run(&mut kernel, "br1", OutputStyle::default()).unwrap(),
            "port\t\tgroup\t\t\tvlan\tstate\t\ttimer\n"
        );
        let json = OutputStyle { json: true, ..OutputStyle::default() };
        assert_eq!(run(&mut kernel, "br1", json).unwrap(), "{\"bridge\":\"br1\",\"groups\":[],\"router_ports\":[]}\n");
    }

    #[test]
    fn json_has_the_texts_values_in_its_order() {
        let mdb =
            Mdb { entries: vec![entry(2, "239.1.1.1", 0, 25952), entry(1, "ff02::fb", 1, 0)], router_ports: vec![2] };
        let mut kernel = FakeKernel { mdb, ..lab() };
        let json = OutputStyle { json: true, ..OutputStyle::default() };
        assert_eq!(
            run(&mut kernel, "br0", json).unwrap(),
            "{\"bridge\":\"br0\",\"groups\":[\
             {\"port\":\"br0\",\"group\":\"ff02::fb\",\"vlan\":1,\"state\":\"permanent\",\"timer\":0.00},\
             {\"port\":\"p0\",\"group\":\"239.1.1.1\",\"vlan\":0,\"state\":\"temp\",\"timer\":259.52}],\
             \"router_ports\":[\"p0\"]}\n"
        );
        let pretty = run(&mut kernel, "br0", OutputStyle { pretty: true, ..json }).unwrap();
        assert!(pretty.starts_with("{\n  \"bridge\": \"br0\",\n  \"groups\": [\n    {\n"), "{pretty}");
        assert!(pretty.ends_with("  \"router_ports\": [\n    \"p0\"\n  ]\n}\n"), "{pretty}");
    }

    #[test]
    fn a_missing_or_non_bridge_device_is_reported_as_showstp_reports_it() {
        let mut kernel = FakeKernel { mdb: groups(), ..lab() };
        assert_eq!(
            message(run(&mut kernel, "nosuch", OutputStyle::default())),
            ("bridge nosuch does not exist!".into(), None)
        );
        assert_eq!(
            message(run(&mut kernel, "v9", OutputStyle::default())),
            ("device v9 is not a bridge!".into(), None)
        );
        assert_eq!(kernel.calls_of("mdb"), 0);
        // A kernel that cannot be asked is not taken for a missing bridge.
        let mut unreadable = lab().failing("link", Errno(libc::EACCES));
        assert_eq!(
            message(run(&mut unreadable, "br0", OutputStyle::default())),
            ("can't read bridge br0: Permission denied".into(), None)
        );
    }

    #[test]
    fn a_database_that_cannot_be_read_is_said_so_with_a_hint_for_sysfs() {
        let mut sysfs = lab().failing("mdb", Errno::EOPNOTSUPP);
        let (line, hint) = message(run(&mut sysfs, "br0", OutputStyle::default()));
        assert_eq!(line, "can't read the multicast groups of bridge br0: Operation not supported");
        assert_eq!(hint, Some("hint: the multicast groups are read over netlink only, not with BRCTL_BACKEND=sysfs"));
        let mut busy = lab().failing("mdb", Errno(libc::ENOBUFS));
        assert_eq!(
            message(run(&mut busy, "br0", OutputStyle { json: true, ..OutputStyle::default() })),
            ("can't read the multicast groups of bridge br0: No buffer space available".into(), None)
        );
    }
}
