//! NDJSON: one JSON object per line, as log pipelines and `jq -c` write them. Blank lines
//! are skipped; every other line must be a whole object.

use super::json_value::Json;
use super::object_rows::ObjectRows;
use crate::error::{Error, Result};
use crate::types::{Schema, Table};
use std::path::Path;

pub(crate) fn read_ndjson(path: &Path, schema: Option<&Schema>) -> Result<Table> {
    let shown = path.display().to_string();
    let text = super::read_utf8(path, &shown)?;
    let mut rows = ObjectRows::new(false);
    let mut lines: Vec<usize> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let not_object = |detail: String| {
            Error::data(format!("{shown}: line {}: not a JSON object: {detail}", i + 1))
                .with_help("NDJSON holds one whole JSON object per line; for a single JSON document use :json")
        };
        match serde_json::from_str::<Json>(line) {
            Ok(Json::Object(object)) => rows.push(object),
            Ok(other) => return Err(not_object(format!("found {}", super::shorten(&other.to_compact())))),
            Err(e) => return Err(not_object(e.to_string())),
        }
        lines.push(i + 1);
    }
    let (schema, frame) = rows.finish(schema, &shown, &|row| format!("line {}", lines.get(row).copied().unwrap_or(0)))?;
    Ok(super::finish_table(schema, frame))
}
