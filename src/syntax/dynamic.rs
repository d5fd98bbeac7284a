//! The body of a `dynamic(...)` literal: JSON, plus Kusto's allowances (single-quoted
//! strings, typed scalar literals such as `datetime(...)` inside, which become strings).

use super::lex::{number, punct, sp, string_lit, typed_literal};
use super::{fail, In, PResult};
use crate::syntax::ast::Literal;
use nom::Input;
use serde_json::{Map, Number, Value};

/// `None` is `dynamic(null)`.
pub fn dynamic_value(i: In) -> PResult<Option<Value>> {
    let (i, _) = sp(i)?;
    let frag = *i.fragment();
    if frag.starts_with("null") {
        return Ok((i.take_from(4), None));
    }
    let (i, v) = value(i)?;
    Ok((i, Some(v)))
}

fn value(i: In) -> PResult<Value> {
    let (i, _) = sp(i)?;
    let frag = *i.fragment();
    if frag.starts_with('[') {
        let mut items = Vec::new();
        let (mut i, _) = punct("[")(i)?;
        if let Ok((rest, _)) = punct("]")(i) {
            return Ok((rest, Value::Array(items)));
        }
        loop {
            let (rest, v) = value(i)?;
            items.push(v);
            if let Ok((rest, _)) = punct(",")(rest) {
                i = rest;
                continue;
            }
            let (rest, _) = punct("]")(rest).map_err(|_| fail(&rest, "`,` or `]` in this array"))?;
            return Ok((rest, Value::Array(items)));
        }
    }
    if frag.starts_with('{') {
        let mut map = Map::new();
        let (mut i, _) = punct("{")(i)?;
        if let Ok((rest, _)) = punct("}")(i) {
            return Ok((rest, Value::Object(map)));
        }
        loop {
            let (rest, key) = string_lit(i).map_err(|_| fail(&i, "a quoted property name"))?;
            let (rest, _) = punct(":")(rest).map_err(|_| fail(&rest, "`:` after the property name"))?;
            let (rest, v) = value(rest)?;
            map.insert(key, v);
            if let Ok((rest, _)) = punct(",")(rest) {
                i = rest;
                continue;
            }
            let (rest, _) = punct("}")(rest).map_err(|_| fail(&rest, "`,` or `}` in this object"))?;
            return Ok((rest, Value::Object(map)));
        }
    }
    for (word, v) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
        if frag.starts_with(word) && !frag[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '(') {
            return Ok((i.take_from(word.len()), v));
        }
    }
    if let Ok((rest, s)) = string_lit(i) {
        return Ok((rest, Value::String(s)));
    }
    let negative = frag.starts_with('-');
    let num_in = if negative { i.take_from(1) } else { i };
    if let Ok((rest, lit)) = number(num_in) {
        let v = match lit {
            Literal::Long(n) => Value::Number(Number::from(if negative { -n } else { n })),
            Literal::Real(f) => Number::from_f64(if negative { -f } else { f }).map(Value::Number).unwrap_or(Value::Null),
            Literal::TimeSpan(ns) => Value::String(crate::text::format_timespan(if negative { -ns } else { ns })),
            _ => Value::Null,
        };
        return Ok((rest, v));
    }
    if let Ok((rest, lit)) = typed_literal(i) {
        return Ok((rest, crate::syntax::lex_format::literal_to_json(&lit)));
    }
    Err(fail(&i, "a JSON value (array, object, string, number, true, false or null)"))
}
