//! The read half of the backend over sysfs (/sys/class/net), which is
//! where the original brctl reads everything it shows. Read-only: changes
//! go through netlink.
//!
//! Attribute files hold text as the kernel prints it (`%d`, `%ld`, `%lu`,
//! `%#x`, or a bridge id like `8000.020000000001`); `brforward` holds
//! binary `struct __fdb_entry` records.

use std::cell::RefCell;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::backend::Errno;
use crate::model::{
    BridgeId, BridgeInfo, BridgeMcastInfo, BridgeVlanInfo, FdbEntry, FdbFlags, Link, PortFlags, PortInfo, PortMcastInfo,
};
use crate::values::{IfName, Mac};

const IFF_UP: i64 = 0x1;
const IFF_LOOPBACK: i64 = 0x8;

/// Size of one `struct __fdb_entry` in `brforward`.
const FDB_RECORD: usize = 16;

/// Bytes asked for per read of `brforward`. The kernel hands out whole
/// records only (count / 16 of them) and reports end of file with 0, so a
/// read must never ask for less than one record; a fixed large multiple of
/// the record size guarantees that (`read_to_end` would not).
const FDB_READ_SIZE: usize = 4096 * FDB_RECORD;

/// The most an attribute file is read: the kernel prints one into a page.
const ATTR_LIMIT: u64 = 4096;

/// Reads links, bridges, ports and forwarding databases from a sysfs
/// `class/net` directory.
#[derive(Debug, Clone)]
pub struct SysfsReader {
    root: PathBuf,
    /// Entries a listing passed over, each as `skipped <path>: <why>`.
    skipped: RefCell<Vec<String>>,
}

impl Default for SysfsReader {
    fn default() -> SysfsReader {
        SysfsReader::new()
    }
}

impl SysfsReader {
    /// Reads the running kernel's /sys/class/net.
    pub fn new() -> SysfsReader {
        SysfsReader::with_root(PathBuf::from("/sys/class/net"))
    }

    /// Reads a tree laid out like /sys/class/net under `root` (tests use a fake one).
    pub fn with_root(root: PathBuf) -> SysfsReader {
        SysfsReader { root, skipped: RefCell::default() }
    }

    /// The link called `name`, or `None` when there is no such device.
    pub fn link(&self, name: &IfName) -> Result<Option<Link>, Errno> {
        let link = self.read_link(OsStr::from_bytes(name.as_bytes()))?;
        // No such device, or no sysfs at all? Only the first is an answer.
        if link.is_none() && !self.root.is_dir() {
            return Err(Errno::ENOENT);
        }
        Ok(link)
    }

    /// Every link, ordered by ifindex (the order netlink dumps them in).
    /// An entry that cannot be read is passed over (see `take_skipped`).
    pub fn links(&self) -> Result<Vec<Link>, Errno> {
        let mut links = Vec::new();
        for name in self.names()? {
            // A device deleted since the listing is simply not there any more.
            links.extend(self.listed_link(&self.root, &name));
        }
        links.sort_by_key(|link| link.index);
        Ok(links)
    }

    /// What listings passed over since the last call, one line each.
    pub fn take_skipped(&self) -> Vec<String> {
        self.skipped.take()
    }

    /// A link found by listing `dir`; one that cannot be read is noted and skipped.
    fn listed_link(&self, dir: &Path, name: &OsStr) -> Option<Link> {
        self.read_link(name).unwrap_or_else(|errno| {
            let path = dir.join(name);
            self.skipped.borrow_mut().push(format!("skipped {}: {errno}", path.display()));
            None
        })
    }

    /// The ports of the bridge called `bridge`: the links named in its
    /// `brif/` directory, in directory order. ENODEV when there is no such
    /// device, EOPNOTSUPP when it is not a bridge.
    pub fn ports(&self, bridge: &IfName) -> Result<Vec<Link>, Errno> {
        self.read_ports(OsStr::from_bytes(bridge.as_bytes()))
    }

    /// The names in the `brif/` directory of the bridge called `bridge`,
    /// read without touching the ports themselves: a `readdir` that costs
    /// the bridge's ports, not the host's interfaces. ESTALE when the
    /// device of that name no longer has ifindex `index` (renamed, or
    /// deleted and the name taken again, since the caller looked it up).
    pub fn port_names(&self, bridge: &IfName, index: u32) -> Result<Vec<IfName>, Errno> {
        let names = self.brif_names(bridge)?;
        // Read after the listing: a bridge renamed in between shows here.
        if self.has_index(bridge, index) {
            Ok(names)
        } else {
            Err(Errno(libc::ESTALE))
        }
    }

    /// What `show` needs of the bridge called `name`, read as the original
    /// reads it: its ifindex, bridge id and STP state, and the names in its
    /// `brif/` directory; None when there is no such bridge here. ESTALE
    /// when the device changed while it was read (its ifindex before and
    /// after differ).
    pub fn bridge_summary(&self, name: &IfName) -> Result<Option<(Link, Vec<IfName>)>, Errno> {
        let dir = self.root.join(OsStr::from_bytes(name.as_bytes()));
        let Some(index) = read_int(&dir.join("ifindex")) else { return Ok(None) };
        let names = match self.brif_names(name) {
            Ok(names) => names,
            Err(Errno::ENOENT) => return Ok(None),
            Err(errno) => return Err(errno),
        };
        let bridge_dir = dir.join("bridge");
        let info = BridgeInfo {
            bridge_id: read_attr(&bridge_dir.join("bridge_id"))
                .ok()
                .and_then(|text| parse_bridge_id(&text))
                .ok_or(Errno(libc::EIO))?,
            stp_state: read_int(&bridge_dir.join("stp_state")).ok_or(Errno(libc::EIO))? as u32,
            ..BridgeInfo::default()
        };
        if read_int(&dir.join("ifindex")) != Some(index) {
            return Err(Errno(libc::ESTALE));
        }
        let link = Link {
            index: index as u32,
            name: name.as_bytes().to_vec(),
            bridge: Some(Box::new(info)),
            ..Link::default()
        };
        Ok(Some((link, names)))
    }

    /// Whether the device called `port` is a port of the bridge called
    /// `bridge`: its `brport/bridge` link names that bridge.
    pub fn is_port_of(&self, port: &IfName, bridge: &IfName) -> bool {
        let link = self.root.join(OsStr::from_bytes(port.as_bytes())).join("brport/bridge");
        fs::read_link(link).is_ok_and(|target| target.file_name() == Some(OsStr::from_bytes(bridge.as_bytes())))
    }

    /// The names in the `brif/` directory of the device called `bridge`.
    pub fn brif_names(&self, bridge: &IfName) -> Result<Vec<IfName>, Errno> {
        let dir = self.root.join(OsStr::from_bytes(bridge.as_bytes())).join("brif");
        let mut names = Vec::new();
        for entry in fs::read_dir(dir)? {
            let name = entry?.file_name();
            names.push(IfName::from_bytes(name.as_bytes()).map_err(|_| Errno::EINVAL)?);
        }
        Ok(names)
    }

    /// Whether the device called `name` has ifindex `index`.
    pub fn has_index(&self, name: &IfName, index: u32) -> bool {
        let dir = self.root.join(OsStr::from_bytes(name.as_bytes()));
        read_int(&dir.join("ifindex")) == Some(i64::from(index))
    }

    /// The forwarding database of the bridge called `bridge`, in the
    /// kernel's order. ENODEV when there is no such device, EOPNOTSUPP
    /// when it is not a bridge: the errnos the original reports.
    pub fn fdb(&self, bridge: &IfName) -> Result<Vec<FdbEntry>, Errno> {
        let dir = self.root.join(OsStr::from_bytes(bridge.as_bytes()));
        let mut file = match open_regular(&dir.join("brforward")) {
            Ok(file) => file,
            Err(err) if is_missing(&err) => return Err(not_a_bridge_or_gone(&dir)?),
            Err(err) => return Err(err.into()),
        };
        read_records(&mut file)
    }

    /// The hardware address of the link called `name` (its `address`
    /// file); None when there is no such link, EADDRNOTAVAIL when the
    /// address is not six octets (docs/compat.md section 11).
    pub fn address(&self, name: &IfName) -> Result<Option<Mac>, Errno> {
        let text = match read_attr(&self.root.join(OsStr::from_bytes(name.as_bytes())).join("address")) {
            Ok(text) => text,
            Err(err) if is_missing(&err) => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        let text = text.strip_suffix(b"\n").unwrap_or(&text);
        Mac::parse(OsStr::from_bytes(text)).map(Some).map_err(|_| Errno(libc::EADDRNOTAVAIL))
    }

    /// The names in the root directory, as raw bytes.
    fn names(&self) -> Result<Vec<OsString>, Errno> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.root)? {
            names.push(entry?.file_name());
        }
        Ok(names)
    }

    fn read_ports(&self, bridge: &OsStr) -> Result<Vec<Link>, Errno> {
        let dir = self.root.join(bridge);
        let entries = match fs::read_dir(dir.join("brif")) {
            Ok(entries) => entries,
            Err(err) if is_missing(&err) => return Err(not_a_bridge_or_gone(&dir)?),
            Err(err) => return Err(err.into()),
        };
        let mut ports = Vec::new();
        for entry in entries {
            // A port deleted since the listing is simply not there any more.
            ports.extend(self.listed_link(&dir.join("brif"), &entry?.file_name()));
        }
        Ok(ports)
    }

    fn read_link(&self, name: &OsStr) -> Result<Option<Link>, Errno> {
        let dir = self.root.join(name);
        if !is_device_dir(&dir)? {
            return Ok(None);
        }
        // Without its ifindex a link is useless to callers, so that one
        // attribute is required (unlike the rest, which default to 0).
        let index = match read_attr(&dir.join("ifindex")) {
            Ok(text) => parse_int(&text).map(|index| index as u32),
            Err(err) => {
                if !is_device_dir(&dir)? {
                    return Ok(None);
                }
                return Err(err.into());
            }
        };
        let Some(index) = index else {
            return Err(Errno(libc::EIO));
        };
        let flags = int_attr(&dir, "flags");
        let bridge_dir = dir.join("bridge");
        let port_dir = dir.join("brport");
        let link = Link {
            index,
            name: name.as_bytes().to_vec(),
            // `master` is a symlink to the master's device directory.
            master: read_int(&dir.join("master").join("ifindex")).map(|index| index as u32),
            up: flags & IFF_UP != 0,
            loopback: flags & IFF_LOOPBACK != 0,
            bridge: bridge_dir.is_dir().then(|| Box::new(read_bridge(&bridge_dir))),
            port: port_dir.is_dir().then(|| Box::new(read_port(&port_dir))),
            details_missing: false,
        };
        // Missing attributes read as 0, so a device deleted while we read
        // would come back as a link of zeros; make sure it is still there.
        if !is_device_dir(&dir)? {
            return Ok(None);
        }
        Ok(Some(link))
    }
}

/// Parses a `bridge/` directory. Numbers are cast to the model's widths,
/// keeping the low bits: that is what the kernel's netlink attributes
/// carry for the same values (e.g. IFLA_BR_AGEING_TIME is the clock_t cut
/// to u32), and what the original's `%i` into an int ends up printing.
fn read_bridge(dir: &Path) -> BridgeInfo {
    BridgeInfo {
        bridge_id: id_attr(dir, "bridge_id"),
        designated_root: id_attr(dir, "root_id"),
        root_port: int_attr(dir, "root_port") as u16,
        root_path_cost: int_attr(dir, "root_path_cost") as u32,
        stp_state: int_attr(dir, "stp_state") as u32,
        max_age: int_attr(dir, "max_age") as u32,
        hello_time: int_attr(dir, "hello_time") as u32,
        forward_delay: int_attr(dir, "forward_delay") as u32,
        ageing_time: int_attr(dir, "ageing_time") as u32,
        hello_timer: int_attr(dir, "hello_timer") as u64,
        tcn_timer: int_attr(dir, "tcn_timer") as u64,
        topology_change_timer: int_attr(dir, "topology_change_timer") as u64,
        gc_timer: int_attr(dir, "gc_timer") as u64,
        topology_change: int_attr(dir, "topology_change") != 0,
        topology_change_detected: int_attr(dir, "topology_change_detected") != 0,
        priority: int_attr(dir, "priority") as u16,
        vlan: read_bridge_vlan(dir),
        mcast: read_bridge_mcast(dir),
    }
}

/// The multicast snooping settings of a `bridge/` directory, all printed
/// with `%d`, `%u` or `%lu` (the intervals in clock_t, centiseconds, as
/// netlink sends them). None when multicast_snooping is missing: a kernel
/// without CONFIG_BRIDGE_IGMP_SNOOPING, which has none of these files.
fn read_bridge_mcast(dir: &Path) -> Option<BridgeMcastInfo> {
    let snooping = read_int(&dir.join("multicast_snooping"))?;
    Some(BridgeMcastInfo {
        snooping: snooping != 0,
        router: int_attr(dir, "multicast_router") as u8,
        querier: int_attr(dir, "multicast_querier") != 0,
        query_use_ifaddr: int_attr(dir, "multicast_query_use_ifaddr") != 0,
        hash_elasticity: int_attr(dir, "hash_elasticity") as u32,
        hash_max: int_attr(dir, "hash_max") as u32,
        last_member_count: int_attr(dir, "multicast_last_member_count") as u32,
        startup_query_count: int_attr(dir, "multicast_startup_query_count") as u32,
        last_member_interval: int_attr(dir, "multicast_last_member_interval") as u64,
        membership_interval: int_attr(dir, "multicast_membership_interval") as u64,
        querier_interval: int_attr(dir, "multicast_querier_interval") as u64,
        query_interval: int_attr(dir, "multicast_query_interval") as u64,
        query_response_interval: int_attr(dir, "multicast_query_response_interval") as u64,
        startup_query_interval: int_attr(dir, "multicast_startup_query_interval") as u64,
    })
}

/// The VLAN settings of a `bridge/` directory: vlan_filtering (`%d`),
/// vlan_protocol (`%#06x`, e.g. `0x8100`) and default_pvid (`%d`). None
/// when vlan_filtering is missing: the kernel has no VLAN filtering
/// (CONFIG_BRIDGE_VLAN_FILTERING off), and then none of the three exist.
/// Sysfs has no per-port VLAN list; that comes from netlink only.
fn read_bridge_vlan(dir: &Path) -> Option<BridgeVlanInfo> {
    let filtering = read_int(&dir.join("vlan_filtering"))?;
    Some(BridgeVlanInfo {
        filtering: filtering != 0,
        protocol: int_attr(dir, "vlan_protocol") as u16,
        default_pvid: int_attr(dir, "default_pvid") as u16,
    })
}

/// Parses a `brport/` directory; widths as in `read_bridge`.
fn read_port(dir: &Path) -> PortInfo {
    PortInfo {
        port_no: int_attr(dir, "port_no") as u16,
        port_id: int_attr(dir, "port_id") as u16,
        state: int_attr(dir, "state") as u8,
        priority: int_attr(dir, "priority") as u16,
        path_cost: int_attr(dir, "path_cost") as u32,
        designated_root: id_attr(dir, "designated_root"),
        designated_bridge: id_attr(dir, "designated_bridge"),
        designated_port: int_attr(dir, "designated_port") as u16,
        designated_cost: int_attr(dir, "designated_cost") as u16,
        message_age_timer: int_attr(dir, "message_age_timer") as u64,
        forward_delay_timer: int_attr(dir, "forward_delay_timer") as u64,
        hold_timer: int_attr(dir, "hold_timer") as u64,
        config_pending: int_attr(dir, "config_pending") != 0,
        topology_change_ack: int_attr(dir, "change_ack") != 0,
        hairpin: int_attr(dir, "hairpin_mode") != 0,
        mcast: read_port_mcast(dir),
    }
}

/// The multicast settings and flags of a `brport/` directory (`%d` each).
/// None when learning is missing: a kernel older than the flags' files.
/// multicast_router and multicast_fast_leave exist only with
/// CONFIG_BRIDGE_IGMP_SNOOPING and read as 0 without it, as netlink leaves
/// them when it does not send them.
fn read_port_mcast(dir: &Path) -> Option<PortMcastInfo> {
    let learning = read_int(&dir.join("learning"))?;
    let flag = |file: &str| int_attr(dir, file) != 0;
    Some(PortMcastInfo {
        router: int_attr(dir, "multicast_router") as u8,
        fast_leave: flag("multicast_fast_leave"),
        flags: PortFlags {
            learning: learning != 0,
            flood: flag("unicast_flood"),
            mcflood: flag("multicast_flood"),
            bcflood: flag("broadcast_flood"),
            isolated: flag("isolated"),
            bpduguard: flag("bpdu_guard"),
            rootblock: flag("root_block"),
            neighsuppress: flag("neigh_suppress"),
        },
    })
}

/// An integer attribute; 0 when missing, unreadable or malformed (the
/// original also shows 0 for a missing file, and one bad file should not
/// hide the rest).
fn int_attr(dir: &Path, file: &str) -> i64 {
    read_int(&dir.join(file)).unwrap_or(0)
}

/// A bridge id attribute; all zeros when missing, unreadable or malformed.
fn id_attr(dir: &Path, file: &str) -> BridgeId {
    read_attr(&dir.join(file)).ok().and_then(|text| parse_bridge_id(&text)).unwrap_or_default()
}

fn read_int(path: &Path) -> Option<i64> {
    read_attr(path).ok().and_then(|text| parse_int(&text))
}

/// An attribute file's text: at most `ATTR_LIMIT` bytes, and only from a
/// regular file, opened without waiting (a FIFO put in a fake tree would
/// block a plain open), so no entry can stall a listing or fill memory.
fn read_attr(path: &Path) -> io::Result<Vec<u8>> {
    let mut text = Vec::new();
    open_regular(path)?.take(ATTR_LIMIT).read_to_end(&mut text)?;
    Ok(text)
}

/// A regular file opened for reading without waiting: a directory is
/// EISDIR, anything else that is not a regular file (a FIFO, a device) EINVAL.
fn open_regular(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC).open(path)?;
    let kind = file.metadata()?.file_type();
    match (kind.is_file(), kind.is_dir()) {
        (true, _) => Ok(file),
        (false, true) => Err(io::Error::from_raw_os_error(libc::EISDIR)),
        (false, false) => Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
}

/// Parses an integer as the kernel prints one (`%d`, `%ld`, `%lu`, `%#x`):
/// optional sign, decimal or 0x hex, surrounding whitespace allowed. Like
/// the original's strtol it saturates at the i64 range instead of failing
/// (`%lu` can print values past i64::MAX).
fn parse_int(text: &[u8]) -> Option<i64> {
    let text = text.trim_ascii();
    let (negative, unsigned) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let (radix, digits) = match unsigned {
        [b'0', b'x' | b'X', hex @ ..] => (16, hex),
        _ => (10, unsigned),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &byte in digits {
        let digit = char::from(byte).to_digit(radix)?;
        magnitude = magnitude.saturating_mul(u64::from(radix)).saturating_add(u64::from(digit));
    }
    let value = if negative { -i128::from(magnitude) } else { i128::from(magnitude) };
    Some(value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// Parses the kernel's bridge id text, `%.2x%.2x.%.2x%.2x%.2x%.2x%.2x%.2x`
/// (priority, then MAC), e.g. `8000.020000000001`.
fn parse_bridge_id(text: &[u8]) -> Option<BridgeId> {
    let (priority, mac) = text.trim_ascii().split_at_checked(4)?;
    let mac = mac.strip_prefix(b".")?;
    let mut bytes = [0u8; 8];
    let (priority_bytes, mac_bytes) = bytes.split_at_mut(2);
    decode_hex(priority, priority_bytes)?;
    decode_hex(mac, mac_bytes)?;
    BridgeId::from_bytes(&bytes)
}

/// Fills `out` from exactly 2 × out.len() hex digits.
fn decode_hex(text: &[u8], out: &mut [u8]) -> Option<()> {
    if text.len() != out.len() * 2 {
        return None;
    }
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let high = char::from(*pair.first()?).to_digit(16)?;
        let low = char::from(*pair.get(1)?).to_digit(16)?;
        *byte = (high * 16 + low) as u8;
    }
    Some(())
}

/// Decodes one `struct __fdb_entry`: mac[6], port_no, is_local,
/// ageing_timer_value (u32, host order, centiseconds), port_hi, padding.
fn decode_fdb_record(record: &[u8; FDB_RECORD]) -> FdbEntry {
    let r = record;
    let is_local = r[7] != 0;
    let ageing_timer = u32::from_ne_bytes([r[8], r[9], r[10], r[11]]);
    FdbEntry {
        mac: [r[0], r[1], r[2], r[3], r[4], r[5]],
        // port_hi holds the bits above 8 that port_no has no room for.
        port_no: (u16::from(r[12]) << 8) | u16::from(r[6]),
        ageing_timer,
        vlan: None,
        // brforward has no flags: the kernel reports 0 for entries that do
        // not age, so a non-local entry at 0 is taken as static (a learned
        // one refreshed within the last centisecond would read the same).
        flags: FdbFlags::default()
            .with(FdbFlags::PERMANENT, is_local)
            .with(FdbFlags::STATIC, !is_local && ageing_timer == 0),
    }
}

/// Decodes `brforward` as it is read, FDB_READ_SIZE bytes at a time, until
/// a read returns 0: only the decoded entries are kept, not the file. A
/// record split across reads is carried over; a trailing partial record
/// cannot come from the kernel and is dropped.
fn read_records(file: &mut impl Read) -> Result<Vec<FdbEntry>, Errno> {
    let mut entries = Vec::new();
    let mut buffer = vec![0u8; FDB_READ_SIZE];
    let mut carried = 0;
    loop {
        // Never less than a record is asked for: the kernel answers such a
        // read with 0, which would look like the end.
        let Some(free) = buffer.get_mut(carried..) else { return Ok(entries) };
        match file.read(free) {
            Ok(0) => return Ok(entries),
            Ok(count) => {
                let end = carried + count;
                let whole = end - end % FDB_RECORD;
                let records = buffer.get(..whole).unwrap_or_default().chunks_exact(FDB_RECORD);
                entries.extend(records.filter_map(|chunk| chunk.first_chunk::<FDB_RECORD>()).map(decode_fdb_record));
                buffer.copy_within(whole..end, 0);
                carried = end - whole;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        }
    }
}

/// True when `path` is a device directory; false when nothing (or a plain
/// file such as bonding_masters) is there.
fn is_device_dir(path: &Path) -> Result<bool, Errno> {
    match fs::metadata(path) {
        Ok(meta) => Ok(meta.is_dir()),
        Err(err) if is_missing(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Why a bridge-only file of `dir` is missing: EOPNOTSUPP when the device
/// is there (so it is not a bridge), ENODEV when the device is not.
fn not_a_bridge_or_gone(dir: &Path) -> Result<Errno, Errno> {
    Ok(if is_device_dir(dir)? { Errno::EOPNOTSUPP } else { Errno::ENODEV })
}

fn is_missing(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR))
}

#[cfg(test)]
mod tests;
