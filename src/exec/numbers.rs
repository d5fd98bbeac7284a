//! Math, bitwise and time-building functions over numbers.

use super::rowwise::{long, map_rows, nanos, real, Out};
use crate::types::KqlType;
use chrono::NaiveDate;
use polars::prelude::*;

use KqlType as T;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// A real function of one real argument (`sin`, `degrees`, ...).
pub(super) fn real_fn(name: &str, x: Expr) -> Option<Expr> {
    let f: fn(f64) -> f64 = match name {
        "acos" => f64::acos,
        "asin" => f64::asin,
        "atan" => f64::atan,
        "cos" => f64::cos,
        "sin" => f64::sin,
        "tan" => f64::tan,
        "cot" => |x| 1.0 / x.tan(),
        "exp2" => f64::exp2,
        "exp10" => |x| 10f64.powf(x),
        "degrees" => f64::to_degrees,
        "radians" => f64::to_radians,
        "erf" => libm::erf,
        "erfc" => libm::erfc,
        "gamma" => libm::tgamma,
        "loggamma" => |x| libm::lgamma_r(x).0,
        _ => return None,
    };
    Some(map_rows(vec![x], T::Real, move |c| Some(Out::Real(f(real(&c[0])?)))))
}

/// `rand()`: a real in [0, 1) per row; `rand(n)`: a whole number in [0, n).
pub(super) fn rand(rows: Expr, n: Option<Expr>) -> Expr {
    let mut args = vec![rows];
    args.extend(n);
    map_rows(args, T::Real, |c| match c.get(1) {
        None => Some(Out::Real(fastrand::f64())),
        Some(n) => Some(Out::Real(fastrand::i64(0..long(n)?.max(1)) as f64)),
    })
}

/// `datetime_utc_to_local(dt, zone)` and `datetime_local_to_utc(dt, zone)` with IANA
/// zone names (datetime-utc-to-local-function.md); null for an unknown zone. A local
/// time that falls in a daylight-saving gap or overlap takes the earlier reading.
pub(super) fn convert_zone(dt: Expr, zone: Expr, to_local: bool) -> Expr {
    use chrono::{TimeZone, Utc};
    map_rows(vec![dt, zone], T::DateTime, move |c| {
        let ns = nanos(&c[0])?;
        let tz: chrono_tz::Tz = super::rowwise::text(&c[1])?.trim().parse().ok()?;
        let instant = Utc.timestamp_nanos(ns);
        let out = if to_local {
            instant.with_timezone(&tz).naive_local().and_utc().timestamp_nanos_opt()?
        } else {
            let local = tz.from_local_datetime(&instant.naive_utc()).earliest()?;
            local.with_timezone(&Utc).timestamp_nanos_opt()?
        };
        Some(Out::Nanos(out))
    })
}

/// `atan2(y, x)`.
pub(super) fn atan2(y: Expr, x: Expr) -> Expr {
    map_rows(vec![y, x], T::Real, |c| Some(Out::Real(real(&c[0])?.atan2(real(&c[1])?))))
}

/// `binary_and`, `binary_or`, `binary_xor`, `binary_not`, `binary_shift_left`,
/// `binary_shift_right`, `bitset_count_ones`, over 64-bit values. A shift by a
/// negative or too large amount is null.
pub(super) fn bitwise(name: &str, args: Vec<Expr>) -> Expr {
    let name = name.to_string();
    map_rows(args, T::Long, move |c| {
        let a = long(&c[0])?;
        let b = || c.get(1).and_then(long);
        let shift = || b().and_then(|n| u32::try_from(n).ok()).filter(|n| *n < 64);
        Some(Out::Long(match name.as_str() {
            "binary_and" => a & b()?,
            "binary_or" => a | b()?,
            "binary_xor" => a ^ b()?,
            "binary_not" => !a,
            "binary_shift_left" => a << shift()?,
            "binary_shift_right" => a >> shift()?,
            _ => a.count_ones() as i64,
        }))
    })
}

/// `make_datetime(year, month, day, [hour, minute, [second]])`: null for a date or time
/// that does not exist (make-datetime-function.md).
pub(super) fn make_datetime(args: Vec<Expr>) -> Expr {
    map_rows(args, T::DateTime, |c| {
        let part = |i: usize| c.get(i).map_or(Some(0), long);
        let date = NaiveDate::from_ymd_opt(i32::try_from(part(0)?).ok()?, u32::try_from(part(1)?).ok()?, u32::try_from(part(2)?).ok()?)?;
        let (hour, minute) = (part(3)?, part(4)?);
        let second = c.get(5).map_or(Some(0.0), real)?;
        if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0.0..60.0).contains(&second) {
            return None;
        }
        let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_nanos_opt()?;
        let within = (hour * 3600 + minute * 60) * NANOS_PER_SEC + seconds_to_ticks(second) * 100;
        Some(Out::Nanos(midnight + within))
    })
}

/// Seconds to whole 100 ns ticks, rounded to the nearest tick.
fn seconds_to_ticks(seconds: f64) -> i64 {
    (seconds * 1e7).round() as i64
}

/// `make_timespan(hour, minute)`, `(hour, minute, second)` or `(day, hour, minute,
/// second)`; null when a part is out of its range (make-timespan-function.md).
pub(super) fn make_timespan(args: Vec<Expr>) -> Expr {
    map_rows(args, T::TimeSpan, |c| {
        let (day, hour, minute, second) = match c.len() {
            2 => (0, long(&c[0])?, long(&c[1])?, 0.0),
            3 => (0, long(&c[0])?, long(&c[1])?, real(&c[2])?),
            _ => (long(&c[0])?, long(&c[1])?, long(&c[2])?, real(&c[3])?),
        };
        if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0.0..60.0).contains(&second) {
            return None;
        }
        Some(Out::Nanos(((day * 24 + hour) * 60 + minute) * 60 * NANOS_PER_SEC + seconds_to_ticks(second) * 100))
    })
}

/// `format_timespan(ts, format)` (format-timespan-function.md): `d`.. day counts, `h`/`hh`
/// and `H`/`HH` hours, `m`/`mm`, `s`/`ss`, `f`.. and `F`.. fractions, the listed
/// delimiters, and `'text'` copied as is. A negative span gets a leading `-`.
pub(super) fn format_timespan(ts: Expr, format: String) -> Expr {
    map_rows(vec![ts], T::String, move |c| Some(Out::Text(timespan_text(nanos(&c[0])?, &format))))
}

fn timespan_text(ns: i64, format: &str) -> String {
    let ticks = ns.unsigned_abs() / 100;
    let fraction = ticks % 10_000_000;
    let total_seconds = ticks / 10_000_000;
    let (days, hours, minutes, seconds) =
        (total_seconds / 86_400, (total_seconds / 3600) % 24, (total_seconds / 60) % 60, total_seconds % 60);
    let mut out = String::new();
    if ns < 0 {
        out.push('-');
    }
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        match c {
            'd' => out.push_str(&format!("{days:0run$}")),
            'h' | 'H' => out.push_str(&format!("{hours:0width$}", width = run.min(2))),
            'm' => out.push_str(&format!("{minutes:0width$}", width = run.min(2))),
            's' => out.push_str(&format!("{seconds:0width$}", width = run.min(2))),
            'f' | 'F' => {
                let n = run.min(7);
                let digits = format!("{fraction:07}")[..n].to_string();
                if c == 'f' {
                    out.push_str(&digits);
                } else {
                    out.push_str(digits.trim_end_matches('0'));
                }
            }
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|x| *x == c).map_or(chars.len(), |p| i + 1 + p);
                out.extend(&chars[i + 1..end]);
                i = end + 1;
                continue;
            }
            '\\' => {
                if let Some(next) = chars.get(i + 1) {
                    out.push(*next);
                }
                i += 2;
                continue;
            }
            other => {
                for _ in 0..run {
                    out.push(other);
                }
            }
        }
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_format_timespan() {
        // format-timespan-function.md: time(29.09:00:05.12345)
        let ns = (((29 * 24 + 9) * 3600 + 5) * NANOS_PER_SEC) + 123_450_000;
        assert_eq!(timespan_text(ns, "dd.hh:mm:ss:FF"), "29.09:00:05:12");
        assert_eq!(timespan_text(ns, "ddd.h:mm:ss [fffffff]"), "029.9:00:05 [1234500]");
    }

    #[test]
    fn documented_format_timespan_elements() {
        // The table of format elements: 15.13:45:30.6170000 and 15.13:45:30.0500000.
        let base = ((15 * 24 + 13) * 3600 + 45 * 60 + 30) * NANOS_PER_SEC;
        assert_eq!(timespan_text(base + 617_000_000, "ddd f ff fff F"), "015 6 61 617 6");
        assert_eq!(timespan_text(base + 50_000_000, "f|F"), "0|");
        assert_eq!(timespan_text(base + 50_000, "FFFF|ffff"), "|0000");
    }
}
