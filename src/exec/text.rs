//! Text forms of values (`tostring`, `strcat`, string operators on non-strings) and
//! parsing text back into datetimes and timespans, as column-at-a-time UDFs.

use super::dynamic;
use super::scalar::{lower, Repr};
use crate::error::Result;
use crate::plan::TExpr;
use crate::syntax::lex::{parse_datetime_text, parse_timespan_text};
use crate::types::KqlType;
use polars::prelude::*;

/// The value of `e` as a string column (Kusto's `tostring`): never null.
pub(super) fn to_text(e: &TExpr) -> Result<Expr> {
    let v = lower(e)?;
    Ok(match (e.ty, v.repr) {
        (KqlType::String | KqlType::Guid, _) => v.expr,
        (KqlType::Dynamic, Repr::PlainString) => v.expr.fill_null(lit("")),
        (KqlType::Dynamic, Repr::StringList) => dynamic::string_list_to_json(v.expr),
        (KqlType::Dynamic, Repr::OneElement) => dynamic::one_element_to_json(v.expr),
        (KqlType::Dynamic, Repr::Native) => dynamic::json_to_text(v.expr).fill_null(lit("")),
        (KqlType::Bool, _) => when(v.expr.clone().is_null()).then(lit("")).when(v.expr).then(lit("true")).otherwise(lit("false")),
        (KqlType::Int | KqlType::Long, _) => v.expr.cast(DataType::String).fill_null(lit("")),
        (KqlType::Real | KqlType::Decimal, _) => map_text(v.expr, |c| {
            let ca = c.f64()?;
            Ok(ca.iter().map(|o| o.map(crate::text::format_real).unwrap_or_default()).collect::<StringChunked>().into_column())
        }),
        (KqlType::DateTime, _) => map_text(v.expr.cast(DataType::Int64), |c| {
            let ca = c.i64()?;
            Ok(ca.iter().map(|o| o.map(crate::text::format_datetime).unwrap_or_default()).collect::<StringChunked>().into_column())
        }),
        (KqlType::TimeSpan, _) => map_text(v.expr.cast(DataType::Int64), |c| {
            let ca = c.i64()?;
            Ok(ca.iter().map(|o| o.map(crate::text::format_timespan).unwrap_or_default()).collect::<StringChunked>().into_column())
        }),
    })
}

fn map_text(e: Expr, f: impl Fn(Column) -> PolarsResult<Column> + Send + Sync + 'static) -> Expr {
    e.map(f, |_, field| Ok(Field::new(field.name().clone(), DataType::String)))
}

/// `todatetime(string)`: the forms Kusto accepts; null where the text is not a datetime.
pub(super) fn parse_datetime(e: Expr) -> Expr {
    e.map(
        |c| {
            let ca = c.str()?;
            let out: Int64Chunked = ca.iter().map(|o| o.and_then(parse_datetime_text)).collect();
            out.into_series().cast(&KqlType::DateTime.polars()).map(|s| s.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), KqlType::DateTime.polars())),
    )
}

/// `totimespan(string)`: `[d.]hh:mm:ss[.fffffff]` and unit forms; null otherwise.
pub(super) fn parse_timespan(e: Expr) -> Expr {
    e.map(
        |c| {
            let ca = c.str()?;
            let out: Int64Chunked = ca.iter().map(|o| o.and_then(parse_timespan_text)).collect();
            out.into_series().cast(&KqlType::TimeSpan.polars()).map(|s| s.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), KqlType::TimeSpan.polars())),
    )
}

/// `tobool(string)`: `true`/`false` in any case; null otherwise.
pub(super) fn parse_bool(e: Expr) -> Expr {
    let lower = e.str().to_lowercase().str().strip_chars(lit(NULL));
    when(lower.clone().eq(lit("true")))
        .then(lit(true))
        .when(lower.eq(lit("false")))
        .then(lit(false))
        .otherwise(lit(NULL).cast(DataType::Boolean))
}

/// Kusto `format_datetime` specifiers to chrono's strftime.
pub(super) fn kusto_format_to_strftime(fmt: &str) -> String {
    let tokens: [(&str, &str); 20] = [
        ("yyyy", "%Y"),
        ("yy", "%y"),
        ("MM", "%m"),
        ("M", "%-m"),
        ("dd", "%d"),
        ("d", "%-d"),
        ("HH", "%H"),
        ("H", "%-H"),
        ("hh", "%I"),
        ("h", "%-I"),
        ("mm", "%M"),
        ("m", "%-M"),
        ("ss", "%S"),
        ("s", "%-S"),
        ("tt", "%p"),
        ("fffffff", "%7f"),
        ("ffffff", "%6f"),
        ("fffff", "%5f"),
        ("ffff", "%4f"),
        ("fff", "%3f"),
    ];
    let mut out = String::new();
    let mut rest = fmt;
    'outer: while !rest.is_empty() {
        for (k, v) in tokens {
            if let Some(r) = rest.strip_prefix(k) {
                out.push_str(v);
                rest = r;
                continue 'outer;
            }
        }
        for (k, v) in [("ff", "%2f"), ("f", "%1f")] {
            if let Some(r) = rest.strip_prefix(k) {
                out.push_str(v);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == '%' {
            out.push_str("%%");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_specifiers() {
        assert_eq!(kusto_format_to_strftime("yyyy-MM-dd HH:mm:ss"), "%Y-%m-%d %H:%M:%S");
        assert_eq!(kusto_format_to_strftime("M/d/yyyy h:mm tt"), "%-m/%-d/%Y %-I:%M %p");
        assert_eq!(kusto_format_to_strftime("HH:mm:ss.fff"), "%H:%M:%S.%3f");
    }
}
