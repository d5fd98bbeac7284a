//! `az monitor log-analytics query` output: a JSON array of objects, one per row of
//! every result table, each value passed through Python's `str()` (so `"20839"`,
//! `"True"`, and `"None"` for null), with a `TableName` key first (FORMATS.md 7.2).
//! Only the rows of the first table are kept, and `TableName` is not a column.

use super::json_value::Json;
use super::object_rows::ObjectRows;
use crate::error::{Error, Result};
use crate::types::{Schema, Table};
use std::path::Path;

pub(crate) fn read_cli_json(path: &Path, schema: Option<&Schema>) -> Result<Table> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let items: Vec<Json> = serde_json::from_slice(bytes).map_err(|e| {
        Error::data(format!("{shown}: not a JSON array of row objects: {e}"))
            .with_help("this reader expects `az monitor log-analytics query` output: [{\"TableName\": ..., \"col\": \"value\"}, ...]")
    })?;
    let mut rows = ObjectRows::new(true);
    let mut positions: Vec<usize> = Vec::new();
    let mut first_table: Option<Json> = None;
    for (i, item) in items.into_iter().enumerate() {
        let Json::Object(mut object) = item else {
            return Err(Error::data(format!("{shown}: element {} of the array is not an object", i + 1)));
        };
        let table = object.iter().position(|(k, _)| k == "TableName").map(|i| object.remove(i).1);
        match (&first_table, table) {
            (None, t) => first_table = Some(t.unwrap_or(Json::Null)),
            (Some(first), Some(t)) if *first != t => continue,
            _ => {}
        }
        rows.push(object);
        positions.push(i);
    }
    let locate = |row: usize| format!("object {}", positions.get(row).map_or(0, |p| p + 1));
    let (schema, frame) = rows.finish(schema, &shown, &locate)?;
    Ok(super::finish_table(schema, frame))
}
