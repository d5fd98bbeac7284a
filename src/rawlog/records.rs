//! Splits a JSON flow-log blob into the byte ranges of its records, before any record is
//! parsed. Knowing each record's extent lets a malformed or truncated record be named
//! (and, with `--lenient`, skipped) while the others are still read, and lets a large
//! blob be parsed record by record in parallel.
//!
//! Three layouts are accepted: the `{"records":[...]}` envelope Azure writes, a bare
//! array of records, and records one after another (one per line, as exporters write
//! them). A UTF-8 byte-order mark in front is ignored.

use memchr::memchr2;

/// What ended the scan early. The records before it are complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tail {
    /// The document ended inside record `record` (1-based): a blob still being written.
    Truncated { record: usize },
    /// The envelope never closed: the document stops after record `after` without `]}`.
    Unclosed { after: usize },
    /// Something that is not a record separator where one was expected.
    Junk { record: usize, found: String },
}

#[derive(Debug)]
pub(crate) struct Split<'a> {
    pub records: Vec<&'a [u8]>,
    pub tail: Option<Tail>,
}

/// Drops a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end (exclusive) of the string whose opening quote is at `i`, or `None` at EOF.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        let k = i + memchr2(b'"', b'\\', &b[i..])?;
        if b[k] == b'"' {
            return Some(k + 1);
        }
        // A backslash escapes the next byte, whatever it is.
        i = k + 2;
        if i > b.len() {
            return None;
        }
    }
}

/// The end (exclusive) of the JSON value starting at `i`, or `None` when the input
/// ends first. Only nesting and strings are tracked: the value's own grammar is checked
/// later by the parser.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut k = i;
            while k < b.len() {
                match b[k] {
                    b'"' => {
                        k = string_end(b, k)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(k + 1);
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            None
        }
        _ => {
            let mut k = i;
            while k < b.len() && !matches!(b[k], b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                k += 1;
            }
            Some(k)
        }
    }
}

/// A short quote of the text at `i` (a byte offset after any byte-order mark).
fn describe(b: &[u8], i: usize) -> String {
    let i = i.min(b.len());
    let end = (i + 20).min(b.len());
    let text = String::from_utf8_lossy(&b[i..end]);
    format!("{:?} at byte {}", text, i)
}

/// Splits `bytes` into records. `Err` when the text is not a JSON object or array at all.
pub(crate) fn split(bytes: &[u8]) -> Result<Split<'_>, String> {
    let b = strip_bom(bytes);
    let mut records = Vec::new();
    let mut i = skip_ws(b, 0);
    if i == b.len() {
        return Ok(Split { records, tail: None });
    }
    let in_array = match b[i] {
        b'[' => {
            i += 1;
            true
        }
        b'{' => {
            let k = skip_ws(b, i + 1);
            let key = if b.get(k) == Some(&b'"') { string_end(b, k).map(|e| &b[k..e]) } else { None };
            if key == Some(b"\"records\"".as_slice()) {
                let mut j = skip_ws(b, k + 9);
                if b.get(j) != Some(&b':') {
                    return Err(format!("expected `:` after \"records\", found {}", describe(b, j)));
                }
                j = skip_ws(b, j + 1);
                if b.get(j) != Some(&b'[') {
                    return Err(format!("expected the records array after \"records\":, found {}", describe(b, j)));
                }
                i = j + 1;
                true
            } else {
                false
            }
        }
        _ => return Err(format!("not JSON: starts with {}", describe(b, i))),
    };
    let tail = if in_array { scan_array(b, i, &mut records) } else { scan_sequence(b, i, &mut records) };
    Ok(Split { records, tail })
}

/// Elements of a JSON array whose `[` is just before `i`, then the envelope's closing.
fn scan_array<'a>(b: &'a [u8], mut i: usize, records: &mut Vec<&'a [u8]>) -> Option<Tail> {
    loop {
        i = skip_ws(b, i);
        if i >= b.len() {
            return Some(Tail::Unclosed { after: records.len() });
        }
        if b[i] == b']' {
            // `]` then, for the envelope, `}`; anything else after it is junk.
            let mut k = skip_ws(b, i + 1);
            if b.get(k) == Some(&b'}') {
                k = skip_ws(b, k + 1);
            }
            return (k < b.len()).then(|| Tail::Junk { record: records.len() + 1, found: describe(b, k) });
        }
        if !records.is_empty() {
            if b[i] != b',' {
                return Some(Tail::Junk { record: records.len() + 1, found: describe(b, i) });
            }
            i = skip_ws(b, i + 1);
            if i >= b.len() {
                return Some(Tail::Unclosed { after: records.len() });
            }
        }
        match value_end(b, i) {
            Some(end) => {
                records.push(&b[i..end]);
                i = end;
            }
            None => return Some(Tail::Truncated { record: records.len() + 1 }),
        }
    }
}

/// Records one after another, separated by whitespace (JSON lines).
fn scan_sequence<'a>(b: &'a [u8], mut i: usize, records: &mut Vec<&'a [u8]>) -> Option<Tail> {
    loop {
        i = skip_ws(b, i);
        if i >= b.len() {
            return None;
        }
        if b[i] != b'{' {
            return Some(Tail::Junk { record: records.len() + 1, found: describe(b, i) });
        }
        match value_end(b, i) {
            Some(end) => {
                records.push(&b[i..end]);
                i = end;
            }
            None => return Some(Tail::Truncated { record: records.len() + 1 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &Split) -> Vec<String> {
        s.records.iter().map(|r| String::from_utf8_lossy(r).into_owned()).collect()
    }

    #[test]
    fn envelope_lines_and_array() {
        let s = split(br#"{"records":[{"a":"}"},{"b":[1,{"c":"\""}]}]}"#).unwrap();
        assert_eq!(texts(&s), vec![r#"{"a":"}"}"#, r#"{"b":[1,{"c":"\""}]}"#]);
        assert_eq!(s.tail, None);
        let s = split(b"\xEF\xBB\xBF{\"x\":1}\n{\"y\":2}\n").unwrap();
        assert_eq!(texts(&s), vec![r#"{"x":1}"#, r#"{"y":2}"#]);
        assert_eq!(s.tail, None);
        let s = split(b" [ {\"x\":1} , {\"y\":2} ] ").unwrap();
        assert_eq!(s.records.len(), 2);
        assert_eq!(s.tail, None);
        assert_eq!(split(b"").unwrap().records.len(), 0);
    }

    #[test]
    fn truncated_unclosed_and_junk() {
        let s = split(br#"{"records":[{"a":1},{"b":"x"#).unwrap();
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.tail, Some(Tail::Truncated { record: 2 }));
        let s = split(br#"{"records":[{"a":1},"#).unwrap();
        assert_eq!(s.tail, Some(Tail::Unclosed { after: 1 }));
        let s = split(br#"{"records":[{"a":1} {"b":2}]}"#).unwrap();
        assert!(matches!(s.tail, Some(Tail::Junk { record: 2, .. })));
        let s = split(br#"{"records":[{"a":1}]} x"#).unwrap();
        assert!(matches!(s.tail, Some(Tail::Junk { record: 2, .. })));
        let s = split(b"{\"a\":1}\n{\"b\":").unwrap();
        assert_eq!(s.tail, Some(Tail::Truncated { record: 2 }));
        assert!(split(b"version account-id").is_err());
        // Faults right at the end, with a byte-order mark in front, quote safely.
        assert!(split(b"\xEF\xBB\xBF{\"records\"").is_err());
        assert!(split(b"\xEF\xBB\xBF{\"records\":").is_err());
        assert!(split(b"\xEF\xBB\xBFx").is_err());
        // An escaped backslash right before the closing quote.
        let s = split(br#"{"records":[{"a":"\\"}]}"#).unwrap();
        assert_eq!(texts(&s), vec![r#"{"a":"\\"}"#]);
    }
}
