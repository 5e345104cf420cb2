//! Renderers: pure functions from the model to bytes. `compat` is the
//! original's layout byte for byte; `json` and `table` read the same values.

pub mod compat;
pub mod details;
pub mod json;
pub mod mdb;
pub mod table;
pub mod vlan;
