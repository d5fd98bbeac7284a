//! A `make-series` result (and the series functions applied to it) holds one row per
//! series, its x values and y values as dynamic arrays. Kusto charts such a row as a
//! series: here the arrays are laid out one element per row, in lockstep, with the row's
//! other columns repeated, and each array column is typed by its elements (datetimes or
//! numbers), so that the chart roles apply as to any table.

use crate::error::Result;
use crate::syntax::ast::Render;
use crate::types::{KqlType, ResultTable, Schema};
use polars::prelude::*;
use serde_json::Value;
use std::borrow::Cow;

use super::spec::{chart_spec, ChartSpec};

/// The chart `render` asks for and the table it is drawn from: `result` itself, or its
/// series laid out as rows when it has array columns.
pub fn chart_input<'a>(render: &Render, result: &'a ResultTable) -> Result<(ChartSpec, Cow<'a, ResultTable>)> {
    let table = match series_rows(result)? {
        Some(t) => Cow::Owned(t),
        None => Cow::Borrowed(result),
    };
    let spec = chart_spec(render, &table.schema)?;
    Ok((spec, table))
}

/// Whether a result of this schema may hold series (dynamic columns), so that its chart
/// roles can only be known from the data.
pub fn may_hold_series(schema: &Schema) -> bool {
    schema.columns.iter().any(|(_, t)| *t == KqlType::Dynamic)
}

/// The result with its array columns laid out one element per row, or `None` when it
/// holds no series (fewer than two array columns, or arrays of different lengths).
fn series_rows(result: &ResultTable) -> Result<Option<ResultTable>> {
    let height = result.frame.height();
    let mut arrays: Vec<(usize, Vec<Vec<Value>>)> = Vec::new();
    for (k, (name, ty)) in result.schema.columns.iter().enumerate() {
        if *ty != KqlType::Dynamic {
            continue;
        }
        let texts = result.frame.column(name)?.str()?.clone();
        let mut rows = Vec::with_capacity(height);
        let mut all_arrays = true;
        for text in texts.iter() {
            match text.map(serde_json::from_str::<Value>) {
                Some(Ok(Value::Array(items))) => rows.push(items),
                None | Some(Ok(Value::Null)) => rows.push(Vec::new()),
                _ => {
                    all_arrays = false;
                    break;
                }
            }
        }
        if all_arrays {
            arrays.push((k, rows));
        }
    }
    // Series come as arrays in lockstep (make-series gives its axis and each aggregate,
    // all of one length per row); a lone array (a make_set) is a value, not a series.
    let lockstep = |r: usize| arrays.iter().all(|(_, rows)| rows[r].len() == arrays[0].1[r].len());
    if arrays.len() < 2 || !(0..height).all(lockstep) {
        return Ok(None);
    }
    let lengths: Vec<usize> = (0..height).map(|r| arrays[0].1[r].len()).collect();
    let source: Vec<IdxSize> = lengths.iter().enumerate().flat_map(|(r, n)| std::iter::repeat_n(r as IdxSize, *n)).collect();
    let idx = IdxCa::from_vec("idx".into(), source);
    let mut columns = Vec::with_capacity(result.schema.len());
    let mut schema = Vec::with_capacity(result.schema.len());
    for (k, (name, ty)) in result.schema.columns.iter().enumerate() {
        match arrays.iter().find(|(a, _)| *a == k) {
            None => {
                columns.push(result.frame.column(name)?.take(&idx)?);
                schema.push((name.clone(), *ty));
            }
            Some((_, rows)) => {
                let elements: Vec<Option<&Value>> =
                    rows.iter().zip(&lengths).flat_map(|(items, n)| (0..*n).map(move |i| items.get(i))).collect();
                let (ty, column) = element_column(name, &elements);
                columns.push(column);
                schema.push((name.clone(), ty));
            }
        }
    }
    let frame = DataFrame::new(idx.len(), columns)?;
    Ok(Some(ResultTable { schema: Schema::new(schema), frame }))
}

/// A column of array elements, typed datetime when every element is a datetime text,
/// real when every element is a number, and dynamic otherwise.
fn element_column(name: &str, elements: &[Option<&Value>]) -> (KqlType, Column) {
    let present = || elements.iter().flatten().filter(|v| !v.is_null());
    let datetime = |v: &Value| v.as_str().and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    if present().next().is_some() && present().all(|v| datetime(v).is_some()) {
        let nanos: Vec<Option<i64>> = elements.iter().map(|v| v.and_then(&datetime).and_then(|t| t.timestamp_nanos_opt())).collect();
        let column =
            Int64Chunked::from_iter_options(name.into(), nanos.into_iter()).into_datetime(TimeUnit::Nanoseconds, None).into_column();
        return (KqlType::DateTime, column);
    }
    if present().all(|v| v.is_number()) {
        let values: Vec<Option<f64>> = elements.iter().map(|v| v.and_then(Value::as_f64)).collect();
        return (KqlType::Real, Float64Chunked::from_iter_options(name.into(), values.into_iter()).into_column());
    }
    let texts: Vec<Option<String>> = elements.iter().map(|v| v.map(|v| v.to_string())).collect();
    (KqlType::Dynamic, StringChunked::from_iter_options(name.into(), texts.into_iter()).into_column())
}
