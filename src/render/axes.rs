//! The two axes of a cartesian chart: where their ends fall and which ticks they label,
//! for categories, time, numbers and log scales.

use super::cartesian::Mark;
use super::data::{XKind, XyData};
use super::labels::{self, NumberFormat};
use super::spec::{AxisScale, ChartSpec, Stacking};
use super::stack::Layers;

/// An axis from `lo` to `hi` with its labelled ticks.
pub(super) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub ticks: Vec<(f64, String)>,
}

impl Axis {
    /// Where `v` falls between the ends, 0 to 1 (outside when off the axis).
    pub(super) fn frac(&self, v: f64) -> f64 {
        if self.log {
            let v = v.max(self.lo * 1e-3);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
}

pub(super) fn category_axis(labels: &[String]) -> Axis {
    let n = labels.len().max(1) as f64;
    let ticks = labels.iter().enumerate().map(|(i, l)| (i as f64, l.clone())).collect();
    Axis { lo: -0.5, hi: n - 0.5, log: false, ticks }
}

/// The width of one column on a time or number axis, in x units.
pub(super) fn column_width(data: &XyData, grid: &[f64]) -> f64 {
    if let Some(step) = data.step {
        return step;
    }
    let min_gap = grid.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
    if min_gap.is_finite() && min_gap > 0.0 {
        min_gap
    } else if data.x_kind == XKind::Time {
        3600.0
    } else {
        1.0
    }
}

pub(super) fn continuous_x_axis(spec: &ChartSpec, data: &XyData, mark: Mark, max_ticks: usize) -> Axis {
    let xs: Vec<f64> = data.series.iter().flat_map(|s| s.points.iter().map(|p| p.x)).collect();
    let (mut lo, mut hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let mut grid = xs.clone();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let width = column_width(data, &grid);
    if mark == Mark::Columns {
        lo -= width / 2.0;
        hi += width / 2.0;
    } else if hi <= lo {
        lo -= width;
        hi += width;
    }
    let log = spec.x_scale == AxisScale::Log && data.x_kind == XKind::Number && lo > 0.0;
    match data.x_kind {
        XKind::Time => {
            let (ticks, step) = labels::time_ticks(lo, hi, data.step.unwrap_or(0.0), max_ticks);
            let ticks = ticks.iter().enumerate().map(|(i, t)| (*t, labels::time_tick(*t, step, i == 0))).collect();
            Axis { lo, hi, log: false, ticks }
        }
        _ if log => {
            let (lo, hi) = (10f64.powf(lo.log10().floor()), 10f64.powf(hi.log10().ceil()));
            let ticks = labels::log_ticks(lo, hi);
            Axis { lo, hi, log: true, ticks: ticks.iter().map(|t| (*t, labels::compact(*t))).collect() }
        }
        _ => {
            if mark == Mark::Points {
                // Room so the dots at the ends are not cut in half.
                let pad = (hi - lo) * 0.03;
                (lo, hi) = labels::nice_range(lo - pad, hi + pad, max_ticks);
            }
            let (ticks, step) = labels::number_ticks(lo, hi, max_ticks);
            let max_abs = ticks.iter().fold(0.0f64, |a, t| a.max(t.abs()));
            let fmt = NumberFormat::for_axis(max_abs, step);
            Axis { lo, hi, log: false, ticks: ticks.iter().map(|t| (*t, fmt.format(*t))).collect() }
        }
    }
}

pub(super) fn value_axis(spec: &ChartSpec, data: &XyData, layers: &Layers, mark: Mark, stacking: Stacking, max_ticks: usize) -> Axis {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut min_positive = f64::INFINITY;
    let mut note = |v: f64| {
        lo = lo.min(v);
        hi = hi.max(v);
        if v > 0.0 {
            min_positive = min_positive.min(v);
        }
    };
    match mark {
        Mark::Columns | Mark::Areas => {
            for (base, top) in layers.spans.iter().flatten().flatten() {
                note(*top);
                if stacking != Stacking::Unstacked {
                    note(*base);
                }
            }
        }
        _ => {
            for p in data.series.iter().flat_map(|s| &s.points) {
                if let Some(y) = p.y {
                    note(y);
                }
            }
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }

    if spec.y_scale == AxisScale::Log {
        let min_positive = if min_positive.is_finite() { min_positive } else { 1.0 };
        let lo = spec.y_min.filter(|v| *v > 0.0).unwrap_or_else(|| 10f64.powf(min_positive.log10().floor()));
        let hi = spec.y_max.filter(|v| *v > lo).unwrap_or_else(|| 10f64.powf(hi.max(lo).log10().ceil()).max(lo * 10.0));
        let ticks = labels::log_ticks(lo, hi);
        return Axis { lo, hi, log: true, ticks: ticks.iter().map(|t| (*t, labels::compact(*t))).collect() };
    }

    // Columns and areas grow from zero; lines and points keep zero in view unless their
    // values sit far from it.
    let from_zero = match mark {
        Mark::Columns | Mark::Areas => true,
        _ => (lo >= 0.0 && lo <= hi * 0.5) || (hi <= 0.0 && hi >= lo * 0.5),
    };
    if mark == Mark::Points {
        let pad = (hi - lo) * 0.03;
        (lo, hi) = (lo - pad, hi + pad);
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi <= lo {
        hi = lo + if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
    }
    if stacking == Stacking::Stacked100 {
        hi = if hi > 0.0 { 100.0 } else { 0.0 };
        lo = if lo < 0.0 { -100.0 } else { 0.0 };
    }
    let (mut lo, mut hi) = labels::nice_range(lo, hi, max_ticks);
    if let Some(v) = spec.y_min {
        lo = v;
    }
    if let Some(v) = spec.y_max {
        hi = v;
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let (ticks, step) = labels::number_ticks(lo, hi, max_ticks);
    let fmt = if stacking == Stacking::Stacked100 {
        NumberFormat::percent(step)
    } else {
        NumberFormat::for_axis(ticks.iter().fold(0.0f64, |a, t| a.max(t.abs())), step)
    };
    Axis { lo, hi, log: false, ticks: ticks.iter().map(|t| (*t, fmt.format(*t))).collect() }
}
