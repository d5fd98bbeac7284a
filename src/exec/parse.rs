//! `parse` / `parse-where`: one regular expression, a capture group per new column;
//! a row that does not match gets nulls (and "" for strings), or is dropped by
//! `parse-where`.

use super::dynamic::json_to_type;
use super::text::{parse_datetime, parse_timespan, to_text};
use crate::error::Result;
use crate::plan::TExpr;
use crate::types::{KqlType, Schema};
use polars::prelude::*;

pub(super) fn lower_parse(
    lf: LazyFrame,
    out: &Schema,
    source: &TExpr,
    regex: &str,
    columns: &[(String, KqlType)],
    keep_only_matches: bool,
) -> Result<LazyFrame> {
    let text = to_text(source)?;
    let tmp = "__flowkql_parse_source";
    let mut lf = lf.with_column(text.alias(tmp));
    if keep_only_matches {
        lf = lf.filter(col(tmp).str().contains(lit(regex.to_string()), true).fill_null(lit(false)));
    }
    let select: Vec<Expr> = out
        .columns
        .iter()
        .map(|(name, ty)| match columns.iter().position(|(c, _)| c == name) {
            Some(k) => {
                let group = col(tmp).str().extract(lit(regex.to_string()), k + 1);
                convert(group, *ty).alias(name.as_str())
            }
            None => col(name.as_str()),
        })
        .collect();
    Ok(lf.select(select))
}

pub(super) fn convert(group: Expr, ty: KqlType) -> Expr {
    match ty {
        KqlType::String | KqlType::Guid => group.fill_null(lit("")),
        KqlType::Dynamic => json_to_type(group, KqlType::Dynamic),
        KqlType::DateTime => parse_datetime(group),
        KqlType::TimeSpan => parse_timespan(group),
        KqlType::Bool => super::text::parse_bool(group),
        t => group.cast(t.polars()),
    }
}
