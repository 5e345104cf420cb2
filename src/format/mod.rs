//! Renderers: pure functions from the model to bytes. `compat` is the
//! original's layout byte for byte; `json` and `table` read the same values.

pub mod compat;
pub mod details;
pub mod json;
pub mod mdb;
pub mod monitor;
pub mod table;
pub mod vlan;

/// `value` in decimal, in the tail of `digits` (u64::MAX has 20 of them):
/// the one digit writer of the renderers, which build rows without fmt.
pub fn decimal(value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut rest = value;
    let mut len = 0;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
        if rest == 0 {
            break;
        }
    }
    digits.get(digits.len() - len..).unwrap_or_default()
}
