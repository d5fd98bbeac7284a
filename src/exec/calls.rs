//! Scalar function calls to Polars expressions, one arm per registry row.

use super::dynamic;
use super::scalar::{bin_datetime, days_since_sunday, ipv4_call, lower, lower_expr, nanos, Repr, Value, NANOS_PER_DAY};
use super::text::{kusto_format_to_strftime, parse_bool, parse_datetime, parse_timespan, to_text};
use crate::error::{Error, Result};
use crate::functions::Function;
use crate::plan::TExpr;
use crate::syntax::ast::Literal;
use crate::types::KqlType;
use polars::prelude::*;

use KqlType as T;

fn native(expr: Expr) -> Value {
    Value { expr, repr: Repr::Native }
}

fn lit_str<'a>(e: &'a TExpr, what: &str) -> Result<&'a str> {
    match e.as_literal() {
        Some(Literal::String(s)) => Ok(s),
        _ => Err(Error::unsupported(e.span, format!("a non-constant {what}")).with_help("give it as a string literal")),
    }
}

fn lit_int(e: &TExpr) -> Option<i64> {
    match e.as_literal() {
        Some(Literal::Long(n)) => Some(*n),
        Some(Literal::Int(n)) => Some(*n as i64),
        _ => None,
    }
}

/// `x` cast to the Polars type of `ty`, with a typed null for null literals.
fn as_type(e: &TExpr, ty: KqlType) -> Result<Expr> {
    let x = lower_expr(e)?;
    Ok(if e.ty == ty { x } else { x.cast(ty.polars()) })
}

fn condition(e: &TExpr) -> Result<Expr> {
    super::scalar::lower_predicate(e)
}

pub(super) fn lower_call(f: &'static Function, args: &[TExpr], call: &TExpr) -> Result<Value> {
    let ty = call.ty;
    let arg = |n: usize| -> Result<Expr> { lower_expr(&args[n]) };
    Ok(match f.name {
        "iff" | "iif" => native(when(condition(&args[0])?).then(as_type(&args[1], ty)?).otherwise(as_type(&args[2], ty)?)),
        "case" => {
            let (pairs, last) = args.split_at(args.len() - 1);
            // Built from the last pair outwards, so the first true condition wins.
            let mut acc = as_type(&last[0], ty)?;
            for p in pairs.chunks(2).rev() {
                acc = when(condition(&p[0])?).then(as_type(&p[1], ty)?).otherwise(acc);
            }
            native(acc)
        }
        "coalesce" => {
            if ty.is_textual() {
                let mut it = args.iter().rev();
                let mut acc = match it.next() {
                    Some(a) => to_text(a)?,
                    None => lit(""),
                };
                for a in it {
                    let v = to_text(a)?;
                    acc = when(v.clone().neq(lit(""))).then(v).otherwise(acc);
                }
                native(acc)
            } else {
                let exprs = args.iter().map(|a| as_type(a, ty)).collect::<Result<Vec<_>>>()?;
                native(polars::prelude::coalesce(&exprs))
            }
        }
        "isempty" | "isnotempty" => {
            let a = &args[0];
            let empty = match (a.ty, lower(a)?) {
                (T::String | T::Guid, v) => v.expr.eq(lit("")).fill_null(lit(true)),
                (T::Dynamic, v) if v.repr == Repr::PlainString => v.expr.clone().is_null().or(v.expr.eq(lit(""))),
                (_, v) => v.expr.is_null(),
            };
            native(if f.name == "isempty" { empty } else { empty.not() })
        }
        "isnull" => native(arg(0)?.is_null()),
        "isnotnull" => native(arg(0)?.is_not_null()),
        "not" => native(arg(0)?.not()),
        "tostring" => native(to_text(&args[0])?),
        "toint" | "tolong" | "todouble" | "toreal" => {
            let a = &args[0];
            let target = ty.polars();
            native(match a.ty {
                T::String | T::Guid => arg(0)?.str().strip_chars(lit(NULL)).cast(target),
                T::Dynamic => dynamic::json_to_text(lower_expr(a)?).cast(target),
                T::Bool => arg(0)?.cast(target),
                T::DateTime | T::TimeSpan => nanos(arg(0)?).cast(target),
                _ => arg(0)?.cast(target),
            })
        }
        "tobool" | "toboolean" => {
            let a = &args[0];
            native(match a.ty {
                T::Bool => arg(0)?,
                T::String | T::Guid => parse_bool(arg(0)?),
                T::Dynamic => parse_bool(to_text(a)?),
                t if t.is_numeric() => arg(0)?.neq(lit(0)).cast(DataType::Boolean),
                _ => lit(NULL).cast(DataType::Boolean),
            })
        }
        "todatetime" => native(match args[0].ty {
            T::DateTime => arg(0)?,
            T::String | T::Dynamic | T::Guid => parse_datetime(to_text(&args[0])?),
            _ => lit(NULL).cast(T::DateTime.polars()),
        }),
        "totimespan" => native(match args[0].ty {
            T::TimeSpan => arg(0)?,
            T::String | T::Dynamic | T::Guid => parse_timespan(to_text(&args[0])?),
            t if t.is_numeric() => arg(0)?.cast(DataType::Int64).cast(T::TimeSpan.polars()),
            _ => lit(NULL).cast(T::TimeSpan.polars()),
        }),
        "strcat" => {
            let parts = args.iter().map(to_text).collect::<Result<Vec<_>>>()?;
            native(concat_str(parts, "", true))
        }
        "strlen" => native(to_text(&args[0])?.str().len_chars().cast(DataType::Int64)),
        "substring" => {
            let s = to_text(&args[0])?;
            let start = arg(1)?.cast(DataType::Int64);
            let start = when(start.clone().lt(lit(0i64))).then(lit(0i64)).otherwise(start);
            let len = match args.get(2) {
                Some(l) => lower_expr(l)?.cast(DataType::Int64),
                None => lit(NULL).cast(DataType::UInt64),
            };
            native(s.str().slice(start, len).fill_null(lit("")))
        }
        "tolower" => native(to_text(&args[0])?.str().to_lowercase()),
        "toupper" => native(to_text(&args[0])?.str().to_uppercase()),
        "trim" | "trim_start" | "trim_end" => {
            let re = lit_str(&args[0], "trim pattern")?;
            let pattern = match f.name {
                "trim" => format!("^(?:{re})+|(?:{re})+$"),
                "trim_start" => format!("^(?:{re})+"),
                _ => format!("(?:{re})+$"),
            };
            check_regex(&pattern, &args[0])?;
            native(to_text(&args[1])?.str().replace_all(lit(pattern), lit(""), false))
        }
        "replace_string" => {
            let s = to_text(&args[0])?;
            let lookup = lit_str(&args[1], "lookup string")?;
            if lookup.is_empty() {
                return Ok(native(s));
            }
            native(s.str().replace_all(lit(lookup.to_string()), to_text(&args[2])?, true))
        }
        "extract" => {
            let re = lit_str(&args[0], "regular expression")?;
            check_regex(re, &args[0])?;
            let group = lit_int(&args[1]).ok_or_else(|| Error::unsupported(args[1].span, "a non-constant capture group"))?;
            let group = usize::try_from(group).map_err(|_| Error::semantic(args[1].span, "the capture group must be 0 or more"))?;
            native(to_text(&args[2])?.str().extract(lit(re.to_string()), group).fill_null(lit("")))
        }
        "split" => {
            let s = to_text(&args[0])?;
            let delim = lit_str(&args[1], "delimiter")?;
            let parts = s.str().split(lit(delim.to_string()));
            match args.get(2) {
                None => Value { expr: parts, repr: Repr::StringList },
                Some(i) => {
                    let idx = lit_int(i).ok_or_else(|| Error::unsupported(i.span, "a non-constant split index"))?;
                    if idx < 0 {
                        return Err(Error::semantic(i.span, "the split index must be 0 or more"));
                    }
                    Value { expr: parts.list().get(lit(idx), true), repr: Repr::OneElement }
                }
            }
        }
        "array_length" => dynamic::array_length(lower(&args[0])?)?,
        // Constant arguments were folded to datetime literals while checking.
        "now" | "ago" => return Err(Error::unsupported(call.span, format!("`{}` with a non-constant timespan", f.name))),
        "bin" | "floor" => bin(&args[0], &args[1])?,
        "startofday" | "startofweek" | "startofmonth" | "startofyear" | "endofday" => {
            if args.len() == 2 {
                return Err(Error::unsupported(args[1].span, format!("the offset argument of `{}`", f.name)));
            }
            let x = arg(0)?;
            let day = bin_datetime(x.clone(), NANOS_PER_DAY);
            native(match f.name {
                "startofday" => day,
                "endofday" => (nanos(day) + lit(NANOS_PER_DAY - 100)).cast(T::DateTime.polars()),
                "startofweek" => (nanos(day) - days_since_sunday(x) * lit(NANOS_PER_DAY)).cast(T::DateTime.polars()),
                "startofmonth" => x.dt().truncate(lit("1mo")),
                _ => x.dt().truncate(lit("1y")),
            })
        }
        "datetime_part" => {
            let part = lit_str(&args[0], "part name")?.to_lowercase();
            let x = arg(1)?;
            let v = match part.as_str() {
                "year" => x.dt().year(),
                "quarter" => (x.dt().month().cast(DataType::Int32) - lit(1)) / lit(3) + lit(1),
                "month" => x.dt().month(),
                "week_of_year" | "weekofyear" => x.dt().week(),
                "day" => x.dt().day(),
                "dayofyear" => x.dt().ordinal_day(),
                "hour" => x.dt().hour(),
                "minute" => x.dt().minute(),
                "second" => x.dt().second(),
                "millisecond" => x.dt().millisecond(),
                "microsecond" => x.dt().microsecond(),
                "nanosecond" => x.dt().nanosecond(),
                _ => return Err(Error::semantic(args[0].span, format!("unknown datetime part `{part}`")).with_help(
                    "one of Year, Quarter, Month, Week_of_year, Day, DayOfYear, Hour, Minute, Second, Millisecond, Microsecond, Nanosecond",
                )),
            };
            native(v.cast(DataType::Int32))
        }
        "format_datetime" => {
            let fmt = kusto_format_to_strftime(lit_str(&args[1], "format")?);
            native(arg(0)?.dt().strftime(&fmt).fill_null(lit("")))
        }
        "dayofweek" => native((days_since_sunday(arg(0)?) * lit(NANOS_PER_DAY)).cast(T::TimeSpan.polars())),
        "dayofmonth" => native(arg(0)?.dt().day().cast(DataType::Int32)),
        "hourofday" => native(arg(0)?.dt().hour().cast(DataType::Int32)),
        "getmonth" | "monthofyear" => native(arg(0)?.dt().month().cast(DataType::Int32)),
        "getyear" => native(arg(0)?.dt().year().cast(DataType::Int32)),
        "round" => {
            let digits = match args.get(1) {
                Some(d) => lit_int(d).ok_or_else(|| Error::unsupported(d.span, "a non-constant number of digits"))?,
                None => 0,
            };
            let x = arg(0)?;
            native(match args[0].ty {
                T::Real | T::Decimal => {
                    if digits >= 0 {
                        x.round(digits as u32, RoundMode::HalfAwayFromZero)
                    } else {
                        let scale = 10f64.powi((-digits) as i32);
                        (x / lit(scale)).round(0, RoundMode::HalfAwayFromZero) * lit(scale)
                    }
                }
                _ => x,
            })
        }
        "abs" => native(match args[0].ty {
            T::TimeSpan => nanos(arg(0)?).abs().cast(T::TimeSpan.polars()),
            T::Int => arg(0)?.cast(DataType::Int64).abs(),
            _ => arg(0)?.abs(),
        }),
        "ipv4_is_match" | "ipv4_is_in_range" | "ipv4_is_private" | "ipv4_compare" | "parse_ipv4" => {
            let exprs = args.iter().map(to_text).collect::<Result<Vec<_>>>()?;
            let lits = args.iter().map(|a| a.as_literal()).collect();
            native(ipv4_call(f.name, exprs, lits)?)
        }
        "max_of" | "min_of" => {
            let exprs = args.iter().map(|a| as_type(a, ty)).collect::<Result<Vec<_>>>()?;
            native(if f.name == "max_of" { polars::lazy::dsl::max_horizontal(exprs)? } else { polars::lazy::dsl::min_horizontal(exprs)? })
        }
        "ceiling" => native(match args[0].ty {
            T::Real | T::Decimal => arg(0)?.ceil(),
            _ => arg(0)?,
        }),
        "sqrt" | "exp" | "log" | "log10" | "log2" => {
            let x = arg(0)?.cast(DataType::Float64);
            native(match f.name {
                "sqrt" => x.sqrt(),
                "exp" => x.exp(),
                // Kusto: the logarithm of a non-positive number is null. Each base uses its
                // own libm routine so log10(1000) is exactly 3.
                base => {
                    let f: fn(f64) -> f64 = match base {
                        "log10" => f64::log10,
                        "log2" => f64::log2,
                        _ => f64::ln,
                    };
                    x.map(
                        move |c| {
                            let ca = c.f64()?;
                            Ok(ca.iter().map(|v| v.filter(|v| *v > 0.0).map(f)).collect::<Float64Chunked>().into_column())
                        },
                        |_, fld| Ok(Field::new(fld.name().clone(), DataType::Float64)),
                    )
                }
            })
        }
        "pow" => native(arg(0)?.cast(DataType::Float64).pow(arg(1)?.cast(DataType::Float64))),
        "isnan" => native(arg(0)?.cast(DataType::Float64).is_nan()),
        "countof" => {
            let search = lit_str(&args[1], "search string")?;
            let regex = match args.get(2) {
                None => false,
                Some(k) => match lit_str(k, "kind")? {
                    "normal" => false,
                    "regex" => true,
                    _ => return Err(Error::semantic(k.span, "the kind of `countof` is 'normal' or 'regex'")),
                },
            };
            if regex {
                check_regex(search, &args[1])?;
            }
            if search.is_empty() {
                return Ok(native(lit(0i64)));
            }
            native(to_text(&args[0])?.str().count_matches(lit(search.to_string()), !regex).cast(DataType::Int64))
        }
        "indexof" | "indexof_regex" => {
            let lookup = lit_str(&args[1], "lookup")?.to_string();
            let int_arg = |n: usize, default: i64| match args.get(n) {
                None => Ok(default),
                Some(a) => {
                    lit_int(a).ok_or_else(|| Error::unsupported(a.span, format!("a non-constant argument {} of `{}`", n + 1, f.name)))
                }
            };
            let (start, length, occurrence) = (int_arg(2, 0)?, int_arg(3, -1)?, int_arg(4, 1)?);
            let re = if f.name == "indexof_regex" {
                Some(regex::Regex::new(&lookup).map_err(|e| Error::semantic(args[1].span, format!("invalid regular expression: {e}")))?)
            } else {
                None
            };
            native(super::strings::index_of(to_text(&args[0])?, lookup, re, start, length, occurrence))
        }
        "replace_regex" => {
            let re = lit_str(&args[1], "regular expression")?;
            check_regex(re, &args[1])?;
            let rewrite = lit_str(&args[2], "rewrite string")?;
            native(to_text(&args[0])?.str().replace_all(lit(re.to_string()), lit(super::strings::rewrite_groups(rewrite)), false))
        }
        "extract_all" => {
            let re = lit_str(&args[0], "regular expression")?;
            let compiled = regex::Regex::new(re).map_err(|e| Error::semantic(args[0].span, format!("invalid regular expression: {e}")))?;
            let selected = match args.len() {
                3 => Some(capture_groups(&args[1], &compiled)?),
                _ => None,
            };
            native(super::strings::extract_all(to_text(&args[args.len() - 1])?, compiled, selected))
        }
        "reverse" => native(to_text(&args[0])?.str().reverse()),
        "url_decode" => native(super::strings::url_decode(to_text(&args[0])?)),
        "strcat_delim" => {
            let delim = lit_str(&args[0], "delimiter")?.to_string();
            let parts = args[1..].iter().map(to_text).collect::<Result<Vec<_>>>()?;
            native(concat_str(parts, &delim, true))
        }
        "datetime_add" | "datetime_diff" => {
            let part = lit_str(&args[0], "part name")?.to_lowercase();
            let Some(unit) = super::strings::DatePart::from_name(&part) else {
                return Err(Error::semantic(args[0].span, format!("unknown datetime part `{part}`"))
                    .with_help("one of year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond"));
            };
            if f.name == "datetime_add" {
                native(super::strings::datetime_add(unit, arg(1)?.cast(DataType::Int64), arg(2)?))
            } else {
                native(super::strings::datetime_diff(unit, arg(1)?, arg(2)?))
            }
        }
        "format_bytes" => {
            let precision = match args.get(1) {
                Some(p) => lit_int(p).ok_or_else(|| Error::unsupported(p.span, "a non-constant precision"))?,
                None => 0,
            };
            let units = match args.get(2) {
                Some(u) => lit_str(u, "units")?.to_string(),
                None => String::new(),
            };
            native(super::strings::format_bytes(arg(0)?.cast(DataType::Float64), precision.clamp(0, 20) as usize, units))
        }
        "ipv4_is_in_any_range" => {
            let mut ranges = Vec::new();
            for a in &args[1..] {
                match a.as_literal() {
                    Some(Literal::String(r)) => ranges.push(r.clone()),
                    Some(Literal::Dynamic(serde_json::Value::Array(items))) => {
                        ranges.extend(items.iter().filter_map(|v| v.as_str().map(|s| s.to_string())))
                    }
                    _ => return Err(Error::unsupported(a.span, "a non-constant range list")),
                }
            }
            native(super::ipv4::in_any_range(to_text(&args[0])?, &ranges).map_err(|e| e.at(args[1].span))?)
        }
        "ipv4_netmask_suffix" | "format_ipv4" | "format_ipv4_mask" => {
            let prefix = match args.get(1) {
                Some(p) => Some(lit_int(p).ok_or_else(|| Error::unsupported(p.span, "a non-constant prefix"))?),
                None => None,
            };
            native(super::ipv4::format(f.name, to_text(&args[0])?, prefix))
        }
        "parse_json" | "todynamic" | "parsejson" => native(match args[0].ty {
            T::Dynamic => arg(0)?,
            _ => dynamic::parse_json(to_text(&args[0])?),
        }),
        "pack" | "bag_pack" | "pack_array" | "array_concat" | "array_slice" | "set_union" | "set_intersect" | "bag_keys" => {
            let values = args.iter().map(dynamic::to_json_text).collect::<Result<Vec<_>>>()?;
            native(super::arrays::lower(f.name, values, T::Dynamic))
        }
        "strcat_array" | "array_strcat" => {
            let delim = lit_str(&args[1], "delimiter")?.to_string();
            let values = vec![dynamic::to_json_text(&args[0])?];
            let joined = dynamic::json_map(values, move |v| match v.first() {
                Some(Some(serde_json::Value::Array(items))) => {
                    Some(serde_json::Value::String(items.iter().map(dynamic::element_text).collect::<Vec<_>>().join(&delim)))
                }
                _ => Some(serde_json::Value::String(String::new())),
            });
            native(dynamic::json_to_text(joined).fill_null(lit("")))
        }
        "parse_ipv6" | "ipv6_compare" | "ipv6_is_match" => {
            let prefix = match args.get(2) {
                Some(p) => Some(lit_int(p).ok_or_else(|| Error::unsupported(p.span, "a non-constant prefix"))?),
                None => None,
            };
            let exprs = args.iter().take(2).map(to_text).collect::<Result<Vec<_>>>()?;
            native(super::ipv6::lower(f.name, exprs, prefix))
        }
        "unixtime_seconds_todatetime" | "unixtime_milliseconds_todatetime" => {
            let per = if f.name.contains("milliseconds") { 1e6 } else { 1e9 };
            let ns = (arg(0)?.cast(DataType::Float64) * lit(per)).round(0, RoundMode::HalfAwayFromZero).cast(DataType::Int64);
            native(ns.cast(T::DateTime.polars()))
        }
        "dayofyear" => native(arg(0)?.dt().ordinal_day().cast(DataType::Int32)),
        "endofweek" | "endofmonth" | "endofyear" => {
            if args.len() == 2 {
                return Err(Error::unsupported(args[1].span, format!("the offset argument of `{}`", f.name)));
            }
            let x = arg(0)?;
            let start = match f.name {
                "endofweek" => {
                    let day = bin_datetime(x.clone(), NANOS_PER_DAY);
                    (nanos(day) - days_since_sunday(x) * lit(NANOS_PER_DAY) + lit(7 * NANOS_PER_DAY)).cast(T::DateTime.polars())
                }
                "endofmonth" => super::strings::datetime_add(super::strings::DatePart::Month, lit(1i64), x.dt().truncate(lit("1mo"))),
                _ => super::strings::datetime_add(super::strings::DatePart::Year, lit(1i64), x.dt().truncate(lit("1y"))),
            };
            // The next period's start, less one tick (100 ns).
            native((nanos(start) - lit(100i64)).cast(T::DateTime.polars()))
        }
        "sign" => {
            let x = arg(0)?;
            let t = ty.polars();
            native(
                when(x.clone().gt(lit(0)))
                    .then(lit(1).cast(t.clone()))
                    .when(x.clone().lt(lit(0)))
                    .then(lit(-1).cast(t.clone()))
                    .when(x.is_null())
                    .then(lit(NULL).cast(t.clone()))
                    .otherwise(lit(0).cast(t)),
            )
        }
        "isinf" => native(arg(0)?.cast(DataType::Float64).is_infinite()),
        "strcmp" => {
            let (a, b) = (to_text(&args[0])?, to_text(&args[1])?);
            native(when(a.clone().lt(b.clone())).then(lit(-1i64)).when(a.gt(b)).then(lit(1i64)).otherwise(lit(0i64)))
        }
        "bin_at" => {
            let (x, size, anchor) = (&args[0], &args[1], &args[2]);
            let shifted = |e: Expr| nanos(e);
            native(match x.ty {
                T::DateTime | T::TimeSpan => {
                    let Some(Literal::TimeSpan(step)) = size.as_literal() else {
                        return Err(Error::unsupported(size.span, "a non-constant bin size"));
                    };
                    if *step <= 0 {
                        return Err(Error::semantic(size.span, "the bin size must be positive"));
                    }
                    let a = shifted(lower_expr(anchor)?);
                    let v = shifted(lower_expr(x)?);
                    let k = (v - a.clone()).floor_div(lit(*step));
                    (a + k * lit(*step)).cast(x.ty.polars())
                }
                _ => {
                    let target = if matches!(ty, T::Real | T::Decimal) { DataType::Float64 } else { DataType::Int64 };
                    let (v, s, a) = (arg(0)?.cast(DataType::Float64), arg(1)?.cast(DataType::Float64), arg(2)?.cast(DataType::Float64));
                    (a.clone() + ((v - a) / s.clone()).floor() * s).cast(target)
                }
            })
        }
        "row_number" => {
            let start = match args.first() {
                Some(a) => lit_int(a).ok_or_else(|| Error::unsupported(a.span, "a non-constant start"))?,
                None => 1,
            };
            native(super::window::row_number(start, restart(args.get(1))?)?)
        }
        "row_cumsum" => {
            let term = if args[0].ty == T::Int { arg(0)?.cast(DataType::Int64) } else { arg(0)? };
            native(super::window::row_cumsum(term, restart(args.get(1))?)?)
        }
        "row_rank_dense" | "row_rank_min" => native(super::window::row_rank(arg(0)?, restart(args.get(1))?, f.name == "row_rank_dense")?),
        "row_window_session" => {
            let span_of = |a: &TExpr| match a.as_literal() {
                Some(Literal::TimeSpan(ns)) => Ok(*ns),
                _ => Err(Error::unsupported(a.span, "a non-constant session limit").with_help("give it as a timespan literal, e.g. 1h")),
            };
            let session = super::window::row_window_session(arg(0)?, span_of(&args[1])?, span_of(&args[2])?, restart(args.get(3))?);
            native(session.cast(T::DateTime.polars()))
        }
        "prev" | "next" => {
            let offset = match args.get(1) {
                Some(a) => lit_int(a).ok_or_else(|| Error::unsupported(a.span, "a non-constant offset"))?,
                None => 1,
            };
            let shifted = arg(0)?.shift(lit(if f.name == "prev" { offset } else { -offset }));
            native(match args.get(2) {
                Some(d) => shifted.fill_null(as_type(d, ty)?),
                // Strings are never null: a missing neighbour's string is "".
                None if ty.is_textual() && ty != T::Dynamic => shifted.fill_null(lit("")),
                None => shifted,
            })
        }
        "tohex" => native(super::encoding::to_hex(arg(0)?, args[0].ty, args.get(1).map(lower_expr).transpose()?)),
        "binary_and" | "binary_or" | "binary_xor" | "binary_not" | "binary_shift_left" | "binary_shift_right" | "bitset_count_ones" => {
            native(super::numbers::bitwise(f.name, all_args(args)?))
        }
        "atan2" => native(super::numbers::atan2(arg(0)?, arg(1)?)),
        "pi" => native(lit(std::f64::consts::PI)),
        "isfinite" => native(arg(0)?.cast(DataType::Float64).is_finite()),
        "todecimal" => native(match args[0].ty {
            t if t.is_numeric() => arg(0)?.cast(DataType::Float64),
            T::Bool => arg(0)?.cast(DataType::Float64),
            _ => to_text(&args[0])?.str().strip_chars(lit(NULL)).cast(DataType::Float64),
        }),
        "toguid" => native(super::encoding::to_guid(to_text(&args[0])?)),
        // One value per row: a row counter carries the frame's height.
        "new_guid" => native(super::encoding::new_guid(int_range(lit(0i64), len(), 1, DataType::Int64))),
        "make_datetime" => native(super::numbers::make_datetime(all_args(args)?)),
        "make_timespan" => native(super::numbers::make_timespan(all_args(args)?)),
        "week_of_year" => native(arg(0)?.dt().week().cast(DataType::Int32)),
        "unixtime_microseconds_todatetime" | "unixtime_nanoseconds_todatetime" => {
            let per = if f.name.contains("micro") { 1e3 } else { 1.0 };
            let ns = (arg(0)?.cast(DataType::Float64) * lit(per)).round(0, RoundMode::HalfAwayFromZero).cast(DataType::Int64);
            native(ns.cast(T::DateTime.polars()))
        }
        "format_timespan" => native(super::numbers::format_timespan(arg(0)?, lit_str(&args[1], "format")?.to_string())),
        "hash" | "hash_xxhash64" => native(super::encoding::hash(arg(0)?, args[0].ty, args.get(1).map(lower_expr).transpose()?)),
        "hash_sha256" | "hash_md5" | "hash_sha1" => native(super::encoding::digest(f.name, arg(0)?, args[0].ty)),
        "base64_encode_tostring"
        | "base64_decode_tostring"
        | "base64_encode_fromguid"
        | "base64_decode_toguid"
        | "base64_decode_toarray"
        | "url_encode"
        | "url_encode_component"
        | "zlib_compress_to_base64_string"
        | "gzip_compress_to_base64_string"
        | "zlib_decompress_from_base64_string"
        | "gzip_decompress_from_base64_string" => native(super::encoding::transcode(f.name, to_text(&args[0])?)),
        "datetime_list_timezones" => {
            let zones: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect();
            native(lit(serde_json::Value::from(zones).to_string()))
        }
        "base64_encode_fromarray" => native(super::encoding::base64_from_array(arg(0)?)),
        "isascii" | "isutf8" | "string_size" | "regex_quote" | "translate" | "strrep" => {
            let mut values = args.iter().map(to_text).collect::<Result<Vec<_>>>()?;
            if f.name == "strrep" {
                values[1] = arg(1)?;
            }
            native(super::strings::string_fn(f.name, values))
        }
        "gettype" => native(gettype(&args[0])?),
        "extract_json" | "extractjson" => {
            native(super::parsers::extract_json(lit_str(&args[0], "JSONPath")?.to_string(), to_text(&args[1])?, ty))
        }
        "parse_url" | "parseurl" | "parse_urlquery" | "parse_path" | "parse_csv" => {
            native(super::parsers::lower(f.name, to_text(&args[0])?))
        }
        "has_ipv4" | "has_ipv4_prefix" | "has_any_ipv4" | "has_any_ipv4_prefix" => {
            let prefix = f.name.ends_with("prefix");
            let needles = constant_strings(&args[1..])?.iter().filter_map(|n| super::ipv4::needle(n, prefix)).collect();
            native(super::ipv4::has_any(to_text(&args[0])?, needles))
        }
        "ipv6_is_in_range" | "ipv6_is_in_any_range" => {
            let ranges = constant_strings(&args[1..])?;
            let test = super::ipv6::in_any_range(to_text(&args[0])?, &ranges).ok_or_else(|| {
                Error::semantic(args[1].span, "not an IPv6 (or IPv4) range").with_help("write a range as `fe80::/10` or `10.0.0.0/8`")
            })?;
            native(test)
        }
        "ipv4_range_to_cidr_list" => native(super::ipv4::range_to_cidrs(to_text(&args[0])?, to_text(&args[1])?)),
        "parse_ipv6_mask" => native(super::ipv6::parse_mask(to_text(&args[0])?, arg(1)?)),
        "rand" => native(super::numbers::rand(int_range(lit(0i64), len(), 1, DataType::Int64), args.first().map(lower_expr).transpose()?)),
        "datetime_utc_to_local" | "datetime_local_to_utc" => {
            native(super::numbers::convert_zone(arg(0)?, to_text(&args[1])?, f.name == "datetime_utc_to_local"))
        }
        "around" => {
            let (x, c, d) = if args[0].ty == T::DateTime {
                (nanos(arg(0)?), nanos(arg(1)?), nanos(arg(2)?))
            } else {
                (arg(0)?.cast(DataType::Float64), arg(1)?.cast(DataType::Float64), arg(2)?.cast(DataType::Float64))
            };
            native(x.is_between(c.clone() - d.clone(), c + d, ClosedInterval::Both))
        }
        "unicode_codepoints_from_string" | "unicode_codepoints_to_string" => {
            use super::rowwise::{map_rows, text, Out};
            let from = f.name == "unicode_codepoints_from_string";
            let input = if from { to_text(&args[0])? } else { dynamic::to_json_text(&args[0])? };
            native(map_rows(vec![input], ty, move |c| {
                let s = text(&c[0])?;
                Some(Out::Text(if from {
                    serde_json::Value::from(s.chars().map(|ch| ch as u32).collect::<Vec<_>>()).to_string()
                } else {
                    let codes: Vec<u32> = serde_json::from_str(s).ok()?;
                    codes.into_iter().map(char::from_u32).collect::<Option<String>>()?
                }))
            }))
        }
        "parse_ipv4_mask" => native(super::ipv4::parse_mask(to_text(&args[0])?, arg(1)?)),
        "acos" | "asin" | "atan" | "cos" | "sin" | "tan" | "cot" | "exp2" | "exp10" | "degrees" | "radians" | "erf" | "erfc" | "gamma"
        | "loggamma" => native(
            super::numbers::real_fn(f.name, arg(0)?).ok_or_else(|| Error::unsupported(call.span, format!("the function `{}`", f.name)))?,
        ),
        "array_index_of" | "array_reverse" | "array_rotate_left" | "array_rotate_right" | "array_shift_left" | "array_shift_right"
        | "array_sort_asc" | "array_sort_desc" | "array_iff" | "array_iif" | "array_split" | "array_sum" | "bag_has_key" | "bag_merge"
        | "bag_remove_keys" | "bag_set_key" | "bag_zip" | "zip" | "set_difference" | "set_has_element" | "set_equals" | "jaccard_index"
        | "dynamic_to_json" | "repeat" | "dcount_hll" | "percentile_tdigest" | "range" => {
            let values = args.iter().map(dynamic::to_json_text).collect::<Result<Vec<_>>>()?;
            let out = super::arrays::lower(f.name, values, ty);
            native(if ty == T::String { out.fill_null(lit("")) } else { out })
        }
        // Every registered series function (series_stats and series_fit_line are spread
        // into their dynamic forms before lowering).
        name if name.starts_with("series_") => {
            let values = args.iter().map(dynamic::to_json_text).collect::<Result<Vec<_>>>()?;
            native(super::series::lower(f.name, values, ty))
        }
        other => return Err(Error::unsupported(call.span, format!("the function `{other}` in this position"))),
    })
}

/// The capture groups `extract_all` selects: indexes from 1, or group names.
fn capture_groups(list: &TExpr, re: &regex::Regex) -> Result<Vec<usize>> {
    let Some(Literal::Dynamic(serde_json::Value::Array(items))) = list.as_literal() else {
        return Err(Error::unsupported(list.span, "capture groups that are not a dynamic([...]) constant"));
    };
    let count = re.captures_len() - 1;
    items
        .iter()
        .map(|g| {
            let index = match g {
                serde_json::Value::String(name) => re.capture_names().position(|n| n == Some(name.as_str())),
                other => other.as_u64().and_then(|n| usize::try_from(n).ok()),
            };
            index.filter(|i| (1..=count).contains(i)).ok_or_else(|| {
                Error::semantic(list.span, format!("`{g}` is not a capture group of the regular expression (it has {count})"))
            })
        })
        .collect()
}

/// The optional restart condition of a window function.
fn restart(a: Option<&TExpr>) -> Result<Option<Expr>> {
    a.map(super::scalar::lower_predicate).transpose()
}

fn all_args(args: &[TExpr]) -> Result<Vec<Expr>> {
    args.iter().map(lower_expr).collect()
}

/// Constant string arguments, with dynamic arrays of strings flattened
/// (`has_any_ipv4(text, dynamic(['10.0.0.1', '10.0.0.2']))`).
fn constant_strings(args: &[TExpr]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        match a.as_literal() {
            Some(Literal::String(s)) => out.push(s.clone()),
            Some(Literal::Dynamic(serde_json::Value::Array(items))) => {
                out.extend(items.iter().filter_map(|v| v.as_str().map(str::to_string)));
            }
            _ => {
                return Err(Error::unsupported(a.span, "a non-constant list here")
                    .with_help("give the values as string literals or a dynamic([...]) literal"))
            }
        }
    }
    Ok(out)
}

/// `gettype(x)`: the static type's name, or for a dynamic value the type of what it
/// holds (gettype-function.md: `int` for a small whole number, `dictionary` for a bag).
fn gettype(x: &TExpr) -> Result<Expr> {
    if x.ty != T::Dynamic {
        return Ok(lit(x.ty.name()));
    }
    use super::rowwise::{map_rows, text, Out};
    Ok(map_rows(vec![lower_expr(x)?], T::String, |c| {
        let name = match text(&c[0]).and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()) {
            None | Some(serde_json::Value::Null) => "null",
            Some(serde_json::Value::Bool(_)) => "bool",
            Some(serde_json::Value::Number(n)) => match n.as_i64() {
                Some(i) if i32::try_from(i).is_ok() => "int",
                Some(_) => "long",
                None => "real",
            },
            Some(serde_json::Value::String(_)) => "string",
            Some(serde_json::Value::Array(_)) => "array",
            Some(serde_json::Value::Object(_)) => "dictionary",
        };
        Some(Out::Text(name.to_string()))
    }))
}

fn check_regex(pattern: &str, at: &TExpr) -> Result<()> {
    regex::Regex::new(pattern).map(|_| ()).map_err(|e| Error::semantic(at.span, format!("invalid regular expression: {e}")))
}

/// `bin(x, size)`: rounds down to a multiple of `size`.
fn bin(x: &TExpr, size: &TExpr) -> Result<Value> {
    let xe = lower_expr(x)?;
    Ok(native(match x.ty {
        T::DateTime => {
            let Some(Literal::TimeSpan(ns)) = size.as_literal() else {
                return Err(Error::unsupported(size.span, "a non-constant bin size"));
            };
            if *ns <= 0 {
                return Err(Error::semantic(size.span, "the bin size must be positive"));
            }
            bin_datetime(xe, *ns)
        }
        T::TimeSpan => {
            let Some(Literal::TimeSpan(ns)) = size.as_literal() else {
                return Err(Error::unsupported(size.span, "a non-constant bin size"));
            };
            if *ns <= 0 {
                return Err(Error::semantic(size.span, "the bin size must be positive"));
            }
            (nanos(xe).floor_div(lit(*ns)) * lit(*ns)).cast(T::TimeSpan.polars())
        }
        T::Real | T::Decimal => {
            let s = lower_expr(size)?.cast(DataType::Float64);
            (xe / s.clone()).floor() * s
        }
        _ => match size.ty {
            T::Real | T::Decimal => {
                let s = lower_expr(size)?;
                ((xe.cast(DataType::Float64) / s.clone()).floor() * s).cast(DataType::Int64)
            }
            _ => {
                let s = lower_expr(size)?.cast(DataType::Int64);
                xe.cast(DataType::Int64).floor_div(s.clone()) * s
            }
        },
    }))
}
