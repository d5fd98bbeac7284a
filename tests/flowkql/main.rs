//! One integration test binary, a module per area.

mod article;
mod cli;
mod common;
mod diagnostics;
mod functions;
mod grammar;
mod joins;
mod library;
mod mv_expand;
mod operators;
mod snapshots;
