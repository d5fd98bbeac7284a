//! One integration test binary, a module per area.

mod article;
mod breadth;
mod cli;
mod common;
mod diagnostics;
mod externaldata;
mod find;
mod functions;
mod functions_tail;
mod functions_user;
mod grammar;
mod joins;
mod library;
mod make_series;
mod mv_apply;
mod mv_expand;
mod operators;
mod parse_kv;
mod partition;
mod plugins;
mod sampling;
mod scan;
mod search;
mod snapshots;
mod top_hitters;
