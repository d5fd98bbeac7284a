//! Turns the generator's per-column values into a frame with exactly the columns, order
//! and Polars types of a built-in schema. Columns a table does not fill are added as
//! Kusto's empty value: `""` for text, null for everything else.

use super::parallel;
use crate::error::{Error, Result};
use crate::schema;
use crate::types::{KqlType, Schema};
use polars::prelude::*;

/// Builds one column when run; deferred so `finish` can build columns side by side.
type Build<'a> = Box<dyn FnOnce() -> Series + Send + 'a>;

/// The columns of one table under construction, all of the same height.
pub(super) struct Columns<'a> {
    height: usize,
    cols: Vec<(String, KqlType, Build<'a>)>,
}

impl<'a> Columns<'a> {
    pub(super) fn new(height: usize) -> Self {
        Columns { height, cols: Vec::new() }
    }

    fn push(&mut self, name: &str, kind: KqlType, build: impl FnOnce(PlSmallStr) -> Series + Send + 'a) {
        let pl_name = PlSmallStr::from(name);
        self.cols.push((name.to_string(), kind, Box::new(move || build(pl_name))));
    }

    /// A `string`, `guid` or `dynamic` column (all held as text).
    pub(super) fn text<S: AsRef<str>>(&mut self, name: &str, values: impl Iterator<Item = S> + Send + 'a) {
        self.push(name, KqlType::String, move |n| StringChunked::from_iter_values(n, values).into_series());
    }

    /// The same text in every row.
    pub(super) fn constant(&mut self, name: &str, value: &'a str) {
        let height = self.height;
        self.push(name, KqlType::String, move |n| StringChunked::full(n, value, height).into_series());
    }

    pub(super) fn real(&mut self, name: &str, values: impl Iterator<Item = Option<f64>> + Send + 'a) {
        self.push(name, KqlType::Real, move |n| Float64Chunked::from_iter_options(n, values).into_series());
    }

    pub(super) fn long(&mut self, name: &str, values: impl Iterator<Item = Option<i64>> + Send + 'a) {
        self.push(name, KqlType::Long, move |n| Int64Chunked::from_iter_options(n, values).into_series());
    }

    pub(super) fn int(&mut self, name: &str, values: impl Iterator<Item = Option<i32>> + Send + 'a) {
        self.push(name, KqlType::Int, move |n| Int32Chunked::from_iter_options(n, values).into_series());
    }

    pub(super) fn flag(&mut self, name: &str, values: impl Iterator<Item = Option<bool>> + Send + 'a) {
        self.push(name, KqlType::Bool, move |n| BooleanChunked::from_iter_options(n, values).into_series());
    }

    /// A `datetime` column from Unix nanoseconds.
    pub(super) fn time(&mut self, name: &str, values: impl Iterator<Item = Option<i64>> + Send + 'a) {
        self.push(name, KqlType::DateTime, move |n| {
            Int64Chunked::from_iter_options(n, values).into_datetime(TimeUnit::Nanoseconds, None).into_series()
        });
    }

    /// The frame in the schema's column order, with the unfilled columns empty.
    ///
    /// A column the schema lacks, a type that disagrees with the schema or a wrong
    /// height is a bug in the generator; it is reported rather than papered over.
    pub(super) fn finish(self, table: &str) -> Result<(Schema, DataFrame)> {
        let schema = schema::builtin(table).ok_or_else(|| Error::runtime(format!("sample data: no built-in schema for {table}")))?;
        let mut slots: Vec<Option<Build<'a>>> = (0..schema.len()).map(|_| None).collect();
        for (name, kind, build) in self.cols {
            let Some(i) = schema.index_of(&name) else {
                return Err(Error::runtime(format!("sample data: {table} has no column {name}")));
            };
            let want = schema.columns[i].1;
            if want.polars() != kind.polars() {
                return Err(Error::runtime(format!("sample data: {table}.{name} is {want} but was generated as {kind}")));
            }
            if slots[i].replace(build).is_some() {
                return Err(Error::runtime(format!("sample data: {table}.{name} was generated twice")));
            }
        }
        let height = self.height;
        let jobs: Vec<std::sync::Mutex<Option<Build<'a>>>> = slots.into_iter().map(std::sync::Mutex::new).collect();
        let built = parallel::map_indexed(schema.len(), |i| {
            let build = jobs[i].lock().ok().and_then(|mut slot| slot.take());
            let (name, kind) = &schema.columns[i];
            let name = PlSmallStr::from(name.as_str());
            match build {
                Some(build) => build(),
                None if kind.is_textual() => StringChunked::full(name, "", height).into_series(),
                None => Series::full_null(name, height, &kind.polars()),
            }
        })?;
        let mut ordered = Vec::with_capacity(built.len());
        for series in built {
            if series.len() != height {
                return Err(Error::runtime(format!("sample data: {table}.{} has {} rows, expected {height}", series.name(), series.len())));
            }
            ordered.push(series.into_column());
        }
        let frame = DataFrame::new(height, ordered)?;
        Ok((schema, frame))
    }
}
