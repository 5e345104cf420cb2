//! Validated values from the command line. Each type is built only from
//! input that passed its rules, so code further in never re-checks.

use std::ffi::OsStr;
use std::fmt;
use std::os::unix::ffi::OsStrExt;

/// Longest interface name the kernel accepts (IFNAMSIZ - 1).
pub const IFNAME_MAX: usize = 15;

/// An interface name that follows the kernel's rule (`dev_valid_name`):
/// 1 to 15 bytes, not `.` or `..`, no `/`, `:` or whitespace. Such a name
/// is also a safe single component of a sysfs path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IfName(Vec<u8>);

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfNameProblem {
    Empty,
    TooLong,
    Dots,
    BadByte,
    /// A NUL byte, which would end the name early in the kernel's eyes.
    Nul,
}

impl IfName {
    pub fn parse(arg: &OsStr) -> Result<IfName, IfNameProblem> {
        IfName::from_bytes(arg.as_bytes())
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<IfName, IfNameProblem> {
        if bytes.is_empty() {
            return Err(IfNameProblem::Empty);
        }
        if bytes.len() > IFNAME_MAX {
            return Err(IfNameProblem::TooLong);
        }
        if bytes == b"." || bytes == b".." {
            return Err(IfNameProblem::Dots);
        }
        if bytes.contains(&0) {
            return Err(IfNameProblem::Nul);
        }
        if bytes.iter().any(|&b| b == b'/' || b == b':' || is_kernel_space(b)) {
            return Err(IfNameProblem::BadByte);
        }
        Ok(IfName(bytes.to_vec()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The kernel's isspace(): the C whitespace set plus Latin-1 NBSP (0xa0).
fn is_kernel_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0xa0)
}

impl fmt::Display for IfName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

/// A time in centiseconds (the kernel's clock_t unit, USER_HZ = 100), from
/// plain decimal seconds: `4`, `2.5`, `1e1`, `.5`. Rounded to the nearest
/// centisecond; no sign, no hex, no `nan`/`inf`, no trailing garbage, and
/// it must fit the kernel's 32-bit field (D2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Centisecs(u32);

/// Why a number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberProblem {
    /// Not a number of the accepted form.
    Malformed,
    /// A number, but beyond what the kernel's field holds.
    OutOfRange,
    /// An 8 or 9 after a leading 0, which makes the number octal.
    OctalDigit,
}

impl Centisecs {
    pub const MAX_TEXT: &'static str = "42949672.95";

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn parse(arg: &OsStr) -> Result<Centisecs, NumberProblem> {
        let text = arg.as_bytes();
        let (mantissa, exponent) = split_once(text, |&b| b == b'e' || b == b'E');
        let (int_part, frac_part) = split_once(mantissa, |&b| b == b'.');
        let frac_part = frac_part.unwrap_or_default();
        let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part) {
            return Err(NumberProblem::Malformed);
        }
        let exponent = match exponent {
            None => 0i64,
            Some(exp) => parse_exponent(exp).ok_or(NumberProblem::Malformed)?,
        };
        let digits: Vec<u8> = int_part.iter().chain(frac_part).map(|d| d - b'0').collect();
        // The centisecond point sits this many digits from the left.
        let point = (int_part.len() as i64).saturating_add(2).saturating_add(exponent);
        centisecs_from_digits(&digits, point).map(Centisecs)
    }
}

/// The bytes before the first one that matches, and those after it if any.
fn split_once(text: &[u8], at: impl FnMut(&u8) -> bool) -> (&[u8], Option<&[u8]>) {
    let mut parts = text.splitn(2, at);
    (parts.next().unwrap_or(text), parts.next())
}

/// `[+-]digits`, saturating far beyond any meaningful exponent.
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match (text.strip_prefix(b"+"), text.strip_prefix(b"-")) {
        (Some(digits), _) => (false, digits),
        (_, Some(digits)) => (true, digits),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude =
        digits.iter().fold(0i64, |acc, d| acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))).min(1 << 40);
    Some(if negative { -magnitude } else { magnitude })
}

/// Rounds the decimal digits, with the unit point `point` digits from the
/// left, to the nearest whole unit (half up), exactly.
fn centisecs_from_digits(digits: &[u8], point: i64) -> Result<u32, NumberProblem> {
    let whole_len = point.clamp(0, digits.len() as i64) as usize;
    let mut value: u64 = 0;
    for &d in digits.iter().take(whole_len) {
        value = value * 10 + u64::from(d);
        if value > u64::from(u32::MAX) {
            return Err(NumberProblem::OutOfRange);
        }
    }
    if point > digits.len() as i64 {
        // Zeros to append: any non-zero value overflows past ten of them.
        for _ in 0..(point - digits.len() as i64).min(11) {
            value *= 10;
            if value > u64::from(u32::MAX) {
                return Err(NumberProblem::OutOfRange);
            }
        }
    }
    let round_digit = if point >= 0 { digits.get(point as usize).copied().unwrap_or(0) } else { 0 };
    if round_digit >= 5 {
        value += 1;
    }
    u32::try_from(value).map_err(|_| NumberProblem::OutOfRange)
}

/// An unsigned integer as the original reads it (`%i`: decimal, `0x` hex,
/// leading-`0` octal), but with no sign, no trailing garbage and no
/// wrapping: it must be at most `max` (D3).
pub fn parse_unsigned(arg: &OsStr, max: u64) -> Result<u64, NumberProblem> {
    let text = arg.as_bytes();
    let (digits, radix) = if let Some(hex) = text.strip_prefix(b"0x").or_else(|| text.strip_prefix(b"0X")) {
        (hex, 16)
    } else if let Some(octal) = text.strip_prefix(b"0").filter(|rest| !rest.is_empty()) {
        (octal, 8)
    } else {
        (text, 10)
    };
    if digits.is_empty() {
        return Err(NumberProblem::Malformed);
    }
    let mut value: u64 = 0;
    for &b in digits {
        let digit = char::from(b).to_digit(radix).ok_or(match (radix, b) {
            (8, b'8' | b'9') => NumberProblem::OctalDigit,
            _ => NumberProblem::Malformed,
        })?;
        value = value.saturating_mul(u64::from(radix)).saturating_add(u64::from(digit));
    }
    if value > max {
        return Err(NumberProblem::OutOfRange);
    }
    Ok(value)
}

/// An unsigned integer that fits the kernel's field of type `T` (D3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer<T>(T);

impl<T: TryFrom<u64> + Copy> Integer<T> {
    pub fn parse(arg: &OsStr) -> Result<Integer<T>, NumberProblem> {
        let value = parse_unsigned(arg, u64::MAX)?;
        T::try_from(value).map(Integer).map_err(|_| NumberProblem::OutOfRange)
    }

    pub fn get(self) -> T {
        self.0
    }
}

/// A bridge priority: the kernel keeps 16 bits, so 0..=65535.
pub type BridgePriority = Integer<u16>;

/// A port path cost or priority: 32 bits on the command line (the kernel
/// accepts 1..=65535 and 0..=63, and says so itself).
pub type PortInteger = Integer<u32>;

/// A VLAN id: 1..=4094 (802.1Q reserves 0 and 4095), with the integer
/// rules of D3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct VlanId(u16);

impl VlanId {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 4094;

    pub fn parse(arg: &OsStr) -> Result<VlanId, NumberProblem> {
        let value = Integer::<u16>::parse(arg)?.get();
        if !(Self::MIN..=Self::MAX).contains(&value) {
            return Err(NumberProblem::OutOfRange);
        }
        Ok(VlanId(value))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

/// `<vid>` or `<vid>-<vid>`: one VLAN or an ascending range of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanIds {
    first: VlanId,
    last: VlanId,
}

/// Why VLAN ids were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VlanIdsProblem {
    /// One of the ids, and what is wrong with it.
    Id(NumberProblem),
    /// The range runs backwards (`10-5`).
    Reversed,
}

impl VlanIds {
    pub fn parse(arg: &OsStr) -> Result<VlanIds, VlanIdsProblem> {
        let (first, last) = split_once(arg.as_bytes(), |&b| b == b'-');
        let id = |text: &[u8]| VlanId::parse(OsStr::from_bytes(text)).map_err(VlanIdsProblem::Id);
        let first = id(first)?;
        let last = match last {
            Some(last) => id(last)?,
            None => first,
        };
        if last < first {
            return Err(VlanIdsProblem::Reversed);
        }
        Ok(VlanIds { first, last })
    }

    pub fn first(self) -> u16 {
        self.first.get()
    }

    pub fn last(self) -> u16 {
        self.last.get()
    }

    pub fn is_range(self) -> bool {
        self.first != self.last
    }
}

/// A default PVID: 0 (none) to 4094.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultPvid(u16);

impl DefaultPvid {
    pub fn parse(arg: &OsStr) -> Result<DefaultPvid, NumberProblem> {
        let value = Integer::<u16>::parse(arg)?.get();
        if value > VlanId::MAX {
            return Err(NumberProblem::OutOfRange);
        }
        Ok(DefaultPvid(value))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

/// The VLAN protocol by name, as `ip link` writes it: `802.1Q` (ethertype
/// 0x8100) or `802.1ad` (0x88a8), in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanProtocol(u16);

impl VlanProtocol {
    pub const DOT1Q: u16 = 0x8100;
    pub const DOT1AD: u16 = 0x88a8;

    pub fn parse(arg: &OsStr) -> Option<VlanProtocol> {
        match arg.as_bytes().to_ascii_lowercase().as_slice() {
            b"802.1q" => Some(VlanProtocol(Self::DOT1Q)),
            b"802.1ad" => Some(VlanProtocol(Self::DOT1AD)),
            _ => None,
        }
    }

    /// The ethertype.
    pub fn get(self) -> u16 {
        self.0
    }

    /// `802.1Q`, `802.1ad`, or the ethertype in hex for any other.
    pub fn name(ethertype: u16) -> String {
        match ethertype {
            Self::DOT1Q => "802.1Q".to_string(),
            Self::DOT1AD => "802.1ad".to_string(),
            other => format!("{other:#06x}"),
        }
    }
}

/// `on`/`yes`/`1` or `off`/`no`/`0`, exactly, as the original accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnOff(bool);

impl OnOff {
    pub fn get(self) -> bool {
        self.0
    }

    pub fn parse(arg: &OsStr) -> Option<OnOff> {
        match arg.as_bytes() {
            b"on" | b"yes" | b"1" => Some(OnOff(true)),
            b"off" | b"no" | b"0" => Some(OnOff(false)),
            _ => None,
        }
    }
}

/// A MAC address as brctl users type it: six octets of one or two hex
/// digits each, separated by `:`, in any case (`52:54:0:12:34:56`). Only
/// `:` separates: a word with `-` is a valid interface name, and a word
/// with `:` never is, which is how sethwaddr tells the two apart
/// (docs/compat.md section 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mac([u8; 6]);

/// Why a MAC address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacProblem {
    Malformed,
    /// The group bit (low bit of the first octet) is set.
    Multicast,
    Zero,
}

impl Mac {
    pub fn parse(arg: &OsStr) -> Result<Mac, MacProblem> {
        let mut octets = [0u8; 6];
        let mut parts = arg.as_bytes().split(|&b| b == b':');
        for octet in &mut octets {
            let part = parts.next().ok_or(MacProblem::Malformed)?;
            if part.is_empty() || part.len() > 2 || !part.iter().all(u8::is_ascii_hexdigit) {
                return Err(MacProblem::Malformed);
            }
            let text = std::str::from_utf8(part).map_err(|_| MacProblem::Malformed)?;
            *octet = u8::from_str_radix(text, 16).map_err(|_| MacProblem::Malformed)?;
        }
        if parts.next().is_some() {
            return Err(MacProblem::Malformed);
        }
        Ok(Mac(octets))
    }

    /// A MAC that may be a static forwarding entry: neither multicast
    /// (broadcast included) nor all-zero.
    pub fn parse_unicast(arg: &OsStr) -> Result<Mac, MacProblem> {
        let mac = Mac::parse(arg)?;
        if mac.0[0] & 1 != 0 {
            return Err(MacProblem::Multicast);
        }
        if mac.0 == [0; 6] {
            return Err(MacProblem::Zero);
        }
        Ok(mac)
    }

    pub fn from_octets(octets: [u8; 6]) -> Mac {
        Mac(octets)
    }

    pub fn octets(self) -> [u8; 6] {
        self.0
    }
}

/// Where sethwaddr takes the bridge's address from: a MAC as given, or
/// the address an interface has now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HwAddress {
    Mac(Mac),
    Interface(IfName),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &[u8]) -> Result<IfName, IfNameProblem> {
        IfName::from_bytes(s)
    }

    fn time(s: &str) -> Result<u32, NumberProblem> {
        Centisecs::parse(OsStr::new(s)).map(|c| c.0)
    }

    fn uint(s: &str, max: u64) -> Result<u64, NumberProblem> {
        parse_unsigned(OsStr::new(s), max)
    }

    #[test]
    fn names_follow_the_kernel_rule() {
        assert!(name(b"br0").is_ok());
        assert!(name(b"abcdefghijklmno").is_ok());
        assert!(name(b"br%d").is_ok());
        assert!(name(b"\xff\xfe").is_ok());
        assert_eq!(name(b""), Err(IfNameProblem::Empty));
        assert_eq!(name(b"abcdefghijklmnop"), Err(IfNameProblem::TooLong));
        assert_eq!(name(b"."), Err(IfNameProblem::Dots));
        assert_eq!(name(b".."), Err(IfNameProblem::Dots));
        assert!(name(b"...").is_ok());
        assert_eq!(name(b"a\0b"), Err(IfNameProblem::Nul));
        assert_eq!(name(b"a/\0"), Err(IfNameProblem::Nul));
        for bad in [&b"a/b"[..], b"a:b", b"a b", b"a\tb", b"a\nb", b"a\x0bb", b"a\xa0b", b"../x"] {
            assert_eq!(name(bad), Err(IfNameProblem::BadByte), "{bad:?}");
        }
    }

    #[test]
    fn times_are_plain_decimal_seconds_rounded_to_centiseconds() {
        assert_eq!(time("4"), Ok(400));
        assert_eq!(time("2.5"), Ok(250));
        assert_eq!(time("1e1"), Ok(1000));
        assert_eq!(time(".5"), Ok(50));
        assert_eq!(time("5."), Ok(500));
        assert_eq!(time("1.2"), Ok(120));
        assert_eq!(time("2.3"), Ok(230));
        assert_eq!(time("0.29"), Ok(29));
        assert_eq!(time("1.005"), Ok(101));
        assert_eq!(time("0.004"), Ok(0));
        assert_eq!(time("0.005"), Ok(1));
        assert_eq!(time("10.01"), Ok(1001));
        assert_eq!(time("15E-1"), Ok(150));
        assert_eq!(time("0"), Ok(0));
        assert_eq!(time("000000000000000000000000001"), Ok(100));
        assert_eq!(time("1e-300"), Ok(0));
        assert_eq!(time("0e999999999999999999999"), Ok(0));
        assert_eq!(time(Centisecs::MAX_TEXT), Ok(u32::MAX));
    }

    #[test]
    fn times_the_original_mangles_are_refused() {
        for bad in
            ["", ".", "e5", "1e", "1e+", "-1", "+1", "nan", "inf", "3abc", "1,5", "1 2", " 1", "0x10", "1.2.3", "1_000"]
        {
            assert_eq!(time(bad), Err(NumberProblem::Malformed), "{bad:?}");
        }
        for big in ["42949672.96", "42949673", "1e20", "1e999999999999", "99999999999999999999999"] {
            assert_eq!(time(big), Err(NumberProblem::OutOfRange), "{big:?}");
        }
    }

    #[test]
    fn integers_keep_the_bases_but_refuse_the_rest() {
        assert_eq!(uint("0", 65535), Ok(0));
        assert_eq!(uint("4096", 65535), Ok(4096));
        assert_eq!(uint("010", 65535), Ok(8));
        assert_eq!(uint("0x1000", 65535), Ok(4096));
        assert_eq!(uint("0XfF", 65535), Ok(255));
        assert_eq!(uint("65535", 65535), Ok(65535));
        assert_eq!(uint("65536", 65535), Err(NumberProblem::OutOfRange));
        assert_eq!(uint("4294967297", u32::MAX.into()), Err(NumberProblem::OutOfRange));
        assert_eq!(uint("99999999999999999999999", u32::MAX.into()), Err(NumberProblem::OutOfRange));
        for bad in ["", "-1", "+1", "0x", "0xg", "12abc", "1.5", "1e3", " 1", "0b101", "0a"] {
            assert_eq!(uint(bad, 65535), Err(NumberProblem::Malformed), "{bad:?}");
        }
        for octal in ["08", "019", "0779"] {
            assert_eq!(uint(octal, 65535), Err(NumberProblem::OctalDigit), "{octal:?}");
        }
    }

    #[test]
    fn vlan_ids_are_1_to_4094_alone_or_as_ascending_ranges() {
        let ids = |s: &str| VlanIds::parse(OsStr::new(s)).map(|v| (v.first(), v.last(), v.is_range()));
        assert_eq!(ids("1"), Ok((1, 1, false)));
        assert_eq!(ids("4094"), Ok((4094, 4094, false)));
        assert_eq!(ids("10-20"), Ok((10, 20, true)));
        assert_eq!(ids("0x10-020"), Ok((16, 16, false)));
        assert_eq!(ids("7-7"), Ok((7, 7, false)));
        assert_eq!(ids("0"), Err(VlanIdsProblem::Id(NumberProblem::OutOfRange)));
        assert_eq!(ids("4095"), Err(VlanIdsProblem::Id(NumberProblem::OutOfRange)));
        assert_eq!(ids("1-4095"), Err(VlanIdsProblem::Id(NumberProblem::OutOfRange)));
        assert_eq!(ids("99999"), Err(VlanIdsProblem::Id(NumberProblem::OutOfRange)));
        assert_eq!(ids("10-5"), Err(VlanIdsProblem::Reversed));
        for bad in ["", "-", "1-", "-1", "a", "1-2-3", "1 -2", "+1"] {
            assert_eq!(ids(bad), Err(VlanIdsProblem::Id(NumberProblem::Malformed)), "{bad:?}");
        }
        assert_eq!(ids("09"), Err(VlanIdsProblem::Id(NumberProblem::OctalDigit)));
    }

    #[test]
    fn default_pvids_and_protocols() {
        let pvid = |s: &str| DefaultPvid::parse(OsStr::new(s)).map(DefaultPvid::get);
        assert_eq!(pvid("0"), Ok(0));
        assert_eq!(pvid("4094"), Ok(4094));
        assert_eq!(pvid("4095"), Err(NumberProblem::OutOfRange));
        assert_eq!(pvid("x"), Err(NumberProblem::Malformed));
        let protocol = |s: &str| VlanProtocol::parse(OsStr::new(s)).map(VlanProtocol::get);
        assert_eq!(protocol("802.1Q"), Some(0x8100));
        assert_eq!(protocol("802.1q"), Some(0x8100));
        assert_eq!(protocol("802.1AD"), Some(0x88a8));
        assert_eq!(protocol("802.1"), None);
        assert_eq!(protocol("0x8100"), None);
        assert_eq!(VlanProtocol::name(0x8100), "802.1Q");
        assert_eq!(VlanProtocol::name(0x88a8), "802.1ad");
        assert_eq!(VlanProtocol::name(0x9100), "0x9100");
    }

    #[test]
    fn on_off_words_are_exact() {
        for (word, value) in [("on", true), ("yes", true), ("1", true), ("off", false), ("no", false), ("0", false)] {
            assert_eq!(OnOff::parse(OsStr::new(word)), Some(OnOff(value)));
        }
        for bad in ["ON", "true", "2", "", "of"] {
            assert_eq!(OnOff::parse(OsStr::new(bad)), None);
        }
    }

    #[test]
    fn names_display_as_text() {
        assert_eq!(name(b"br0").unwrap().to_string(), "br0");
        assert_eq!(name(b"br\xff").unwrap().to_string(), "br\u{fffd}");
    }

    #[test]
    fn exponents_take_a_sign_and_every_digit() {
        assert_eq!(time("1e+1"), Ok(1000));
        assert_eq!(time("1e2"), Ok(10000));
        assert_eq!(time("25e-1"), Ok(250));
        assert_eq!(time("4e+06"), Ok(400_000_000));
        assert_eq!(time("5e-3"), Ok(1));
    }

    #[test]
    fn appended_zeros_stop_at_the_first_overflow() {
        // Nine digits and eleven more zeros would overflow 64 bits: the check
        // after each zero must stop it first.
        assert_eq!(time("999999999e11"), Err(NumberProblem::OutOfRange));
        assert_eq!(time("4294967295e11"), Err(NumberProblem::OutOfRange));
        assert_eq!(time("429496729.5e-1"), Ok(u32::MAX));
        assert_eq!(time("42949672e0"), Ok(4_294_967_200));
    }

    #[test]
    fn centiseconds_give_their_value() {
        assert_eq!(Centisecs::parse(OsStr::new("2.5")).map(Centisecs::get), Ok(250));
        assert_eq!(Centisecs::parse(OsStr::new("0.01")).map(Centisecs::get), Ok(1));
    }
}
