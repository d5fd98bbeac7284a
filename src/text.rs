//! The text form of every Kusto value: what CSV cells, the terminal table, chart labels
//! and reports print. One place, so all outputs agree.
//!
//! Choices, and where they come from:
//! - datetime: ISO 8601 UTC with `Z`, e.g. `2024-05-03T11:07:12Z`; a fraction only when
//!   non-zero, trailing zeros trimmed, at most 7 digits (Kusto keeps 100 ns ticks), as the
//!   Log Analytics query API writes them (`2020-10-15T00:00:00.247Z`, FORMATS.md 7.1).
//! - timespan: .NET's constant ("c") form `[-][d.]hh:mm:ss[.fffffff]`, which Kusto prints
//!   (`1.00:00:00`, `00:30:00`, `00:00:01.5000000`): days only when non-zero, a fraction
//!   only when non-zero and then always 7 digits (.NET `TimeSpan.ToString()` docs).
//! - real: the shortest text that reads back as the same double, laid out as .NET Core
//!   3.0+ `Double.ToString()` does, which is what Kusto's `tostring()` and exports show: an
//!   integral value has no `.0` (`443`), scientific notation only for decimal exponents
//!   below -4 or above 14 (`1E+15`, `1E-05`), and `NaN`, `Infinity`, `-Infinity`.
//!   (That exact threshold is .NET's; Kusto's own documentation does not spell it out.)
//! - bool `true`/`false` (Kusto's `tostring(true)`); guid lower case; null empty.
//! - dynamic: as `tostring()` prints it: a string value bare, anything else compact JSON.

use crate::types::KqlType;
use chrono::DateTime;
use polars::prelude::{AnyValue, TimeUnit};
use std::borrow::Cow;

/// Formats a datetime given in nanoseconds since the Unix epoch (UTC).
pub fn format_datetime(nanos: i64) -> String {
    let seconds = nanos.div_euclid(1_000_000_000);
    let ticks = nanos.rem_euclid(1_000_000_000) / 100;
    let Some(instant) = DateTime::from_timestamp(seconds, 0) else {
        return nanos.to_string();
    };
    let mut out = instant.format("%Y-%m-%dT%H:%M:%S").to_string();
    if ticks > 0 {
        let fraction = format!("{ticks:07}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// A datetime inside a dynamic value, as Kusto serializes it there: always seven fraction
/// digits (`2017-01-01T00:00:00.0000000Z`, as make-series-operator.md's output shows).
pub fn format_datetime_in_dynamic(nanos: i64) -> String {
    let seconds = nanos.div_euclid(1_000_000_000);
    let ticks = nanos.rem_euclid(1_000_000_000) / 100;
    match DateTime::from_timestamp(seconds, 0) {
        Some(instant) => format!("{}.{ticks:07}Z", instant.format("%Y-%m-%dT%H:%M:%S")),
        None => nanos.to_string(),
    }
}

/// Formats a timespan given in nanoseconds; sub-tick nanoseconds are dropped.
pub fn format_timespan(nanos: i64) -> String {
    let negative = nanos < 0;
    let ticks = nanos.unsigned_abs() / 100;
    let fraction = ticks % 10_000_000;
    let total_seconds = ticks / 10_000_000;
    let (days, hours) = (total_seconds / 86_400, total_seconds / 3_600 % 24);
    let (minutes, seconds) = (total_seconds / 60 % 60, total_seconds % 60);
    let mut out = String::with_capacity(20);
    if negative {
        out.push('-');
    }
    if days > 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{hours:02}:{minutes:02}:{seconds:02}"));
    if fraction > 0 {
        out.push_str(&format!(".{fraction:07}"));
    }
    out
}

/// Formats a real as Kusto prints it (see the module notes).
pub fn format_real(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `4.43e2`, `-1.5e-7`.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if (-5 < exponent) && (exponent < 15) {
        if exponent >= 0 {
            let int_len = exponent as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!("E{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs()));
    }
    out
}

/// A dynamic value (compact JSON text) as `tostring()` prints it: a JSON string without
/// its quotes and escapes, anything else as it is.
pub fn format_dynamic(json: &str) -> Cow<'_, str> {
    if json.starts_with('"') {
        if let Ok(s) = serde_json::from_str::<String>(json) {
            return Cow::Owned(s);
        }
    }
    Cow::Borrowed(json)
}

/// One value as text, given the Kusto type of its column; null is the empty string.
pub fn format_value(value: &AnyValue, ty: KqlType) -> String {
    let scale = |tu: &TimeUnit| match tu {
        TimeUnit::Nanoseconds => 1,
        TimeUnit::Microseconds => 1_000,
        TimeUnit::Milliseconds => 1_000_000,
    };
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::Float64(f) => format_real(*f),
        AnyValue::Float32(f) => format_real(f64::from(*f)),
        AnyValue::Datetime(v, tu, _) | AnyValue::DatetimeOwned(v, tu, _) => format_datetime(v.saturating_mul(scale(tu))),
        AnyValue::Duration(v, tu) => format_timespan(v.saturating_mul(scale(tu))),
        AnyValue::String(s) => text_value(s, ty),
        AnyValue::StringOwned(s) => text_value(s.as_str(), ty),
        other => match (ty, other.extract::<i64>()) {
            (KqlType::DateTime, Some(v)) => format_datetime(v),
            (KqlType::TimeSpan, Some(v)) => format_timespan(v),
            (KqlType::Real | KqlType::Decimal, _) => other.extract::<f64>().map(format_real).unwrap_or_default(),
            (_, Some(v)) => v.to_string(),
            (_, None) => other.to_string(),
        },
    }
}

fn text_value(s: &str, ty: KqlType) -> String {
    match ty {
        KqlType::Dynamic => format_dynamic(s).into_owned(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_trim_their_fraction() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00Z");
        // 2024-05-03T11:07:12Z: 19846 days after the epoch, plus 11:07:12.
        let base = (19_846 * 86_400 + 11 * 3600 + 7 * 60 + 12) * 1_000_000_000i64;
        assert_eq!(format_datetime(base), "2024-05-03T11:07:12Z");
        assert_eq!(format_datetime(base + 247_000_000), "2024-05-03T11:07:12.247Z");
        assert_eq!(format_datetime(base + 100), "2024-05-03T11:07:12.0000001Z");
        assert_eq!(format_datetime(base + 99), "2024-05-03T11:07:12Z");
        assert_eq!(format_datetime(-100_000_000), "1969-12-31T23:59:59.9Z");
    }

    #[test]
    fn timespans_in_dotnet_constant_form() {
        let s = 1_000_000_000i64;
        assert_eq!(format_timespan(86_400 * s), "1.00:00:00");
        assert_eq!(format_timespan(30 * 60 * s), "00:30:00");
        assert_eq!(format_timespan(s / 10), "00:00:00.1000000");
        assert_eq!(format_timespan(-(93_784 * s + s / 2)), "-1.02:03:04.5000000");
        assert_eq!(format_timespan(0), "00:00:00");
        assert_eq!(format_timespan(100), "00:00:00.0000001");
    }

    #[test]
    fn reals_as_dotnet_prints_them() {
        let cases = [
            (443.0, "443"),
            (0.5, "0.5"),
            (-2.25, "-2.25"),
            (1048576.0, "1048576"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e14, "100000000000000"),
            (1e15, "1E+15"),
            (1.5e20, "1.5E+20"),
            (0.0001, "0.0001"),
            (0.00001, "1E-05"),
            (-1.25e-7, "-1.25E-07"),
            (1e100, "1E+100"),
            (123456.789, "123456.789"),
            (0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (v, want) in cases {
            assert_eq!(format_real(v), want, "{v:e}");
        }
    }

    #[test]
    fn dynamic_strings_print_bare() {
        assert_eq!(format_dynamic("\"a\\\"b\""), "a\"b");
        assert_eq!(format_dynamic("[1,\"x\"]"), "[1,\"x\"]");
        assert_eq!(format_dynamic("5"), "5");
    }

    #[test]
    fn any_values() {
        assert_eq!(format_value(&AnyValue::Null, KqlType::Long), "");
        assert_eq!(format_value(&AnyValue::Boolean(true), KqlType::Bool), "true");
        assert_eq!(format_value(&AnyValue::Int32(-7), KqlType::Int), "-7");
        assert_eq!(format_value(&AnyValue::Float64(443.0), KqlType::Real), "443");
        assert_eq!(format_value(&AnyValue::Duration(90, TimeUnit::Microseconds), KqlType::TimeSpan), "00:00:00.0000900");
        assert_eq!(format_value(&AnyValue::Datetime(1_000, TimeUnit::Milliseconds, None), KqlType::DateTime), "1970-01-01T00:00:01Z");
        assert_eq!(format_value(&AnyValue::String("\"x\""), KqlType::Dynamic), "x");
        assert_eq!(format_value(&AnyValue::String("\"x\""), KqlType::String), "\"x\"");
    }
}
