//! From the result frame to the numbers a chart draws: pie slices, or series of (x, y)
//! points on a category, time or number axis.
//!
//! Only this module reads Polars columns; the drawing modules see plain vectors.

use super::labels;
use super::spec::{ChartColumn, ChartKind, ChartSpec};
use crate::error::{Error, Result};
use crate::types::{KqlType, ResultTable};
use polars::prelude::{Column, DataFrame, DataType, TimeUnit};
use std::collections::HashMap;

/// How the x values are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XKind {
    /// One slot per distinct value, in the order the result gives them; x is the slot index.
    Category,
    /// UTC instants; x is seconds since the Unix epoch.
    Time,
    Number,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub x: f64,
    pub y: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    /// Sorted by x; on a category axis at most one point per slot.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct XyData {
    pub x_kind: XKind,
    /// The slot labels of a category axis.
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The regular step between x values (a `bin()` size) when there is one.
    pub step: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slice {
    pub label: String,
    pub value: f64,
}

/// How a visualization places its x column.
pub(crate) fn x_kind(kind: ChartKind, x: &ChartColumn) -> XKind {
    match (kind, x.ty) {
        // Columns over time stand on a time axis so missing bins show as gaps; a bar chart
        // lists its bars top to bottom in result order.
        (ChartKind::Column | ChartKind::Area | ChartKind::StackedArea | ChartKind::Line | ChartKind::Time, KqlType::DateTime) => {
            XKind::Time
        }
        (ChartKind::Scatter, KqlType::DateTime) => XKind::Time,
        (ChartKind::Area | ChartKind::StackedArea | ChartKind::Line | ChartKind::Scatter, t) if t.is_numeric() => XKind::Number,
        _ => XKind::Category,
    }
}

pub(crate) fn xy_data(spec: &ChartSpec, result: &ResultTable) -> Result<XyData> {
    let frame = &result.frame;
    let x_col = spec.x.as_ref().ok_or_else(|| Error::usage("a table has no chart data"))?;
    let x_kind = x_kind(spec.kind, x_col);
    let height = frame.height();

    let mut categories = Slots::default();
    let xs: Vec<Option<f64>> = match x_kind {
        XKind::Category => {
            let texts = labels_of(column(frame, &x_col.name)?, x_col.ty)?;
            texts.into_iter().map(|t| Some(categories.slot(t) as f64)).collect()
        }
        XKind::Time => instants(column(frame, &x_col.name)?)?.into_iter().map(|v| v.map(|ns| ns as f64 / 1e9)).collect(),
        XKind::Number => numbers(column(frame, &x_col.name)?)?,
    };

    let keys = series_keys(frame, &spec.series, height)?;
    let mut ys = Vec::with_capacity(spec.y.len());
    for y in &spec.y {
        ys.push(numbers(column(frame, &y.name)?)?);
    }

    // Series in order of first appearance: each key, then each y column within it.
    let mut key_order = Slots::default();
    let mut series: Vec<Series> = Vec::new();
    for row in 0..height {
        let Some(x) = xs[row] else { continue };
        let key_index = match &keys {
            Some(k) => key_order.slot(k[row].clone()),
            None => 0,
        };
        for (yi, y) in ys.iter().enumerate() {
            let index = key_index * ys.len() + yi;
            while series.len() <= index {
                let (k, c) = (series.len() / ys.len(), series.len() % ys.len());
                series.push(Series {
                    name: series_name(keys.as_ref().map(|_| key_order.order[k].as_str()), &spec.y[c].name, ys.len()),
                    points: Vec::new(),
                });
            }
            series[index].points.push(Point { x, y: y[row] });
        }
    }
    // A key that only appears later leaves earlier slots empty; drop series with no points.
    series.retain(|s| !s.points.is_empty());

    for s in &mut series {
        s.points.sort_by(|a, b| a.x.total_cmp(&b.x));
        if x_kind == XKind::Category {
            merge_same_slot(&mut s.points);
        }
        if spec.accumulate {
            accumulate(&mut s.points);
        }
    }
    let step = match x_kind {
        XKind::Category => None,
        _ => regular_step(&series),
    };
    Ok(XyData { x_kind, categories: categories.order, series, step })
}

/// A pie's slices in result order; rows with a null or non-positive size are left out.
pub(crate) fn slices(spec: &ChartSpec, result: &ResultTable) -> Result<Vec<Slice>> {
    let frame = &result.frame;
    let x_col = spec.x.as_ref().ok_or_else(|| Error::usage("a table has no chart data"))?;
    let y_col = spec.y.first().ok_or_else(|| Error::usage("a pie needs a value column"))?;
    let names = labels_of(column(frame, &x_col.name)?, x_col.ty)?;
    let keys = series_keys(frame, &spec.series, frame.height())?;
    let values = numbers(column(frame, &y_col.name)?)?;

    let mut order = Slots::default();
    let mut sums: Vec<f64> = Vec::new();
    for (row, value) in values.into_iter().enumerate() {
        let label = match &keys {
            Some(k) => format!("{} · {}", names[row], k[row]),
            None => names[row].clone(),
        };
        let i = order.slot(label);
        if sums.len() <= i {
            sums.push(0.0);
        }
        if let Some(v) = value.filter(|v| v.is_finite()) {
            sums[i] += v;
        }
    }
    let mut out: Vec<Slice> = order.order.into_iter().zip(sums).map(|(label, value)| Slice { label, value }).collect();
    if spec.accumulate {
        let mut total = 0.0;
        for s in &mut out {
            total += s.value;
            s.value = total;
        }
    }
    out.retain(|s| s.value > 0.0);
    Ok(out)
}

fn series_name(key: Option<&str>, y: &str, y_count: usize) -> String {
    match key {
        None => y.to_string(),
        Some(k) if y_count == 1 => k.to_string(),
        Some(k) => format!("{k} · {y}"),
    }
}

/// Distinct values in order of first appearance, each with its index.
#[derive(Default)]
struct Slots {
    order: Vec<String>,
    index: HashMap<String, usize>,
}

impl Slots {
    /// The index of `value`, appending it when new.
    fn slot(&mut self, value: String) -> usize {
        if let Some(i) = self.index.get(&value) {
            return *i;
        }
        self.order.push(value.clone());
        self.index.insert(value, self.order.len() - 1);
        self.order.len() - 1
    }
}

/// Rows that land on the same category add up, as one bar per category is drawn.
fn merge_same_slot(points: &mut Vec<Point>) {
    let mut merged: Vec<Point> = Vec::with_capacity(points.len());
    for p in points.drain(..) {
        match merged.last_mut() {
            Some(last) if last.x == p.x => {
                last.y = match (last.y, p.y) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                }
            }
            _ => merged.push(p),
        }
    }
    *points = merged;
}

fn accumulate(points: &mut [Point]) {
    let mut total = 0.0;
    for p in points {
        if let Some(y) = p.y {
            total += y;
            p.y = Some(total);
        }
    }
}

/// The step of x values that all sit on one grid (the output of `bin()`), else `None`.
fn regular_step(series: &[Series]) -> Option<f64> {
    let mut xs: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.x)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let step = xs.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
    if !step.is_finite() || step <= 0.0 {
        return None;
    }
    let on_grid = xs.windows(2).all(|w| {
        let k = (w[1] - w[0]) / step;
        (k - k.round()).abs() < 1e-6 * k.max(1.0)
    });
    on_grid.then_some(step)
}

fn column<'a>(frame: &'a DataFrame, name: &str) -> Result<&'a Column> {
    frame.column(name).map_err(|_| Error::runtime(format!("the result has no column `{name}` to draw")))
}

/// The combined series-column values of each row, or `None` without series columns.
fn series_keys(frame: &DataFrame, cols: &[ChartColumn], height: usize) -> Result<Option<Vec<String>>> {
    if cols.is_empty() {
        return Ok(None);
    }
    let mut parts = Vec::with_capacity(cols.len());
    for c in cols {
        parts.push(labels_of(column(frame, &c.name)?, c.ty)?);
    }
    Ok(Some((0..height).map(|row| parts.iter().map(|p| p[row].as_str()).collect::<Vec<_>>().join(", ")).collect()))
}

fn numbers(col: &Column) -> Result<Vec<Option<f64>>> {
    let cast = col.cast(&DataType::Float64)?;
    Ok(cast.f64()?.iter().map(|v| v.filter(|f| f.is_finite())).collect())
}

/// Datetime values as nanoseconds since the epoch, whatever the column's time unit.
fn instants(col: &Column) -> Result<Vec<Option<i64>>> {
    let scale = match col.dtype() {
        DataType::Datetime(TimeUnit::Milliseconds, _) => 1_000_000,
        DataType::Datetime(TimeUnit::Microseconds, _) => 1_000,
        DataType::Datetime(TimeUnit::Nanoseconds, _) => 1,
        other => return Err(Error::runtime(format!("column `{}` holds {other}, not datetimes", col.name()))),
    };
    let physical = col.to_physical_repr();
    Ok(physical.i64()?.iter().map(|v| v.map(|n| n.saturating_mul(scale))).collect())
}

/// Each value as the text a label shows.
fn labels_of(col: &Column, ty: KqlType) -> Result<Vec<String>> {
    let null = || "(null)".to_string();
    Ok(match ty {
        KqlType::String | KqlType::Guid | KqlType::Dynamic => {
            col.str()?.iter().map(|v| v.map(str::to_string).unwrap_or_else(null)).collect()
        }
        KqlType::Bool => col.bool()?.iter().map(|v| v.map(|b| b.to_string()).unwrap_or_else(null)).collect(),
        KqlType::DateTime => {
            let values = instants(col)?;
            let unit = labels::datetime_unit(values.iter().flatten().copied());
            values.into_iter().map(|v| v.map(|ns| labels::datetime(ns, unit)).unwrap_or_else(null)).collect()
        }
        KqlType::TimeSpan => {
            let physical = col.to_physical_repr();
            physical.i64()?.iter().map(|v| v.map(labels::timespan).unwrap_or_else(null)).collect()
        }
        KqlType::Int | KqlType::Long => {
            let cast = col.cast(&DataType::Int64)?;
            cast.i64()?.iter().map(|v| v.map(|n| n.to_string()).unwrap_or_else(null)).collect()
        }
        KqlType::Real | KqlType::Decimal => numbers(col)?.into_iter().map(|v| v.map(|f| f.to_string()).unwrap_or_else(null)).collect(),
    })
}
