//! Output: a query's [`ResultTable`] to bytes, the last stage of a run.
//!
//! Every text format prints values the same way (module `text`, public so charts and
//! reports share it); JSON and Parquet keep the Kusto types so `source` reads them back
//! as the same table.

mod cells;
mod csv;
mod json;
mod parquet;
mod table;

pub use crate::text::{format_datetime, format_dynamic, format_real, format_timespan, format_value};

use crate::error::{Error, Result};
use crate::types::ResultTable;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The formats a result can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum OutputFormat {
    /// An aligned text table for the terminal.
    Table,
    /// CSV with a header row.
    Csv,
    /// The Log Analytics query API's JSON shape.
    Json,
    /// One JSON object per row.
    Ndjson,
    Parquet,
}

impl OutputFormat {
    /// The format a file name asks for, by its extension: `.csv`, `.json`, `.ndjson` or
    /// `.jsonl`, `.parquet`, and `.txt` for the text table.
    pub fn from_path(path: &Path) -> Result<OutputFormat> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(OutputFormat::Csv),
            Some("json") => Ok(OutputFormat::Json),
            Some("ndjson" | "jsonl") => Ok(OutputFormat::Ndjson),
            Some("parquet" | "pq") => Ok(OutputFormat::Parquet),
            Some("txt") => Ok(OutputFormat::Table),
            _ => Err(Error::usage(format!("cannot tell the output format of '{}'", path.display()))
                .with_help("name the file .csv, .json, .ndjson, .parquet or .txt, or give --format")),
        }
    }
}

/// Writes a result to `out` in `format`.
pub fn write_result(result: &ResultTable, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
    let written = match format {
        OutputFormat::Parquet => parquet::write_parquet(result, out),
        text_format => {
            let columns = cells::Columns::new(result)?;
            match text_format {
                OutputFormat::Table => table::write_table(&columns, out),
                OutputFormat::Csv => csv::write_csv(&columns, out),
                OutputFormat::Json => json::write_json(&columns, out),
                _ => json::write_ndjson(&columns, out),
            }
        }
    };
    written.map_err(|e| match e.kind {
        crate::ErrorKind::Data => Error::runtime(format!("cannot write the result: {}", e.message)),
        _ => e,
    })?;
    out.flush().map_err(|e| Error::runtime(format!("cannot write the result: {e}")))
}

/// Writes a result to a file, all or nothing: into a temporary file beside it, renamed
/// over `path` only once complete, so a failure never leaves a partial file.
pub fn write_result_to_path(result: &ResultTable, format: OutputFormat, path: &Path) -> Result<()> {
    let shown = path.display();
    let Some(file_name) = path.file_name() else {
        return Err(Error::usage(format!("'{shown}' is not a file path")));
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let temp = dir.join(format!(".{}.{}.partial", file_name.to_string_lossy(), std::process::id()));
    let attempt = (|| -> Result<()> {
        let file = std::fs::File::create(&temp).map_err(|e| Error::runtime(format!("cannot create a file in {}: {e}", dir.display())))?;
        let mut writer = BufWriter::new(file);
        write_result(result, format, &mut writer)?;
        let file = writer.into_inner().map_err(|e| Error::runtime(format!("cannot write {shown}: {}", e.error())))?;
        file.sync_all().map_err(|e| Error::runtime(format!("cannot write {shown}: {e}")))?;
        std::fs::rename(&temp, path).map_err(|e| Error::runtime(format!("cannot write {shown}: {e}")))
    })();
    if attempt.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    attempt.map_err(|e| {
        let msg = if e.message.contains(&shown.to_string()) { e.message } else { format!("{shown}: {}", e.message) };
        Error { message: msg, ..e }
    })
}

#[cfg(test)]
mod tests;
