//! Format detection from a file's first bytes: exports are often renamed or saved with
//! a generic extension, so the content decides and the extension only breaks ties.

use super::InputFormat;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Detects a file's format: Parquet by its `PAR1` magic; JSON by its first character
/// (`[` is CLI output, `{` is either the query API's single document or NDJSON, told
/// apart by whether the first line is a whole object without a `tables` key); anything
/// else that is text is CSV.
pub fn detect_format(path: &Path) -> Result<InputFormat> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let mut head = Vec::new();
    file.by_ref().take(1 << 20).read_to_end(&mut head).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let hint = extension_hint(path);
    if head.starts_with(b"PAR1") {
        return Ok(InputFormat::Parquet);
    }
    if hint == Some(InputFormat::Parquet) {
        return Err(Error::data(format!("{shown}: not a Parquet file (it does not start with PAR1)"))
            .with_help("name the real format with :FORMAT, e.g. NAME=PATH:csv"));
    }
    if head.starts_with(b"\x1f\x8b") {
        return Err(Error::data(format!("{shown}: the file is gzip-compressed"))
            .with_help("decompress it first (gunzip); flowkql reads plain files"));
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let Some(first) = text.iter().position(|c| !c.is_ascii_whitespace()) else {
        return hint.ok_or_else(|| Error::data(format!("{shown}: the file is empty")).with_help("name its format with NAME=PATH:FORMAT"));
    };
    let text = &text[first..];
    if text.contains(&0) {
        return Err(Error::data(format!("{shown}: not a text file flowkql can read"))
            .with_help("the formats are csv, json, cli-json, ndjson and parquet; name one with NAME=PATH:FORMAT"));
    }
    if let Err(e) = std::str::from_utf8(valid_prefix(text)) {
        let line = head[..head.len() - text.len() + e.valid_up_to()].iter().filter(|&&c| c == b'\n').count() + 1;
        return Err(Error::data(format!("{shown}: line {line}: the text is not valid UTF-8"))
            .with_help("save the export as UTF-8 (for example: iconv -f latin1 -t utf-8)"));
    }
    Ok(match text[0] {
        b'[' => InputFormat::CliJson,
        b'{' => json_object_kind(text),
        _ => InputFormat::Csv,
    })
}

/// The longest prefix that does not end inside a UTF-8 sequence cut by the 1 MiB read.
fn valid_prefix(text: &[u8]) -> &[u8] {
    match std::str::from_utf8(text) {
        Ok(_) => text,
        Err(e) if e.error_len().is_none() => &text[..e.valid_up_to()],
        Err(_) => text,
    }
}

fn json_object_kind(text: &[u8]) -> InputFormat {
    let line = text.split(|&c| c == b'\n').next().unwrap_or(text);
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line) {
        Ok(obj) if !obj.contains_key("tables") && !obj.contains_key("Tables") => InputFormat::Ndjson,
        _ => InputFormat::QueryApiJson,
    }
}

fn extension_hint(path: &Path) -> Option<InputFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" => InputFormat::Csv,
        "json" => InputFormat::QueryApiJson,
        "ndjson" | "jsonl" => InputFormat::Ndjson,
        "parquet" | "pq" => InputFormat::Parquet,
        _ => return None,
    })
}
