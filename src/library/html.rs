//! HTML pieces for the hunt report: escaping and a result as an HTML table. Every text
//! that reaches the page (query text, titles, cell values, error messages) goes through
//! [`escape`].

use crate::text::format_value;
use crate::types::{KqlType, ResultTable};
use polars::prelude::AnyValue;
use std::fmt::Write;

/// Text made safe for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A fragment id from a library name: `nsg/denied-inbound` -> `q-nsg-denied-inbound`.
pub fn anchor(name: &str) -> String {
    let mut id = String::from("q-");
    for c in name.chars() {
        id.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' });
    }
    id
}

/// The first `max_rows` rows of a result as a `<table>`, numbers right-aligned, each
/// header naming its Kusto type on hover.
pub fn result_table(result: &ResultTable, max_rows: usize) -> String {
    let mut html = String::from("<table class=\"result\">\n<thead><tr>");
    for (name, ty) in &result.schema.columns {
        let _ = write!(html, "<th title=\"{}\">{}</th>", escape(ty.name()), escape(name));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let rows = result.frame.height().min(max_rows);
    let columns = result.frame.columns();
    for i in 0..rows {
        html.push_str("<tr>");
        for (column, (_, ty)) in columns.iter().zip(&result.schema.columns) {
            let text = match column.get(i) {
                Ok(AnyValue::Null) | Err(_) => String::new(),
                Ok(v) => format_value(&v, *ty),
            };
            let class = if is_numeric(*ty) { " class=\"num\"" } else { "" };
            let _ = write!(html, "<td{class}>{}</td>", escape(&text));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

fn is_numeric(ty: KqlType) -> bool {
    ty.is_numeric() || ty == KqlType::TimeSpan
}

/// An SVG chart from the renderer, checked to be a lone `<svg>` element with no
/// scripts or links before it goes inline into the page.
pub fn inline_svg(svg: &str) -> Option<&str> {
    let trimmed = svg.trim();
    let lower = trimmed.to_ascii_lowercase();
    // An event-handler attribute (`onload=`) inside any tag.
    let handler = regex::Regex::new(r"<[^>]*\son[a-z]+\s*=").map(|re| re.is_match(&lower)).unwrap_or(true);
    let safe = lower.starts_with("<svg")
        && lower.ends_with("</svg>")
        && !lower.contains("<script")
        && !lower.contains("href")
        && !lower.contains("<foreignobject")
        && !handler;
    safe.then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(anchor("threat-intel/NSG flows"), "q-threat-intel-nsg-flows");
    }

    #[test]
    fn only_plain_svg_goes_inline() {
        assert!(inline_svg("<svg width=\"1\"><text>a &lt;b&gt;</text></svg>\n").is_some());
        assert!(inline_svg("<svg><script>alert(1)</script></svg>").is_none());
        assert!(inline_svg("<svg onload=\"x()\"></svg>").is_none());
        assert!(inline_svg("<p>not svg</p>").is_none());
        assert!(inline_svg("<svg><text>Denied flows on port=22</text></svg>").is_some());
    }
}
