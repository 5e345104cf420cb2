//! Renderers: pure functions from the model to bytes.

pub mod compat;
