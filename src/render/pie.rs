//! Pie charts: one slice per category in result order, clockwise from twelve o'clock,
//! each labelled outside with its category and share. Past [`MAX_SLICES`] the smallest
//! categories are pooled into one "Other" slice so labels stay readable and colours
//! stay distinct.

use super::data::Slice;
use super::font::Fonts;
use super::frame::{Bounds, Metrics};
use super::labels;
use super::palette::{self, Rgb};
use super::scene::{Anchor, Scene};
use std::f64::consts::TAU;

/// Eight colours of the palette and a grey "Other": no two slices share a colour.
pub(crate) const MAX_SLICES: usize = 9;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PieSlice {
    pub label: String,
    pub value: f64,
    pub color: Rgb,
}

/// Colours the slices and pools the smallest ones past [`MAX_SLICES`] into "Other".
pub(crate) fn group(slices: Vec<Slice>) -> Vec<PieSlice> {
    // Eight colours: a ninth category would repeat the first colour, so from nine
    // categories on the smallest are pooled.
    let keep: Vec<bool> = if slices.len() > MAX_SLICES - 1 {
        let mut order: Vec<usize> = (0..slices.len()).collect();
        // Largest first; equal sizes keep result order.
        order.sort_by(|a, b| slices[*b].value.total_cmp(&slices[*a].value).then(a.cmp(b)));
        let mut keep = vec![false; slices.len()];
        for i in order.into_iter().take(MAX_SLICES - 1) {
            keep[i] = true;
        }
        keep
    } else {
        vec![true; slices.len()]
    };
    let mut out = Vec::new();
    let mut other = 0.0;
    for (s, kept) in slices.into_iter().zip(keep) {
        if kept {
            let color = palette::series(out.len());
            out.push(PieSlice { label: s.label, value: s.value, color });
        } else {
            other += s.value;
        }
    }
    if other > 0.0 {
        out.push(PieSlice { label: "Other".to_string(), value: other, color: palette::OTHER });
    }
    out
}

/// A point on the circle at `angle` radians clockwise from twelve o'clock.
fn on_circle(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    (cx + r * angle.sin(), cy - r * angle.cos())
}

struct Label {
    text: String,
    angle: f64,
    share: f64,
    y: f64,
}

pub(crate) fn draw(scene: &mut Scene, fonts: &Fonts, m: Metrics, slices: &[PieSlice], body: Bounds) {
    let total: f64 = slices.iter().map(|s| s.value).sum();
    if total <= 0.0 {
        return;
    }
    let em = m.label_em();
    let max_label = body.width() * 0.22;
    let texts: Vec<String> = slices
        .iter()
        .map(|s| {
            let name = if s.label.is_empty() { "(empty)" } else { s.label.as_str() };
            let pct = labels::percent(s.value / total);
            let name = fonts.fit(name, em, false, max_label - fonts.width(&pct, em, false) - em * 0.3);
            format!("{name} {pct}")
        })
        .collect();
    let label_w = texts.iter().map(|t| fonts.width(t, em, false)).fold(0.0, f64::max);
    let reach = 26.0 * m.scale;
    let r = ((body.width() - 2.0 * (label_w + reach + m.gap())) / 2.0).min(body.height() / 2.0 - em).max(20.0 * m.scale);
    let (cx, cy) = ((body.x0 + body.x1) / 2.0, (body.y0 + body.y1) / 2.0);

    // The slices, as polygons fine enough to look round.
    let mut start = 0.0;
    let mut bounds = Vec::with_capacity(slices.len());
    for s in slices {
        let sweep = s.value / total * TAU;
        let steps = ((sweep / 0.02).ceil() as usize).max(2);
        let mut points = Vec::with_capacity(steps + 2);
        if slices.len() > 1 {
            points.push((cx, cy));
        }
        for k in 0..=steps {
            points.push(on_circle(cx, cy, r, start + sweep * k as f64 / steps as f64));
        }
        scene.polygon(points, s.color, 1.0);
        bounds.push(start);
        start += sweep;
    }
    if slices.len() > 1 {
        for a in &bounds {
            scene.line(vec![(cx, cy), on_circle(cx, cy, r, *a)], palette::BACKGROUND, 2.0 * m.scale);
        }
    }

    // Labels outside, each side spread so none overlap.
    let mut right = Vec::new();
    let mut left = Vec::new();
    let mut angle = 0.0;
    for (s, text) in slices.iter().zip(texts) {
        let share = s.value / total;
        let mid = angle + share * TAU / 2.0;
        angle += share * TAU;
        let (_, y) = on_circle(cx, cy, r + reach * 0.5, mid);
        let label = Label { text, angle: mid, share, y };
        if mid.sin() >= 0.0 {
            right.push(label);
        } else {
            left.push(label);
        }
    }
    for (side, labels) in [(1.0, right), (-1.0, left)] {
        for label in spread(labels, em * 1.35, body) {
            let elbow = on_circle(cx, cy, r + reach * 0.5, label.angle);
            let tx = cx + side * (r + reach);
            scene.line(vec![on_circle(cx, cy, r, label.angle), elbow, (tx - side * 4.0 * m.scale, label.y)], palette::AXIS, m.scale);
            let anchor = if side > 0.0 { Anchor::Start } else { Anchor::End };
            scene.text(&label.text, tx, label.y + em * 0.35, em, false, palette::TEXT, anchor);
        }
    }
}

/// Moves labels apart to `spacing`, dropping the smallest shares when a side is full.
fn spread(mut labels: Vec<Label>, spacing: f64, body: Bounds) -> Vec<Label> {
    let room = ((body.height() / spacing).floor() as usize).max(1);
    while labels.len() > room {
        let smallest = labels.iter().enumerate().min_by(|a, b| a.1.share.total_cmp(&b.1.share)).map(|(i, _)| i).unwrap_or(0);
        labels.remove(smallest);
    }
    labels.sort_by(|a, b| a.y.total_cmp(&b.y));
    let top = body.y0 + spacing / 2.0;
    let bottom = body.y1 - spacing / 2.0;
    let mut prev = f64::NEG_INFINITY;
    for l in &mut labels {
        l.y = l.y.max(prev + spacing).max(top);
        prev = l.y;
    }
    let mut next = f64::INFINITY;
    for l in labels.iter_mut().rev() {
        l.y = l.y.min(next - spacing).min(bottom);
        next = l.y;
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(label: &str, value: f64) -> Slice {
        Slice { label: label.to_string(), value }
    }

    #[test]
    fn more_than_nine_categories_pool_the_smallest_into_other() {
        let slices: Vec<Slice> = (1..=12).map(|i| slice(&format!("c{i}"), f64::from(i))).collect();
        let grouped = group(slices);
        assert_eq!(grouped.len(), 9);
        // c5..c12 are the eight largest, kept in result order; c1+c2+c3+c4 = 10 is "Other".
        let labels: Vec<&str> = grouped.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "Other"]);
        assert_eq!(grouped[8].value, 10.0);
        assert_eq!(grouped[8].color, palette::OTHER);
        let colors: std::collections::HashSet<_> = grouped.iter().map(|s| s.color.hex()).collect();
        assert_eq!(colors.len(), 9, "no colour twice");
    }

    #[test]
    fn nine_categories_or_fewer_stay_as_they_are() {
        let grouped = group(vec![slice("Allow", 3.0), slice("Deny", 1.0)]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[0].color, palette::series(0));
        assert_eq!(grouped[1].color, palette::series(1));
    }
}
