//! AWS VPC flow logs delivered as Parquet, scanned lazily by Polars and mapped to the
//! `AWSVPCFlow` columns (the same field-to-column map as the text reader). Parquet names
//! the fields with `_` where text uses `-` (`log_status`); both are accepted. Values that
//! do not convert are an error, never a silent null.

use super::aws::{self, Kind, FIELDS};
use super::columns::datetime_type;
use super::problems::Problems;
use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::Path;

fn scan(path: &Path) -> PolarsResult<LazyFrame> {
    let source = PlRefPath::try_from_path(path)?;
    LazyFrame::scan_parquet(source, ScanArgsParquet::default())
}

/// Whether a Parquet file's columns are AWS flow-log fields (at least three, among them
/// an address).
pub(crate) fn is_aws(path: &Path) -> bool {
    let Ok(mut lazy) = scan(path) else {
        return false;
    };
    let Ok(schema) = lazy.collect_schema() else {
        return false;
    };
    let names: Vec<String> = schema.iter_names().map(|n| aws::field_name(n)).collect();
    let known = names.iter().filter(|n| FIELDS.iter().any(|(f, _, _)| f == n)).count();
    known >= 3 && names.iter().any(|n| n == "srcaddr" || n == "dstaddr")
}

/// The file as an `AWSVPCFlow` frame and its row count.
pub(crate) fn read(path: &Path, problems: &mut Problems) -> Result<(DataFrame, usize)> {
    let shown = problems.file.clone();
    let err = |e: PolarsError| Error::data(format!("{shown}: cannot read as an AWS flow log Parquet file: {e}"));
    let mut lazy = scan(path).map_err(err)?;
    let file_schema = lazy.collect_schema().map_err(err)?;
    let mut sources: Vec<Option<(PlSmallStr, DataType)>> = vec![None; FIELDS.len()];
    let mut unloaded = Vec::new();
    for (name, dtype) in file_schema.iter() {
        let field = aws::field_name(name);
        match FIELDS.iter().position(|(f, _, _)| *f == field) {
            Some(slot) => sources[slot] = Some((name.clone(), dtype.clone())),
            None => unloaded.push(name.to_string()),
        }
    }
    if !unloaded.is_empty() {
        problems.note(format!("columns with no AWSVPCFlow column, not loaded: {}", unloaded.join(", ")));
    }
    let table = aws::table_schema();
    let mut exprs = Vec::with_capacity(table.len());
    for (name, ty) in &table.columns {
        let slot = FIELDS.iter().position(|(_, c, _)| c == name);
        let source = slot.and_then(|s| sources[s].clone().map(|src| (FIELDS[s].2, src)));
        let e = match source {
            Some((kind, (src, dtype))) => convert(col(src), &dtype, kind),
            None if name == "Type" => lit(aws::TABLE),
            None if ty.is_textual() => lit(""),
            None => lit(NULL).cast(ty.polars()),
        };
        exprs.push(e.alias(name.as_str()));
    }
    // Converted once, here, so that a bad value is an error of the load, not of a later
    // query; the frame is then in memory like the other raw readers' frames.
    let frame = lazy.select(exprs).collect().map_err(err)?;
    let rows = frame.height();
    Ok((frame, rows))
}

fn convert(e: Expr, dtype: &DataType, kind: Kind) -> Expr {
    match kind {
        Kind::Text | Kind::OneOf(_) | Kind::Ip => {
            let s = if *dtype == DataType::String { e } else { e.strict_cast(DataType::String) };
            when(s.clone().eq(lit("-"))).then(lit("")).otherwise(s).fill_null(lit(""))
        }
        Kind::Port | Kind::Int => e.strict_cast(DataType::Int32),
        Kind::Long => e.strict_cast(DataType::Int64),
        Kind::Seconds => (e.strict_cast(DataType::Int64) * lit(1_000_000_000i64)).cast(datetime_type()),
    }
}
