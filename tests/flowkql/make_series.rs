//! `make-series`, with make-series-operator.md's example.

use crate::common::*;

const DATA: &str = "let data = datatable(timestamp:datetime, metric:real)[
    datetime(2016-12-31T06:00), 50, datetime(2017-01-01), 4, datetime(2017-01-02), 3,
    datetime(2017-01-03), 4, datetime(2017-01-03T03:00), 6, datetime(2017-01-05), 8,
    datetime(2017-01-05T13:40), 13, datetime(2017-01-06), 4, datetime(2017-01-07), 3,
    datetime(2017-01-08), 8, datetime(2017-01-08T21:00), 8, datetime(2017-01-11), 2,
    datetime(2017-01-11), 5];
let interval = 1d; let stime = datetime(2017-01-01); let etime = datetime(2017-01-12);";

#[test]
fn documented_average_series() {
    let q = format!("{DATA} data | make-series avg(metric) on timestamp from stime to etime step interval");
    assert_eq!(columns(&q), cols(&[("avg_metric", "dynamic"), ("timestamp", "dynamic")]));
    let out = rows(&q);
    assert_eq!(out[0][0], "[4.0,3.0,5.0,0.0,10.5,4.0,3.0,8.0,0.0,0.0,3.5]");
    let days: Vec<String> = (1..=11).map(|d| format!("\"2017-01-{d:02}T00:00:00.0000000Z\"")).collect();
    assert_eq!(out[0][1], format!("[{}]", days.join(",")));
}

#[test]
fn series_by_group_with_default_and_data_bounds() {
    let q = "datatable(t:datetime, k:string)[datetime(2024-01-01 00:10), 'a', datetime(2024-01-01 02:20), 'a', datetime(2024-01-01 02:30), 'a', datetime(2024-01-01 01:00), 'b']
        | make-series n = count() default = -1 on t step 1h by k | sort by k asc";
    assert_eq!(columns(q), cols(&[("k", "string"), ("n", "dynamic"), ("t", "dynamic")]));
    // Without from/to, each series spans the bins where it has data.
    assert_eq!(
        rows(q),
        r(&[
            &["a", "[1,-1,2]", r#"["2024-01-01T00:00:00.0000000Z","2024-01-01T01:00:00.0000000Z","2024-01-01T02:00:00.0000000Z"]"#],
            &["b", "[1]", r#"["2024-01-01T01:00:00.0000000Z"]"#],
        ])
    );
}
