//! `toscalar(...)`: the tabular expression runs once, when the expression using it is
//! lowered, and its first value becomes a constant. Lowering an expression has no
//! access to the bound tables, so [`super::lower_plan`] lends them here for its
//! duration.

use super::Table;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::syntax::ast::Literal;
use crate::types::KqlType;
use polars::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static TABLES: RefCell<Option<HashMap<String, Table>>> = const { RefCell::new(None) };
}

/// Runs `f` with `tables` lent to [`scalar`], then restores what was lent before.
pub(super) fn with_tables<T>(tables: &HashMap<String, Table>, f: impl FnOnce() -> T) -> T {
    let previous = TABLES.with(|t| t.replace(Some(tables.clone())));
    let out = f();
    TABLES.with(|t| *t.borrow_mut() = previous);
    out
}

/// The first value of the plan's first column as a constant; null when it has no rows.
pub(super) fn scalar(plan: &Plan) -> Result<Expr> {
    let tables = TABLES.with(|t| t.borrow().clone()).ok_or_else(|| Error::runtime("`toscalar` outside of a query run"))?;
    let (name, ty) = plan.schema.columns.first().ok_or_else(|| Error::runtime("`toscalar` of a table without columns"))?;
    let frame = super::lower_plan(plan, &tables)?.select([col(name.as_str()).cast(ty.polars())]).limit(1).collect()?;
    let column = frame.column(name.as_str())?;
    let value = if column.is_empty() { AnyValue::Null } else { column.get(0)? };
    // A plain literal (not a one-row column) keeps predicate pushdown to file scans.
    Ok(super::scalar::literal(&constant(&value, *ty)))
}

/// The distinct values of the plan's first column, as constants (an `in` list's tabular
/// item): the list then lowers like a written one, and file scans keep the predicate.
pub(super) fn first_column_values(plan: &Plan) -> Result<Vec<Literal>> {
    let tables = TABLES.with(|t| t.borrow().clone()).ok_or_else(|| Error::runtime("a tabular `in` list outside of a query run"))?;
    let (name, ty) = plan.schema.columns.first().ok_or_else(|| Error::runtime("an `in` list table without columns"))?;
    let frame = super::lower_plan(plan, &tables)?
        .select([col(name.as_str()).cast(ty.polars())])
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()?;
    let column = frame.column(name.as_str())?;
    (0..column.len()).map(|k| Ok(constant(&column.get(k)?, *ty))).collect()
}

fn constant(v: &AnyValue, ty: KqlType) -> Literal {
    use super::rowwise::{long, nanos, real, text};
    let value = match ty {
        KqlType::Bool => match v {
            AnyValue::Boolean(b) => Some(Literal::Bool(*b)),
            _ => None,
        },
        KqlType::Int => long(v).and_then(|n| i32::try_from(n).ok()).map(Literal::Int),
        KqlType::Long => long(v).map(Literal::Long),
        KqlType::Real | KqlType::Decimal => real(v).map(Literal::Real),
        KqlType::DateTime => nanos(v).map(Literal::DateTime),
        KqlType::TimeSpan => nanos(v).map(Literal::TimeSpan),
        KqlType::String => Some(Literal::String(text(v).unwrap_or_default().to_string())),
        KqlType::Guid => text(v).map(|s| Literal::Guid(s.to_string())),
        KqlType::Dynamic => text(v).and_then(|s| serde_json::from_str(s).ok()).map(Literal::Dynamic),
    };
    value.unwrap_or(Literal::Null(ty))
}
