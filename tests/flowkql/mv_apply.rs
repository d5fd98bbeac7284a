//! `mv-apply`, with the examples of mv-apply-operator.md; result columns as Kusto's
//! analyzer gives them.

use crate::common::*;

#[test]
fn take_keeps_every_element() {
    let q = "let data = datatable (index: int, Arr: dynamic)[0, dynamic([7]), 1, dynamic([6, 11, 7])];
             data | mv-apply Arr2=Arr to typeof(long) on (take 100)";
    assert_eq!(columns(q), cols(&[("index", "int"), ("Arr", "dynamic"), ("Arr2", "long")]));
    assert_eq!(rows(q), r(&[&["0", "[7]", "7"], &["1", "[6,11,7]", "6"], &["1", "[6,11,7]", "11"], &["1", "[6,11,7]", "7"]]));
}

#[test]
fn largest_element_per_row() {
    let q = "let data = datatable (index: int, Arr: dynamic)[0, dynamic([1, 5, 3]), 1, dynamic([10, 2, 5, 7])];
             data | mv-apply topElem=Arr to typeof(long) on (top 1 by topElem)";
    assert_eq!(rows(q), r(&[&["0", "[1,5,3]", "5"], &["1", "[10,2,5,7]", "10"]]));
}

#[test]
fn top_two_summarized_per_row() {
    let q = "let data = datatable (index: int, Arr: dynamic)[0, dynamic([5, 1, 3]), 1, dynamic([4, 10, 8, 7])];
             data | mv-apply Arr2=Arr to typeof(long) on (top 2 by Arr2 | summarize Top2=make_list(Arr2))";
    assert_eq!(columns(q), cols(&[("index", "int"), ("Arr", "dynamic"), ("Top2", "dynamic")]));
    assert_eq!(rows(q), r(&[&["0", "[5,1,3]", "[5,3]"], &["1", "[4,10,8,7]", "[10,8]"]]));
}

#[test]
fn two_arrays_selected_together() {
    let q = "datatable (Val:int, Arr1:dynamic, Arr2:dynamic)
               [1, dynamic(['A1', 'A2', 'A3']), dynamic([10, 30, 7]),
                7, dynamic(['B1', 'B2', 'B5']), dynamic([15, 11, 50]),
                3, dynamic(['C1', 'C2', 'C3', 'C4']), dynamic([6, 40, 20, 8])]
             | mv-apply NewArr1=Arr1, NewArr2=Arr2 to typeof(long) on (
                 top 2 by NewArr2
                 | summarize NewArr1=make_list(NewArr1), NewArr2=make_list(NewArr2))
             | project Val, NewArr1, NewArr2";
    assert_eq!(
        rows(q),
        r(&[&["1", r#"["A2","A1"]"#, "[30,10]"], &["7", r#"["B5","B1"]"#, "[50,15]"], &["3", r#"["C2","C3"]"#, "[40,20]"]])
    );
}

#[test]
fn item_index_filters_a_subset() {
    let q = "let data = datatable (row: int, Arr: dynamic)[0, dynamic([5, 1, 3]), 1, dynamic([4, 10, 8, 7])];
             data | mv-apply with_itemindex=index value=Arr to typeof(long) on (where index >= 2)";
    assert_eq!(columns(q), cols(&[("row", "int"), ("Arr", "dynamic"), ("value", "long"), ("index", "long")]));
    assert_eq!(rows(q), r(&[&["0", "[5,1,3]", "3", "2"], &["1", "[4,10,8,7]", "8", "2"], &["1", "[4,10,8,7]", "7", "3"]]));
}

#[test]
fn arrays_of_different_lengths_pad_with_null() {
    let q = "datatable (Val: int, Arr1: dynamic, Arr2: dynamic)
               [1, dynamic(['A1', 'A2']), dynamic(['B1', 'B2', 'B3']), 5, dynamic(['C1', 'C2']), dynamic(['D1'])]
             | mv-apply T1=Arr1, T2=Arr2 on (extend Out = strcat(T1, '_', T2) | summarize Out = make_list(Out))
             | project Val, Out";
    assert_eq!(rows(q), r(&[&["1", r#"["A1_B1","A2_B2","_B3"]"#], &["5", r#"["C1_D1","C2_"]"#]]));
}

#[test]
fn result_columns_follow_kusto() {
    // The expanded column leaves the input's columns; the subquery's columns follow.
    let t = r#"datatable(a:long, x:dynamic, b:string)[1, dynamic([1,2]), "s"]"#;
    assert_eq!(
        columns(&format!("{t} | mv-apply x on (extend y=1)")),
        cols(&[("a", "long"), ("b", "string"), ("x", "dynamic"), ("y", "long")])
    );
    // A named item leaves the source column in place.
    assert_eq!(
        columns(&format!("{t} | mv-apply y = x on (project y)")),
        cols(&[("a", "long"), ("x", "dynamic"), ("b", "string"), ("y", "dynamic")])
    );
    assert_eq!(columns(&format!("{t} | mv-apply x on (count)")), cols(&[("a", "long"), ("b", "string"), ("Count", "long")]));
    // A subquery column named as an input column takes that column's place, with its value.
    let q = format!("{t} | mv-apply x on (project a = 'str', b = 1, x)");
    assert_eq!(columns(&q), cols(&[("a", "string"), ("b", "long"), ("x", "dynamic")]));
    assert_eq!(rows(&q), r(&[&["str", "1", "1"], &["str", "1", "2"]]));
}

#[test]
fn subquery_works_per_row() {
    // Counts, sorts and limits never mix the rows' subtables; the input order stays.
    let q = "datatable(k:string, x:dynamic)['b', dynamic([3, 1, 2]), 'a', dynamic([9]), 'c', dynamic([5, 5])]
             | mv-apply v = x to typeof(long) on (summarize n = count(), s = sum(v))
             | project k, n, s";
    assert_eq!(rows(q), r(&[&["b", "3", "6"], &["a", "1", "9"], &["c", "2", "10"]]));
    let q = "datatable(k:string, x:dynamic)['b', dynamic([3, 1, 2]), 'a', dynamic([9, 8])]
             | mv-apply v = x to typeof(long) on (sort by v asc | take 2) | project k, v";
    assert_eq!(rows(q), r(&[&["b", "1"], &["b", "2"], &["a", "8"], &["a", "9"]]));
    let q = "datatable(k:string, x:dynamic)['b', dynamic([1, 1, 2]), 'a', dynamic([1])]
             | mv-apply v = x to typeof(long) on (distinct v) | project k, v";
    assert_eq!(rows(q), r(&[&["b", "1"], &["b", "2"], &["a", "1"]]));
}

#[test]
fn limit_caps_the_expansion() {
    let q = "datatable(x:dynamic)[dynamic([1, 2, 3])] | mv-apply x to typeof(long) limit 2 on (summarize s = sum(x))";
    assert_eq!(rows(q), r(&[&["3"]]));
}

#[test]
fn unsupported_and_malformed_subqueries() {
    let e = error("datatable(a:long, x:dynamic)[1, dynamic([1,2])] | mv-apply x on (union (print z=1))");
    assert!(e.message.contains("`union` inside a `mv-apply` subquery"), "{}", e.message);
    let q = "datatable(a:long, x:dynamic)[1, dynamic([1,2])] | mv-apply x on take 1";
    let span = error(q).span.expect("a span");
    assert_eq!(&q[span.start..span.end], "take");
    let e = error("datatable(a:long)[1] | mv-apply a on (take 1)");
    assert!(e.message.contains("dynamic"), "{}", e.message);
}

#[test]
fn summarize_gives_a_row_for_every_subtable() {
    // `summarize` without `by` on an empty table gives one row; a subtable emptied by
    // `where` (or an empty array) is no exception, so filtering arrays keeps every row.
    let q = "datatable(k:string, x:dynamic)['a', dynamic([1, 5, 7]), 'b', dynamic([1]), 'c', dynamic([])]
             | mv-apply e = x to typeof(long) on (where e > 2 | summarize big = make_list(e), n = count())
             | project k, big, n";
    assert_eq!(rows(q), r(&[&["a", "[5,7]", "2"], &["b", "[]", "0"], &["c", "[]", "0"]]));
    let q = "datatable(k:string, v:long)['a', 1, 'a', 5, 'b', 1] | partition by k (where v > 2 | count) | order by Count asc";
    assert_eq!(rows(q), r(&[&["0"], &["1"]]));
}

#[test]
fn filters_after_a_row_wise_mv_apply_reach_the_source() {
    let s = session();
    let q = "datatable(k:string, x:dynamic)['a', dynamic([1, 5])] | mv-apply v = x to typeof(long) on (where v > 2) | where k == 'a'";
    let (checked, _) = s.check(q).unwrap_or_else(|e| panic!("{e}"));
    let plan = flowkql::exec::explain_polars(&checked, s.tables()).unwrap_or_else(|e| panic!("{e}"));
    let filter = plan.find(r#"col("k") == "a""#).unwrap_or_else(|| panic!("no filter on k:\n{plan}"));
    let explode = plan.find("EXPLODE").unwrap_or_else(|| panic!("no explode:\n{plan}"));
    assert!(filter > explode, "the filter on k runs before the expansion:\n{plan}");
    assert_eq!(rows(q), r(&[&["a", "[1,5]", "5"]]));
}
