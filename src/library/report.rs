//! The hunt report: one self-contained HTML page (`DIR/index.html`) with the hunt's
//! summary, every query's text and answer as tables, and the charts of queries that
//! `render`, drawn by `render` as SVG and put inline. The page loads nothing: no
//! scripts, style sheets, fonts or images from elsewhere, so it opens offline in any
//! browser and can be mailed or archived as it is.

use super::html::{anchor, escape, inline_svg, result_table};
use super::hunt::{change, elapsed_text, top_values, HuntRun, QueryOutcome, Run, RunStatus};
use crate::error::{Error, Result};
use crate::render::{self, ChartFormat, ChartKind};
use crate::types::ResultTable;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Chart size in the report, in pixels (the page scales it down to fit).
const CHART_WIDTH: u32 = 960;
const CHART_HEIGHT: u32 = 440;

/// What the report says about the hunt besides its results.
pub struct ReportOptions {
    /// Where the tables came from, e.g. "built-in sample, 20000 rows".
    pub data: String,
    /// Rows shown per result table.
    pub max_rows: usize,
}

/// Writes `dir/index.html` (creating `dir`) and returns its path.
pub fn write_report(hunt: &HuntRun, dir: &Path, options: &ReportOptions) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::usage(format!("cannot create report directory {}: {e}", dir.display())))?;
    let path = dir.join("index.html");
    let page = page(hunt, options);
    let tmp = dir.join(".index.html.partial");
    std::fs::write(&tmp, page).map_err(|e| Error::runtime(format!("cannot write {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// The whole page as text.
pub fn page(hunt: &HuntRun, options: &ReportOptions) -> String {
    let mut h = String::new();
    let now = crate::text::format_datetime(hunt.now);
    let (ran, skipped, failed) = hunt.counts();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>flowkql hunt report, {}</title>", escape(&now));
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(h, "<header><h1>Hunt report</h1>");
    let _ = writeln!(
        h,
        "<p class=\"meta\">now() = <time>{}</time> · data: {} · {} queries: {ran} ran, {skipped} skipped, {failed} failed</p>",
        escape(&now),
        escape(&options.data),
        hunt.outcomes.len()
    );
    if let Some(c) = &hunt.compare {
        let _ = writeln!(h, "<p class=\"meta\">compared: {}</p>", escape(&c.labels().join(" · ")));
    }
    h.push_str("</header>\n");
    summary(&mut h, hunt);
    for o in &hunt.outcomes {
        section(&mut h, o, hunt, options);
    }
    h.push_str(
        "<footer>Written by flowkql. Results are exactly the queries' answers on the data named above.</footer>\n</body>\n</html>\n",
    );
    h
}

fn summary(h: &mut String, hunt: &HuntRun) {
    h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>Query</th><th>Title</th>");
    let labels = hunt.compare.as_ref().map(|c| c.labels()).unwrap_or_else(|| vec!["Rows".to_string()]);
    for l in &labels {
        let _ = write!(h, "<th>{}</th>", escape(l));
    }
    if hunt.compare.is_some() {
        h.push_str("<th>Change</th>");
    }
    h.push_str("<th>Time</th><th>Top values (first column)</th></tr></thead>\n<tbody>\n");
    for o in &hunt.outcomes {
        let _ = write!(
            h,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td>",
            anchor(&o.query.name),
            escape(&o.query.name),
            escape(o.query.display_title())
        );
        for r in &o.runs {
            let _ = write!(h, "<td class=\"num\">{}</td>", escape(&rows_cell(r)));
        }
        if hunt.compare.is_some() {
            let _ = write!(h, "<td class=\"num\">{}</td>", escape(&change(o)));
        }
        let time: Vec<String> = o
            .runs
            .iter()
            .filter_map(|r| match &r.status {
                RunStatus::Ran { elapsed, .. } => Some(elapsed_text(*elapsed)),
                _ => None,
            })
            .collect();
        let _ = writeln!(h, "<td class=\"num\">{}</td><td>{}</td></tr>", escape(&time.join(" / ")), escape(&top_note(o)));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn rows_cell(r: &Run) -> String {
    match &r.status {
        RunStatus::Ran { result, .. } => result.frame.height().to_string(),
        RunStatus::Skipped(_) => "skipped".to_string(),
        RunStatus::Failed(_) => "failed".to_string(),
    }
}

fn top_note(o: &QueryOutcome) -> String {
    let last = o.runs.iter().rev().find(|r| matches!(r.status, RunStatus::Ran { .. }));
    match last.map(|r| &r.status) {
        Some(RunStatus::Ran { result, .. }) => match top_values(result, 3) {
            Some((column, values)) => {
                let shown: Vec<String> = values.iter().map(|(v, n)| if *n > 1 { format!("{v} ({n})") } else { v.clone() }).collect();
                format!("{column}: {}", shown.join(", "))
            }
            None => String::new(),
        },
        _ => match o.runs.first().map(|r| &r.status) {
            Some(RunStatus::Skipped(why)) => format!("skipped: {why}"),
            Some(RunStatus::Failed(e)) => format!("error: {}", e.message),
            _ => String::new(),
        },
    }
}

fn section(h: &mut String, o: &QueryOutcome, hunt: &HuntRun, options: &ReportOptions) {
    let q = &o.query;
    let _ = writeln!(h, "<section class=\"query\" id=\"{}\">", anchor(&q.name));
    let _ = writeln!(h, "<h2>{}</h2>\n<p class=\"name\"><code>{}</code></p>", escape(q.display_title()), escape(&q.name));
    if !q.description.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", escape(&q.description));
    }
    let mut facts = Vec::new();
    if !q.tables.is_empty() {
        facts.push(format!("tables: {}", q.tables.join(", ")));
    }
    if !q.parameters.is_empty() {
        let p: Vec<String> = q.parameters.iter().map(|p| format!("{} = {}", p.name, p.default)).collect();
        facts.push(format!("parameters: {}", p.join(", ")));
    }
    if !q.tags.is_empty() {
        facts.push(format!("tags: {}", q.tags.join(", ")));
    }
    if !facts.is_empty() {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(&facts.join(" · ")));
    }
    let _ = writeln!(h, "<details><summary>Query</summary><pre><code>{}</code></pre></details>", escape(q.text.trim_end()));
    h.push_str("<div class=\"runs\">\n");
    for r in &o.runs {
        run(h, o, r, options);
        if hunt.compare.is_some() && !r.parameter_applied {
            break;
        }
    }
    h.push_str("</div>\n</section>\n");
}

fn run(h: &mut String, o: &QueryOutcome, r: &Run, options: &ReportOptions) {
    h.push_str("<div class=\"run\">\n");
    match (&r.label, r.parameter_applied) {
        (Some(l), true) => {
            let _ = writeln!(h, "<h3>{}</h3>", escape(l));
        }
        (Some(_), false) => {
            let _ = writeln!(h, "<h3>every value</h3><p class=\"meta\">The query has no such parameter: one answer for all.</p>");
        }
        (None, _) => {}
    }
    match &r.status {
        RunStatus::Ran { result, render, elapsed } => {
            let n = result.frame.height();
            let shown = n.min(options.max_rows);
            let more = if n > shown { format!(" (first {shown} shown)") } else { String::new() };
            let _ = writeln!(h, "<p class=\"status\">{n} rows in {}{more}</p>", escape(&elapsed_text(*elapsed)));
            if let Some(render) = render {
                chart(h, render, result);
            }
            if n > 0 {
                h.push_str("<div class=\"scroll\">\n");
                h.push_str(&result_table(result, options.max_rows));
                h.push_str("</div>\n");
            }
        }
        RunStatus::Skipped(why) => {
            let _ = writeln!(h, "<p class=\"skipped\">Skipped: {}</p>", escape(why));
        }
        RunStatus::Failed(e) => {
            let _ = writeln!(h, "<pre class=\"error\">{}</pre>", escape(&e.render_plain(&o.query.name, &o.query.text)));
        }
    }
    h.push_str("</div>\n");
}

/// The query's `render` chart as inline SVG, or a note saying why there is none.
fn chart(h: &mut String, render: &crate::syntax::ast::Render, result: &ResultTable) {
    let svg = render::chart_input(render, result)
        .and_then(|(spec, table)| {
            if spec.kind == ChartKind::Table {
                return Ok(None);
            }
            let bytes = render::chart_bytes(&spec, &table, ChartFormat::Svg, CHART_WIDTH, CHART_HEIGHT)?;
            Ok(Some(String::from_utf8_lossy(&bytes).to_string()))
        })
        .map_err(|e| e.message);
    match svg {
        Ok(None) => {}
        Ok(Some(svg)) => match inline_svg(&svg) {
            Some(svg) => {
                let _ = writeln!(h, "<figure class=\"chart\">{svg}</figure>");
            }
            None => h.push_str("<p class=\"skipped\">The chart was left out: its SVG was not plain drawing.</p>\n"),
        },
        Err(message) => {
            let _ = writeln!(h, "<p class=\"skipped\">No chart: {}</p>", escape(&message));
        }
    }
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1400px;padding:1rem 2rem;color:#1b1b1b;background:#fff}
h1{margin:.2rem 0}h2{margin:1.6rem 0 .3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{margin:.4rem 0}
.meta,.name,.status{color:#555;margin:.2rem 0}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{border:1px solid #d6d6d6;padding:.2rem .5rem;text-align:left;vertical-align:top;white-space:nowrap}
th{background:#f2f4f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.summary td:last-child{white-space:normal}
.runs{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}.run{flex:1 1 32rem;min-width:0}
.scroll{overflow-x:auto;max-height:32rem;overflow-y:auto}
figure.chart{margin:.4rem 0}figure.chart svg{max-width:100%;height:auto;border:1px solid #eee}
pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.85rem}pre.error{background:#fff3f3;color:#8a1111}
.skipped{color:#8a6d00}footer{margin:2rem 0 1rem;color:#777;font-size:.8rem}
";
