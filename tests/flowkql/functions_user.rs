//! User-defined functions, `materialize`, `getschema`, `serialize` with row_number /
//! prev / next, `lookup` and `as`, with the documentation's examples and rules.

use crate::common::*;

#[test]
fn scalar_functions_with_defaults() {
    // user-defined-functions.md: scalar functions with typed parameters and defaults.
    let q = "let f = (a:long, b:long = 10) { a * b + 1 };
        datatable(x:long)[1, 2] | extend y = f(x), z = f(x, 2)";
    assert_eq!(rows(q), r(&[&["1", "11", "3"], &["2", "21", "5"]]));
    let q = "let classify = (port:real) { let high = port >= 1024; iff(high, 'ephemeral', 'well-known') };
        print a = classify(443.0), b = classify(50000.0)";
    assert_eq!(rows(q), r(&[&["well-known", "ephemeral"]]));
}

#[test]
fn tabular_functions() {
    let q = "let T = datatable(k:string, v:long)['a', 1, 'b', 5, 'c', 9];
        let Big = (threshold:long) { T | where v > threshold };
        Big(4) | count";
    assert_eq!(rows(q), r(&[&["2"]]));
    let q = "let Recent = () { datatable(v:long)[1, 2, 3] | where v > 1 }; Recent | count";
    assert_eq!(rows(q), r(&[&["2"]]));
    let q = "let T = materialize(datatable(v:long)[1, 2, 3]); T | union T | count";
    assert_eq!(rows(q), r(&[&["6"]]));
}

#[test]
fn function_errors() {
    let e = error("let f = (a:long) { a + 1 }; print f()");
    assert!(e.message.contains("takes 1 argument"), "{}", e.message);
    let e = error("let f = (a:long) { a + 1 }; print f('x')");
    assert!(e.message.contains("parameter `a` is long"), "{}", e.message);
    let e = error("let f = (a:long) { f(a) }; print f(1)");
    assert!(e.message.contains("more than"), "{}", e.message);
}

#[test]
fn getschema_lists_columns() {
    // getschema-operator.md: ColumnName, ColumnOrdinal, DataType, ColumnType.
    let q = "datatable(a:long, b:string, c:datetime)[] | getschema";
    assert_eq!(columns(q), cols(&[("ColumnName", "string"), ("ColumnOrdinal", "int"), ("DataType", "string"), ("ColumnType", "string")]));
    assert_eq!(
        rows(q),
        r(&[&["a", "0", "System.Int64", "long"], &["b", "1", "System.String", "string"], &["c", "2", "System.DateTime", "datetime"]])
    );
}

#[test]
fn serialize_row_number_prev_next() {
    // row-number-function.md, prev-function.md, next-function.md
    let q = "datatable(x:long)[10, 20, 30] | serialize | extend rn = row_number(), p = prev(x), n = next(x), p2 = prev(x, 2, -1)";
    assert_eq!(rows(q), r(&[&["10", "1", "null", "20", "-1"], &["20", "2", "10", "30", "-1"], &["30", "3", "20", "null", "10"]]));
    let q = "datatable(x:long)[3, 1, 2] | sort by x asc | extend rn = row_number(7)";
    assert_eq!(rows(q), r(&[&["1", "7"], &["2", "8"], &["3", "9"]]));
    let q = "datatable(s:string)['a', 'b'] | serialize rn = row_number() | extend before = prev(s)";
    assert_eq!(rows(q), r(&[&["a", "1", ""], &["b", "2", "a"]]));
}

#[test]
fn lookup_extends_without_repeating_keys() {
    // lookup-operator.md: the right side's key columns are not repeated; default leftouter.
    let q = "let F = datatable(ip:string, bytes:long)['1.1.1.1', 10, '2.2.2.2', 20, '3.3.3.3', 30];
        let D = datatable(ip:string, owner:string)['1.1.1.1', 'web', '3.3.3.3', 'db'];
        F | lookup D on ip | sort by ip asc";
    assert_eq!(columns(q), cols(&[("ip", "string"), ("bytes", "long"), ("owner", "string")]));
    assert_eq!(rows(q), r(&[&["1.1.1.1", "10", "web"], &["2.2.2.2", "20", ""], &["3.3.3.3", "30", "db"]]));
    let q = "let F = datatable(ip:string)['1.1.1.1', '2.2.2.2']; let D = datatable(addr:string, owner:string)['1.1.1.1', 'web'];
        F | lookup kind=inner D on $left.ip == $right.addr";
    assert_eq!(rows(q), r(&[&["1.1.1.1", "web"]]));
    assert!(error("datatable(a:long)[1] | lookup kind=fullouter (datatable(a:long)[1]) on a").message.contains("leftouter"));
}

#[test]
fn as_passes_rows_through() {
    assert_eq!(rows("datatable(x:long)[1, 2] | as hint.materialized=true T | count"), r(&[&["2"]]));
}

#[test]
fn invoke_passes_the_rows() {
    // invoke-operator.md: the function's first (tabular) parameter receives the input.
    let q = "let Heavy = (T:(b:long), min:long = 10) { T | where b >= min };
        datatable(b:long)[5, 10, 20] | invoke Heavy() | count";
    assert_eq!(rows(q), r(&[&["2"]]));
    let q = "let Heavy = (T:(*), min:long) { T | where b >= min }; datatable(b:long)[5, 10, 20] | invoke Heavy(20)";
    assert_eq!(rows(q), r(&[&["20"]]));
    let e = error("let Heavy = (T:(*)) { T }; Heavy()");
    assert!(e.message.contains("invoke"), "{}", e.message);
}

/// query-parameters-statement.md: declared parameters take the caller's value (`--set`),
/// else their default; one with neither has no value to run with, but checks.
#[test]
fn declared_query_parameters() {
    let q = "declare query_parameters(maxInjured:long = 90, state:string = 'TEXAS');
             datatable(State:string, Injured:long)['TEXAS', 100, 'TEXAS', 50, 'OHIO', 120]
             | where Injured > maxInjured and State == state";
    assert_eq!(rows(q), r(&[&["TEXAS", "100"]]));
    let mut s = session();
    s.overrides.insert("maxInjured".into(), "10".into());
    s.overrides.insert("state".into(), "'OHIO'".into());
    assert_eq!(rows_in(&s, q), r(&[&["OHIO", "120"]]));
    let q = "declare query_parameters(limit:long); datatable(x:long)[1, 2, 3] | where x > limit";
    let e = error(q);
    assert!(e.message.contains("`limit` has no value"), "{}", e.message);
    assert!(session().check(q).is_ok());
    let mut s = session();
    s.overrides.insert("limit".into(), "1".into());
    assert_eq!(rows_in(&s, q), r(&[&["2"], &["3"]]));
}
