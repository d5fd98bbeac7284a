//! `parse-kv`, with the examples of parse-kv-operator.md.

use crate::common::*;

#[test]
fn well_defined_delimiters() {
    let q = r#"print str="ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info"
        | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (pair_delimiter=',', kv_delimiter=':')
        | project-away str"#;
    assert_eq!(columns(q), cols(&[("Text", "string"), ("ThreadId", "long"), ("Machine", "string")]));
    assert_eq!(rows(q), r(&[&["The service is up", "458745723", "Node001"]]));
}

#[test]
fn quoted_keys_and_values() {
    let expected = r(&[&["2021-01-01T10:00:54Z", "10.1.1.123", "10.1.1.124", "125", "connection aborted"]]);
    let q = r#"print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="connection aborted" "event time"=2021-01-01T10:00:54'
        | parse-kv str as (['event time']:datetime, src:string, dst:string, bytes:long, failure:string)
          with (pair_delimiter=' ', kv_delimiter='=', quote='"')
        | project-away str"#;
    assert_eq!(columns(q)[0], ("event time".to_string(), "datetime".to_string()));
    assert_eq!(rows(q), expected);
    let q = r#"print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure=(connection aborted) (event time)=(2021-01-01 10:00:54)'
        | parse-kv str as (['event time']:datetime, src:string, dst:string, bytes:long, failure:string)
          with (pair_delimiter=' ', kv_delimiter='=', quote='()')
        | project-away str"#;
    assert_eq!(rows(q), expected);
}

#[test]
fn escaped_quotes_inside_values() {
    let q = r#"print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="the remote host sent \\"bye!\\"" time=2021-01-01T10:00:54'
        | parse-kv str as (['time']:datetime, src:string, dst:string, bytes:long, failure:string)
          with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape='\\')
        | project-away str"#;
    assert_eq!(rows(q), r(&[&["2021-01-01T10:00:54Z", "10.1.1.123", "10.1.1.124", "125", r#"the remote host sent "bye!""#]]));
}

#[test]
fn greedy_values_run_to_the_next_key() {
    let q = "print str='name=John Doe phone=555 5555 city=New York'
        | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=')
        | project-away str";
    assert_eq!(rows(q), r(&[&["John", "555", "New"]]));
    let q = "print str='name=John Doe phone=555 5555 city=New York'
        | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=', greedy=true)
        | project-away str";
    assert_eq!(rows(q), r(&[&["John Doe", "555 5555", "New York"]]));
}

#[test]
fn no_delimiters_given() {
    let q = r#"print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: Started"
        | parse-kv str as (Text: string, ThreadId:long, Machine: string)
        | project-away str"#;
    assert_eq!(rows(q), r(&[&["Started", "458745723", "Node001"]]));
    let q = r#"print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: 'The service \\' is up'"
        | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (quote="'", escape='\\')
        | project-away str"#;
    assert_eq!(rows(q), r(&[&["The service ' is up", "458745723", "Node001"]]));
}

#[test]
fn regex_mode() {
    let q = r#"print str=@'["referer url: https://hostname.com/redirect?dest=/?h=1234", "request url: https://hostname.com/?h=1234", "advertiser id: 24fefbca-cf27-4d62-a623-249c2ad30c73"]'
        | parse-kv str as (['referer url']:string, ['request url']:string, ['advertiser id']: guid) with (regex=@'"([\w ]+)\s*:\s*([^"]*)"')
        | project-away str"#;
    assert_eq!(
        rows(q),
        r(&[&["https://hostname.com/redirect?dest=/?h=1234", "https://hostname.com/?h=1234", "24fefbca-cf27-4d62-a623-249c2ad30c73"]])
    );
}

#[test]
fn missing_keys_first_value_and_errors() {
    // A missing key is null, or "" for a string; the first appearance of a key wins.
    let q = "print s='a=1;a=2;c=x' | parse-kv s as (a:long, b:long, c:string, d:string) with (pair_delimiter=';', kv_delimiter='=') | project-away s";
    assert_eq!(rows(q), r(&[&["1", "null", "x", ""]]));
    let e = error("print s='a' | parse-kv s as (a:long) with (pair_delimiter=';')");
    assert!(e.message.contains("both pair_delimiter and kv_delimiter"), "{}", e.message);
    let e = error("print s='a' | parse-kv s as (a:long) with (regex='(a)')");
    assert!(e.message.contains("exactly two groups"), "{}", e.message);
    let e = error("print s='a' | parse-kv s as (s:long)");
    assert!(e.message.contains("already declared"), "{}", e.message);
}
