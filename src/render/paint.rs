//! Paints a [`Scene`] with plotters: SVG text for `.svg`, an RGB bitmap encoded as PNG
//! for `.png`.
//!
//! plotters fills polygons without anti-aliasing, so the bitmap is drawn at up to three
//! times the asked size and averaged down: pie edges and sloped lines come out smooth.

use super::font::{fonts, svg_size, BASELINE, FAMILY};
use super::palette::{Rgb, BACKGROUND};
use super::scene::{Anchor, Scene, Shape};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Drawn at three times the size up to about 4.7 megapixels (2560×1440 is 3.7), less
/// above, so the scratch bitmap stays under ~130 MB.
fn supersample(width: u32, height: u32) -> u32 {
    match u64::from(width) * u64::from(height) {
        0..=4_700_000 => 3,
        4_700_001..=10_500_000 => 2,
        _ => 1,
    }
}

pub(crate) fn svg(scene: &Scene, width: u32, height: u32) -> Result<String> {
    fonts()?;
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        paint(&area, scene, 1.0, &|em, _| svg_size(em))?;
        area.present().map_err(draw_error)?;
    }
    Ok(out)
}

pub(crate) fn png(scene: &Scene, width: u32, height: u32) -> Result<Vec<u8>> {
    let fonts = fonts()?;
    let k = supersample(width, height);
    let (big_w, big_h) = (width * k, height * k);
    let mut big = vec![0u8; big_w as usize * big_h as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut big, (big_w, big_h)).into_drawing_area();
        let size = |em: f64, bold: bool| fonts.bitmap_size(em, bold);
        paint(&area, scene, f64::from(k), &size)?;
        area.present().map_err(draw_error)?;
    }
    let small = downsample(&big, width as usize, height as usize, k as usize);
    let mut encoded = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut encoded, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| Error::runtime(format!("cannot encode the PNG: {e}")))?;
        writer.write_image_data(&small).map_err(|e| Error::runtime(format!("cannot encode the PNG: {e}")))?;
    }
    Ok(encoded)
}

/// Averages each `k`×`k` block of an RGB image into one pixel.
fn downsample(big: &[u8], width: usize, height: usize, k: usize) -> Vec<u8> {
    let big_w = width * k;
    let mut out = vec![0u8; width * height * 3];
    for y in 0..height {
        for x in 0..width {
            let mut sum = [0u32; 3];
            for dy in 0..k {
                let row = (y * k + dy) * big_w;
                for dx in 0..k {
                    let i = (row + x * k + dx) * 3;
                    for (c, s) in sum.iter_mut().enumerate() {
                        *s += u32::from(big[i + c]);
                    }
                }
            }
            let n = (k * k) as u32;
            let o = (y * width + x) * 3;
            for c in 0..3 {
                out[o + c] = ((sum[c] + n / 2) / n) as u8;
            }
        }
    }
    out
}

fn draw_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::runtime(format!("cannot draw the chart: {e}"))
}

fn color(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws every shape, scaling coordinates by `k`; `font_size` turns an em size into the
/// size this backend's text wants.
fn paint<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scene: &Scene, k: f64, font_size: &dyn Fn(f64, bool) -> f64) -> Result<()> {
    let px = |v: f64| (v * k).round() as i32;
    let pt = |(x, y): (f64, f64)| (px(x), px(y));
    area.fill(&color(BACKGROUND)).map_err(draw_error)?;
    for shape in &scene.shapes {
        match shape {
            Shape::Rect { x0, y0, x1, y1, fill, alpha } => {
                let style = color(*fill).mix(*alpha).filled();
                area.draw(&Rectangle::new([(px(*x0), px(*y0)), (px(*x1), px(*y1))], style)).map_err(draw_error)?;
            }
            Shape::Polygon { points, fill, alpha } => {
                let style = color(*fill).mix(*alpha).filled();
                area.draw(&Polygon::new(points.iter().copied().map(pt).collect::<Vec<_>>(), style)).map_err(draw_error)?;
            }
            Shape::Line { points, color: c, width } => {
                let stroke = ((width * k).round() as u32).max(1);
                let style = ShapeStyle { color: color(*c).to_rgba(), filled: false, stroke_width: stroke };
                area.draw(&PathElement::new(points.iter().copied().map(pt).collect::<Vec<_>>(), style)).map_err(draw_error)?;
            }
            Shape::Circle { x, y, r, fill } => {
                let radius = ((r * k).round() as u32).max(1);
                area.draw(&Circle::new((px(*x), px(*y)), radius, color(*fill).filled())).map_err(draw_error)?;
            }
            Shape::Text { text, x, y, em, bold, color: c, anchor, vertical } => {
                let weight = if *bold { FontStyle::Bold } else { FontStyle::Normal };
                let mut font = FontDesc::new(FontFamily::Name(FAMILY), font_size(*em * k, *bold), weight);
                let h = match anchor {
                    Anchor::Start => HPos::Left,
                    Anchor::Middle => HPos::Center,
                    Anchor::End => HPos::Right,
                };
                let rgb = color(*c);
                // Text is placed by the top of its box; the scene gives the baseline.
                let pos = if *vertical {
                    font = font.transform(FontTransform::Rotate270);
                    (px(*x - BASELINE * em), px(*y))
                } else {
                    (px(*x), px(*y - BASELINE * em))
                };
                let style = TextStyle::from(font).color(&rgb).pos(Pos::new(h, VPos::Top));
                area.draw(&Text::new(text.as_str(), pos, style)).map_err(draw_error)?;
            }
        }
    }
    Ok(())
}
