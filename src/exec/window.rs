//! Window functions over the serialized rows: `row_number`, `row_cumsum`,
//! `row_rank_dense`, `row_rank_min` (each with an optional restart condition) and
//! `row_window_session`.

use super::rowwise::nanos;
use crate::error::Result;
use polars::prelude::*;

/// The segment each row belongs to: a new one starts at every row whose restart
/// condition is true.
fn segments(restart: Option<Expr>) -> Option<Expr> {
    restart.map(|r| r.fill_null(lit(false)).cast(DataType::Int64).cum_sum(false))
}

fn within(e: Expr, segment: &Option<Expr>) -> Result<Expr> {
    Ok(match segment {
        Some(s) => e.over([s.clone()])?,
        None => e,
    })
}

/// `row_number([start, [restart]])`.
pub(super) fn row_number(start: i64, restart: Option<Expr>) -> Result<Expr> {
    Ok(counter(&segments(restart))? + lit(start - 1))
}

/// 1, 2, 3... within each segment.
fn counter(segment: &Option<Expr>) -> Result<Expr> {
    Ok(within(int_range(lit(0i64), len().cast(DataType::Int64), 1, DataType::Int64), segment)? + lit(1i64))
}

/// `row_cumsum(term, [restart])`: the running sum, null terms counting as 0.
pub(super) fn row_cumsum(term: Expr, restart: Option<Expr>) -> Result<Expr> {
    within(term.fill_null(lit(0)).cum_sum(false), &segments(restart))
}

/// `row_rank_dense(term, [restart])`: 1 at the segment's first row, one more at each
/// row whose term differs from the previous row's. `row_rank_min`: the row number of
/// the first row of the current run of equal terms.
pub(super) fn row_rank(term: Expr, restart: Option<Expr>, dense: bool) -> Result<Expr> {
    let segment = segments(restart);
    let previous = within(term.clone().shift(lit(1)), &segment)?;
    let first = counter(&segment)?.eq(lit(1i64));
    let changed = first.or(term.neq_missing(previous));
    if dense {
        within(changed.cast(DataType::Int64).cum_sum(false), &segment)
    } else {
        within(when(changed).then(counter(&segment)?).otherwise(lit(0i64)).cum_max(false), &segment)
    }
}

/// `row_window_session(t, max_from_first, max_between, [restart])`: the first value of
/// the session each row is in. A row starts a new session when it is `max_between` or
/// more after the previous row, `max_from_first` or more after the session's first row,
/// follows a null, or its restart condition is true (row-window-session-function.md).
pub(super) fn row_window_session(t: Expr, from_first: i64, between: i64, restart: Option<Expr>) -> Expr {
    let mut args = vec![];
    args.extend(restart);
    t.map_many(
        move |cols| {
            let times = cols[0].as_materialized_series();
            let restart = cols.get(1).map(|c| c.bool()).transpose()?;
            let mut out: Vec<Option<i64>> = Vec::with_capacity(times.len());
            let (mut start, mut prev): (Option<i64>, Option<i64>) = (None, None);
            for i in 0..times.len() {
                let t = times.get(i).ok().as_ref().and_then(nanos);
                let restarting = restart.and_then(|r| r.get(i)).unwrap_or(false);
                match (t, start, prev) {
                    (Some(t), Some(s), Some(p)) if !restarting && t - s < from_first && t - p < between => {}
                    (Some(t), _, _) => start = Some(t),
                    // A null value is its own result, and the next value starts anew.
                    (None, _, _) => start = None,
                }
                prev = t;
                out.push(t.and(start));
            }
            Ok(Int64Chunked::from_iter_options(cols[0].name().clone(), out.into_iter()).into_column())
        },
        &args,
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Int64)),
    )
}
