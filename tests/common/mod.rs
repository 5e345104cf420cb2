//! Test support, shared by every tests/*.rs (each includes it with `mod common;`).
//!
//! - `lab`: scenarios of brctl commands in throwaway network namespaces, and the shared lab
//!   fixtures (the br0/br1/v0..v3 set-up);
//! - `namespace`: whether such namespaces can be made here, and free-form namespace scripts;
//! - `original`: the original brctl, proven to be bridge-utils 1.7.1 before anything is compared
//!   with it;
//! - `privilege`: running one step without capabilities (setpriv);
//! - `compare`: showstp and showmacs compared with running timers, the one timer parser, diffs;
//! - `json`: a strict JSON parser and the JSON expected from the text outputs;
//! - `random`: the seeded generator of the bounded random tests;
//! - `scratch`: the one scratch-directory type;
//! - `skip`: the one skip rule (fails under CI=true, says so on stderr elsewhere);
//! - `sources`: when the sources last changed (the package tests rebuild what is older);
//! - `uml`: scenarios in a second kernel, User-Mode Linux 6.1 (VLAN filtering built in).

// Each integration test crate includes the whole tree and uses only part of it. The package's
// clippy lints hold the program proper (Cargo.toml [lints]); test support unwraps, panics,
// indexes and runs other programs, whichever crate includes it.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

pub mod compare;
pub mod json;
pub mod lab;
pub mod namespace;
pub mod original;
pub mod privilege;
pub mod random;
pub mod scratch;
pub mod skip;
pub mod sources;
pub mod uml;

#[allow(unused_imports)]
pub use compare::line_diff;
#[allow(unused_imports)]
pub use lab::{assert_same, ours, run_ours, shell_quote, Invocation, Outcome, Run, Scenario};
