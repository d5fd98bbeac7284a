//! A chart as a flat list of shapes in output pixels, built by the chart modules and then
//! painted by `paint` onto a PNG or SVG surface. Keeping layout apart from plotters lets
//! both formats share one drawing, and lets tests look at what was drawn.

use super::palette::Rgb;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Rect {
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Rgb,
        alpha: f64,
    },
    Polygon {
        points: Vec<(f64, f64)>,
        fill: Rgb,
        alpha: f64,
    },
    Line {
        points: Vec<(f64, f64)>,
        color: Rgb,
        width: f64,
    },
    Circle {
        x: f64,
        y: f64,
        r: f64,
        fill: Rgb,
    },
    /// `y` is the baseline; vertical text reads bottom to top with its baseline at `x`.
    Text {
        text: String,
        x: f64,
        y: f64,
        em: f64,
        bold: bool,
        color: Rgb,
        anchor: Anchor,
        vertical: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

impl Scene {
    pub(crate) fn new(width: f64, height: f64) -> Scene {
        Scene { width, height, shapes: Vec::new() }
    }

    pub(crate) fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, fill: Rgb, alpha: f64) {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        self.shapes.push(Shape::Rect { x0, y0, x1, y1, fill, alpha });
    }

    pub(crate) fn polygon(&mut self, points: Vec<(f64, f64)>, fill: Rgb, alpha: f64) {
        if points.len() >= 3 {
            self.shapes.push(Shape::Polygon { points, fill, alpha });
        }
    }

    pub(crate) fn line(&mut self, points: Vec<(f64, f64)>, color: Rgb, width: f64) {
        if points.len() >= 2 {
            self.shapes.push(Shape::Line { points, color, width });
        }
    }

    pub(crate) fn circle(&mut self, x: f64, y: f64, r: f64, fill: Rgb) {
        self.shapes.push(Shape::Circle { x, y, r, fill });
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(&mut self, text: &str, x: f64, y: f64, em: f64, bold: bool, color: Rgb, anchor: Anchor) {
        if !text.is_empty() {
            let text = text.to_string();
            self.shapes.push(Shape::Text { text, x, y, em, bold, color, anchor, vertical: false });
        }
    }

    /// Text turned to read bottom to top; `anchor` is along the text, so `End` puts its
    /// last letter at `y`.
    pub(crate) fn vertical_text(&mut self, text: &str, x: f64, y: f64, em: f64, color: Rgb, anchor: Anchor) {
        if !text.is_empty() {
            let text = text.to_string();
            self.shapes.push(Shape::Text { text, x, y, em, bold: false, color, anchor, vertical: true });
        }
    }
}
