//! `scan`: the input is collected and its rows matched in order against the steps, from
//! the last step to the first, as scan-operator.md's matching logic describes: a row
//! matching step k while step k-1 holds a sequence moves that sequence on to step k
//! (check 1); otherwise a row matching step k's own active sequence (or the first step)
//! updates it (check 2). Conditions and assignments are the engine's own expressions,
//! evaluated on a one-row frame of the row and the state's values, so they mean exactly
//! what they mean elsewhere; the price is speed (a small Polars query per check).

use super::scalar::{lower_expr, lower_filter};
use crate::error::{Error, Result};
use crate::plan::{scan_state_column, ScanStepPlan, TExpr, TExprKind};
use crate::syntax::ast::{Literal, ScanOutput};
use crate::types::KqlType;
use polars::prelude::*;
use std::collections::HashMap;

type Row = Vec<AnyValue<'static>>;

/// One sequence in the state: the extended row each step up to this one matched last.
#[derive(Clone)]
struct Sequence {
    rows: Vec<Option<Row>>,
    id: i64,
}

/// The state of the scan over one group of rows (`partition`'s key; all rows otherwise).
struct GroupState {
    state: Vec<Option<Sequence>>,
    /// Per step, the output slot of its last match, for `output=last`.
    pending: Vec<Option<usize>>,
    next_id: i64,
}

/// Where a column a step's expressions read comes from.
#[derive(Clone, Copy)]
enum Source {
    /// The current row (input column or declared column's default), by position.
    Current(usize),
    /// A step's value in the state, by (step, position).
    State(usize, usize),
}

pub(super) fn lower_scan(
    lf: LazyFrame,
    declared: &[(String, KqlType, Literal)],
    steps: &[ScanStepPlan],
    match_id: Option<&str>,
    group: Option<&str>,
) -> Result<LazyFrame> {
    let df = lf.collect()?;
    let mut names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut dtypes: Vec<DataType> = df.dtypes();
    let width_in = names.len();
    let defaults: Vec<AnyValue<'static>> = declared.iter().map(|(_, _, l)| literal_value(l)).collect();
    for (n, t, _) in declared {
        names.push(n.clone());
        dtypes.push(t.polars());
    }
    let mut sources: HashMap<String, Source> = HashMap::new();
    for (c, name) in names.iter().enumerate() {
        sources.insert(name.clone(), Source::Current(c));
        for (k, st) in steps.iter().enumerate() {
            sources.insert(scan_state_column(&st.name, name), Source::State(k, c));
        }
    }
    let evaluators = steps.iter().map(|st| Evaluator::new(st, &sources)).collect::<Result<Vec<_>>>()?;
    let columns = df.columns();
    let group_column = match group {
        Some(g) => Some(names.iter().position(|n| n == g).ok_or_else(|| Error::runtime("scan: the group column is missing"))?),
        None => None,
    };
    let mut groups: HashMap<String, GroupState> = HashMap::new();
    let mut output: Vec<Option<(Row, i64)>> = Vec::new();
    for r in 0..df.height() {
        let mut row: Row = Vec::with_capacity(names.len());
        for c in columns {
            row.push(c.get(r)?.into_static());
        }
        row.extend(defaults.iter().cloned());
        let key = group_column.map(|g| format!("{:?}", row[g])).unwrap_or_default();
        let GroupState { state, pending, next_id } = groups.entry(key).or_insert_with(|| GroupState {
            state: vec![None; steps.len()],
            pending: vec![None; steps.len()],
            next_id: 0,
        });
        for k in (0..steps.len()).rev() {
            let eval = &evaluators[k];
            let mut matched = false;
            if k > 0 {
                if let Some(prev) = state[k - 1].clone() {
                    if let Some(extended) = eval.try_match(&row, &prev, &dtypes, width_in, &defaults)? {
                        state[k - 1] = None;
                        let mut seq = prev;
                        seq.rows[k] = Some(extended.clone());
                        let id = seq.id;
                        state[k] = Some(seq);
                        emit(&mut output, &mut pending[k], steps[k].output, extended, id, false);
                        matched = true;
                    }
                }
            }
            if !matched && (k == 0 || state[k].is_some()) {
                // The first step without an active sequence starts a new one.
                let repeat = state[k].is_some();
                let current = state[k].clone().unwrap_or_else(|| Sequence { rows: vec![None; steps.len()], id: *next_id });
                if let Some(extended) = eval.try_match(&row, &current, &dtypes, width_in, &defaults)? {
                    let mut seq = current;
                    if !repeat {
                        *next_id += 1;
                    }
                    seq.rows[k] = Some(extended.clone());
                    let id = seq.id;
                    state[k] = Some(seq);
                    emit(&mut output, &mut pending[k], steps[k].output, extended, id, repeat);
                }
            }
        }
    }
    let rows: Vec<(Row, i64)> = output.into_iter().flatten().collect();
    let mut out_columns = Vec::with_capacity(names.len() + 1);
    for (c, (name, dtype)) in names.iter().zip(&dtypes).enumerate() {
        let values: Vec<AnyValue> = rows.iter().map(|(row, _)| row[c].clone()).collect();
        out_columns.push(Series::from_any_values_and_dtype(name.as_str().into(), &values, dtype, false)?.into_column());
    }
    if let Some(m) = match_id {
        let ids: Vec<i64> = rows.iter().map(|(_, id)| *id).collect();
        out_columns.push(Series::new(m.into(), ids).into_column());
    }
    Ok(DataFrame::new_infer_height(out_columns)?.lazy())
}

fn emit(output: &mut Vec<Option<(Row, i64)>>, pending: &mut Option<usize>, mode: ScanOutput, row: Row, id: i64, repeat: bool) {
    match mode {
        ScanOutput::None => {}
        ScanOutput::All => output.push(Some((row, id))),
        ScanOutput::Last => {
            if repeat {
                if let Some(slot) = pending.take() {
                    if output.get(slot).and_then(|o| o.as_ref()).is_some_and(|(_, i)| *i == id) {
                        output[slot] = None;
                    }
                }
            }
            *pending = Some(output.len());
            output.push(Some((row, id)));
        }
    }
}

/// One step's condition and assignments, lowered once, with the columns they read.
struct Evaluator {
    exprs: Vec<Expr>,
    reads: Vec<(String, Source)>,
    targets: Vec<usize>,
}

impl Evaluator {
    fn new(step: &ScanStepPlan, sources: &HashMap<String, Source>) -> Result<Evaluator> {
        let mut exprs = vec![lower_filter(&step.condition)?.alias("__flowkql_scan_match")];
        let mut targets = Vec::new();
        for (n, (k, value)) in step.assignments.iter().enumerate() {
            exprs.push(lower_expr(value)?.cast(value_type(value)).alias(format!("__flowkql_scan_value_{n}").as_str()));
            targets.push(*k);
        }
        let mut names = Vec::new();
        column_names(&step.condition, &mut names);
        for (_, v) in &step.assignments {
            column_names(v, &mut names);
        }
        let reads = names
            .into_iter()
            .map(|n| sources.get(&n).map(|s| (n.clone(), *s)).ok_or_else(|| Error::runtime(format!("scan: no column `{n}`"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(Evaluator { exprs, reads, targets })
    }

    /// The row extended by the step's assignments, if it meets the condition with `seq`.
    fn try_match(
        &self,
        row: &Row,
        seq: &Sequence,
        dtypes: &[DataType],
        width_in: usize,
        defaults: &[AnyValue<'static>],
    ) -> Result<Option<Row>> {
        let mut columns = Vec::with_capacity(self.reads.len().max(1));
        for (name, source) in &self.reads {
            let (value, c) = match *source {
                Source::Current(c) => (row[c].clone(), c),
                // A step with no match yet holds nulls, and the declared columns' defaults.
                Source::State(k, c) => {
                    let held = seq.rows[k].as_ref().map(|r| r[c].clone());
                    (held.unwrap_or_else(|| if c >= width_in { defaults[c - width_in].clone() } else { AnyValue::Null }), c)
                }
            };
            columns.push(Series::from_any_values_and_dtype(name.as_str().into(), &[value], &dtypes[c], false)?.into_column());
        }
        if columns.is_empty() {
            columns.push(Series::new("__flowkql_scan_one".into(), [0i32]).into_column());
        }
        let frame = DataFrame::new_infer_height(columns)?;
        // One row: planning is the whole cost, so the optimizer is skipped.
        let result = frame.lazy().without_optimizations().select(self.exprs.clone()).collect()?;
        let results = result.columns();
        let matched = matches!(results.first().map(|c| c.get(0)).transpose()?, Some(AnyValue::Boolean(true)));
        if !matched {
            return Ok(None);
        }
        let mut extended = row.clone();
        for (n, k) in self.targets.iter().enumerate() {
            let value = results.get(n + 1).map(|c| c.get(0)).transpose()?.map(|v| v.into_static()).unwrap_or(AnyValue::Null);
            extended[width_in + k] = value;
        }
        Ok(Some(extended))
    }
}

fn value_type(e: &TExpr) -> DataType {
    e.ty.polars()
}

fn literal_value(l: &Literal) -> AnyValue<'static> {
    match l {
        Literal::Bool(b) => AnyValue::Boolean(*b),
        Literal::Int(n) => AnyValue::Int32(*n),
        Literal::Long(n) => AnyValue::Int64(*n),
        Literal::Real(f) => AnyValue::Float64(*f),
        Literal::String(s) | Literal::Guid(s) => AnyValue::StringOwned(s.as_str().into()),
        Literal::Dynamic(v) => AnyValue::StringOwned(v.to_string().as_str().into()),
        Literal::DateTime(ns) => AnyValue::Datetime(*ns, TimeUnit::Nanoseconds, None),
        Literal::TimeSpan(ns) => AnyValue::Duration(*ns, TimeUnit::Nanoseconds),
        Literal::Null(_) => AnyValue::Null,
    }
}

/// The columns an expression reads.
fn column_names(e: &TExpr, out: &mut Vec<String>) {
    if let TExprKind::Column(c) = &e.kind {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    for child in e.children() {
        column_names(child, out);
    }
}
