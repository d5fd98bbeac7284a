//! Alerting after the last stage: a condition on a query's result decides whether an
//! alert fires, as an Azure Monitor log search alert rule does.
//!
//! - `rows > N`, `rows >= N`, `rows < N`, `rows <= N`, `rows == N`, `rows != N`: the
//!   rule's "number of results" measure, compared with a threshold;
//! - anything else is a KQL predicate on the result's columns (`count_ > 100`,
//!   `IndicatorThreatType == "C2" and count_ >= 2`): the alert fires when any row
//!   satisfies it. The predicate runs through the engine as `where`, so it follows
//!   Kusto's rules for types and nulls.

use crate::error::{Error, ErrorKind, Result};
use crate::output::{self, OutputFormat};
use crate::session::Session;
use crate::syntax::ast::OperatorKind;
use crate::types::{ResultTable, Schema, Table};
use polars::prelude::{DataFrame, IntoLazy};
use std::io::Write;

/// The name the result is bound to while a predicate is evaluated over it.
const RESULT_TABLE: &str = "__AlertResult";

/// How many matching rows an alert summary shows, as Azure Monitor's notification does.
pub const SUMMARY_ROWS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl Comparison {
    fn holds(self, value: usize, threshold: u64) -> bool {
        let v = value as u64;
        match self {
            Comparison::Gt => v > threshold,
            Comparison::Ge => v >= threshold,
            Comparison::Lt => v < threshold,
            Comparison::Le => v <= threshold,
            Comparison::Eq => v == threshold,
            Comparison::Ne => v != threshold,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertCondition {
    /// The number of result rows compared with a threshold.
    Rows { comparison: Comparison, threshold: u64, text: String },
    /// A KQL predicate on result columns; fires when any row satisfies it.
    Predicate { text: String },
}

/// The outcome of a condition on one result.
pub struct AlertVerdict {
    pub fired: bool,
    pub condition: String,
    pub total_rows: usize,
    /// The rows that make the alert fire: all of them for a row-count condition that
    /// holds, those satisfying the predicate otherwise.
    pub matched: ResultTable,
}

impl AlertCondition {
    /// Reads `--alert-when` text; a malformed condition is a usage error.
    pub fn parse(text: &str) -> Result<AlertCondition> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(usage(text, "the condition is empty"));
        }
        if let Some(rest) = trimmed.strip_prefix("rows") {
            // `rows` followed by an operator is the row count; `rowsX` is a column.
            let rest = rest.trim_start();
            if let Some((comparison, threshold)) = split_operator(rest) {
                let threshold = threshold.trim();
                if threshold.is_empty() {
                    return Err(usage(text, "expected a number after the comparison").with_help("e.g. rows > 0 or rows >= 5"));
                }
                let value = threshold.parse::<u64>().map_err(|_| {
                    usage(text, &format!("`{threshold}` is not a row count")).with_help("compare rows with a whole number, e.g. rows >= 5")
                })?;
                return Ok(AlertCondition::Rows { comparison, threshold: value, text: trimmed.to_string() });
            }
            if rest.is_empty() || rest.starts_with('=') || rest.starts_with('<') || rest.starts_with('>') || rest.starts_with('!') {
                return Err(
                    usage(text, "expected a comparison after `rows`").with_help("use >, >=, <, <=, == or != and a number, e.g. rows > 0")
                );
            }
        }
        let query = format!("{RESULT_TABLE} | where {trimmed}");
        let parsed = crate::syntax::parse_query(&query, false).map_err(|e| usage(text, &e.message))?;
        let q = &parsed.query;
        let single_where = q.lets.is_empty() && q.body.ops.len() == 1 && matches!(q.body.ops[0].kind, OperatorKind::Where(_));
        if !single_where {
            return Err(usage(text, "a condition is one predicate, not a query")
                .with_help("e.g. --alert-when 'count_ > 100', or --alert-when 'rows > 0'"));
        }
        Ok(AlertCondition::Predicate { text: trimmed.to_string() })
    }

    pub fn text(&self) -> &str {
        match self {
            AlertCondition::Rows { text, .. } | AlertCondition::Predicate { text } => text,
        }
    }

    /// Checks a predicate against the result's columns before the query runs, so a
    /// misspelt column is a usage error rather than an alert that never fires.
    pub fn check_against(&self, schema: &Schema, now: i64) -> Result<()> {
        let AlertCondition::Predicate { text } = self else { return Ok(()) };
        let mut session = Session::new(now);
        session.bind(RESULT_TABLE, Table { schema: schema.clone(), frame: DataFrame::empty_with_schema(&schema.polars()).lazy() });
        session.check(&format!("{RESULT_TABLE} | where {text}")).map(|_| ()).map_err(|e| {
            let columns: Vec<&str> = schema.names().collect();
            let help = e.help.clone().unwrap_or_else(|| format!("the result's columns are {}", columns.join(", ")));
            usage(text, &e.message).with_help(help)
        })
    }

    /// Judges one result; `now` is what `ago()` in a predicate counts back from.
    pub fn evaluate(&self, result: &ResultTable, now: i64) -> Result<AlertVerdict> {
        let total_rows = result.frame.height();
        let (fired, matched) = match self {
            AlertCondition::Rows { comparison, threshold, .. } => {
                let fired = comparison.holds(total_rows, *threshold);
                let matched = if fired { result.clone() } else { empty_like(result) };
                (fired, matched)
            }
            AlertCondition::Predicate { text } => {
                let mut session = Session::new(now);
                session.bind(RESULT_TABLE, Table { schema: result.schema.clone(), frame: result.frame.clone().lazy() });
                let out = session.run(&format!("{RESULT_TABLE} | where {text}")).map_err(|e| match e.kind {
                    ErrorKind::Runtime | ErrorKind::Data => e,
                    _ => usage(text, &e.message),
                })?;
                (out.result.frame.height() > 0, out.result)
            }
        };
        Ok(AlertVerdict { fired, condition: self.text().to_string(), total_rows, matched })
    }
}

impl AlertVerdict {
    /// The alert summary: the verdict, the condition, how many rows match, and the
    /// first matching rows.
    pub fn write_summary(&self, out: &mut dyn Write) -> Result<()> {
        let io = |e: std::io::Error| Error::runtime(format!("cannot write the alert summary: {e}"));
        let matched = self.matched.frame.height();
        if self.fired {
            writeln!(out, "ALERT: condition `{}` holds", self.condition).map_err(io)?;
            writeln!(out, "rows matched: {matched} of {}", self.total_rows).map_err(io)?;
            if matched > SUMMARY_ROWS {
                writeln!(out, "first {SUMMARY_ROWS} rows:").map_err(io)?;
            }
            let head = ResultTable { schema: self.matched.schema.clone(), frame: self.matched.frame.head(Some(SUMMARY_ROWS)) };
            output::write_result(&head, OutputFormat::Table, out)?;
        } else {
            writeln!(out, "no alert: condition `{}` does not hold ({} result rows)", self.condition, self.total_rows).map_err(io)?;
        }
        Ok(())
    }
}

/// `> 5` -> (Gt, " 5"); longest operators first.
fn split_operator(s: &str) -> Option<(Comparison, &str)> {
    const OPS: [(&str, Comparison); 6] = [
        (">=", Comparison::Ge),
        ("<=", Comparison::Le),
        ("==", Comparison::Eq),
        ("!=", Comparison::Ne),
        (">", Comparison::Gt),
        ("<", Comparison::Lt),
    ];
    OPS.iter().find_map(|(op, c)| s.strip_prefix(op).map(|rest| (*c, rest)))
}

fn empty_like(result: &ResultTable) -> ResultTable {
    ResultTable { schema: result.schema.clone(), frame: result.frame.clear() }
}

fn usage(condition: &str, message: &str) -> Error {
    Error::usage(format!("--alert-when `{}`: {message}", condition.trim()))
        .with_help("give `rows > N` (or >=, <, <=, ==, !=) or a predicate on result columns, e.g. count_ > 100")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_count_conditions() {
        let c = AlertCondition::parse(" rows >= 5 ").ok();
        assert_eq!(c, Some(AlertCondition::Rows { comparison: Comparison::Ge, threshold: 5, text: "rows >= 5".into() }));
        assert!(matches!(AlertCondition::parse("rows>0"), Ok(AlertCondition::Rows { comparison: Comparison::Gt, threshold: 0, .. })));
        assert!(Comparison::Ne.holds(1, 0) && !Comparison::Lt.holds(3, 3) && Comparison::Le.holds(3, 3));
    }

    #[test]
    fn predicates_and_malformed_conditions() {
        assert!(matches!(AlertCondition::parse("count_ > 100"), Ok(AlertCondition::Predicate { .. })));
        assert!(matches!(AlertCondition::parse("rowsTotal > 1"), Ok(AlertCondition::Predicate { .. })));
        for bad in ["", "rows >", "rows > x", "rows = 1", "rows", "count_ >", "x > 1 | take 1", "x > 1; print 1"] {
            let e = AlertCondition::parse(bad).err();
            assert_eq!(e.map(|e| e.kind), Some(ErrorKind::Usage), "{bad}");
        }
    }
}
