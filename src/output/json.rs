//! JSON in the Log Analytics query API's shape, and NDJSON with one object per row.
//!
//! Values: numbers as JSON numbers (reals in their text form, which is valid JSON; NaN
//! and infinities, which JSON lacks, as the strings `"NaN"`, `"Infinity"`,
//! `"-Infinity"`), bools as JSON booleans, datetimes and timespans as strings in their
//! text form, and dynamic values as JSON values, so a reader gets arrays and bags back
//! rather than text to parse again.

use super::cells::{Cell, Columns};
use crate::error::Result;
use crate::text;
use std::io::Write;

/// `{"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[[...]]}]}`,
/// one row per line so that large results stay readable and diffable.
pub(crate) fn write_json(columns: &Columns, out: &mut dyn Write) -> Result<()> {
    let mut head = String::from("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[");
    for (i, (name, ty)) in columns.names.iter().zip(&columns.types).enumerate() {
        if i > 0 {
            head.push(',');
        }
        head.push_str("{\"name\":");
        push_string(&mut head, name);
        head.push_str(",\"type\":\"");
        head.push_str(ty.name());
        head.push_str("\"}");
    }
    head.push_str("],\"rows\":[");
    out.write_all(head.as_bytes())?;
    let mut line = String::new();
    for row in 0..columns.height {
        line.clear();
        line.push_str(if row == 0 { "\n[" } else { ",\n[" });
        for c in 0..columns.width() {
            if c > 0 {
                line.push(',');
            }
            push_value(&mut line, columns.cell(c, row));
        }
        line.push(']');
        out.write_all(line.as_bytes())?;
    }
    out.write_all(b"\n]}]}\n")?;
    Ok(())
}

/// One JSON object per row, keys in column order.
pub(crate) fn write_ndjson(columns: &Columns, out: &mut dyn Write) -> Result<()> {
    let keys: Vec<String> = columns
        .names
        .iter()
        .map(|n| {
            let mut k = String::new();
            push_string(&mut k, n);
            k
        })
        .collect();
    let mut line = String::new();
    for row in 0..columns.height {
        line.clear();
        line.push('{');
        for (c, key) in keys.iter().enumerate() {
            if c > 0 {
                line.push(',');
            }
            line.push_str(key);
            line.push(':');
            push_value(&mut line, columns.cell(c, row));
        }
        line.push_str("}\n");
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn push_value(out: &mut String, cell: Cell) {
    match cell {
        Cell::Null => out.push_str("null"),
        Cell::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Cell::Integer(i) => out.push_str(&i.to_string()),
        Cell::Real(f) if f.is_finite() => out.push_str(&text::format_real(f)),
        Cell::Real(f) => push_string(out, &text::format_real(f)),
        Cell::Text(s) => push_string(out, s),
        // Dynamic text is compact JSON already; anything that is not (which would be a
        // bug upstream) is kept as a string rather than corrupting the document.
        Cell::Json(j) if serde_json::from_str::<serde::de::IgnoredAny>(j).is_ok() => out.push_str(j),
        Cell::Json(j) => push_string(out, j),
        Cell::DateTime(n) => push_string(out, &text::format_datetime(n)),
        Cell::TimeSpan(n) => push_string(out, &text::format_timespan(n)),
    }
}

fn push_string(out: &mut String, s: &str) {
    // Serialising a `str` cannot fail; the fallback only keeps the signature total.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string()));
}
