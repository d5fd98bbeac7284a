//! The terminal table: column names, a rule, the cells in their text form (numbers
//! right-aligned), and a final row count. Long cells are cut at 60 characters with `…`
//! and line breaks or tabs inside a cell are shown as `\n`, `\r`, `\t`, so every row
//! stays on one line.

use super::cells::Columns;
use crate::error::Result;
use std::io::Write;

const MAX_CELL: usize = 60;
const GAP: &str = "  ";

pub(crate) fn write_table(columns: &Columns, out: &mut dyn Write) -> Result<()> {
    // Two passes over the cells (widths, then lines) rather than holding every text.
    let mut widths: Vec<usize> = columns.names.iter().map(|n| display(n).chars().count()).collect();
    for row in 0..columns.height {
        for (c, w) in widths.iter_mut().enumerate() {
            *w = (*w).max(display(&columns.cell(c, row).text()).chars().count());
        }
    }
    let right: Vec<bool> = columns.types.iter().map(|t| t.is_numeric()).collect();
    if columns.width() > 0 {
        let names: Vec<String> = columns.names.iter().map(|n| display(n)).collect();
        write_line(out, &names, &widths, &right)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        write_line(out, &rule, &widths, &right)?;
        for row in 0..columns.height {
            let cells: Vec<String> = (0..columns.width()).map(|c| display(&columns.cell(c, row).text())).collect();
            write_line(out, &cells, &widths, &right)?;
        }
    }
    let n = columns.height;
    writeln!(out, "{n} {}", if n == 1 { "row" } else { "rows" })?;
    Ok(())
}

fn write_line(out: &mut dyn Write, cells: &[String], widths: &[usize], right: &[bool]) -> Result<()> {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        let pad = widths[i].saturating_sub(cell.chars().count());
        if right[i] {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(cell);
        } else {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{}", line.trim_end())?;
    Ok(())
}

/// A cell as shown: control characters escaped, cut to [`MAX_CELL`] characters.
fn display(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            let pair = match c {
                '\n' => Some('n'),
                '\r' => Some('r'),
                '\t' => Some('t'),
                _ => None,
            };
            match pair {
                Some(p) => vec!['\\', p],
                None => vec![c],
            }
        })
        .collect();
    if escaped.chars().count() <= MAX_CELL {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(MAX_CELL - 1).collect();
    cut.push('…');
    cut
}
