//! CSV: a header of column names, then one record per row, cells in their text form
//! (see `text`), fields quoted only when RFC 4180 requires it (a comma, quote or line
//! break inside). Records end in `\n`. Reading the file back with `source` gives the same
//! values; types come back from the values themselves, since CSV carries none.

use super::cells::Columns;
use crate::error::Result;
use std::io::Write;

pub(crate) fn write_csv(columns: &Columns, out: &mut dyn Write) -> Result<()> {
    let mut line = String::new();
    for (i, name) in columns.names.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_field(&mut line, name, false);
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    // In a one-column file an empty value would be a blank line, which readers skip.
    let quote_empty = columns.width() == 1;
    for row in 0..columns.height {
        line.clear();
        for c in 0..columns.width() {
            if c > 0 {
                line.push(',');
            }
            push_field(&mut line, &columns.cell(c, row).text(), quote_empty);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn push_field(line: &mut String, text: &str, quote_empty: bool) {
    if text.contains([',', '"', '\n', '\r']) || (quote_empty && text.is_empty()) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}
