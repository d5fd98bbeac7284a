//! CSV: the Log Analytics portal's "Export to CSV" and the CSV flowkql writes itself.
//!
//! Polars' reader does the bulk work with every column read as text; this module adds
//! what a portal export needs around it: the header's ` [UTC]` suffixes (FORMATS.md 7.1),
//! column types (see `typing`), and record-level checks Polars does not make (a short
//! record is padded with nulls by Polars; here it is an error naming its line).

use super::typing::{self, BadCell, Origin};
use crate::error::{Error, Result};
use crate::types::{KqlType, Schema, Table};
use polars::prelude::*;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Reads a CSV file with a header row.
pub(crate) fn read_csv(path: &Path, schema: Option<&Schema>) -> Result<Table> {
    let shown = path.display().to_string();
    let header = read_header(path)?;
    let names: Vec<String> = header.iter().map(|h| h.name.clone()).collect();
    let text_schema: polars::prelude::Schema = names.iter().map(|n| Field::new(n.as_str().into(), DataType::String)).collect();
    let read = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(text_schema)))
        .map_parse_options(|o| o.with_missing_is_null(true))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish());
    let mut frame = match read {
        Ok(df) => df,
        Err(e) => {
            // Polars names no line for these; find it.
            check_utf8(path)?;
            check_records(path, names.len())?;
            return Err(Error::data(format!("{shown}: cannot read as CSV: {e}")));
        }
    };
    // A short record and a blank line both come back as trailing nulls; only then is the
    // file scanned again, so well-formed exports pay nothing for the check.
    if let Some(last) = frame.columns().last() {
        if last.null_count() > 0 {
            let blank_rows = check_records(path, names.len())?;
            if !blank_rows.is_empty() {
                frame = drop_rows(&frame, &blank_rows)?;
            }
        }
    }

    let mut columns = Vec::with_capacity(header.len());
    let mut kusto = Vec::with_capacity(header.len());
    for (h, col) in header.iter().zip(frame.columns()) {
        let text = col.str().map_err(|e| Error::runtime(e.to_string()))?;
        let declared = match h.zone_offset_ns {
            Some(_) => Some((KqlType::DateTime, Origin::ZoneHeader)),
            None => typing::declared_type(&h.name, schema),
        };
        let (ty, series) = match declared {
            Some((ty, origin)) => {
                let series = typing::convert_text(text, ty, h.zone_offset_ns.unwrap_or(0))
                    .map_err(|bad| value_error(path, &h.name, ty, &origin, &bad))?;
                (ty, series)
            }
            None => typing::infer_and_convert(text),
        };
        columns.push(series.into_column());
        kusto.push((h.name.clone(), ty));
    }
    let height = frame.height();
    let frame = DataFrame::new(height, columns).map_err(|e| Error::runtime(e.to_string()))?;
    Ok(super::finish_table(Schema::new(kusto), frame))
}

struct HeaderColumn {
    name: String,
    /// `Some` when the header carried a ` [zone]` suffix: the column is a datetime
    /// displayed in that zone.
    zone_offset_ns: Option<i64>,
}

fn read_header(path: &Path) -> Result<Vec<HeaderColumn>> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let mut head = Vec::new();
    file.by_ref().take(1 << 20).read_to_end(&mut head).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let Some(record) = Records::new(head).next() else {
        return Err(Error::data(format!("{shown}: the file is empty; a CSV export starts with a header row")));
    };
    let fields = split_record(&head[record.start..record.end]);
    let mut out: Vec<HeaderColumn> = Vec::with_capacity(fields.len());
    for (i, raw) in fields.iter().enumerate() {
        let raw = String::from_utf8_lossy(raw);
        let (name, zone) = split_zone(raw.trim());
        if name.is_empty() {
            return Err(Error::data(format!("{shown}: header field {} is empty", i + 1))
                .with_help("every column of a Log Analytics export has a name; is the first line a header?"));
        }
        let zone_offset_ns = match zone {
            None => None,
            Some(z) => Some(zone_offset(z).ok_or_else(|| {
                Error::data(format!("{shown}: column '{raw}': unknown time zone '{z}'")).with_help(
                    "set the portal's display time zone to UTC before exporting, or write the header as 'Name [UTC]' or 'Name [UTC+02:00]'",
                )
            })?),
        };
        if out.iter().any(|h| h.name == name) {
            return Err(Error::data(format!("{shown}: column '{name}' appears twice in the header")));
        }
        out.push(HeaderColumn { name: name.to_string(), zone_offset_ns });
    }
    Ok(out)
}

/// `TimeGenerated [UTC]` -> (`TimeGenerated`, `UTC`).
fn split_zone(header: &str) -> (&str, Option<&str>) {
    if let Some(inner) = header.strip_suffix(']') {
        if let Some(open) = inner.rfind(" [") {
            return (inner[..open].trim_end(), Some(&inner[open + 2..]));
        }
    }
    (header, None)
}

/// Offset east of UTC in nanoseconds, for `UTC`, `GMT`, `UTC+02:00`, `UTC-5`.
fn zone_offset(zone: &str) -> Option<i64> {
    let z = zone.trim();
    let rest = z.strip_prefix("UTC").or_else(|| z.strip_prefix("GMT"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m) * 60_000_000_000)
}

/// One CSV record found by [`Records`]: its byte range (without the line break), the
/// line it starts on, and how many fields it has.
#[derive(Debug, Clone, Copy)]
struct Record {
    start: usize,
    end: usize,
    line: usize,
    fields: usize,
}

/// Splits bytes into RFC 4180 records: quoted fields may hold separators, quotes (as
/// `""`) and line breaks.
struct Records<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Records<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Records { bytes, pos: 0, line: 1 }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let (start, line) = (self.pos, self.line);
        let mut fields = 1;
        let mut quoted = false;
        let mut field_start = true;
        let mut i = start;
        while i < self.bytes.len() {
            let c = self.bytes[i];
            match c {
                // A quote opens a field only at its start; inside one, `""` is a quote.
                b'"' if quoted && self.bytes.get(i + 1) == Some(&b'"') => i += 1,
                b'"' if quoted || field_start => quoted = !quoted,
                b',' if !quoted => fields += 1,
                b'\n' => {
                    self.line += 1;
                    if !quoted {
                        break;
                    }
                }
                _ => {}
            }
            field_start = c == b',' && !quoted;
            i += 1;
        }
        self.pos = i + 1;
        let mut end = i.min(self.bytes.len());
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(Record { start, end, line, fields })
    }
}

fn split_record(record: &[u8]) -> Vec<Vec<u8>> {
    let mut fields = vec![Vec::new()];
    let mut quoted = false;
    let mut i = 0;
    while i < record.len() {
        let c = record[i];
        match c {
            b'"' if quoted && record.get(i + 1) == Some(&b'"') => {
                if let Some(f) = fields.last_mut() {
                    f.push(b'"');
                }
                i += 1;
            }
            b'"' => quoted = !quoted,
            b',' if !quoted => fields.push(Vec::new()),
            _ => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
        i += 1;
    }
    fields
}

/// Scans the whole file for records whose field count differs from the header's; the
/// first one is an error. Blank lines are skipped (their zero-based data row indices are
/// returned so the rows Polars made of them can be dropped), except in a one-column file
/// where a blank line is an empty value.
fn check_records(path: &Path, width: usize) -> Result<Vec<usize>> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut blanks = Vec::new();
    for (row, rec) in Records::new(bytes).skip(1).enumerate() {
        if rec.start == rec.end && width > 1 {
            blanks.push(row);
            continue;
        }
        if rec.fields != width {
            return Err(Error::data(format!(
                "{shown}: line {}: the record has {} fields but the header has {width}",
                rec.line, rec.fields
            ))
            .with_help("a field holding a comma, quote or line break must be quoted (\"...\", with \"\" for a quote)"));
        }
    }
    Ok(blanks)
}

fn check_utf8(path: &Path) -> Result<()> {
    super::read_utf8(path, &path.display().to_string())
        .map(drop)
        .map_err(|e| e.with_help("save the export as UTF-8 (for example: iconv -f latin1 -t utf-8)"))
}

fn drop_rows(frame: &DataFrame, rows: &[usize]) -> Result<DataFrame> {
    let mut keep = vec![true; frame.height()];
    for &r in rows {
        if let Some(k) = keep.get_mut(r) {
            *k = false;
        }
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    frame.filter(&mask).map_err(|e| Error::runtime(e.to_string()))
}

/// The line of data row `row` (zero-based), found by scanning the file again: records
/// may span lines, so the row index alone does not give it.
fn line_of_row(path: &Path, row: usize) -> Option<usize> {
    let bytes = std::fs::read(path).ok()?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let width = Records::new(bytes).next()?.fields;
    Records::new(bytes).skip(1).filter(|r| width == 1 || r.start != r.end).nth(row).map(|r| r.line)
}

fn value_error(path: &Path, column: &str, ty: KqlType, origin: &Origin, bad: &BadCell) -> Error {
    let place = match line_of_row(path, bad.row) {
        Some(line) => format!("line {line}"),
        None => format!("data row {}", bad.row + 1),
    };
    Error::data(format!("{}: {place}, column '{column}': \"{}\" is not a {ty}", path.display(), super::shorten(&bad.text)))
        .with_help(origin.explain(ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones() {
        assert_eq!(split_zone("TimeGenerated [UTC]"), ("TimeGenerated", Some("UTC")));
        assert_eq!(split_zone("Name"), ("Name", None));
        assert_eq!(zone_offset("UTC"), Some(0));
        assert_eq!(zone_offset("UTC+02:00"), Some(7_200_000_000_000));
        assert_eq!(zone_offset("UTC-5"), Some(-18_000_000_000_000));
        assert_eq!(zone_offset("Pacific Time"), None);
    }

    #[test]
    fn records_follow_quotes_across_lines() {
        let text = b"a,b\r\n\"x,\"\"y\"\"\nz\",2\n\n3,4\nab\"c,\"d\"\"\",e\"\n";
        let recs: Vec<(usize, usize)> = Records::new(text).map(|r| (r.line, r.fields)).collect();
        assert_eq!(recs, vec![(1, 2), (2, 2), (4, 1), (5, 2), (6, 3)]);
        assert_eq!(split_record(b"\"x,\"\"y\"\"\",2"), vec![b"x,\"y\"".to_vec(), b"2".to_vec()]);
    }
}
