//! Parquet, scanned lazily so that a query's filters and column choice reach the reader
//! (row groups skipped by their statistics, unused columns never decoded).
//!
//! Parquet's own types decide the Kusto types, except where several Kusto types share
//! one physical type (`guid`, `dynamic` and `string` are all text): flowkql's writer
//! records the Kusto types in the file's key-value metadata, and they are used when
//! present and consistent with the data.

use crate::error::{Error, Result};
use crate::types::{KqlType, Schema, Table};
use polars::prelude::*;
use std::path::Path;

/// The key-value metadata entry holding `[[name, type], ...]`.
pub(crate) const KUSTO_TYPES_KEY: &str = "flowkql.kusto_types";

pub(crate) fn read_parquet(path: &Path) -> Result<Table> {
    let shown = path.display().to_string();
    let data_err = |e: PolarsError| Error::data(format!("{shown}: cannot read as Parquet: {e}"));
    let facts = file_facts(path).map_err(data_err)?;
    let source = PlRefPath::try_from_path(path).map_err(data_err)?;
    let mut lazy = LazyFrame::scan_parquet(source, ScanArgsParquet::default()).map_err(data_err)?;
    let file_schema = lazy.collect_schema().map_err(data_err)?;

    let mut columns = Vec::with_capacity(file_schema.len());
    let mut exprs = Vec::with_capacity(file_schema.len());
    for (name, dtype) in file_schema.iter() {
        let ty = match facts.recorded.iter().find(|(n, _)| n == name.as_str()) {
            Some((_, t)) if t.polars() == KqlType::from_polars(dtype).polars() => *t,
            _ => KqlType::from_polars(dtype),
        };
        if ty == KqlType::Dynamic && *dtype != DataType::String {
            return Err(Error::data(format!("{shown}: column '{name}' has Parquet type {dtype}, which flowkql cannot read yet"))
                .with_help("store nested values as JSON text in a string column"));
        }
        let may_be_null = !facts.null_free.iter().any(|n| n == name.as_str());
        exprs.push(to_layout(col(name.clone()), dtype, ty, may_be_null).alias(name.clone()));
        columns.push((name.to_string(), ty));
    }
    Ok(Table { schema: Schema::new(columns), frame: lazy.select(exprs) })
}

/// Converts a column to its Kusto type's Polars layout. Datetimes and durations go via
/// their integer values, so time zones and units never change the instant. A column
/// already in its layout is passed through untouched: any expression on it would stop a
/// query's filter on that column from reaching the scan.
fn to_layout(e: Expr, dtype: &DataType, ty: KqlType, may_be_null: bool) -> Expr {
    let per_unit = |tu: &TimeUnit| match tu {
        TimeUnit::Nanoseconds => 1i64,
        TimeUnit::Microseconds => 1_000,
        TimeUnit::Milliseconds => 1_000_000,
    };
    match dtype {
        DataType::Datetime(tu, tz) if *tu != TimeUnit::Nanoseconds || tz.is_some() => {
            (e.to_physical() * lit(per_unit(tu))).cast(ty.polars())
        }
        DataType::Duration(tu) if *tu != TimeUnit::Nanoseconds => (e.to_physical() * lit(per_unit(tu))).cast(ty.polars()),
        DataType::String if ty == KqlType::String && may_be_null => e.fill_null(lit("")),
        _ if *dtype == ty.polars() => e,
        _ if ty == KqlType::String => e.cast(DataType::String).fill_null(lit("")),
        _ => e.cast(ty.polars()),
    }
}

/// What the footer says beyond the schema.
struct FileFacts {
    /// The Kusto types flowkql's writer stored, if any.
    recorded: Vec<(String, KqlType)>,
    /// Columns whose statistics show no null in any row group: their strings need no fill.
    null_free: Vec<String>,
}

fn file_facts(path: &Path) -> PolarsResult<FileFacts> {
    let file = std::fs::File::open(path)?;
    let mut reader = ParquetReader::new(file);
    let metadata = reader.get_metadata()?;
    let recorded = metadata
        .key_value_metadata()
        .as_ref()
        .and_then(|entries| entries.iter().find(|kv| kv.key == KUSTO_TYPES_KEY))
        .and_then(|kv| kv.value.as_deref())
        .and_then(|text| serde_json::from_str::<Vec<(String, String)>>(text).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(n, t)| KqlType::from_name(&t).map(|t| (n, t)))
        .collect();
    let mut null_free = Vec::new();
    if let Some(first) = metadata.row_groups.first() {
        for chunk in first.parquet_columns() {
            let Some(name) = chunk.descriptor().path_in_schema.first() else {
                continue;
            };
            let no_nulls = metadata.row_groups.iter().all(|rg| {
                rg.columns_under_root_iter(name).is_some_and(|mut chunks| {
                    chunks.all(|c| matches!(c.statistics(&metadata.footer_buf), Some(Ok(stats)) if stats.null_count() == Some(0)))
                })
            });
            if no_nulls {
                null_free.push(name.to_string());
            }
        }
    }
    Ok(FileFacts { recorded, null_free })
}
