//! Checks and conversions for single fields of a flow tuple or an AWS record. Each
//! returns the reason as text so the caller can name the file, record and field.

use std::net::IpAddr;

/// Splits a comma-separated tuple into at most `N` fields; the count is returned
/// separately so that a wrong count can be reported.
pub(crate) fn split_tuple<const N: usize>(tuple: &str) -> ([&str; N], usize) {
    let mut fields = [""; N];
    let mut n = 0;
    for part in tuple.split(',') {
        if n < N {
            fields[n] = part;
        }
        n += 1;
    }
    (fields, n)
}

pub(crate) fn ip(text: &str) -> Result<(), String> {
    text.parse::<IpAddr>().map(|_| ()).map_err(|_| format!("{text:?} is not an IP address"))
}

fn unsigned(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
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
        Some(v) if v < 100_000_000_000 => Ok(v as i64 * 1_000_000_000),
        _ => Err(format!("{text:?} is not a Unix time in seconds or milliseconds")),
    }
}

/// One of the allowed single-letter codes; the static text is returned so that rows do
/// not borrow the input.
pub(crate) fn code(text: &str, allowed: &[&'static str], what: &str) -> Result<&'static str, String> {
    allowed.iter().find(|a| **a == text).copied().ok_or_else(|| format!("{text:?} is not a {what} ({})", allowed.join(", ")))
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
    fn field_rules() {
        assert_eq!(split_tuple::<3>("a,b,c,d"), (["a", "b", "c"], 4));
        assert_eq!(split_tuple::<3>("a,,"), (["a", "", ""], 3));
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
        assert!(ip("10.0.0.256").is_err());
        assert!(ip("2001:db8::1").is_ok());
        assert_eq!(code("T", &["T", "U"], "protocol"), Ok("T"));
        assert!(code("X", &["T", "U"], "protocol").is_err());
        // 2018-11-13T12:00:35.3899262Z: 7 fractional digits, as Azure writes them.
        assert_eq!(iso_time("2018-11-13T12:00:35.3899262Z"), Ok(1_542_110_435_389_926_200));
    }
}
