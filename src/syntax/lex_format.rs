//! Literals as JSON values, for `dynamic(...)` literals and constants put into dynamic columns.

use super::ast::Literal;
use crate::text::{format_datetime as datetime, format_timespan as timespan};
use serde_json::Value;

/// A literal as a JSON value inside `dynamic`: values JSON cannot hold become strings.
pub fn literal_to_json(lit: &Literal) -> Value {
    match lit {
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(n) => Value::from(*n),
        Literal::Long(n) => Value::from(*n),
        Literal::Real(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
        Literal::String(s) | Literal::Guid(s) => Value::String(s.clone()),
        Literal::DateTime(ns) => Value::String(datetime(*ns)),
        Literal::TimeSpan(ns) => Value::String(timespan(*ns)),
        Literal::Dynamic(v) => v.clone(),
        Literal::Null(_) => Value::Null,
    }
}
