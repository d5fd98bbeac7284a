//! `sample` and `sample-distinct` (sample-operator.md, sample-distinct-operator.md): the
//! rows are random, so the tests check counts, membership and distinctness.

use crate::common::*;
use std::collections::HashSet;

#[test]
fn sample_keeps_whole_input_rows() {
    let q = "range x from 1 to 100 step 1 | extend y = x * 2 | sample 7";
    assert_eq!(columns(q), cols(&[("x", "long"), ("y", "long")]));
    let got = rows(q);
    assert_eq!(got.len(), 7);
    let mut seen = HashSet::new();
    for row in &got {
        let x: i64 = row[0].parse().expect("a number");
        assert!((1..=100).contains(&x), "{x} is not an input row");
        assert_eq!(row[1], (x * 2).to_string(), "columns of one row stay together");
        assert!(seen.insert(x), "row {x} sampled twice");
    }
}

#[test]
fn sample_of_more_rows_than_there_are() {
    assert_eq!(rows("range x from 1 to 5 step 1 | sample 50 | count"), r(&[&["5"]]));
    assert_eq!(rows("range x from 1 to 5 step 1 | sample 0 | count"), r(&[&["0"]]));
}

#[test]
fn sample_distinct_values() {
    let q = "range x from 1 to 100 step 1 | extend k = strcat('k', x % 4) | sample-distinct 3 of k";
    assert_eq!(columns(q), cols(&[("k", "string")]));
    let got: Vec<String> = rows(q).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 3, "values are distinct: {got:?}");
    assert!(got.iter().all(|v| ["k0", "k1", "k2", "k3"].contains(&v.as_str())), "{got:?}");
    let all = rows("range x from 1 to 100 step 1 | extend k = x % 4 | sample-distinct 10 of k | order by k asc");
    assert_eq!(all, r(&[&["0"], &["1"], &["2"], &["3"]]));
}

#[test]
fn sample_errors() {
    let e = error("range x from 1 to 5 step 1 | sample-distinct 3 of y");
    assert!(e.message.contains("unknown column `y`"), "{}", e.message);
    let e = error("range x from 1 to 5 step 1 | sample -1");
    assert!(e.message.contains("non-negative"), "{}", e.message);
}

#[test]
fn sampling_within_partitions_and_rows() {
    // Three partitions of ten rows: two sampled rows each.
    let q = "range x from 1 to 30 step 1 | extend g = x % 3 | partition by g (sample 2) | summarize n = count(), bad = countif(x % 3 != g) by g | order by g asc";
    assert_eq!(rows(q), r(&[&["0", "2", "0"], &["1", "2", "0"], &["2", "2", "0"]]));
    // Each partition has the five values of x % 5.
    let q = "range x from 1 to 30 step 1 | extend g = x % 3, h = x % 5 | partition by g (sample-distinct 10 of h) | count";
    assert_eq!(rows(q), r(&[&["15"]]));
    let q = "print k = 'a', a = dynamic([1, 2, 3, 4, 5]) | mv-apply v = a to typeof(long) on (sample 2) | summarize n = count(), d = dcount(v) by k";
    assert_eq!(rows(q), r(&[&["a", "2", "2"]]));
}
