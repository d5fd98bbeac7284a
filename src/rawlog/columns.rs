//! Column buffers to Polars columns in the fixed Kusto layout (`types.rs`): strings are
//! never null, datetimes are UTC nanoseconds. Values shared by many rows (a record's
//! resource ID, a rule name, the file name) are stored once and gathered, so a row costs
//! a 16-byte view rather than a copy of the text.

use crate::error::{Error, Result};
use crate::types::Schema;
use polars::prelude::*;
use std::collections::HashMap;

pub(crate) fn name(n: &str) -> PlSmallStr {
    PlSmallStr::from_str(n)
}

pub(crate) fn strings(n: &str, values: &[&str]) -> Column {
    Column::new(name(n), values)
}

/// A numeric column; when no value is missing (ports, times, most counters) the values
/// move in without a validity mask being built element by element.
fn numbers<T>(n: &str, values: Vec<Option<T::Native>>) -> Column
where
    T: PolarsNumericType,
{
    let ca = if values.iter().all(Option::is_some) {
        let dense: Vec<T::Native> = values.into_iter().flatten().collect();
        ChunkedArray::<T>::from_vec(name(n), dense)
    } else {
        ChunkedArray::<T>::from_iter_options(name(n), values.into_iter())
    };
    ca.into_series().into_column()
}

pub(crate) fn ints(n: &str, values: Vec<Option<i32>>) -> Column {
    numbers::<Int32Type>(n, values)
}

pub(crate) fn longs(n: &str, values: Vec<Option<i64>>) -> Column {
    numbers::<Int64Type>(n, values)
}

pub(crate) fn reals(n: &str, values: Vec<Option<f64>>) -> Column {
    numbers::<Float64Type>(n, values)
}

pub(crate) fn datetime_type() -> DataType {
    DataType::Datetime(TimeUnit::Nanoseconds, None)
}

/// Nanoseconds since the epoch as a `datetime` column.
pub(crate) fn datetimes(n: &str, nanos: Vec<Option<i64>>) -> Result<Column> {
    Ok(Column::new(name(n), nanos).cast(&datetime_type())?)
}

pub(crate) fn const_string(n: &str, value: &str, len: usize) -> Column {
    Column::new_scalar(name(n), Scalar::new(DataType::String, AnyValue::StringOwned(value.into())), len)
}

pub(crate) fn nulls(n: &str, dtype: &DataType, len: usize) -> Column {
    Column::full_null(name(n), len, dtype)
}

/// Rows `idx` of `values`: repeated texts share one buffer.
pub(crate) fn gather(col: &Column, idx: &IdxCa) -> Result<Column> {
    Ok(col.take(idx)?)
}

/// A column of short codes (`T`, `O`, `B`, ...) drawn from a few static texts: each text
/// is stored once and rows gather it, which is cheaper than building every row's text.
pub(crate) fn codes(n: &str, values: &[&'static str]) -> Result<Column> {
    let mut dict: Vec<&'static str> = Vec::new();
    let mut idx: Vec<IdxSize> = Vec::with_capacity(values.len());
    let mut last: Option<(&'static str, IdxSize)> = None;
    for v in values {
        let i = match last {
            // The same static text: a pointer and length check, no comparison of bytes.
            Some((l, i)) if std::ptr::eq(l, *v) => i,
            _ => {
                let i = match dict.iter().position(|d| d == v) {
                    Some(i) => i as IdxSize,
                    None => {
                        dict.push(v);
                        (dict.len() - 1) as IdxSize
                    }
                };
                last = Some((v, i));
                i
            }
        };
        idx.push(i);
    }
    gather(&strings(n, &dict), &IdxCa::from_vec(name("idx"), idx))
}

/// Distinct texts with a per-row index, for low-cardinality derived columns.
#[derive(Default)]
pub(crate) struct Interner {
    index: HashMap<String, IdxSize>,
    values: Vec<String>,
    rows: Vec<IdxSize>,
}

impl Interner {
    pub fn push(&mut self, value: &str) {
        // Runs of one value are the common case (a blob's rule, NIC, NSG): no hashing.
        if let Some(&last) = self.rows.last() {
            if self.values[last as usize] == value {
                self.rows.push(last);
                return;
            }
        }
        let i = match self.index.get(value) {
            Some(i) => *i,
            None => {
                let i = self.values.len() as IdxSize;
                self.values.push(value.to_string());
                self.index.insert(value.to_string(), i);
                i
            }
        };
        self.rows.push(i);
    }

    /// The index of the last pushed value pushed again (the common case of a run).
    pub fn repeat_last(&mut self) -> bool {
        match self.rows.last().copied() {
            Some(i) => {
                self.rows.push(i);
                true
            }
            None => false,
        }
    }

    pub fn finish(self, n: &str) -> Result<Column> {
        let values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        let col = strings(n, &values);
        let idx = IdxCa::from_vec(name("idx"), self.rows);
        gather(&col, &idx)
    }
}

/// A frame with exactly `schema`'s columns, in its order and in its Polars types.
pub(crate) fn in_schema_order(schema: &Schema, mut cols: HashMap<String, Column>, height: usize) -> Result<DataFrame> {
    let mut out = Vec::with_capacity(schema.len());
    for (n, t) in &schema.columns {
        let dtype = t.polars();
        let col = match cols.remove(n) {
            Some(c) => {
                if c.dtype() != &dtype {
                    return Err(Error::runtime(format!("internal: column {n} is {} where the schema says {}", c.dtype(), dtype)));
                }
                c
            }
            None if t.is_textual() => const_string(n, "", height),
            None => nulls(n, &dtype, height),
        };
        out.push(col);
    }
    if let Some(extra) = cols.keys().next() {
        return Err(Error::runtime(format!("internal: column {extra} is not in the table's schema")));
    }
    Ok(DataFrame::new(height, out)?)
}

const MAX_CHUNKS: usize = 64;

/// Stacks per-file frames of one schema into one frame (one chunk per column once there
/// are many).
pub(crate) fn stack(frames: Vec<DataFrame>, schema: &Schema) -> Result<DataFrame> {
    let mut iter = frames.into_iter();
    let Some(mut acc) = iter.next() else {
        return in_schema_order(schema, HashMap::new(), 0);
    };
    let mut frames = 1;
    for df in iter {
        acc.vstack_mut_owned(df)?;
        frames += 1;
    }
    // A few chunks per column cost queries nothing; thousands (one per blob) do.
    if frames > MAX_CHUNKS {
        acc.rechunk_mut_par();
    }
    Ok(acc)
}
