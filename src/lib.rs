//! bridge-utils-rs: a drop-in replacement for `brctl` from bridge-utils
//! 1.7.1, talking to the kernel over rtnetlink.
//!
//! `run` is the whole program: argv in, bytes on stdout and stderr, an
//! exit code out. Parse, validate, act: argv becomes typed values
//! (`values`) and a `commands::Command` (`commands::resolve`), which `app`
//! runs against the kernel (`backend`) and prints (`format`).
//!
//! Comments cite docs/compat.md: `4.10` is a section there, `Q15` one of
//! the original's quirks, `D1` to `D10` our deliberate differences.

pub mod app;
pub mod backend;
pub mod batch;
pub mod cli;
pub mod commands;
pub mod error;
pub mod format;
pub mod lock;
pub mod model;
pub mod values;

pub use app::{run, VERSION_LINE};
