//! `join` and `union`. Expected rows are the join operator documentation's X/Y example
//! (join-operator.md and the per-kind pages), sorted for a stable comparison.

use crate::common::*;

const XY: &str = "let X = datatable(Key:string, Value1:long)['a',1,'b',2,'b',3,'c',4];
let Y = datatable(Key:string, Value2:long)['b',10,'c',20,'c',30,'d',40];";

fn join(kind: &str) -> Vec<Vec<String>> {
    let k = if kind.is_empty() { String::new() } else { format!("kind={kind} ") };
    let mut out = rows(&format!("{XY} X | join {k}Y on Key"));
    out.sort();
    out
}

#[test]
fn default_is_innerunique() {
    assert_eq!(
        columns(&format!("{XY} X | join Y on Key")),
        cols(&[("Key", "string"), ("Value1", "long"), ("Key1", "string"), ("Value2", "long")])
    );
    assert_eq!(join(""), r(&[&["b", "2", "b", "10"], &["c", "4", "c", "20"], &["c", "4", "c", "30"]]));
}

#[test]
fn inner_and_outer_kinds() {
    assert_eq!(join("inner"), r(&[&["b", "2", "b", "10"], &["b", "3", "b", "10"], &["c", "4", "c", "20"], &["c", "4", "c", "30"]]));
    assert_eq!(
        join("leftouter"),
        r(&[&["a", "1", "", "null"], &["b", "2", "b", "10"], &["b", "3", "b", "10"], &["c", "4", "c", "20"], &["c", "4", "c", "30"]])
    );
    assert_eq!(
        join("rightouter"),
        r(&[&["", "null", "d", "40"], &["b", "2", "b", "10"], &["b", "3", "b", "10"], &["c", "4", "c", "20"], &["c", "4", "c", "30"]])
    );
    assert_eq!(join("fullouter").len(), 6);
}

#[test]
fn semi_and_anti_kinds() {
    assert_eq!(columns(&format!("{XY} X | join kind=leftsemi Y on Key")), cols(&[("Key", "string"), ("Value1", "long")]));
    assert_eq!(join("leftsemi"), r(&[&["b", "2"], &["b", "3"], &["c", "4"]]));
    assert_eq!(join("leftanti"), r(&[&["a", "1"]]));
    assert_eq!(columns(&format!("{XY} X | join kind=rightsemi Y on Key")), cols(&[("Key", "string"), ("Value2", "long")]));
    assert_eq!(join("rightsemi"), r(&[&["b", "10"], &["c", "20"], &["c", "30"]]));
    assert_eq!(join("rightanti"), r(&[&["d", "40"]]));
}

#[test]
fn left_right_key_pairs() {
    let q = "let A = datatable(ip:string, n:long)['1.1.1.1', 1, '2.2.2.2', 2];
        let B = datatable(addr:string, tag:string)['2.2.2.2', 'bad'];
        A | join kind=inner (B) on $left.ip == $right.addr | project ip, tag";
    assert_eq!(rows(q), r(&[&["2.2.2.2", "bad"]]));
}

#[test]
fn unknown_join_kind_is_diagnosed() {
    let e = error(&format!("{XY} X | join kind=lefouter Y on Key"));
    assert!(e.help.as_deref().unwrap_or("").contains("leftouter"), "{:?}", e.help);
}

#[test]
fn union_outer_and_inner() {
    // union-operator.md: outer keeps all columns; same name with different types becomes name_type.
    let q = "union withsource=T (print a = 1, b = 'x'), (print a = 's', c = 2.0)";
    assert_eq!(columns(q), cols(&[("T", "string"), ("a_long", "long"), ("b", "string"), ("a_string", "string"), ("c", "real")]));
    assert_eq!(rows(q), r(&[&["union_arg0", "1", "x", "", "null"], &["union_arg1", "null", "", "s", "2"]]));
    let q = "union kind=inner (print a = 1, b = 'x'), (print a = 2, c = 2.0)";
    assert_eq!(columns(q), cols(&[("a", "long")]));
    assert_eq!(rows(q), r(&[&["1"], &["2"]]));
    let q = "datatable(x:long)[1, 2] | union (datatable(x:long)[3]) | count";
    assert_eq!(rows(q), r(&[&["3"]]));
}

#[test]
fn ipv4_lookup_finds_the_range() {
    // ipv4-lookup-plugin.md: rows without a matching range are dropped unless
    // return_unmatched = true; the lookup table's columns follow the input's.
    let q = "let IP_Data = datatable(network:string, continent:string, country:string)[
            '111.68.128.0/17', 'Asia', 'Japan', '5.8.0.0/19', 'Europe', 'Russia', '223.255.254.0/24', 'Asia', 'Singapore'];
        let IPs = datatable(ip:string)['111.68.128.1', '5.8.1.2', '192.165.12.17'];
        IPs | evaluate ipv4_lookup(IP_Data, ip, network) | sort by ip asc";
    assert_eq!(columns(q), cols(&[("ip", "string"), ("network", "string"), ("continent", "string"), ("country", "string")]));
    assert_eq!(rows(q), r(&[&["111.68.128.1", "111.68.128.0/17", "Asia", "Japan"], &["5.8.1.2", "5.8.0.0/19", "Europe", "Russia"]]));
    let q = "let R = datatable(net:string, tag:string)['10.0.0.0/8', 'wide', '10.1.0.0/16', 'narrow'];
        datatable(ip:string)['10.1.2.3', '10.9.9.9', '8.8.8.8'] | evaluate ipv4_lookup(R, ip, net, true) | sort by ip asc";
    // The most specific range wins; the unmatched row keeps empty lookup columns.
    assert_eq!(rows(q), r(&[&["10.1.2.3", "10.1.0.0/16", "narrow"], &["10.9.9.9", "10.0.0.0/8", "wide"], &["8.8.8.8", "", ""]]));
    let e = error("datatable(ip:string)['1.1.1.1'] | evaluate narrow()");
    assert!(e.message.contains("`narrow` plugin"), "{}", e.message);
}

/// union-operator.md, isfuzzy=true: legs that do not resolve (a table the workspace does
/// not have) are left out with a warning; only when no leg resolves is it an error.
#[test]
fn fuzzy_union_leaves_out_legs_that_do_not_resolve() {
    let q = "let A = datatable(x:long)[1, 2]; union isfuzzy=true A, NoSuchTable, (Missing | where y > 1) | count";
    let out = session().run(q).unwrap_or_else(|e| panic!("{}", e.render_plain("q", q)));
    assert_eq!(out.warnings.len(), 2);
    assert!(out.warnings.iter().all(|w| w.severity == flowkql::error::Severity::Warning));
    assert!(out.warnings[0].message.contains("NoSuchTable"), "{}", out.warnings[0].message);
    assert_eq!(rows(q), r(&[&["2"]]));
    // Piped: the input counts as a resolved leg.
    let q = "datatable(x:long)[1] | union isfuzzy=true NoSuchTable | count";
    assert_eq!(rows(q), r(&[&["1"]]));
    // Nothing resolves: an error. Without isfuzzy a missing leg is an error.
    let e = error("union isfuzzy=true NoSuchTable, Missing");
    assert!(e.message.contains("NoSuchTable"), "{}", e.message);
    let e = error("let A = datatable(x:long)[1]; union A, NoSuchTable");
    assert!(e.message.contains("NoSuchTable"), "{}", e.message);
    let e = error("let A = datatable(x:long)[1]; union isfuzzy=false A, NoSuchTable");
    assert!(e.message.contains("NoSuchTable"), "{}", e.message);
}

/// union-operator.md: a table name with `*` wildcards stands for every table it matches
/// (tables and tabular `let`s, in name order).
#[test]
fn union_legs_take_wildcards() {
    let lets = "let FlowsA = range x from 1 to 2 step 1; let FlowsB = range x from 1 to 3 step 1; \
                let Other = range x from 1 to 5 step 1;";
    let q = format!("{lets} union withsource=T Flows* | summarize n = count() by T | sort by T asc");
    assert_eq!(rows(&q), r(&[&["FlowsA", "2"], &["FlowsB", "3"]]));
    assert_eq!(rows(&format!("{lets} union F*, Oth* | count")), r(&[&["10"]]));
    let e = error(&format!("{lets} union Nope* | count"));
    assert!(e.message.contains("no table matches `Nope*`"), "{}", e.message);
    // Even fuzzy: Kusto's analyzer reports a pattern matching nothing as an error.
    let e = error(&format!("{lets} union isfuzzy=true Nope*, Other | count"));
    assert!(e.message.contains("no table matches `Nope*`"), "{}", e.message);
}

/// ipv6-lookup-plugin.md, its example (four of the ten networks): the longest matching
/// prefix's row joins each address; with return_unmatched an address in no range keeps
/// its row with the lookup columns empty. Columns: the input's, then the lookup table's
/// (as Kusto's analyzer gives them). The example's datatables end in a comma.
#[test]
fn ipv6_lookup_follows_the_documentation() {
    let q = r#"let IP_Data = datatable(network:string, continent_code:string, country_name:string)
[
  "2001:0db8:85a3::/48","NA","United States",
  "2404:6800:4001::/48","AS","Japan",
  "2a02:26f0:4001::/48","EU","France",
  "2a02:26f0::/32","EU","Europe (wider)",
];
let IPs = datatable(ip:string)
[
  "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
  "2a02:26f0:4001:0006:0000:8a2e:0370:7334",
  "2a02:26f0:9999::1",
  "a5e:f127:8a9d:146d:e102:b5d3:c755:abcd",
];
IPs | evaluate ipv6_lookup(IP_Data, ip, network, true)"#;
    assert_eq!(columns(q), cols(&[("ip", "string"), ("network", "string"), ("continent_code", "string"), ("country_name", "string")]));
    assert_eq!(
        rows(q),
        r(&[
            &["2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3::/48", "NA", "United States"],
            &["2a02:26f0:4001:0006:0000:8a2e:0370:7334", "2a02:26f0:4001::/48", "EU", "France"],
            &["2a02:26f0:9999::1", "2a02:26f0::/32", "EU", "Europe (wider)"],
            &["a5e:f127:8a9d:146d:e102:b5d3:c755:abcd", "", "", ""],
        ])
    );
    let matched = q.replace("ip, network, true)", "ip, network)");
    assert_eq!(rows(&matched).len(), 3);
}
