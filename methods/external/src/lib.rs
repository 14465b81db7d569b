//! Methods in any language: EXTERNAL runs a researcher's program under the
//! same splits, seeds, budgets and statistics as the built-in methods,
//! speaking a small versioned protocol over its standard input and output
//! ([`protocol`]), one program per cell ([`session`]).

pub mod method;
pub mod protocol;
pub mod session;

pub use method::{ExternalParams, Program};
