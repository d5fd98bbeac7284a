//! `mv-apply`: every input row gets a row number, the rows are expanded as `mv-expand`
//! does, and the subquery runs on all subtables at once with the row number as an extra
//! grouping key: `summarize` groups by it too, `sort` sorts within it, `take` keeps the
//! first rows of each. Row-wise operators need nothing more. The input's columns the
//! subquery dropped come back by a join on the row number. `partition` runs its subquery
//! the same way, with the partition key as the group.

use super::scalar::{lower_expr, lower_filter, lower_sort_key};
use super::{agg, mv_expand, parse, parse_kv};
use crate::error::{Error, Result};
use crate::plan::{Node, Plan, TExpr, TExprKind};
use crate::span::Span;
use crate::types::{KqlType, Schema};
use polars::prelude::*;

/// The row-number column: which input row a subtable row came from.
const ROW: &str = "__flowkql_apply_row";
/// Marks the subtables that kept rows up to a `summarize`.
const PRESENT: &str = "__flowkql_apply_present";
/// Prefixes the aggregates' values over no rows.
const EMPTY: &str = "__flowkql_apply_empty_";

#[allow(clippy::too_many_arguments)]
pub(super) fn lower_mv_apply(
    lf: LazyFrame,
    input: &Schema,
    out: &Schema,
    items: &[(String, TExpr, KqlType)],
    item_index: Option<&str>,
    limit: Option<usize>,
    subquery: &Plan,
) -> Result<LazyFrame> {
    let numbered = lf.with_row_index(ROW, None);
    let subtable = leaf_schema(subquery).ok_or_else(|| Error::runtime("mv-apply subquery without its subtable"))?;
    let expanded = mv_expand::lower_mv_expand(numbered.clone(), &with_row(subtable), items, item_index, false, limit)?;
    let mut result = lower_per_row(subquery, expanded, &numbered.clone().select([col(ROW)]))?;
    let missing: Vec<&str> = input.names().filter(|n| subquery.schema.get(n).is_none() && !items.iter().any(|(i, _, _)| i == n)).collect();
    if !missing.is_empty() {
        let mut cols_back: Vec<Expr> = vec![col(ROW)];
        cols_back.extend(missing.iter().map(|n| col(*n)));
        let mut args = JoinArgs::new(JoinType::Left);
        args.maintain_order = MaintainOrderJoin::Left;
        result = result.join(numbered.select(cols_back), [col(ROW)], [col(ROW)], args);
    }
    Ok(result.select(out.names().map(col).collect::<Vec<_>>()))
}

fn leaf_schema(plan: &Plan) -> Option<&Schema> {
    match &plan.node {
        Node::ApplyInput => Some(&plan.schema),
        _ => plan.inputs().into_iter().find_map(leaf_schema),
    }
}

fn with_row(schema: &Schema) -> Schema {
    let mut columns = schema.columns.clone();
    columns.push((ROW.to_string(), KqlType::Long));
    Schema::new(columns)
}

/// `partition`: the subquery over every key's rows at once, the key (copied) as the group.
pub(super) fn lower_partition(lf: LazyFrame, key: &str, subquery: &Plan) -> Result<LazyFrame> {
    let grouped = lf.with_column(col(key).alias(ROW));
    let ids = grouped.clone().select([col(ROW)]).unique_stable_generic(None, UniqueKeepStrategy::First);
    let result = lower_per_row(subquery, grouped, &ids)?;
    Ok(result.select(subquery.schema.names().map(col).collect::<Vec<_>>()))
}

/// The subquery over the subtables of all rows at once; every frame keeps the row number.
fn lower_per_row(plan: &Plan, subtables: LazyFrame, ids: &LazyFrame) -> Result<LazyFrame> {
    let row = || col(ROW);
    Ok(match &plan.node {
        Node::ApplyInput => subtables,
        Node::Filter { input, predicate } => lower_per_row(input, subtables, ids)?.filter(lower_filter(predicate)?),
        Node::Project { input, columns } => {
            let mut exprs = columns.iter().map(|(n, e)| Ok(lower_expr(e)?.alias(n.as_str()))).collect::<Result<Vec<_>>>()?;
            exprs.push(row());
            lower_per_row(input, subtables, ids)?.select(exprs)
        }
        Node::Aggregate { input, keys, aggregates } if keys.is_empty() => {
            // As `summarize` without `by` on an empty table, an empty subtable still gives
            // one row: the aggregates' values over no rows.
            let frame = lower_per_row(input, subtables, ids)?;
            let row_key = [(ROW.to_string(), TExpr { kind: TExprKind::Column(ROW.into()), ty: KqlType::Long, span: Span::default() })];
            let grouped = agg::lower_aggregate(frame.clone(), &row_key, aggregates)?.with_column(lit(true).alias(PRESENT));
            let empty = agg::lower_aggregate(frame.filter(lit(false)), &[], aggregates)?
                .select(aggregates.iter().map(|a| col(a.name.as_str()).alias(format!("{EMPTY}{}", a.name))).collect::<Vec<_>>());
            let mut args = JoinArgs::new(JoinType::Left);
            args.maintain_order = MaintainOrderJoin::Left;
            let joined = ids.clone().join(grouped, [row()], [row()], args).cross_join(empty, None);
            let mut columns = vec![row()];
            for a in aggregates {
                let name = a.name.as_str();
                columns.push(when(col(PRESENT).is_null()).then(col(format!("{EMPTY}{name}").as_str())).otherwise(col(name)).alias(name));
            }
            joined.select(columns)
        }
        Node::Aggregate { input, keys, aggregates } => {
            let mut all_keys =
                vec![(ROW.to_string(), TExpr { kind: TExprKind::Column(ROW.into()), ty: KqlType::Long, span: Span::default() })];
            all_keys.extend(keys.iter().cloned());
            agg::lower_aggregate(lower_per_row(input, subtables, ids)?, &all_keys, aggregates)?
        }
        Node::Sort { input, keys } => {
            let mut exprs = vec![row()];
            for k in keys {
                exprs.push(lower_sort_key(&k.expr)?);
            }
            let options = SortMultipleOptions::default()
                .with_order_descending_multi(std::iter::once(false).chain(keys.iter().map(|k| k.descending)))
                .with_nulls_last_multi(std::iter::once(true).chain(keys.iter().map(|k| !k.nulls_first)))
                .with_maintain_order(true);
            lower_per_row(input, subtables, ids)?.sort_by_exprs(exprs, options)
        }
        Node::Limit { input, count } => {
            let n = i64::try_from(*count).unwrap_or(i64::MAX);
            let position = int_range(lit(0i64), len().cast(DataType::Int64), 1, DataType::Int64).over([row()])?;
            lower_per_row(input, subtables, ids)?.filter(position.lt(lit(n)))
        }
        Node::Distinct { input, columns } => {
            let mut subset: Vec<Expr> = vec![row()];
            subset.extend(columns.iter().map(|c| col(c.as_str())));
            lower_per_row(input, subtables, ids)?.select(subset.clone()).unique_stable_generic(Some(subset), UniqueKeepStrategy::First)
        }
        Node::MvExpand { input, items, item_index, bag_as_array, limit } => mv_expand::lower_mv_expand(
            lower_per_row(input, subtables, ids)?,
            &with_row(&plan.schema),
            items,
            item_index.as_deref(),
            *bag_as_array,
            *limit,
        )?,
        Node::Parse { input, source, regex, columns, keep_only_matches } => {
            parse::lower_parse(lower_per_row(input, subtables, ids)?, &with_row(&plan.schema), source, regex, columns, *keep_only_matches)?
        }
        Node::TopNested { input, levels } => agg::lower_top_nested(lower_per_row(input, subtables, ids)?, levels, Some(ROW))?,
        Node::MakeSeries { input, keys, aggregates, axis, from, to, step } => {
            let mut all_keys =
                vec![(ROW.to_string(), TExpr { kind: TExprKind::Column(ROW.into()), ty: KqlType::Long, span: Span::default() })];
            all_keys.extend(keys.iter().cloned());
            agg::lower_make_series(lower_per_row(input, subtables, ids)?, &plan.schema, &all_keys, aggregates, axis, *from, *to, *step)?
        }
        Node::Sample { input, count, distinct } => {
            let mut keep: Vec<Expr> = plan.schema.names().map(col).collect();
            keep.push(row());
            super::sample_in_groups(lower_per_row(input, subtables, ids)?, keep, *count, distinct.as_deref(), Some(ROW))?
        }
        Node::StepScan { input, declared, steps, match_id } => {
            super::scan::lower_scan(lower_per_row(input, subtables, ids)?, declared, steps, match_id.as_deref(), Some(ROW))?
        }
        Node::ParseKv { input, source, keys, spec } => parse_kv::lower_parse_kv(lower_per_row(input, subtables, ids)?, source, keys, spec)?,
        _ => return Err(Error::unsupported(Span::default(), "this operator inside an `mv-apply` subquery")),
    })
}
