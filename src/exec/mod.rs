//! Execution: the logical plan lowered to one Polars LazyFrame ([`lower_plan`]), then
//! collected into a [`ResultTable`] ([`run`]). Everything stays lazy until the end, so
//! Polars' predicate and projection pushdown reach the file scans.

mod agg;
mod arrays;
mod calls;
mod dynamic;
mod encoding;
mod ip_lookup;
mod ipv4;
mod ipv6;
mod join;
mod mv_apply;
mod mv_expand;
mod numbers;
mod parse;
mod parse_kv;
mod parsers;
mod rowwise;
mod scalar;
mod scan;
mod series;
mod strings;
mod subquery;
mod text;
mod window;

use crate::error::{Error, Result};
use crate::plan::{CheckedQuery, Node, Plan, TExpr};
use crate::syntax::ast::Literal;
use crate::types::{KqlType, ResultTable, Table};
use polars::prelude::*;
use std::collections::HashMap;

pub use scalar::lower_expr;

/// Stage 4: the plan as one LazyFrame over the bound tables.
pub fn lower_plan(plan: &Plan, tables: &HashMap<String, Table>) -> Result<LazyFrame> {
    subquery::with_tables(tables, || lower_node(plan, tables))
}

fn lower_node(plan: &Plan, tables: &HashMap<String, Table>) -> Result<LazyFrame> {
    let lf = match &plan.node {
        Node::Scan { table } => {
            let t = tables.get(table).ok_or_else(|| {
                Error::usage(format!("the query reads table `{table}`, but no data is bound to it"))
                    .with_help(format!("bind it with --table {table}=PATH, or use --sample"))
            })?;
            t.frame.clone()
        }
        Node::Datatable { rows } => datatable_frame(&plan.schema, rows)?.lazy(),
        Node::ExternalData { sources, format, skip_first } => external_frame(&plan.schema, sources, *format, *skip_first)?,
        Node::Print { columns } => {
            let one = DataFrame::new_infer_height(vec![Column::new("__row".into(), [0i32])])?.lazy();
            let exprs = columns.iter().map(|(n, e)| Ok(lower_expr(e)?.alias(n.as_str()))).collect::<Result<Vec<_>>>()?;
            one.select(exprs)
        }
        Node::Range { from, to, step } => range_frame(&plan.schema, from, to, step)?.lazy(),
        Node::Filter { input, predicate } => {
            let lf = lower_node(input, tables)?;
            lf.filter(scalar::lower_filter(predicate)?)
        }
        Node::Project { input, columns } => {
            let lf = lower_node(input, tables)?;
            let exprs = columns.iter().map(|(n, e)| Ok(lower_expr(e)?.alias(n.as_str()))).collect::<Result<Vec<_>>>()?;
            lf.select(exprs)
        }
        Node::Aggregate { input, keys, aggregates } => {
            let lf = lower_node(input, tables)?;
            agg::lower_aggregate(lf, keys, aggregates)?
        }
        Node::Sort { input, keys } => {
            let lf = lower_node(input, tables)?;
            let exprs = keys.iter().map(|k| scalar::lower_sort_key(&k.expr)).collect::<Result<Vec<_>>>()?;
            let options = SortMultipleOptions::default()
                .with_order_descending_multi(keys.iter().map(|k| k.descending))
                .with_nulls_last_multi(keys.iter().map(|k| !k.nulls_first))
                .with_maintain_order(true);
            lf.sort_by_exprs(exprs, options)
        }
        Node::Limit { input, count } => {
            let lf = lower_node(input, tables)?;
            lf.limit(IdxSize::try_from(*count).unwrap_or(IdxSize::MAX))
        }
        Node::Join { left, right, kind, keys, right_names, hidden_right } => {
            let (l, r) = (lower_node(left, tables)?, lower_node(right, tables)?);
            join::lower_join(l, r, *kind, keys, right_names, hidden_right, &left.schema, &right.schema)?
        }
        Node::Union { inputs } => {
            let frames = inputs.iter().map(|p| lower_node(p, tables)).collect::<Result<Vec<_>>>()?;
            concat(frames, UnionArgs { rechunk: false, parallel: true, ..Default::default() })?
        }
        Node::MvExpand { input, items, item_index, bag_as_array, limit } => {
            mv_expand::lower_mv_expand(lower_node(input, tables)?, &plan.schema, items, item_index.as_deref(), *bag_as_array, *limit)?
        }
        Node::MvApply { input, items, item_index, limit, subquery } => {
            let lf = lower_node(input, tables)?;
            mv_apply::lower_mv_apply(lf, &input.schema, &plan.schema, items, item_index.as_deref(), *limit, subquery)?
        }
        Node::ParseKv { input, source, keys, spec } => parse_kv::lower_parse_kv(lower_node(input, tables)?, source, keys, spec)?,
        Node::Sample { input, count, distinct } => sample(lower_node(input, tables)?, &plan.schema, *count, distinct.as_deref())?,
        Node::Partition { input, key, subquery } => mv_apply::lower_partition(lower_node(input, tables)?, key, subquery)?,
        Node::StepScan { input, declared, steps, match_id } => {
            scan::lower_scan(lower_node(input, tables)?, declared, steps, match_id.as_deref(), None)?
        }
        Node::ApplyInput => return Err(Error::runtime("an mv-apply subtable outside mv-apply")),
        Node::Parse { input, source, regex, columns, keep_only_matches } => {
            parse::lower_parse(lower_node(input, tables)?, &plan.schema, source, regex, columns, *keep_only_matches)?
        }
        Node::MakeSeries { input, keys, aggregates, axis, from, to, step } => {
            agg::lower_make_series(lower_node(input, tables)?, &plan.schema, keys, aggregates, axis, *from, *to, *step)?
        }
        Node::IpLookup { input, lookup, source_key, lookup_key, return_unmatched, v6 } => {
            let left = lower_node(input, tables)?;
            let right = lower_node(lookup, tables)?.collect()?;
            ip_lookup::lookup(left, right, &plan.schema, input.schema.len(), source_key, lookup_key, *return_unmatched, *v6)?
        }
        Node::TopNested { input, levels } => agg::lower_top_nested(lower_node(input, tables)?, levels, None)?,
        Node::Distinct { input, columns } => {
            let lf = lower_node(input, tables)?;
            let subset: Vec<Expr> = columns.iter().map(|c| col(c.as_str())).collect();
            lf.select(subset.clone()).unique_stable_generic(Some(subset), UniqueKeepStrategy::First)
        }
    };
    Ok(lf)
}

/// `sample` / `sample-distinct`: rows (or distinct values) ordered by a random key drawn
/// afresh on every run, then the first `count`.
fn sample(lf: LazyFrame, out: &crate::types::Schema, count: usize, distinct: Option<&str>) -> Result<LazyFrame> {
    sample_in_groups(lf, out.names().map(col).collect(), count, distinct, None)
}

/// `sample` / `sample-distinct` within each value of `group` (for `partition` and
/// `mv-apply` subqueries), or over all rows; the result has the `keep` columns.
pub(crate) fn sample_in_groups(
    lf: LazyFrame,
    keep: Vec<Expr>,
    count: usize,
    distinct: Option<&str>,
    group: Option<&str>,
) -> Result<LazyFrame> {
    let lf = match distinct {
        Some(c) => {
            let mut subset = vec![col(c)];
            subset.extend(group.map(col));
            lf.select(subset).unique_generic(None, UniqueKeepStrategy::Any)
        }
        None => lf,
    };
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0x5EED);
    let key = "__flowkql_sample_key";
    let random = int_range(lit(0i64), len().cast(DataType::Int64), 1, DataType::Int64).map(
        move |c| {
            let ca = c.i64()?;
            let out: UInt64Chunked =
                ca.iter().map(|i| i.map(|i| splitmix(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)))).collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::UInt64)),
    );
    let lf = lf.with_column(random.alias(key));
    match group {
        None => {
            let n = IdxSize::try_from(count).unwrap_or(IdxSize::MAX);
            Ok(lf.sort([key], SortMultipleOptions::default()).limit(n).select(keep))
        }
        Some(g) => {
            let n = i64::try_from(count).unwrap_or(i64::MAX);
            let rank = col(key).rank(RankOptions { method: RankMethod::Ordinal, descending: false }, None).over([col(g)])?;
            Ok(lf.filter(rank.cast(DataType::Int64).lt_eq(lit(n))).select(keep))
        }
    }
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stages 4 and 5: lower, collect, and check the result has exactly the planned columns
/// and types.
pub fn run(query: &CheckedQuery, tables: &HashMap<String, Table>) -> Result<ResultTable> {
    let lf = lower_plan(&query.plan, tables)?;
    let schema = &query.plan.schema;
    // A final cast pins every column to its Kusto type's physical layout.
    let exprs: Vec<Expr> = schema.columns.iter().map(|(n, t)| col(n.as_str()).cast(t.polars())).collect();
    let frame = lf.select(exprs).collect().map_err(|e| Error::runtime(format!("the query failed while running: {e}")))?;
    Ok(ResultTable { schema: schema.clone(), frame })
}

/// The Polars plan Polars will run, after its optimizer (for `explain`).
pub fn explain_polars(query: &CheckedQuery, tables: &HashMap<String, Table>) -> Result<String> {
    let lf = lower_plan(&query.plan, tables)?;
    lf.describe_optimized_plan().map_err(Error::from)
}

/// The files of an `externaldata`, each read into the declared schema, one after another.
fn external_frame(
    schema: &crate::types::Schema,
    sources: &[crate::plan::ExternalSource],
    format: crate::source::ExternalFormat,
    skip_first: bool,
) -> Result<LazyFrame> {
    let mut frames = Vec::with_capacity(sources.len());
    for s in sources {
        let path = s.path.as_ref().ok_or_else(|| {
            Error::usage(format!("no file is bound to the externaldata URI {}", s.uri))
                .with_help(format!("download it and bind it: --externaldata \"{}=PATH\"", s.uri))
        })?;
        frames.push(crate::source::read_external(path, format, skip_first, schema)?.frame);
    }
    if frames.is_empty() {
        return Err(Error::usage("externaldata names no file"));
    }
    Ok(concat(frames, UnionArgs { rechunk: false, parallel: true, ..Default::default() })?)
}

fn datatable_frame(schema: &crate::types::Schema, rows: &[Vec<Literal>]) -> Result<DataFrame> {
    let mut columns = Vec::with_capacity(schema.len());
    for (n, (name, ty)) in schema.columns.iter().enumerate() {
        let values: Vec<&Literal> = rows.iter().filter_map(|r| r.get(n)).collect();
        columns.push(literal_column(name, *ty, &values)?);
    }
    Ok(DataFrame::new_infer_height(columns)?)
}

/// A column of constants of one Kusto type.
pub(crate) fn literal_column(name: &str, ty: KqlType, values: &[&Literal]) -> Result<Column> {
    let name: PlSmallStr = name.into();
    let s = match ty {
        KqlType::Bool => {
            Series::new(name, values.iter().map(|l| if let Literal::Bool(b) = l { Some(*b) } else { None }).collect::<Vec<_>>())
        }
        KqlType::Int => Series::new(name, values.iter().map(|l| if let Literal::Int(v) = l { Some(*v) } else { None }).collect::<Vec<_>>()),
        KqlType::Long => {
            Series::new(name, values.iter().map(|l| if let Literal::Long(v) = l { Some(*v) } else { None }).collect::<Vec<_>>())
        }
        KqlType::Real | KqlType::Decimal => {
            Series::new(name, values.iter().map(|l| if let Literal::Real(v) = l { Some(*v) } else { None }).collect::<Vec<_>>())
        }
        KqlType::String | KqlType::Guid => Series::new(
            name,
            values
                .iter()
                .map(|l| match l {
                    Literal::String(s) | Literal::Guid(s) => s.clone(),
                    _ => String::new(),
                })
                .collect::<Vec<_>>(),
        ),
        KqlType::Dynamic => Series::new(
            name,
            values.iter().map(|l| if let Literal::Dynamic(v) = l { Some(v.to_string()) } else { None }).collect::<Vec<_>>(),
        ),
        KqlType::DateTime => {
            Series::new(name, values.iter().map(|l| if let Literal::DateTime(v) = l { Some(*v) } else { None }).collect::<Vec<_>>())
                .cast(&ty.polars())?
        }
        KqlType::TimeSpan => {
            Series::new(name, values.iter().map(|l| if let Literal::TimeSpan(v) = l { Some(*v) } else { None }).collect::<Vec<_>>())
                .cast(&ty.polars())?
        }
    };
    Ok(s.into_column())
}

fn range_frame(schema: &crate::types::Schema, from: &TExpr, to: &TExpr, step: &TExpr) -> Result<DataFrame> {
    const MAX_ROWS: u64 = 100_000_000;
    let (name, ty) = schema.columns.first().cloned().ok_or_else(|| Error::runtime("range without a column"))?;
    let lits = (from.as_literal(), to.as_literal(), step.as_literal());
    let too_many = || Error::runtime(format!("`range` would produce more than {MAX_ROWS} rows"));
    let values: Vec<Literal> = match (ty, lits) {
        (KqlType::Real, (Some(a), Some(b), Some(c))) => {
            let (a, b, c) = (real_of(a), real_of(b), real_of(c));
            if c == 0.0 || !c.is_finite() {
                return Err(Error::semantic(step.span, "the `range` step must not be zero"));
            }
            let n = ((b - a) / c).floor();
            if n > MAX_ROWS as f64 {
                return Err(too_many());
            }
            (0..=(n.max(-1.0) as i64)).map(|k| Literal::Real(a + k as f64 * c)).collect()
        }
        (_, (Some(a), Some(b), Some(c))) => {
            let (a, b, c) = (int_of(a), int_of(b), int_of(c));
            if c == 0 {
                return Err(Error::semantic(step.span, "the `range` step must not be zero"));
            }
            let span = (b as i128 - a as i128) / c as i128;
            if span > MAX_ROWS as i128 {
                return Err(too_many());
            }
            let mut out = Vec::new();
            let mut v = a as i128;
            while (c > 0 && v <= b as i128) || (c < 0 && v >= b as i128) {
                let x = v as i64;
                out.push(match ty {
                    KqlType::DateTime => Literal::DateTime(x),
                    KqlType::TimeSpan => Literal::TimeSpan(x),
                    _ => Literal::Long(x),
                });
                v += c as i128;
            }
            out
        }
        _ => return Err(Error::semantic(from.span, "`range` bounds must be constants")),
    };
    let refs: Vec<&Literal> = values.iter().collect();
    Ok(DataFrame::new_infer_height(vec![literal_column(&name, ty, &refs)?])?)
}

fn real_of(l: &Literal) -> f64 {
    match l {
        Literal::Real(f) => *f,
        other => int_of(other) as f64,
    }
}

fn int_of(l: &Literal) -> i64 {
    match l {
        Literal::Int(n) => *n as i64,
        Literal::Long(n) | Literal::DateTime(n) | Literal::TimeSpan(n) => *n,
        Literal::Real(f) => *f as i64,
        _ => 0,
    }
}

/// The property-bag slots of a dynamic column of a plan's rows, with each slot's type
/// (dynamic where its values differ in type), for `bag_unpack` without an output schema.
pub fn bag_slots(plan: &Plan, column: &str, tables: &HashMap<String, Table>) -> Result<crate::semantic::Slots> {
    let frame = lower_plan(plan, tables)?.select([col(column)]).collect()?;
    let mut slots: Vec<(String, KqlType)> = Vec::new();
    for text in frame.column(column)?.str()?.iter().flatten() {
        let Ok(serde_json::Value::Object(bag)) = serde_json::from_str::<serde_json::Value>(text) else { continue };
        for (key, value) in bag {
            let ty = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::Bool(_) => KqlType::Bool,
                serde_json::Value::Number(n) if n.is_i64() => KqlType::Long,
                serde_json::Value::Number(_) => KqlType::Real,
                serde_json::Value::String(_) => KqlType::String,
                _ => KqlType::Dynamic,
            };
            match slots.iter_mut().find(|(k, _)| *k == key) {
                Some((_, t)) if *t != ty => *t = KqlType::Dynamic,
                Some(_) => {}
                None => slots.push((key, ty)),
            }
        }
    }
    Ok(slots)
}

/// The distinct values of a column of a plan's rows as their `tostring` text, in order of
/// first appearance (nulls left out), for `pivot` without an output schema.
pub fn distinct_texts(plan: &Plan, column: &str, tables: &HashMap<String, Table>) -> Result<crate::semantic::Slots> {
    let ty = plan.schema.get(column).ok_or_else(|| Error::runtime(format!("no column `{column}`")))?;
    let value = TExpr { kind: crate::plan::TExprKind::Column(column.to_string()), ty, span: crate::span::Span::default() };
    let frame = lower_plan(plan, tables)?
        .filter(col(column).is_not_null())
        .select([text::to_text(&value)?.alias("value")])
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()?;
    Ok(frame.column("value")?.str()?.iter().flatten().map(|v| (v.to_string(), KqlType::String)).collect())
}
