//! `externaldata`'s files, read into the schema the query declares, in the formats Kusto
//! names for it (data formats: the delimited family, `txt`, `raw`, `json`/`multijson`
//! and `parquet`). Delimited files bind fields to columns by position; JSON and Parquet
//! bind them by name. A value that does not convert to its declared type is an error
//! naming the file, the record and the column.

use super::json_value::Json;
use super::object_rows::ObjectRows;
use super::typing::{self, BadCell};
use crate::error::{Error, Result};
use crate::types::{KqlType, Schema, Table};
use polars::prelude::*;
use std::path::Path;

/// A file format `externaldata` reads (the `format` property).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalFormat {
    /// `csv`, `tsv`, `tsve`, `psv`, `scsv`, `sohsv`: fields split by this byte (`tsve`'s
    /// backslash escapes are kept as written).
    Delimited(u8),
    /// `txt`: each non-empty line is a record of one field.
    Txt,
    /// `raw`: the whole file is one record of one field.
    Raw,
    /// `json` (one object per line) and `multijson` (objects or arrays of objects,
    /// separated by whitespace).
    Json,
    Parquet,
}

impl ExternalFormat {
    /// The `format` names accepted, as Kusto spells them.
    pub const NAMES: &'static [&'static str] =
        &["csv", "tsv", "tsve", "psv", "scsv", "sohsv", "txt", "raw", "json", "multijson", "parquet"];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "csv" => ExternalFormat::Delimited(b','),
            "tsv" | "tsve" => ExternalFormat::Delimited(b'\t'),
            "psv" => ExternalFormat::Delimited(b'|'),
            "scsv" => ExternalFormat::Delimited(b';'),
            "sohsv" => ExternalFormat::Delimited(0x01),
            "txt" => ExternalFormat::Txt,
            "raw" => ExternalFormat::Raw,
            "json" | "multijson" => ExternalFormat::Json,
            "parquet" => ExternalFormat::Parquet,
            _ => return None,
        })
    }
}

/// Reads `path` into a table of exactly `schema`'s columns and Polars types (strings
/// never null, as for every source). With `skip_first` (`ignoreFirstRecord`) the first
/// record is left out.
pub(crate) fn read_external(path: &Path, format: ExternalFormat, skip_first: bool, schema: &Schema) -> Result<Table> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::data(format!("{shown}: no such file"))
            .with_help("bind the externaldata URI to a downloaded copy: --externaldata \"URI=PATH\""));
    }
    let frame = match format {
        ExternalFormat::Delimited(sep) => delimited(path, &shown, sep, skip_first, schema)?,
        ExternalFormat::Txt | ExternalFormat::Raw => {
            let text = super::read_utf8(path, &shown)?;
            let mut records: Vec<&str> = match format {
                ExternalFormat::Raw => vec![text.as_str()],
                _ => text.lines().filter(|l| !l.is_empty()).collect(),
            };
            if skip_first && !records.is_empty() {
                records.remove(0);
            }
            let first = StringChunked::new(PlSmallStr::from_static("value"), &records);
            let mut texts = vec![first];
            texts.extend(schema.columns.iter().skip(1).map(|_| StringChunked::full_null(PlSmallStr::from_static("value"), records.len())));
            typed(&shown, schema, texts, skip_first)?
        }
        ExternalFormat::Json => json(path, &shown, skip_first, schema)?,
        ExternalFormat::Parquet => parquet(path, &shown, skip_first, schema)?,
    };
    Ok(super::finish_table(schema.clone(), frame))
}

/// Fields by position: the first field is the first declared column; a record with fewer
/// fields leaves the rest empty, extra fields are not read.
fn delimited(path: &Path, shown: &str, sep: u8, skip_first: bool, schema: &Schema) -> Result<DataFrame> {
    let fields: polars::prelude::Schema = (0..schema.len()).map(|k| Field::new(format!("field{k}").into(), DataType::String)).collect();
    let frame = CsvReadOptions::default()
        .with_has_header(false)
        .with_skip_rows(usize::from(skip_first))
        .with_schema(Some(Arc::new(fields)))
        .map_parse_options(|o| o.with_separator(sep).with_truncate_ragged_lines(true).with_missing_is_null(false))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish());
    let frame = match frame {
        Ok(f) => f,
        // An empty file, or a header and nothing else: no records.
        Err(PolarsError::NoData(_)) => {
            let empty = (0..schema.len()).map(|k| StringChunked::full_null(format!("field{k}").into(), 0)).collect();
            return typed(shown, schema, empty, skip_first);
        }
        Err(e) => return Err(Error::data(format!("{shown}: cannot read as delimited text: {e}"))),
    };
    let texts = frame
        .columns()
        .iter()
        .map(|c| c.str().cloned().map_err(|e| Error::runtime(e.to_string())))
        .collect::<Result<Vec<StringChunked>>>()?;
    typed(shown, schema, texts, skip_first)
}

/// Converts text columns (one per declared column, in order) to the declared types.
fn typed(shown: &str, schema: &Schema, texts: Vec<StringChunked>, skip_first: bool) -> Result<DataFrame> {
    let height = texts.first().map_or(0, |t| t.len());
    let mut columns = Vec::with_capacity(schema.len());
    for ((name, ty), text) in schema.columns.iter().zip(texts) {
        let series = typing::convert_text(&text, *ty, 0).map_err(|bad| bad_value(shown, name, *ty, &bad, skip_first))?;
        columns.push(series.with_name(name.as_str().into()).cast(&ty.polars())?.into_column());
    }
    Ok(DataFrame::new(height, columns)?)
}

fn bad_value(shown: &str, column: &str, ty: KqlType, bad: &BadCell, skip_first: bool) -> Error {
    let record = bad.row + 1 + usize::from(skip_first);
    Error::data(format!("{shown}: record {record}, column '{column}': \"{}\" is not a {ty}", super::shorten(&bad.text)))
        .with_help(format!("the externaldata declaration types '{column}' as {ty}"))
}

/// Objects, one per line or in arrays, bound to the declared columns by name.
fn json(path: &Path, shown: &str, skip_first: bool, schema: &Schema) -> Result<DataFrame> {
    let text = super::read_utf8(path, shown)?;
    let mut rows = ObjectRows::new(false);
    let mut count = 0usize;
    let mut push = |value: Json, rows: &mut ObjectRows| -> Result<()> {
        count += 1;
        if skip_first && count == 1 {
            return Ok(());
        }
        match value {
            Json::Object(object) => {
                rows.push(object);
                Ok(())
            }
            other => Err(Error::data(format!("{shown}: record {count}: not a JSON object: {}", super::shorten(&other.to_compact())))),
        }
    };
    for value in serde_json::Deserializer::from_str(&text).into_iter::<Json>() {
        match value.map_err(|e| Error::data(format!("{shown}: not JSON: {e}")))? {
            Json::Array(items) => {
                for item in items {
                    push(item, &mut rows)?;
                }
            }
            other => push(other, &mut rows)?,
        }
    }
    // Declared columns are converted to their declared types; others are not kept.
    let (_, frame) = rows.finish(Some(schema), shown, &|row| format!("record {}", row + 1 + usize::from(skip_first)))?;
    in_schema(frame, schema)
}

fn parquet(path: &Path, shown: &str, skip_first: bool, schema: &Schema) -> Result<DataFrame> {
    let err = |e: PolarsError| Error::data(format!("{shown}: cannot read as Parquet: {e}"));
    let source = PlRefPath::try_from_path(path).map_err(err)?;
    let mut lazy = LazyFrame::scan_parquet(source, ScanArgsParquet::default()).map_err(err)?;
    let file = lazy.collect_schema().map_err(err)?;
    let exprs: Vec<Expr> = schema
        .columns
        .iter()
        .map(|(n, t)| {
            match file.get(n.as_str()) {
                Some(_) => col(n.as_str()).strict_cast(t.polars()),
                None => lit(NULL).cast(t.polars()),
            }
            .alias(n.as_str())
        })
        .collect();
    let lazy = if skip_first { lazy.slice(1, IdxSize::MAX) } else { lazy };
    let frame = lazy.select(exprs).collect().map_err(err)?;
    in_schema(frame, schema)
}

/// The declared columns in order, in their Polars types; a declared column the data does
/// not have is empty (null; a string is made `""` with the other nulls).
fn in_schema(frame: DataFrame, schema: &Schema) -> Result<DataFrame> {
    let height = frame.height();
    let mut columns = Vec::with_capacity(schema.len());
    for (name, ty) in &schema.columns {
        let column = match frame.column(name) {
            Ok(c) => c.cast(&ty.polars())?,
            Err(_) => Column::full_null(name.as_str().into(), height, &ty.polars()),
        };
        columns.push(column);
    }
    Ok(DataFrame::new(height, columns)?)
}
