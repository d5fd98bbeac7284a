//! Typed, row-addressable views of a result's columns, shared by the text writers so each
//! cell is read without going through Polars' dynamic `AnyValue`.

use crate::error::{Error, Result};
use crate::text;
use crate::types::{KqlType, ResultTable};
use polars::prelude::*;
use std::borrow::Cow;

/// One cell, borrowed from its column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Bool(bool),
    Integer(i64),
    Real(f64),
    /// A `string` or `guid`.
    Text(&'a str),
    /// A `dynamic` value's compact JSON.
    Json(&'a str),
    DateTime(i64),
    TimeSpan(i64),
}

impl Cell<'_> {
    /// The value's text form (see [`text`]): what CSV and the terminal table print.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match *self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Cell::Integer(i) => Cow::Owned(i.to_string()),
            Cell::Real(f) => Cow::Owned(text::format_real(f)),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Json(j) => text::format_dynamic(j),
            Cell::DateTime(n) => Cow::Owned(text::format_datetime(n)),
            Cell::TimeSpan(n) => Cow::Owned(text::format_timespan(n)),
        }
    }
}

enum View {
    Bool(BooleanChunked),
    Int(Int32Chunked),
    Long(Int64Chunked),
    Real(Float64Chunked),
    Text(StringChunked),
    Guid(StringChunked),
    Json(StringChunked),
    DateTime(Int64Chunked),
    TimeSpan(Int64Chunked),
}

/// The columns of a result, each cast to its Kusto type's layout and rechunked so a row
/// lookup is direct.
pub(crate) struct Columns {
    views: Vec<View>,
    pub names: Vec<String>,
    pub types: Vec<KqlType>,
    pub height: usize,
}

impl Columns {
    pub(crate) fn new(result: &ResultTable) -> Result<Columns> {
        let frame = &result.frame;
        if frame.width() != result.schema.len() {
            return Err(Error::runtime(format!("the result has {} columns but its schema names {}", frame.width(), result.schema.len())));
        }
        let mut views = Vec::with_capacity(frame.width());
        for (column, (name, ty)) in frame.columns().iter().zip(&result.schema.columns) {
            let series = column.as_materialized_series();
            let series =
                series.cast(&ty.polars()).map_err(|e| Error::runtime(format!("column '{name}' cannot be written as {ty}: {e}")))?.rechunk();
            let bad = |e: PolarsError| Error::runtime(format!("column '{name}': {e}"));
            let phys = || series.to_physical_repr().i64().cloned().map_err(bad);
            views.push(match ty {
                KqlType::Bool => View::Bool(series.bool().map_err(bad)?.clone()),
                KqlType::Int => View::Int(series.i32().map_err(bad)?.clone()),
                KqlType::Long => View::Long(series.i64().map_err(bad)?.clone()),
                KqlType::Real | KqlType::Decimal => View::Real(series.f64().map_err(bad)?.clone()),
                KqlType::String => View::Text(series.str().map_err(bad)?.clone()),
                KqlType::Guid => View::Guid(series.str().map_err(bad)?.clone()),
                KqlType::Dynamic => View::Json(series.str().map_err(bad)?.clone()),
                KqlType::DateTime => View::DateTime(phys()?),
                KqlType::TimeSpan => View::TimeSpan(phys()?),
            });
        }
        Ok(Columns {
            views,
            names: result.schema.columns.iter().map(|(n, _)| n.clone()).collect(),
            types: result.schema.columns.iter().map(|(_, t)| *t).collect(),
            height: frame.height(),
        })
    }

    pub(crate) fn width(&self) -> usize {
        self.views.len()
    }

    pub(crate) fn cell(&self, column: usize, row: usize) -> Cell<'_> {
        let cell = match &self.views[column] {
            View::Bool(c) => c.get(row).map(Cell::Bool),
            View::Int(c) => c.get(row).map(|v| Cell::Integer(i64::from(v))),
            View::Long(c) => c.get(row).map(Cell::Integer),
            View::Real(c) => c.get(row).map(Cell::Real),
            // A Kusto string is never null; a null that reaches here prints as "".
            View::Text(c) => Some(Cell::Text(c.get(row).unwrap_or(""))),
            View::Guid(c) => c.get(row).map(Cell::Text),
            View::Json(c) => c.get(row).map(Cell::Json),
            View::DateTime(c) => c.get(row).map(Cell::DateTime),
            View::TimeSpan(c) => c.get(row).map(Cell::TimeSpan),
        };
        cell.unwrap_or(Cell::Null)
    }
}
