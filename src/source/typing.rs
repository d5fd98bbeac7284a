//! Column types for files that do not state them (CSV, CLI JSON, NDJSON), and the
//! conversion of a column of cell texts into the Polars layout of its Kusto type.
//!
//! The order of authority is: what the file says; a CSV header's ` [UTC]` zone suffix;
//! the built-in schema of the table being bound; the Log Analytics name suffixes
//! (`_s`, `_d`, `_t`, `_b`, `_g`, FORMATS.md 1.1) and `TimeGenerated`; and last, the
//! values themselves. A value that does not fit a type coming from any but the last is an
//! error naming where it is; inference never fails, it falls back to `string`.

use super::scalar::{self, DateOrder};
use crate::types::{KqlType, Schema};
use polars::prelude::*;

/// Why a column has its type; shown as help when a value does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The file's own column types (query API JSON, Parquet).
    File,
    /// A ` [zone]` suffix on a CSV header, which the portal adds to datetime columns.
    ZoneHeader,
    /// The built-in schema of the table name being bound.
    Schema,
    /// A Log Analytics custom-log name suffix such as `_d`.
    Suffix(&'static str),
    /// `TimeGenerated`, a datetime in every Log Analytics table.
    TimeGenerated,
}

impl Origin {
    pub(crate) fn explain(&self, ty: KqlType) -> String {
        match self {
            Origin::File => format!("the file declares this column {ty}"),
            Origin::ZoneHeader => "the header's [zone] suffix marks a datetime column".to_string(),
            Origin::Schema => format!("the built-in schema of this table types the column {ty}"),
            Origin::Suffix(s) => {
                format!("a Log Analytics column whose name ends in `{s}` is {ty}; rename the column if it is not")
            }
            Origin::TimeGenerated => "TimeGenerated is a datetime in every Log Analytics table".to_string(),
        }
    }
}

/// Prefixes Kusto gives aggregate result columns (`sum_X`, `dcount_X`, `make_set_X`):
/// behind them the name suffix describes the input, not the result, so it is ignored.
const AGGREGATE_PREFIXES: &[&str] = &[
    "count_",
    "countif_",
    "dcount_",
    "dcountif_",
    "sum_",
    "sumif_",
    "avg_",
    "avgif_",
    "min_",
    "max_",
    "minif_",
    "maxif_",
    "any_",
    "take_any_",
    "arg_max_",
    "arg_min_",
    "make_set_",
    "make_list_",
    "make_bag_",
    "percentile_",
    "percentiles_",
    "stdev_",
    "stdevif_",
    "stdevp_",
    "variance_",
    "varianceif_",
    "variancep_",
    "hll_",
    "tdigest_",
];

/// The type a column must have before looking at its values, if anything says so.
pub(crate) fn declared_type(name: &str, schema: Option<&Schema>) -> Option<(KqlType, Origin)> {
    if let Some(ty) = schema.and_then(|s| s.get(name)) {
        return Some((ty, Origin::Schema));
    }
    if name == "TimeGenerated" {
        return Some((KqlType::DateTime, Origin::TimeGenerated));
    }
    if AGGREGATE_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return None;
    }
    let (suffix, ty) =
        [("_s", KqlType::String), ("_d", KqlType::Real), ("_t", KqlType::DateTime), ("_b", KqlType::Bool), ("_g", KqlType::Guid)]
            .into_iter()
            .find(|(s, _)| name.len() > s.len() && name.ends_with(s))?;
    Some((ty, Origin::Suffix(suffix)))
}

/// The first cell that is not a value of the column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadCell {
    /// Zero-based data row.
    pub row: usize,
    pub text: String,
}

fn is_blank(v: Option<&str>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

/// Converts cell texts to `ty`; blank cells are null (an empty string for `string`, which
/// the caller fills). `utc_offset_ns` is the zone of a CSV header, subtracted from datetimes.
pub(crate) fn convert_text(ca: &StringChunked, ty: KqlType, utc_offset_ns: i64) -> Result<Series, BadCell> {
    let name = ca.name().clone();
    let series = match ty {
        KqlType::String => ca.clone().into_series(),
        KqlType::Int | KqlType::Long | KqlType::Real | KqlType::Decimal => cast_numbers(ca, ty)?,
        KqlType::Bool => {
            let out: BooleanChunked = map_cells(ca, |s| scalar::parse_bool(s, true))?;
            out.with_name(name).into_series()
        }
        KqlType::DateTime => {
            let nanos = convert_datetimes(ca, utc_offset_ns)?;
            nanos.with_name(name).into_datetime(TimeUnit::Nanoseconds, None).into_series()
        }
        KqlType::TimeSpan => {
            let out: Int64Chunked = map_cells(ca, |s| scalar::parse_timespan(s).map(|t| t.nanos))?;
            out.with_name(name).into_duration(TimeUnit::Nanoseconds).into_series()
        }
        // Exports normally hold canonical GUIDs already: keep the column as it is then.
        KqlType::Guid if ca.iter().all(|v| v.is_none_or(scalar::is_canonical_guid)) => ca.clone().into_series(),
        KqlType::Guid => {
            let out: StringChunked = map_cells(ca, scalar::parse_guid)?;
            out.with_name(name).into_series()
        }
        KqlType::Dynamic => {
            let out: StringChunked = ca.iter().map(|v| v.and_then(scalar::text_to_dynamic)).collect();
            out.with_name(name).into_series()
        }
    };
    Ok(series)
}

/// Applies `parse` to every non-blank cell, stopping at the first it rejects.
fn map_cells<T, C>(ca: &StringChunked, parse: impl Fn(&str) -> Option<T>) -> Result<C, BadCell>
where
    C: FromIterator<Option<T>>,
{
    let mut bad: Option<BadCell> = None;
    let out: C = ca
        .iter()
        .enumerate()
        .map(|(row, v)| match v {
            _ if bad.is_some() => None,
            Some(s) if !s.trim().is_empty() => {
                let parsed = parse(s);
                if parsed.is_none() {
                    bad = Some(BadCell { row, text: s.to_string() });
                }
                parsed
            }
            _ => None,
        })
        .collect();
    match bad {
        Some(b) => Err(b),
        None => Ok(out),
    }
}

/// Numbers go through Polars' own string cast, much faster than a per-cell parse. It is
/// strict about spelling, so when it leaves a non-blank cell null the column is parsed
/// again cell by cell, which also accepts padding and .NET's `Infinity` and finds the
/// first cell that really is bad.
fn cast_numbers(ca: &StringChunked, ty: KqlType) -> Result<Series, BadCell> {
    let source = ca.clone().into_series();
    let Ok(cast) = source.cast(&ty.polars()) else {
        return convert_numbers_slowly(ca, ty);
    };
    if cast.null_count() > source.null_count() {
        let is_null = cast.is_null();
        let lost = ca.iter().zip(is_null.iter()).any(|(text, null)| null == Some(true) && !is_blank(text));
        if lost {
            return convert_numbers_slowly(ca, ty);
        }
    }
    Ok(cast)
}

fn convert_numbers_slowly(ca: &StringChunked, ty: KqlType) -> Result<Series, BadCell> {
    let name = ca.name().clone();
    Ok(match ty {
        KqlType::Int => map_cells::<i32, Int32Chunked>(ca, |s| s.trim().parse().ok())?.with_name(name).into_series(),
        KqlType::Long => map_cells::<i64, Int64Chunked>(ca, |s| s.trim().parse().ok())?.with_name(name).into_series(),
        _ => map_cells::<f64, Float64Chunked>(ca, parse_real)?.with_name(name).into_series(),
    })
}

/// A real in any spelling Kusto or .NET writes, including `NaN` and `Infinity`.
pub(crate) fn parse_real(text: &str) -> Option<f64> {
    match text.trim() {
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse::<f64>().ok(),
    }
}

/// Month-first is tried first (the portal's en-US form); a column that only makes sense
/// day-first (`25/05/2023`) is read that way as a whole, never mixed.
fn convert_datetimes(ca: &StringChunked, utc_offset_ns: i64) -> Result<Int64Chunked, BadCell> {
    let parse = |order| move |s: &str| scalar::parse_datetime(s, order).and_then(|p| p.nanos.checked_sub(utc_offset_ns));
    match map_cells(ca, parse(DateOrder::MonthFirst)) {
        Ok(out) => Ok(out),
        Err(bad) if scalar::parse_datetime(&bad.text, DateOrder::DayFirst).is_some() => {
            map_cells(ca, parse(DateOrder::DayFirst)).map_err(|_| bad)
        }
        Err(bad) => Err(bad),
    }
}

/// Guesses a column's type from its texts and converts it: long, real, ISO datetime,
/// timespan, bool, dynamic (all arrays or bags), else string. Blank cells say nothing.
pub(crate) fn infer_and_convert(ca: &StringChunked) -> (KqlType, Series) {
    let Some(first) = ca.iter().flatten().map(str::trim).find(|s| !s.is_empty()) else {
        return (KqlType::String, ca.clone().into_series());
    };
    let mut candidates = Vec::new();
    if first.parse::<i64>().is_ok() {
        candidates.push(KqlType::Long);
    }
    if parse_real(first).is_some() {
        candidates.push(KqlType::Real);
    }
    if scalar::parse_datetime(first, DateOrder::MonthFirst).is_some_and(|p| p.iso_with_time) {
        candidates.push(KqlType::DateTime);
    }
    if scalar::parse_timespan(first).is_some_and(|t| t.kusto_form) {
        candidates.push(KqlType::TimeSpan);
    }
    if scalar::parse_bool(first, false).is_some() {
        candidates.push(KqlType::Bool);
    }
    if first.starts_with(['[', '{']) {
        candidates.push(KqlType::Dynamic);
    }
    for ty in candidates {
        if !fits_inferred(ca, ty) {
            continue;
        }
        if let Ok(series) = convert_text(ca, ty, 0) {
            return (ty, series);
        }
    }
    (KqlType::String, ca.clone().into_series())
}

/// Inference is stricter than a declared type: datetimes must be ISO with a time of day,
/// timespans in Kusto's own form, dynamic values arrays or bags (not any JSON text).
fn fits_inferred(ca: &StringChunked, ty: KqlType) -> bool {
    let all = |f: &dyn Fn(&str) -> bool| ca.iter().flatten().map(str::trim).filter(|s| !s.is_empty()).all(f);
    match ty {
        KqlType::DateTime => all(&|s| scalar::parse_datetime(s, DateOrder::MonthFirst).is_some_and(|p| p.iso_with_time)),
        KqlType::TimeSpan => all(&|s| scalar::parse_timespan(s).is_some_and(|t| t.kusto_form)),
        KqlType::Bool => all(&|s| scalar::parse_bool(s, false).is_some()),
        KqlType::Dynamic => all(&|s| s.starts_with(['[', '{']) && scalar::compact_json(s).is_some()),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[Option<&str>]) -> StringChunked {
        StringChunked::from_iter_options("c".into(), values.iter().copied())
    }

    #[test]
    fn declared_types_follow_the_log_analytics_rules() {
        assert_eq!(declared_type("DestPort_d", None).map(|d| d.0), Some(KqlType::Real));
        assert_eq!(declared_type("FlowStartTime_t", None).map(|d| d.0), Some(KqlType::DateTime));
        assert_eq!(declared_type("Subscription1_g", None).map(|d| d.0), Some(KqlType::Guid));
        assert_eq!(declared_type("IsFlowCapturedAtUDRHop_b", None).map(|d| d.0), Some(KqlType::Bool));
        assert_eq!(declared_type("FlowType_s", None).map(|d| d.0), Some(KqlType::String));
        assert_eq!(declared_type("TimeGenerated", None).map(|d| d.0), Some(KqlType::DateTime));
        assert_eq!(declared_type("dcount_SrcIP_s", None), None);
        assert_eq!(declared_type("make_set_DestPort_d", None), None);
        assert_eq!(declared_type("_d", None), None);
        let schema = Schema::new(vec![("DestPort".into(), KqlType::Int)]);
        assert_eq!(declared_type("DestPort", Some(&schema)), Some((KqlType::Int, Origin::Schema)));
    }

    #[test]
    fn inference_picks_the_narrowest_type() {
        let t = |v: &[Option<&str>]| infer_and_convert(&texts(v)).0;
        assert_eq!(t(&[Some("1"), None, Some("-20")]), KqlType::Long);
        assert_eq!(t(&[Some("1"), Some("2.5")]), KqlType::Real);
        assert_eq!(t(&[Some("2024-05-03T11:07:12Z"), Some("")]), KqlType::DateTime);
        assert_eq!(t(&[Some("2024-05-03")]), KqlType::String);
        assert_eq!(t(&[Some("00:30:00"), Some("1.00:00:00")]), KqlType::TimeSpan);
        assert_eq!(t(&[Some("12:30")]), KqlType::String);
        assert_eq!(t(&[Some("True"), Some("false")]), KqlType::Bool);
        assert_eq!(t(&[Some("0"), Some("1")]), KqlType::Long);
        assert_eq!(t(&[Some("[1,2]"), Some("{\"a\":1}")]), KqlType::Dynamic);
        assert_eq!(t(&[Some("[1,2]"), Some("x")]), KqlType::String);
        assert_eq!(t(&[Some("1"), Some("x")]), KqlType::String);
        assert_eq!(t(&[None, None]), KqlType::String);
    }

    #[test]
    fn bad_value_is_reported_with_its_row() {
        let ca = texts(&[Some("1.5"), None, Some("abc"), Some("x")]);
        assert_eq!(convert_text(&ca, KqlType::Real, 0).err(), Some(BadCell { row: 2, text: "abc".into() }));
        let ca = texts(&[Some("2024-05-03T11:07:12Z"), Some("2024-05-03T99:00:00Z")]);
        assert_eq!(convert_text(&ca, KqlType::DateTime, 0).err().map(|b| b.row), Some(1));
    }

    #[test]
    fn padded_numbers_are_read() -> Result<(), BadCell> {
        let ca = texts(&[Some(" 443"), Some("80 ")]);
        let s = convert_text(&ca, KqlType::Long, 0)?;
        let v: Vec<Option<i64>> = s.i64().map_err(|_| BadCell { row: 0, text: String::new() })?.iter().collect();
        assert_eq!(v, vec![Some(443), Some(80)]);
        let ca = texts(&[Some("3000000000")]);
        assert_eq!(convert_text(&ca, KqlType::Int, 0).err().map(|b| b.row), Some(0));
        Ok(())
    }

    #[test]
    fn reals_in_kusto_spellings() -> Result<(), BadCell> {
        let ca = texts(&[Some("1E+15"), Some("NaN"), Some("-Infinity"), Some("0.5"), Some("")]);
        let s = convert_text(&ca, KqlType::Real, 0)?;
        let v: Vec<Option<f64>> = s.f64().map_err(|_| BadCell { row: 0, text: String::new() })?.iter().collect();
        assert_eq!(v[0], Some(1e15));
        assert!(v[1].is_some_and(f64::is_nan));
        assert_eq!(v[2], Some(f64::NEG_INFINITY));
        assert_eq!(v[3], Some(0.5));
        assert_eq!(v[4], None);
        Ok(())
    }

    #[test]
    fn day_first_column_is_read_day_first() -> Result<(), BadCell> {
        let ca = texts(&[Some("02/05/2023 10:00:00"), Some("25/05/2023 10:00:00")]);
        let s = convert_text(&ca, KqlType::DateTime, 0)?;
        let phys = s.to_physical_repr();
        let v: Vec<Option<i64>> = phys.i64().map_err(|_| BadCell { row: 0, text: String::new() })?.iter().collect();
        // 2023-05-02 is day 19479 after the epoch; 10:00 adds 36000 s.
        assert_eq!(v[0], Some((19_479 * 86_400 + 36_000) * 1_000_000_000));
        Ok(())
    }

    #[test]
    fn zone_offset_is_subtracted() -> Result<(), BadCell> {
        let ca = texts(&[Some("1970-01-01 02:00:00")]);
        let s = convert_text(&ca, KqlType::DateTime, 2 * 3_600_000_000_000)?;
        let phys = s.to_physical_repr();
        assert_eq!(phys.i64().ok().and_then(|c| c.get(0)), Some(0));
        Ok(())
    }
}
