//! Checks and conversions for single fields of a flow tuple or an AWS record. Each
//! returns the reason as text so the caller can name the file, record and field.

use std::net::IpAddr;

/// Splits a comma-separated tuple into at most `N` fields; the count is returned
/// separately so that a wrong count can be reported.
pub(crate) fn split_tuple<const N: usize>(tuple: &str) -> ([&str; N], usize) {
    // A plain byte loop: tuples are short, and searchers cost more per field here.
    let mut fields = [""; N];
    let mut n = 0;
    let mut start = 0;
    for (i, b) in tuple.bytes().enumerate() {
        if b == b',' {
            if n < N {
                // `,` is ASCII, so both ends are character boundaries.
                fields[n] = tuple.get(start..i).unwrap_or("");
            }
            n += 1;
            start = i + 1;
        }
    }
    if n < N {
        fields[n] = tuple.get(start..).unwrap_or("");
    }
    (fields, n + 1)
}

pub(crate) fn ip(text: &str) -> Result<(), String> {
    let ok = match dotted_quad(text.as_bytes()) {
        Some(ok) => ok,
        None => text.parse::<IpAddr>().is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{text:?} is not an IP address"))
    }
}

/// The common case, checked by hand in one pass: `Some(valid)` for text of digits and
/// dots only (an IPv4 address or nothing), with the standard parser's rules (four
/// decimal octets up to 255, no leading zeros); `None` for anything else (IPv6).
fn dotted_quad(b: &[u8]) -> Option<bool> {
    let (len, valid) = dotted_quad_prefix(b);
    (len == b.len()).then_some(valid)
}

/// The run of digits and dots that starts `b`: its length, and whether it is an IPv4
/// address by the standard parser's rules.
fn dotted_quad_prefix(b: &[u8]) -> (usize, bool) {
    let (mut dots, mut value, mut digits, mut bad) = (0u32, 0u32, 0u32, false);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                // A second digit after a leading zero, a fourth digit, or over 255.
                bad |= digits > 0 && value == 0;
                // Capped: a long run of digits is already bad and must not overflow.
                value = value.min(1000) * 10 + u32::from(c - b'0');
                digits += 1;
                bad |= digits > 3 || value > 255;
            }
            b'.' => {
                bad |= digits == 0;
                dots += 1;
                value = 0;
                digits = 0;
            }
            _ => return (i, !bad && dots == 3 && digits > 0),
        }
    }
    (b.len(), !bad && dots == 3 && digits > 0)
}

/// Reads a comma-separated tuple field by field in one pass, converting as it goes: the
/// fast path for well-formed tuples. Every method gives `None` for anything it does not
/// take (a malformed field, a missing or extra field, and also valid but rare text such
/// as an IPv6 address); the caller then runs the field-by-field checks, which accept the
/// rare forms and name the fault. Each method takes exactly what the matching checked
/// function above accepts, or less.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    at: usize,
    /// The last field read ended the text.
    ended: bool,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, at: 0, ended: false }
    }

    /// After a field: a comma (consumed) or the end of the text.
    #[inline]
    fn field_end(&mut self) -> Option<()> {
        match self.text.as_bytes().get(self.at) {
            None => {
                self.ended = true;
                Some(())
            }
            Some(b',') => {
                self.at += 1;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// A field of decimal digits (possibly none): its value and digit count.
    #[inline]
    fn digits(&mut self) -> Option<(u64, usize)> {
        if self.ended {
            return None;
        }
        let b = self.text.as_bytes();
        let from = self.at;
        let mut v: u64 = 0;
        while let Some(&c) = b.get(self.at) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            // Wraps only past 19 digits, which are refused below.
            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
            self.at += 1;
        }
        let n = self.at - from;
        if n > 19 {
            return None;
        }
        self.field_end()?;
        Some((v, n))
    }

    /// As [`epoch_seconds`].
    #[inline]
    pub fn epoch_seconds(&mut self) -> Option<i64> {
        match self.digits()? {
            (s, n) if n > 0 && s < 9_223_372_036 => Some(s as i64 * 1_000_000_000),
            _ => None,
        }
    }

    /// As [`epoch_seconds_or_millis`].
    #[inline]
    pub fn epoch_seconds_or_millis(&mut self) -> Option<i64> {
        match self.digits()? {
            (v, n) if n > 0 && (100_000_000_000..9_223_372_036_854).contains(&v) => Some(v as i64 * 1_000_000),
            (v, n) if n > 0 && v < 9_223_372_036 => Some(v as i64 * 1_000_000_000),
            _ => None,
        }
    }

    /// As [`port`].
    #[inline]
    pub fn port(&mut self) -> Option<Option<i32>> {
        match self.digits()? {
            (_, 0) => Some(None),
            (p, _) if p <= 65535 => Some(Some(p as i32)),
            _ => None,
        }
    }

    /// As [`counter`].
    #[inline]
    pub fn counter(&mut self) -> Option<Option<i64>> {
        match self.digits()? {
            (_, 0) => Some(None),
            (c, _) if c <= i64::MAX as u64 => Some(Some(c as i64)),
            _ => None,
        }
    }

    /// A number from 0 to 255 (an IANA protocol number).
    #[inline]
    pub fn byte(&mut self) -> Option<u8> {
        match self.digits()? {
            (v, n) if n > 0 && v <= 255 => Some(v as u8),
            _ => None,
        }
    }

    /// An IPv4 address, as [`ip`] accepts it: four octets of one to three digits, no
    /// leading zero, none over 255.
    #[inline]
    pub fn ipv4(&mut self) -> Option<&'a str> {
        if self.ended {
            return None;
        }
        let b = self.text.as_bytes();
        let digit = |i: usize| b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d <= 9);
        let from = self.at;
        let mut i = from;
        for octet in 0..4 {
            if octet > 0 {
                if b.get(i) != Some(&b'.') {
                    return None;
                }
                i += 1;
            }
            let first = digit(i)?;
            i += 1;
            if let Some(second) = digit(i) {
                if first == 0 {
                    return None;
                }
                i += 1;
                if let Some(third) = digit(i) {
                    i += 1;
                    if u32::from(first) * 100 + u32::from(second) * 10 + u32::from(third) > 255 {
                        return None;
                    }
                }
            }
        }
        self.at = i;
        // Digits and dots are ASCII: both ends are character boundaries.
        let ip = self.text.get(from..i)?;
        // A fourth digit or a fifth octet is not a field end: refused here.
        self.field_end()?;
        Some(ip)
    }

    /// A one-letter code from `allowed`: its index there.
    #[inline]
    pub fn letter(&mut self, allowed: &[u8]) -> Option<u8> {
        if self.ended {
            return None;
        }
        let c = *self.text.as_bytes().get(self.at)?;
        let k = allowed.iter().position(|a| *a == c)?;
        self.at += 1;
        self.field_end()?;
        Some(k as u8)
    }

    /// Any text up to the next comma.
    #[inline]
    pub fn text(&mut self) -> Option<&'a str> {
        if self.ended {
            return None;
        }
        let from = self.at;
        let b = self.text.as_bytes();
        while self.at < b.len() && b[self.at] != b',' {
            self.at += 1;
        }
        // `,` is ASCII, so both ends are character boundaries.
        let t = self.text.get(from..self.at)?;
        self.field_end()?;
        Some(t)
    }

    /// The last field ended the text: no field missing, none extra.
    #[inline]
    pub fn finish(&self) -> Option<()> {
        self.ended.then_some(())
    }
}

/// Decimal digits only (no sign, no spaces), without overflow.
fn unsigned(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for b in text.bytes() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        // 19 digits fit in a u64.
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// A port: 0 to 65535; empty is null.
pub(crate) fn port(text: &str) -> Result<Option<i32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match unsigned(text) {
        Some(p) if p <= 65535 => Ok(Some(p as i32)),
        _ => Err(format!("{text:?} is not a port number")),
    }
}

/// A packet or byte counter: a non-negative integer; empty is null.
pub(crate) fn counter(text: &str) -> Result<Option<i64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match unsigned(text) {
        Some(c) if c <= i64::MAX as u64 => Ok(Some(c as i64)),
        _ => Err(format!("{text:?} is not a count")),
    }
}

/// Epoch seconds to nanoseconds.
pub(crate) fn epoch_seconds(text: &str) -> Result<i64, String> {
    match unsigned(text) {
        // Up to year 2262, the end of nanosecond datetimes.
        Some(s) if s < 9_223_372_036 => Ok(s as i64 * 1_000_000_000),
        _ => Err(format!("{text:?} is not a Unix time in seconds")),
    }
}

/// VNet flow-log tuple times: milliseconds in the samples, seconds in one documentation
/// example. Values of 10^11 and more are taken as milliseconds (10^11 seconds is in the
/// year 5138).
pub(crate) fn epoch_seconds_or_millis(text: &str) -> Result<i64, String> {
    match unsigned(text) {
        Some(v) if (100_000_000_000..9_223_372_036_854).contains(&v) => Ok(v as i64 * 1_000_000),
        // Seconds past 2262 do not fit nanoseconds.
        Some(v) if v < 9_223_372_036 => Ok(v as i64 * 1_000_000_000),
        _ => Err(format!("{text:?} is not a Unix time in seconds or milliseconds")),
    }
}

/// One of the allowed single-letter codes: its index in `allowed`.
pub(crate) fn code(text: &str, allowed: &[&'static str], what: &str) -> Result<u8, String> {
    allowed
        .iter()
        // Codes are one or a few letters: compare bytes inline, not through memcmp.
        .position(|a| a.len() == text.len() && a.bytes().zip(text.bytes()).all(|(x, y)| x == y))
        .map(|k| k as u8)
        .ok_or_else(|| format!("{text:?} is not a {what} ({})", allowed.join(", ")))
}

/// An ISO 8601 / RFC 3339 time (a record's `time`) to nanoseconds.
pub(crate) fn iso_time(text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .and_then(|t| t.timestamp_nanos_opt())
        .ok_or_else(|| format!("{text:?} is not an ISO 8601 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_agrees_with_str_split() {
        let texts = [
            "1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A,E,1,66,1,66",
            "1542110402,94.102.49.190,10.5.16.4,28746,443,U,I,D,B,,,,",
            ",,,,,,,,,,,,,,,,,,",
            "a",
            "",
            "é,ü,,€,ab,cdefgh,ijklmnop,q",
            "\u{2c}x,\u{ac},\u{12c},,",
            "1234567,12345678,123456789,",
        ];
        for t in texts {
            let want: Vec<&str> = t.split(',').collect();
            let (got, n) = split_tuple::<13>(t);
            assert_eq!(n, want.len(), "{t:?}");
            let k = n.min(13);
            assert_eq!(&got[..k], &want[..k], "{t:?}");
        }
    }

    #[test]
    fn dotted_quads_agree_with_the_standard_parser() {
        for text in [
            "10.5.16.4",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "",
            "199.249.250.251",
            "200.1.1.1",
            "249.1.1.1",
            "250.1.1.1",
            "259.1.1.1",
            "300.1.1.1",
            "1000.1.1.1",
            "99.0.10.100",
            "1.2.3.4a",
            "99999999999999999999.1.1.1",
            "1.1.1.99999999999999",
            "0.00.0.0",
            "1.2.3.4.",
            "::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ] {
            let std_ok = text.parse::<IpAddr>().is_ok();
            assert_eq!(ip(text).is_ok(), std_ok, "{text:?}");
            // The one-pass reader takes exactly the IPv4 addresses, as a whole field.
            let mut c = Cursor::new(text);
            let fast = c.ipv4();
            assert_eq!(fast.is_some() && c.finish().is_some(), std_ok && !text.contains(':'), "{text:?}");
            let field = format!("{text},x");
            assert_eq!(Cursor::new(&field).ipv4().is_some(), std_ok && !text.contains(':'), "{field:?}");
        }
    }

    /// Every octet text of one to four digits, in the first and the last place, read near
    /// the end of the text and with a long tail: taken exactly when the standard parser
    /// takes the address.
    #[test]
    fn every_octet_agrees_with_the_standard_parser() {
        for len in 1..=4u32 {
            for value in 0..10u32.pow(len) {
                let octet = format!("{value:0len$}", len = len as usize);
                for text in [format!("{octet}.1.2.3"), format!("1.2.3.{octet}")] {
                    let want = text.parse::<std::net::Ipv4Addr>().is_ok();
                    for tail in ["", ",", ",0123456789"] {
                        let field = format!("{text}{tail}");
                        let mut c = Cursor::new(&field);
                        let got = c.ipv4() == Some(text.as_str()) && (!tail.is_empty() || c.finish().is_some());
                        assert_eq!(got, want, "{field:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn field_rules() {
        assert_eq!(split_tuple::<3>("a,b,c,d"), (["a", "b", "c"], 4));
        assert_eq!(split_tuple::<3>("a,,"), (["a", "", ""], 3));
        assert_eq!(split_tuple::<3>(""), (["", "", ""], 1));
        assert_eq!(split_tuple::<3>("é,ü"), (["é", "ü", ""], 2));
        // 19 nines overflow i64, 20 digits overflow u64: both are faults, not wraps.
        assert!(counter("9999999999999999999").is_err());
        assert!(counter("99999999999999999999").is_err());
        assert_eq!(counter("9223372036854775807"), Ok(Some(i64::MAX)));
        assert_eq!(port("443"), Ok(Some(443)));
        assert_eq!(port(""), Ok(None));
        assert!(port("65536").is_err());
        assert!(port("-1").is_err());
        assert_eq!(counter("16978"), Ok(Some(16978)));
        assert!(counter("1e3").is_err());
        assert_eq!(epoch_seconds("1542110379"), Ok(1_542_110_379_000_000_000));
        assert!(epoch_seconds("").is_err());
        assert_eq!(epoch_seconds_or_millis("1663146003599"), Ok(1_663_146_003_599_000_000));
        assert_eq!(epoch_seconds_or_millis("1663146003"), Ok(1_663_146_003_000_000_000));
        // Too large for nanoseconds as seconds, too small to be milliseconds.
        assert!(epoch_seconds_or_millis("99999999999").is_err());
        assert!(ip("10.0.0.256").is_err());
        assert!(ip("2001:db8::1").is_ok());
        assert_eq!(code("U", &["T", "U"], "protocol"), Ok(1));
        assert!(code("X", &["T", "U"], "protocol").is_err());
        // 2018-11-13T12:00:35.3899262Z: 7 fractional digits, as Azure writes them.
        assert_eq!(iso_time("2018-11-13T12:00:35.3899262Z"), Ok(1_542_110_435_389_926_200));
    }
}
