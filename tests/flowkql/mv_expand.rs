//! `mv-expand`, with the examples of mv-expand-operator.md.

use crate::common::*;

#[test]
fn single_column_of_arrays() {
    let q = "datatable (a: int, b: dynamic)[1, dynamic([10, 20]), 2, dynamic(['a', 'b'])] | mv-expand b";
    assert_eq!(columns(q), cols(&[("a", "int"), ("b", "dynamic")]));
    assert_eq!(rows(q), r(&[&["1", "10"], &["1", "20"], &["2", "a"], &["2", "b"]]));
}

#[test]
fn two_columns_expand_in_parallel() {
    let q =
        r#"datatable (a: int, b: dynamic, c: dynamic)[1, dynamic({"prop1": "a1", "prop2": "b1"}), dynamic([5, 4, 3])] | mv-expand b, c"#;
    assert_eq!(rows(q), r(&[&["1", r#"{"prop1":"a1"}"#, "5"], &["1", r#"{"prop2":"b1"}"#, "4"], &["1", "null", "3"]]));
}

#[test]
fn bags_as_arrays_index_and_types() {
    let q = r#"datatable (b: dynamic)[dynamic({"k": 1})] | mv-expand kind=array b"#;
    assert_eq!(rows(q), r(&[&[r#"["k",1]"#]]));
    let q = "range x from 1 to 4 step 1 | summarize x = make_list(x) | mv-expand with_itemindex=Index x";
    assert_eq!(columns(q), cols(&[("x", "dynamic"), ("Index", "long")]));
    assert_eq!(rows(q), r(&[&["1", "0"], &["2", "1"], &["3", "2"], &["4", "3"]]));
    let q = r#"datatable (a: string, b: dynamic, c: dynamic)["Constant", dynamic([1, 2, 3, 4]), dynamic([6, 7, 8, 9])] | mv-expand b, c to typeof(int)"#;
    assert_eq!(columns(q), cols(&[("a", "string"), ("b", "dynamic"), ("c", "int")]));
    assert_eq!(rows(q).len(), 4);
}

#[test]
fn null_gives_one_row_and_empty_gives_none() {
    let q = "datatable (a: int, b: dynamic)[1, dynamic(null), 2, dynamic([]), 3, dynamic([7])] | mv-expand b";
    assert_eq!(rows(q), r(&[&["1", "null"], &["3", "7"]]));
    let q = "datatable (b: dynamic)[dynamic([1, 2, 3])] | mv-expand b limit 2";
    assert_eq!(rows(q), r(&[&["1"], &["2"]]));
}

#[test]
fn expanding_a_split() {
    let q = "print s = 'a,b,c' | mv-expand part = split(s, ',') to typeof(string) | project part";
    assert_eq!(rows(q), r(&[&["a"], &["b"], &["c"]]));
}
