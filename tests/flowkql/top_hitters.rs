//! `top-hitters` (top-hitters-operator.md: the same as `summarize count() by Col | top N
//! by count desc`, or the sum of `by`) and `top-nested ... with others`
//! (top-nested-operator.md: one more row aggregating what did not make the top).

use crate::common::*;

const T: &str = r#"datatable(State:string, Event:string, Damage:long)
    ["TX", "Hail", 5, "TX", "Wind", 3, "TX", "Hail", 2, "KS", "Hail", 4, "KS", "Flood", 20, "OK", "Ice", 2, "NY", "Snow", 1]"#;

#[test]
fn top_hitters_by_count() {
    // Counts: TX 3, KS 2, OK 1, NY 1.
    let q = format!("{T} | top-hitters 2 of State");
    assert_eq!(columns(&q), cols(&[("State", "string"), ("approximate_count_State", "long")]));
    assert_eq!(rows(&q), r(&[&["TX", "3"], &["KS", "2"]]));
}

#[test]
fn top_hitters_by_sum() {
    // Sums: KS 24, TX 10, OK 2, NY 1.
    let q = format!("{T} | top-hitters 3 of State by Damage");
    assert_eq!(columns(&q), cols(&[("State", "string"), ("approximate_sum_Damage", "long")]));
    assert_eq!(rows(&q), r(&[&["KS", "24"], &["TX", "10"], &["OK", "2"]]));
    let q = format!("{T} | top-hitters 1 of Event by todouble(Damage)");
    assert_eq!(columns(&q), cols(&[("Event", "string"), ("approximate_sum_Damage", "real")]));
    assert_eq!(rows(&q), r(&[&["Flood", "20"]]));
    let e = error(&format!("{T} | top-hitters 2 of tolower(State)"));
    assert!(e.message.contains("column name"), "{}", e.message);
}

#[test]
fn top_nested_with_others() {
    let q = format!("{T} | top-nested 2 of State with others = 'Other' by sum(Damage)");
    assert_eq!(columns(&q), cols(&[("State", "string"), ("aggregated_State", "long")]));
    // OK 2 + NY 1 = 3 outside the top two.
    assert_eq!(rows(&q), r(&[&["KS", "24"], &["TX", "10"], &["Other", "3"]]));
    // At the last level, per parent group: KS Flood 20 + others (Hail 4); TX Hail 7 + others (Wind 3).
    let q = format!("{T} | top-nested 2 of State by sum(Damage), top-nested 1 of Event with others = 'rest' by s = sum(Damage)");
    assert_eq!(
        rows(&q),
        r(&[&["KS", "24", "Flood", "20"], &["KS", "24", "rest", "4"], &["TX", "10", "Hail", "7"], &["TX", "10", "rest", "3"]])
    );
    let e = error(&format!("{T} | top-nested 2 of State with others = 'x' by sum(Damage), top-nested 1 of Event by count()"));
    assert!(e.message.contains("before the last level"), "{}", e.message);
}
