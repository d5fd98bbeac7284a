//! `externaldata` (externaldata-operator.md, and the data formats page for `format`):
//! files bound to the query's URIs, read into the declared columns. Expected rows are
//! the files' contents typed as declared, written out by hand.

use crate::common::{r, rows_in, session};
use flowkql::Session;
use std::path::{Path, PathBuf};

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the test file");
    path
}

fn bound(pairs: &[(&str, &Path)]) -> Session {
    let mut s = session();
    for (uri, path) in pairs {
        s.external.insert(uri.to_string(), path.to_path_buf());
    }
    s
}

#[test]
fn csv_binds_fields_by_position_and_skips_a_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = file(
        dir.path(),
        "tor.csv",
        b"Ip,Port,Seen,Note\r\n1.2.3.4,443,2024-05-01T10:00:00Z,\"exit, fast\"\r\n5.6.7.8,9001,2024-05-02,x\r\n",
    );
    // A SAS token in the query's URI: the binding without it still matches.
    let s = bound(&[("https://example.com/feeds/tor.csv", &csv)]);
    let q = r#"externaldata (Ip:string, Port:int, Seen:datetime, Note:string)
               [h@"https://example.com/feeds/tor.csv?sv=2022-11-02&sig=abc"] with (format="csv", ignoreFirstRecord=true)"#;
    assert_eq!(
        rows_in(&s, q),
        r(&[&["1.2.3.4", "443", "2024-05-01T10:00:00Z", "exit, fast"], &["5.6.7.8", "9001", "2024-05-02T00:00:00Z", "x"]])
    );
}

#[test]
fn short_records_leave_columns_empty_and_extra_fields_are_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = file(dir.path(), "ragged.csv", b"a,1,x,extra\nb\nc,3\n");
    let q = format!("externaldata (S:string, N:long, T:string) [@'{}'] | extend IsNull = isnull(N)", csv.display());
    assert_eq!(rows_in(&session(), &q), r(&[&["a", "1", "x", "false"], &["b", "null", "", "true"], &["c", "3", "", "false"]]));
}

#[test]
fn delimited_variants_txt_and_raw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = file(dir.path(), "a.tsv", b"a\t1\nb\t2\n");
    let psv = file(dir.path(), "a.psv", b"c|3\n");
    let txt = file(dir.path(), "a.txt", b"10.0.0.1\n\n10.0.0.2\r\n");
    let raw = file(dir.path(), "a.raw", b"one\ntwo");
    let s = bound(&[("https://x/a.tsv", &tsv), ("https://x/a.psv", &psv), ("https://x/a.txt", &txt), ("https://x/a.raw", &raw)]);
    let q = "externaldata (S:string, N:long) ['https://x/a.tsv'] with (format='tsv')";
    assert_eq!(rows_in(&s, q), r(&[&["a", "1"], &["b", "2"]]));
    // A bare format name is taken too, as Kusto's parser takes it.
    let q = "externaldata (S:string, N:long) ['https://x/a.psv'] with (format=psv)";
    assert_eq!(rows_in(&s, q), r(&[&["c", "3"]]));
    // txt: a line is a record of one field; empty lines are skipped.
    let q = "externaldata (Ip:string, Other:long) ['https://x/a.txt'] with (format='txt')";
    assert_eq!(rows_in(&s, q), r(&[&["10.0.0.1", "null"], &["10.0.0.2", "null"]]));
    // raw: the whole file is one value.
    let q = "externaldata (Text:string) ['https://x/a.raw'] with (format='raw') | project n = strlen(Text)";
    assert_eq!(rows_in(&s, q), r(&[&["7"]]));
}

#[test]
fn empty_files_have_no_records() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = file(dir.path(), "empty.csv", b"");
    let header = file(dir.path(), "header.csv", b"Ip,Port\n");
    let s = bound(&[("https://x/empty.csv", &empty), ("https://x/header.csv", &header)]);
    let q = "externaldata (Ip:string, Port:int) ['https://x/empty.csv'] | count";
    assert_eq!(rows_in(&s, q), r(&[&["0"]]));
    let q = "externaldata (Ip:string, Port:int) ['https://x/header.csv'] with (ignoreFirstRecord=true) | count";
    assert_eq!(rows_in(&s, q), r(&[&["0"]]));
    let q = "externaldata (Ip:string) ['https://x/empty.csv'] with (format='json') | count";
    assert_eq!(rows_in(&s, q), r(&[&["0"]]));
}

#[test]
fn several_uris_are_read_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let one = file(dir.path(), "1.csv", b"a\n");
    let two = file(dir.path(), "2.csv", b"b\nc\n");
    let s = bound(&[("https://x/1.csv", &one), ("https://x/2.csv", &two)]);
    let q = "externaldata (S:string) ['https://x/1.csv', 'https://x/2.csv']";
    assert_eq!(rows_in(&s, q), r(&[&["a"], &["b"], &["c"]]));
}

#[test]
fn json_binds_properties_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = file(
        dir.path(),
        "ioc.json",
        br#"{"Ip":"1.2.3.4","Score":5,"Other":true}
[{"Score":"7","Ip":"9.9.9.9"}, {"Ip":"8.8.8.8"}]"#,
    );
    let s = bound(&[("https://x/ioc.json", &json)]);
    let q = "externaldata (Ip:string, Score:long, Tag:string) ['https://x/ioc.json'] with (format='multijson')";
    assert_eq!(rows_in(&s, q), r(&[&["1.2.3.4", "5", ""], &["9.9.9.9", "7", ""], &["8.8.8.8", "null", ""]]));
}

#[test]
fn parquet_binds_columns_by_name() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ioc.parquet");
    let mut df = df!("Score" => [5i64, 7], "Ip" => ["1.2.3.4", "9.9.9.9"]).expect("frame");
    ParquetWriter::new(std::fs::File::create(&path).expect("create")).finish(&mut df).expect("write");
    let s = bound(&[("https://x/ioc.parquet", &path)]);
    let q = "externaldata (Ip:string, Score:long, Tag:string) ['https://x/ioc.parquet'] with (format='parquet')";
    assert_eq!(rows_in(&s, q), r(&[&["1.2.3.4", "5", ""], &["9.9.9.9", "7", ""]]));
}

#[test]
fn a_feed_filters_flows_as_in_a_hunting_query() {
    let dir = tempfile::tempdir().expect("temp dir");
    let feed = file(dir.path(), "bad.txt", b"203.0.113.9\n198.51.100.7\n");
    let s = bound(&[("https://example.com/bad.txt", &feed)]);
    let q = "let Bad = externaldata (Ip:string) [@'https://example.com/bad.txt'] with (format='txt');
             datatable(SrcIP_s:string, Bytes:long)['10.0.0.4', 1, '203.0.113.9', 2, '198.51.100.7', 3]
             | where SrcIP_s in (Bad) | summarize sum(Bytes)";
    assert_eq!(rows_in(&s, q), r(&[&["5"]]));
}

#[test]
fn faults_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = file(dir.path(), "bad.csv", b"1.2.3.4,443\n5.6.7.8,https\n");
    let s = bound(&[("https://x/bad.csv", &csv)]);
    let e = s.run("externaldata (Ip:string, Port:int) ['https://x/bad.csv']").err().expect("a bad value fails");
    let text = e.render_plain("query", "");
    assert!(text.contains("record 2, column 'Port': \"https\" is not a int"), "{text}");

    // An unbound remote URI: the run fails at the URI and says how to bind it; a check
    // without data accepts the query.
    let q = "externaldata (Ip:string) ['https://example.com/list.csv'] | count";
    let e = session().run(q).err().expect("an unbound URI fails");
    let text = e.render_plain("query", q);
    assert!(text.contains("does not fetch") && text.contains("--externaldata \"https://example.com/"), "{text}");
    assert!(text.contains("──────────────────────────────"), "the URI is underlined: {text}");
    assert!(session().check(q).is_ok());

    let q = "externaldata (Ip:string) ['x.csv'] with (fromat='csv')";
    let Err(e) = session().check(q) else { panic!("an unknown property is an error") };
    let text = e.render_plain("query", q);
    assert!(text.contains("did you mean `format`?"), "{text}");
    let q = "externaldata (Ip:string) ['x.csv'] with (format='cvs')";
    let Err(e) = session().check(q) else { panic!("an unknown format is an error") };
    let text = e.render_plain("query", q);
    assert!(text.contains("did you mean \"csv\"?"), "{text}");
    let q = "externaldata (Ip:string, Ip:long) ['x.csv']";
    assert!(session().check(q).is_err());
    let missing = dir.path().join("missing.csv");
    let q = format!("externaldata (Ip:string) [@'{}']", missing.display());
    let text = session().run(&q).err().expect("a missing file fails").render_plain("query", &q);
    assert!(text.contains("no such file"), "{text}");
}
