//! Hunting: run a set of library queries against the same tables and look at all the
//! answers at once, as Microsoft Sentinel's hunting page does. Each query runs through
//! the whole pipeline (`Session::run`); with `--compare timeframe=1h,1d` it runs once per
//! value of that parameter, so a hunt shows how the answer changes with the window.
//!
//! A query is skipped, not failed, when a table it reads is not bound (an AWS query on
//! the Azure sample) or when it is kept verbatim although Kusto rejects it.

use super::entry::LibraryQuery;
use crate::error::{Error, Result};
use crate::output::{self, OutputFormat};
use crate::session::Session;
use crate::syntax::ast::Render;
use crate::types::ResultTable;
use polars::prelude::AnyValue;
use std::io::Write;
use std::time::{Duration, Instant};

/// `--compare NAME=V1,V2,...`: one run per value of a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compare {
    pub parameter: String,
    pub values: Vec<String>,
}

impl Compare {
    pub fn parse(text: &str) -> Result<Compare> {
        let help = "e.g. --compare timeframe=1h,1d";
        let Some((name, values)) = text.split_once('=') else {
            return Err(Error::usage(format!("--compare {text}: expected NAME=VALUE,VALUE...")).with_help(help));
        };
        let name = name.trim();
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
        if name.is_empty() || values.iter().any(String::is_empty) {
            return Err(
                Error::usage(format!("--compare {text}: a parameter name and values separated by commas are needed")).with_help(help)
            );
        }
        if values.len() < 2 {
            return Err(Error::usage(format!("--compare {text}: give at least two values to compare"))
                .with_help(format!("e.g. --compare {name}={},…; for one value use --set {name}={}", values[0], values[0])));
        }
        Ok(Compare { parameter: name.to_string(), values })
    }

    /// `timeframe=1h` for each value.
    pub fn labels(&self) -> Vec<String> {
        self.values.iter().map(|v| format!("{}={v}", self.parameter)).collect()
    }
}

pub enum RunStatus {
    Ran { result: ResultTable, render: Option<Render>, elapsed: Duration },
    Skipped(String),
    Failed(Error),
}

/// One run of one query (one `--compare` value, or the only run).
pub struct Run {
    /// `timeframe=1h` under `--compare`.
    pub label: Option<String>,
    /// False when the query has no such parameter and its one answer is shown for
    /// every value.
    pub parameter_applied: bool,
    pub status: RunStatus,
}

pub struct QueryOutcome {
    pub query: LibraryQuery,
    pub runs: Vec<Run>,
}

/// A whole hunt: every query's runs, in the order the queries were given.
pub struct HuntRun {
    pub outcomes: Vec<QueryOutcome>,
    pub compare: Option<Compare>,
    /// The instant `now()` returned.
    pub now: i64,
}

/// Runs every query on the session's tables. `--set` overrides in the session apply to
/// the queries that have the parameter and are ignored by the others.
pub fn hunt(queries: Vec<LibraryQuery>, session: &Session, compare: Option<&Compare>) -> HuntRun {
    let outcomes = queries.into_iter().map(|q| run_one(q, session, compare)).collect();
    HuntRun { outcomes, compare: compare.cloned(), now: session.now }
}

fn run_one(query: LibraryQuery, session: &Session, compare: Option<&Compare>) -> QueryOutcome {
    let labels: Vec<Option<String>> = match compare {
        Some(c) => c.labels().into_iter().map(Some).collect(),
        None => vec![None],
    };
    let skip = |reason: String| {
        labels.iter().map(|l| Run { label: l.clone(), parameter_applied: false, status: RunStatus::Skipped(reason.clone()) }).collect()
    };
    if query.rejected_verbatim() {
        let runs = skip("kept verbatim although Kusto rejects it (tag verbatim-rejected)".to_string());
        return QueryOutcome { query, runs };
    }
    if let Some(missing) = query.tables.iter().find(|t| !session.tables().contains_key(*t)) {
        let runs = skip(format!("table {missing} is not bound (--table {missing}=FILE)"));
        return QueryOutcome { query, runs };
    }
    let mut base = session.clone();
    base.overrides.retain(|name, _| query.parameter(name).is_some());
    let runs = match compare {
        Some(c) if query.parameter(&c.parameter).is_some() => c
            .values
            .iter()
            .zip(c.labels())
            .map(|(value, label)| {
                let mut s = base.clone();
                s.overrides.insert(c.parameter.clone(), value.clone());
                Run { label: Some(label), parameter_applied: true, status: timed_run(&s, &query.text) }
            })
            .collect(),
        _ => {
            let status = timed_run(&base, &query.text);
            let mut runs: Vec<Run> = Vec::new();
            for label in labels {
                let status = match &status {
                    RunStatus::Ran { result, render, elapsed } => {
                        RunStatus::Ran { result: result.clone(), render: render.clone(), elapsed: *elapsed }
                    }
                    RunStatus::Skipped(s) => RunStatus::Skipped(s.clone()),
                    RunStatus::Failed(e) => RunStatus::Failed(e.clone()),
                };
                runs.push(Run { label, parameter_applied: false, status });
            }
            runs
        }
    };
    QueryOutcome { query, runs }
}

fn timed_run(session: &Session, text: &str) -> RunStatus {
    let start = Instant::now();
    match session.run(text) {
        Ok(out) => RunStatus::Ran { result: out.result, render: out.render, elapsed: start.elapsed() },
        Err(e) => RunStatus::Failed(e),
    }
}

impl HuntRun {
    /// The exit status a hunt ends with: the worst failure's, or 0.
    pub fn exit_code(&self) -> i32 {
        let codes = self.outcomes.iter().flat_map(|o| &o.runs).filter_map(|r| match &r.status {
            RunStatus::Failed(e) => Some(e.exit_code()),
            _ => None,
        });
        // Query errors (2) outrank data and runtime errors (1).
        codes.max().unwrap_or(0)
    }

    /// How many queries ran, were skipped, failed (a query with any failed run failed).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for o in &self.outcomes {
            if o.runs.iter().any(|r| matches!(r.status, RunStatus::Failed(_))) {
                c.2 += 1;
            } else if !o.runs.is_empty() && o.runs.iter().all(|r| matches!(r.status, RunStatus::Ran { .. })) {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        c
    }

    /// One line per query: rows and time of each run, then the top values of the
    /// first column of its (last) answer.
    pub fn write_summary(&self, out: &mut dyn Write) -> Result<()> {
        let labels = match &self.compare {
            Some(c) => c.labels(),
            None => vec![format!("{:>10}  {:>7}", "ROWS", "TIME")],
        };
        let mut lines: Vec<Vec<String>> = Vec::new();
        let mut header = vec!["QUERY".to_string()];
        header.extend(labels.iter().cloned());
        if self.compare.is_some() {
            header.push("CHANGE".to_string());
        }
        header.push("TOP VALUES (first column)".to_string());
        lines.push(header);
        for o in &self.outcomes {
            let mut line = vec![o.query.name.clone()];
            for r in &o.runs {
                let cell = run_cell(r);
                let shared = self.compare.is_some() && !r.parameter_applied && matches!(r.status, RunStatus::Ran { .. });
                line.push(if shared { format!("{cell} *") } else { cell });
            }
            if self.compare.is_some() {
                line.push(change(o));
            }
            line.push(note(o));
            lines.push(line);
        }
        write_aligned(out, &lines)?;
        let (ran, skipped, failed) = self.counts();
        let mut tail = format!("{} queries: {ran} ran, {skipped} skipped, {failed} failed", self.outcomes.len());
        if self.compare.is_some()
            && self.outcomes.iter().any(|o| o.runs.iter().any(|r| !r.parameter_applied && matches!(r.status, RunStatus::Ran { .. })))
        {
            let p = self.compare.as_ref().map(|c| c.parameter.as_str()).unwrap_or_default();
            tail.push_str(&format!("\n* the query has no `let {p}`; its one answer is shown for every value"));
        }
        writeln!(out, "{tail}").map_err(io)
    }

    /// Each query's answer (each run's, under `--compare`), at most `max_rows` rows each.
    pub fn write_results(&self, out: &mut dyn Write, max_rows: usize) -> Result<()> {
        for o in &self.outcomes {
            for r in &o.runs {
                let label = r.label.as_deref().map(|l| format!(" [{l}]")).unwrap_or_default();
                match &r.status {
                    RunStatus::Ran { result, .. } => {
                        let n = result.frame.height();
                        writeln!(out, "\n== {}{label}: {} ({}) ==", o.query.name, o.query.display_title(), rows_text(n)).map_err(io)?;
                        if n > 0 {
                            let head = ResultTable { schema: result.schema.clone(), frame: result.frame.head(Some(max_rows)) };
                            output::write_result(&head, OutputFormat::Table, out)?;
                            if n > max_rows {
                                writeln!(out, "(first {max_rows} of {n} rows; --max-rows shows more)").map_err(io)?;
                            }
                        }
                    }
                    RunStatus::Failed(e) => {
                        writeln!(out, "\n== {}{label}: failed ==\n{}", o.query.name, e.render_plain(&o.query.name, &o.query.text))
                            .map_err(io)?;
                    }
                    RunStatus::Skipped(_) => {}
                }
                if !r.parameter_applied && self.compare.is_some() {
                    // The same answer for every value: shown once.
                    break;
                }
            }
        }
        Ok(())
    }
}

fn io(e: std::io::Error) -> Error {
    Error::runtime(format!("cannot write the hunt summary: {e}"))
}

fn rows_text(n: usize) -> String {
    if n == 1 {
        "1 row".to_string()
    } else {
        format!("{n} rows")
    }
}

fn run_cell(r: &Run) -> String {
    match &r.status {
        RunStatus::Ran { result, elapsed, .. } => format!("{:>10}  {:>7}", rows_text(result.frame.height()), elapsed_text(*elapsed)),
        RunStatus::Skipped(_) => "skipped".to_string(),
        RunStatus::Failed(_) => "FAILED".to_string(),
    }
}

/// `12 ms`, `1.4 s`.
pub fn elapsed_text(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// The change in row count from the first run to the last, as Sentinel's "results
/// change" column shows it.
pub(super) fn change(o: &QueryOutcome) -> String {
    let rows = |r: Option<&Run>| match r.map(|r| &r.status) {
        Some(RunStatus::Ran { result, .. }) => Some(result.frame.height() as i64),
        _ => None,
    };
    match (rows(o.runs.first()), rows(o.runs.last())) {
        (Some(a), Some(b)) => format!("{:+}", b - a),
        _ => String::new(),
    }
}

/// Top values of the first column, or why there is no answer.
fn note(o: &QueryOutcome) -> String {
    let last = o.runs.iter().rev().find(|r| matches!(r.status, RunStatus::Ran { .. })).or(o.runs.last());
    match last.map(|r| &r.status) {
        Some(RunStatus::Ran { result, .. }) => match top_values(result, 3) {
            Some((column, values)) => {
                let counted = values.iter().any(|(_, n)| *n > 1);
                let shown: Vec<String> = values
                    .iter()
                    .map(|(v, n)| {
                        let v = if v.is_empty() { "\"\"".to_string() } else { clip(v, 40) };
                        if counted {
                            format!("{v} ({n})")
                        } else {
                            v
                        }
                    })
                    .collect();
                format!("{column}: {}", shown.join(", "))
            }
            None => String::new(),
        },
        Some(RunStatus::Skipped(why)) => format!("skipped: {why}"),
        Some(RunStatus::Failed(e)) => format!("error: {}", first_line(&e.message)),
        None => String::new(),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The `k` most frequent values of a result's first column with their row counts;
/// ties keep the order in which values first appear (the query's sort order).
pub fn top_values(result: &ResultTable, k: usize) -> Option<(String, Vec<(String, usize)>)> {
    let (name, ty) = result.schema.columns.first()?;
    let column = result.frame.columns().first()?;
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in 0..column.len() {
        let text = match column.get(i) {
            Ok(AnyValue::Null) | Err(_) => String::new(),
            Ok(v) => crate::text::format_value(&v, *ty),
        };
        match index.get(&text) {
            Some(&j) => counts[j].1 += 1,
            None => {
                index.insert(text.clone(), counts.len());
                counts.push((text, 1));
            }
        }
    }
    if counts.is_empty() {
        return None;
    }
    // A stable sort keeps first-appearance order among equal counts.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.truncate(k);
    Some((name.clone(), counts))
}

/// Left-aligned columns, two spaces apart; the last column is not padded.
fn write_aligned(out: &mut dyn Write, lines: &[Vec<String>]) -> Result<()> {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..columns).map(|c| lines.iter().filter_map(|l| l.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    for l in lines {
        let mut text = String::new();
        for (c, cell) in l.iter().enumerate() {
            if c + 1 == l.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", text.trim_end()).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_values() {
        let c = Compare::parse("timeframe=1h, 1d,7d").ok();
        assert_eq!(c.as_ref().map(|c| c.labels()), Some(vec!["timeframe=1h".into(), "timeframe=1d".into(), "timeframe=7d".into()]));
        for bad in ["timeframe", "timeframe=1h", "=1h,1d", "timeframe=1h,,1d"] {
            assert!(Compare::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn elapsed_is_short() {
        assert_eq!(elapsed_text(Duration::from_millis(12)), "12 ms");
        assert_eq!(elapsed_text(Duration::from_millis(1400)), "1.4 s");
    }
}
