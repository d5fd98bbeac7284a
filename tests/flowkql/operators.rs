//! Tabular operators. Expected values come from the Kusto documentation's examples
//! and rules (cited per test) or are worked out by hand from the input rows.

use crate::common::*;

const T: &str = "datatable(Name:string, Port:long, Bytes:real, At:datetime)[
    'a', 80, 10.0, datetime(2024-05-03 10:15:00),
    'b', 443, 25.5, datetime(2024-05-03 11:45:00),
    'a', 443, real(null), datetime(2024-05-02 23:59:59),
    'c', long(null), 5.0, datetime(2024-05-03 10:00:00)]";

#[test]
fn where_keeps_true_rows_and_drops_null_comparisons() {
    // A comparison with null is false (null-values.md).
    assert_eq!(rows(&format!("{T} | where Port > 100 | project Name")), r(&[&["b"], &["a"]]));
    assert_eq!(rows(&format!("{T} | where Port != 80 | project Name")), r(&[&["b"], &["a"], &["c"]]));
}

#[test]
fn null_equality_follows_the_documented_table() {
    // null-values.md: null == non-null is false, null != non-null is true,
    // null == null and null != null are null.
    let q = "datatable(val:int)[5, int(null)]
        | extend IsBiggerThan3 = val > 3, IsBiggerThan3OrNull = val > 3 or isnull(val),
                 IsEqualToNull = val == int(null), IsNotEqualToNull = val != int(null)";
    assert_eq!(rows(q), r(&[&["5", "true", "true", "false", "true"], &["null", "false", "true", "null", "null"]]));
}

#[test]
fn project_renames_computes_and_orders() {
    let q = format!("{T} | project Port, N = Name, Kb = Bytes / 1024 * 1024 | take 1");
    assert_eq!(columns(&q), cols(&[("Port", "long"), ("N", "string"), ("Kb", "real")]));
    assert_eq!(rows(&q), r(&[&["80", "a", "10"]]));
}

#[test]
fn extend_replaces_a_column_in_place() {
    let q = format!("{T} | extend Port = Port * 2, Twice = Port | take 1 | project-away At");
    assert_eq!(columns(&q), cols(&[("Name", "string"), ("Port", "long"), ("Bytes", "real"), ("Twice", "long")]));
    // Later items of the same extend see earlier ones.
    assert_eq!(rows(&q), r(&[&["a", "160", "10", "160"]]));
}

#[test]
fn project_away_keep_rename_reorder() {
    assert_eq!(columns(&format!("{T} | project-away B*, At")), cols(&[("Name", "string"), ("Port", "long")]));
    assert_eq!(columns(&format!("{T} | project-keep At, *or*")), cols(&[("Port", "long"), ("At", "datetime")]));
    assert_eq!(
        columns(&format!("{T} | project-rename Host = Name, When = At")),
        cols(&[("Host", "string"), ("Port", "long"), ("Bytes", "real"), ("When", "datetime")])
    );
    assert_eq!(
        columns(&format!("{T} | project-reorder At, Bytes")),
        cols(&[("At", "datetime"), ("Bytes", "real"), ("Name", "string"), ("Port", "long")])
    );
}

#[test]
fn sort_defaults_to_descending_with_nulls_last() {
    // sort-operator.md: default order desc; nulls last for desc, first for asc.
    assert_eq!(rows(&format!("{T} | sort by Port | project Port")), r(&[&["443"], &["443"], &["80"], &["null"]]));
    assert_eq!(rows(&format!("{T} | order by Port asc | project Port")), r(&[&["null"], &["80"], &["443"], &["443"]]));
    assert_eq!(rows(&format!("{T} | sort by Port asc nulls last | project Port")), r(&[&["80"], &["443"], &["443"], &["null"]]));
    assert_eq!(rows(&format!("{T} | sort by Name asc, Port desc | project Name, Port")).len(), 4);
    assert_eq!(
        rows(&format!("{T} | sort by Name asc, Port desc | project Name, Port")),
        r(&[&["a", "443"], &["a", "80"], &["b", "443"], &["c", "null"]])
    );
}

#[test]
fn take_top_count_distinct() {
    assert_eq!(rows(&format!("{T} | take 2 | count")), r(&[&["2"]]));
    assert_eq!(rows(&format!("{T} | limit 0 | count")), r(&[&["0"]]));
    assert_eq!(columns(&format!("{T} | count")), cols(&[("Count", "long")]));
    assert_eq!(rows(&format!("{T} | top 2 by Bytes | project Name, Bytes")), r(&[&["b", "25.5"], &["a", "10"]]));
    assert_eq!(rows(&format!("{T} | top 1 by Bytes asc | project Name")), r(&[&["a"]]));
    assert_eq!(rows(&format!("{T} | distinct Name | sort by Name asc")), r(&[&["a"], &["b"], &["c"]]));
    assert_eq!(rows(&format!("{T} | distinct Name, Port | count")), r(&[&["4"]]));
}

#[test]
fn summarize_names_types_and_values() {
    let q = format!("{T} | summarize count(), sum(Bytes), avg(Port), dcount(Port), max(At) by Name | sort by Name asc");
    assert_eq!(
        columns(&q),
        cols(&[
            ("Name", "string"),
            ("count_", "long"),
            ("sum_Bytes", "real"),
            ("avg_Port", "real"),
            ("dcount_Port", "long"),
            ("max_At", "datetime")
        ])
    );
    assert_eq!(
        rows(&q),
        r(&[
            &["a", "2", "10", "261.5", "2", "2024-05-03T10:15:00Z"],
            &["b", "1", "25.5", "443", "1", "2024-05-03T11:45:00Z"],
            &["c", "1", "5", "null", "0", "2024-05-03T10:00:00Z"],
        ])
    );
}

#[test]
fn summarize_arithmetic_over_aggregates() {
    // The article's form: sum(x)/(1024*1024) stays one aggregate column.
    let q = "datatable(b:real, k:string)[1048576.0, 'x', 3145728.0, 'x', 524288.0, 'y']
        | summarize MB = sum(b)/(1024*1024), Twice = 2 * count() by k | sort by k asc";
    assert_eq!(rows(q), r(&[&["x", "4", "4"], &["y", "0.5", "2"]]));
}

#[test]
fn summarize_by_bin_keeps_the_column_name_and_type() {
    let q = format!("{T} | summarize n = count() by bin(At, 1h) | sort by At asc");
    assert_eq!(columns(&q), cols(&[("At", "datetime"), ("n", "long")]));
    assert_eq!(rows(&q), r(&[&["2024-05-02T23:00:00Z", "1"], &["2024-05-03T10:00:00Z", "2"], &["2024-05-03T11:00:00Z", "1"]]));
}

#[test]
fn summarize_on_empty_input() {
    // summarize-operator.md: without by, one row with the documented defaults
    // (0 for count/sum/dcount, [] for make_set/make_list, null for the rest);
    // with by, no rows.
    let q = format!("{T} | where Port > 10000 | summarize count(), sum(Bytes), dcount(Name), make_set(Name), avg(Bytes), max(At)");
    assert_eq!(rows(&q), r(&[&["0", "0", "0", "[]", "null", "null"]]));
    assert_eq!(rows(&format!("{T} | where Port > 10000 | summarize count() by Name")).len(), 0);
}

#[test]
fn summarize_clashing_names_get_suffixes() {
    // Kusto's analyzer names the second count() `count_1`.
    assert_eq!(
        columns(&format!("{T} | summarize count(), count() by Name")),
        cols(&[("Name", "string"), ("count_", "long"), ("count_1", "long")])
    );
}

#[test]
fn arg_max_returns_the_row_of_the_maximum() {
    // arg-max-aggregation-function.md: the columns of the row where the first argument is largest.
    let q = format!("{T} | summarize arg_max(At, Port, Bytes) by Name | sort by Name asc");
    assert_eq!(columns(&q), cols(&[("Name", "string"), ("At", "datetime"), ("Port", "long"), ("Bytes", "real")]));
    assert_eq!(
        rows(&q),
        r(&[
            &["a", "2024-05-03T10:15:00Z", "80", "10"],
            &["b", "2024-05-03T11:45:00Z", "443", "25.5"],
            &["c", "2024-05-03T10:00:00Z", "null", "5"],
        ])
    );
    let star = format!("{T} | summarize arg_min(At, *) by Name | sort by Name asc");
    assert_eq!(columns(&star), cols(&[("Name", "string"), ("At", "datetime"), ("Port", "long"), ("Bytes", "real")]));
}

#[test]
fn aggregates_skip_nulls_and_follow_kusto_rules() {
    let q = "datatable(x:long)[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, long(null)]
        | summarize c = count(), cx = count(x), s = sum(x), p50 = percentile(x, 50), p90 = percentile(x, 90),
                    p0 = percentile(x, 0), ci = countif(x > 5), si = sumif(x, x % 2 == 0), l = make_list(x)";
    // Nearest-rank percentile: the ceil(p/100*n)-th smallest of the 10 values.
    assert_eq!(rows(q), r(&[&["11", "10", "55", "5", "9", "1", "5", "30", "[1,2,3,4,5,6,7,8,9,10]"]]));
}

#[test]
fn let_statements_scalar_and_tabular() {
    let q = "let threshold = 2; let T = datatable(x:long)[1, 2, 3]; T | where x >= threshold | count";
    assert_eq!(rows(q), r(&[&["2"]]));
    let q = "let T = datatable(x:long)[1, 2, 3] | where x > 1; T | summarize sum(x)";
    assert_eq!(rows(q), r(&[&["5"]]));
}

#[test]
fn set_overrides_a_let() {
    let mut s = session();
    s.overrides.insert("threshold".into(), "3".into());
    assert_eq!(rows_in(&s, "let threshold = 2; datatable(x:long)[1, 2, 3] | where x >= threshold | count"), r(&[&["1"]]));
}

#[test]
fn print_and_range_sources() {
    // print-operator.md: unnamed columns are print_0, print_1, ...
    assert_eq!(columns("print 1, x = 'a', 2.5"), cols(&[("print_0", "long"), ("x", "string"), ("print_2", "real")]));
    assert_eq!(rows("range x from 1 to 10 step 3"), r(&[&["1"], &["4"], &["7"], &["10"]]));
    assert_eq!(
        rows("range t from datetime(2024-01-01) to datetime(2024-01-01 02:00) step 1h"),
        r(&[&["2024-01-01T00:00:00Z"], &["2024-01-01T01:00:00Z"], &["2024-01-01T02:00:00Z"]])
    );
}

#[test]
fn comments_and_commented_out_pipeline_lines() {
    let q = "datatable(x:long)[1, 2, 3] // inline
//| where x > 100
| where x > 1 // keep two
| count";
    assert_eq!(rows(q), r(&[&["2"]]));
}

#[test]
fn top_nested_levels() {
    // top-nested-operator.md: each level keeps its top N within the level above; the
    // aggregate column is named aggregated_<key> unless named.
    let q = "datatable(c:string, ip:string, b:long)[
            'a', 'x', 10, 'a', 'y', 30, 'a', 'z', 5, 'b', 'x', 100, 'c', 'q', 1, 'a', 'y', 1]
        | top-nested 2 of c by sum(b), top-nested 1 of ip by Bytes = sum(b)";
    assert_eq!(columns(q), cols(&[("c", "string"), ("aggregated_c", "long"), ("ip", "string"), ("Bytes", "long")]));
    assert_eq!(rows(q), r(&[&["b", "100", "x", "100"], &["a", "46", "y", "31"]]));
    let q = "datatable(c:string)['a', 'a', 'b'] | top-nested of c by count() asc";
    assert_eq!(rows(q), r(&[&["b", "1"], &["a", "2"]]));
}

#[test]
fn where_keeps_kusto_null_semantics_under_not_and_or() {
    // null > 3 is false, so not(null > 3) is true and the row stays; `!=` keeps nulls too.
    let t = "datatable(x:long)[1, 5, long(null)]";
    assert_eq!(rows(&format!("{t} | where not(x > 3)")), r(&[&["1"], &["null"]]));
    assert_eq!(rows(&format!("{t} | where x != 5")), r(&[&["1"], &["null"]]));
    assert_eq!(rows(&format!("{t} | where x > 3 or isnull(x)")), r(&[&["5"], &["null"]]));
    assert_eq!(rows(&format!("{t} | where x > 0 and x < 3")), r(&[&["1"]]));
}

#[test]
fn as_names_the_rows_for_later_operators() {
    // as-operator.md: the join's right side may read the name; a union labels its rows
    // with it.
    let q = "range x from 1 to 4 step 1 | as T | where x > 2 | join kind=inner (T | where x < 4) on x | project x";
    assert_eq!(rows(q), r(&[&["3"]]));
    let q = "range x from 1 to 2 step 1 | as T1 | union withsource=TableName (range x from 1 to 2 step 1 | as T2) | project TableName";
    assert_eq!(rows(q), r(&[&["T1"], &["T1"], &["T2"], &["T2"]]));
}

#[test]
fn star_with_a_string_operator_looks_in_every_column() {
    // `where * has "x"` looks in every column (a number by its text); `!has` in none.
    let t = "datatable(a:string, b:long)['x', 10, 'hello world', 2, 'z', 3]";
    assert_eq!(rows(&format!("{t} | where * has 'world' or * contains '1' | project a")), r(&[&["x"], &["hello world"]]));
    assert_eq!(rows(&format!("{t} | where * !has 'world' | project a")), r(&[&["x"], &["z"]]));
}

/// in-operator.md and in-cs-operator.md: each item of the list is a scalar, a dynamic
/// array (its elements) or a tabular expression (its first column's values), inline or
/// bound by `let`.
#[test]
fn in_lists_take_arrays_and_tables() {
    let states = "datatable(State:string)['TEXAS', 'FLORIDA', 'GEORGIA', 'OHIO']";
    let q = format!("{states} | where State in~ (dynamic(['florida', 'georgia']), 'Ohio')");
    assert_eq!(rows(&q), r(&[&["FLORIDA"], &["GEORGIA"], &["OHIO"]]));
    let q = format!("let wanted = dynamic(['TEXAS']); {states} | where State in (wanted)");
    assert_eq!(rows(&q), r(&[&["TEXAS"]]));
    // The first column of a tabular expression, inline (with or without the doubled
    // parentheses the page shows) or through `let`.
    let population = "datatable(State:string, Population:long)['TEXAS', 29000000, 'OHIO', 11000000, 'IOWA', 3000000]";
    let q = format!("{states} | where State in ({population} | where Population > 5000000)");
    assert_eq!(rows(&q), r(&[&["TEXAS"], &["OHIO"]]));
    let q = format!("{states} | where State !in (({population} | where Population > 5000000 | project State))");
    assert_eq!(rows(&q), r(&[&["FLORIDA"], &["GEORGIA"]]));
    let q =
        format!("let large = {population} | where Population > 20000000; {states} | where State in (large) or State in ('IOWA', 'OHIO')");
    assert_eq!(rows(&q), r(&[&["TEXAS"], &["OHIO"]]));
    let q = "datatable(n:long)[1, 2, 3] | where n in (range x from 2 to 9 step 1)";
    assert_eq!(rows(q), r(&[&["2"], &["3"]]));
    // A tabular user-defined function's result, too.
    let q = format!(
        "let Large = (min:long) {{ {population} | where Population > min | project State }}; {states} | where State in (Large(20000000))"
    );
    assert_eq!(rows(&q), r(&[&["TEXAS"]]));
}

/// has-any-operator.md: like `in`, each item may be a dynamic array or a tabular
/// expression (its first column); terms match whole terms, case-insensitively.
#[test]
fn has_any_takes_arrays_and_tables() {
    let urls = "datatable(Url:string)['https://evil.com/x', 'https://good.com', 'http://BAD.org/', 'https://notevil.com']";
    let q = format!("let Domains = datatable(d:string)['evil.com', 'bad.org']; {urls} | where Url has_any (Domains)");
    assert_eq!(rows(&q), r(&[&["https://evil.com/x"], &["http://BAD.org/"]]));
    let q = format!("{urls} | where Url has_any ((datatable(d:string, n:long)['good.com', 1] | project d))");
    assert_eq!(rows(&q), r(&[&["https://good.com"]]));
    let q = format!("let areas = dynamic(['bad', 'good']); {urls} | where Url has_any (areas)");
    assert_eq!(rows(&q), r(&[&["https://good.com"], &["http://BAD.org/"]]));
    let q = "datatable(s:string)['a b c', 'a d'] | where s has_all ((datatable(t:string)['a', 'c']))";
    assert_eq!(rows(q), r(&[&["a b c"]]));
}
