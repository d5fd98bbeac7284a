//! Cell text to Kusto scalar: the parsers every reader shares once it knows (or guesses)
//! a column's type. They take one value and answer `None` when the text is not of that
//! type, so the caller can name the file, row and column in its error.
//!
//! Datetimes accept what Log Analytics exports contain: ISO 8601 (any fraction length,
//! `Z` or an offset, `T` or a space), and the portal's locale display forms
//! (`5/25/2023, 4:32:49.469 AM`, `2020/10/16 0:00:01.403`, `06-14-2025  07:17:00`)
//! [FORMATS.md 7.1].

/// Which number comes first in a `a/b/yyyy` date: the portal writes en-US month-first,
/// but other locales write the day first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// A parsed datetime with what its text looked like, so inference can insist on ISO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParsedDateTime {
    /// Nanoseconds since the Unix epoch, UTC.
    pub nanos: i64,
    /// `yyyy-mm-dd` with a time of day: the form Kusto itself writes.
    pub iso_with_time: bool,
    /// The `a/b/yyyy` form, whose reading depends on [`DateOrder`].
    pub order_dependent: bool,
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { b: s.as_bytes(), i: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn eat_ignore_case(&mut self, word: &str) -> bool {
        let w = word.as_bytes();
        match self.b.get(self.i..self.i + w.len()) {
            Some(s) if s.eq_ignore_ascii_case(w) => {
                self.i += w.len();
                true
            }
            _ => false,
        }
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - start
    }

    /// Between `min` and `max` ASCII digits: their value and how many there were.
    fn number(&mut self, min: usize, max: usize) -> Option<(u64, usize)> {
        let start = self.i;
        let mut v: u64 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
                    self.i += 1;
                }
                _ => break,
            }
        }
        let n = self.i - start;
        (n >= min).then_some((v, n))
    }

    /// A fraction of a second after its `.`: up to nine digits count, more are dropped
    /// (Kusto keeps 100 ns ticks, Polars nanoseconds).
    fn fraction_nanos(&mut self) -> Option<u64> {
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            if self.i - start < 9 {
                v = v * 10 + u64::from(c - b'0');
            }
            self.i += 1;
        }
        let n = self.i - start;
        if n == 0 {
            return None;
        }
        Some(v * 10u64.pow(9 - n.min(9) as u32))
    }
}

/// Parses one datetime text; `None` if it is not a datetime this reader knows or it lies
/// outside what a nanosecond `i64` holds (years 1678 to 2261).
pub(crate) fn parse_datetime(text: &str, order: DateOrder) -> Option<ParsedDateTime> {
    let mut c = Cursor::new(text.trim());
    let (a, a_len) = c.number(1, 4)?;
    let sep = c.peek().filter(|s| matches!(s, b'-' | b'/' | b'.'))?;
    c.i += 1;
    let (b, _) = c.number(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let (third, third_len) = c.number(1, 4)?;
    let (year, month, day, order_dependent) = if a_len == 4 && third_len <= 2 {
        (a, b, third, false)
    } else if third_len == 4 && a_len <= 2 {
        match order {
            DateOrder::MonthFirst => (third, a, b, true),
            DateOrder::DayFirst => (third, b, a, true),
        }
    } else {
        return None;
    };
    let iso_date = a_len == 4 && sep == b'-';

    let (mut hour, mut minute, mut second, mut nanos) = (0u64, 0u64, 0u64, 0u64);
    let mut has_time = false;
    let mut offset_minutes: i64 = 0;
    if !c.done() {
        if !(c.eat(b'T') || c.eat(b't')) {
            let comma = c.eat(b',');
            if c.skip_spaces() == 0 && !comma {
                return None;
            }
        }
        has_time = true;
        hour = c.number(1, 2)?.0;
        if !c.eat(b':') {
            return None;
        }
        minute = c.number(2, 2)?.0;
        if c.eat(b':') {
            second = c.number(2, 2)?.0;
            if c.eat(b'.') {
                nanos = c.fraction_nanos()?;
            }
        }
        let spaced = c.skip_spaces() > 0;
        let pm = c.eat_ignore_case("PM");
        let am = !pm && c.eat_ignore_case("AM");
        if am || pm {
            if iso_date || !(1..=12).contains(&hour) {
                return None;
            }
            hour = match (pm, hour) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
            c.skip_spaces();
        } else if spaced && c.eat_ignore_case("UTC") {
            // `2023-05-25 04:32:49 UTC`: already UTC.
        }
        if c.eat(b'Z') || c.eat(b'z') {
        } else if let Some(sign) = c.peek().filter(|s| matches!(s, b'+' | b'-')) {
            c.i += 1;
            let (oh, _) = c.number(2, 2)?;
            c.eat(b':');
            let om = c.number(2, 2).map_or(0, |(m, _)| m);
            if oh > 14 || om > 59 {
                return None;
            }
            let minutes = (oh * 60 + om) as i64;
            offset_minutes = if sign == b'-' { -minutes } else { minutes };
        }
        if !c.done() {
            return None;
        }
    }

    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year as i64, month, day)?;
    let seconds = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64 - offset_minutes * 60;
    let nanos = seconds.checked_mul(1_000_000_000)?.checked_add(nanos as i64)?;
    Some(ParsedDateTime { nanos, iso_with_time: iso_date && has_time, order_dependent })
}

/// Days from 1970-01-01 to a proleptic Gregorian date, `None` for a date that does not
/// exist. Counting in 400-year eras from a March-based year puts the leap day last.
fn days_from_civil(year: i64, month: u64, day: u64) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day == 0 || day > month_days[month as usize - 1] {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month as i64 + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// Whether a text is already a GUID in canonical lower-case form, so it can be kept as is.
pub(crate) fn is_canonical_guid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

/// A parsed timespan, and whether its text had Kusto's own `[-][d.]hh:mm:ss[.f]` shape
/// (two-digit fields, seconds present), which inference requires so that clock times
/// such as `12:30` stay strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParsedTimeSpan {
    pub nanos: i64,
    pub kusto_form: bool,
}

/// Parses `[-][d.]h:mm[:ss[.fffffff]]`, the .NET "c" form Kusto prints timespans in.
pub(crate) fn parse_timespan(text: &str) -> Option<ParsedTimeSpan> {
    let mut c = Cursor::new(text.trim());
    let negative = c.eat(b'-');
    let (first, first_len) = c.number(1, 8)?;
    let (days, hours, hours_len) = if c.eat(b'.') {
        let (h, n) = c.number(1, 2)?;
        (first, h, n)
    } else {
        (0, first, first_len)
    };
    if !c.eat(b':') {
        return None;
    }
    let (minutes, minutes_len) = c.number(1, 2)?;
    let mut seconds_len = 0;
    let (mut seconds, mut nanos) = (0u64, 0u64);
    if c.eat(b':') {
        let (s, n) = c.number(1, 2)?;
        seconds = s;
        seconds_len = n;
        if c.eat(b'.') {
            nanos = c.fraction_nanos()?;
        }
    }
    if !c.done() || hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let total_seconds = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
    let total = i64::try_from(total_seconds).ok()?.checked_mul(1_000_000_000)?.checked_add(nanos as i64)?;
    let kusto_form = hours_len == 2 && minutes_len == 2 && seconds_len == 2;
    Some(ParsedTimeSpan { nanos: if negative { -total } else { total }, kusto_form })
}

/// A GUID in its lower-case canonical `8-4-4-4-12` text. Accepts braces and the
/// 32-digit form without dashes, as Kusto's `toguid()` does.
pub(crate) fn parse_guid(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t.strip_prefix('{').and_then(|s| s.strip_suffix('}')).unwrap_or(t);
    let hex: Vec<u8> = match t.len() {
        36 => {
            let b = t.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            b.iter().enumerate().filter(|(i, _)| ![8, 13, 18, 23].contains(i)).map(|(_, c)| *c).collect()
        }
        32 => t.as_bytes().to_vec(),
        _ => return None,
    };
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut out = String::with_capacity(36);
    for (i, c) in hex.iter().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase() as char);
    }
    Some(out)
}

/// `true`/`false` in any case (the CLI writes Python's `True`/`False`); `1`/`0` only
/// when the column is known to be bool, so a 0/1 column is not guessed to be one.
pub(crate) fn parse_bool(text: &str, allow_digits: bool) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || (allow_digits && t == "1") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || (allow_digits && t == "0") {
        Some(false)
    } else {
        None
    }
}

/// Validates JSON text and drops the whitespace between tokens, keeping key order and
/// number spelling as they were (Kusto does not promise bag order; keeping it makes a
/// write-then-read round trip exact).
pub(crate) fn compact_json(text: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for ch in text.chars() {
        if in_string {
            out.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else if !matches!(ch, ' ' | '\t' | '\n' | '\r') {
            if ch == '"' {
                in_string = true;
            }
            out.push(ch);
        }
    }
    Some(out)
}

/// The dynamic value a text cell stands for, as compact JSON; `None` is null. Text that
/// is JSON is that JSON (exports write arrays and bags as JSON text); any other text is
/// a JSON string, which is what `tostring()` of a dynamic string prints back.
pub(crate) fn text_to_dynamic(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    match compact_json(text) {
        Some(json) if json == "null" => None,
        Some(json) => Some(json),
        None => Some(serde_json::Value::String(text.to_string()).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-05-25T04:32:49.469Z computed by hand: 19502 days after 1970-01-01.
    const MAY_25_2023_043249_469: i64 = (19_502 * 86_400 + 4 * 3600 + 32 * 60 + 49) * 1_000_000_000 + 469_000_000;

    fn dt(text: &str) -> Option<i64> {
        parse_datetime(text, DateOrder::MonthFirst).map(|p| p.nanos)
    }

    #[test]
    fn iso_and_portal_forms_name_the_same_instant() {
        for text in [
            "2023-05-25T04:32:49.469Z",
            "2023-05-25T04:32:49.4690000Z",
            "2023-05-25 04:32:49.469",
            "2023-05-25T06:32:49.469+02:00",
            "2023-05-24T23:32:49.469-05:00",
            "5/25/2023, 4:32:49.469 AM",
            "5/25/2023 4:32:49.469 AM",
            "2023/5/25 4:32:49.469",
            "05-25-2023  04:32:49.469",
        ] {
            assert_eq!(dt(text), Some(MAY_25_2023_043249_469), "{text}");
        }
        assert_eq!(parse_datetime("25/05/2023, 04:32:49.469", DateOrder::DayFirst).map(|p| p.nanos), Some(MAY_25_2023_043249_469));
    }

    #[test]
    fn twelve_hour_clock_edges() {
        let midnight = 19_502 * 86_400 * 1_000_000_000i64;
        assert_eq!(dt("5/25/2023, 12:00:00 AM"), Some(midnight));
        assert_eq!(dt("5/25/2023, 12:00:00 PM"), Some(midnight + 12 * 3_600_000_000_000));
        assert_eq!(dt("5/25/2023, 1:00:00 PM"), Some(midnight + 13 * 3_600_000_000_000));
        assert_eq!(dt("5/25/2023, 13:00:00 PM"), None);
        assert_eq!(dt("2023-05-25"), Some(midnight));
    }

    #[test]
    fn rejects_what_is_not_a_datetime() {
        for text in ["", "2023-13-01", "2023-02-29T00:00:00Z", "2023-05-25T25:00:00Z", "hello", "2023-05-25Tx", "1/2/3", "1500-01-01"] {
            assert_eq!(dt(text), None, "{text}");
        }
        assert!(dt("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn seven_fraction_digits_keep_ticks() {
        assert_eq!(dt("1970-01-01T00:00:00.1234567Z"), Some(123_456_700));
        assert_eq!(dt("1970-01-01T00:00:00.123456789123Z"), Some(123_456_789));
        assert_eq!(dt("1969-12-31T23:59:59.9Z"), Some(-100_000_000));
    }

    #[test]
    fn iso_flag_only_for_iso_with_time() {
        let p = |t| parse_datetime(t, DateOrder::MonthFirst).map(|p| p.iso_with_time);
        assert_eq!(p("2023-05-25T04:32:49Z"), Some(true));
        assert_eq!(p("2023-05-25"), Some(false));
        assert_eq!(p("5/25/2023, 4:32:49 AM"), Some(false));
    }

    #[test]
    fn timespans_in_kusto_form() {
        let ts = |t| parse_timespan(t).map(|p| p.nanos);
        assert_eq!(ts("00:30:00"), Some(30 * 60 * 1_000_000_000));
        assert_eq!(ts("1.00:00:00"), Some(86_400 * 1_000_000_000));
        assert_eq!(ts("-1.02:03:04.5000000"), Some(-((93_784) * 1_000_000_000 + 500_000_000)));
        assert_eq!(ts("00:00:00.0000001"), Some(100));
        assert_eq!(ts("24:00:00"), None);
        assert_eq!(ts("12"), None);
        assert_eq!(parse_timespan("12:30").map(|p| p.kusto_form), Some(false));
        assert_eq!(parse_timespan("12:30:00").map(|p| p.kusto_form), Some(true));
    }

    #[test]
    fn guids_are_canonical_lower_case() {
        let want = Some("74be27de-1e4e-49d9-b579-fe0b331d3642".to_string());
        assert_eq!(parse_guid("74BE27DE-1E4E-49D9-B579-FE0B331D3642"), want);
        assert_eq!(parse_guid("{74be27de-1e4e-49d9-b579-fe0b331d3642}"), want);
        assert_eq!(parse_guid("74be27de1e4e49d9b579fe0b331d3642"), want);
        assert_eq!(parse_guid("74be27de-1e4e-49d9-b579-fe0b331d364"), None);
        assert_eq!(parse_guid("74be27de-1e4e-49d9-b579-fe0b331d364g"), None);
    }

    #[test]
    fn civil_days_match_known_dates() {
        // Worked out by hand: 2000-03-01 follows 2000-02-29, day 11016 after the epoch.
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 2, 29), Some(11_016));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(days_from_civil(1900, 2, 29), None);
        assert_eq!(days_from_civil(2023, 4, 31), None);
        assert!(is_canonical_guid("74be27de-1e4e-49d9-b579-fe0b331d3642"));
        assert!(!is_canonical_guid("74BE27DE-1E4E-49D9-B579-FE0B331D3642"));
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("True", false), Some(true));
        assert_eq!(parse_bool("FALSE", false), Some(false));
        assert_eq!(parse_bool("1", false), None);
        assert_eq!(parse_bool("1", true), Some(true));
    }

    #[test]
    fn dynamic_text() {
        assert_eq!(compact_json("{ \"b\" : [1, 2],\n \"a\": \"x y\" }").as_deref(), Some(r#"{"b":[1,2],"a":"x y"}"#));
        assert_eq!(compact_json(r#"{"a": "q\" }"}"#).as_deref(), Some(r#"{"a":"q\" }"}"#));
        assert_eq!(compact_json("{\"a\":"), None);
        assert_eq!(text_to_dynamic("[1, 2]").as_deref(), Some("[1,2]"));
        assert_eq!(text_to_dynamic("abc").as_deref(), Some("\"abc\""));
        assert_eq!(text_to_dynamic("null"), None);
        assert_eq!(text_to_dynamic(""), None);
    }
}
