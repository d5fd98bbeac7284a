//! Sources: files to [`Table`]s, the first stage of every run.
//!
//! A `--table NAME=PATH[:FORMAT]` argument names a file; this module finds its format
//! (from its first bytes), reads it with Polars' readers, gives every column its Kusto
//! type and hands back a lazy frame whose columns follow [`KqlType::polars`] exactly, so
//! later stages never see a file's own quirks.
//!
//! Formats are Log Analytics' result exports (FORMATS.md 7): the portal's CSV, the query
//! API's JSON (and Azure Data Explorer's v1 shape), `az monitor log-analytics query`
//! output, one JSON object per line, and Parquet.

mod cli_json;
mod csv;
mod detect;
mod external;
mod json_value;
mod ndjson;
mod object_rows;
mod parquet;
mod query_json;
mod scalar;
mod typing;

pub use detect::detect_format;
pub(crate) use external::read_external;
pub use external::ExternalFormat;
pub(crate) use parquet::KUSTO_TYPES_KEY;

use crate::error::{nearest, Error, Result};
use crate::types::{KqlType, Schema, Table};
use polars::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file formats flowkql reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// The portal's "Export to CSV", or any CSV with a header row.
    Csv,
    /// The Log Analytics query API response (`{"tables": [...]}`), or ADX's v1 `{"Tables": [...]}`.
    QueryApiJson,
    /// `az monitor log-analytics query` output: an array of objects whose values are strings.
    CliJson,
    /// One JSON object per line.
    Ndjson,
    Parquet,
}

impl InputFormat {
    pub const ALL: [InputFormat; 5] =
        [InputFormat::Csv, InputFormat::QueryApiJson, InputFormat::CliJson, InputFormat::Ndjson, InputFormat::Parquet];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::QueryApiJson => "json",
            InputFormat::CliJson => "cli-json",
            InputFormat::Ndjson => "ndjson",
            InputFormat::Parquet => "parquet",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for InputFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let lower = s.to_ascii_lowercase();
        if let Some(f) = InputFormat::ALL.into_iter().find(|f| f.name() == lower) {
            return Ok(f);
        }
        let names = InputFormat::ALL.map(InputFormat::name);
        let raw = crate::rawlog::RawFormat::ALL.map(crate::rawlog::RawFormat::name);
        let all = format!("{} (exports) and {} (raw flow logs)", names.join(", "), raw.join(", "));
        let err = Error::usage(format!("unknown input format '{s}'"));
        Err(match nearest(s, names.into_iter().chain(raw)) {
            Some(n) => err.with_help(format!("did you mean '{n}'? The formats are {all}")),
            None => err.with_help(format!("the formats are {all}")),
        })
    }
}

/// Splits a `NAME=PATH` or `NAME=PATH:FORMAT` table argument. A path may itself contain
/// `:` only when a known format follows the last one (`T=a:b.csv:csv`), so a mistyped
/// format is reported rather than taken for part of the path.
pub fn parse_table_arg(arg: &str) -> Result<(String, PathBuf, Option<InputFormat>)> {
    let usage = |msg: String| Error::usage(msg).with_help("bind a table as NAME=PATH or NAME=PATH:FORMAT, e.g. Flows=export.csv");
    let Some((name, rest)) = arg.split_once('=') else {
        return Err(usage(format!("'{arg}' is not a table binding")));
    };
    let name = name.trim();
    let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        return Err(usage(format!("'{name}' is not a table name (letters, digits and _, not starting with a digit)")));
    }
    let (path, format) = match rest.rsplit_once(':') {
        Some((path, fmt)) => (path, Some(fmt.parse::<InputFormat>()?)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err(usage(format!("'{arg}' names no file")));
    }
    Ok((name.to_string(), PathBuf::from(path), format))
}

/// Reads a file as a table; the format is detected from the content when not given.
pub fn load_table(path: &Path, format: Option<InputFormat>) -> Result<Table> {
    load_table_as(path, format, None)
}

/// [`load_table`] for a table with a known schema (a built-in table's, say): columns the
/// file does not type itself take their type from it; columns it lacks are not added.
pub fn load_table_as(path: &Path, format: Option<InputFormat>, schema: Option<&Schema>) -> Result<Table> {
    if !path.is_file() {
        let msg = if path.exists() { "is not a file" } else { "does not exist" };
        return Err(Error::data(format!("{}: {msg}", path.display())));
    }
    let format = match format {
        Some(f) => f,
        None => detect_format(path)?,
    };
    let table = match format {
        InputFormat::Csv => csv::read_csv(path, schema)?,
        InputFormat::QueryApiJson => query_json::read_query_json(path)?,
        InputFormat::CliJson => cli_json::read_cli_json(path, schema)?,
        InputFormat::Ndjson => ndjson::read_ndjson(path, schema)?,
        InputFormat::Parquet => parquet::read_parquet(path)?,
    };
    check_layout(&table, path)?;
    Ok(table)
}

/// Wraps a frame of converted columns: strings are never null in Kusto, so a missing
/// string reads as `""`; that fill is left to the lazy plan, for the columns that need it.
fn finish_table(schema: Schema, frame: DataFrame) -> Table {
    let has_nulls = |name: &str| frame.column(name).is_ok_and(|c| c.null_count() > 0);
    let fills: Vec<Expr> = schema
        .columns
        .iter()
        .filter(|(n, t)| *t == KqlType::String && has_nulls(n))
        .map(|(n, _)| col(n.as_str()).fill_null(lit("")))
        .collect();
    let mut lazy = frame.lazy();
    if !fills.is_empty() {
        lazy = lazy.with_columns(fills);
    }
    Table { schema, frame: lazy }
}

/// Every reader must produce exactly the Polars types of its Kusto schema; a mismatch is a
/// bug here, caught before a query runs on it.
fn check_layout(table: &Table, path: &Path) -> Result<()> {
    let mut lazy = table.frame.clone();
    let got = lazy.collect_schema().map_err(|e| Error::data(format!("{}: {e}", path.display())))?;
    let want = table.schema.polars();
    if *got != want {
        return Err(Error::runtime(format!("{}: the table read has columns {:?}, expected {:?}", path.display(), got, want)));
    }
    Ok(())
}

/// A cell's text cut for an error message.
/// A text file's content without a leading byte-order mark; text that is not UTF-8 is a
/// data error naming the line (`shown` names the file).
fn read_utf8(path: &Path, shown: &str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&c| c == b'\n').count() + 1;
            Err(Error::data(format!("{shown}: line {line}: the text is not valid UTF-8")))
        }
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests;
