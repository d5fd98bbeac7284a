//! Row-at-a-time kernels for the long tail of scalar functions: the arguments' cells of
//! each row go to a plain Rust function, whose result becomes a column of the call's
//! Kusto type. Hot functions get column kernels of their own; this is for the rest.

use crate::types::KqlType;
use polars::prelude::*;

/// One result cell.
pub(super) enum Out {
    Bool(bool),
    Long(i64),
    Real(f64),
    Text(String),
    /// Nanoseconds: a datetime since 1970 or a timespan, by the call's type.
    Nanos(i64),
}

/// A cell's text, for string, guid and dynamic (JSON text) arguments.
pub(super) fn text<'a>(v: &'a AnyValue<'a>) -> Option<&'a str> {
    match v {
        AnyValue::String(s) => Some(s),
        AnyValue::StringOwned(s) => Some(s.as_str()),
        _ => None,
    }
}

/// A cell as a whole number (int, long, or a real truncated toward zero).
pub(super) fn long(v: &AnyValue) -> Option<i64> {
    match v {
        AnyValue::Int32(n) => Some(*n as i64),
        AnyValue::Int64(n) => Some(*n),
        AnyValue::Float64(f) if f.is_finite() => Some(f.trunc() as i64),
        AnyValue::Boolean(b) => Some(*b as i64),
        _ => None,
    }
}

/// A cell as a real number.
pub(super) fn real(v: &AnyValue) -> Option<f64> {
    match v {
        AnyValue::Int32(n) => Some(*n as f64),
        AnyValue::Int64(n) => Some(*n as f64),
        AnyValue::Float64(f) => Some(*f),
        _ => None,
    }
}

/// A datetime or timespan cell as nanoseconds.
pub(super) fn nanos(v: &AnyValue) -> Option<i64> {
    match v {
        AnyValue::Datetime(ns, _, _) | AnyValue::DatetimeOwned(ns, _, _) | AnyValue::Duration(ns, _) => Some(*ns),
        _ => None,
    }
}

/// Applies `f` to the cells of each row of `args` (a one-row argument, such as a
/// literal, is repeated); `None` is a null cell of the result type `ty`.
pub(super) fn map_rows(args: Vec<Expr>, ty: KqlType, f: impl Fn(&[AnyValue]) -> Option<Out> + Send + Sync + 'static) -> Expr {
    // Without arguments, one row of a placeholder carries the call (`new_guid()`).
    let no_args = args.is_empty();
    let mut args = args.into_iter();
    let first = args.next().unwrap_or_else(|| lit(0i32));
    let rest: Vec<Expr> = args.collect();
    let dtype = physical(ty);
    let out_dtype = dtype.clone();
    let out = first
        .map_many(
            move |cols| {
                let height = cols.iter().map(|c| c.len()).max().unwrap_or(0);
                let mut cells: Vec<AnyValue> = Vec::with_capacity(cols.len());
                let mut results: Vec<Option<Out>> = Vec::with_capacity(height);
                for row in 0..height {
                    cells.clear();
                    for c in cols.iter().filter(|_| !no_args) {
                        let i = if c.len() == 1 { 0 } else { row };
                        cells.push(c.get(i).unwrap_or(AnyValue::Null));
                    }
                    results.push(if no_args { f(&[]) } else { f(&cells) });
                }
                Ok(collect(results, &dtype).into_column())
            },
            &rest,
            move |_, fields| Ok(Field::new(fields[0].name().clone(), out_dtype.clone())),
        )
        .cast(ty.polars());
    // Strings are never null in Kusto.
    if ty == KqlType::String {
        out.fill_null(lit(""))
    } else {
        out
    }
}

/// The column type results are gathered in before the final cast to `ty`'s layout.
fn physical(ty: KqlType) -> DataType {
    match ty {
        KqlType::Bool => DataType::Boolean,
        KqlType::Int | KqlType::Long | KqlType::DateTime | KqlType::TimeSpan => DataType::Int64,
        KqlType::Real | KqlType::Decimal => DataType::Float64,
        KqlType::String | KqlType::Guid | KqlType::Dynamic => DataType::String,
    }
}

fn collect(results: Vec<Option<Out>>, dtype: &DataType) -> Series {
    let name = PlSmallStr::EMPTY;
    match dtype {
        DataType::Boolean => BooleanChunked::from_iter_options(
            name,
            results.into_iter().map(|o| o.and_then(|v| if let Out::Bool(b) = v { Some(b) } else { None })),
        )
        .into_series(),
        DataType::Int64 => Int64Chunked::from_iter_options(
            name,
            results.into_iter().map(|o| match o {
                Some(Out::Long(n) | Out::Nanos(n)) => Some(n),
                _ => None,
            }),
        )
        .into_series(),
        DataType::Float64 => Float64Chunked::from_iter_options(
            name,
            results.into_iter().map(|o| match o {
                Some(Out::Real(x)) => Some(x),
                Some(Out::Long(n)) => Some(n as f64),
                _ => None,
            }),
        )
        .into_series(),
        _ => StringChunked::from_iter_options(name, results.into_iter().map(|o| if let Some(Out::Text(s)) = o { Some(s) } else { None }))
            .into_series(),
    }
}
