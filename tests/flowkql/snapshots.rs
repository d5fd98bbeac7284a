//! Rendered diagnostics, as a user sees them on a terminal without colour.

use flowkql::Session;

fn diagnostics(q: &str) -> String {
    let mut s = Session::new(crate::common::NOW);
    s.builtin_schemas = true;
    match s.check(q) {
        Ok((_, warnings)) => warnings.iter().map(|w| w.render_plain("query.kql", q)).collect::<Vec<_>>().join("\n"),
        Err(e) => e.render_plain("query.kql", q),
    }
}

macro_rules! snapshot {
    ($name:ident, $q:expr) => {
        #[test]
        fn $name() {
            let q = $q;
            insta::assert_snapshot!(stringify!($name), format!("{q}\n---\n{}", diagnostics(q)));
        }
    };
}

snapshot!(unknown_column_case, "InsightsMetrics\n| where TimeGenerated > ago(1h)\n| project TimeGenerated,Computer,val");
snapshot!(unknown_table, "AzureNetworkAnalytic_CL | take 10");
snapshot!(missing_condition, "VMConnection\n| where");
snapshot!(unknown_operator, "VMConnection | summarise count() by Computer");
snapshot!(unsupported_operator, "VMConnection | facet by Computer");
snapshot!(type_mismatch, "VMConnection | where BytesSent > \"large\"");
snapshot!(aggregate_outside_summarize, "VMConnection | extend n = count()");
snapshot!(column_outside_aggregate, "VMConnection | summarize BytesSent by Computer");
snapshot!(wrong_arity, "AzureNetworkAnalytics_CL | where ipv4_is_match(DestIP_s)");
snapshot!(typographic_quote_warning, "VMConnection\n| where IndicatorThreatType != “\"");
snapshot!(unterminated_string, "VMConnection | where Computer == 'abc");
snapshot!(bad_datetime_literal, "VMConnection | where TimeGenerated > datetime(2022-13-45)");
snapshot!(externaldata_unknown_format, "externaldata (Ip:string) [@\"https://example.com/blocklist.csv\"] with (format=\"cvs\")");
snapshot!(reduce_unsupported, "VMConnection | reduce by ProcessName");
