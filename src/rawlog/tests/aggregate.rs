//! The TA-compatible mode (FORMATS.md 11.1): groups, sums and public-address entries
//! computed here in plain Rust from the raw view's rows (or stated by hand), then
//! compared with the aggregated view.

use super::*;
use crate::session::Session;
use std::collections::HashMap;

const MINUTE: i64 = 60_000_000_000;

fn opts(interval: TaInterval) -> ReadOptions {
    ReadOptions { ta_aggregate: Some(interval), ..ReadOptions::default() }
}

/// The raw view and the aggregated view of the same input.
fn both(path: &str, interval: TaInterval) -> (DataFrame, Table, DataFrame) {
    let (raw, _) = read_as_network_analytics(path, None, &strict()).expect("raw view");
    let (table, report) = read_as_network_analytics(path, None, &opts(interval)).expect("aggregated view");
    let agg = collect(&table);
    assert_eq!(report.rows, agg.height());
    (collect(&raw), table, agg)
}

const KEY: [&str; 9] =
    ["SrcIP_s", "DestIP_s", "NSGList_s", "NSGRule_s", "FlowDirection_s", "L4Protocol_s", "FlowStatus_s", "FlowType_s", "DestPort_d"];

const SUMMED: [&str; 10] = [
    "AllowedInFlows_d",
    "DeniedInFlows_d",
    "AllowedOutFlows_d",
    "DeniedOutFlows_d",
    "FlowCount_d",
    "CompletedFlows_d",
    "OutboundPackets_d",
    "InboundPackets_d",
    "OutboundBytes_d",
    "InboundBytes_d",
];

/// A row's group: its interval start, then the key columns as text.
type Key = (Option<i64>, Vec<String>);

fn keys(df: &DataFrame, bucket_of: impl Fn(usize) -> Option<i64>) -> Vec<Key> {
    let texts: Vec<Vec<String>> = KEY[..8].iter().map(|k| texts(df, k)).collect();
    let ports = reals(df, "DestPort_d");
    (0..df.height())
        .map(|i| {
            let mut k: Vec<String> = texts.iter().map(|c| c[i].clone()).collect();
            k.push(format!("{:?}", ports[i]));
            (bucket_of(i), k)
        })
        .collect()
}

#[derive(Debug, Default, PartialEq)]
struct Expected {
    sums: Vec<Option<f64>>,
    start: Option<i64>,
    end_flows: Option<i64>,
    end_all: Option<i64>,
    /// Public address, then its six counts, in order of first appearance.
    ips: Vec<(String, [i64; 6])>,
    public_is_src: bool,
}

/// Groups the raw view's rows by hand.
fn expected(raw: &DataFrame, width: i64) -> (Vec<Key>, HashMap<Key, Expected>) {
    let times = longs(raw, "TimeGenerated");
    let keys = keys(raw, |i| times[i].map(|t| t.div_euclid(width) * width));
    let sums: Vec<Vec<Option<f64>>> = SUMMED.iter().map(|s| reals(raw, s)).collect();
    let starts = longs(raw, "FlowStartTime_t");
    let ends = longs(raw, "FlowEndTime_t");
    let flows = reals(raw, "FlowCount_d");
    let entries = texts(raw, "PublicIPs_s");
    let src_public = texts(raw, "SrcPublicIPs_s");
    let mut order = Vec::new();
    let mut groups: HashMap<Key, Expected> = HashMap::new();
    for (i, key) in keys.into_iter().enumerate() {
        let g = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Expected { sums: vec![None; SUMMED.len()], ..Expected::default() }
        });
        for (s, col) in g.sums.iter_mut().zip(&sums) {
            if let Some(v) = col[i] {
                *s = Some(s.unwrap_or(0.0) + v);
            }
        }
        g.start = match (g.start, starts[i]) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        g.end_all = g.end_all.max(ends[i]);
        if flows[i] > Some(0.0) {
            g.end_flows = g.end_flows.max(ends[i]);
        }
        if !entries[i].is_empty() {
            let fields: Vec<&str> = entries[i].split('|').collect();
            assert_eq!(fields.len(), 7, "{}", entries[i]);
            let n: Vec<i64> = fields[1..].iter().map(|f| f.parse().expect("count")).collect();
            let at = match g.ips.iter().position(|(ip, _)| ip == fields[0]) {
                Some(at) => at,
                None => {
                    g.ips.push((fields[0].to_string(), [0; 6]));
                    g.ips.len() - 1
                }
            };
            for (sum, v) in g.ips[at].1.iter_mut().zip(&n) {
                *sum += v;
            }
            g.public_is_src = !src_public[i].is_empty();
        }
    }
    (order, groups)
}

/// Every aggregated row is one hand-made group, with its sums, times and entries; the
/// groups come out in order of first appearance.
fn check(raw: &DataFrame, table: &Table, agg: &DataFrame, interval: TaInterval) {
    let width = interval.minutes() * MINUTE;
    assert_eq!(table.schema, crate::schema::builtin("AzureNetworkAnalytics_CL").expect("builtin"));
    assert_layout(table, agg);
    assert_eq!(agg.schema(), raw.schema());

    let (order, want) = expected(raw, width);
    let interval_start = longs(agg, "FlowIntervalStartTime_t");
    let got_keys = keys(agg, |i| interval_start[i]);
    assert_eq!(got_keys, order, "one row per group, in order of first appearance");

    let sums: Vec<Vec<Option<f64>>> = SUMMED.iter().map(|s| reals(agg, s)).collect();
    let (end, generated, processed) = (longs(agg, "FlowIntervalEndTime_t"), longs(agg, "TimeGenerated"), longs(agg, "TimeProcessed_t"));
    let (starts, ends) = (longs(agg, "FlowStartTime_t"), longs(agg, "FlowEndTime_t"));
    let (src, dest, all) = (texts(agg, "SrcPublicIPs_s"), texts(agg, "DestPublicIPs_s"), texts(agg, "PublicIPs_s"));
    for (i, key) in got_keys.iter().enumerate() {
        let g = &want[key];
        for (k, name) in SUMMED.iter().enumerate() {
            assert_eq!(sums[k][i], g.sums[k], "{name} of {key:?}");
        }
        assert_eq!(end[i], key.0.map(|b| b + width));
        assert_eq!(generated[i], end[i]);
        assert_eq!(processed[i], end[i]);
        assert_eq!(starts[i], g.start);
        assert_eq!(ends[i], g.end_flows.or(g.end_all));
        let list: Vec<String> = g.ips.iter().map(|(ip, n)| format!("{ip}|{}|{}|{}|{}|{}|{}", n[0], n[1], n[2], n[3], n[4], n[5])).collect();
        let list = list.join(" ");
        assert_eq!(all[i], list);
        let (s, d) = match (list.is_empty(), g.public_is_src) {
            (true, _) => ("", ""),
            (false, true) => (list.as_str(), ""),
            (false, false) => ("", list.as_str()),
        };
        assert_eq!((src[i].as_str(), dest[i].as_str()), (s, d), "{key:?}");
    }
}

#[test]
fn nsg_v2_sample_by_hand() {
    let path = sample("azure-nsg-flow-v2/testdata.log");
    for interval in [TaInterval::Hour, TaInterval::TenMinutes] {
        let (raw, table, agg) = both(&path, interval);
        check(&raw, &table, &agg, interval);
        // From the tuples (see view.rs): outbound at 11:59:37-39 to .118 (B), .117 (E)
        // and .115 (C); outbound at 12:00:06 to 40.71.12.225 (E); seven inbound denied
        // B tuples at 12:00-12:01 on ports 443/U, 59336, 8088 (three sources), 18264, 52801.
        assert_eq!(agg.height(), 7, "{interval}");
        let dest = texts(&agg, "DestPublicIPs_s");
        // Groups come in order of first appearance: three inbound groups, then this one.
        let r = 3;
        assert_eq!(dest[r], "13.67.143.118|1|0|0|0|0|0 13.67.143.117|0|1|1|1|66|66 13.67.143.115|0|0|30|24|16978|14008");
        assert_eq!(texts(&agg, "SrcIP_s")[r], "10.5.16.4");
        assert_eq!(texts(&agg, "DestIP_s")[r], "");
        assert_eq!(reals(&agg, "AllowedOutFlows_d")[r], Some(1.0));
        assert_eq!(reals(&agg, "CompletedFlows_d")[r], Some(1.0));
        assert_eq!(reals(&agg, "OutboundBytes_d")[r], Some(66.0 + 16978.0));
        assert_eq!(reals(&agg, "InboundPackets_d")[r], Some(25.0));
        assert_eq!(longs(&agg, "FlowStartTime_t")[r], Some(ns("2018-11-13T11:59:37Z")));
        // Only the B tuple began a flow: the end is its time, not the E tuple's 11:59:39.
        assert_eq!(longs(&agg, "FlowEndTime_t")[r], Some(ns("2018-11-13T11:59:37Z")));
        let (first, second) = match interval {
            TaInterval::Hour => ("2018-11-13T11:00:00Z", "2018-11-13T12:00:00Z"),
            TaInterval::TenMinutes => ("2018-11-13T11:50:00Z", "2018-11-13T12:00:00Z"),
        };
        assert_eq!(longs(&agg, "FlowIntervalStartTime_t")[r], Some(ns(first)));
        assert_eq!(longs(&agg, "TimeGenerated")[r], Some(ns(second)));
        // No B tuple in the 40.71.12.225 group: the end falls back to its last tuple.
        let row = dest.iter().position(|d| d.starts_with("40.71.12.225|")).expect("row");
        assert_eq!(dest[row], "40.71.12.225|0|1|15|12|8489|7054");
        assert_eq!(longs(&agg, "FlowEndTime_t")[row], Some(ns("2018-11-13T12:00:06Z")));
        // Port 8088: three public sources in one row.
        let src = texts(&agg, "SrcPublicIPs_s");
        let row = reals(&agg, "DestPort_d").iter().position(|p| *p == Some(8088.0)).expect("row");
        assert_eq!(src[row], "167.99.86.8|1|0|0|0|0|0 80.211.72.221|1|0|0|0|0|0 46.101.199.124|1|0|0|0|0|0");
        assert_eq!(texts(&agg, "SrcIP_s")[row], "");
        assert_eq!(texts(&agg, "DestIP_s")[row], "10.5.16.4");
        assert_eq!(texts(&agg, "VMIP_s")[row], "10.5.16.4");
        assert_eq!(reals(&agg, "DeniedInFlows_d")[row], Some(3.0));
        assert_eq!(reals(&agg, "FlowCount_d")[row], Some(3.0));
        assert_eq!(sum_reals(&agg, "FlowCount_d"), 8.0);
    }
}

#[test]
fn every_sample_against_its_raw_rows() {
    for rel in [
        "azure-nsg-flow-v2/testdata.log",
        "azure-nsg-flow-v2/test-nsg.log",
        "azure-nsg-flow-v1/nsgFlowLogsSample.json",
        "azure-vnet-flow-v4/testdata.log",
        "azure-vnet-flow-v4/test-vnet.log",
        "aws-vpc-flow/flow_log.txt",
        "aws-vpc-flow/test-extra-samples.log",
        "aws-vpc-flow/test-v5-all-fields.log",
    ] {
        for interval in [TaInterval::Hour, TaInterval::TenMinutes] {
            let (raw, table, agg) = both(&sample(rel), interval);
            check(&raw, &table, &agg, interval);
            assert!(agg.height() <= raw.height(), "{rel}");
        }
    }
    // Version 1 has no bytes: the sums stay null rather than becoming 0.
    let (raw, _, agg) = both(&sample("azure-nsg-flow-v1/nsgFlowLogsSample.json"), TaInterval::Hour);
    assert!(agg.height() < raw.height());
    assert_eq!(agg.column("OutboundBytes_d").expect("col").null_count(), agg.height());
    assert_eq!(sum_reals(&agg, "FlowCount_d"), raw.height() as f64);
}

/// NSG v2 blob with the given tuples under one rule.
fn nsg_blob(tuples: &[&str]) -> String {
    let quoted: Vec<String> = tuples.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        r#"{{"records":[{{"time":"2024-05-03T12:00:00Z","systemId":"s","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1","operationName":"NetworkSecurityGroupFlowEvents","properties":{{"Version":2,"flows":[{{"rule":"UserRule_Web","flows":[{{"mac":"000D3AF87856","flowTuples":[{}]}}]}}]}}}}]}}"#,
        quoted.join(",")
    )
}

#[test]
fn bucket_boundaries_and_source_ports() {
    let t = |s: &str| ns(s) / 1_000_000_000;
    let (a, b, c, d) = (t("2024-05-03T12:09:59Z"), t("2024-05-03T12:10:00Z"), t("2024-05-03T12:59:59Z"), t("2024-05-03T13:00:00Z"));
    let tuples = [
        // One private conversation, a new source port each time.
        format!("{a},10.0.0.4,10.0.1.5,40001,22,T,O,A,B,,,,"),
        format!("{b},10.0.0.4,10.0.1.5,40002,22,T,O,A,E,2,200,3,300"),
        format!("{c},10.0.0.4,10.0.1.5,40003,22,T,O,A,B,,,,"),
        format!("{d},10.0.0.4,10.0.1.5,40004,22,T,O,A,C,5,500,7,700"),
        // Outbound to two public addresses, the first one twice, in one interval.
        format!("{a},10.0.0.4,52.1.1.1,50000,443,T,O,A,B,,,,"),
        format!("{a},10.0.0.4,52.2.2.2,50001,443,T,O,A,E,1,10,2,20"),
        format!("{b},10.0.0.4,52.1.1.1,50002,443,T,O,A,E,4,40,8,80"),
    ];
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("PT1H.json");
    std::fs::write(&file, nsg_blob(&tuples.iter().map(String::as_str).collect::<Vec<_>>())).expect("write");
    let path = file.to_string_lossy().to_string();

    // 60 minutes: 12:00 holds a, b, c; 13:00 holds d. Groups come in order of first
    // appearance.
    let (raw, table, agg) = both(&path, TaInterval::Hour);
    check(&raw, &table, &agg, TaInterval::Hour);
    assert_eq!(texts(&agg, "DestIP_s"), vec!["10.0.1.5", "10.0.1.5", ""]);
    assert_eq!(
        longs(&agg, "FlowIntervalStartTime_t"),
        vec![Some(ns("2024-05-03T12:00:00Z")), Some(d * 1_000_000_000), Some(ns("2024-05-03T12:00:00Z"))]
    );
    assert_eq!(reals(&agg, "AllowedOutFlows_d"), vec![Some(2.0), Some(0.0), Some(1.0)]);
    assert_eq!(reals(&agg, "OutboundBytes_d"), vec![Some(200.0), Some(500.0), Some(50.0)]);
    assert_eq!(longs(&agg, "FlowStartTime_t")[0], Some(a * 1_000_000_000));
    assert_eq!(longs(&agg, "FlowEndTime_t")[0], Some(c * 1_000_000_000));
    assert_eq!(texts(&agg, "DestPublicIPs_s"), vec!["", "", "52.1.1.1|1|1|4|8|40|80 52.2.2.2|0|1|1|2|10|20"]);
    assert_eq!(texts(&agg, "PublicIPs_s")[2], "52.1.1.1|1|1|4|8|40|80 52.2.2.2|0|1|1|2|10|20");
    assert_eq!(texts(&agg, "FlowType_s"), vec!["UnknownPrivate", "UnknownPrivate", "ExternalPublic"]);

    // 10 minutes: 12:00 (a), 12:10 (b), 12:50 (c), 13:00 (d) for the private pair; the
    // public pair splits into 12:00 and 12:10.
    let (raw, table, agg) = both(&path, TaInterval::TenMinutes);
    check(&raw, &table, &agg, TaInterval::TenMinutes);
    assert_eq!(agg.height(), 6);
    let dest = texts(&agg, "DestPublicIPs_s");
    assert_eq!(
        dest.iter().filter(|d| !d.is_empty()).cloned().collect::<Vec<_>>(),
        vec!["52.1.1.1|1|0|0|0|0|0 52.2.2.2|0|1|1|2|10|20", "52.1.1.1|0|1|4|8|40|80"]
    );
    let starts: Vec<Option<i64>> = longs(&agg, "FlowIntervalStartTime_t");
    let at = |s: &str| Some(ns(s));
    assert_eq!(
        starts,
        vec![
            at("2024-05-03T12:00:00Z"),
            at("2024-05-03T12:10:00Z"),
            at("2024-05-03T12:50:00Z"),
            at("2024-05-03T13:00:00Z"),
            at("2024-05-03T12:00:00Z"),
            at("2024-05-03T12:10:00Z"),
        ]
    );
    assert_eq!(longs(&agg, "TimeGenerated")[2], at("2024-05-03T13:00:00Z"));
}

#[test]
fn intervals_parse() {
    assert_eq!("60m".parse::<TaInterval>().expect("60m"), TaInterval::Hour);
    assert_eq!("1h".parse::<TaInterval>().expect("1h"), TaInterval::Hour);
    assert_eq!("10m".parse::<TaInterval>().expect("10m"), TaInterval::TenMinutes);
    assert!("15m".parse::<TaInterval>().is_err());
}

#[test]
fn article_queries_run_on_the_aggregated_view() {
    let (table, _) =
        read_as_network_analytics(&sample("azure-nsg-flow-v2/testdata.log"), None, &opts(TaInterval::Hour)).expect("aggregated view");
    let mut s = Session::new(ns("2018-11-13T12:30:00Z"));
    s.bind("AzureNetworkAnalytics_CL", table);
    let query = |name: &str| std::fs::read_to_string(format!("{}/queries/article/{name}", env!("CARGO_MANIFEST_DIR"))).expect("query file");

    let out = s.run(&query("5.3.2-pie-flow-type.kql")).expect("runs").result.frame;
    assert_eq!(texts(&out, "FlowType_s"), vec!["ExternalPublic"]);
    assert_eq!(longs(&out, "count_"), vec![Some(7)]);

    // TimeGenerated is the interval's end: the 11:00 interval is binned at 12:00.
    let q = query("5.3.5-area-traffic-mbytes.kql").replace("| render", "| sort by TimeGenerated asc\n| render");
    let out = s.run(&q).expect("runs").result.frame;
    assert_eq!(longs(&out, "TimeGenerated"), vec![Some(ns("2018-11-13T12:00:00Z")), Some(ns("2018-11-13T13:00:00Z"))]);
    let mb = 1024.0 * 1024.0;
    assert_eq!(reals(&out, "TotalInboundMByte"), vec![Some((66.0 + 14008.0) / mb), Some(7054.0 / mb)]);
    assert_eq!(reals(&out, "TotalOutboundMByte"), vec![Some((66.0 + 16978.0) / mb), Some(8489.0 / mb)]);
}

#[test]
fn no_flows_no_rows() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("empty.log");
    std::fs::write(
        &file,
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n\
         2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n",
    )
    .expect("write");
    let (raw, table, agg) = both(&file.to_string_lossy(), TaInterval::Hour);
    assert_eq!((raw.height(), agg.height()), (0, 0));
    assert_layout(&table, &agg);
    assert_eq!(agg.schema(), raw.schema());
}
