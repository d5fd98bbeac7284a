//! `partition by Col (subquery)` (partition-operator.md): the subquery runs on each key's
//! rows, and the results are concatenated (in no promised order, so the tests sort).

use crate::common::*;

const T: &str = r#"datatable(State:string, EventType:string, Injuries:long)
    ["WY", "Hail", 0, "WY", "Hail", 2, "WY", "Wind", 5, "WY", "Snow", 1, "WA", "Fire", 3, "WA", "Wind", 1, "WA", "Wind", 1]"#;

#[test]
fn top_per_partition() {
    // The doc's shape: per State, the top 2 event types by injuries.
    let q = format!(
        "{T} | partition hint.strategy=native by State (summarize Total = sum(Injuries) by EventType, State | top 2 by Total)
         | order by State asc, Total desc"
    );
    assert_eq!(columns(&q), cols(&[("EventType", "string"), ("State", "string"), ("Total", "long")]));
    assert_eq!(rows(&q), r(&[&["Fire", "WA", "3"], &["Wind", "WA", "2"], &["Wind", "WY", "5"], &["Hail", "WY", "2"]]));
}

#[test]
fn counts_and_takes_per_partition() {
    let q = format!("{T} | partition by State (count) | order by Count asc");
    assert_eq!(rows(&q), r(&[&["3"], &["4"]]));
    let q = format!("{T} | partition by State (take 1) | count");
    assert_eq!(rows(&q), r(&[&["2"]]));
    let q = format!("{T} | partition by EventType (where Injuries > 0 | summarize n = count(), s = sum(Injuries) by EventType) | order by EventType asc");
    assert_eq!(rows(&q), r(&[&["Fire", "1", "3"], &["Hail", "1", "2"], &["Snow", "1", "1"], &["Wind", "3", "7"]]));
}

#[test]
fn partition_diagnostics() {
    let e = error(&format!("{T} | partition by Stat (count)"));
    assert!(e.message.contains("unknown column `Stat`"), "{}", e.message);
    let e = error(&format!("{T} | partition by State {{ range x from 1 to 2 step 1 }}"));
    assert!(e.message.contains("its own source"), "{}", e.message);
    let e = error(&format!("{T} | partition by State (union ({T}))"));
    assert!(e.message.contains("inside a `partition` subquery"), "{}", e.message);
}

#[test]
fn top_nested_and_make_series_per_partition() {
    let t = r#"datatable(State:string, E:string, D:long, t:datetime)[
        "TX", "Hail", 5, datetime(2024-01-01 00:10), "TX", "Wind", 3, datetime(2024-01-01 01:10), "TX", "Hail", 2, datetime(2024-01-01 00:20),
        "KS", "Hail", 4, datetime(2024-01-01 00:30), "KS", "Flood", 20, datetime(2024-01-01 02:00)]"#;
    // Per state, the event type with the most damage: TX Hail 5+2, KS Flood 20.
    let q = format!("{t} | partition by State (top-nested 1 of E by sum(D)) | order by E asc");
    assert_eq!(columns(&q), cols(&[("E", "string"), ("aggregated_E", "long")]));
    assert_eq!(rows(&q), r(&[&["Flood", "20"], &["Hail", "7"]]));
    // Hourly damage per state over three hours.
    let q = format!(
        "{t} | partition by State (make-series s = sum(D) default = 0 on t from datetime(2024-01-01) to datetime(2024-01-01 03:00) step 1h)
         | project s | order by tostring(s) asc"
    );
    assert_eq!(rows(&q), r(&[&["[4,0,20]"], &["[7,3,0]"]]));
}
