//! Dynamic values. In a column they are compact JSON text; while an expression is
//! being built they may also be a list of strings (from `split`) or a plain string
//! (an element of such a list), which avoids JSON work on the hot `split(...)[n]` path.

use super::scalar::{Repr, Value};
use crate::error::{Error, Result};
use crate::plan::TExpr;
use crate::syntax::ast::Literal;
use polars::prelude::*;
use serde_json::Value as Json;

fn string_output(_: &Schema, f: &Field) -> PolarsResult<Field> {
    Ok(Field::new(f.name().clone(), DataType::String))
}

fn map_json_text(e: Expr, f: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Expr {
    e.map(
        move |c| {
            let ca = c.str()?;
            Ok(ca.iter().map(|o| o.and_then(&f)).collect::<StringChunked>().into_column())
        },
        string_output,
    )
}

/// A `List(String)` column as JSON array text.
pub(super) fn string_list_to_json(e: Expr) -> Expr {
    map_lists(e, |s| {
        let inner = s.str().ok()?;
        let items: Vec<Json> = inner.iter().map(|v| v.map(|t| Json::String(t.to_string())).unwrap_or(Json::Null)).collect();
        Some(Json::Array(items).to_string())
    })
}

/// Maps each row's list (null rows stay null) to text with `f`.
fn map_lists(e: Expr, f: impl Fn(&Series) -> Option<String> + Send + Sync + 'static) -> Expr {
    e.map(
        move |c| {
            let ca = c.list()?;
            let out: StringChunked = ca.amortized_iter().map(|o| f(o?.as_ref())).collect();
            Ok(out.into_column())
        },
        string_output,
    )
}

/// A plain string that is a dynamic string value, as JSON text (`"abc"`).
pub(super) fn plain_string_to_json(e: Expr) -> Expr {
    map_json_text(e, |s| Some(Json::String(s.to_string()).to_string()))
}

/// JSON text to the text `tostring` gives: a JSON string unquoted, anything else as
/// compact JSON, null as null.
pub(super) fn json_to_text(e: Expr) -> Expr {
    map_json_text(e, |s| match serde_json::from_str::<Json>(s) {
        Ok(Json::String(t)) => Some(t),
        Ok(Json::Null) => None,
        Ok(v) => Some(v.to_string()),
        Err(_) => Some(s.to_string()),
    })
}

/// JSON text to bool: `true`/`false` (or their string forms); null otherwise.
pub(super) fn json_to_bool(e: Expr) -> Expr {
    e.map(
        |c| {
            let ca = c.str()?;
            let out: BooleanChunked = ca
                .iter()
                .map(|o| {
                    o.and_then(|s| match serde_json::from_str::<Json>(s) {
                        Ok(Json::Bool(b)) => Some(b),
                        Ok(Json::String(t)) if t.eq_ignore_ascii_case("true") => Some(true),
                        Ok(Json::String(t)) if t.eq_ignore_ascii_case("false") => Some(false),
                        _ => None,
                    })
                })
                .collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

/// `d[i]`, `d["key"]`, `d.key`.
pub(super) fn index(target: Value, index: &TExpr) -> Result<Value> {
    let key = index.as_literal().cloned().ok_or_else(|| Error::unsupported(index.span, "a non-constant index"))?;
    match (target.repr, &key) {
        (Repr::StringList, Literal::Long(n)) => Ok(Value { expr: target.expr.list().get(lit(*n), true), repr: Repr::PlainString }),
        (Repr::StringList, Literal::Int(n)) => Ok(Value { expr: target.expr.list().get(lit(*n as i64), true), repr: Repr::PlainString }),
        // The single element of `split(s, d, i)`: index 0 (or -1) is it, anything else null.
        (Repr::OneElement, Literal::Long(0 | -1)) | (Repr::OneElement, Literal::Int(0 | -1)) => {
            Ok(Value { expr: target.expr, repr: Repr::PlainString })
        }
        (Repr::StringList | Repr::PlainString | Repr::OneElement, _) => {
            Ok(Value { expr: lit(NULL).cast(DataType::String), repr: Repr::Native })
        }
        (Repr::Native, key) => {
            let key = key.clone();
            let expr = map_json_text(target.expr, move |s| {
                let v: Json = serde_json::from_str(s).ok()?;
                let item = match (&v, &key) {
                    (Json::Array(a), Literal::Long(n)) => {
                        let n = if *n < 0 { a.len() as i64 + n } else { *n };
                        a.get(usize::try_from(n).ok()?)
                    }
                    (Json::Array(a), Literal::Int(n)) => a.get(usize::try_from(*n).ok()?),
                    (Json::Object(m), Literal::String(k)) => m.get(k),
                    _ => None,
                }?;
                if item.is_null() {
                    None
                } else {
                    Some(item.to_string())
                }
            });
            Ok(Value { expr, repr: Repr::Native })
        }
    }
}

/// `array_length(d)`: element count of an array, null for anything else.
pub(super) fn array_length(v: Value) -> Result<Value> {
    let expr = match v.repr {
        Repr::StringList => v.expr.list().len().cast(DataType::Int64),
        Repr::PlainString => lit(NULL).cast(DataType::Int64),
        Repr::OneElement => when(v.expr.is_null()).then(lit(0i64)).otherwise(lit(1i64)),
        Repr::Native => v.expr.map(
            |c| {
                let ca = c.str()?;
                let out: Int64Chunked = ca
                    .iter()
                    .map(|o| match o.and_then(|s| serde_json::from_str::<Json>(s).ok()) {
                        Some(Json::Array(a)) => Some(a.len() as i64),
                        _ => None,
                    })
                    .collect();
                Ok(out.into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::Int64)),
        ),
    };
    Ok(Value { expr, repr: Repr::Native })
}

/// A list column (from `make_set`/`make_list`) as JSON array text; datetimes and
/// timespans become strings, as Kusto serializes them inside dynamic values.
pub(super) fn list_to_json(e: Expr) -> Expr {
    map_lists(e, |s| Some(Json::Array(s.iter().map(|v| any_to_json(&v)).collect()).to_string()))
}

/// A list of dynamic values (JSON texts) as one JSON array of those values.
pub(super) fn json_list_to_json(e: Expr) -> Expr {
    map_lists(e, |s| {
        let ca = s.str().ok()?;
        let values = ca.iter().map(|v| match v {
            Some(t) => serde_json::from_str(t).unwrap_or_else(|_| Json::String(t.to_string())),
            None => Json::Null,
        });
        Some(Json::Array(values.collect()).to_string())
    })
}

fn any_to_json(v: &AnyValue) -> Json {
    match v {
        AnyValue::Null => Json::Null,
        AnyValue::Boolean(b) => Json::Bool(*b),
        AnyValue::Int32(n) => Json::from(*n),
        AnyValue::Int64(n) => Json::from(*n),
        AnyValue::UInt32(n) => Json::from(*n),
        AnyValue::UInt64(n) => Json::from(*n),
        AnyValue::Float64(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        AnyValue::String(s) => Json::String(s.to_string()),
        AnyValue::StringOwned(s) => Json::String(s.to_string()),
        AnyValue::Datetime(ns, _, _) | AnyValue::DatetimeOwned(ns, _, _) => Json::String(crate::text::format_datetime_in_dynamic(*ns)),
        AnyValue::Duration(ns, _) => Json::String(crate::text::format_timespan(*ns)),
        other => Json::String(other.to_string()),
    }
}

/// JSON element text to a Kusto type, as `to typeof(T)` casts it: an element that is not
/// of that type becomes null (for strings: a non-string element becomes its JSON text).
pub(super) fn json_to_type(e: Expr, ty: crate::types::KqlType) -> Expr {
    use crate::types::KqlType as T;
    match ty {
        T::Dynamic => e,
        T::String | T::Guid => json_to_text(e).fill_null(lit("")),
        T::Bool => json_to_bool(e),
        T::Int | T::Long | T::Real | T::Decimal => {
            let target = ty.polars();
            e.map(
                move |c| {
                    let ca = c.str()?;
                    let out: Float64Chunked =
                        ca.iter().map(|o| o.and_then(|s| serde_json::from_str::<Json>(s).ok()).and_then(|v| v.as_f64())).collect();
                    Ok(out.into_column())
                },
                |_, f| Ok(Field::new(f.name().clone(), DataType::Float64)),
            )
            .cast(target)
        }
        T::DateTime => super::text::parse_datetime(json_to_text(e)),
        T::TimeSpan => super::text::parse_timespan(json_to_text(e)),
    }
}

/// Any value as JSON text, for building dynamic values (`pack_array(1, 'a')`).
pub(super) fn to_json_text(e: &crate::plan::TExpr) -> crate::error::Result<Expr> {
    let x = super::scalar::lower_expr(e)?;
    if e.ty == crate::types::KqlType::Dynamic {
        return Ok(x);
    }
    Ok(x.map(
        |c| {
            let s = c.as_materialized_series();
            let out: StringChunked = s.iter().map(|v| Some(any_to_json(&v).to_string())).collect();
            Ok(out.into_column())
        },
        string_output,
    ))
}

/// Runs `f` row by row over the arguments' JSON values (null for a null cell); the
/// result is JSON text, or null when `f` gives `None`.
pub(super) fn json_map(args: Vec<Expr>, f: impl Fn(&[Option<Json>]) -> Option<Json> + Send + Sync + 'static) -> Expr {
    let mut args = args.into_iter();
    let first = args.next().unwrap_or_else(|| lit(NULL).cast(DataType::String));
    let rest: Vec<Expr> = args.collect();
    first.map_many(
        move |cols| {
            let cas = cols.iter().map(|c| c.str()).collect::<PolarsResult<Vec<_>>>()?;
            // Literals come as one value; an empty frame has no rows even beside them.
            let height = if cas.iter().any(|c| c.is_empty()) { 0 } else { cas.iter().map(|c| c.len()).max().unwrap_or(0) };
            let out: StringChunked = (0..height)
                .map(|row| {
                    let values: Vec<Option<Json>> = cas
                        .iter()
                        .map(|ca| {
                            let i = if ca.len() == 1 { 0 } else { row };
                            ca.get(i).and_then(|t| serde_json::from_str::<Json>(t).ok()).filter(|v| !v.is_null())
                        })
                        .collect();
                    f(&values).map(|v| v.to_string())
                })
                .collect();
            Ok(out.into_column())
        },
        &rest,
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::String)),
    )
}

/// A function over JSON values (`f` as in [`json_map`]) as a column of type `ty`:
/// dynamic results stay JSON text, others are converted as `to typeof(ty)` does.
pub(super) fn json_call(
    args: Vec<Expr>,
    ty: crate::types::KqlType,
    f: impl Fn(&[Option<Json>]) -> Option<Json> + Send + Sync + 'static,
) -> Expr {
    let out = json_map(args, f);
    if ty == crate::types::KqlType::Dynamic {
        out
    } else {
        json_to_type(out, ty)
    }
}

/// `parse_json(text)`: JSON text parsed; text that is not JSON is a dynamic string
/// holding it (parse-json-function.md).
pub(super) fn parse_json(text: Expr) -> Expr {
    map_json_text(text, |s| match serde_json::from_str::<Json>(s) {
        // Empty text is null (gettype-function.md: `gettype(parse_json(''))` is null).
        _ if s.trim().is_empty() => None,
        Ok(Json::Null) => None,
        Ok(v) => Some(v.to_string()),
        Err(_) => Some(Json::String(s.to_string()).to_string()),
    })
}

/// Elements as their `tostring` text, for `strcat_array`.
pub(super) fn element_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A list of property-bag JSON texts merged into one bag (later keys win), for `make_bag`.
pub(super) fn merge_bags(e: Expr) -> Expr {
    map_lists(e, |s| {
        let mut bag = serde_json::Map::new();
        if let Ok(texts) = s.str() {
            for t in texts.iter().flatten() {
                if let Ok(Json::Object(m)) = serde_json::from_str::<Json>(t) {
                    bag.extend(m);
                }
            }
        }
        Some(Json::Object(bag).to_string())
    })
}

/// A list of JSON array texts combined into one array: every element (`tdigest_merge`),
/// or the distinct ones (`hll_merge`).
pub(super) fn merge_arrays(e: Expr, distinct: bool) -> Expr {
    map_lists(e, move |s| {
        let mut out: Vec<Json> = Vec::new();
        if let Ok(texts) = s.str() {
            for t in texts.iter().flatten() {
                if let Ok(Json::Array(items)) = serde_json::from_str::<Json>(t) {
                    for item in items {
                        if !distinct || !out.contains(&item) {
                            out.push(item);
                        }
                    }
                }
            }
        }
        Some(Json::Array(out).to_string())
    })
}

/// Nearest-rank percentiles of a list of values (sorted here), as a JSON array
/// (`percentiles_array`).
pub(super) fn percentiles_json(e: Expr, ps: Vec<f64>) -> Expr {
    map_lists(e, move |s| {
        let sorted = s.drop_nulls().sort(SortOptions::default()).ok()?;
        let n = sorted.len();
        let items = ps
            .iter()
            .map(|p| {
                if n == 0 {
                    return Json::Null;
                }
                let rank = ((n as f64) * p / 100.0).ceil() as usize;
                sorted.get(rank.saturating_sub(1).min(n - 1)).map(|v| any_to_json(&v)).unwrap_or(Json::Null)
            })
            .collect();
        Some(Json::Array(items).to_string())
    })
}

fn bin_range(bins: &Series, first: Option<i64>, last: Option<i64>) -> PolarsResult<(Vec<i64>, i64, i64)> {
    let b: Vec<i64> = bins.cast(&DataType::Int64)?.i64()?.iter().flatten().collect();
    let lo = first.unwrap_or_else(|| b.iter().copied().min().unwrap_or(0));
    let hi = last.unwrap_or_else(|| b.iter().copied().max().map(|m| m + 1).unwrap_or(lo));
    Ok((b, lo, hi))
}

/// One group's aggregate values (`values`, per bin in `bins`) as a JSON array over bins
/// `first..last` (each defaulting to the group's own range), `default` where empty.
pub(super) fn lay_out_series(
    bins: &Column,
    values: &Column,
    first: Option<i64>,
    last: Option<i64>,
    default: &Json,
) -> PolarsResult<Column> {
    let (bins, values) = (bins.list()?, values.list()?);
    let out: StringChunked = bins
        .amortized_iter()
        .zip(values.amortized_iter())
        .map(|(b, v)| {
            let (b, v) = (b?, v?);
            let (idx, lo, hi) = bin_range(b.as_ref(), first, last).ok()?;
            let mut slots = vec![default.clone(); usize::try_from(hi - lo).unwrap_or(0)];
            for (k, value) in idx.iter().zip(v.as_ref().iter()) {
                if let Some(slot) = usize::try_from(k - lo).ok().and_then(|i| slots.get_mut(i)) {
                    *slot = any_to_json(&value);
                }
            }
            Some(Json::Array(slots).to_string())
        })
        .collect();
    Ok(out.into_column())
}

/// A group's axis values as a JSON array: `origin + k*step` for its bins, datetimes as
/// their ISO text.
pub(super) fn series_axis(
    bins: &Column,
    first: Option<i64>,
    last: Option<i64>,
    origin: i64,
    step: i64,
    is_time: bool,
) -> PolarsResult<Column> {
    let bins = bins.list()?;
    let out: StringChunked = bins
        .amortized_iter()
        .map(|b| {
            let b = b?;
            let (_, lo, hi) = bin_range(b.as_ref(), first, last).ok()?;
            let items: Vec<Json> = (lo..hi)
                .map(|k| {
                    let v = origin + k * step;
                    if is_time {
                        Json::String(crate::text::format_datetime_in_dynamic(v))
                    } else {
                        Json::from(v)
                    }
                })
                .collect();
            Some(Json::Array(items).to_string())
        })
        .collect();
    Ok(out.into_column())
}

/// A one-element array held as its element (null for the empty array), as JSON text.
pub(super) fn one_element_to_json(e: Expr) -> Expr {
    e.map(
        |c| {
            let ca = c.str()?;
            let out: StringChunked = ca
                .iter()
                .map(|o| Some(Json::Array(o.map(|s| vec![Json::String(s.to_string())]).unwrap_or_default()).to_string()))
                .collect();
            Ok(out.into_column())
        },
        string_output,
    )
}
