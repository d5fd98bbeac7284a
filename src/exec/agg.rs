//! `summarize`: group keys and aggregate expressions. An output column may be scalar
//! arithmetic over aggregates (`sum(InboundBytes_d)/(1024*1024)`); the whole expression
//! is kept inside the aggregation, so Polars computes it per group in one pass.
//! Without `by`, the aggregates run as a `select`, which yields one row even on empty
//! input, as Kusto's summarize does.

use super::dynamic;
use super::scalar::{lower_expr, lower_predicate};
use crate::error::{Error, Result};
use crate::functions::FnKind;
use crate::plan::{AggColumn, TExpr, TExprKind};
use crate::types::KqlType;
use polars::prelude::*;

pub(super) fn lower_aggregate(lf: LazyFrame, keys: &[(String, TExpr)], aggregates: &[AggColumn]) -> Result<LazyFrame> {
    let grouped = !keys.is_empty();
    let aggs = aggregates
        .iter()
        .map(|a| Ok(lower_agg_expr(&a.expr)?.cast(a.expr.ty.polars()).alias(a.name.as_str())))
        .collect::<Result<Vec<_>>>()?;
    if !grouped {
        return Ok(lf.select(aggs));
    }
    let key_exprs = keys.iter().map(|(n, e)| Ok(lower_expr(e)?.alias(n.as_str()))).collect::<Result<Vec<_>>>()?;
    Ok(lf.group_by_stable(key_exprs).agg(aggs))
}

/// An expression evaluated per group: aggregate calls become Polars aggregations and
/// the scalar operations around them apply to their results.
fn lower_agg_expr(e: &TExpr) -> Result<Expr> {
    match &e.kind {
        TExprKind::Call { func, args } if func.kind == FnKind::Aggregate => aggregate(func.name, args, e),
        _ => {
            // Rebuild the scalar expression with its aggregate leaves replaced by
            // placeholder columns, lower it, then substitute the aggregations back.
            let mut leaves = Vec::new();
            let templ = replace_aggregates(e, &mut leaves);
            let mut expr = lower_expr(&templ)?;
            for (n, leaf) in leaves.iter().enumerate() {
                let agg = aggregate_leaf(leaf)?;
                let name = placeholder(n);
                expr = expr.map_expr(|x| match x {
                    Expr::Column(c) if c.as_str() == name => agg.clone(),
                    other => other,
                });
            }
            Ok(expr)
        }
    }
}

fn aggregate_leaf(leaf: &TExpr) -> Result<Expr> {
    match &leaf.kind {
        TExprKind::Call { func, args } => aggregate(func.name, args, leaf),
        _ => Err(Error::runtime("aggregate leaf is not a call")),
    }
}

fn placeholder(n: usize) -> String {
    format!("__flowkql_agg_{n}")
}

fn replace_aggregates(e: &TExpr, leaves: &mut Vec<TExpr>) -> TExpr {
    let rebuild = |kind: TExprKind| TExpr { kind, ty: e.ty, span: e.span };
    match &e.kind {
        TExprKind::Call { func, .. } if func.kind == FnKind::Aggregate => {
            let name = placeholder(leaves.len());
            leaves.push(e.clone());
            rebuild(TExprKind::Column(name))
        }
        TExprKind::Call { func, args } => {
            rebuild(TExprKind::Call { func, args: args.iter().map(|a| replace_aggregates(a, leaves)).collect() })
        }
        TExprKind::Unary { op, operand } => rebuild(TExprKind::Unary { op: *op, operand: Box::new(replace_aggregates(operand, leaves)) }),
        TExprKind::Binary { op, lhs, rhs } => rebuild(TExprKind::Binary {
            op: *op,
            lhs: Box::new(replace_aggregates(lhs, leaves)),
            rhs: Box::new(replace_aggregates(rhs, leaves)),
        }),
        TExprKind::Between { lhs, low, high, negated } => rebuild(TExprKind::Between {
            lhs: Box::new(replace_aggregates(lhs, leaves)),
            low: Box::new(replace_aggregates(low, leaves)),
            high: Box::new(replace_aggregates(high, leaves)),
            negated: *negated,
        }),
        TExprKind::In { lhs, list, tables, negated, case_sensitive } => rebuild(TExprKind::In {
            lhs: Box::new(replace_aggregates(lhs, leaves)),
            list: list.clone(),
            tables: tables.clone(),
            negated: *negated,
            case_sensitive: *case_sensitive,
        }),
        TExprKind::HasAny { lhs, terms, tables, all } => rebuild(TExprKind::HasAny {
            lhs: Box::new(replace_aggregates(lhs, leaves)),
            terms: terms.clone(),
            tables: tables.clone(),
            all: *all,
        }),
        TExprKind::Index { target, index } => {
            rebuild(TExprKind::Index { target: Box::new(replace_aggregates(target, leaves)), index: index.clone() })
        }
        TExprKind::Column(_) | TExprKind::Literal(_) | TExprKind::Scalar(_) => e.clone(),
    }
}

/// Each group's list of longs (nulls left out) reduced to one long by `f`.
fn map_long_lists(lists: Expr, f: impl Fn(&[i64]) -> Option<i64> + Send + Sync + 'static) -> Expr {
    lists.map(
        move |c| {
            let out: Int64Chunked = c
                .list()?
                .amortized_iter()
                .map(|s| {
                    let values: Vec<i64> = s?.as_ref().i64().ok()?.iter().flatten().collect();
                    f(&values)
                })
                .collect();
            Ok(out.into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Int64)),
    )
}

fn const_int(e: &TExpr) -> Option<i64> {
    match e.as_literal() {
        Some(crate::syntax::ast::Literal::Long(n)) => Some(*n),
        Some(crate::syntax::ast::Literal::Int(n)) => Some(*n as i64),
        _ => None,
    }
}

fn const_real(e: &TExpr) -> Option<f64> {
    match e.as_literal() {
        Some(crate::syntax::ast::Literal::Real(f)) => Some(*f),
        _ => const_int(e).map(|n| n as f64),
    }
}

/// A value aggregated as a number of the call's result type.
fn widened(e: &TExpr, ty: KqlType) -> Result<Expr> {
    let x = lower_expr(e)?;
    Ok(if e.ty == ty { x } else { x.cast(ty.polars()) })
}

fn aggregate(name: &str, args: &[TExpr], call: &TExpr) -> Result<Expr> {
    let arg = |n: usize| lower_expr(&args[n]);
    let filtered = |value: Expr, pred: &TExpr| -> Result<Expr> { Ok(value.filter(lower_predicate(pred)?)) };
    Ok(match name {
        "count" if args.is_empty() => len().cast(DataType::Int64),
        "count" => arg(0)?.count().cast(DataType::Int64),
        "countif" => lower_predicate(&args[0])?.cast(DataType::Int64).sum(),
        "sum" => widened(&args[0], call.ty)?.sum(),
        "sumif" => filtered(widened(&args[0], call.ty)?, &args[1])?.sum(),
        "avg" => arg(0)?.cast(DataType::Float64).mean(),
        "avgif" => filtered(arg(0)?.cast(DataType::Float64), &args[1])?.mean(),
        "min" => arg(0)?.min(),
        "max" => arg(0)?.max(),
        "minif" => filtered(arg(0)?, &args[1])?.min(),
        "maxif" => filtered(arg(0)?, &args[1])?.max(),
        "stdev" => arg(0)?.cast(DataType::Float64).std(1).fill_null(lit(0.0)),
        "variance" => arg(0)?.cast(DataType::Float64).var(1).fill_null(lit(0.0)),
        "stdevif" => filtered(arg(0)?.cast(DataType::Float64), &args[1])?.std(1).fill_null(lit(0.0)),
        "varianceif" => filtered(arg(0)?.cast(DataType::Float64), &args[1])?.var(1).fill_null(lit(0.0)),
        // Population forms divide by n (stdevp-aggregation-function.md).
        "stdevp" => arg(0)?.cast(DataType::Float64).std(0).fill_null(lit(0.0)),
        "variancep" => arg(0)?.cast(DataType::Float64).var(0).fill_null(lit(0.0)),
        "variancepif" => filtered(arg(0)?.cast(DataType::Float64), &args[1])?.var(0).fill_null(lit(0.0)),
        "covariance" | "covariancep" | "covarianceif" | "covariancepif" => {
            let (mut x, mut y) = (arg(0)?.cast(DataType::Float64), arg(1)?.cast(DataType::Float64));
            if name.ends_with("if") {
                let keep = lower_predicate(&args[2])?;
                x = x.filter(keep.clone());
                y = y.filter(keep);
            }
            // Over the rows where both values are present.
            let both = x.clone().is_not_null().and(y.clone().is_not_null());
            let (x, y) = (x.filter(both.clone()), y.filter(both));
            let n = x.clone().count().cast(DataType::Float64);
            let sum_xy = (x.clone() * y.clone()).sum();
            let co = sum_xy - x.sum() * y.sum() / n.clone();
            let ddof = if name.starts_with("covariancep") { 0.0 } else { 1.0 };
            when(n.clone().gt(lit(ddof))).then(co / (n - lit(ddof))).otherwise(lit(0.0))
        }
        "binary_all_and" | "binary_all_or" | "binary_all_xor" => {
            let op = name.to_string();
            map_long_lists(arg(0)?.cast(DataType::Int64).drop_nulls().implode(true), move |values| {
                values.iter().copied().reduce(|a, b| match op.as_str() {
                    "binary_all_and" => a & b,
                    "binary_all_or" => a | b,
                    _ => a ^ b,
                })
            })
        }
        "take_anyif" => filtered(arg(0)?, &args[1])?.drop_nulls().first(),
        "count_distinctif" => filtered(arg(0)?, &args[1])?.drop_nulls().n_unique().cast(DataType::Int64),
        // hll and tdigest states are exact here: the distinct values, or all values.
        "hll" => dynamic::list_to_json(arg(0)?.drop_nulls().unique_stable().implode(true)),
        "hll_if" => dynamic::list_to_json(filtered(arg(0)?, &args[1])?.drop_nulls().unique_stable().implode(true)),
        "tdigest" => dynamic::list_to_json(arg(0)?.drop_nulls().implode(true)),
        "hll_merge" => dynamic::merge_arrays(arg(0)?.drop_nulls().implode(true), true),
        "tdigest_merge" | "merge_tdigest" => dynamic::merge_arrays(arg(0)?.drop_nulls().implode(true), false),
        "make_list_with_nulls" => {
            let mut v = arg(0)?;
            if let Some(max) = args.get(1) {
                let n = const_int(max).ok_or_else(|| Error::unsupported(max.span, "a non-constant maximum size"))?;
                v = v.head(Some(usize::try_from(n).unwrap_or(0)));
            }
            dynamic::list_to_json(v.implode(true))
        }
        "percentiles_array" => {
            let mut ps = Vec::new();
            for p in &args[1..] {
                match p.as_literal() {
                    Some(crate::syntax::ast::Literal::Dynamic(serde_json::Value::Array(items))) => {
                        ps.extend(items.iter().filter_map(|v| v.as_f64()));
                    }
                    _ => ps.push(const_real(p).ok_or_else(|| Error::unsupported(p.span, "a non-constant percentile"))?),
                }
            }
            if let Some(bad) = ps.iter().find(|p| !(0.0..=100.0).contains(*p)) {
                return Err(Error::semantic(call.span, format!("the percentile {bad} is not between 0 and 100")));
            }
            dynamic::percentiles_json(arg(0)?.drop_nulls().implode(true), ps)
        }
        "dcount" => arg(0)?.drop_nulls().n_unique().cast(DataType::Int64),
        "take_any" | "any" => arg(0)?.drop_nulls().first(),
        "dcountif" => filtered(arg(0)?, &args[1])?.drop_nulls().n_unique().cast(DataType::Int64),
        "count_distinct" => arg(0)?.drop_nulls().n_unique().cast(DataType::Int64),
        "make_bag" | "make_bag_if" => {
            let mut v = arg(0)?;
            if name == "make_bag_if" {
                v = filtered(v, &args[1])?;
            }
            let mut v = v.drop_nulls();
            if let Some(max) = args.get(if name == "make_bag_if" { 2 } else { 1 }) {
                let n = const_int(max).ok_or_else(|| Error::unsupported(max.span, "a non-constant maximum size"))?;
                v = v.head(Some(usize::try_from(n).unwrap_or(0)));
            }
            dynamic::merge_bags(v.implode(true))
        }
        "make_set" | "make_list" | "makeset" | "makelist" | "make_set_if" | "make_list_if" => {
            let conditional = name.ends_with("_if");
            let mut v = arg(0)?;
            if conditional {
                v = filtered(v, &args[1])?;
            }
            let mut v = v.drop_nulls();
            if matches!(name, "make_set" | "makeset" | "make_set_if") {
                v = v.unique_stable();
            }
            if let Some(max) = args.get(if conditional { 2 } else { 1 }) {
                let n = const_int(max).ok_or_else(|| Error::unsupported(max.span, "a non-constant maximum size"))?;
                v = v.head(Some(usize::try_from(n).unwrap_or(0)));
            }
            if args[0].ty == KqlType::Dynamic {
                dynamic::json_list_to_json(v.implode(true))
            } else {
                dynamic::list_to_json(v.implode(true))
            }
        }
        "arg_max" | "arg_min" => {
            let by = arg(0)?;
            let value = arg(1)?;
            let options =
                SortMultipleOptions::default().with_order_descending(name == "arg_max").with_nulls_last(true).with_maintain_order(true);
            value.sort_by([by], options).first()
        }
        "percentilew" => {
            let p = const_real(&args[2]).ok_or_else(|| Error::unsupported(args[2].span, "a non-constant percentile"))?;
            if !(0.0..=100.0).contains(&p) {
                return Err(Error::semantic(args[2].span, "the percentile must be between 0 and 100"));
            }
            // Weighted nearest rank: the smallest value with at least p% of the total
            // weight at or below it; rows without a value or a positive weight count
            // for nothing.
            let (x, w) = (arg(0)?, arg(1)?.cast(DataType::Int64));
            let keep = x.clone().is_not_null().and(w.clone().is_not_null()).and(w.clone().gt(lit(0i64)));
            let (x, w) = (x.filter(keep.clone()), w.filter(keep));
            let order = SortMultipleOptions::default().with_maintain_order(true);
            let weights = w.sort_by([x.clone()], order.clone()).implode(true);
            let index = map_long_lists(weights, move |w| {
                let total: i64 = w.iter().sum();
                let target = total as f64 * p / 100.0;
                let mut seen = 0i64;
                w.iter()
                    .position(|x| {
                        seen += x;
                        seen as f64 >= target && seen > 0
                    })
                    .map(|i| i as i64)
            });
            x.clone().sort_by([x], order).gather(index.first(), true).first()
        }
        "percentile" => {
            let p = const_real(&args[1]).ok_or_else(|| Error::unsupported(args[1].span, "a non-constant percentile"))?;
            if !(0.0..=100.0).contains(&p) {
                return Err(Error::semantic(args[1].span, "the percentile must be between 0 and 100"));
            }
            // Nearest rank: the smallest value with at least p% of the values at or below it.
            let values = arg(0)?.drop_nulls().sort(SortOptions::default());
            let n = values.clone().len().cast(DataType::Float64);
            let rank = (n * lit(p / 100.0)).ceil() - lit(1.0);
            let idx = when(rank.clone().lt(lit(0.0))).then(lit(0.0)).otherwise(rank).cast(DataType::Int64);
            values.gather(idx, true).first()
        }
        other => return Err(Error::unsupported(call.span, format!("the aggregation `{other}`"))),
    })
}

/// `make-series`: aggregate per (group, bin), gather each group's bins into lists, then
/// lay every list out over the full bin range with the default where a bin is empty.
#[allow(clippy::too_many_arguments)]
pub(super) fn lower_make_series(
    lf: LazyFrame,
    out: &crate::types::Schema,
    keys: &[(String, TExpr)],
    aggregates: &[(AggColumn, crate::syntax::ast::Literal)],
    axis: &(String, KqlType),
    from: Option<i64>,
    to: Option<i64>,
    step: i64,
) -> Result<LazyFrame> {
    if matches!(axis.1, KqlType::Real | KqlType::Decimal) {
        return Err(Error::unsupported(crate::span::Span::default(), "a real-valued make-series axis"));
    }
    let axis_value = col(axis.0.as_str()).cast(DataType::Int64);
    let mut lf = lf;
    if let Some(a) = from {
        lf = lf.filter(axis_value.clone().gt_eq(lit(a)));
    }
    if let Some(b) = to {
        lf = lf.filter(axis_value.clone().lt(lit(b)));
    }
    // Without `from`, bins line up as `bin()` does (datetimes: from 0001-01-01).
    let origin = from.unwrap_or_else(|| if axis.1 == KqlType::DateTime { super::scalar::bin_origin(step) } else { 0 });
    let bin = (axis_value - lit(origin)).floor_div(lit(step)).alias("__flowkql_bin");
    let mut group: Vec<Expr> = keys.iter().map(|(n, e)| Ok(lower_expr(e)?.alias(n.as_str()))).collect::<Result<Vec<_>>>()?;
    if group.is_empty() {
        group.push(lit(0i32).alias("__flowkql_group"));
    }
    let group_names: Vec<String> =
        if keys.is_empty() { vec!["__flowkql_group".into()] } else { keys.iter().map(|(n, _)| n.clone()).collect() };
    let mut by_bin = group.clone();
    by_bin.push(bin);
    let aggs = aggregates.iter().map(|(a, _)| Ok(lower_agg_expr(&a.expr)?.alias(a.name.as_str()))).collect::<Result<Vec<_>>>()?;
    let per_bin = lf.group_by(by_bin).agg(aggs);
    let mut lists: Vec<Expr> = vec![col("__flowkql_bin")];
    lists.extend(aggregates.iter().map(|(a, _)| col(a.name.as_str())));
    let per_group = per_bin.group_by_stable(group_names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>()).agg(lists);
    let first = from.map(|_| 0i64);
    let last = to.map(|b| (b - origin + step - 1).div_euclid(step));
    let mut select: Vec<Expr> = keys.iter().map(|(n, _)| col(n.as_str())).collect();
    for (a, default) in aggregates {
        let default = crate::syntax::lex_format::literal_to_json(default);
        let series = col("__flowkql_bin").map_many(
            move |cols| dynamic::lay_out_series(&cols[0], &cols[1], first, last, &default),
            &[col(a.name.as_str())],
            |_, f| Ok(Field::new(f[1].name().clone(), DataType::String)),
        );
        select.push(series.alias(a.name.as_str()));
    }
    let axis_name = out.columns.last().map(|(n, _)| n.clone()).unwrap_or_else(|| axis.0.clone());
    let is_time = axis.1 == KqlType::DateTime;
    let axis_array = col("__flowkql_bin").map(
        move |c| dynamic::series_axis(&c, first, last, origin, step, is_time),
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    );
    select.push(axis_array.alias(axis_name.as_str()));
    Ok(per_group.select(select))
}

const OTHERS: &str = "__flowkql_others";

/// `top-nested`: level k groups by the first k keys, keeps the top groups by its
/// aggregate within each group of level k-1, and joins to the survivors above it.
/// `within` names a column whose values each get their own top-nested (the subtables of
/// a `partition` or `mv-apply` subquery); it leads the result's columns.
pub(super) fn lower_top_nested(lf: LazyFrame, levels: &[crate::plan::NestedLevel], within: Option<&str>) -> Result<LazyFrame> {
    let keys = levels.iter().map(|l| Ok(lower_expr(&l.key.1)?.alias(l.key.0.as_str()))).collect::<Result<Vec<_>>>()?;
    let base = lf.with_columns(keys);
    let mut result: Option<LazyFrame> = None;
    let outer: Vec<Expr> = within.map(col).into_iter().collect();
    for (k, level) in levels.iter().enumerate() {
        let group: Vec<Expr> = outer.iter().cloned().chain(levels[..=k].iter().map(|l| col(l.key.0.as_str()))).collect();
        let parent: Vec<Expr> = outer.iter().cloned().chain(levels[..k].iter().map(|l| col(l.key.0.as_str()))).collect();
        let agg = lower_agg_expr(&level.aggregate.expr)?.cast(level.aggregate.expr.ty.polars()).alias(level.aggregate.name.as_str());
        let mut grouped = base.clone().group_by(group.clone()).agg([agg.clone()]);
        if let Some(n) = level.count {
            let rank =
                col(level.aggregate.name.as_str()).rank(RankOptions { method: RankMethod::Ordinal, descending: level.descending }, None);
            let rank = if parent.is_empty() { rank } else { rank.over(parent.clone())? };
            grouped = grouped.filter(rank.lt_eq(lit(n as u32)));
        }
        if let Some(value) = &level.others {
            // The rows outside the top groups, aggregated per parent group under `value`.
            let mut args = JoinArgs::new(JoinType::Anti);
            args.nulls_equal = true;
            let rest = base.clone().join(grouped.clone().select(group.clone()), group.clone(), group, args);
            let by = if parent.is_empty() { vec![lit(true).alias("__flowkql_all")] } else { parent.clone() };
            let key = super::scalar::literal(value).cast(level.key.1.ty.polars()).alias(level.key.0.as_str());
            let mut columns: Vec<Expr> = parent.clone();
            columns.push(key);
            columns.push(col(level.aggregate.name.as_str()));
            columns.push(lit(true).alias(OTHERS));
            let others = rest.group_by(by).agg([agg]).select(columns.clone());
            columns[parent.len()] = col(level.key.0.as_str());
            columns[parent.len() + 2] = lit(false).alias(OTHERS);
            grouped = concat([grouped.select(columns), others], UnionArgs { rechunk: false, parallel: true, ..Default::default() })?;
        }
        result = Some(match result {
            None => grouped,
            Some(prev) => prev.join(grouped, parent.clone(), parent, JoinArgs::new(JoinType::Inner)),
        });
    }
    let Some(lf) = result else { return Err(Error::runtime("top-nested without levels")) };
    let mut order = outer.clone();
    let mut descending = vec![false; outer.len()];
    let mut columns = outer;
    for l in levels {
        if l.others.is_some() {
            // The others row after the top rows of its group.
            order.push(col(OTHERS));
            descending.push(false);
        }
        order.push(col(l.aggregate.name.as_str()));
        descending.push(l.descending);
        order.push(col(l.key.0.as_str()));
        descending.push(false);
        columns.push(col(l.key.0.as_str()));
        columns.push(col(l.aggregate.name.as_str()));
    }
    let options = SortMultipleOptions::default().with_order_descending_multi(descending).with_maintain_order(true);
    Ok(lf.sort_by_exprs(order, options).select(columns))
}
