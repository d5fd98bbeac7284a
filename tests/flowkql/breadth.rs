//! Functions beyond the articles' (issue 5). Expected values are the Kusto documentation's
//! examples (page named per assertion group) or worked out by hand.

use crate::common::*;

fn one(expr: &str) -> String {
    rows(&format!("print v = {expr}")).remove(0).remove(0)
}

#[test]
fn numbers_and_extremes() {
    // max-of-function.md, min-of-function.md
    assert_eq!(one("max_of(10, 1, -3, 17)"), "17");
    assert_eq!(one("min_of(10, 1, -3, 17)"), "-3");
    assert_eq!(one("max_of(1, long(null), 3)"), "3");
    assert_eq!(columns("print v = max_of(1, 2.5)"), cols(&[("v", "real")]));
    // ceiling-function.md, sqrt, pow, log
    assert_eq!(one("ceiling(-1.1)"), "-1");
    assert_eq!(one("ceiling(1.1)"), "2");
    assert_eq!(one("sqrt(16)"), "4");
    assert_eq!(one("pow(2, 10)"), "1024");
    assert_eq!(one("log10(1000)"), "3");
    assert_eq!(one("log2(8)"), "3");
    assert_eq!(one("log(0)"), "null");
    assert_eq!(one("isnan(real(nan))"), "true");
}

#[test]
fn string_functions() {
    // countof-function.md
    assert_eq!(one("countof('The cat sat on the mat', 'at')"), "3");
    assert_eq!(one("countof('aaa', 'a')"), "3");
    assert_eq!(one("countof('aaa', 'aa')"), "1");
    assert_eq!(one("countof('ababa', 'ab', 'normal')"), "2");
    assert_eq!(one("countof('ababa', 'aba', 'regex')"), "1");
    // indexof-function.md
    assert_eq!(one("indexof('abcdefg', 'cde')"), "2");
    assert_eq!(one("indexof('abcdefg', 'cde', 1, 4)"), "2");
    assert_eq!(one("indexof('abcdefg', 'cde', 1, 2)"), "-1");
    assert_eq!(one("indexof('abcdefg', 'cde', 3)"), "-1");
    assert_eq!(one("indexof('abcdefgabcdefg', 'cde', 1, -1, 2)"), "9");
    assert_eq!(one("indexof_regex('abcabc', @'a.c')"), "0");
    assert_eq!(one("indexof_regex('abcabc', @'a.c', 1)"), "3");
    // replace-regex-function.md: the rewrite refers to groups as \1.
    assert_eq!(one(r"replace_regex('Number is 3', @'is (\d+)', @'was \1')"), "Number was 3");
    assert_eq!(one("reverse('ABC')"), "CBA");
    assert_eq!(one("url_decode('https%3a%2f%2fwww.bing.com%2f')"), "https://www.bing.com/");
    assert_eq!(one("strcat_delim('-', 1, '2', 'A', 1s)"), "1-2-A-00:00:01");
    // extract-all-function.md
    assert_eq!(one(r"extract_all(@'(\d+)', 'a1b22c333')"), r#"["1","22","333"]"#);
    assert_eq!(one(r"extract_all(@'(\w)(\d)', 'a1b2')"), r#"[["a","1"],["b","2"]]"#);
    assert_eq!(one(r"extract_all(@'(\d+)', 'none')"), "null");
}

#[test]
fn has_any_and_has_all() {
    // has-anyoperator.md / has-all-operator.md
    assert_eq!(one("'North America' has_any ('america', 'europe')"), "true");
    assert_eq!(one("'North America' has_any ('amer', 'europe')"), "false");
    assert_eq!(one("'North America' has_all ('north', 'america')"), "true");
    assert_eq!(one("'North America' has_all ('north', 'asia')"), "false");
    assert_eq!(one("'10.1.1.5 to 10.1.1.6' has_any (dynamic(['10.1.1.6']))"), "true");
}

#[test]
fn datetime_arithmetic_by_part() {
    // datetime-add-function.md
    let d = "datetime(2017-10-30 01:02:03.7654321)";
    assert_eq!(one(&format!("datetime_add('year', 1, {d})")), "2018-10-30T01:02:03.7654321Z");
    assert_eq!(one(&format!("datetime_add('quarter', 1, {d})")), "2018-01-30T01:02:03.7654321Z");
    assert_eq!(one(&format!("datetime_add('month', 1, {d})")), "2017-11-30T01:02:03.7654321Z");
    assert_eq!(one(&format!("datetime_add('week', 1, {d})")), "2017-11-06T01:02:03.7654321Z");
    assert_eq!(one(&format!("datetime_add('day', 1, {d})")), "2017-10-31T01:02:03.7654321Z");
    assert_eq!(one(&format!("datetime_add('hour', 1, {d})")), "2017-10-30T02:02:03.7654321Z");
    assert_eq!(one(&format!("datetime_add('second', -1, {d})")), "2017-10-30T01:02:02.7654321Z");
    // End of month clamps: January 31st plus a month is February 28th.
    assert_eq!(one("datetime_add('month', 1, datetime(2017-01-31))"), "2017-02-28T00:00:00Z");
    // datetime-diff-function.md
    assert_eq!(one("datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))"), "17");
    assert_eq!(one("datetime_diff('quarter', datetime(2017-07-01), datetime(2017-03-30))"), "2");
    assert_eq!(one("datetime_diff('month', datetime(2017-01-01), datetime(2015-12-30))"), "13");
    assert_eq!(one("datetime_diff('week', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))"), "5");
    assert_eq!(one("datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))"), "29");
    assert_eq!(one("datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59))"), "2");
    assert_eq!(one("datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))"), "5");
    assert_eq!(one("datetime_diff('second', datetime(2017-10-30 23:00:10.100), datetime(2017-10-30 23:00:00.900))"), "10");
    assert_eq!(one("datetime_diff('millisecond', datetime(2017-10-30 23:00:00.200100), datetime(2017-10-30 23:00:00.100900))"), "100");
}

#[test]
fn byte_sizes_and_ipv4_formatting() {
    // format-bytes-function.md
    assert_eq!(one("format_bytes(564)"), "564 Bytes");
    assert_eq!(one("format_bytes(10332, 1)"), "10.1 KB");
    assert_eq!(one("format_bytes(20010332)"), "19 MB");
    assert_eq!(one("format_bytes(20010332, 2)"), "19.08 MB");
    assert_eq!(one("format_bytes(20010332, 0, 'KB')"), "19541 KB");
    // ipv4-netmask-suffix-function.md, format-ipv4-function.md, format-ipv4-mask-function.md
    assert_eq!(one("ipv4_netmask_suffix('192.168.1.1/24')"), "24");
    assert_eq!(one("ipv4_netmask_suffix('192.168.1.1')"), "32");
    assert_eq!(one("ipv4_netmask_suffix('192.168.1.1/33')"), "null");
    assert_eq!(one("format_ipv4('192.168.1.255', 24)"), "192.168.1.0");
    assert_eq!(one("format_ipv4('192.168.1.1')"), "192.168.1.1");
    assert_eq!(one("format_ipv4('abc')"), "");
    assert_eq!(one("format_ipv4_mask('192.168.1.255', 24)"), "192.168.1.0/24");
    assert_eq!(one("format_ipv4_mask('192.168.1.255/24', 30)"), "192.168.1.0/24");
    // ipv4-is-in-any-range-function.md
    assert_eq!(one("ipv4_is_in_any_range('192.168.1.6', '192.168.1.1/24', '10.0.0.1/8')"), "true");
    assert_eq!(one("ipv4_is_in_any_range('192.168.1.6', dynamic(['0.0.0.0', '10.0.0.1/8']))"), "false");
    assert_eq!(one("ipv4_is_in_any_range('a.b.c.d', '10.0.0.0/8')"), "null");
}

#[test]
fn dynamic_values() {
    // parse-json-function.md: text that is not JSON becomes a dynamic string.
    assert_eq!(one(r#"parse_json('{"a": 1, "b": [1, 2]}').b[1]"#), "2");
    assert_eq!(one("tostring(parse_json('not json'))"), "not json");
    assert_eq!(one(r#"toint(todynamic('{"port": 443}').port)"#), "443");
    assert_eq!(columns(r#"print Tags = '{"x":1}' | project parse_json(Tags).x"#), cols(&[("Tags_x", "dynamic")]));
    // pack / bag_pack / pack_array
    assert_eq!(one("bag_pack('Level', 'Information', 'ProcessID', 1234)"), r#"{"Level":"Information","ProcessID":1234}"#);
    assert_eq!(one("pack('a', 1)"), r#"{"a":1}"#);
    assert_eq!(one("pack_array(1, 2, 'x', true)"), r#"[1,2,"x",true]"#);
    // array functions
    assert_eq!(one("array_concat(dynamic([1, 2]), dynamic([3]))"), "[1,2,3]");
    assert_eq!(one("array_slice(dynamic([1, 2, 3, 4]), 1, 2)"), "[2,3]");
    assert_eq!(one("array_slice(dynamic([1, 2, 3, 4]), -2, -1)"), "[3,4]");
    assert_eq!(one("strcat_array(dynamic([1, 2, 3]), '->')"), "1->2->3");
    assert_eq!(one("set_union(dynamic([1, 2, 3]), dynamic([3, 4]))"), "[1,2,3,4]");
    assert_eq!(one("set_intersect(dynamic([1, 2, 3]), dynamic([3, 2, 5]))"), "[2,3]");
    assert_eq!(one(r#"bag_keys(dynamic({"a": 1, "b": 2}))"#), r#"["a","b"]"#);
}

#[test]
fn more_aggregates() {
    let q = "datatable(k:string, x:long, ok:bool)['a', 1, true, 'a', 2, false, 'a', 2, true, 'b', 5, true]
        | summarize dcountif(x, ok), make_set_if(x, ok), make_list_if(x, ok), makeset(x), count_distinct(x), percentiles(x, 50, 100) by k
        | sort by k asc";
    assert_eq!(
        columns(q),
        cols(&[
            ("k", "string"),
            ("dcountif_x", "long"),
            ("set_x", "dynamic"),
            ("list_x", "dynamic"),
            ("set_x1", "dynamic"),
            ("count_distinct_x", "long"),
            ("percentile_x_50", "long"),
            ("percentile_x_100", "long"),
        ])
    );
    assert_eq!(rows(q), r(&[&["a", "2", "[1,2]", "[1,2]", "[1,2]", "2", "2", "2"], &["b", "1", "[5]", "[5]", "[5]", "1", "5", "5"]]));
    let q = "datatable(n:string, v:long)['a', 1, 'b', 2, 'a', 3] | summarize make_bag(bag_pack(n, v))";
    assert_eq!(rows(q), r(&[&[r#"{"a":3,"b":2}"#]]));
}

#[test]
fn ipv6_functions() {
    // parse-ipv6-function.md, ipv6-compare-function.md, ipv6-is-match-function.md
    assert_eq!(one("parse_ipv6('127.0.0.1')"), "0000:0000:0000:0000:0000:ffff:7f00:0001");
    assert_eq!(one("parse_ipv6('fe80::85d:e82c:9446:7994/120')"), "fe80:0000:0000:0000:085d:e82c:9446:7900");
    assert_eq!(one("parse_ipv6('nope')"), "null");
    assert_eq!(one("ipv6_compare('::ffff:7f00:1', '127.0.0.1')"), "0");
    assert_eq!(one("ipv6_compare('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995')"), "-1");
    assert_eq!(one("ipv6_compare('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127)"), "0");
    assert_eq!(one("ipv6_is_match('fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7995/127')"), "true");
    assert_eq!(one("ipv6_is_match('192.168.1.1/24', '192.168.1.255/24')"), "true");
    assert_eq!(one("ipv6_is_match('192.168.1.1', '192.168.1.255')"), "false");
}

#[test]
fn more_datetime_and_number_functions() {
    // unixtime-seconds-todatetime-function.md, unixtime-milliseconds-todatetime-function.md
    assert_eq!(one("unixtime_seconds_todatetime(1546300800)"), "2019-01-01T00:00:00Z");
    assert_eq!(one("unixtime_milliseconds_todatetime(1546300800123)"), "2019-01-01T00:00:00.123Z");
    // dayofyear-function.md, endofweek/endofmonth/endofyear-function.md
    assert_eq!(one("dayofyear(datetime(2015-12-14))"), "348");
    assert_eq!(one("endofweek(datetime(2017-01-01 10:10:17))"), "2017-01-07T23:59:59.9999999Z");
    assert_eq!(one("endofmonth(datetime(2017-01-01 10:10:17))"), "2017-01-31T23:59:59.9999999Z");
    assert_eq!(one("endofmonth(datetime(2016-02-10))"), "2016-02-29T23:59:59.9999999Z");
    assert_eq!(one("endofyear(datetime(2017-01-01 10:10:17))"), "2017-12-31T23:59:59.9999999Z");
    // sign-function.md, isinf-function.md, strcmp-function.md
    assert_eq!(one("sign(-42)"), "-1");
    assert_eq!(one("sign(0)"), "0");
    assert_eq!(one("sign(11.0)"), "1");
    assert_eq!(one("isinf(real(+inf))"), "true");
    assert_eq!(one("isinf(1.5)"), "false");
    assert_eq!(one("strcmp('ABC', 'ABC')"), "0");
    assert_eq!(one("strcmp('abc', 'ABC')"), "1");
    assert_eq!(one("strcmp('ABC', 'abc')"), "-1");
    // bin-at-function.md
    assert_eq!(one("bin_at(6.5, 2.5, 7)"), "4.5");
    assert_eq!(one("bin_at(1h, 1d, 12h)"), "-12:00:00");
    assert_eq!(one("bin_at(datetime(2017-05-15 10:20:00.0), 1d, datetime(1970-01-01 12:00:00.0))"), "2017-05-14T12:00:00Z");
}
