//! The query library: folders of `.kql` files that users browse, run by name, hunt with
//! and alert on. It sits in front of the pipeline: it finds and describes query text,
//! hands it to a [`Session`](crate::Session), and afterwards judges (`alert`), summarises
//! (`hunt`) or publishes (`report`) the results.
//!
//! ```text
//!  queries/**.kql ──resolve──▶ LibraryQuery (header, parameters, tables)
//!                                   │ Session::run (once, or once per --compare value)
//!                                   ▼
//!                         ResultTable ──▶ hunt summary / alert verdict / HTML report
//! ```
//!
//! A library file starts with `// title:`, `// description:` and `// tags:` lines; its
//! parameters are its top-level scalar `let`s, which `--set` and `--compare` override.

pub mod alert;
pub mod entry;
pub mod html;
pub mod hunt;
pub mod report;
pub mod resolve;
pub mod threat_intel;

pub use alert::{AlertCondition, AlertVerdict};
pub use entry::{LibraryQuery, Parameter};
pub use hunt::{Compare, HuntRun, QueryOutcome, RunStatus};
pub use resolve::Library;

use crate::types::Schema;

/// The schema of a table a library query may read: a built-in table, or one of the
/// library's own (the threat-intelligence indicator table).
pub fn known_schema(name: &str) -> Option<Schema> {
    crate::schema::builtin(name).or_else(|| (name == threat_intel::TABLE).then(threat_intel::schema))
}
