//! Kusto's text forms of datetime and timespan values, shared by dynamic literals,
//! `tostring()` and the output writers.

use super::ast::Literal;
use super::lex::NANOS_PER_SEC;
use serde_json::Value;

/// `[-][d.]hh:mm:ss[.fffffff]`, Kusto's timespan text (7 fraction digits, 100 ns ticks).
pub fn timespan(nanos: i64) -> String {
    let neg = nanos < 0;
    let n = nanos.unsigned_abs();
    let ticks = n / 100;
    let total_secs = n / NANOS_PER_SEC as u64;
    let frac = ticks % 10_000_000;
    let days = total_secs / 86_400;
    let h = (total_secs / 3600) % 24;
    let m = (total_secs / 60) % 60;
    let s = total_secs % 60;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if days > 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

/// ISO 8601 UTC with `Z`; the fraction (up to 7 digits) only when non-zero.
pub fn datetime(nanos: i64) -> String {
    let secs = nanos.div_euclid(NANOS_PER_SEC);
    let sub = nanos.rem_euclid(NANOS_PER_SEC) as u32;
    let Some(dt) = chrono::DateTime::from_timestamp(secs, sub) else {
        return String::new();
    };
    let mut out = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
    let ticks = sub / 100;
    if ticks > 0 {
        let frac = format!("{ticks:07}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// A literal as a JSON value inside `dynamic`: values JSON cannot hold become strings.
pub fn literal_to_json(lit: &Literal) -> Value {
    match lit {
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(n) => Value::from(*n),
        Literal::Long(n) => Value::from(*n),
        Literal::Real(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Literal::String(s) | Literal::Guid(s) => Value::String(s.clone()),
        Literal::DateTime(ns) => Value::String(datetime(*ns)),
        Literal::TimeSpan(ns) => Value::String(timespan(*ns)),
        Literal::Dynamic(v) => v.clone(),
        Literal::Null(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespan_forms_follow_kusto() {
        assert_eq!(timespan(86_400 * NANOS_PER_SEC), "1.00:00:00");
        assert_eq!(timespan(30 * 60 * NANOS_PER_SEC), "00:30:00");
        assert_eq!(timespan(100_000_000), "00:00:00.1000000");
        assert_eq!(timespan(-90 * NANOS_PER_SEC), "-00:01:30");
    }

    #[test]
    fn datetime_trims_fraction() {
        assert_eq!(datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            datetime(1_668_297_600 * NANOS_PER_SEC + 500_000_000),
            "2022-11-13T00:00:00.5Z"
        );
    }
}
