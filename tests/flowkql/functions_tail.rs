//! The long tail of scalar functions, through the whole engine: values from the
//! examples on each function's page of the Kusto documentation (named per test), result
//! column names and types as Kusto's analyzer gives them.

use crate::common::*;

fn one(expr: &str) -> String {
    rows(&format!("print v = {expr}")).remove(0).remove(0)
}

#[test]
fn hash_and_hex() {
    // hash-function.md
    assert_eq!(one("hash('World')"), "1846988464401551951");
    assert_eq!(one("hash('World', 100)"), "51");
    assert_eq!(one("hash(datetime('2015-01-01'))"), "1380966698541616202");
    // tohex-function.md
    let q = "print tohex(256) == '100', tohex(-256) == 'ffffffffffffff00', tohex(toint(-256), 8) == 'ffffff00', \
             tohex(256, 8) == '00000100', tohex(256, 2) == '100'";
    assert_eq!(rows(q), r(&[&["true", "true", "true", "true", "true"]]));
    // hash_sha256 of "abc" is the FIPS 180-2 test vector.
    assert_eq!(one("hash_sha256('abc')"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(one("hash_md5('abc')"), "900150983cd24fb0d6963f7d28e17f72");
    assert_eq!(one("binary_and(6, 3)"), "2");
    assert_eq!(one("binary_xor(6, 3)"), "5");
    assert_eq!(one("binary_shift_left(1, 10)"), "1024");
    assert_eq!(one("bitset_count_ones(255)"), "8");
}

#[test]
fn encodings() {
    // base64-encode-tostring-function.md, base64-decode-tostring-function.md
    assert_eq!(one("base64_encode_tostring('Kusto')"), "S3VzdG8=");
    assert_eq!(one("base64_decode_tostring('S3VzdG8=')"), "Kusto");
    // base64-encode-fromguid-function.md
    assert_eq!(one("base64_encode_fromguid(toguid('ae3133f2-6e22-49ae-b06a-16e6a9b212eb'))"), "8jMxriJurkmwahbmqbIS6w==");
    // url-encode-function.md, url-encode-component-function.md
    assert_eq!(one("url_encode('https://www.bing.com/hello world')"), "https%3a%2f%2fwww.bing.com%2fhello+world");
    assert_eq!(one("url_encode_component('https://www.bing.com/hello world')"), "https%3a%2f%2fwww.bing.com%2fhello%20world");
}

#[test]
fn time_building() {
    // make-timespan-function.md, make-datetime-function.md, week-of-year-function.md,
    // format-timespan-function.md
    assert_eq!(one("make_timespan(1, 12, 30, 55.123)"), "1.12:30:55.1230000");
    assert_eq!(one("make_datetime(2017, 10, 01)"), "2017-10-01T00:00:00Z");
    assert_eq!(one("make_datetime(2017, 10, 01, 12, 11, 0.1234567)"), "2017-10-01T12:11:00.1234567Z");
    assert_eq!(one("isnull(make_datetime(2017, 2, 30))"), "true");
    for (d, w) in [("2020-12-31", "53"), ("2020-06-15", "25"), ("1970-01-01", "1"), ("2000-01-01", "52")] {
        assert_eq!(one(&format!("week_of_year(datetime({d}))")), w, "{d}");
    }
    let q = "let t = time(29.09:00:05.12345); print v1 = format_timespan(t, 'dd.hh:mm:ss:FF'), v2 = format_timespan(t, 'ddd.h:mm:ss [fffffff]')";
    assert_eq!(rows(q), r(&[&["29.09:00:05:12", "029.9:00:05 [1234500]"]]));
}

#[test]
fn runtime_types() {
    // gettype-function.md
    for (expr, want) in [
        ("'a'", "string"),
        ("111", "long"),
        ("1==1", "bool"),
        ("now()", "datetime"),
        ("1s", "timespan"),
        ("parse_json('1')", "int"),
        ("parse_json(' \"abc\" ')", "string"),
        ("parse_json(' {\"abc\":1} ')", "dictionary"),
        ("parse_json(' [1, 2, 3] ')", "array"),
        ("123.45", "real"),
        ("parse_json('')", "null"),
    ] {
        assert_eq!(one(&format!("gettype({expr})")), want, "{expr}");
    }
}

#[test]
fn addresses_in_text() {
    // has-ipv4-function.md, has-any-ipv4-prefix-function.md, has-any-ipv4-function.md
    assert_eq!(one("has_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1')"), "true");
    assert_eq!(one("has_ipv4('05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.0.256')"), "false");
    assert_eq!(one("has_ipv4('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1')"), "false");
    assert_eq!(one("has_any_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.', '192.168.')"), "true");
    assert_eq!(one("has_any_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', dynamic(['127.0', '192.168.']))"), "false");
    assert_eq!(one("has_any_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', dynamic(['127.0.0.1', '127.0.0.2']))"), "true");
    assert_eq!(one("has_ipv4_prefix('These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201', '10.1.1.')"), "true");
    assert_eq!(one("ipv6_is_in_range('fe80::85d:e82c:9446:7994', 'fe80::/10')"), "true");
    assert_eq!(one("ipv6_is_in_any_range('10.1.2.3', '::ffff:10.0.0.0/104', 'fe80::/10')"), "true");
    assert_eq!(one("parse_ipv4_mask('192.1.168.2', 24)"), "3221334016");
}

#[test]
fn arrays_and_bags() {
    // array-sort-asc-function.md
    assert_eq!(one("strcat_array(array_sort_asc(split('John,Paul,George,Ringo', ',')), ',')"), "George,John,Paul,Ringo");
    assert_eq!(one("array_sort_asc(dynamic([null,'blue','yellow','green',null]), false)"), r#"[null,null,"blue","green","yellow"]"#);
    // array-index-of-function.md
    assert_eq!(one("array_index_of(dynamic(['this', 'is', 'an', 'example', 'an', 'example']), 'an', 1, -1, 2)"), "4");
    // array-split-function.md, bag-merge-function.md (key order kept as written)
    assert_eq!(one("array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))"), "[[1],[2,3],[4,5]]");
    assert_eq!(
        one("bag_merge(dynamic({'A1':12, 'B1':2, 'C1':3}), dynamic({'A2':81, 'B2':82, 'A1':1}))"),
        r#"{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}"#
    );
    assert_eq!(one("bag_remove_keys(dynamic({'key1': 123, 'key2': 'abc'}), dynamic(['key2', 'key4']))"), r#"{"key1":123}"#);
    assert_eq!(one("set_has_element(dynamic([1, 2, 3]), 2)"), "true");
    assert_eq!(one("array_sum(dynamic([1, 2.5]))"), "3.5");
    assert_eq!(one("zip(dynamic([1,3,5]), dynamic([2,4,6]))"), "[[1,2],[3,4],[5,6]]");
    // parse-path-function.md
    assert_eq!(one(r"parse_path(@'C:\temp\file.txt').Filename"), "file.txt");
    assert_eq!(one("parse_url('scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment')['Query Parameters'].k2"), "v2");
    assert_eq!(one("extract_json('$.a[1].b', '{\"a\":[1,{\"b\":42}]}', typeof(long)) + 1"), "43");
}

#[test]
fn row_shaped_functions() {
    let q = "datatable(a:string, b:long)['x', 1] | project column_ifexists('a', 'none'), c = column_ifexists('missing', 'none'), \
             p = pack_all(), q = bag_pack_columns(b, a)";
    assert_eq!(rows(q), r(&[&["x", "none", r#"{"a":"x","b":1}"#, r#"{"b":1,"a":"x"}"#]]));
}

#[test]
fn column_ifexists_is_named_after_a_column_only_when_the_input_has_it() {
    // As Kusto's analyzer names them: a column the input lacks gives a generated name.
    let q = "datatable(a:string, b:long)[] | project column_ifexists('a', ''), column_ifexists('missing', '')";
    assert_eq!(columns(q), cols(&[("a", "string"), ("Column1", "string")]));
    let q = "datatable(a:string, b:long)[] | extend column_ifexists('missing', 0)";
    assert_eq!(columns(q), cols(&[("a", "string"), ("b", "long"), ("Column1", "long")]));
    let q = "datatable(a:string, b:long)[] | summarize count() by column_ifexists('missing', '')";
    assert_eq!(columns(q), cols(&[("Column1", "string"), ("count_", "long")]));
}

#[test]
fn result_names_and_types_follow_kusto() {
    // As Kusto's analyzer names and types them.
    let q = "datatable(SrcIP_s:string, DestPort_d:real, TimeGenerated:datetime)[] \
             | project todecimal(DestPort_d), toguid(SrcIP_s), tohex(toint(DestPort_d)), hash(SrcIP_s), week_of_year(TimeGenerated), \
             gettype(SrcIP_s), array_sort_asc(split(SrcIP_s, '.')), string_size(SrcIP_s), make_timespan(1, 2)";
    assert_eq!(
        columns(q),
        cols(&[
            ("DestPort_d", "decimal"),
            ("SrcIP_s", "guid"),
            ("DestPort_d1", "string"),
            ("Column1", "long"),
            ("Column2", "int"),
            ("type_SrcIP_s", "string"),
            ("SrcIP_s_sorted", "dynamic"),
            ("string_size_SrcIP_s", "long"),
            ("Column3", "timespan"),
        ])
    );
}

#[test]
fn more_aggregations() {
    // Worked by hand: group a is 1, 2, 3, 4 (mean 2.5, squared deviations 5), b is 5, 5.
    let q = "datatable(g:string, x:long)['a',1,'a',2,'a',3,'a',4,'b',5,'b',5] \
             | summarize variancep(x), stdevif(x, x > 1), take_anyif(x, x > 2), count_distinctif(x, x > 1), make_list_with_nulls(x), \
               h = hll(x), t = tdigest(x), percentiles_array(x, 50, 100) by g \
             | extend dcount_hll(h), percentile_tdigest(t, 50) | project-away h, t";
    assert_eq!(
        rows(q),
        r(&[&["a", "1.25", "1", "3", "3", "[1,2,3,4]", "[2,4]", "4", "2"], &["b", "0", "0", "5", "1", "[5,5]", "[5,5]", "1", "5"]])
    );
    let names = columns(q).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    assert_eq!(
        names,
        ["g", "variancep_x", "stdevif_x", "x", "count_distinctif_x", "list_x", "percentiles_x", "dcount_hll_h", "percentile_tdigest_t"]
    );
    // States merge across groups: the distinct values, and all the values.
    let q = "datatable(g:string, x:long)['a',1,'a',2,'b',2] | summarize h = hll(x), t = tdigest(x) by g \
             | summarize hm = hll_merge(h), tm = tdigest_merge(t) | project dcount_hll(hm), percentile_tdigest(tm, 100)";
    assert_eq!(rows(q), r(&[&["2", "2"]]));
}

#[test]
fn window_functions() {
    // row-cumsum-function.md
    let q = "datatable (a:long) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] | where a % 2 == 0 | serialize cs = row_cumsum(a)";
    assert_eq!(rows(q), r(&[&["2", "2"], &["4", "6"], &["6", "12"], &["8", "20"], &["10", "30"]]));
    let q = "datatable (name:string, month:int, salary:long) ['Alice', 1, 1000, 'Bob', 1, 1000, 'Alice', 2, 2000, 'Bob', 2, 1950, \
             'Alice', 3, 1400, 'Bob', 3, 1450] | order by name asc, month asc | extend total = row_cumsum(salary, name != prev(name)) \
             | project total";
    assert_eq!(rows(q), r(&[&["1000"], &["3000"], &["4400"], &["1000"], &["2950"], &["4400"]]));
    // row-rank-min-function.md
    let q = "datatable (Airport:string, Airline:string, Departures:long) ['SEA', 'LH', 3, 'SEA', 'LY', 100, 'SEA', 'UA', 3, \
             'SEA', 'BA', 2, 'SEA', 'EL', 3] | sort by Departures asc | extend Rank = row_rank_min(Departures), Dense = row_rank_dense(Departures) \
             | project Departures, Rank, Dense";
    assert_eq!(rows(q), r(&[&["2", "1", "1"], &["3", "2", "2"], &["3", "2", "2"], &["3", "2", "2"], &["100", "5", "3"]]));
    // row-number-function.md: numbering restarts where the restart condition is true.
    let q = "datatable (g:string, x:long) ['a', 1, 'a', 2, 'b', 3, 'b', 4, 'b', 5] | serialize | extend n = row_number(10, g != prev(g)) \
             | project n";
    assert_eq!(rows(q), r(&[&["10"], &["11"], &["10"], &["11"], &["12"]]));
    // row-window-session-function.md
    let q = "datatable (ID:string, Timestamp:datetime) ['1', datetime(2024-04-11 10:00:00), '2', datetime(2024-04-11 10:18:00), \
             '1', datetime(2024-04-11 11:00:00), '3', datetime(2024-04-11 11:30:00), '2', datetime(2024-04-11 13:30:00), \
             '2', datetime(2024-04-11 10:16:00)] | sort by ID asc, Timestamp asc \
             | extend SessionStarted = row_window_session(Timestamp, 1h, 5m, ID != prev(ID)) | project ID, SessionStarted";
    assert_eq!(
        rows(q),
        r(&[
            &["1", "2024-04-11T10:00:00Z"],
            &["1", "2024-04-11T11:00:00Z"],
            &["2", "2024-04-11T10:16:00Z"],
            &["2", "2024-04-11T10:16:00Z"],
            &["2", "2024-04-11T13:30:00Z"],
            &["3", "2024-04-11T11:30:00Z"],
        ])
    );
}

#[test]
fn toscalar_runs_its_tabular_expression_once() {
    // toscalar-function.md: the first column of the first row; null without rows.
    let q = "let m = toscalar(datatable(x:long)[5, 6, 2] | summarize max(x)); datatable(y:long)[1, 6, 7] | where y >= m";
    assert_eq!(rows(q), r(&[&["6"], &["7"]]));
    assert_eq!(one("isnull(toscalar(datatable(x:long)[] | project x))"), "true");
    assert_eq!(one("toscalar(datatable(s:string, n:long)['b', 2, 'a', 1] | sort by n asc)"), "a");
    assert_eq!(columns("print toscalar(datatable(x:real)[1.5])"), cols(&[("print_0", "real")]));
    let e = error("print toscalar(datatable(x:long)[1] | where)");
    assert_eq!(e.kind, flowkql::error::ErrorKind::Syntax);
}

#[test]
fn series_functions_with_several_results() {
    // series-stats-function.md
    let q = "print x=dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) | project series_stats(x)";
    assert_eq!(
        columns(q),
        cols(&[
            ("series_stats_x_min", "real"),
            ("series_stats_x_min_idx", "long"),
            ("series_stats_x_max", "real"),
            ("series_stats_x_max_idx", "long"),
            ("series_stats_x_avg", "real"),
            ("series_stats_x_stdev", "real"),
            ("series_stats_x_variance", "real"),
        ])
    );
    assert_eq!(rows(q)[0][..5], ["2", "8", "87", "3", "32.8"]);
    // series-fit-line-function.md, named with `(a, b, ...) =`; unnamed results keep
    // their generated names, made unique (as Kusto's analyzer does).
    let q = "print y=dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]) | extend (RSquare, Slope) = series_fit_line(y) \
             | project RSquare = round(RSquare, 3), Slope = round(Slope, 3), v = round(series_fit_line_y_variance, 3)";
    assert_eq!(rows(q), r(&[&["0.983", "2.731", "98.629"]]));
    let e = error("print x = 1 | extend (a, b) = strlen('x')");
    assert!(e.message.contains("several"), "{}", e.message);
    assert_eq!(one("series_fill_forward(dynamic([null, 1, null, 3]))"), "[null,1,1,3]");
    assert_eq!(one("series_greater(dynamic([1, 5]), 2)"), "[false,true]");
}

#[test]
fn numbers_zones_and_ranges() {
    // Worked by hand: (1,2), (2,4), (3,7) have co-deviations summing to 5.
    let q =
        "datatable(x:long, y:long)[1, 2, 2, 4, 3, 7] | summarize covariance(x, y), covariancep(x, y), binary_all_or(x), binary_all_xor(x)";
    assert_eq!(rows(q), r(&[&["2.5", "1.6666666666666667", "3", "0"]]));
    assert_eq!(columns(q)[2], ("x".to_string(), "long".to_string()));
    // around-function.md: inclusive bounds.
    assert_eq!(one("around(1.5, 1, 0.5)"), "true");
    assert_eq!(one("around(1.5001, 1, 0.5)"), "false");
    // Berlin is UTC+2 in July; Los Angeles is UTC-8 in January.
    assert_eq!(one("datetime_utc_to_local(datetime(2024-07-01 12:00), 'Europe/Berlin')"), "2024-07-01T14:00:00Z");
    assert_eq!(one("datetime_local_to_utc(datetime(2024-01-01 12:00), 'America/Los_Angeles')"), "2024-01-01T20:00:00Z");
    // ipv4-range-to-cidr-list-function.md
    assert_eq!(one("ipv4_range_to_cidr_list('1.1.128.0', '1.1.140.255')"), r#"["1.1.128.0/21","1.1.136.0/22","1.1.140.0/24"]"#);
    // parse-ipv6-mask-function.md
    assert_eq!(one("parse_ipv6_mask('127.0.0.1', 24)"), "0000:0000:0000:0000:0000:ffff:7f00:0000");
    assert_eq!(one("parse_ipv6_mask('fe80::85d:e82c:9446:7994', 120)"), "fe80:0000:0000:0000:085d:e82c:9446:7900");
    assert_eq!(one("unicode_codepoints_to_string(unicode_codepoints_from_string('Kusto'))"), "Kusto");
    assert_eq!(one("round(gamma(5))"), "24");
}

#[test]
fn extract_all_capture_groups() {
    // extract-all-function.md
    let id = "'82b8be2d-dfa7-4bd1-8f63-24ad26d31449'";
    assert_eq!(
        one(&format!(r#"extract_all(@"(\w)(\w+)(\w)", dynamic([1,3]), {id})"#)),
        r#"[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]"#
    );
    assert_eq!(
        one(&format!(r#"extract_all(@"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)", dynamic(['first',2,'last']), {id})"#)),
        r#"[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]"#
    );
    assert_eq!(one(&format!(r#"extract_all(@"(\w)(\w+)(\w)", dynamic([2]), {id})"#)), r#"["2b8be2","fa","bd","f6","4ad26d3144"]"#);
    let e = error(&format!(r#"print extract_all(@"(\w)", dynamic([2]), {id})"#));
    assert!(e.message.contains("capture group"), "{}", e.message);
}

#[test]
fn weighted_percentiles() {
    // Worked by hand: weights 1, 1, 8 (values 1, 2, 3) total 10; the smallest value with
    // at least p% of the weight at or below it.
    let q = "datatable(g:string, x:long, w:long)['a', 3, 8, 'a', 1, 1, 'a', 2, 1, 'b', 5, 2] \
             | summarize percentilew(x, w, 50), percentilesw(x, w, 10, 20) by g";
    assert_eq!(rows(q), r(&[&["a", "3", "1", "2"], &["b", "5", "5", "5"]]));
    let names: Vec<String> = columns(q).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["g", "percentile_x_50", "percentile_x_10", "percentile_x_20"]);
}

#[test]
fn ranges_compression_and_series_pairs() {
    // range-function.md
    assert_eq!(one("range(1, 10, 3)"), "[1,4,7,10]");
    assert_eq!(one("array_length(range(datetime(2024-01-01), datetime(2024-01-01 02:00), 1h))"), "3");
    // Compression round trips (the compressed bytes depend on the compressor).
    assert_eq!(one("zlib_decompress_from_base64_string(zlib_compress_to_base64_string('flowkql'))"), "flowkql");
    assert_eq!(one("gzip_decompress_from_base64_string(gzip_compress_to_base64_string('flowkql'))"), "flowkql");
    assert_eq!(one("zlib_decompress_from_base64_string('not base64!')"), "");
    // Worked by hand: [1, 2, 3] . [4, 5, 6] = 32; orthogonal vectors have cosine 0.
    assert_eq!(one("series_dot_product(dynamic([1, 2, 3]), dynamic([4, 5, 6]))"), "32");
    assert_eq!(one("series_cosine_similarity(dynamic([1, 0]), dynamic([0, 1]))"), "0");
    assert_eq!(one("round(series_pearson_correlation(dynamic([1, 2, 3]), dynamic([6, 4, 2])), 6)"), "-1");
    assert_eq!(one("series_magnitude(dynamic([3, 4]))"), "5");
}
