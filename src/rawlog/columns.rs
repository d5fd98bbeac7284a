//! Column buffers to Polars columns in the fixed Kusto layout (`types.rs`): strings are
//! never null, datetimes are UTC nanoseconds. Values shared by many rows (a record's
//! resource ID, a rule name, the file name) are stored once and gathered, so a row costs
//! a 16-byte view rather than a copy of the text; a value shared by every row of a chunk
//! (a blob's NSG, its file name) becomes a constant column, which costs nothing per row
//! and stays constant when chunks are stacked.

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

/// A numeric column being filled: dense values, and a validity list only once a null
/// has appeared (most columns never see one).
pub(crate) struct Nullable<T: PolarsNumericType> {
    values: Vec<T::Native>,
    valid: Option<Vec<bool>>,
}

impl<T: PolarsNumericType> Nullable<T> {
    pub fn with_capacity(n: usize) -> Self {
        Nullable { values: Vec::with_capacity(n), valid: None }
    }

    #[inline]
    pub fn push(&mut self, v: Option<T::Native>) {
        match v {
            Some(x) => {
                self.values.push(x);
                if let Some(valid) = &mut self.valid {
                    valid.push(true);
                }
            }
            None => {
                let len = self.values.len();
                let cap = self.values.capacity();
                let valid = self.valid.get_or_insert_with(|| {
                    let mut m = Vec::with_capacity(cap);
                    m.resize(len, true);
                    m
                });
                valid.push(false);
                self.values.push(T::Native::default());
            }
        }
    }

    pub fn finish(self, n: &str) -> Column {
        let ca = match self.valid {
            None => ChunkedArray::<T>::from_vec(name(n), self.values),
            Some(valid) => {
                // The values move in as they are; the flags are packed into the mask.
                let mask = BooleanChunked::from_slice(name(n), &valid);
                let bits = mask.downcast_iter().next().map(|a| a.values().clone());
                ChunkedArray::<T>::from_vec(name(n), self.values).with_validity(bits)
            }
        };
        ca.into_series().into_column()
    }
}

/// A column of short codes (`T`, `O`, `B`, ...) drawn from a few static texts, one byte a
/// row while reading. A column with one code throughout becomes a constant column;
/// otherwise each text is stored once and rows gather it.
pub(crate) struct Codes {
    dict: &'static [&'static str],
    rows: Vec<u8>,
}

impl Codes {
    pub fn with_capacity(dict: &'static [&'static str], n: usize) -> Self {
        Codes { dict, rows: Vec::with_capacity(n) }
    }

    /// `code` is an index into the dictionary.
    #[inline]
    pub fn push(&mut self, code: u8) {
        self.rows.push(code);
    }

    pub fn finish(self, n: &str) -> Result<Column> {
        let len = self.rows.len();
        let texts = strings(n, self.dict);
        match self.rows.first() {
            Some(&first) if self.rows.iter().all(|r| *r == first) => Ok(texts.new_from_index(first as usize, len)),
            _ => {
                let idx: Vec<IdxSize> = self.rows.into_iter().map(IdxSize::from).collect();
                gather(&texts, &IdxCa::from_vec(name("idx"), idx))
            }
        }
    }
}

/// A column of values shared by groups of rows (a record's time, a rule, a NIC): row `r`
/// takes `values[idx[r]]`. `constant` (every value the same) gives a constant column,
/// which costs nothing per row; otherwise rows gather the values.
pub(crate) fn spread(values: &Column, idx: &IdxCa, constant: bool) -> Result<Column> {
    if constant && !values.is_empty() {
        Ok(values.new_from_index(0, idx.len()))
    } else {
        gather(values, idx)
    }
}

/// Whether every value is the same.
pub(crate) fn all_same<T: PartialEq>(values: &[T]) -> bool {
    values.first().is_none_or(|f| values.iter().all(|v| v == f))
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
        // A handful of values (statuses, codes): a scan is cheaper than hashing.
        let few = if self.values.len() <= 8 { self.values.iter().position(|v| v == value) } else { None };
        let i = match few.map(|i| i as IdxSize).or_else(|| self.index.get(value).copied()) {
            Some(i) => i,
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
        if values.len() == 1 {
            return Ok(col.new_from_index(0, self.rows.len()));
        }
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

/// Stacks per-chunk frames of one schema into one frame (one chunk per column once there
/// are many). A column that is the same constant in every frame (a blob's NSG, its file
/// name) stays constant.
pub(crate) fn stack(frames: Vec<DataFrame>, schema: &Schema) -> Result<DataFrame> {
    if frames.len() <= 1 {
        return match frames.into_iter().next() {
            Some(df) => Ok(df),
            None => in_schema_order(schema, HashMap::new(), 0),
        };
    }
    let height: usize = frames.iter().map(DataFrame::height).sum();
    let count = frames.len();
    let mut columns: Vec<Vec<Column>> = Vec::new();
    for df in frames {
        for (k, col) in df.into_columns().into_iter().enumerate() {
            match columns.get_mut(k) {
                Some(v) => v.push(col),
                None => columns.push(vec![col]),
            }
        }
    }
    let mut out = Vec::with_capacity(columns.len());
    for parts in columns {
        out.push(stack_column(parts, height)?);
    }
    let mut acc = DataFrame::new(height, out)?;
    // A few chunks per column cost queries nothing; thousands (one per blob) do.
    if count > MAX_CHUNKS {
        acc.rechunk_mut_par();
    }
    Ok(acc)
}

fn stack_column(parts: Vec<Column>, height: usize) -> Result<Column> {
    let constant = match parts.first() {
        Some(Column::Scalar(first)) => {
            parts.iter().all(|p| matches!(p, Column::Scalar(s) if s.scalar() == first.scalar())).then(|| first.scalar().clone())
        }
        _ => None,
    };
    let mut iter = parts.into_iter();
    let Some(first) = iter.next() else {
        return Err(Error::runtime("internal: no column to stack"));
    };
    if let Some(value) = constant {
        return Ok(Column::new_scalar(first.name().clone(), value, height));
    }
    let mut series = first.take_materialized_series();
    for part in iter {
        series.append_owned(part.take_materialized_series())?;
    }
    Ok(series.into_column())
}
