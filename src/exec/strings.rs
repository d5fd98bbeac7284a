//! Column kernels for functions Polars has no expression for: string searches with
//! Kusto's arguments, calendar arithmetic, byte-size text and dynamic builders.

use chrono::{DateTime, Datelike, Months, NaiveDate};
use polars::prelude::*;
use serde_json::Value as Json;

fn string_field(_: &Schema, f: &Field) -> PolarsResult<Field> {
    Ok(Field::new(f.name().clone(), DataType::String))
}

/// `indexof(s, lookup, start, length, occurrence)` in characters: -1 when not found.
pub(super) fn index_of(s: Expr, lookup: String, re: Option<regex::Regex>, start: i64, length: i64, occurrence: i64) -> Expr {
    s.map(
        move |c| {
            let ca = c.str()?;
            let out: Int64Chunked = ca.iter().map(|v| v.map(|t| find_nth(t, &lookup, re.as_ref(), start, length, occurrence))).collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Int64)),
    )
}

fn find_nth(text: &str, lookup: &str, re: Option<&regex::Regex>, start: i64, length: i64, occurrence: i64) -> i64 {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len() as i64;
    let start = if start < 0 { (n + start).max(0) } else { start };
    if start > n || occurrence < 1 {
        return -1;
    }
    let end = if length < 0 { n } else { (start + length).min(n) };
    let byte = |i: i64| chars.get(i as usize).map(|(b, _)| *b).unwrap_or(text.len());
    let window = &text[byte(start)..byte(end)];
    let mut found = 0;
    let mut offset = 0;
    while offset <= window.len() {
        let hit = match re {
            Some(r) => r.find(&window[offset..]).map(|m| (m.start(), m.end().max(m.start() + 1))),
            None => window[offset..].find(lookup).map(|p| (p, p + lookup.len().max(1))),
        };
        let Some((at, next)) = hit else { return -1 };
        found += 1;
        if found == occurrence {
            let byte_at = byte(start) + offset + at;
            return text[..byte_at].chars().count() as i64;
        }
        offset += next;
        while offset < window.len() && !window.is_char_boundary(offset) {
            offset += 1;
        }
    }
    -1
}

/// Kusto rewrites name groups `\1`; the regex crate writes `${1}`.
pub(super) fn rewrite_groups(rewrite: &str) -> String {
    let mut out = String::new();
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{digits}}}"));
            }
            '$' => out.push_str("$$"),
            other => out.push(other),
        }
    }
    out
}

/// `extract_all(regex, [groups,] s)`: every match, as the selected groups (all of them
/// when none are selected, the whole match without groups): one group gives a flat array,
/// several an array per match; null when nothing matches (extract-all-function.md).
pub(super) fn extract_all(s: Expr, re: regex::Regex, selected: Option<Vec<usize>>) -> Expr {
    let groups: Vec<usize> = selected.unwrap_or_else(|| match re.captures_len() - 1 {
        0 => vec![0],
        n => (1..=n).collect(),
    });
    s.map(
        move |c| {
            let ca = c.str()?;
            let out: StringChunked = ca
                .iter()
                .map(|v| {
                    let t = v?;
                    let items: Vec<Json> = re
                        .captures_iter(t)
                        .map(|cap| {
                            let text = |i: &usize| cap.get(*i).map(|m| Json::String(m.as_str().to_string())).unwrap_or(Json::Null);
                            match groups.as_slice() {
                                [one] => text(one),
                                many => Json::Array(many.iter().map(text).collect()),
                            }
                        })
                        .collect();
                    (!items.is_empty()).then(|| Json::Array(items).to_string())
                })
                .collect();
            Ok(out.into_column())
        },
        string_field,
    )
}

/// `url_decode`: `%XX` escapes as UTF-8 bytes and `+` as a space; a malformed escape is
/// kept as written.
pub(super) fn url_decode(s: Expr) -> Expr {
    s.map(
        |c| {
            let ca = c.str()?;
            let out: StringChunked = ca.iter().map(|v| v.map(decode)).collect();
            Ok(out.into_column())
        },
        string_field,
    )
}

fn decode(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(v) => {
                    out.push(v);
                    i += 3;
                }
                None => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DatePart {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    /// A fixed length in nanoseconds (hour and shorter).
    Fixed(i64),
}

impl DatePart {
    pub(super) fn from_name(name: &str) -> Option<DatePart> {
        Some(match name {
            "year" => DatePart::Year,
            "quarter" => DatePart::Quarter,
            "month" => DatePart::Month,
            "week" => DatePart::Week,
            "day" => DatePart::Day,
            "hour" => DatePart::Fixed(3_600_000_000_000),
            "minute" => DatePart::Fixed(60_000_000_000),
            "second" => DatePart::Fixed(1_000_000_000),
            "millisecond" => DatePart::Fixed(1_000_000),
            "microsecond" => DatePart::Fixed(1_000),
            "nanosecond" => DatePart::Fixed(1),
            _ => return None,
        })
    }
}

const DAY: i64 = 86_400_000_000_000;

fn add_months(ns: i64, months: i64) -> Option<i64> {
    let dt = DateTime::from_timestamp_nanos(ns);
    let moved = if months >= 0 {
        dt.checked_add_months(Months::new(u32::try_from(months).ok()?))
    } else {
        dt.checked_sub_months(Months::new(u32::try_from(-months).ok()?))
    }?;
    moved.timestamp_nanos_opt()
}

/// `datetime_add(part, amount, dt)`; months keep the day of the month, clamped to the
/// month's last day.
pub(super) fn datetime_add(part: DatePart, amount: Expr, dt: Expr) -> Expr {
    let dtype = crate::types::KqlType::DateTime.polars();
    let out = dtype.clone();
    dt.cast(DataType::Int64)
        .map_many(
            move |cols| {
                let t = cols[0].i64()?;
                let n = cols[1].i64()?;
                let one = n.len() == 1;
                let out: Int64Chunked = t
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let (v, k) = (v?, n.get(if one { 0 } else { i })?);
                        match part {
                            DatePart::Year => add_months(v, k.checked_mul(12)?),
                            DatePart::Quarter => add_months(v, k.checked_mul(3)?),
                            DatePart::Month => add_months(v, k),
                            DatePart::Week => v.checked_add(k.checked_mul(7 * DAY)?),
                            DatePart::Day => v.checked_add(k.checked_mul(DAY)?),
                            DatePart::Fixed(unit) => v.checked_add(k.checked_mul(unit)?),
                        }
                    })
                    .collect();
                Ok(out.into_column())
            },
            &[amount.cast(DataType::Int64)],
            |_, f| Ok(Field::new(f[0].name().clone(), DataType::Int64)),
        )
        .cast(out)
}

fn date_of(ns: i64) -> NaiveDate {
    DateTime::from_timestamp_nanos(ns).date_naive()
}

/// `datetime_diff(part, dt1, dt2)`: how many part boundaries lie between dt2 and dt1 (the
/// calendar difference of the truncated values, datetime-diff-function.md).
fn diff(part: DatePart, a: i64, b: i64) -> i64 {
    let (da, db) = (date_of(a), date_of(b));
    match part {
        DatePart::Year => (da.year() - db.year()) as i64,
        DatePart::Quarter => ((da.year() * 4 + da.month0() as i32 / 3) - (db.year() * 4 + db.month0() as i32 / 3)) as i64,
        DatePart::Month => ((da.year() * 12 + da.month0() as i32) - (db.year() * 12 + db.month0() as i32)) as i64,
        DatePart::Week => {
            // Weeks start on Sunday.
            let sunday = |d: NaiveDate| d.num_days_from_ce() as i64 - d.weekday().num_days_from_sunday() as i64;
            (sunday(da) - sunday(db)) / 7
        }
        DatePart::Day => (da.num_days_from_ce() - db.num_days_from_ce()) as i64,
        DatePart::Fixed(unit) => a.div_euclid(unit) - b.div_euclid(unit),
    }
}

pub(super) fn datetime_diff(part: DatePart, dt1: Expr, dt2: Expr) -> Expr {
    dt1.cast(DataType::Int64).map_many(
        move |cols| {
            let a = cols[0].i64()?;
            let b = cols[1].i64()?;
            let (one_a, one_b) = (a.len() == 1, b.len() == 1);
            let height = a.len().max(b.len());
            let out: Int64Chunked = (0..height)
                .map(|i| {
                    let x = a.get(if one_a { 0 } else { i })?;
                    let y = b.get(if one_b { 0 } else { i })?;
                    Some(diff(part, x, y))
                })
                .collect();
            Ok(out.into_column())
        },
        &[dt2.cast(DataType::Int64)],
        |_, f| Ok(Field::new(f[0].name().clone(), DataType::Int64)),
    )
}

const BYTE_UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];

/// `format_bytes(size, precision, units)`: 1024-based, the largest unit of at least 1
/// unless `units` names one (format-bytes-function.md: 564 is "564 Bytes", 10332 with
/// precision 1 is "10.1 KB", 20010332 is "19 MB").
pub(super) fn format_bytes(size: Expr, precision: usize, units: String) -> Expr {
    size.map(
        move |c| {
            let ca = c.f64()?;
            let out: StringChunked = ca.iter().map(|v| v.map(|b| bytes_text(b, precision, &units))).collect();
            Ok(out.into_column())
        },
        string_field,
    )
    .fill_null(lit(""))
}

fn bytes_text(bytes: f64, precision: usize, units: &str) -> String {
    let fixed = BYTE_UNITS.iter().position(|u| u.eq_ignore_ascii_case(units) || (units.eq_ignore_ascii_case("b") && *u == "Bytes"));
    let power = fixed.unwrap_or_else(|| {
        let mut p = 0;
        while p + 1 < BYTE_UNITS.len() && bytes.abs() >= 1024f64.powi(p as i32 + 1) {
            p += 1;
        }
        p
    });
    let value = bytes / 1024f64.powi(power as i32);
    format!("{value:.precision$} {}", BYTE_UNITS[power])
}

/// String functions of the long tail, row by row: `isascii`, `isutf8`, `string_size`,
/// `regex_quote`, `translate(from, to, s)`, `strrep(s, n, [delimiter])`.
pub(super) fn string_fn(name: &str, args: Vec<Expr>) -> Expr {
    use super::rowwise::{long, map_rows, text, Out};
    use crate::types::KqlType;
    let name = name.to_string();
    let ty = match name.as_str() {
        "isascii" | "isutf8" => KqlType::Bool,
        "string_size" => KqlType::Long,
        _ => KqlType::String,
    };
    map_rows(args, ty, move |c| {
        let s = text(&c[0]);
        Some(match name.as_str() {
            "isascii" => Out::Bool(s?.is_ascii()),
            // Text held here is always valid UTF-8.
            "isutf8" => Out::Bool(s.is_some()),
            "string_size" => Out::Long(s?.len() as i64),
            "regex_quote" => Out::Text(regex::escape(s?)),
            "translate" => Out::Text(translate(s?, text(&c[1])?, text(&c[2])?)),
            _ => {
                let n = usize::try_from(long(&c[1])?).ok()?;
                let delimiter = c.get(2).and_then(text).unwrap_or("");
                Out::Text(vec![s?; n].join(delimiter))
            }
        })
    })
}

/// translate-function.md: each character of `from` in `s` becomes the character at the
/// same position of `to` (its last one when `to` is shorter), or is removed when `to`
/// is empty.
fn translate(from: &str, to: &str, s: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    s.chars()
        .filter_map(|c| match from.iter().position(|f| *f == c) {
            None => Some(c),
            Some(_) if to.is_empty() => None,
            Some(i) => Some(to[i.min(to.len() - 1)]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_format_bytes() {
        assert_eq!(bytes_text(564.0, 0, ""), "564 Bytes");
        assert_eq!(bytes_text(10332.0, 1, ""), "10.1 KB");
        assert_eq!(bytes_text(20010332.0, 0, ""), "19 MB");
        assert_eq!(bytes_text(20010332.0, 2, ""), "19.08 MB");
        assert_eq!(bytes_text(20010332.0, 0, "KB"), "19541 KB");
    }

    #[test]
    fn documented_translate() {
        // translate-function.md
        assert_eq!(translate("abc", "x", "abc"), "xxx");
        assert_eq!(translate("abc", "", "ab"), "");
        assert_eq!(translate("krasp", "otsku", "spark"), "kusto");
    }

    #[test]
    fn rewrite_and_decode() {
        assert_eq!(rewrite_groups(r"\1-\2 $x"), "${1}-${2} $$x");
        assert_eq!(decode("a%20b+c%zz"), "a b c%zz");
    }

    #[test]
    fn documented_datetime_diff() {
        let ns = |s: &str| crate::syntax::lex::parse_datetime_text(s).unwrap_or(0);
        assert_eq!(diff(DatePart::Year, ns("2017-01-01"), ns("2000-12-31")), 17);
        assert_eq!(diff(DatePart::Quarter, ns("2017-07-01"), ns("2017-03-30")), 2);
        assert_eq!(diff(DatePart::Month, ns("2017-01-01"), ns("2015-12-30")), 13);
        assert_eq!(diff(DatePart::Week, ns("2017-10-29 00:00"), ns("2017-09-30 23:59")), 5);
        assert_eq!(diff(DatePart::Day, ns("2017-10-29 00:00"), ns("2017-09-30 23:59")), 29);
        assert_eq!(diff(DatePart::Fixed(3_600_000_000_000), ns("2017-10-31 01:00"), ns("2017-10-30 23:59")), 2);
        assert_eq!(diff(DatePart::Fixed(60_000_000_000), ns("2017-10-30 23:05:01"), ns("2017-10-30 23:00:59")), 5);
    }
}
