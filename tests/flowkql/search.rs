//! `search`, with the term rules of search-operator.md: a term is `has`, `*x` `hassuffix`,
//! `x*` `hasprefix`, `*x*` `contains`, `a*b` the regex `\ba.*b\b`; `Col:"x"` limits a term
//! to one column; the result starts with `$table`.

use crate::common::*;
use flowkql::types::Table;
use polars::prelude::IntoLazy;

const T: &str = r#"datatable(Name:string, Color:string, n:long)
    ["Contoso Green player", "green", 1, "Proseware Blue", "blue", 22, "LabelPC", "Blue", 3, "MyLab-XPC", "x", 4]"#;

fn names(q: &str) -> Vec<String> {
    rows(&format!("{T} | {q} | project Name")).into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn terms_match_whole_words_in_any_column() {
    assert_eq!(names(r#"search "Green""#), ["Contoso Green player"]);
    // `has` looks for whole terms: "Gree" is no term of any value.
    assert!(names(r#"search "Gree""#).is_empty());
    // Case-insensitive unless kind=case_sensitive.
    assert_eq!(names(r#"search "BLUE""#), ["Proseware Blue", "LabelPC"]);
    assert_eq!(names(r#"search kind=case_sensitive "blue""#), ["Proseware Blue"]);
    // Numbers are searched as text.
    assert_eq!(names(r#"search "22""#), ["Proseware Blue"]);
}

#[test]
fn wildcards_choose_the_operator() {
    assert_eq!(names(r#"search "gree*""#), ["Contoso Green player"]);
    assert_eq!(names(r#"search "*ware""#), ["Proseware Blue"]);
    assert_eq!(names(r#"search "*abe*""#), ["LabelPC"]);
    // `Lab*PC`: a word starting with Lab, later a word ending with PC ("MyLab" does not start with Lab).
    assert_eq!(names(r#"search "Lab*PC""#), ["LabelPC"]);
    assert_eq!(names("search *").len(), 4);
}

#[test]
fn columns_conditions_and_combinations() {
    assert_eq!(names(r#"search Color:"blue""#), ["Proseware Blue", "LabelPC"]);
    assert_eq!(names(r#"search Color:"blue" and n > 5"#), ["Proseware Blue"]);
    assert_eq!(names(r#"search "green" and ("player" or "x")"#), ["Contoso Green player"]);
    assert_eq!(names(r#"search "x" or (n > 2 and n < 4)"#), ["LabelPC", "MyLab-XPC"]);
    assert_eq!(names(r#"search Color == "x""#), ["MyLab-XPC"]);
    assert_eq!(names(r#"search Name matches regex "^[A-Z][a-z]+PC$""#), ["LabelPC"]);
}

#[test]
fn result_starts_with_table() {
    assert_eq!(
        columns(&format!("{T} | search \"x\"")),
        cols(&[("$table", "string"), ("Name", "string"), ("Color", "string"), ("n", "long")])
    );
}

#[test]
fn several_tables() {
    let q = r#"let A1 = datatable(k:string, v:long)["red fox", 1, "blue", 2];
               let A2 = datatable(k:string, w:real)["fox", 1.5];
               let B = datatable(k:string)["fox"];
               search in (A*) "fox" | project $table, k, v, w"#;
    assert_eq!(columns(q), cols(&[("$table", "string"), ("k", "string"), ("v", "long"), ("w", "real")]));
    assert_eq!(rows(q), r(&[&["A1", "red fox", "1", "null"], &["A2", "fox", "null", "1.5"]]));
    // Without `in`, every table bound to the session.
    let mut s = session();
    for (name, data) in
        [("Flows", r#"datatable(Src:string)["10.0.0.1 deny", "10.0.0.2 allow"]"#), ("Alerts", r#"datatable(Msg:string)["deny all"]"#)]
    {
        let out = s.run(data).unwrap_or_else(|e| panic!("{}", e.message));
        s.bind(name, Table { schema: out.result.schema, frame: out.result.frame.lazy() });
    }
    assert_eq!(rows_in(&s, r#"search "deny" | project $table"#), r(&[&["Alerts"], &["Flows"]]));
}

#[test]
fn diagnostics() {
    let e = error(&format!("{T} | search Colr:\"x\""));
    assert!(e.message.contains("unknown column `Colr`"), "{}", e.message);
    let q = format!("{T} | search in (X) \"x\"");
    let span = error(&q).span.expect("a span");
    assert_eq!(&q[span.start..span.end], "in");
    let e = error("search in (Nothing*) \"x\"");
    assert!(e.message.contains("no table matches"), "{}", e.message);
}
