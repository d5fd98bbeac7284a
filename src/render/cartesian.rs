//! Charts on two axes: columns, bars, areas, lines, time charts and scatter plots.
//!
//! One x axis (categories in result order, time, or numbers) and one value axis; a bar
//! chart is the same drawing turned on its side. Missing bins of a time series stay
//! gaps: lines and areas break there instead of bridging them.

use super::axes::{category_axis, column_width, continuous_x_axis, value_axis, Axis};
use super::data::{Point, XKind, XyData};
use super::font::Fonts;
use super::frame::{Bounds, Metrics};
use super::palette;
use super::scene::{Anchor, Scene};
use super::spec::{ChartKind, ChartSpec, Stacking};
use super::stack::{layers, Layers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
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

pub(crate) fn draw(scene: &mut Scene, fonts: &Fonts, m: Metrics, spec: &ChartSpec, data: &XyData, body: Bounds) {
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
    let value_room = if horizontal { body.width() * 0.7 } else { body.height() * 0.75 };
    let value_ticks = (value_room / if horizontal { em * 7.0 } else { em * 3.4 }).clamp(2.0, 10.0) as usize;
    let values = value_axis(spec, data, &layers, mark, stacking, value_ticks);

    let x_title = if horizontal { spec.x_title.as_deref() } else { spec.y_title.as_deref() };
    let bottom_title = if horizontal { spec.y_title.as_deref() } else { spec.x_title.as_deref() };
    let left_title_room = if x_title.is_some() { title_em * 1.5 } else { 0.0 };
    let bottom_title_room = if bottom_title.is_some() { title_em * 1.5 } else { 0.0 };

    let category_labels: Vec<String> =
        data.categories.iter().map(|c| if c.is_empty() { "(empty)".to_string() } else { c.clone() }).collect();

    let mut plot_b = Bounds { x0: body.x0, y0: body.y0 + em * 0.6, x1: body.x1 - em, y1: body.y1 };
    let x_axis;
    let mut x_labels_vertical = false;
    let mut x_label_every = 1usize;
    let x_texts: Vec<String>;
    if horizontal {
        // Categories down the left, values along the bottom.
        let max_label = body.width() * 0.25;
        x_texts = category_labels.iter().map(|c| fonts.fit(c, em, false, max_label)).collect();
        let label_w = x_texts.iter().map(|t| fonts.width(t, em, false)).fold(0.0, f64::max);
        plot_b.x0 = body.x0 + left_title_room + label_w + m.gap();
        plot_b.y1 = body.y1 - bottom_title_room - em * 1.4 - m.gap();
        let slot = plot_b.height() / category_labels.len().max(1) as f64;
        x_label_every = (em * 1.2 / slot).ceil().max(1.0) as usize;
        x_axis = category_axis(&x_texts);
    } else {
        let label_w = values.ticks.iter().map(|(_, t)| fonts.width(t, em, false)).fold(0.0, f64::max);
        plot_b.x0 = body.x0 + left_title_room + label_w + m.gap();
        match data.x_kind {
            XKind::Category => {
                let slot = (plot_b.width()) / category_labels.len().max(1) as f64;
                let widest = category_labels.iter().map(|c| fonts.width(c, em, false)).fold(0.0, f64::max);
                if widest > slot * 0.92 && slot * 0.92 >= em * 6.0 {
                    // Room for a few words: shorten the long ones rather than turn them all.
                    x_texts = category_labels.iter().map(|c| fonts.fit(c, em, false, slot * 0.92)).collect();
                    plot_b.y1 = body.y1 - bottom_title_room - em * 1.4 - m.gap();
                } else if widest > slot * 0.92 {
                    x_labels_vertical = true;
                    let max_len = body.height() * 0.25;
                    x_texts = category_labels.iter().map(|c| fonts.fit(c, em, false, max_len)).collect();
                    let longest = x_texts.iter().map(|t| fonts.width(t, em, false)).fold(0.0, f64::max);
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
    let plot = Plot { b: plot_b, horizontal };

    // Grid lines under the data.
    for (v, _) in &values.ticks {
        let f = values.frac(*v);
        scene.line(vec![plot.at(0.0, f), plot.at(1.0, f)], palette::GRID, m.scale);
    }
    if data.x_kind != XKind::Category {
        for (v, _) in &x_axis.ticks {
            let f = x_axis.frac(*v);
            scene.line(vec![plot.at(f, 0.0), plot.at(f, 1.0)], palette::GRID, m.scale);
        }
    }

    let base = if values.log { values.lo } else { 0.0 };
    match mark {
        Mark::Columns => draw_columns(scene, &plot, &x_axis, &values, data, &layers, stacking, base),
        Mark::Areas => draw_areas(scene, &plot, &x_axis, &values, data, &layers, stacking, base, m),
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
    scene.line(vec![plot.at(0.0, 0.0), plot.at(1.0, 0.0)], palette::AXIS, m.scale);
    if !values.log && values.lo < 0.0 && values.hi > 0.0 {
        let f = values.frac(0.0);
        scene.line(vec![plot.at(0.0, f), plot.at(1.0, f)], palette::AXIS, m.scale);
    }

    // Value labels.
    for (v, text) in &values.ticks {
        let (px, py) = plot.at(0.0, values.frac(*v));
        if horizontal {
            scene.text(text, px, plot_b.y1 + m.gap() + em * 0.9, em, false, palette::MUTED_TEXT, Anchor::Middle);
        } else {
            scene.text(text, px - m.gap(), py + em * 0.35, em, false, palette::MUTED_TEXT, Anchor::End);
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
                scene.text(text, px - m.gap(), py + em * 0.35, em, false, palette::MUTED_TEXT, Anchor::End);
            } else if x_labels_vertical {
                scene.vertical_text(text, px + em * 0.36, py + m.gap(), em, palette::MUTED_TEXT, Anchor::End);
            } else {
                scene.text(text, px, py + m.gap() + em * 0.9, em, false, palette::MUTED_TEXT, Anchor::Middle);
            }
        }
    } else {
        for (v, text) in &x_axis.ticks {
            let (px, py) = plot.at(x_axis.frac(*v), 0.0);
            scene.line(vec![(px, py), (px, py + m.gap() * 0.6)], palette::AXIS, m.scale);
            scene.text(text, px, py + m.gap() + em * 0.9, em, false, palette::MUTED_TEXT, Anchor::Middle);
        }
    }

    // Axis titles.
    let mid_y = (plot_b.y0 + plot_b.y1) / 2.0;
    let mid_x = (plot_b.x0 + plot_b.x1) / 2.0;
    if let Some(t) = x_title {
        let t = fonts.fit(t, title_em, false, plot_b.height());
        scene.vertical_text(&t, body.x0 + title_em * 0.9, mid_y, title_em, palette::TEXT, Anchor::Middle);
    }
    if let Some(t) = bottom_title {
        let t = fonts.fit(t, title_em, false, plot_b.width());
        scene.text(&t, mid_x, body.y1 - title_em * 0.3, title_em, false, palette::TEXT, Anchor::Middle);
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
    let width = if data.x_kind == XKind::Category { 1.0 } else { column_width(data, &layers.grid) };
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
            let bottom = if stacking == Stacking::Unstacked { base } else { bottom };
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

fn draw_lines(scene: &mut Scene, plot: &Plot, x_axis: &Axis, values: &Axis, data: &XyData, m: Metrics) {
    let step = gap_step(data);
    for (i, s) in data.series.iter().enumerate() {
        let color = palette::series(i);
        let few = s.points.len() <= 60;
        for run in runs(&s.points, step) {
            let pts: Vec<(f64, f64)> =
                run.iter().map(|p| plot.at(x_axis.frac(p.x), values.frac(p.y.unwrap_or(0.0)).clamp(0.0, 1.0))).collect();
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
                let top: Vec<(f64, f64)> = run.iter().map(|p| plot.at(x_axis.frac(p.x), fy(p.y.unwrap_or(0.0)))).collect();
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
    let grid_points: Vec<Point> =
        layers.grid.iter().zip(&layers.present).map(|(x, present)| Point { x: *x, y: present.then_some(0.0) }).collect();
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
