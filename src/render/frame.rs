//! What every chart has around its drawing: the title on top, the legend on the right,
//! sizes that grow with the image, and the note drawn when there is nothing to plot.

use super::font::Fonts;
use super::palette::{self, Rgb};
use super::scene::{Anchor, Scene};

/// A rectangle in output pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bounds {
    pub(crate) fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    pub(crate) fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// Text sizes and spacing, scaled from a 1280×720 design so small and large images keep
/// their proportions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub scale: f64,
}

impl Metrics {
    pub(crate) fn for_size(width: f64, height: f64) -> Metrics {
        Metrics { scale: (width / 1280.0).min(height / 720.0).clamp(0.4, 4.0) }
    }
    pub(crate) fn title_em(&self) -> f64 {
        24.0 * self.scale
    }
    pub(crate) fn axis_title_em(&self) -> f64 {
        17.0 * self.scale
    }
    pub(crate) fn label_em(&self) -> f64 {
        15.0 * self.scale
    }
    pub(crate) fn margin(&self) -> f64 {
        22.0 * self.scale
    }
    pub(crate) fn gap(&self) -> f64 {
        8.0 * self.scale
    }
}

pub(crate) struct LegendEntry {
    pub label: String,
    pub color: Rgb,
}

/// Draws the title and legend and returns the space left for the chart itself.
pub(crate) fn frame(scene: &mut Scene, fonts: &Fonts, m: Metrics, title: Option<&str>, legend: &[LegendEntry]) -> Bounds {
    let margin = m.margin();
    let mut body = Bounds { x0: margin, y0: margin, x1: scene.width - margin, y1: scene.height - margin };
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        let em = m.title_em();
        let text = fonts.fit(title, em, true, body.width());
        scene.text(&text, scene.width / 2.0, body.y0 + em * 0.9, em, true, palette::TEXT, Anchor::Middle);
        body.y0 += em * 1.25 + m.gap() * 2.0;
    } else {
        body.y0 += m.gap();
    }
    if !legend.is_empty() {
        let width = draw_legend(scene, fonts, m, legend, body);
        body.x1 -= width + m.gap() * 2.0;
    }
    body
}

/// Lists the entries top-down at the right edge of `body`; returns the width taken.
fn draw_legend(scene: &mut Scene, fonts: &Fonts, m: Metrics, entries: &[LegendEntry], body: Bounds) -> f64 {
    let em = m.label_em();
    let swatch = em * 0.8;
    let line = em * 1.6;
    let max_text = body.width() * 0.28;
    let texts: Vec<String> = entries.iter().map(|e| fonts.fit(&e.label, em, false, max_text)).collect();
    let text_width = texts.iter().map(|t| fonts.width(t, em, false)).fold(0.0, f64::max);
    let width = swatch + m.gap() + text_width;
    let x0 = body.x1 - width;

    let fits = ((body.height() / line).floor() as usize).max(1);
    let shown = if entries.len() > fits { fits - 1 } else { entries.len() };
    let total_height = line * (shown + usize::from(shown < entries.len())) as f64;
    // Centred beside the chart when short, from the top when long.
    let mut y = body.y0 + ((body.height() - total_height) / 2.0).max(0.0);
    for (entry, text) in entries.iter().zip(&texts).take(shown) {
        let mid = y + line / 2.0;
        scene.rect(x0, mid - swatch / 2.0, x0 + swatch, mid + swatch / 2.0, entry.color, 1.0);
        scene.text(text, x0 + swatch + m.gap(), mid + em * 0.35, em, false, palette::TEXT, Anchor::Start);
        y += line;
    }
    if shown < entries.len() {
        let more = format!("… {} more", entries.len() - shown);
        scene.text(&more, x0 + swatch + m.gap(), y + line / 2.0 + em * 0.35, em, false, palette::MUTED_TEXT, Anchor::Start);
    }
    width
}

/// The note shown instead of a chart when the result has nothing to draw.
pub(crate) fn no_data(scene: &mut Scene, m: Metrics, body: Bounds) {
    let em = m.axis_title_em();
    let (x, y) = ((body.x0 + body.x1) / 2.0, (body.y0 + body.y1) / 2.0);
    scene.text("No data to draw", x, y, em, false, palette::MUTED_TEXT, Anchor::Middle);
}
