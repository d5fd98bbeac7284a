//! Tests of the raw flow-log readers. Expected values come from the sample files by hand
//! or from a few lines of plain serde_json over the same bytes, never from the readers.

mod aggregate;
mod malformed;
mod samples;
mod trees;
mod view;

use super::*;
use polars::prelude::DataFrame;

/// The public raw samples shared beside the repository (see their SOURCES.md).
pub(super) fn sample(rel: &str) -> String {
    format!("{}/../shared/data/raw-samples/{rel}", env!("CARGO_MANIFEST_DIR"))
}

pub(super) fn strict() -> ReadOptions {
    ReadOptions::default()
}

pub(super) fn lenient() -> ReadOptions {
    ReadOptions { lenient: true, ..ReadOptions::default() }
}

pub(super) fn collect(t: &Table) -> DataFrame {
    t.frame.clone().collect().expect("frame collects")
}

pub(super) fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    let col = df.column(name).expect("column exists");
    let ca = col.str().expect("string column");
    ca.iter().map(|v| v.expect("strings are never null").to_string()).collect()
}

pub(super) fn longs(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let col = df.column(name).expect("column exists").cast(&polars::prelude::DataType::Int64).expect("casts to Int64");
    col.i64().expect("i64").iter().collect()
}

pub(super) fn reals(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let col = df.column(name).expect("column exists");
    col.f64().expect("real column").iter().collect()
}

pub(super) fn sum_reals(df: &DataFrame, name: &str) -> f64 {
    reals(df, name).into_iter().flatten().sum()
}

/// The frame's columns and Polars types are exactly the schema's.
pub(super) fn assert_layout(t: &Table, df: &DataFrame) {
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    let want: Vec<&str> = t.schema.names().collect();
    assert_eq!(names, want);
    for (n, ty) in &t.schema.columns {
        assert_eq!(df.column(n).expect("column").dtype(), &ty.polars(), "column {n}");
    }
}

/// Nanoseconds of a UTC time given as text, computed with chrono, not the readers.
pub(super) fn ns(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text).expect("valid time").timestamp_nanos_opt().expect("in range")
}
