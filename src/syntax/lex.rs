//! Lexical pieces shared by the expression and operator parsers: white space and
//! comments, names, keywords, numbers, strings and the typed literals
//! (`datetime(...)`, `timespan(...)`, `dynamic(...)`, ...).

use super::{fail, In, PErr, PResult};
use crate::span::Span;
use crate::syntax::ast::{Ident, Literal};
use crate::types::KqlType;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use nom::bytes::complete::{tag, take_while};
use nom::{Input, Offset};

pub const NANOS_PER_TICK: i64 = 100;
pub const NANOS_PER_SEC: i64 = 1_000_000_000;

pub fn pos(i: &In) -> usize {
    i.location_offset()
}

pub fn span_from(start: &In, end: &In) -> Span {
    Span::new(pos(start), pos(end))
}

/// Skips white space and `//` comments (a commented-out pipeline line is just a comment).
pub fn sp(mut i: In) -> PResult<()> {
    loop {
        let (rest, _) = take_while(|c: char| c.is_whitespace()).parse_complete(i)?;
        i = rest;
        if i.fragment().starts_with("//") {
            let end = i.fragment().find('\n').unwrap_or(i.fragment().len());
            i = i.take_from(end);
        } else {
            return Ok((i, ()));
        }
    }
}

use nom::Parser;

/// Runs `p` after skipping white space.
pub fn tok<'a, O>(mut p: impl Parser<In<'a>, Output = O, Error = PErr>) -> impl FnMut(In<'a>) -> PResult<'a, O> {
    move |i| {
        let (i, _) = sp(i)?;
        p.parse(i)
    }
}

/// A single punctuation string such as `(`, `==`, `|`.
pub fn punct<'a>(s: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    move |i| {
        let (i, _) = sp(i)?;
        let start = i;
        let (i, _) = tag(s).parse_complete(i)?;
        Ok((i, span_from(&start, &i)))
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A plain identifier (`SrcIP_s`, `$left`) or a bracketed one (`['my col']`).
pub fn ident(i: In) -> PResult<Ident> {
    let (i, _) = sp(i)?;
    let start = i;
    let frag = *i.fragment();
    if let Some(rest) = frag.strip_prefix("['").or_else(|| frag.strip_prefix("[\"")) {
        let quote = frag.as_bytes()[1] as char;
        if let Some(end) = rest.find(quote) {
            if rest[end + 1..].starts_with(']') {
                let name = rest[..end].to_string();
                let i = i.take_from(2 + end + 2);
                return Ok((i, Ident { name, span: span_from(&start, &i) }));
            }
        }
        return Err(fail(&i, "a bracketed name such as ['name']"));
    }
    let mut chars = frag.char_indices();
    match chars.next() {
        Some((_, c)) if is_ident_start(c) => {}
        _ => return Err(nom::Err::Error(PErr::expected(&i, "a name"))),
    }
    let len = chars.find(|(_, c)| !is_ident_char(*c)).map(|(n, _)| n).unwrap_or(frag.len());
    let name = frag[..len].to_string();
    let i = i.take_from(len);
    Ok((i, Ident { name, span: span_from(&start, &i) }))
}

/// A keyword: the word `kw` not followed by a name character. Kusto keywords are
/// case-sensitive (`where`, not `Where`).
pub fn keyword<'a>(kw: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    move |i| {
        let (i, _) = sp(i)?;
        let frag = *i.fragment();
        if frag.starts_with(kw) && !frag[kw.len()..].starts_with(|c: char| is_ident_char(c) || c == '-') {
            let start = i;
            let i = i.take_from(kw.len());
            Ok((i, span_from(&start, &i)))
        } else {
            Err(nom::Err::Error(PErr::expected(&i, kw)))
        }
    }
}

/// Peeks at the next word (letters, digits, `_`, `-`, `~`, `!`) without consuming it.
pub fn peek_word(i: &In) -> String {
    let frag = i.fragment().trim_start();
    let frag = frag.strip_prefix("//").map(|_| "").unwrap_or(frag);
    frag.chars().take_while(|c| is_ident_char(*c) || *c == '-' || *c == '!' || *c == '~').collect()
}

/// A string literal: `"..."`, `'...'`, verbatim `@"..."`, obfuscated `h"..."`,
/// multi-line ```` ```...``` ````; adjacent literals concatenate. Typographic quotes pasted
/// from web pages are accepted as delimiters, each with a warning.
pub fn string_lit(i: In) -> PResult<String> {
    let (i, first) = one_string(i)?;
    let mut out = first;
    let mut i = i;
    while let Ok((rest, next)) = one_string(i) {
        out.push_str(&next);
        i = rest;
    }
    Ok((i, out))
}

const OPEN_QUOTES: [char; 4] = ['"', '\'', '\u{201C}', '\u{2018}'];

fn is_curly(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}

fn closes(open: char, c: char) -> bool {
    match open {
        '"' | '\u{201C}' => matches!(c, '"' | '\u{201D}' | '\u{201C}'),
        _ => matches!(c, '\'' | '\u{2019}' | '\u{2018}'),
    }
}

fn one_string(i: In) -> PResult<String> {
    let (i, _) = sp(i)?;
    let frag = *i.fragment();
    if let Some(rest) = frag.strip_prefix("```") {
        return match rest.find("```") {
            Some(end) => Ok((i.take_from(3 + end + 3), rest[..end].to_string())),
            None => Err(fail(&i, "a closing ``` for this multi-line string")),
        };
    }
    // `@"..."` is verbatim; `h"..."`, `H'...'` and `h@"..."` are obfuscated (hidden from
    // the logs), which changes nothing in their value.
    let (verbatim, skip) = match frag.chars().next() {
        Some('@') => (true, 1),
        Some('h') | Some('H') if frag[1..].starts_with(OPEN_QUOTES) => (false, 1),
        Some('h') | Some('H') if frag[1..].starts_with('@') && frag[2..].starts_with(OPEN_QUOTES) => (true, 2),
        _ => (false, 0),
    };
    let body = &frag[skip..];
    let open = match body.chars().next() {
        Some(c) if OPEN_QUOTES.contains(&c) => c,
        _ => return Err(nom::Err::Error(PErr::expected(&i, "a string"))),
    };
    let mut curly_at = Vec::new();
    if is_curly(open) {
        curly_at.push(pos(&i) + skip);
    }
    let mut out = String::new();
    let mut chars = body.char_indices().skip(1).peekable();
    let mut end = None;
    while let Some((n, c)) = chars.next() {
        if closes(open, c) {
            if verbatim && chars.peek().map(|(_, d)| *d) == Some(c) {
                out.push(c);
                chars.next();
                continue;
            }
            if is_curly(c) {
                curly_at.push(pos(&i) + skip + n);
            }
            end = Some(n + c.len_utf8());
            break;
        }
        if c == '\\' && !verbatim {
            let Some((m, e)) = chars.next() else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                '\\' | '\'' | '"' => out.push(e),
                'u' => {
                    let hex: String = body[m + 1..].chars().take(4).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) if hex.len() == 4 => {
                            out.push(ch);
                            for _ in 0..4 {
                                chars.next();
                            }
                        }
                        _ => return Err(fail(&i.take_from(skip + m), "four hex digits after \\u")),
                    }
                }
                _ => return Err(fail(&i.take_from(skip + n), "a known escape (\\n \\t \\\\ \\\" \\' \\uXXXX)")),
            }
            continue;
        }
        if c == '\n' && !verbatim {
            break;
        }
        out.push(c);
    }
    let Some(end) = end else {
        return Err(fail(&i, "the closing quote of this string"));
    };
    for at in curly_at {
        i.extra.curly_quote(at);
    }
    Ok((i.take_from(skip + end), out))
}

/// A number: `12` and `0xf` are long, `1.5` and `1e5` real. A number directly followed by
/// a time unit is a timespan (`1d`, `1.5h`, `100ms`).
pub fn number(i: In) -> PResult<Literal> {
    let (i, _) = sp(i)?;
    let frag = *i.fragment();
    if let Some(hex) = frag.strip_prefix("0x").or_else(|| frag.strip_prefix("0X")) {
        let len = hex.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        if len > 0 {
            return match i64::from_str_radix(&hex[..len], 16) {
                Ok(v) => Ok((i.take_from(2 + len), Literal::Long(v))),
                Err(_) => Err(fail(&i, "a hexadecimal number that fits in a long")),
            };
        }
    }
    let bytes = frag.as_bytes();
    let mut n = 0;
    while n < bytes.len() && bytes[n].is_ascii_digit() {
        n += 1;
    }
    if n == 0 && !(bytes.first() == Some(&b'.') && bytes.get(1).is_some_and(|b| b.is_ascii_digit())) {
        return Err(nom::Err::Error(PErr::expected(&i, "a number")));
    }
    let mut is_real = false;
    if n < bytes.len() && bytes[n] == b'.' && bytes.get(n + 1).is_some_and(|b| b.is_ascii_digit()) {
        is_real = true;
        n += 1;
        while n < bytes.len() && bytes[n].is_ascii_digit() {
            n += 1;
        }
    }
    if n < bytes.len() && (bytes[n] == b'e' || bytes[n] == b'E') {
        let mut m = n + 1;
        if m < bytes.len() && (bytes[m] == b'+' || bytes[m] == b'-') {
            m += 1;
        }
        if m < bytes.len() && bytes[m].is_ascii_digit() {
            while m < bytes.len() && bytes[m].is_ascii_digit() {
                m += 1;
            }
            is_real = true;
            n = m;
        }
    }
    let text = &frag[..n];
    // A unit glued to the number makes a timespan literal.
    let unit_len = frag[n..].chars().take_while(|c| c.is_ascii_alphabetic()).count();
    if unit_len > 0 {
        let unit = &frag[n..n + unit_len];
        if frag[n + unit_len..].starts_with(is_ident_char) {
            return Err(fail(&i, "a number"));
        }
        let Some(nanos_per_unit) = timespan_unit(unit) else {
            return Err(fail(&i.take_from(n), "a time unit (d, h, m, s, ms, microsecond, tick)"));
        };
        let value: f64 = text.parse().unwrap_or(0.0);
        let nanos = (value * nanos_per_unit as f64).round() as i64;
        return Ok((i.take_from(n + unit_len), Literal::TimeSpan(nanos)));
    }
    let lit = if is_real {
        match text.parse::<f64>() {
            Ok(v) => Literal::Real(v),
            Err(_) => return Err(fail(&i, "a number")),
        }
    } else {
        match text.parse::<i64>() {
            Ok(v) => Literal::Long(v),
            Err(_) => match text.parse::<f64>() {
                Ok(v) => Literal::Real(v),
                Err(_) => return Err(fail(&i, "a number")),
            },
        }
    };
    Ok((i.take_from(n), lit))
}

/// Nanoseconds in one of Kusto's timespan units.
pub fn timespan_unit(unit: &str) -> Option<i64> {
    Some(match unit {
        "d" | "day" | "days" => 86_400 * NANOS_PER_SEC,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600 * NANOS_PER_SEC,
        "m" | "min" | "minute" | "minutes" => 60 * NANOS_PER_SEC,
        "s" | "sec" | "second" | "seconds" => NANOS_PER_SEC,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        "microsecond" | "microseconds" => 1_000,
        "tick" | "ticks" => NANOS_PER_TICK,
        _ => return None,
    })
}

/// Parses Kusto's timespan text forms: `[-][d.]hh:mm[:ss[.fffffff]]`, or a number with a
/// unit (`2d`, `1.5h`), or a bare number of days.
pub fn parse_timespan_text(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let v = if s.contains(':') {
        let (days, clock) = match s.split_once('.') {
            Some((d, rest)) if !d.contains(':') => (d.parse::<i64>().ok()?, rest),
            _ => (0, s),
        };
        let mut parts = clock.split(':');
        let h: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let (sec, frac) = match parts.next() {
            Some(sp) => match sp.split_once('.') {
                Some((a, f)) => (a.parse::<i64>().ok()?, f),
                None => (sp.parse::<i64>().ok()?, ""),
            },
            None => (0, ""),
        };
        if parts.next().is_some() || frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let frac_nanos = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse::<i64>().ok()? };
        ((days * 24 + h) * 60 + m) * 60 * NANOS_PER_SEC + sec * NANOS_PER_SEC + frac_nanos
    } else {
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let unit = &s[digits.len()..];
        // `timespan(15 seconds)`: the unit may follow a space.
        let value: f64 = digits.trim_end().parse().ok()?;
        let per = if unit.is_empty() { 86_400 * NANOS_PER_SEC } else { timespan_unit(unit)? };
        (value * per as f64).round() as i64
    };
    Some(if neg { -v } else { v })
}

/// Parses the datetime forms Kusto accepts (ISO 8601 with `T` or a space, optional
/// fraction and `Z`/offset, a bare date) to nanoseconds since the epoch, UTC.
pub fn parse_datetime_text(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return dt.timestamp_nanos_opt();
    }
    let t = s.trim_end_matches('Z').trim_end_matches('z');
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S%.f"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return dt.and_utc().timestamp_nanos_opt();
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return d.and_time(NaiveTime::MIN).and_utc().timestamp_nanos_opt();
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(s) {
        return dt.timestamp_nanos_opt();
    }
    // datetime.md's other forms, all UTC: RFC 822 and RFC 850 with or without the weekday,
    // the seconds and a `GMT` zone, the sortable forms with `GMT`, and `MM-dd-yyyy`.
    let t = ["GMT", "UTC", "gmt", "utc"].iter().find_map(|z| s.strip_suffix(z)).map_or(s, str::trim_end);
    const FORMS: [&str; 12] = [
        "%a, %d %b %y %H:%M:%S",
        "%a, %d %b %y %H:%M",
        "%d %b %y %H:%M:%S",
        "%d %b %y %H:%M",
        "%A, %d-%b-%y %H:%M:%S",
        "%A, %d-%b-%y %H:%M",
        "%d-%b-%y %H:%M:%S",
        "%d-%b-%y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ];
    for fmt in FORMS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return dt.and_utc().timestamp_nanos_opt();
        }
    }
    NaiveDate::parse_from_str(t, "%m-%d-%Y").ok().and_then(|d| d.and_time(NaiveTime::MIN).and_utc().timestamp_nanos_opt())
}

/// The raw text between balanced parentheses, starting just after `(`.
fn paren_body(i: In) -> PResult<String> {
    let frag = *i.fragment();
    let mut depth = 1;
    let mut quote: Option<char> = None;
    for (n, c) in frag.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok((i.take_from(n + 1), frag[..n].to_string()));
                }
            }
            _ => {}
        }
    }
    Err(fail(&i, "a closing `)`"))
}

fn unquote(s: &str) -> &str {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return &t[1..t.len() - 1];
        }
    }
    t
}

/// A typed literal: `datetime(...)`, `timespan(...)`, `bool(...)`, `int(...)`, `long(...)`,
/// `real(...)`/`double(...)`, `decimal(...)`, `guid(...)`, `dynamic(...)`, or `T(null)`.
/// Returns an `Error` (not a failure) when the word is not a type name, so the caller can
/// try a function call instead.
pub fn typed_literal(i: In) -> PResult<Literal> {
    let (i, _) = sp(i)?;
    let start = i;
    let (after_name, name) = ident(i)?;
    let Some(ty) = KqlType::from_name(&name.name) else {
        return Err(nom::Err::Error(PErr::expected(&start, "a typed literal")));
    };
    if ty == KqlType::String {
        return Err(nom::Err::Error(PErr::expected(&start, "a typed literal")));
    }
    let Ok((body_start, _)) = punct("(")(after_name) else {
        return Err(nom::Err::Error(PErr::expected(&start, "a typed literal")));
    };
    if ty == KqlType::Dynamic {
        let (i, value) = super::dynamic::dynamic_value(body_start)?;
        let (i, _) = super::cut_expect(punct(")"), "`)` closing dynamic(...)")(i)?;
        return Ok((i, value.map(Literal::Dynamic).unwrap_or(Literal::Null(KqlType::Dynamic))));
    }
    let (i, body) = paren_body(body_start)?;
    let raw = body.trim();
    if raw == "null" {
        return Ok((i, Literal::Null(ty)));
    }
    let text = unquote(raw);
    let bad = |what: &str| fail(&body_start, what);
    let lit = match ty {
        KqlType::DateTime => Literal::DateTime(parse_datetime_text(text).ok_or_else(|| bad("a datetime such as 2022-11-13T00:00:00Z"))?),
        KqlType::TimeSpan => Literal::TimeSpan(parse_timespan_text(text).ok_or_else(|| bad("a timespan such as 1.02:03:04 or 2h"))?),
        KqlType::Bool => match text {
            "true" | "1" => Literal::Bool(true),
            "false" | "0" => Literal::Bool(false),
            _ => return Err(bad("true, false or null")),
        },
        KqlType::Int => Literal::Int(text.parse().map_err(|_| bad("an int value"))?),
        KqlType::Long => Literal::Long(text.parse().map_err(|_| bad("a long value"))?),
        KqlType::Real | KqlType::Decimal => Literal::Real(match text {
            "nan" => f64::NAN,
            "+inf" | "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            _ => text.parse().map_err(|_| bad("a real value"))?,
        }),
        KqlType::Guid => {
            let g = text.to_ascii_lowercase();
            let ok =
                g.len() == 36 && g.char_indices().all(|(n, c)| if [8, 13, 18, 23].contains(&n) { c == '-' } else { c.is_ascii_hexdigit() });
            if !ok {
                return Err(bad("a guid such as 74be27de-1e4e-49d9-b579-fe0b331d3642"));
            }
            Literal::Guid(g)
        }
        KqlType::String | KqlType::Dynamic => return Err(bad("a literal")),
    };
    Ok((i, lit))
}

/// The text consumed between two inputs, for messages.
pub fn consumed<'a>(from: &In<'a>, to: &In<'a>) -> &'a str {
    &from.fragment()[..from.offset(to)]
}
