//! Errors as users see them: rendered diagnostics (no colour), pointing into the query.

use crate::common::*;
use flowkql::ErrorKind;

fn rendered(q: &str) -> String {
    error(q).render_plain("query.kql", q)
}

#[test]
fn unknown_column_suggests_the_case_sensitive_name() {
    let q = "datatable(Val:real, Name:string)[1.0, 'x'] | project Name, val";
    let e = error(q);
    assert_eq!(e.kind, ErrorKind::Semantic);
    assert_eq!(e.exit_code(), 2);
    let span = e.span.unwrap_or_default();
    assert_eq!(&q[span.start..span.end], "val");
    assert!(e.help.as_deref().unwrap_or("").contains("`Val`"), "{:?}", e.help);
}

#[test]
fn unknown_table_and_function_suggest_names() {
    let mut s = session();
    s.builtin_schemas = true;
    let e = s.check("AzureNetworkAnalytic_CL | take 1").err().unwrap_or_else(|| panic!("expected an error"));
    assert!(e.help.as_deref().unwrap_or("").contains("AzureNetworkAnalytics_CL"), "{:?}", e.help);
    let e = error("print tolowr('A')");
    assert!(e.message.contains("unknown function `tolowr`"));
    assert!(e.help.as_deref().unwrap_or("").contains("tolower"));
}

#[test]
fn syntax_errors_say_what_was_expected_where() {
    let q = "datatable(x:long)[1] | where";
    let e = error(q);
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert!(e.message.contains("expected a condition after `where`"), "{}", e.message);
    // At the end of the text the error points at the last thing written.
    assert_eq!(e.span.map(|s| s.end), Some(q.len()));

    let q = "datatable(x:long)[1] | summarize count() by";
    assert!(error(q).message.contains("after `by`"));

    let e = error("datatable(x:long)[1] | wher x > 1");
    assert!(e.message.contains("unknown operator `wher`"));
    assert_eq!(e.help.as_deref(), Some("did you mean `where`?"));
}

#[test]
fn unsupported_constructs_are_named() {
    let e = error("datatable(x:long)[1] | facet by x");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("`facet`"), "{}", e.message);
    let e = error("print geo_info_from_ip_address('20.53.203.50')");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.help.as_deref().unwrap_or_default().contains("geolocation"), "{:?}", e.help);
    // Any function of Kusto's own list is named as not supported, not as unknown.
    let e = error("print series_periods_detect(dynamic([1, 2]), 0.0, 50.0, 2)");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    // Also when its several results are named, as the hunting queries write it.
    let e = error("print (anomalies, score, baseline) = series_decompose_anomalies(dynamic([1, 2, 3]))");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("series_decompose_anomalies"), "{}", e.message);
}

#[test]
fn type_errors_name_both_types() {
    let e = error("print 'a' * 2");
    assert!(e.message.contains("string") && e.message.contains("long"), "{}", e.message);
    let e = error("datatable(x:long)[1] | where x");
    assert!(e.message.contains("bool") && e.message.contains("long"), "{}", e.message);
}

#[test]
fn typographic_quotes_warn_or_fail_in_strict_mode() {
    let q = "datatable(Namespace:string)['LogicalDisk'] | where Namespace contains “Disk\" | count";
    let out = session().run(q).unwrap_or_else(|e| panic!("{}", e.render_plain("q", q)));
    assert_eq!(out.warnings.len(), 1);
    let w = &out.warnings[0];
    let span = w.span.unwrap_or_default();
    assert_eq!(&q[span.start..span.end], "“");
    let mut strict = session();
    strict.strict = true;
    assert!(strict.run(q).is_err());
}

#[test]
fn rendered_diagnostic_points_at_the_span() {
    let text = rendered("datatable(Val:real)[1.0] | project val");
    assert!(text.contains("unknown column `val`"), "{text}");
    assert!(text.contains("did you mean `Val`?"), "{text}");
    assert!(text.contains("query.kql:1:"), "{text}");
}

#[test]
fn bad_input_never_panics() {
    for q in [
        "",
        "|",
        "let",
        "let x =",
        "datatable(",
        "print (",
        "print 'unterminated",
        "T | summarize",
        "print 1 +",
        "print datetime(nope)",
        "print dynamic([1,",
        "print x[",
        "range x from 1 to 10 step 0",
        "print 1/0",
        "print ```abc",
    ] {
        let _ = session().run(q);
    }
}

/// Forms the documentation's examples use: `toscalar()` of a scalar (toscalar-function.md),
/// a timespan unit after a space (timespan.md), `external_data` (ipv4-lookup-plugin.md).
#[test]
fn documented_forms_parse() {
    assert_eq!(rows("let Step = toscalar(2); print Step, toscalar(1 + 1)"), r(&[&["2", "2"]]));
    assert_eq!(rows("let s = 3; let T = datatable(x:long)[5]; print toscalar(s), toscalar(T)"), r(&[&["3", "5"]]));
    assert_eq!(rows("print timespan(15 seconds), time(2 hours)"), r(&[&["00:00:15", "02:00:00"]]));
    let q = "let IP_Data = external_data(network:string) ['https://example.com/ranges.csv']; print 1";
    assert!(session().check(q).is_ok());
}

/// A batch (several tabular statements) and another database's tables are named as not
/// supported, at the construct, rather than reported as a syntax error further on.
#[test]
fn batches_and_other_databases_are_named() {
    let e = error("print 1; print 2");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("several tabular statements"), "{}", e.message);
    let e = error("database('Samples').StormEvents | take 1");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("another database"), "{}", e.message);
    // A single statement may still end in `;`.
    assert_eq!(rows("print 1;"), r(&[&["1"]]));
}
