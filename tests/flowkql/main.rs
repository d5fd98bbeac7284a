//! One integration test binary, a module per area.

mod common;
mod diagnostics;
mod functions;
mod grammar;
mod operators;
mod snapshots;
