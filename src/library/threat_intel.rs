//! Threat intelligence offline: an indicator file (CSV) bound as the table `ThreatIntel`,
//! which the `threat-intel/` library queries join flow tables against. A table source
//! like `source/`, with a fixed schema and a check of every address before any query
//! sees it.
//!
//! ```text
//! NetworkAddress,ThreatType,Description,Confidence,FirstSeen,LastSeen
//! 203.0.113.0/25,Botnet,Scanner range seen by the partner feed,80,2024-03-01T00:00:00Z,2024-05-02T00:00:00Z
//! 198.51.100.45,Exfiltration,Drop server of a data-theft campaign,70,2024-04-20T00:00:00Z,2024-05-01T00:00:00Z
//! ```
//!
//! `NetworkAddress` is one IPv4 or IPv6 address, or a CIDR range; the library queries
//! match IPv4 only (`ipv4_is_in_range`). `Confidence` is 0-100; the times are ISO 8601.

use super::resolve::Library;
use crate::error::{Error, Result};
use crate::source::{self, InputFormat};
use crate::types::{KqlType, Schema, Table};
use polars::prelude::{AnyValue, DataFrame, IntoLazy};
use std::path::{Path, PathBuf};

/// The table name the library's threat-intelligence queries read.
pub const TABLE: &str = "ThreatIntel";

/// Where a library keeps its sample indicator file, relative to the library root.
pub const LIBRARY_FILE: &str = "threat-intel/indicators.csv";

const COLUMNS: [(&str, KqlType); 6] = [
    ("NetworkAddress", KqlType::String),
    ("ThreatType", KqlType::String),
    ("Description", KqlType::String),
    ("Confidence", KqlType::Int),
    ("FirstSeen", KqlType::DateTime),
    ("LastSeen", KqlType::DateTime),
];

/// The indicator table's columns and types.
pub fn schema() -> Schema {
    Schema::new(COLUMNS.iter().map(|(n, t)| (n.to_string(), *t)).collect())
}

/// An indicator table with no rows, for checking queries without data.
pub fn empty_table() -> Result<Table> {
    let schema = schema();
    let frame = DataFrame::empty_with_schema(&schema.polars());
    Ok(Table { schema, frame: frame.lazy() })
}

/// The sample indicator file of the first library root that has one.
pub fn library_file(library: &Library) -> Option<PathBuf> {
    library.roots.iter().map(|r| r.join(LIBRARY_FILE)).find(|p| p.is_file())
}

/// Reads an indicator file (CSV, or any format `--table` reads) and checks it.
pub fn load(path: &Path, format: Option<InputFormat>) -> Result<Table> {
    let schema = schema();
    let table = source::load_table_as(path, format, Some(&schema))?;
    let shown = path.display().to_string();
    for (name, ty) in &schema.columns {
        match table.schema.get(name) {
            None => {
                return Err(Error::data(format!("{shown}: the indicator file has no column {name}")).with_help(format!(
                    "an indicator file starts with the header {}",
                    COLUMNS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(",")
                )))
            }
            Some(t) if t != *ty => {
                return Err(Error::data(format!("{shown}: column {name} reads as {t}, an indicator file has it as {ty}")))
            }
            Some(_) => {}
        }
    }
    let frame = table.frame.clone().collect()?;
    check_rows(&frame, &shown)?;
    Ok(Table { schema: table.schema, frame: frame.lazy() })
}

fn check_rows(frame: &DataFrame, shown: &str) -> Result<()> {
    let addresses = frame.column("NetworkAddress")?.str()?.clone();
    let confidence = frame.column("Confidence")?.clone();
    for (i, address) in addresses.iter().enumerate() {
        // Line 1 is the header.
        let line = i + 2;
        let address = address.unwrap_or_default();
        if !is_address_or_range(address) {
            return Err(Error::data(format!("{shown}: line {line}: `{address}` is not an IP address or CIDR range"))
                .with_help("give one address (203.0.113.7) or range (203.0.113.0/24) per line, without spaces"));
        }
        match confidence.get(i) {
            Ok(AnyValue::Int32(c)) if !(0..=100).contains(&c) => {
                return Err(Error::data(format!("{shown}: line {line}: Confidence {c} is outside 0-100")))
            }
            _ => {}
        }
    }
    Ok(())
}

/// One IPv4/IPv6 address, or a CIDR range of either.
pub fn is_address_or_range(text: &str) -> bool {
    text.parse::<std::net::IpAddr>().is_ok() || text.parse::<ipnet::IpNet>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges() {
        for ok in ["203.0.113.7", "203.0.113.0/24", "2001:db8::1", "2001:db8::/32", "10.0.0.5/8"] {
            assert!(is_address_or_range(ok), "{ok}");
        }
        for bad in ["", "203.0.113", "203.0.113.0/33", "host.example", "1.2.3.4 "] {
            assert!(!is_address_or_range(bad), "{bad}");
        }
    }

    #[test]
    fn the_schema_has_the_documented_header() {
        let names: Vec<String> = schema().names().map(str::to_string).collect();
        assert_eq!(names.join(","), "NetworkAddress,ThreatType,Description,Confidence,FirstSeen,LastSeen");
    }
}
