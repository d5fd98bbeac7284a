//! flowkql runs KQL (Kusto Query Language) over network flow logs, offline, with the
//! answers Kusto would give.
//!
//! ```text
//!  query text ──parse──▶ AST (spans) ──check──▶ typed plan ──lower──▶ Polars LazyFrame ──collect──▶ result
//!   syntax/               semantic/              plan/                exec/                          output/ render/
//! ```
//!
//! Tables come from `source/` (Log Analytics exports, Parquet, raw flow logs) or from the
//! built-in synthetic `sample/`; their known shapes live in `schema/`.

pub mod error;
pub mod exec;
pub mod functions;
pub mod library;
pub mod output;
pub mod plan;
pub mod rawlog;
pub mod render;
pub mod sample;
pub mod schema;
pub mod semantic;
pub mod session;
pub mod source;
pub mod span;
pub mod syntax;
pub mod text;
pub mod types;

pub use error::{Error, ErrorKind, Result};
pub use session::{Output, Session};
pub use span::Span;
pub use types::{KqlType, ResultTable, Schema, Table};
