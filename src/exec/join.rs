//! `join`: right columns are renamed to their output names first, so Polars never has to
//! invent suffixes, and both sides' key columns are kept, as Kusto keeps them.

use crate::error::Result;
use crate::plan::JoinKind;
use crate::types::{KqlType, Schema};
use polars::prelude::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn lower_join(
    left: LazyFrame,
    right: LazyFrame,
    kind: JoinKind,
    keys: &[(String, String)],
    right_names: &[(String, String)],
    hidden_right: &[String],
    left_schema: &Schema,
    right_schema: &Schema,
) -> Result<LazyFrame> {
    let out_name = |n: &str| right_names.iter().find(|(o, _)| o == n).map(|(_, r)| r.clone()).unwrap_or_else(|| n.to_string());
    let (keep_left, keep_right) = kind.keeps();
    // Rename right columns; for semi/anti joins on the right, the left is the one renamed away.
    let right = right.select(right_names.iter().map(|(o, r)| col(o.as_str()).alias(r.as_str())).collect::<Vec<_>>());
    // Keys are compared in a common type (an int key joins a long key).
    let key_type = |l: &str, r: &str| {
        let lt = left_schema.get(l).unwrap_or(KqlType::String);
        let rt = right_schema.get(r).unwrap_or(KqlType::String);
        if lt == rt {
            None
        } else if matches!(lt, KqlType::Real) || matches!(rt, KqlType::Real) {
            Some(DataType::Float64)
        } else if lt.is_numeric() && rt.is_numeric() {
            Some(DataType::Int64)
        } else {
            Some(DataType::String)
        }
    };
    let mut left_on = Vec::new();
    let mut right_on = Vec::new();
    for (l, r) in keys {
        let (le, re) = (col(l.as_str()), col(out_name(r).as_str()));
        match key_type(l, r) {
            Some(t) => {
                left_on.push(le.cast(t.clone()));
                right_on.push(re.cast(t));
            }
            None => {
                left_on.push(le);
                right_on.push(re);
            }
        }
    }
    let args = |how: JoinType| JoinArgs::new(how).with_coalesce(JoinCoalesce::KeepColumns);
    let lf = match kind {
        JoinKind::InnerUnique => {
            // Kusto keeps one left row per key before an inner join.
            let subset: Vec<Expr> = keys.iter().map(|(l, _)| col(l.as_str())).collect();
            let left = left.unique_stable_generic(Some(subset), UniqueKeepStrategy::First);
            left.join(right, left_on, right_on, args(JoinType::Inner))
        }
        JoinKind::Inner => left.join(right, left_on, right_on, args(JoinType::Inner)),
        JoinKind::LeftOuter => left.join(right, left_on, right_on, args(JoinType::Left)),
        JoinKind::RightOuter => left.join(right, left_on, right_on, args(JoinType::Right)),
        JoinKind::FullOuter => left.join(right, left_on, right_on, args(JoinType::Full)),
        JoinKind::LeftSemi => left.join(right, left_on, right_on, args(JoinType::Semi)),
        JoinKind::LeftAnti => left.join(right, left_on, right_on, args(JoinType::Anti)),
        JoinKind::RightSemi => right.join(left, right_on, left_on, args(JoinType::Semi)),
        JoinKind::RightAnti => right.join(left, right_on, left_on, args(JoinType::Anti)),
    };
    // Outer joins leave missing strings null; Kusto strings are never null.
    let mut out: Vec<Expr> = Vec::new();
    if keep_left {
        for (n, t) in &left_schema.columns {
            out.push(never_null(col(n.as_str()), *t));
        }
    }
    if keep_right {
        for (o, r) in right_names.iter().filter(|(o, _)| !hidden_right.contains(o)) {
            let t = right_schema.get(o).unwrap_or(KqlType::String);
            out.push(never_null(col(r.as_str()), t));
        }
    }
    Ok(lf.select(out))
}

fn never_null(e: Expr, t: KqlType) -> Expr {
    if t == KqlType::String || t == KqlType::Guid {
        e.fill_null(lit(""))
    } else {
        e
    }
}
