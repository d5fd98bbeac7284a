//! The built-in schemas of the tables flowkql knows without data: the Log Analytics
//! tables users query and `AWSVPCFlow`. `check` type-checks against these, and the
//! sample generator and raw-log readers produce frames of exactly these columns.

use crate::types::{KqlType, Schema};

const TABLES: &[(&str, &str)] = &[
    ("AzureNetworkAnalytics_CL", include_str!("tables/AzureNetworkAnalytics_CL.json")),
    ("NTANetAnalytics", include_str!("tables/NTANetAnalytics.json")),
    ("VMConnection", include_str!("tables/VMConnection.json")),
    ("InsightsMetrics", include_str!("tables/InsightsMetrics.json")),
    ("AWSVPCFlow", include_str!("tables/AWSVPCFlow.json")),
];

/// Names of the built-in tables, in a stable order.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|(n, _)| *n)
}

/// The schema of a built-in table, or `None` for a name flowkql does not know.
pub fn builtin(name: &str) -> Option<Schema> {
    let (_, json) = TABLES.iter().find(|(n, _)| *n == name)?;
    let columns: Vec<(String, String)> = serde_json::from_str(json).ok()?;
    let columns = columns.into_iter().map(|(c, t)| (c, KqlType::from_name(&t).unwrap_or(KqlType::String))).collect();
    Some(Schema::new(columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_schema_parses_with_known_types() {
        for name in builtin_names() {
            let json = TABLES.iter().find(|(n, _)| *n == name).map(|(_, j)| *j).unwrap_or("");
            let cols: Vec<(String, String)> = serde_json::from_str(json).expect("valid schema json");
            assert!(cols.iter().all(|(_, t)| KqlType::from_name(t).is_some()), "{name}");
            assert_eq!(builtin(name).map(|s| s.len()), Some(cols.len()));
        }
        assert_eq!(builtin("InsightsMetrics").and_then(|s| s.get("Val")), Some(KqlType::Real));
        assert_eq!(builtin("VMConnection").and_then(|s| s.get("DestinationPort")), Some(KqlType::Int));
    }
}
