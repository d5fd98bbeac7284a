//! Kusto scalar types and how each one is held in a Polars column.
//!
//! Every stage speaks in [`KqlType`]; only `exec` and the I/O modules look at the
//! Polars [`DataType`] behind it. The physical layout is fixed here, once:
//!
//! | Kusto      | Polars                          | notes                                   |
//! |------------|---------------------------------|-----------------------------------------|
//! | `bool`     | `Boolean`                       |                                         |
//! | `int`      | `Int32`                         |                                         |
//! | `long`     | `Int64`                         |                                         |
//! | `real`     | `Float64`                       |                                         |
//! | `decimal`  | `Float64`                       | held as a double (precision is lost)    |
//! | `string`   | `String`                        | never null: a missing value is `""`     |
//! | `datetime` | `Datetime(ns, None)`            | UTC instants                            |
//! | `timespan` | `Duration(ns)`                  |                                         |
//! | `guid`     | `String`                        | lower-case canonical text               |
//! | `dynamic`  | `String`                        | compact JSON text; null is JSON absent  |

use polars::prelude::{DataType, TimeUnit};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KqlType {
    Bool,
    Int,
    Long,
    Real,
    Decimal,
    String,
    DateTime,
    TimeSpan,
    Guid,
    Dynamic,
}

impl KqlType {
    pub const ALL: [KqlType; 10] = [
        KqlType::Bool,
        KqlType::Int,
        KqlType::Long,
        KqlType::Real,
        KqlType::Decimal,
        KqlType::String,
        KqlType::DateTime,
        KqlType::TimeSpan,
        KqlType::Guid,
        KqlType::Dynamic,
    ];

    /// The name Kusto prints for this type (`getschema`, the query API's `type`).
    pub fn name(self) -> &'static str {
        match self {
            KqlType::Bool => "bool",
            KqlType::Int => "int",
            KqlType::Long => "long",
            KqlType::Real => "real",
            KqlType::Decimal => "decimal",
            KqlType::String => "string",
            KqlType::DateTime => "datetime",
            KqlType::TimeSpan => "timespan",
            KqlType::Guid => "guid",
            KqlType::Dynamic => "dynamic",
        }
    }

    /// Parses a Kusto type name or one of its documented aliases.
    pub fn from_name(name: &str) -> Option<KqlType> {
        Some(match name {
            "bool" | "boolean" => KqlType::Bool,
            "int" | "int32" => KqlType::Int,
            "long" | "int64" => KqlType::Long,
            "real" | "double" => KqlType::Real,
            "decimal" => KqlType::Decimal,
            "string" => KqlType::String,
            "datetime" | "date" => KqlType::DateTime,
            "timespan" | "time" => KqlType::TimeSpan,
            "guid" | "uuid" | "uniqueid" => KqlType::Guid,
            "dynamic" => KqlType::Dynamic,
            _ => return None,
        })
    }

    /// Parses a .NET type name as found in Azure Data Explorer's v1 REST `DataType`.
    pub fn from_dotnet_name(name: &str) -> Option<KqlType> {
        let name = name.strip_prefix("System.").unwrap_or(name);
        Some(match name {
            "Boolean" | "SByte" => KqlType::Bool,
            "Int32" => KqlType::Int,
            "Int64" => KqlType::Long,
            "Double" => KqlType::Real,
            "Data.SqlTypes.SqlDecimal" | "Decimal" => KqlType::Decimal,
            "String" => KqlType::String,
            "DateTime" => KqlType::DateTime,
            "TimeSpan" => KqlType::TimeSpan,
            "Guid" => KqlType::Guid,
            "Object" => KqlType::Dynamic,
            _ => return None,
        })
    }

    /// The Polars type that holds values of this Kusto type.
    pub fn polars(self) -> DataType {
        match self {
            KqlType::Bool => DataType::Boolean,
            KqlType::Int => DataType::Int32,
            KqlType::Long => DataType::Int64,
            KqlType::Real | KqlType::Decimal => DataType::Float64,
            KqlType::String | KqlType::Guid | KqlType::Dynamic => DataType::String,
            KqlType::DateTime => DataType::Datetime(TimeUnit::Nanoseconds, None),
            KqlType::TimeSpan => DataType::Duration(TimeUnit::Nanoseconds),
        }
    }

    /// The Kusto type for a Polars column read from a typed file (Parquet, say).
    pub fn from_polars(dtype: &DataType) -> KqlType {
        match dtype {
            DataType::Boolean => KqlType::Bool,
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::UInt8 | DataType::UInt16 => KqlType::Int,
            DataType::Int64 | DataType::UInt32 | DataType::UInt64 => KqlType::Long,
            DataType::Float32 | DataType::Float64 => KqlType::Real,
            DataType::Datetime(_, _) | DataType::Date => KqlType::DateTime,
            DataType::Duration(_) => KqlType::TimeSpan,
            DataType::String => KqlType::String,
            _ => KqlType::Dynamic,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, KqlType::Int | KqlType::Long | KqlType::Real | KqlType::Decimal)
    }

    /// Whether values of this type sit in a Polars `String` column.
    pub fn is_textual(self) -> bool {
        matches!(self, KqlType::String | KqlType::Guid | KqlType::Dynamic)
    }
}

impl fmt::Display for KqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An ordered list of result or table columns with their Kusto types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub columns: Vec<(String, KqlType)>,
}

impl Schema {
    pub fn new(columns: Vec<(String, KqlType)>) -> Self {
        Schema { columns }
    }

    pub fn get(&self, name: &str) -> Option<KqlType> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|(n, _)| n == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The Polars schema that a frame with these columns must have.
    pub fn polars(&self) -> polars::prelude::Schema {
        self.columns.iter().map(|(n, t)| polars::prelude::Field::new(n.as_str().into(), t.polars())).collect()
    }
}

/// A table bound to a name for a query: its Kusto schema and a lazy frame whose
/// columns follow [`KqlType::polars`] exactly.
#[derive(Clone)]
pub struct Table {
    pub schema: Schema,
    pub frame: polars::prelude::LazyFrame,
}

/// A query's answer: the collected frame, its Kusto column types, and what `render` asked for.
#[derive(Clone)]
pub struct ResultTable {
    pub schema: Schema,
    pub frame: polars::prelude::DataFrame,
}
