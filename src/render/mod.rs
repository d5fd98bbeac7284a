//! The last stage: a query that ends in `render` draws its result as a chart.
//!
//! ```text
//!  Render (AST) ──chart_spec──▶ ChartSpec ──┐
//!  ResultTable ──────────────────────────────┴─draw_chart─▶ data ─▶ Scene ─▶ PNG / SVG file
//! ```
//!
//! [`chart_spec`] checks the clause against the result schema before the query runs, so
//! a bad property fails fast; [`draw_chart`] lays the chart out as a scene of shapes and
//! paints it with plotters in the embedded font, then writes the file atomically.

mod axes;
mod cartesian;
mod data;
mod font;
mod frame;
mod labels;
mod paint;
mod palette;
mod pie;
mod scene;
mod series;
mod spec;
mod stack;

pub use series::{chart_input, may_hold_series};
pub use spec::{chart_spec, AxisScale, ChartColumn, ChartKind, ChartSpec, Stacking};

use crate::error::{Error, Result};
use crate::types::ResultTable;
use frame::{LegendEntry, Metrics};
use scene::Scene;
use std::path::Path;

/// The default image size, in pixels.
pub const DEFAULT_WIDTH: u32 = 1280;
pub const DEFAULT_HEIGHT: u32 = 720;

const MIN_SIZE: u32 = 160;
const MAX_SIZE: u32 = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Png,
    Svg,
}

/// The chart format a file name asks for, by its extension.
pub fn chart_format_from_path(path: &Path) -> Result<ChartFormat> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(ChartFormat::Png),
        Some("svg") => Ok(ChartFormat::Svg),
        _ => Err(Error::usage(format!("cannot tell the chart format of `{}`", path.display()))
            .with_help("name the chart file with a .png or .svg extension")),
    }
}

/// Draws `result` as `spec` asks into `path` (PNG or SVG by its extension), `width` by
/// `height` pixels. The file appears whole or not at all: it is written beside its final
/// name and renamed into place.
pub fn draw_chart(spec: &ChartSpec, result: &ResultTable, path: &Path, width: u32, height: u32) -> Result<()> {
    let format = chart_format_from_path(path)?;
    let bytes = chart_bytes(spec, result, format, width, height)?;
    write_atomically(path, &bytes)
}

/// The encoded chart, without touching the file system.
pub fn chart_bytes(spec: &ChartSpec, result: &ResultTable, format: ChartFormat, width: u32, height: u32) -> Result<Vec<u8>> {
    if spec.kind == ChartKind::Table {
        return Err(Error::usage("the query renders a table, so there is no chart to draw")
            .with_help("use a chart visualization such as `render columnchart`, or leave out the chart file"));
    }
    for (what, v) in [("width", width), ("height", height)] {
        if !(MIN_SIZE..=MAX_SIZE).contains(&v) {
            return Err(Error::usage(format!("a chart {what} of {v} pixels is out of range"))
                .with_help(format!("use {MIN_SIZE} to {MAX_SIZE} pixels; the default is {DEFAULT_WIDTH}x{DEFAULT_HEIGHT}")));
        }
    }
    let scene = build_scene(spec, result, f64::from(width), f64::from(height))?;
    match format {
        ChartFormat::Svg => Ok(paint::svg(&scene, width, height)?.into_bytes()),
        ChartFormat::Png => paint::png(&scene, width, height),
    }
}

fn build_scene(spec: &ChartSpec, result: &ResultTable, width: f64, height: f64) -> Result<Scene> {
    let fonts = font::fonts()?;
    let m = Metrics::for_size(width, height);
    let mut scene = Scene::new(width, height);
    let title = spec.title.as_deref();
    if spec.kind == ChartKind::Pie {
        let slices = pie::group(data::slices(spec, result).map_err(|e| at_render(e, spec))?);
        let legend: Vec<LegendEntry> = if spec.legend {
            slices.iter().map(|s| LegendEntry { label: legend_label(&s.label, s.value), color: s.color }).collect()
        } else {
            Vec::new()
        };
        let body = frame::frame(&mut scene, fonts, m, title, &legend);
        if slices.is_empty() {
            frame::no_data(&mut scene, m, body);
        } else {
            pie::draw(&mut scene, fonts, m, &slices, body);
        }
        return Ok(scene);
    }
    let data = data::xy_data(spec, result).map_err(|e| at_render(e, spec))?;
    let legend: Vec<LegendEntry> = if spec.legend && data.series.len() > 1 {
        data.series.iter().enumerate().map(|(i, s)| LegendEntry { label: s.name.clone(), color: palette::series(i) }).collect()
    } else {
        Vec::new()
    };
    let body = frame::frame(&mut scene, fonts, m, title, &legend);
    if data.series.iter().all(|s| s.points.iter().all(|p| p.y.is_none())) {
        frame::no_data(&mut scene, m, body);
    } else {
        cartesian::draw(&mut scene, fonts, m, spec, &data, body);
    }
    Ok(scene)
}

/// Points a data error at the `render` clause, the part of the query that asked for it.
fn at_render(e: Error, spec: &ChartSpec) -> Error {
    if e.span.is_none() {
        e.at(spec.span)
    } else {
        e
    }
}

fn legend_label(label: &str, value: f64) -> String {
    let name = if label.is_empty() { "(empty)" } else { label };
    format!("{name} ({})", labels::number(value))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    let cannot = |e: std::io::Error| Error::runtime(format!("cannot write the chart to `{}`: {e}", path.display()));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| Error::usage(format!("`{}` is not a file name", path.display())))?;
    // Unique per process and call, so concurrent draws never share a temporary file.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{}.{}-{n}.tmp", name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = renamed {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
