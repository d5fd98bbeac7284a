//! Scalar functions and operators. Expected values are the Kusto documentation's own
//! examples where it gives them (the page is named per test), else worked out by hand.

use crate::common::*;

fn one(expr: &str) -> String {
    let q = format!("print v = {expr}");
    rows(&q).remove(0).remove(0)
}

#[test]
fn arithmetic_follows_kusto_types() {
    // Integer division truncates toward zero; `%` keeps the dividend's sign.
    assert_eq!(one("7 / 2"), "3");
    assert_eq!(one("-7 / 2"), "-3");
    assert_eq!(one("-7 % 3"), "-1");
    assert_eq!(one("7 % -3"), "1");
    assert_eq!(one("7 / 2.0"), "3.5");
    assert_eq!(one("1h / 1m"), "60");
    assert_eq!(one("2 * 1h"), "02:00:00");
    assert_eq!(one("datetime(2024-05-03) - datetime(2024-05-01 12:00)"), "1.12:00:00");
    assert_eq!(one("datetime(2024-05-03) + 90m"), "2024-05-03T01:30:00Z");
    assert_eq!(columns("print a = int(1) + int(2), b = 1 + 1.0, c = 5 / 2"), cols(&[("a", "long"), ("b", "real"), ("c", "long")]));
}

#[test]
fn string_predicates() {
    // datatypes-string-operators.md
    for (expr, want) in [
        ("'North America' has 'america'", "true"),
        ("'North America' has 'amer'", "false"),
        ("'North America' !has 'amer'", "true"),
        ("'North America' has_cs 'America'", "true"),
        ("'North America' has_cs 'america'", "false"),
        ("'FabriKam' contains 'BRik'", "true"),
        ("'Fabrikam' contains_cs 'brik'", "true"),
        ("'Fabrikam' contains_cs 'BRik'", "false"),
        ("'Fabrikam' !contains 'xyz'", "true"),
        ("'Fabrikam' startswith 'fab'", "true"),
        ("'Fabrikam' startswith_cs 'fab'", "false"),
        ("'Fabrikam' endswith 'KAM'", "true"),
        ("'Fabrikam' endswith_cs 'KAM'", "false"),
        ("'North America' hasprefix 'ame'", "true"),
        ("'North America' hassuffix 'ica'", "true"),
        ("'Fabrikam' =~ 'fabrikam'", "true"),
        ("'Fabrikam' !~ 'fabrikam'", "false"),
        ("'Fabrikam' == 'fabrikam'", "false"),
        ("'Fabrikam' matches regex 'b.*k'", "true"),
        ("'a.b' contains '.'", "true"),
        ("'10.1.1.5' has '10.1.1.5'", "true"),
    ] {
        assert_eq!(one(expr), want, "{expr}");
    }
}

#[test]
fn in_and_between() {
    assert_eq!(one("'IntraVNet' in ('IntraVNet', 'InterVNet')"), "true");
    assert_eq!(one("'intravnet' in ('IntraVNet', 'InterVNet')"), "false");
    assert_eq!(one("'intravnet' in~ ('IntraVNet', 'InterVNet')"), "true");
    assert_eq!(one("'S2S' !in ('IntraVNet', 'InterVNet')"), "true");
    assert_eq!(one("443.0 in (80, 443)"), "true");
    // between-operator.md: range x from 1 to 100 step 1 | where x between (50 .. 55) gives 6 rows.
    assert_eq!(rows("range x from 1 to 100 step 1 | where x between (50 .. 55) | count"), r(&[&["6"]]));
    assert_eq!(rows("range x from 1 to 100 step 1 | where x !between (50 .. 55) | count"), r(&[&["94"]]));
    assert_eq!(one("datetime(2024-05-03 10:30) between (datetime(2024-05-03 10:00) .. 1h)"), "true");
}

#[test]
fn conditionals() {
    assert_eq!(one("iff(1 > 2, 'a', 'b')"), "b");
    assert_eq!(one("iif(long(null) > 2, 'a', 'b')"), "b");
    assert_eq!(one("case(5 > 10, 'big', 5 > 3, 'medium', 'small')"), "medium");
    assert_eq!(one("case(false, 1, 2.5)"), "2.5");
    assert_eq!(one("isempty('')"), "true");
    assert_eq!(one("isempty(long(null))"), "true");
    assert_eq!(one("isnotempty('x')"), "true");
    assert_eq!(one("isnull('')"), "false");
    assert_eq!(one("isnull(real(null))"), "true");
    assert_eq!(one("not(1 == 2)"), "true");
    assert_eq!(one("coalesce(long(null), 7)"), "7");
}

#[test]
fn conversions() {
    // tostring.md, toint.md, tolong.md, todouble.md, tobool.md, todatetime.md, totimespan.md
    assert_eq!(one("tostring(123)"), "123");
    assert_eq!(one("tostring(long(null))"), "");
    assert_eq!(one("tostring(1.5)"), "1.5");
    assert_eq!(one("tostring(443.0)"), "443");
    assert_eq!(one("toint('123')"), "123");
    assert_eq!(one("toint(2.9)"), "2");
    assert_eq!(one("toint('abc')"), "null");
    assert_eq!(one("tolong('-17')"), "-17");
    assert_eq!(one("todouble('1.5')"), "1.5");
    assert_eq!(one("tobool('true')"), "true");
    assert_eq!(one("tobool('FALSE')"), "false");
    assert_eq!(one("tobool(123)"), "true");
    assert_eq!(one("todatetime('2015-12-24')"), "2015-12-24T00:00:00Z");
    assert_eq!(one("todatetime('not a date')"), "null");
    assert_eq!(one("totimespan('0.00:01:00')"), "00:01:00");
    assert_eq!(one("totimespan('1.02:03:04.5')"), "1.02:03:04.5000000");
}

#[test]
fn strings() {
    assert_eq!(one("strcat('hello', ' ', 'world')"), "hello world");
    assert_eq!(one("strcat('port ', 443, ' up ', true)"), "port 443 up true");
    assert_eq!(one("strlen('hello')"), "5");
    assert_eq!(one("strlen('⒦⒰⒮⒯⒪')"), "5");
    // substring.md
    assert_eq!(one("substring('123456', 1)"), "23456");
    assert_eq!(one("substring('123456', 2, 2)"), "34");
    assert_eq!(one("substring('ABCD', 0, 2)"), "AB");
    assert_eq!(one("tolower('Hello')"), "hello");
    assert_eq!(one("toupper('Hello')"), "HELLO");
    // trim.md
    assert_eq!(one("trim('--', '--https://bing.com--')"), "https://bing.com");
    assert_eq!(one("trim_start('[^\\\\w]+', 'https://bing.com')"), "https://bing.com");
    assert_eq!(one("trim_end('.com', 'bing.com')"), "bing");
    // replace-string.md
    assert_eq!(
        one("replace_string('A magic trick can turn a cat into a dog', 'cat', 'hamster')"),
        "A magic trick can turn a hamster into a dog"
    );
    // extract.md
    assert_eq!(one("extract('x=([0-9.]+)', 1, 'hello x=45.6|wo')"), "45.6");
    assert_eq!(one("extract('z=([0-9.]+)', 1, 'hello x=45.6|wo')"), "");
}

#[test]
fn split_and_dynamic_indexing() {
    // split.md
    assert_eq!(one("split('aaa_bbb_ccc', '_')"), r#"["aaa","bbb","ccc"]"#);
    assert_eq!(one("split('aa_bb', '_', 1)"), r#"["bb"]"#);
    assert_eq!(one("split('aabbcc', 'bb')"), r#"["aa","cc"]"#);
    assert_eq!(one("split('aaa_bbb_ccc', '_', 5)"), "[]");
    assert_eq!(one("tostring(split('52.239.184.180|1|1|3|2|767|1580', '|', 0)[0])"), "52.239.184.180");
    assert_eq!(one("split('a|b', '|')[1]"), "b");
    assert_eq!(one("split('a|b', '|')[-1]"), "b");
    assert_eq!(one("tostring(split('a|b', '|')[5])"), "");
    assert_eq!(one("array_length(split('a,b,c', ','))"), "3");
    assert_eq!(columns("print x = 'a|b' | extend split(x, '|')[0]"), cols(&[("x", "string"), ("x_0", "dynamic")]));
}

#[test]
fn datetime_functions() {
    // bin.md: bin(datetime(1970-05-11 13:45:07), 1d) == 1970-05-11; bin(4.5, 1) == 4;
    // bin(time(16d), 7d) == 14d.
    assert_eq!(one("bin(datetime(1970-05-11 13:45:07), 1d)"), "1970-05-11T00:00:00Z");
    assert_eq!(one("bin(4.5, 1)"), "4");
    assert_eq!(one("bin(16d, 7d)"), "14.00:00:00");
    assert_eq!(one("floor(datetime(2024-05-03 10:59:59), 1h)"), "2024-05-03T10:00:00Z");
    assert_eq!(one("bin(-3, 2)"), "-4");
    // datetime-part.md
    let d = "datetime(2017-10-30 01:02:03.7654321)";
    for (part, want) in [
        ("Year", "2017"),
        ("Quarter", "4"),
        ("Month", "10"),
        ("Day", "30"),
        ("DayOfYear", "303"),
        ("Hour", "1"),
        ("Minute", "2"),
        ("Second", "3"),
        ("Millisecond", "765"),
    ] {
        assert_eq!(one(&format!("datetime_part('{part}', {d})")), want, "{part}");
    }
    // dayofweek.md: Sunday is 0, Monday 1.
    assert_eq!(one("dayofweek(datetime(1947-11-30 10:00:05))"), "00:00:00");
    assert_eq!(one("dayofweek(datetime(1970-05-11))"), "1.00:00:00");
    // startofweek.md / startofmonth.md / startofday.md / endofday.md
    assert_eq!(one("startofweek(datetime(2017-01-03 10:10:17))"), "2017-01-01T00:00:00Z");
    assert_eq!(one("startofmonth(datetime(2017-01-23 10:10:17))"), "2017-01-01T00:00:00Z");
    assert_eq!(one("startofyear(datetime(2017-05-23 10:10:17))"), "2017-01-01T00:00:00Z");
    assert_eq!(one("startofday(datetime(2017-01-01 10:10:17))"), "2017-01-01T00:00:00Z");
    assert_eq!(one("endofday(datetime(2017-01-01 10:10:17))"), "2017-01-01T23:59:59.9999999Z");
    assert_eq!(one("hourofday(datetime(2015-12-14 18:54))"), "18");
    assert_eq!(one("dayofmonth(datetime(2015-12-14))"), "14");
    assert_eq!(one("getmonth(datetime(2015-10-12))"), "10");
    assert_eq!(one("getyear(datetime(2015-10-12))"), "2015");
    // format-datetime.md
    assert_eq!(one("format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [HH:mm:ss]')"), "17-01-29 [09:00:05]");
    assert_eq!(one("format_datetime(datetime(2017-01-29 09:00:05), 'yyyy-M-dd [H:mm:ss]')"), "2017-1-29 [9:00:05]");
    assert_eq!(one("format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [hh:mm:ss tt]')"), "17-01-29 [09:00:05 AM]");
}

#[test]
fn now_and_ago_are_fixed_per_query() {
    assert_eq!(one("now()"), "2024-05-03T12:00:00Z");
    assert_eq!(one("ago(1d)"), "2024-05-02T12:00:00Z");
    assert_eq!(one("now(-2h)"), "2024-05-03T10:00:00Z");
    assert_eq!(one("now() - ago(90m)"), "01:30:00");
}

#[test]
fn numbers() {
    // round.md
    assert_eq!(one("round(2.98765, 3)"), "2.988");
    assert_eq!(one("round(2.15, 1)"), "2.2");
    assert_eq!(one("round(2.5)"), "3");
    assert_eq!(one("round(-50.55, -2)"), "-100");
    assert_eq!(one("round(21.5, -1)"), "20");
    assert_eq!(one("abs(-5)"), "5");
    assert_eq!(one("abs(-1.5)"), "1.5");
}

#[test]
fn ipv4_functions() {
    // ipv4-is-match.md, ipv4-compare.md, ipv4-is-in-range.md, ipv4-is-private.md, parse-ipv4.md
    assert_eq!(one("ipv4_is_match('192.168.1.1', '192.168.1.255')"), "false");
    assert_eq!(one("ipv4_is_match('192.168.1.1/24', '192.168.1.255/24')"), "true");
    assert_eq!(one("ipv4_is_match('192.168.1.1', '192.168.1.255', 24)"), "true");
    assert_eq!(one("ipv4_is_match('10.1.1.77', '10.1.1.0/24')"), "true");
    assert_eq!(one("ipv4_is_match('10.100.10.10', '10.100.10.10/24')"), "true");
    assert_eq!(one("ipv4_is_match('not an ip', '10.1.1.0/24')"), "null");
    assert_eq!(one("ipv4_compare('192.168.1.1', '192.168.1.255')"), "-1");
    assert_eq!(one("ipv4_compare('192.168.1.1/24', '192.168.1.255/24')"), "0");
    assert_eq!(one("ipv4_compare('192.168.1.1', '192.168.1.255', 24)"), "0");
    assert_eq!(one("ipv4_is_in_range('192.168.1.6', '192.168.1.1/24')"), "true");
    assert_eq!(one("ipv4_is_in_range('192.168.1.6', '192.168.1.1')"), "false");
    assert_eq!(one("ipv4_is_private('192.168.1.1/24')"), "true");
    assert_eq!(one("ipv4_is_private('10.1.2.3/24')"), "true");
    assert_eq!(one("ipv4_is_private('202.1.2.3')"), "false");
    assert_eq!(one("ipv4_is_private('127.0.0.1')"), "false");
    assert_eq!(one("parse_ipv4('127.0.0.1')"), "2130706433");
    assert_eq!(one("parse_ipv4('192.1.168.1')"), "3221334017");
    assert_eq!(one("parse_ipv4('192.1.168.1/16')"), "3221291008");
    assert_eq!(one("parse_ipv4('127.0.0')"), "null");
    // Over a column, with the prefix as a column too.
    let q = "datatable(ip:string, net:string)['10.1.1.5', '10.1.1.0/24', '10.1.2.5', '10.1.1.0/24', 'x', '10.1.1.0/24']
        | extend m = ipv4_is_match(ip, net)";
    assert_eq!(rows(q).into_iter().map(|r| r[2].clone()).collect::<Vec<_>>(), ["true", "false", "null"]);
}

#[test]
fn unnamed_columns_are_named_as_kusto_names_them() {
    // Names as Kusto's own analyzer gives them for the same expressions.
    let q = "datatable(SrcIP_s:string, DestPort_d:real, TimeGenerated:datetime)['10.0.0.1', 443.0, datetime(2024-05-03)]
        | project tostring(DestPort_d), strlen(SrcIP_s), tolower(SrcIP_s), bin(TimeGenerated, 1h), DestPort_d + 1, split(SrcIP_s, '.')[0]";
    assert_eq!(
        columns(q),
        cols(&[
            ("DestPort_d", "string"),
            ("strlen_SrcIP_s", "long"),
            ("Column1", "string"),
            ("TimeGenerated", "datetime"),
            ("Column2", "real"),
            ("SrcIP_s_0", "dynamic")
        ])
    );
    let q = "datatable(a:long, b:string)[1, 'x'] | summarize sum(a), make_set(b), make_list(a), dcount(b), countif(a > 0), take_any(b), percentile(a, 95) by strlen(b), a + 1";
    assert_eq!(
        columns(q),
        cols(&[
            ("strlen_b", "long"),
            ("Column1", "long"),
            ("sum_a", "long"),
            ("set_b", "dynamic"),
            ("list_a", "dynamic"),
            ("dcount_b", "long"),
            ("countif_", "long"),
            ("b", "string"),
            ("percentile_a_95", "long"),
        ])
    );
}

#[test]
fn conversions_of_constants_are_folded() {
    // A filter on todatetime('...') compares with a datetime constant (explain shows it).
    let s = session();
    let (checked, _) = s
        .check("datatable(t:datetime)[datetime(2022-11-13 01:00)] | where t >= todatetime('2022-11-13T00:00:00')")
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = flowkql::plan::explain(&checked.plan);
    assert!(plan.contains("datetime(2022-11-13T00:00:00Z)") && !plan.contains("todatetime"), "{plan}");
    assert_eq!(one("todatetime('nope')"), "null");
}

/// datetime.md's table of literal formats: ISO 8601, RFC 822 and RFC 850 (with or
/// without the weekday, the seconds and `GMT`), and the sortable forms with `GMT`; all
/// name 2014-11-08 15:05 UTC. todatetime() reads the same forms (todatetime-function.md).
#[test]
fn datetime_literal_formats_of_the_documentation() {
    let with_seconds = [
        "Sat, 8 Nov 14 15:05:02 GMT",
        "Sat, 8 Nov 14 15:05:02",
        "8 Nov 14 15:05:02 GMT",
        "8 Nov 14 15:05:02",
        "Saturday, 08-Nov-14 15:05:02 GMT",
        "Saturday, 08-Nov-14 15:05:02",
        "08-Nov-14 15:05:02 GMT",
        "08-Nov-14 15:05:02",
        "2014-11-08 15:05:02 GMT",
        "2014-11-08T15:05:02 GMT",
        "2014-11-08T15:05:02",
    ];
    for f in with_seconds {
        assert_eq!(rows(&format!("print datetime({f}) == datetime(2014-11-08T15:05:02Z)")), r(&[&["true"]]), "{f}");
        assert_eq!(rows(&format!("print todatetime('{f}') == datetime(2014-11-08T15:05:02Z)")), r(&[&["true"]]), "{f}");
    }
    for f in ["Sat, 8 Nov 14 15:05", "8 Nov 14 15:05 GMT", "Saturday, 08-Nov-14 15:05", "08-Nov-14 15:05 GMT", "2014-11-08T15:05 GMT"] {
        assert_eq!(rows(&format!("print datetime({f}) == datetime(2014-11-08T15:05:00Z)")), r(&[&["true"]]), "{f}");
    }
    assert_eq!(rows("print todatetime('12-02-2022') == datetime('12-02-2022')"), r(&[&["true"]]));
}
