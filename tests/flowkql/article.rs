//! Every query of the articles (queries/article/), run on the built-in sample and checked
//! against the same question answered in plain Rust over the sample's rows; then run again
//! on the sample exported to CSV and to JSON and read back, which must give the same
//! answers.

use crate::common::NOW;
use flowkql::output::{self, OutputFormat};
use flowkql::{schema, source, ResultTable, Session, Table};
use polars::prelude::*;
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const ROWS: usize = 6_000;
const HOUR: i64 = 3_600_000_000_000;
const DAY: i64 = 24 * HOUR;
const MIB: f64 = 1024.0 * 1024.0;

fn sample() -> &'static Vec<(String, DataFrame)> {
    static SAMPLE: OnceLock<Vec<(String, DataFrame)>> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let now = chrono::DateTime::from_timestamp_nanos(NOW);
        let tables = flowkql::sample::sample_tables(ROWS, now).unwrap_or_else(|e| panic!("sample: {e}"));
        tables.into_iter().map(|(n, t)| (n, t.frame.collect().unwrap_or_else(|e| panic!("collect {e}")))).collect()
    })
}

fn frame(name: &str) -> &'static DataFrame {
    sample().iter().find(|(n, _)| n == name).map(|(_, f)| f).unwrap_or_else(|| panic!("no sample table {name}"))
}

fn session_over(tables: &[(String, Table)]) -> Session {
    let mut s = Session::new(NOW);
    for (n, t) in tables {
        s.bind(n.clone(), t.clone());
    }
    s
}

fn in_memory() -> Session {
    let tables: Vec<(String, Table)> = sample()
        .iter()
        .map(|(n, f)| (n.clone(), Table { schema: schema::builtin(n).unwrap_or_default(), frame: f.clone().lazy() }))
        .collect();
    session_over(&tables)
}

fn query(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/article").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(s: &Session, file: &str) -> ResultTable {
    let q = query(file);
    s.run(&q).unwrap_or_else(|e| panic!("{file}:\n{}", e.render_plain(file, &q))).result
}

/// A result as rows of text, in its order.
fn text_rows(r: &ResultTable) -> Vec<Vec<String>> {
    (0..r.frame.height())
        .map(|i| {
            r.frame
                .columns()
                .iter()
                .zip(&r.schema.columns)
                .map(|(c, (_, t))| c.get(i).map(|v| output::format_value(&v, *t)).unwrap_or_default())
                .collect()
        })
        .collect()
}

// ---- the sample's rows, read without the engine ----

fn strings(df: &DataFrame, c: &str) -> Vec<String> {
    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
    let ca = col.str().unwrap_or_else(|e| panic!("{c}: {e}"));
    ca.iter().map(|v| v.unwrap_or_default().to_string()).collect()
}

fn reals(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
    let col = col.cast(&DataType::Float64).unwrap_or_else(|e| panic!("{c}: {e}"));
    col.f64().unwrap_or_else(|e| panic!("{c}: {e}")).iter().collect()
}

fn times(df: &DataFrame, c: &str) -> Vec<i64> {
    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
    let col = col.cast(&DataType::Int64).unwrap_or_else(|e| panic!("{c}: {e}"));
    col.i64().unwrap_or_else(|e| panic!("{c}: {e}")).iter().map(|v| v.unwrap_or(i64::MIN)).collect()
}

/// The given rows of a sample table, projected to `cols` and formatted.
fn project(df: &DataFrame, rows: &[usize], cols: &[&str]) -> Vec<Vec<String>> {
    let table = df.schema();
    rows.iter()
        .map(|&i| {
            cols.iter()
                .map(|c| {
                    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
                    let ty = flowkql::KqlType::from_polars(table.get(c).unwrap_or(&DataType::String));
                    col.get(i).map(|v| output::format_value(&v, ty)).unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

fn in_net(ip: &str, net: &str, bits: u32) -> bool {
    match (ip.parse::<Ipv4Addr>(), net.parse::<Ipv4Addr>()) {
        (Ok(a), Ok(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        _ => false,
    }
}

struct Flows {
    t: Vec<i64>,
    sub: Vec<String>,
    ver: Vec<String>,
    status: Vec<String>,
    ftype: Vec<String>,
    l7: Vec<String>,
    src: Vec<String>,
    dst: Vec<String>,
    dir: Vec<String>,
    public_ips: Vec<String>,
    count: Vec<Option<f64>>,
    inb: Vec<Option<f64>>,
    outb: Vec<Option<f64>>,
}

fn flows() -> Flows {
    let df = frame("AzureNetworkAnalytics_CL");
    Flows {
        t: times(df, "TimeGenerated"),
        sub: strings(df, "SubType_s"),
        ver: strings(df, "FASchemaVersion_s"),
        status: strings(df, "FlowStatus_s"),
        ftype: strings(df, "FlowType_s"),
        l7: strings(df, "L7Protocol_s"),
        src: strings(df, "SrcIP_s"),
        dst: strings(df, "DestIP_s"),
        dir: strings(df, "FlowDirection_s"),
        public_ips: strings(df, "PublicIPs_s"),
        count: reals(df, "FlowCount_d"),
        inb: reals(df, "InboundBytes_d"),
        outb: reals(df, "OutboundBytes_d"),
    }
}

impl Flows {
    fn v2(&self, i: usize) -> bool {
        self.sub[i] == "FlowLog" && self.ver[i] == "2"
    }

    fn since(&self, i: usize, span: i64) -> bool {
        self.t[i] > NOW - span
    }

    fn rows(&self, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        (0..self.t.len()).filter(|&i| keep(i)).collect()
    }
}

const PROJECTED: [&str; 10] = [
    "TimeGenerated",
    "NSGRule_s",
    "FlowDirection_s",
    "L4Protocol_s",
    "SrcIP_s",
    "SrcPublicIPs_s",
    "DestIP_s",
    "DestPort_d",
    "L7Protocol_s",
    "FlowCount_d",
];

fn sorted(mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
    v.sort();
    v
}

fn assert_projection(file: &str, keep: impl Fn(&Flows, usize) -> bool) {
    let f = flows();
    let rows = f.rows(|i| keep(&f, i));
    let expected = project(frame("AzureNetworkAnalytics_CL"), &rows, &PROJECTED);
    let got = run(&in_memory(), file);
    assert_eq!(got.schema.names().collect::<Vec<_>>(), PROJECTED.to_vec(), "{file}");
    assert_eq!(sorted(text_rows(&got)), sorted(expected), "{file}");
}

#[test]
fn projections_filter_like_plain_rust() {
    assert_projection("5.2.1-last-timeframe.kql", |f, i| f.since(i, DAY));
    assert_projection("5.2.2-subnet-filter.kql", |f, i| f.since(i, DAY) && in_net(&f.dst[i], "10.1.1.0", 24));
    assert_projection("5.2.3-direction-and-status.kql", |f, i| {
        f.v2(i) && f.since(i, DAY) && in_net(&f.dst[i], "10.1.1.0", 24) && f.dir[i] == "I" && f.status[i] == "D"
    });
    assert_projection("5.2.4-vnet-only.kql", |f, i| f.v2(i) && f.since(i, DAY) && matches!(f.ftype[i].as_str(), "IntraVNet" | "InterVNet"));
    assert_projection("5.4.1-find-specific-flow.kql", |f, i| {
        f.v2(i)
            && f.since(i, 7 * DAY)
            && matches!(f.ftype[i].as_str(), "IntraVNet" | "InterVNet")
            && in_net(&f.src[i], "10.1.0.99", 32)
            && in_net(&f.dst[i], "10.100.10.10", 24)
    });
    // The hunts find something on the sample.
    assert!(!text_rows(&run(&in_memory(), "5.2.3-direction-and-status.kql")).is_empty());
    assert!(!text_rows(&run(&in_memory(), "5.4.1-find-specific-flow.kql")).is_empty());
}

#[test]
fn fixed_time_window() {
    // 5.2.1's window is 2022-11-13..14: lay the sample out around it.
    let now = 1_668_340_800_000_000_000; // 2022-11-13T12:00:00Z
    let tables = flowkql::sample::sample_tables(ROWS, chrono::DateTime::from_timestamp_nanos(now)).unwrap_or_else(|e| panic!("{e}"));
    let df = tables[0].1.frame.clone().collect().unwrap_or_else(|e| panic!("{e}"));
    let t = times(&df, "TimeGenerated");
    let (from, to) = (1_668_297_600_000_000_000, 1_668_384_000_000_000_000);
    let rows: Vec<usize> = (0..t.len()).filter(|&i| t[i] >= from && t[i] <= to).collect();
    assert!(!rows.is_empty());
    let mut s = session_over(&tables);
    s.now = now;
    let got = run(&s, "5.2.1-time-range.kql");
    assert_eq!(sorted(text_rows(&got)), sorted(project(&df, &rows, &PROJECTED)));
}

fn count_by(keys: impl Iterator<Item = String>) -> HashMap<String, i64> {
    let mut m = HashMap::new();
    for k in keys {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

fn assert_counts_desc(file: &str, key: &str, expected: HashMap<String, i64>) {
    let got = run(&in_memory(), file);
    assert_eq!(
        got.schema.columns,
        vec![(key.to_string(), flowkql::KqlType::String), ("count_".to_string(), flowkql::KqlType::Long)],
        "{file}"
    );
    let rows = text_rows(&got);
    let counts: Vec<i64> = rows.iter().map(|r| r[1].parse().unwrap_or(-1)).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{file}: sorted by count_ desc");
    let got: HashMap<String, i64> = rows.into_iter().map(|r| (r[0].clone(), r[1].parse().unwrap_or(-1))).collect();
    assert_eq!(got, expected, "{file}");
}

#[test]
fn pie_chart_counts() {
    let f = flows();
    let recent = f.rows(|i| f.v2(i) && f.since(i, DAY));
    let action = |s: &str| if s == "A" { "Allow" } else { "Deny" }.to_string();
    assert_counts_desc("5.3.1-pie-allow-deny.kql", "FlowAction", count_by(recent.iter().map(|&i| action(&f.status[i]))));
    assert_counts_desc("5.3.2-pie-flow-type.kql", "FlowType_s", count_by(recent.iter().map(|&i| f.ftype[i].clone())));
    assert_counts_desc("5.3.3-pie-l7-protocol.kql", "L7Protocol_s", count_by(recent.iter().map(|&i| f.l7[i].clone())));
}

/// Compares (key columns as text, real sums) with a tolerance for summation order.
fn assert_sums(file: &str, keys: usize, expected: HashMap<Vec<String>, Vec<f64>>) {
    let got = run(&in_memory(), file);
    let rows = text_rows(&got);
    assert_eq!(rows.len(), expected.len(), "{file}: number of groups");
    for r in rows {
        let key = r[..keys].to_vec();
        let want = expected.get(&key).unwrap_or_else(|| panic!("{file}: unexpected group {key:?}"));
        for (g, w) in r[keys..].iter().zip(want) {
            let g: f64 = g.parse().unwrap_or(f64::NAN);
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{file} {key:?}: {g} vs {w}");
        }
    }
}

fn hour_text(t: i64) -> String {
    flowkql::text::format_datetime(t - t.rem_euclid(HOUR))
}

fn add(m: &mut HashMap<Vec<String>, Vec<f64>>, key: Vec<String>, values: &[f64]) {
    let e = m.entry(key).or_insert_with(|| vec![0.0; values.len()]);
    for (a, v) in e.iter_mut().zip(values) {
        *a += v;
    }
}

#[test]
fn time_charts_sum_per_hour() {
    let f = flows();
    let mut sessions = HashMap::new();
    for i in f.rows(|i| f.v2(i) && f.since(i, DAY) && f.status[i] == "A") {
        add(&mut sessions, vec![hour_text(f.t[i])], &[f.count[i].unwrap_or(0.0)]);
    }
    assert_sums("5.3.4-column-session-count.kql", 1, sessions);
    let mut bytes = HashMap::new();
    for i in f.rows(|i| f.v2(i) && f.since(i, 7 * DAY)) {
        add(&mut bytes, vec![hour_text(f.t[i])], &[f.inb[i].unwrap_or(0.0), f.outb[i].unwrap_or(0.0)]);
    }
    let bytes = bytes.into_iter().map(|(k, v)| (k, v.into_iter().map(|b| b / MIB).collect())).collect();
    assert_sums("5.3.5-area-traffic-mbytes.kql", 1, bytes);
}

#[test]
fn spike_hunts_group_by_source_and_public_ip() {
    let f = flows();
    let first_ip = |s: &str| s.split('|').next().unwrap_or_default().to_string();
    let mut sessions = HashMap::new();
    let mut traffic = HashMap::new();
    for i in f.rows(|i| f.v2(i) && f.since(i, HOUR) && f.status[i] == "A") {
        let key = vec![f.src[i].clone(), first_ip(&f.public_ips[i]), f.l7[i].clone()];
        add(&mut sessions, key.clone(), &[f.count[i].unwrap_or(0.0)]);
        add(&mut traffic, key, &[f.inb[i].unwrap_or(0.0) / MIB, f.outb[i].unwrap_or(0.0) / MIB]);
    }
    assert!(sessions.keys().any(|k| !k[1].is_empty()), "the sample has public flows in the last hour");
    assert_sums("5.4.2-session-spike.kql", 3, sessions);
    // Dividing each sum by 2^20 is exact, so per-row division agrees with the query's.
    assert_sums("5.4.3-traffic-spike.kql", 3, traffic);
}

#[test]
fn vm_insights_queries() {
    let im = frame("InsightsMetrics");
    let (t, ns, tags, name) = (times(im, "TimeGenerated"), strings(im, "Namespace"), strings(im, "Tags"), strings(im, "Name"));
    let mut rows: Vec<usize> = (0..t.len())
        .filter(|&i| {
            t[i] > NOW - HOUR
                && ns[i].to_lowercase().contains("disk")
                && tags[i].to_lowercase().contains("c:")
                && name[i].to_lowercase().contains("freespacepercentage")
        })
        .collect();
    rows.sort_by_key(|&i| std::cmp::Reverse(t[i]));
    let expected = project(im, &rows, &["TimeGenerated", "Computer", "Val"]);
    assert!(!expected.is_empty());
    let got = text_rows(&run(&in_memory(), "vm-insights-disk-free-space-fixed.kql"));
    // Sorted by TimeGenerated desc; rows with equal times may come in any order.
    assert_eq!(got.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), expected.iter().map(|r| r[0].clone()).collect::<Vec<_>>());
    assert_eq!(sorted(got), sorted(expected));

    let vc = frame("VMConnection");
    let (t, threat, remote) = (times(vc, "TimeGenerated"), strings(vc, "IndicatorThreatType"), strings(vc, "RemoteIp"));
    let rows: Vec<usize> = (0..t.len()).filter(|&i| t[i] > NOW - DAY && !threat[i].is_empty()).collect();
    let expected = project(vc, &rows, &["TimeGenerated", "Computer", "SourceIp", "Severity", "IndicatorThreatType"]);
    assert!(!expected.is_empty());
    assert_eq!(sorted(text_rows(&run(&in_memory(), "vmconnection-malicious-24h-fixed.kql"))), sorted(expected));

    let mut alerts: HashMap<(String, String), i64> = HashMap::new();
    for i in (0..t.len()).filter(|&i| t[i] > NOW - 15 * 60_000_000_000 && !threat[i].is_empty()) {
        *alerts.entry((remote[i].clone(), threat[i].clone())).or_insert(0) += 1;
    }
    assert!(!alerts.is_empty(), "the alert fires on the sample");
    let got: HashMap<(String, String), i64> = text_rows(&run(&in_memory(), "vmconnection-malicious-alert-15m-fixed.kql"))
        .into_iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r[2].parse().unwrap_or(-1)))
        .collect();
    assert_eq!(got, alerts);
}

#[test]
fn verbatim_copies_behave_as_documented() {
    // Kusto rejects `val` (the column is `Val`); the diagnostic says so.
    let q = query("vm-insights-disk-free-space.kql");
    let e = in_memory().run(&q).err().unwrap_or_else(|| panic!("expected an error"));
    assert!(e.message.contains("unknown column `val`"));
    assert!(e.help.as_deref().unwrap_or("").contains("`Val`"));
    // Typographic quotes are read with a warning: same answer as the fixed copy.
    for (verbatim, fixed) in [
        ("vmconnection-malicious-24h.kql", "vmconnection-malicious-24h-fixed.kql"),
        ("vmconnection-malicious-alert-15m.kql", "vmconnection-malicious-alert-15m-fixed.kql"),
    ] {
        let out = in_memory().run(&query(verbatim)).unwrap_or_else(|e| panic!("{verbatim}: {e}"));
        assert_eq!(out.warnings.len(), 1, "{verbatim}");
        assert_eq!(sorted(text_rows(&out.result)), sorted(text_rows(&run(&in_memory(), fixed))));
        let mut strict = in_memory();
        strict.strict = true;
        assert!(strict.run(&query(verbatim)).is_err(), "{verbatim} under --strict");
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowkql-article-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Every runnable article query gives the same answer on the sample exported to `format`
/// and read back as on the sample itself.
fn same_answers_after_export(format: OutputFormat, ext: &str) {
    let dir = temp_dir(ext);
    let mut tables = Vec::new();
    for (name, df) in sample() {
        let path = dir.join(format!("{name}.{ext}"));
        let result = ResultTable { schema: schema::builtin(name).unwrap_or_default(), frame: df.clone() };
        output::write_result_to_path(&result, format, &path).unwrap_or_else(|e| panic!("write {name}: {e}"));
        let t = source::load_table_as(&path, None, schema::builtin(name).as_ref()).unwrap_or_else(|e| panic!("read {name}: {e}"));
        tables.push((name.clone(), t));
    }
    let exported = session_over(&tables);
    let memory = in_memory();
    let mut files: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/article"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .filter(|f| f.ends_with(".kql") && !query(f).contains("verbatim-rejected"))
        .collect();
    files.sort();
    assert!(files.len() >= 13);
    for file in files {
        let a = run(&memory, &file);
        let b = run(&exported, &file);
        assert_eq!(a.schema, b.schema, "{file} via {ext}");
        let (ra, rb) = (sorted(text_rows(&a)), sorted(text_rows(&b)));
        assert_eq!(ra.len(), rb.len(), "{file} via {ext}");
        for (x, y) in ra.iter().zip(&rb) {
            for (u, v) in x.iter().zip(y) {
                let close = match (u.parse::<f64>(), v.parse::<f64>()) {
                    (Ok(p), Ok(q)) => (p - q).abs() <= 1e-9 * p.abs().max(1.0),
                    _ => u == v,
                };
                assert!(close, "{file} via {ext}: {u} vs {v}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn same_answers_on_csv_export() {
    same_answers_after_export(OutputFormat::Csv, "csv");
}

#[test]
fn same_answers_on_json_export() {
    same_answers_after_export(OutputFormat::Json, "json");
}
