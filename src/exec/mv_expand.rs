//! `mv-expand`: each expanded value becomes a list of element JSON texts (padded so
//! several columns expand in parallel, as Kusto does), the lists are exploded together,
//! and each element is converted to the column's type.
//!
//! Kusto's rules (mv-expand-operator.md): a null value gives one row with null; an empty
//! array or bag gives no row; a bag expands to single-entry bags (`kind=bag`) or
//! `[key, value]` arrays (`kind=array`); missing values of shorter arrays are null.

use super::dynamic::json_to_type;
use super::scalar::lower_expr;
use crate::error::Result;
use crate::plan::TExpr;
use crate::types::{KqlType, Schema};
use polars::prelude::*;
use serde_json::Value as Json;

pub(super) fn lower_mv_expand(
    lf: LazyFrame,
    out: &Schema,
    items: &[(String, TExpr, KqlType)],
    item_index: Option<&str>,
    bag_as_array: bool,
    limit: Option<usize>,
) -> Result<LazyFrame> {
    let tmp: Vec<String> = (0..items.len()).map(|k| format!("__flowkql_mv_{k}")).collect();
    let values = items.iter().zip(&tmp).map(|((_, e, _), t)| Ok(lower_expr(e)?.alias(t.as_str()))).collect::<Result<Vec<_>>>()?;
    let mut lf = lf.with_columns(values);
    let all: Vec<Expr> = tmp.iter().map(|t| col(t.as_str())).collect();
    let mut lists = Vec::new();
    for (k, t) in tmp.iter().enumerate() {
        let list = all[0]
            .clone()
            .map_many(
                move |cols| expand_lists(cols, k, bag_as_array, limit),
                &all[1..],
                |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::List(Box::new(DataType::String)))),
            )
            .alias(t.as_str());
        lists.push(list);
    }
    lf = lf.with_columns(lists);
    let mut exploded: Vec<String> = tmp.clone();
    if let Some(index) = item_index {
        let first = col(tmp[0].as_str()).list().len().cast(DataType::Int64);
        lf = lf.with_column(int_ranges(lit(0i64), first, lit(1i64), DataType::Int64).alias(index));
        exploded.push(index.to_string());
    }
    lf = lf.explode(cols(exploded), ExplodeOptions { empty_as_null: false, keep_nulls: true });
    let select: Vec<Expr> = out
        .columns
        .iter()
        .map(|(name, ty)| match items.iter().position(|(n, _, _)| n == name) {
            Some(k) => json_to_type(col(tmp[k].as_str()), *ty).alias(name.as_str()),
            None => col(name.as_str()),
        })
        .collect();
    Ok(lf.select(select))
}

/// The elements (as JSON text) of one value, per Kusto's expansion rules.
fn elements(text: Option<&str>, bag_as_array: bool) -> Vec<Option<String>> {
    let value = match text.map(serde_json::from_str::<Json>) {
        None | Some(Ok(Json::Null)) => return vec![None],
        Some(Ok(v)) => v,
        // Not JSON: the text itself is one string element.
        Some(Err(_)) => Json::String(text.unwrap_or_default().to_string()),
    };
    match value {
        Json::Array(items) => items.into_iter().map(|v| if v.is_null() { None } else { Some(v.to_string()) }).collect(),
        Json::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                let entry = if bag_as_array {
                    Json::Array(vec![Json::String(k), v])
                } else {
                    let mut one = serde_json::Map::new();
                    one.insert(k, v);
                    Json::Object(one)
                };
                Some(entry.to_string())
            })
            .collect(),
        scalar => vec![Some(scalar.to_string())],
    }
}

/// Column `k` of the parallel expansion of `cols`: every row's list is padded with nulls
/// to the longest of its row, then cut to `limit`.
fn expand_lists(cols: &mut [Column], k: usize, bag_as_array: bool, limit: Option<usize>) -> PolarsResult<Column> {
    let cas = cols.iter().map(|c| c.str()).collect::<PolarsResult<Vec<_>>>()?;
    let height = cas.first().map(|c| c.len()).unwrap_or(0);
    let mut builder = ListStringChunkedBuilder::new(cols[0].name().clone(), height, height * 2);
    for row in 0..height {
        let per_col: Vec<Vec<Option<String>>> = cas.iter().map(|ca| elements(ca.get(row), bag_as_array)).collect();
        let mut n = per_col.iter().map(|v| v.len()).max().unwrap_or(0);
        if let Some(l) = limit {
            n = n.min(l);
        }
        let mine = &per_col[k];
        let padded: Vec<Option<&str>> = (0..n).map(|j| mine.get(j).and_then(|v| v.as_deref())).collect();
        let values: StringChunked = padded.into_iter().collect();
        builder.append_series(&values.into_series())?;
    }
    Ok(builder.finish().into_column())
}
