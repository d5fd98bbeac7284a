//! Rows given as JSON objects (NDJSON lines, `az` CLI output) into typed columns.
//!
//! Objects need not share keys: a column is the union of them in first-seen order, and a
//! key an object lacks is null there. JSON types guide inference (numbers, booleans,
//! arrays and bags); strings go through the same text rules as CSV cells, since both the
//! CLI and most NDJSON writers put datetimes, timespans and often numbers in strings.

use super::json_value::{push_json_string, Json};
use super::scalar;
use super::typing::{self, BadCell};
use crate::error::{Error, Result};
use crate::types::{KqlType, Schema};
use polars::prelude::*;
use std::collections::HashMap;

pub(crate) struct ObjectRows {
    columns: Vec<RawColumn>,
    index: HashMap<String, usize>,
    rows: usize,
    /// The CLI prints a null as Python's `None`.
    none_is_null: bool,
}

struct RawColumn {
    name: String,
    /// The cell's text: a string as it is, any other JSON value as compact JSON.
    values: Vec<Option<String>>,
    /// Whether the cell was a JSON value other than a string.
    json: Vec<bool>,
    kinds: Kinds,
    /// Rows where `None` was taken for null; a column that stays a string gets the
    /// word back, since a Kusto string is never null and so `None` was its value.
    none_rows: Vec<usize>,
}

#[derive(Default, Clone, Copy)]
struct Kinds {
    string: bool,
    boolean: bool,
    integer: bool,
    float: bool,
    nested: bool,
}

impl ObjectRows {
    pub(crate) fn new(none_is_null: bool) -> Self {
        ObjectRows { columns: Vec::new(), index: HashMap::new(), rows: 0, none_is_null }
    }

    pub(crate) fn push(&mut self, object: Vec<(String, Json)>) {
        let row = self.rows;
        for (key, value) in object {
            let i = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.index.insert(key.clone(), self.columns.len());
                    self.columns.push(RawColumn {
                        name: key,
                        values: vec![None; row],
                        json: vec![false; row],
                        kinds: Kinds::default(),
                        none_rows: Vec::new(),
                    });
                    self.columns.len() - 1
                }
            };
            let column = &mut self.columns[i];
            if column.values.len() > row {
                continue; // a repeated key: the first one wins, as serde_json keeps only one anyway
            }
            let (text, is_json) = match value {
                Json::Null => (None, false),
                Json::Str(s) if self.none_is_null && s == "None" => {
                    column.none_rows.push(row);
                    (None, false)
                }
                Json::Str(s) => {
                    column.kinds.string = true;
                    (Some(s), false)
                }
                Json::Bool(b) => {
                    column.kinds.boolean = true;
                    (Some(b.to_string()), true)
                }
                number @ (Json::Int(_) | Json::UInt(_)) => {
                    column.kinds.integer = true;
                    (Some(number.to_compact()), true)
                }
                number @ Json::Float(_) => {
                    column.kinds.float = true;
                    (Some(number.to_compact()), true)
                }
                nested => {
                    column.kinds.nested = true;
                    (Some(nested.to_compact()), true)
                }
            };
            column.values.push(text);
            column.json.push(is_json);
        }
        self.rows += 1;
        for column in &mut self.columns {
            if column.values.len() < self.rows {
                column.values.push(None);
                column.json.push(false);
            }
        }
    }

    /// Types and converts every column. `locate` names a row for an error (`line 12`).
    pub(crate) fn finish(self, schema: Option<&Schema>, path: &str, locate: &dyn Fn(usize) -> String) -> Result<(Schema, DataFrame)> {
        let height = self.rows;
        let mut kusto = Vec::with_capacity(self.columns.len());
        let mut columns = Vec::with_capacity(self.columns.len());
        for raw in self.columns {
            let declared = typing::declared_type(&raw.name, schema);
            let (ty, series) = match declared {
                Some((ty, origin)) => {
                    let series = convert(&raw, ty).map_err(|bad| {
                        Error::data(format!(
                            "{path}: {}, column '{}': \"{}\" is not a {ty}",
                            locate(bad.row),
                            raw.name,
                            super::shorten(&bad.text)
                        ))
                        .with_help(origin.explain(ty))
                    })?;
                    (ty, series)
                }
                None => infer(&raw),
            };
            kusto.push((raw.name.clone(), ty));
            columns.push(series.into_column());
        }
        let frame = DataFrame::new(height, columns).map_err(|e| Error::runtime(e.to_string()))?;
        Ok((Schema::new(kusto), frame))
    }
}

fn texts(raw: &RawColumn) -> StringChunked {
    StringChunked::from_iter_options(raw.name.as_str().into(), raw.values.iter().map(Option::as_deref))
}

fn convert(raw: &RawColumn, ty: KqlType) -> Result<Series, BadCell> {
    match ty {
        KqlType::String => Ok(strings(raw)),
        KqlType::Dynamic => Ok(dynamic(raw)),
        _ => typing::convert_text(&texts(raw), ty, 0),
    }
}

fn strings(raw: &RawColumn) -> Series {
    let mut values = raw.values.clone();
    for &r in &raw.none_rows {
        values[r] = Some("None".to_string());
    }
    StringChunked::from_iter_options(raw.name.as_str().into(), values.into_iter()).into_series()
}

/// JSON values stay as they are; a string holding an array or bag is that value (the
/// query API and CLI carry dynamic columns as JSON text); any other string is a string.
fn dynamic(raw: &RawColumn) -> Series {
    let cells = raw.values.iter().zip(&raw.json).map(|(v, &is_json)| {
        let v = v.as_deref()?;
        if is_json {
            return Some(v.to_string());
        }
        if v.trim_start().starts_with(['[', '{']) {
            if let Some(json) = scalar::compact_json(v) {
                return Some(json);
            }
        }
        let mut quoted = String::new();
        push_json_string(&mut quoted, v);
        Some(quoted)
    });
    StringChunked::from_iter_options(raw.name.as_str().into(), cells).into_series()
}

fn infer(raw: &RawColumn) -> (KqlType, Series) {
    let k = raw.kinds;
    let any_json = k.boolean || k.integer || k.float || k.nested;
    if !any_json {
        if !k.string {
            return (KqlType::String, strings(raw));
        }
        return match typing::infer_and_convert(&texts(raw)) {
            (KqlType::String, _) => (KqlType::String, strings(raw)),
            other => other,
        };
    }
    let candidates: &[KqlType] = match (k.string || k.nested, k.boolean, k.integer, k.float) {
        (false, true, false, false) => &[KqlType::Bool],
        (false, false, true, false) => &[KqlType::Long, KqlType::Real],
        (false, false, _, true) => &[KqlType::Real],
        _ => &[],
    };
    for &ty in candidates {
        if let Ok(series) = typing::convert_text(&texts(raw), ty, 0) {
            return (ty, series);
        }
    }
    (KqlType::Dynamic, dynamic(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str], none_is_null: bool) -> Result<(Schema, DataFrame)> {
        let mut r = ObjectRows::new(none_is_null);
        for l in lines {
            let Json::Object(obj) = serde_json::from_str(l).map_err(|e| Error::data(e.to_string()))? else {
                return Err(Error::data("not an object"));
            };
            r.push(obj);
        }
        r.finish(None, "t", &|row| format!("row {}", row + 1))
    }

    #[test]
    fn json_kinds_decide_types() -> Result<()> {
        let (schema, frame) = rows(
            &[
                r#"{"n":1,"x":1.5,"b":true,"d":[1],"s":"a","t":"2024-05-03T11:07:12Z","m":1}"#,
                r#"{"n":2,"x":2,"b":false,"d":{"k":"v"},"s":"b","m":"z","late":3}"#,
            ],
            false,
        )?;
        let types: Vec<(&str, KqlType)> = schema.columns.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        assert_eq!(
            types,
            vec![
                ("n", KqlType::Long),
                ("x", KqlType::Real),
                ("b", KqlType::Bool),
                ("d", KqlType::Dynamic),
                ("s", KqlType::String),
                ("t", KqlType::DateTime),
                ("m", KqlType::Dynamic),
                ("late", KqlType::Long),
            ]
        );
        let late: Vec<Option<i64>> = frame.column("late")?.i64()?.iter().collect();
        assert_eq!(late, vec![None, Some(3)]);
        let m: Vec<Option<&str>> = frame.column("m")?.str()?.iter().collect();
        assert_eq!(m, vec![Some("1"), Some("\"z\"")]);
        Ok(())
    }

    #[test]
    fn cli_none_is_null_except_in_strings() -> Result<()> {
        let (schema, frame) = rows(&[r#"{"c":"5","s":"None"}"#, r#"{"c":"None","s":"x"}"#], true)?;
        assert_eq!(schema.get("c"), Some(KqlType::Long));
        let c: Vec<Option<i64>> = frame.column("c")?.i64()?.iter().collect();
        assert_eq!(c, vec![Some(5), None]);
        let s: Vec<Option<&str>> = frame.column("s")?.str()?.iter().collect();
        assert_eq!(s, vec![Some("None"), Some("x")]);
        Ok(())
    }

    #[test]
    fn declared_type_mismatch_names_the_row() {
        let err = rows(&[r#"{"DestPort_d":"443"}"#, r#"{"DestPort_d":"https"}"#], false).err();
        let msg = err.map(|e| e.message).unwrap_or_default();
        assert_eq!(msg, "t: row 2, column 'DestPort_d': \"https\" is not a real");
    }
}
