//! Charts on two axes: columns, bars, areas, lines, time charts and scatter plots.
//!
//! One x axis (categories in result order, time, or numbers) and one value axis; a bar
//! chart is the same drawing turned on its side. Missing bins of a time series stay
//! gaps: lines and areas break there instead of bridging them.

use super::data::{Point, XKind, XyData};
use super::font::Fonts;
use super::frame::{Bounds, Metrics};
use super::labels::{self, NumberFormat};
use super::palette;
use super::scene::{Anchor, Scene};
use super::spec::{AxisScale, ChartKind, ChartSpec, Stacking};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Columns,
    Areas,
    Lines,
    Points,
}

fn mark(kind: ChartKind) -> Mark {
    match kind {
        ChartKind::Column | ChartKind::Bar => Mark::Columns,
        ChartKind::Area | ChartKind::StackedArea => Mark::Areas,
        ChartKind::Scatter => Mark::Points,
        _ => Mark::Lines,
    }
}

/// An axis from `lo` to `hi` with its labelled ticks.
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    ticks: Vec<(f64, String)>,
}

impl Axis {
    /// Where `v` falls between the ends, 0 to 1 (outside when off the axis).
    fn frac(&self, v: f64) -> f64 {
        if self.log {
            let v = v.max(self.lo * 1e-3);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
}

/// The plotting rectangle; a bar chart runs its x axis down the left side.
struct Plot {
    b: Bounds,
    horizontal: bool,
}

impl Plot {
    fn at(&self, fx: f64, fv: f64) -> (f64, f64) {
        let b = &self.b;
        if self.horizontal {
            (b.x0 + fv * b.width(), b.y0 + fx * b.height())
        } else {
            (b.x0 + fx * b.width(), b.y1 - fv * b.height())
        }
    }
}

/// The bottom and top of each series' value at each x of `grid`, after stacking.
struct Layers {
    grid: Vec<f64>,
    spans: Vec<Vec<Option<(f64, f64)>>>,
    /// Whether any series has a value at each x; where none has, a stacked area breaks.
    present: Vec<bool>,
}

fn layers(data: &XyData, stacking: Stacking, missing_as_zero: bool) -> Layers {
    let mut grid: Vec<f64> = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let index = |x: f64| grid.binary_search_by(|g| g.total_cmp(&x)).ok();
    let values: Vec<Vec<Option<f64>>> = data
        .series
        .iter()
        .map(|s| {
            let mut v = vec![None; grid.len()];
            for p in &s.points {
                if let (Some(i), Some(y)) = (index(p.x), p.y) {
                    v[i] = Some(v[i].unwrap_or(0.0) + y);
                }
            }
            v
        })
        .collect();
    let present: Vec<bool> = (0..grid.len())
        .map(|i| values.iter().any(|v| v[i].is_some()))
        .collect();
    let totals: Vec<f64> = (0..grid.len())
        .map(|i| values.iter().map(|v| v[i].map_or(0.0, f64::abs)).sum())
        .collect();
    let mut pos = vec![0.0; grid.len()];
    let mut neg = vec![0.0; grid.len()];
    let spans = values
        .iter()
        .map(|v| {
            (0..grid.len())
                .map(|i| {
                    let value = match (v[i], missing_as_zero && present[i]) {
                        (Some(y), _) => y,
                        (None, true) => 0.0,
                        (None, false) => return None,
                    };
                    match stacking {
                        Stacking::Unstacked => Some((0.0, value)),
                        Stacking::Stacked | Stacking::Stacked100 => {
                            let value = if stacking == Stacking::Stacked100 && totals[i] > 0.0 {
                                value * 100.0 / totals[i]
                            } else {
                                value
                            };
                            let acc = if value >= 0.0 {
                                &mut pos[i]
                            } else {
                                &mut neg[i]
                            };
                            let base = *acc;
                            *acc += value;
                            Some((base, *acc))
                        }
                    }
                })
                .collect()
        })
        .collect();
    Layers {
        grid,
        spans,
        present,
    }
}

pub(crate) fn draw(
    scene: &mut Scene,
    fonts: &Fonts,
    m: Metrics,
    spec: &ChartSpec,
    data: &XyData,
    body: Bounds,
) {
    let mark = mark(spec.kind);
    let horizontal = spec.kind == ChartKind::Bar;
    let stacking = match mark {
        Mark::Columns | Mark::Areas => spec.stacking,
        _ => Stacking::Unstacked,
    };
    let layers = layers(data, stacking, mark == Mark::Areas);
    let em = m.label_em();
    let title_em = m.axis_title_em();

    // The value axis first: its label widths decide the left margin.
    let value_room = if horizontal {
        body.width() * 0.7
    } else {
        body.height() * 0.75
    };
    let value_ticks =
        (value_room / if horizontal { em * 7.0 } else { em * 3.4 }).clamp(2.0, 10.0) as usize;
    let values = value_axis(spec, data, &layers, mark, stacking, value_ticks);

    let x_title = if horizontal {
        spec.x_title.as_deref()
    } else {
        spec.y_title.as_deref()
    };
    let bottom_title = if horizontal {
        spec.y_title.as_deref()
    } else {
        spec.x_title.as_deref()
    };
    let left_title_room = if x_title.is_some() {
        title_em * 1.5
    } else {
        0.0
    };
    let bottom_title_room = if bottom_title.is_some() {
        title_em * 1.5
    } else {
        0.0
    };

    let category_labels: Vec<String> = data
        .categories
        .iter()
        .map(|c| {
            if c.is_empty() {
                "(empty)".to_string()
            } else {
                c.clone()
            }
        })
        .collect();

    let mut plot_b = Bounds {
        x0: body.x0,
        y0: body.y0 + em * 0.6,
        x1: body.x1 - em,
        y1: body.y1,
    };
    let x_axis;
    let mut x_labels_vertical = false;
    let mut x_label_every = 1usize;
    let x_texts: Vec<String>;
    if horizontal {
        // Categories down the left, values along the bottom.
        let max_label = body.width() * 0.25;
        x_texts = category_labels
            .iter()
            .map(|c| fonts.fit(c, em, false, max_label))
            .collect();
        let label_w = x_texts
            .iter()
            .map(|t| fonts.width(t, em, false))
            .fold(0.0, f64::max);
        plot_b.x0 = body.x0 + left_title_room + label_w + m.gap();
        plot_b.y1 = body.y1 - bottom_title_room - em * 1.4 - m.gap();
        let slot = plot_b.height() / category_labels.len().max(1) as f64;
        x_label_every = (em * 1.2 / slot).ceil().max(1.0) as usize;
        x_axis = category_axis(&x_texts);
    } else {
        let label_w = values
            .ticks
            .iter()
            .map(|(_, t)| fonts.width(t, em, false))
            .fold(0.0, f64::max);
        plot_b.x0 = body.x0 + left_title_room + label_w + m.gap();
        match data.x_kind {
            XKind::Category => {
                let slot = (plot_b.width()) / category_labels.len().max(1) as f64;
                let widest = category_labels
                    .iter()
                    .map(|c| fonts.width(c, em, false))
                    .fold(0.0, f64::max);
                if widest > slot * 0.92 && slot * 0.92 >= em * 6.0 {
                    // Room for a few words: shorten the long ones rather than turn them all.
                    x_texts = category_labels
                        .iter()
                        .map(|c| fonts.fit(c, em, false, slot * 0.92))
                        .collect();
                    plot_b.y1 = body.y1 - bottom_title_room - em * 1.4 - m.gap();
                } else if widest > slot * 0.92 {
                    x_labels_vertical = true;
                    let max_len = body.height() * 0.25;
                    x_texts = category_labels
                        .iter()
                        .map(|c| fonts.fit(c, em, false, max_len))
                        .collect();
                    let longest = x_texts
                        .iter()
                        .map(|t| fonts.width(t, em, false))
                        .fold(0.0, f64::max);
                    plot_b.y1 = body.y1 - bottom_title_room - longest - m.gap() * 2.0;
                    x_label_every = (em * 1.25 / slot).ceil().max(1.0) as usize;
                } else {
                    x_texts = category_labels.clone();
                    plot_b.y1 = body.y1 - bottom_title_room - em * 1.4 - m.gap();
                }
                x_axis = category_axis(&x_texts);
            }
            _ => {
                plot_b.y1 = body.y1 - bottom_title_room - em * 1.4 - m.gap();
                plot_b.x1 = body.x1 - em * 2.0;
                let max_ticks = (plot_b.width() / (em * 7.0)).clamp(2.0, 16.0) as usize;
                x_axis = continuous_x_axis(spec, data, mark, max_ticks);
                x_texts = Vec::new();
            }
        }
    }
    if plot_b.width() < 10.0 || plot_b.height() < 10.0 {
        return;
    }
    let plot = Plot {
        b: plot_b,
        horizontal,
    };

    // Grid lines under the data.
    for (v, _) in &values.ticks {
        let f = values.frac(*v);
        scene.line(
            vec![plot.at(0.0, f), plot.at(1.0, f)],
            palette::GRID,
            m.scale,
        );
    }
    if data.x_kind != XKind::Category {
        for (v, _) in &x_axis.ticks {
            let f = x_axis.frac(*v);
            scene.line(
                vec![plot.at(f, 0.0), plot.at(f, 1.0)],
                palette::GRID,
                m.scale,
            );
        }
    }

    let base = if values.log { values.lo } else { 0.0 };
    match mark {
        Mark::Columns => draw_columns(
            scene, &plot, &x_axis, &values, data, &layers, stacking, base,
        ),
        Mark::Areas => draw_areas(
            scene, &plot, &x_axis, &values, data, &layers, stacking, base, m,
        ),
        Mark::Lines => draw_lines(scene, &plot, &x_axis, &values, data, m),
        Mark::Points => {
            for (i, s) in data.series.iter().enumerate() {
                for p in &s.points {
                    if let Some(y) = p.y {
                        let (px, py) = plot.at(x_axis.frac(p.x), values.frac(y).clamp(0.0, 1.0));
                        scene.circle(px, py, 4.0 * m.scale, palette::series(i));
                    }
                }
            }
        }
    }

    // The category axis line, and a zero line when values go negative.
    scene.line(
        vec![plot.at(0.0, 0.0), plot.at(1.0, 0.0)],
        palette::AXIS,
        m.scale,
    );
    if !values.log && values.lo < 0.0 && values.hi > 0.0 {
        let f = values.frac(0.0);
        scene.line(
            vec![plot.at(0.0, f), plot.at(1.0, f)],
            palette::AXIS,
            m.scale,
        );
    }

    // Value labels.
    for (v, text) in &values.ticks {
        let (px, py) = plot.at(0.0, values.frac(*v));
        if horizontal {
            scene.text(
                text,
                px,
                plot_b.y1 + m.gap() + em * 0.9,
                em,
                false,
                palette::MUTED_TEXT,
                Anchor::Middle,
            );
        } else {
            scene.text(
                text,
                px - m.gap(),
                py + em * 0.35,
                em,
                false,
                palette::MUTED_TEXT,
                Anchor::End,
            );
        }
    }
    // X labels.
    if data.x_kind == XKind::Category {
        for (i, text) in x_texts.iter().enumerate() {
            if i % x_label_every != 0 {
                continue;
            }
            let (px, py) = plot.at(x_axis.frac(i as f64), 0.0);
            if horizontal {
                scene.text(
                    text,
                    px - m.gap(),
                    py + em * 0.35,
                    em,
                    false,
                    palette::MUTED_TEXT,
                    Anchor::End,
                );
            } else if x_labels_vertical {
                scene.vertical_text(
                    text,
                    px + em * 0.36,
                    py + m.gap(),
                    em,
                    palette::MUTED_TEXT,
                    Anchor::End,
                );
            } else {
                scene.text(
                    text,
                    px,
                    py + m.gap() + em * 0.9,
                    em,
                    false,
                    palette::MUTED_TEXT,
                    Anchor::Middle,
                );
            }
        }
    } else {
        for (v, text) in &x_axis.ticks {
            let (px, py) = plot.at(x_axis.frac(*v), 0.0);
            scene.line(
                vec![(px, py), (px, py + m.gap() * 0.6)],
                palette::AXIS,
                m.scale,
            );
            scene.text(
                text,
                px,
                py + m.gap() + em * 0.9,
                em,
                false,
                palette::MUTED_TEXT,
                Anchor::Middle,
            );
        }
    }

    // Axis titles.
    let mid_y = (plot_b.y0 + plot_b.y1) / 2.0;
    let mid_x = (plot_b.x0 + plot_b.x1) / 2.0;
    if let Some(t) = x_title {
        let t = fonts.fit(t, title_em, false, plot_b.height());
        scene.vertical_text(
            &t,
            body.x0 + title_em * 0.9,
            mid_y,
            title_em,
            palette::TEXT,
            Anchor::Middle,
        );
    }
    if let Some(t) = bottom_title {
        let t = fonts.fit(t, title_em, false, plot_b.width());
        scene.text(
            &t,
            mid_x,
            body.y1 - title_em * 0.3,
            title_em,
            false,
            palette::TEXT,
            Anchor::Middle,
        );
    }
}

fn category_axis(labels: &[String]) -> Axis {
    let n = labels.len().max(1) as f64;
    let ticks = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i as f64, l.clone()))
        .collect();
    Axis {
        lo: -0.5,
        hi: n - 0.5,
        log: false,
        ticks,
    }
}

/// The width of one column on a time or number axis, in x units.
fn column_width(data: &XyData, grid: &[f64]) -> f64 {
    if let Some(step) = data.step {
        return step;
    }
    let min_gap = grid
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    if min_gap.is_finite() && min_gap > 0.0 {
        min_gap
    } else if data.x_kind == XKind::Time {
        3600.0
    } else {
        1.0
    }
}

fn continuous_x_axis(spec: &ChartSpec, data: &XyData, mark: Mark, max_ticks: usize) -> Axis {
    let xs: Vec<f64> = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .collect();
    let (mut lo, mut hi) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
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
            let ticks = ticks
                .iter()
                .enumerate()
                .map(|(i, t)| (*t, labels::time_tick(*t, step, i == 0)))
                .collect();
            Axis {
                lo,
                hi,
                log: false,
                ticks,
            }
        }
        _ if log => {
            let (lo, hi) = (
                10f64.powf(lo.log10().floor()),
                10f64.powf(hi.log10().ceil()),
            );
            let ticks = labels::log_ticks(lo, hi);
            Axis {
                lo,
                hi,
                log: true,
                ticks: ticks.iter().map(|t| (*t, labels::compact(*t))).collect(),
            }
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
            Axis {
                lo,
                hi,
                log: false,
                ticks: ticks.iter().map(|t| (*t, fmt.format(*t))).collect(),
            }
        }
    }
}

fn value_axis(
    spec: &ChartSpec,
    data: &XyData,
    layers: &Layers,
    mark: Mark,
    stacking: Stacking,
    max_ticks: usize,
) -> Axis {
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
        let min_positive = if min_positive.is_finite() {
            min_positive
        } else {
            1.0
        };
        let lo = spec
            .y_min
            .filter(|v| *v > 0.0)
            .unwrap_or_else(|| 10f64.powf(min_positive.log10().floor()));
        let hi = spec
            .y_max
            .filter(|v| *v > lo)
            .unwrap_or_else(|| 10f64.powf(hi.max(lo).log10().ceil()).max(lo * 10.0));
        let ticks = labels::log_ticks(lo, hi);
        return Axis {
            lo,
            hi,
            log: true,
            ticks: ticks.iter().map(|t| (*t, labels::compact(*t))).collect(),
        };
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
    Axis {
        lo,
        hi,
        log: false,
        ticks: ticks.iter().map(|t| (*t, fmt.format(*t))).collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_columns(
    scene: &mut Scene,
    plot: &Plot,
    x_axis: &Axis,
    values: &Axis,
    data: &XyData,
    layers: &Layers,
    stacking: Stacking,
    base: f64,
) {
    let width = if data.x_kind == XKind::Category {
        1.0
    } else {
        column_width(data, &layers.grid)
    };
    let group = width * 0.8;
    let n = layers.spans.len().max(1) as f64;
    for (s, spans) in layers.spans.iter().enumerate() {
        for (i, span) in spans.iter().enumerate() {
            let Some((bottom, top)) = *span else { continue };
            let x = layers.grid[i];
            let (x0, x1) = match stacking {
                Stacking::Unstacked => {
                    let x0 = x - group / 2.0 + group * s as f64 / n;
                    (x0, x0 + group / n)
                }
                _ => (x - group / 2.0, x + group / 2.0),
            };
            let bottom = if stacking == Stacking::Unstacked {
                base
            } else {
                bottom
            };
            let fv0 = values.frac(bottom).clamp(0.0, 1.0);
            let fv1 = values.frac(top).clamp(0.0, 1.0);
            let (ax, ay) = plot.at(x_axis.frac(x0), fv0);
            let (bx, by) = plot.at(x_axis.frac(x1), fv1);
            scene.rect(ax, ay, bx, by, palette::series(s), 1.0);
        }
    }
}

/// Splits points into runs that are drawn joined: a null value or a jump of more than one
/// bin ends a run.
fn runs(points: &[Point], step: Option<f64>) -> Vec<Vec<&Point>> {
    let mut out: Vec<Vec<&Point>> = Vec::new();
    let mut current: Vec<&Point> = Vec::new();
    for p in points {
        let jump = match (current.last(), step) {
            (Some(prev), Some(step)) => p.x - prev.x > step * 1.5,
            _ => false,
        };
        if p.y.is_none() || jump {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            if p.y.is_none() {
                continue;
            }
        }
        current.push(p);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn draw_lines(
    scene: &mut Scene,
    plot: &Plot,
    x_axis: &Axis,
    values: &Axis,
    data: &XyData,
    m: Metrics,
) {
    let step = gap_step(data);
    for (i, s) in data.series.iter().enumerate() {
        let color = palette::series(i);
        let few = s.points.len() <= 60;
        for run in runs(&s.points, step) {
            let pts: Vec<(f64, f64)> = run
                .iter()
                .map(|p| {
                    plot.at(
                        x_axis.frac(p.x),
                        values.frac(p.y.unwrap_or(0.0)).clamp(0.0, 1.0),
                    )
                })
                .collect();
            if few || pts.len() == 1 {
                for (x, y) in &pts {
                    scene.circle(*x, *y, 3.5 * m.scale, color);
                }
            }
            scene.line(pts, color, 2.5 * m.scale);
        }
    }
}

/// The bin size that marks gaps, on axes where a missing bin means something.
fn gap_step(data: &XyData) -> Option<f64> {
    match data.x_kind {
        XKind::Category => None,
        _ => data.step,
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_areas(
    scene: &mut Scene,
    plot: &Plot,
    x_axis: &Axis,
    values: &Axis,
    data: &XyData,
    layers: &Layers,
    stacking: Stacking,
    base: f64,
    m: Metrics,
) {
    let fy = |v: f64| values.frac(v).clamp(0.0, 1.0);
    if stacking == Stacking::Unstacked {
        // Each area stands on its own: translucent, so later ones do not hide earlier ones.
        for (i, s) in data.series.iter().enumerate() {
            let color = palette::series(i);
            for run in runs(&s.points, gap_step(data)) {
                let top: Vec<(f64, f64)> = run
                    .iter()
                    .map(|p| plot.at(x_axis.frac(p.x), fy(p.y.unwrap_or(0.0))))
                    .collect();
                let mut shape = top.clone();
                if let (Some(first), Some(last)) = (run.first(), run.last()) {
                    shape.push(plot.at(x_axis.frac(last.x), fy(base)));
                    shape.push(plot.at(x_axis.frac(first.x), fy(base)));
                }
                if top.len() == 1 {
                    scene.circle(top[0].0, top[0].1, 3.5 * m.scale, color);
                }
                scene.polygon(shape, color, 0.35);
                scene.line(top, color, 2.0 * m.scale);
            }
        }
        return;
    }
    // Stacked: bands between the running totals, split where the x grid has a gap or no
    // series has a value.
    let grid_points: Vec<Point> = layers
        .grid
        .iter()
        .zip(&layers.present)
        .map(|(x, present)| Point {
            x: *x,
            y: present.then_some(0.0),
        })
        .collect();
    let grid_runs: Vec<(usize, usize)> = runs(&grid_points, gap_step(data))
        .iter()
        .filter_map(|run| {
            let first = run.first()?;
            let last = run.last()?;
            let index = |p: &Point| layers.grid.binary_search_by(|g| g.total_cmp(&p.x)).ok();
            Some((index(first)?, index(last)? + 1))
        })
        .collect();
    for (s, spans) in layers.spans.iter().enumerate() {
        let color = palette::series(s);
        for (a, b) in &grid_runs {
            let mut upper = Vec::new();
            let mut lower = Vec::new();
            for (x, span) in layers.grid[*a..*b].iter().zip(&spans[*a..*b]) {
                if let Some((bottom, top)) = span {
                    let fx = x_axis.frac(*x);
                    upper.push(plot.at(fx, fy(*top)));
                    lower.push(plot.at(fx, fy(*bottom)));
                }
            }
            if let ([l], [u]) = (lower.as_slice(), upper.as_slice()) {
                // A lone bin between gaps: a bar-like stroke, as a band needs two points.
                scene.line(vec![*l, *u], color, 3.0 * m.scale);
                continue;
            }
            let mut shape = upper.clone();
            shape.extend(lower.into_iter().rev());
            scene.polygon(shape, color, 0.8);
            scene.line(upper, color, 1.5 * m.scale);
        }
    }
}
