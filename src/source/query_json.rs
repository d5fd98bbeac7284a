//! The query API's JSON: Log Analytics' `{"tables":[{"name","columns":[{"name","type"}],"rows"}]}`
//! and Azure Data Explorer's v1 `{"Tables":[{"TableName","Columns":[{"ColumnName","DataType","ColumnType"}],"Rows"}]}`
//! (FORMATS.md 7.2). The first table is the primary result; its column types are the file's.
//!
//! Rows are streamed straight into typed column buffers, so a large response is never
//! held as a tree of JSON values.

use super::json_value::Json;
use super::scalar::{self, DateOrder};
use super::typing::{self, Origin};
use crate::error::{Error, Result};
use crate::types::{KqlType, Schema, Table};
use polars::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::path::Path;

pub(crate) fn read_query_json(path: &Path) -> Result<Table> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::data(format!("{shown}: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut state = State { path: &shown, table: None, error: None };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = DocumentSeed { state: &mut state }.deserialize(&mut de).and_then(|()| de.end());
    if let Some(err) = state.error {
        return Err(err);
    }
    parsed.map_err(|e| {
        Error::data(format!("{shown}: not a readable query API response: {e}"))
            .with_help("expected {\"tables\":[{\"name\",\"columns\",\"rows\"}]} as the Log Analytics query API returns it")
    })?;
    let Some(table) = state.table else {
        return Err(Error::data(format!("{shown}: the response holds no table"))
            .with_help("a query API response has a \"tables\" array whose first table is the result"));
    };
    let height = table.builders.first().map_or(0, Builder::len);
    let mut columns = Vec::with_capacity(table.columns.len());
    for ((name, _), builder) in table.columns.iter().zip(table.builders) {
        columns.push(builder.finish(name).into_column());
    }
    let frame = DataFrame::new(height, columns).map_err(|e| Error::runtime(e.to_string()))?;
    Ok(super::finish_table(Schema::new(table.columns), frame))
}

struct State<'p> {
    path: &'p str,
    table: Option<ParsedTable>,
    /// A data error found mid-stream; serde only carries a message, so the full error
    /// waits here and the stream is stopped with a placeholder.
    error: Option<Error>,
}

impl State<'_> {
    fn fail<E: de::Error>(&mut self, err: Error) -> E {
        self.error = Some(err);
        E::custom("stopped")
    }
}

struct ParsedTable {
    columns: Vec<(String, KqlType)>,
    builders: Vec<Builder>,
}

struct DocumentSeed<'s, 'p> {
    state: &'s mut State<'p>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with a \"tables\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "tables" || key == "Tables" {
                map.next_value_seed(TablesSeed { state: &mut *self.state })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct TablesSeed<'s, 'p> {
    state: &'s mut State<'p>,
}

impl<'de> DeserializeSeed<'de> for TablesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TablesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of tables")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.state.table.is_none() {
            seq.next_element_seed(TableSeed { state: &mut *self.state })?;
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

struct TableSeed<'s, 'p> {
    state: &'s mut State<'p>,
}

impl<'de> DeserializeSeed<'de> for TableSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TableSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table object with columns and rows")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut columns: Option<Vec<(String, KqlType)>> = None;
        let mut builders: Option<Vec<Builder>> = None;
        let mut early_rows: Option<Vec<Vec<Json>>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "columns" | "Columns" => {
                    let raw: Vec<Value> = map.next_value()?;
                    match parse_columns(&raw, self.state.path) {
                        Ok(c) => columns = Some(c),
                        Err(e) => return Err(self.state.fail(e)),
                    }
                }
                "rows" | "Rows" => match &columns {
                    Some(cols) => {
                        let mut b: Vec<Builder> = cols.iter().map(|(_, t)| Builder::new(*t)).collect();
                        map.next_value_seed(RowsSeed { state: &mut *self.state, columns: cols, builders: &mut b })?;
                        builders = Some(b);
                    }
                    // Rows before columns: rare, so buffering them is acceptable.
                    None => early_rows = Some(map.next_value()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(columns) = columns else {
            let err = Error::data(format!("{}: the first table has no \"columns\"", self.state.path));
            return Err(self.state.fail(err));
        };
        let mut builders = builders.unwrap_or_else(|| columns.iter().map(|(_, t)| Builder::new(*t)).collect());
        for (row, values) in early_rows.into_iter().flatten().enumerate() {
            if let Err(e) = push_row(&columns, &mut builders, row, values.into_iter(), self.state.path) {
                return Err(self.state.fail(e));
            }
        }
        self.state.table = Some(ParsedTable { columns, builders });
        Ok(())
    }
}

fn parse_columns(raw: &[Value], path: &str) -> Result<Vec<(String, KqlType)>> {
    let mut out: Vec<(String, KqlType)> = Vec::with_capacity(raw.len());
    for (i, c) in raw.iter().enumerate() {
        let name = c.get("name").or_else(|| c.get("ColumnName")).and_then(Value::as_str);
        let Some(name) = name else {
            return Err(Error::data(format!("{path}: column {} has no name", i + 1)));
        };
        let kusto = c.get("type").or_else(|| c.get("ColumnType")).and_then(Value::as_str);
        let dotnet = c.get("DataType").and_then(Value::as_str);
        let ty = kusto
            .and_then(KqlType::from_name)
            .or_else(|| dotnet.and_then(|t| KqlType::from_dotnet_name(t).or_else(|| KqlType::from_name(t))));
        let Some(ty) = ty else {
            let shown = kusto.or(dotnet).unwrap_or("(none)");
            return Err(Error::data(format!("{path}: column '{name}' has unknown type '{shown}'"))
                .with_help("Kusto types are bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic"));
        };
        if out.iter().any(|(n, _)| n == name) {
            return Err(Error::data(format!("{path}: column '{name}' appears twice")));
        }
        out.push((name.to_string(), ty));
    }
    Ok(out)
}

struct RowsSeed<'s, 'p, 'c> {
    state: &'s mut State<'p>,
    columns: &'c [(String, KqlType)],
    builders: &'c mut Vec<Builder>,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut row = 0;
        // Each row is read as a short array of values: small, and freed at once.
        while let Some(values) = seq.next_element::<Vec<Json>>()? {
            if let Err(e) = push_row(self.columns, self.builders, row, values.into_iter(), self.state.path) {
                return Err(self.state.fail(e));
            }
            row += 1;
        }
        Ok(())
    }
}

fn push_row(
    columns: &[(String, KqlType)],
    builders: &mut [Builder],
    row: usize,
    values: impl ExactSizeIterator<Item = Json>,
    path: &str,
) -> Result<()> {
    if values.len() != columns.len() {
        return Err(Error::data(format!(
            "{path}: row {} has {} values but the table has {} columns",
            row + 1,
            values.len(),
            columns.len()
        )));
    }
    for (((name, ty), builder), value) in columns.iter().zip(builders.iter_mut()).zip(values) {
        if !builder.push(&value) {
            let text = match &value {
                Json::Str(s) => format!("\"{}\"", super::shorten(s)),
                other => super::shorten(&other.to_compact()),
            };
            return Err(
                Error::data(format!("{path}: row {}, column '{name}': {text} is not a {ty}", row + 1)).with_help(Origin::File.explain(*ty))
            );
        }
    }
    Ok(())
}

/// A column being filled from JSON values of its declared type.
enum Builder {
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i32>>),
    Long(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<String>),
    Guid(Vec<Option<String>>),
    Dynamic(Vec<Option<String>>),
    DateTime(Vec<Option<i64>>),
    TimeSpan(Vec<Option<i64>>),
}

impl Builder {
    fn new(ty: KqlType) -> Builder {
        match ty {
            KqlType::Bool => Builder::Bool(Vec::new()),
            KqlType::Int => Builder::Int(Vec::new()),
            KqlType::Long => Builder::Long(Vec::new()),
            KqlType::Real | KqlType::Decimal => Builder::Real(Vec::new()),
            KqlType::String => Builder::Text(Vec::new()),
            KqlType::Guid => Builder::Guid(Vec::new()),
            KqlType::Dynamic => Builder::Dynamic(Vec::new()),
            KqlType::DateTime => Builder::DateTime(Vec::new()),
            KqlType::TimeSpan => Builder::TimeSpan(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Bool(v) => v.len(),
            Builder::Int(v) => v.len(),
            Builder::Long(v) | Builder::DateTime(v) | Builder::TimeSpan(v) => v.len(),
            Builder::Real(v) => v.len(),
            Builder::Text(v) => v.len(),
            Builder::Guid(v) | Builder::Dynamic(v) => v.len(),
        }
    }

    /// Adds one value; `false` when it is not of the column's type.
    fn push(&mut self, v: &Json) -> bool {
        fn put<T>(out: &mut Vec<Option<T>>, v: &Json, parse: impl FnOnce(&Json) -> Option<T>) -> bool {
            if v.is_null() {
                out.push(None);
                return true;
            }
            match parse(v) {
                Some(x) => {
                    out.push(Some(x));
                    true
                }
                None => false,
            }
        }
        match self {
            Builder::Bool(out) => put(out, v, |v| match v {
                Json::Bool(b) => Some(*b),
                Json::Str(s) => scalar::parse_bool(s, true),
                other => match other.as_i64() {
                    Some(0) => Some(false),
                    Some(1) => Some(true),
                    _ => None,
                },
            }),
            Builder::Int(out) => put(out, v, |v| json_long(v).and_then(|i| i32::try_from(i).ok())),
            Builder::Long(out) => put(out, v, json_long),
            Builder::Real(out) => put(out, v, |v| match v {
                Json::Str(s) => typing::parse_real(s),
                other => other.as_f64(),
            }),
            Builder::Text(out) => {
                out.push(match v {
                    Json::Null => String::new(),
                    Json::Str(s) => s.clone(),
                    other => other.to_compact(),
                });
                true
            }
            // An empty guid (how an unset guid prints) stays empty.
            Builder::Guid(out) => put(out, v, |v| match v.as_str() {
                Some("") => Some(String::new()),
                s => s.and_then(scalar::parse_guid),
            }),
            Builder::Dynamic(out) => {
                out.push(match v {
                    Json::Null => None,
                    // The query API sends dynamic values as JSON text inside a string.
                    Json::Str(s) if s.trim_start().starts_with(['[', '{']) => scalar::compact_json(s).or_else(|| Some(v.to_compact())),
                    other => Some(other.to_compact()),
                });
                true
            }
            Builder::DateTime(out) => {
                put(out, v, |v| v.as_str().and_then(|s| scalar::parse_datetime(s, DateOrder::MonthFirst)).map(|p| p.nanos))
            }
            Builder::TimeSpan(out) => put(out, v, |v| v.as_str().and_then(scalar::parse_timespan).map(|t| t.nanos)),
        }
    }

    fn finish(self, name: &str) -> Series {
        let name: PlSmallStr = name.into();
        match self {
            Builder::Bool(v) => BooleanChunked::from_iter_options(name, v.into_iter()).into_series(),
            Builder::Int(v) => Int32Chunked::from_iter_options(name, v.into_iter()).into_series(),
            Builder::Long(v) => Int64Chunked::from_iter_options(name, v.into_iter()).into_series(),
            Builder::Real(v) => Float64Chunked::from_iter_options(name, v.into_iter()).into_series(),
            Builder::Text(v) => StringChunked::from_iter_values(name, v.into_iter()).into_series(),
            Builder::Guid(v) | Builder::Dynamic(v) => StringChunked::from_iter_options(name, v.into_iter()).into_series(),
            Builder::DateTime(v) => {
                Int64Chunked::from_iter_options(name, v.into_iter()).into_datetime(TimeUnit::Nanoseconds, None).into_series()
            }
            Builder::TimeSpan(v) => Int64Chunked::from_iter_options(name, v.into_iter()).into_duration(TimeUnit::Nanoseconds).into_series(),
        }
    }
}

/// A long from a JSON number or numeric string; a float only when it is integral.
fn json_long(v: &Json) -> Option<i64> {
    match v {
        Json::Str(s) => s.trim().parse().ok(),
        Json::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
        other => other.as_i64(),
    }
}
