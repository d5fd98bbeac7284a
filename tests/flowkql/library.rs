//! The query library (queries/ beyond the articles) and the workflows around it.
//!
//! Every library query must check against the built-in schemas and run: the Azure ones on
//! the built-in sample, the AWS ones on a small AWSVPCFlow table built here from the
//! schema. At least one query per folder is checked against the same question answered in
//! plain Rust over the rows. Then the commands: list, show, name resolution, hunt (and
//! --compare), the HTML report opened in a headless Chromium, --alert-when exit statuses,
//! indicator files, completions.

use crate::common::{rows_in, NOW};
use flowkql::library::{threat_intel, Compare, Library, LibraryQuery};
use flowkql::{schema, KqlType, Session, Table};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const HOUR: i64 = 3_600_000_000_000;
const DAY: i64 = 24 * HOUR;
const NOW_ARG: &str = "--now=2024-05-03T12:00:00Z";
/// The library's folders; queries/article/ has its own tests.
const FOLDERS: [&str; 6] = ["nsg", "ntanet", "vmconnection", "aws", "hunting", "threat-intel"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn library() -> Library {
    Library::with_roots([root().join("queries")])
}

fn query_text(name: &str) -> String {
    let path = root().join("queries").join(format!("{name}.kql"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---- data: the built-in sample, and an AWS table built from its schema ----

fn sample() -> &'static Vec<(String, DataFrame)> {
    static SAMPLE: OnceLock<Vec<(String, DataFrame)>> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let now = chrono::DateTime::from_timestamp_nanos(NOW);
        let tables = flowkql::sample::sample_tables(flowkql::sample::DEFAULT_ROWS, now).unwrap_or_else(|e| panic!("sample: {e}"));
        tables.into_iter().map(|(n, t)| (n, t.frame.collect().unwrap_or_else(|e| panic!("collect {e}")))).collect()
    })
}

fn frame(name: &str) -> &'static DataFrame {
    sample().iter().find(|(n, _)| n == name).map(|(_, f)| f).unwrap_or_else(|| panic!("no sample table {name}"))
}

fn indicators_table() -> Table {
    threat_intel::load(&root().join("queries/threat-intel/indicators.csv"), None).unwrap_or_else(|e| panic!("indicators: {e}"))
}

/// The sample plus the library's indicator file as ThreatIntel.
fn azure_session() -> Session {
    let mut s = Session::new(NOW);
    for (n, f) in sample() {
        s.bind(n.clone(), Table { schema: schema::builtin(n).unwrap_or_default(), frame: f.clone().lazy() });
    }
    s.bind(threat_intel::TABLE, indicators_table());
    s
}

/// One AWS VPC flow record (the fields the queries read).
struct Aws {
    ago: i64,
    src: &'static str,
    dst: &'static str,
    dst_port: i32,
    protocol: i32,
    packets: i32,
    bytes: i64,
    action: &'static str,
    direction: &'static str,
    instance: &'static str,
}

const fn aws(
    ago: i64,
    src: &'static str,
    dst: &'static str,
    dst_port: i32,
    bytes: i64,
    action: &'static str,
    direction: &'static str,
) -> Aws {
    Aws { ago, src, dst, dst_port, protocol: 6, packets: 3, bytes, action, direction, instance: "i-0a1b2c3d4e5f60718" }
}

const MB: i64 = 1024 * 1024;

/// A scanner, SSH attempts (one let in), an old attempt, a v2-format record without a
/// direction, an upload to the internet, internal traffic, a blocked call out.
fn aws_records() -> Vec<Aws> {
    let mut v = Vec::new();
    for (i, port) in [22, 23, 25, 80, 443, 3389, 8080].into_iter().enumerate() {
        let action = if port == 80 || port == 443 { "ACCEPT" } else { "REJECT" };
        v.push(aws(2 * HOUR + i as i64 * 60_000_000_000, "198.51.100.7", "10.0.1.10", port, 180, action, "ingress"));
    }
    for k in 0..3 {
        v.push(aws(5 * HOUR + k * HOUR, "203.0.113.5", "10.0.1.10", 22, 120, "REJECT", "ingress"));
    }
    v.push(aws(4 * HOUR, "203.0.113.5", "10.0.1.10", 22, 48_000, "ACCEPT", "ingress"));
    v.push(aws(3 * DAY, "198.51.100.99", "10.0.1.10", 22, 120, "REJECT", "ingress"));
    v.push(aws(6 * HOUR, "192.0.2.10", "10.0.1.11", 3389, 120, "REJECT", ""));
    v.push(aws(20 * 60_000_000_000, "10.0.1.10", "198.51.100.45", 443, 300 * MB, "ACCEPT", "egress"));
    v.push(aws(30 * 60_000_000_000, "10.0.1.11", "198.51.100.80", 443, 10 * MB, "ACCEPT", "egress"));
    v.push(Aws { instance: "i-0fedcba987654321", ..aws(2 * HOUR, "10.0.1.11", "10.0.2.20", 5432, 50 * MB, "ACCEPT", "egress") });
    v.push(aws(7 * HOUR, "10.0.2.20", "192.0.2.20", 4444, 60, "REJECT", "egress"));
    v.push(Aws { protocol: 17, ..aws(8 * HOUR, "10.0.2.20", "192.0.2.53", 53, 90, "ACCEPT", "egress") });
    v
}

/// The records as an AWSVPCFlow table with every column of the built-in schema.
fn aws_table() -> Table {
    let schema = schema::builtin("AWSVPCFlow").unwrap_or_else(|| panic!("no AWSVPCFlow schema"));
    let recs = aws_records();
    let n = recs.len();
    let text = |f: &dyn Fn(&Aws) -> String| recs.iter().map(f).collect::<Vec<String>>();
    let mut columns = Vec::new();
    for (name, ty) in &schema.columns {
        let series = match name.as_str() {
            "TimeGenerated" | "End" => Series::new(name.into(), recs.iter().map(|r| NOW - r.ago).collect::<Vec<i64>>()),
            "SrcAddr" => Series::new(name.into(), text(&|r| r.src.to_string())),
            "DstAddr" => Series::new(name.into(), text(&|r| r.dst.to_string())),
            "DstPort" => Series::new(name.into(), recs.iter().map(|r| r.dst_port).collect::<Vec<i32>>()),
            "SrcPort" => Series::new(name.into(), (0..n).map(|i| 40_000 + i as i32).collect::<Vec<i32>>()),
            "Protocol" => Series::new(name.into(), recs.iter().map(|r| r.protocol).collect::<Vec<i32>>()),
            "Packets" => Series::new(name.into(), recs.iter().map(|r| r.packets).collect::<Vec<i32>>()),
            "Bytes" => Series::new(name.into(), recs.iter().map(|r| r.bytes).collect::<Vec<i64>>()),
            "Action" => Series::new(name.into(), text(&|r| r.action.to_string())),
            "FlowDirection" => Series::new(name.into(), text(&|r| r.direction.to_string())),
            "InstanceId" => Series::new(name.into(), text(&|r| r.instance.to_string())),
            "InterfaceId" => Series::new(name.into(), vec!["eni-0123456789abcdef0"; n]),
            "LogStatus" => Series::new(name.into(), vec!["OK"; n]),
            "Version" => Series::new(name.into(), vec![5i32; n]),
            _ if *ty == KqlType::String => Series::new(name.into(), vec![""; n]),
            _ => Series::full_null(name.into(), n, &ty.polars()),
        };
        let series = series.cast(&ty.polars()).unwrap_or_else(|e| panic!("{name}: {e}"));
        columns.push(series.into_column());
    }
    let frame = DataFrame::new(n, columns).unwrap_or_else(|e| panic!("aws frame: {e}"));
    Table { schema, frame: frame.lazy() }
}

fn aws_session() -> Session {
    let mut s = Session::new(NOW);
    s.bind("AWSVPCFlow", aws_table());
    s.bind(threat_intel::TABLE, indicators_table());
    s
}

// ---- plain-Rust readers of the sample ----

fn strings(df: &DataFrame, c: &str) -> Vec<String> {
    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
    let col = col.cast(&DataType::String).unwrap_or_else(|e| panic!("{c}: {e}"));
    col.str().unwrap_or_else(|e| panic!("{c}: {e}")).iter().map(|v| v.unwrap_or_default().to_string()).collect()
}

fn numbers(df: &DataFrame, c: &str) -> Vec<f64> {
    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
    let col = col.cast(&DataType::Float64).unwrap_or_else(|e| panic!("{c}: {e}"));
    col.f64().unwrap_or_else(|e| panic!("{c}: {e}")).iter().map(|v| v.unwrap_or(0.0)).collect()
}

fn times(df: &DataFrame, c: &str) -> Vec<i64> {
    let col = df.column(c).unwrap_or_else(|e| panic!("{c}: {e}"));
    let col = col.cast(&DataType::Int64).unwrap_or_else(|e| panic!("{c}: {e}"));
    col.i64().unwrap_or_else(|e| panic!("{c}: {e}")).iter().map(|v| v.unwrap_or(i64::MIN)).collect()
}

/// One entry of a Traffic Analytics public-IP list: ip|started|ended|pkts out|in|bytes out|in.
struct Entry {
    ip: String,
    started: i64,
    bytes_out: i64,
    bytes_in: i64,
}

fn entries(list: &str) -> Vec<Entry> {
    list.split(' ')
        .filter(|e| !e.is_empty())
        .map(|e| {
            let f: Vec<&str> = e.split('|').collect();
            let num = |i: usize| f.get(i).and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
            Entry { ip: f.first().copied().unwrap_or_default().to_string(), started: num(1), bytes_out: num(5), bytes_in: num(6) }
        })
        .collect()
}

fn in_cidr(ip: &str, cidr: &str) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else { return ip == cidr };
    match (ip.parse::<Ipv4Addr>(), net.parse::<Ipv4Addr>(), bits.parse::<u32>()) {
        (Ok(a), Ok(n), Ok(b)) if b <= 32 => {
            let mask = if b == 0 { 0 } else { u32::MAX << (32 - b) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        _ => false,
    }
}

/// Column names of the two Traffic Analytics tables, for questions asked of both.
struct FlowCols {
    table: &'static str,
    src_public: &'static str,
    src_ip: &'static str,
    dst_ip: &'static str,
    direction: &'static str,
    inbound: &'static [&'static str],
    status: &'static str,
    denied: &'static [&'static str],
    denied_in: &'static str,
    flow_type: &'static str,
    country: &'static str,
    flow_row: fn(&DataFrame, usize) -> bool,
}

fn nsg_flow_row(df: &DataFrame, i: usize) -> bool {
    static CACHE: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    let (sub, ver) = CACHE.get_or_init(|| (strings(df, "SubType_s"), strings(df, "FASchemaVersion_s")));
    sub[i] == "FlowLog" && ver[i] == "2"
}

fn nta_flow_row(df: &DataFrame, i: usize) -> bool {
    static CACHE: OnceLock<Vec<String>> = OnceLock::new();
    CACHE.get_or_init(|| strings(df, "SubType"))[i].eq_ignore_ascii_case("FlowLog")
}

const NSG: FlowCols = FlowCols {
    table: "AzureNetworkAnalytics_CL",
    src_public: "SrcPublicIPs_s",
    src_ip: "SrcIP_s",
    dst_ip: "DestIP_s",
    direction: "FlowDirection_s",
    inbound: &["I"],
    status: "FlowStatus_s",
    denied: &["D"],
    denied_in: "DeniedInFlows_d",
    flow_type: "FlowType_s",
    country: "Country_s",
    flow_row: nsg_flow_row,
};

const NTA: FlowCols = FlowCols {
    table: "NTANetAnalytics",
    src_public: "SrcPublicIps",
    src_ip: "SrcIp",
    dst_ip: "DestIp",
    direction: "FlowDirection",
    inbound: &["Inbound", "I"],
    status: "FlowStatus",
    denied: &["Denied", "D"],
    denied_in: "DeniedInFlows",
    flow_type: "FlowType",
    country: "Country",
    flow_row: nta_flow_row,
};

/// Denied inbound flows per (source, flow type, country) in the last `window`:
/// (denied flows, distinct targets).
fn denied_inbound(c: &FlowCols, window: i64) -> BTreeMap<Key3, (i64, usize)> {
    let df = frame(c.table);
    let (t, public, src, dst) = (times(df, "TimeGenerated"), strings(df, c.src_public), strings(df, c.src_ip), strings(df, c.dst_ip));
    let (dir, status, denied, ftype, country) =
        (strings(df, c.direction), strings(df, c.status), numbers(df, c.denied_in), strings(df, c.flow_type), strings(df, c.country));
    let mut acc: BTreeMap<Key3, (i64, BTreeSet<String>)> = BTreeMap::new();
    for i in 0..df.height() {
        let keep =
            (c.flow_row)(df, i) && t[i] > NOW - window && c.inbound.contains(&dir[i].as_str()) && c.denied.contains(&status[i].as_str());
        if !keep {
            continue;
        }
        let sources: Vec<(String, i64)> = if public[i].is_empty() {
            vec![(src[i].clone(), denied[i] as i64)]
        } else {
            entries(&public[i]).into_iter().map(|e| (e.ip, e.started)).collect()
        };
        for (source, flows) in sources {
            let slot = acc.entry((source, ftype[i].clone(), country[i].clone())).or_default();
            slot.0 += flows;
            slot.1.insert(dst[i].clone());
        }
    }
    acc.into_iter().map(|(k, (f, d))| (k, (f, d.len()))).collect()
}

fn check_denied_inbound(name: &str, c: &FlowCols) {
    let expected = denied_inbound(c, DAY);
    assert!(expected.len() > 20, "{name}: the sample has denied inbound sources");
    let rows = rows_in(&azure_session(), &query_text(name));
    let got: BTreeMap<Key3, (i64, usize)> = rows
        .iter()
        .map(|r| ((r[0].clone(), r[1].clone(), r[2].clone()), (r[3].parse().unwrap_or(-1), r[4].parse().unwrap_or(0))))
        .collect();
    assert_eq!(got.len(), rows.len(), "{name}: one row per source, flow type and country");
    assert_eq!(got, expected, "{name}");
    let flows: Vec<i64> = rows.iter().map(|r| r[3].parse().unwrap_or(-1)).collect();
    assert!(flows.windows(2).all(|w| w[0] >= w[1]), "{name}: sorted by DeniedFlows desc");
}

// ---- every library query ----

fn library_queries() -> Vec<LibraryQuery> {
    let lib = library();
    let folders: Vec<String> = FOLDERS.iter().map(|f| f.to_string()).collect();
    lib.queries(&folders).unwrap_or_else(|e| panic!("library: {e}"))
}

#[test]
fn every_library_query_checks_and_runs() {
    let queries = library_queries();
    assert!(queries.len() >= 30, "at least 30 library queries beyond the articles, found {}", queries.len());
    for folder in FOLDERS {
        assert!(queries.iter().any(|q| q.name.starts_with(&format!("{folder}/"))), "no query in {folder}/");
    }
    let mut check = Session::new(0);
    check.builtin_schemas = true;
    check.bind(threat_intel::TABLE, threat_intel::empty_table().unwrap_or_else(|e| panic!("{e}")));
    let (azure, aws) = (azure_session(), aws_session());
    for q in &queries {
        assert!(!q.title.is_empty() && !q.description.is_empty() && !q.tags.is_empty(), "{}: header incomplete", q.name);
        assert!(q.syntax_error.is_none(), "{}: does not parse", q.name);
        assert!(!q.tables.is_empty(), "{}: reads no table", q.name);
        if let Err(e) = check.check(&q.text) {
            panic!("{} fails check:\n{}", q.name, e.render_plain(&q.name, &q.text));
        }
        assert!(
            !q.text.contains('“') && !q.text.contains('”') && !q.text.contains('‘') && !q.text.contains('’'),
            "{}: typographic quotes",
            q.name
        );
        let session = if q.tables.iter().any(|t| t == "AWSVPCFlow") { &aws } else { &azure };
        let out = session.run(&q.text).unwrap_or_else(|e| panic!("{} fails to run:\n{}", q.name, e.render_plain(&q.name, &q.text)));
        assert!(out.result.frame.height() > 0, "{}: no rows on its test data", q.name);
        if let Some(render) = &out.render {
            let (spec, table) = flowkql::render::chart_input(render, &out.result).unwrap_or_else(|e| panic!("{}: {e}", q.name));
            let svg = flowkql::render::chart_bytes(&spec, &table, flowkql::render::ChartFormat::Svg, 640, 360)
                .unwrap_or_else(|e| panic!("{}: chart: {e}", q.name));
            assert!(svg.starts_with(b"<svg"), "{}", q.name);
        }
        for p in &q.parameters {
            assert!(!p.default.is_empty(), "{}: parameter {} has no default", q.name, p.name);
        }
    }
}

#[test]
fn nsg_and_ntanet_denied_inbound_match_plain_rust() {
    check_denied_inbound("nsg/denied-inbound", &NSG);
    check_denied_inbound("ntanet/denied-inbound", &NTA);
}

#[test]
fn nsg_exfiltration_finds_the_burst() {
    let df = frame("AzureNetworkAnalytics_CL");
    let (t, dir, status, ftype, dst_public, src) = (
        times(df, "TimeGenerated"),
        strings(df, "FlowDirection_s"),
        strings(df, "FlowStatus_s"),
        strings(df, "FlowType_s"),
        strings(df, "DestPublicIPs_s"),
        strings(df, "SrcIP_s"),
    );
    let mut sent: BTreeMap<(String, String), i64> = BTreeMap::new();
    for i in 0..df.height() {
        let keep = nsg_flow_row(df, i)
            && t[i] > NOW - HOUR
            && dir[i] == "O"
            && status[i] == "A"
            && (ftype[i] == "ExternalPublic" || ftype[i] == "MaliciousFlow");
        if keep {
            for e in entries(&dst_public[i]) {
                *sent.entry((src[i].clone(), e.ip)).or_default() += e.bytes_out;
            }
        }
    }
    let expected: BTreeSet<(String, String)> =
        sent.into_iter().filter(|(_, b)| *b as f64 / (1024.0 * 1024.0) >= 99.95).map(|(k, _)| k).collect();
    assert!(expected.contains(&("10.1.2.5".to_string(), "198.51.100.45".to_string())), "the sample's burst: {expected:?}");
    let rows = rows_in(&azure_session(), &query_text("nsg/exfiltration-bytes-out"));
    let got: BTreeSet<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[2].clone())).collect();
    assert_eq!(got, expected);
}

#[test]
fn vmconnection_threats_per_computer_match_plain_rust() {
    let df = frame("VMConnection");
    let (t, computer, direction, threat, remote, links, severity) = (
        times(df, "TimeGenerated"),
        strings(df, "Computer"),
        strings(df, "Direction"),
        strings(df, "IndicatorThreatType"),
        strings(df, "RemoteIp"),
        numbers(df, "LinksEstablished"),
        numbers(df, "Severity"),
    );
    let mut acc: BTreeMap<Key3, (i64, BTreeSet<String>, i64)> = BTreeMap::new();
    for i in 0..df.height() {
        if t[i] > NOW - DAY && !threat[i].is_empty() {
            let slot = acc.entry((computer[i].clone(), direction[i].clone(), threat[i].clone())).or_default();
            slot.0 += links[i] as i64;
            slot.1.insert(remote[i].clone());
            slot.2 = slot.2.max(severity[i] as i64);
        }
    }
    let expected: BTreeMap<Key3, (i64, usize, i64)> = acc.into_iter().map(|(k, (l, r, s))| (k, (l, r.len(), s))).collect();
    assert!(!expected.is_empty());
    let rows = rows_in(&azure_session(), &query_text("vmconnection/malicious-by-computer"));
    let got: BTreeMap<Key3, (i64, usize, i64)> = rows
        .iter()
        .map(|r| {
            let n = |i: usize| r[i].parse::<i64>().unwrap_or(-1);
            ((r[0].clone(), r[1].clone(), r[2].clone()), (n(3), n(4) as usize, n(5)))
        })
        .collect();
    assert_eq!(got, expected);
    let severities: Vec<&str> = rows.iter().map(|r| r[5].as_str()).collect();
    assert!(severities.windows(2).all(|w| w[0] >= w[1]), "worst severity first: {severities:?}");
}

#[test]
fn hunting_inbound_flood_matches_plain_rust() {
    let df = frame("AzureNetworkAnalytics_CL");
    let (t, dir, public, country) =
        (times(df, "TimeGenerated"), strings(df, "FlowDirection_s"), strings(df, "SrcPublicIPs_s"), strings(df, "Country_s"));
    let mut acc: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for i in 0..df.height() {
        if nsg_flow_row(df, i) && t[i] > NOW - HOUR && dir[i] == "I" {
            for e in entries(&public[i]).into_iter().filter(|e| e.ip != "168.63.129.16") {
                let slot = acc.entry((e.ip, country[i].clone())).or_default();
                slot.0 += e.started;
                slot.1 += e.bytes_out + e.bytes_in;
            }
        }
    }
    let expected: BTreeMap<(String, String), i64> = acc.into_iter().filter(|(_, (f, _))| *f >= 200).map(|(k, (f, _))| (k, f)).collect();
    assert!(expected.keys().any(|(ip, _)| ip == "198.51.100.23"), "the sample's inbound spike: {expected:?}");
    let rows = rows_in(&azure_session(), &query_text("hunting/inbound-flood"));
    let got: BTreeMap<(String, String), i64> = rows.iter().map(|r| ((r[0].clone(), r[1].clone()), r[2].parse().unwrap_or(-1))).collect();
    assert_eq!(got, expected);
}

/// The indicator file read without the engine: (address or range, threat type, confidence).
fn indicators() -> Vec<(String, String, i64)> {
    let text = std::fs::read_to_string(root().join("queries/threat-intel/indicators.csv")).unwrap_or_default();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("NetworkAddress,ThreatType,Description,Confidence,FirstSeen,LastSeen"));
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[3].parse().unwrap_or(-1))
        })
        .collect()
}

type Hit = (String, String, String, i64, String, String);

/// A group key of three text columns.
type Key3 = (String, String, String);

#[test]
fn threat_intel_nsg_hits_match_plain_rust() {
    let listed: Vec<(String, String, i64)> = indicators().into_iter().filter(|(_, _, c)| *c >= 50).collect();
    assert!(listed.iter().any(|(a, _, _)| a.contains('/')) && listed.iter().any(|(a, _, _)| !a.contains('/')));
    let df = frame("AzureNetworkAnalytics_CL");
    let (t, dir, status, src_pub, dst_pub, src, dst, count) = (
        times(df, "TimeGenerated"),
        strings(df, "FlowDirection_s"),
        strings(df, "FlowStatus_s"),
        strings(df, "SrcPublicIPs_s"),
        strings(df, "DestPublicIPs_s"),
        strings(df, "SrcIP_s"),
        strings(df, "DestIP_s"),
        numbers(df, "FlowCount_d"),
    );
    let mut expected: BTreeMap<Hit, i64> = BTreeMap::new();
    for i in 0..df.height() {
        if !(nsg_flow_row(df, i) && t[i] > NOW - DAY) {
            continue;
        }
        let inbound = dir[i] == "I";
        let list = format!("{}{}", src_pub[i], dst_pub[i]);
        let remotes: Vec<(String, i64)> = if list.is_empty() {
            vec![(if inbound { src[i].clone() } else { dst[i].clone() }, count[i] as i64)]
        } else {
            entries(&list).into_iter().map(|e| (e.ip, e.started)).collect()
        };
        for (remote, flows) in remotes {
            for (addr, threat, confidence) in &listed {
                if in_cidr(&remote, addr) {
                    let direction = if inbound { "Inbound" } else { "Outbound" };
                    let verdict = if status[i] == "A" { "Allowed" } else { "Denied" };
                    let key = (remote.clone(), addr.clone(), threat.clone(), *confidence, direction.to_string(), verdict.to_string());
                    *expected.entry(key).or_default() += flows;
                }
            }
        }
    }
    assert!(expected.keys().any(|k| k.1.contains('/')), "range hits");
    assert!(expected.keys().any(|k| k.0 == "198.51.100.45"), "exact hit on the burst target");
    let rows = rows_in(&azure_session(), &query_text("threat-intel/nsg-flows-to-indicators"));
    let got: BTreeMap<Hit, i64> = rows
        .iter()
        .map(|r| {
            ((r[0].clone(), r[1].clone(), r[2].clone(), r[3].parse().unwrap_or(-1), r[4].clone(), r[5].clone()), r[6].parse().unwrap_or(-1))
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn aws_queries_on_a_table_built_from_the_schema() {
    let recs = aws_records();
    let s = aws_session();
    let private = |a: &str| a.starts_with("10.") || a.starts_with("192.168.") || a.starts_with("172.16.");
    // Rejected inbound per source, last day.
    let mut rejected: BTreeMap<String, (i64, BTreeSet<&str>)> = BTreeMap::new();
    for r in recs.iter().filter(|r| r.ago < DAY && r.action == "REJECT") {
        if r.direction == "ingress" || (r.direction.is_empty() && !private(r.src)) {
            let slot = rejected.entry(r.src.to_string()).or_default();
            slot.0 += 1;
            slot.1.insert(r.dst);
        }
    }
    let expected: BTreeMap<String, (i64, usize)> = rejected.into_iter().map(|(k, (n, t))| (k, (n, t.len()))).collect();
    let rows = rows_in(&s, &query_text("aws/rejected-inbound"));
    let got: BTreeMap<String, (i64, usize)> =
        rows.iter().map(|r| (r[0].clone(), (r[1].parse().unwrap_or(-1), r[3].parse().unwrap_or(0)))).collect();
    assert_eq!(got, expected);
    assert_eq!(rows[0][0], "198.51.100.7", "the scanner has the most rejected records");

    // Port scans: public source, private destination, at least 5 distinct ports.
    let mut ports: BTreeMap<&str, BTreeSet<i32>> = BTreeMap::new();
    for r in recs.iter().filter(|r| r.ago < DAY && !private(r.src) && private(r.dst)) {
        ports.entry(r.src).or_default().insert(r.dst_port);
    }
    let expected: Vec<Vec<String>> =
        ports.into_iter().filter(|(_, p)| p.len() >= 5).map(|(s, p)| vec![s.to_string(), p.len().to_string()]).collect();
    let rows: Vec<Vec<String>> = rows_in(&s, &query_text("aws/port-scan")).into_iter().map(|r| r[..2].to_vec()).collect();
    assert_eq!(rows, expected);

    // Exfiltration: private to public, accepted, last hour, at least 100 MB.
    let rows = rows_in(&s, &query_text("aws/exfiltration-bytes-out"));
    let expected: Vec<(String, String)> = recs
        .iter()
        .filter(|r| r.ago < HOUR && r.action == "ACCEPT" && private(r.src) && !private(r.dst) && r.bytes >= 100 * MB)
        .map(|r| (r.src.to_string(), r.dst.to_string()))
        .collect();
    let got: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[3].clone())).collect();
    assert_eq!(got, expected);

    // Indicators: either address in the list (confidence >= 50), per remote address.
    let listed: Vec<(String, String, i64)> = indicators().into_iter().filter(|(_, _, c)| *c >= 50).collect();
    let mut hits: BTreeSet<(String, String, String)> = BTreeSet::new();
    for r in recs.iter().filter(|r| r.ago < DAY) {
        for (remote, direction) in [(r.src, "Inbound"), (r.dst, "Outbound")] {
            for (addr, _, _) in listed.iter().filter(|(a, _, _)| in_cidr(remote, a)) {
                hits.insert((remote.to_string(), addr.clone(), direction.to_string()));
            }
        }
    }
    assert!(hits.len() >= 3, "{hits:?}");
    let rows = rows_in(&s, &query_text("threat-intel/aws-flows-to-indicators"));
    let got: BTreeSet<(String, String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone(), r[4].clone())).collect();
    assert_eq!(got, hits);
}

// ---- the library API ----

#[test]
fn headers_parameters_and_tables_are_read() {
    let q = library().query("nsg/port-scan").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(q.title, "Port scans: one source, many destination ports");
    assert_eq!(q.tables, vec!["AzureNetworkAnalytics_CL"]);
    let params: Vec<(&str, &str)> = q.parameters.iter().map(|p| (p.name.as_str(), p.default.as_str())).collect();
    assert_eq!(params, vec![("timeframe", "7d"), ("min_ports", "5")]);
    let ti = library().query("threat-intel/vmconnection-to-indicators.kql").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ti.tables, vec!["ThreatIntel", "VMConnection"], "tables behind tabular lets are found");
    let e = library().query("nsg/port-scna").err().map(|e| e.help.unwrap_or_default()).unwrap_or_default();
    assert!(e.contains("nsg/port-scan"), "{e}");
    assert!(library().query("nsg").is_err(), "a folder is not one query");
}

#[test]
fn hunt_compare_runs_each_value_and_shares_answers_without_the_parameter() {
    let lib = library();
    let queries =
        lib.queries(&["nsg/denied-inbound".to_string(), "article/5.2.1-time-range".to_string()]).unwrap_or_else(|e| panic!("{e}"));
    let compare = Compare::parse("timeframe=1h,1d").unwrap_or_else(|e| panic!("{e}"));
    let hunt = flowkql::library::hunt::hunt(queries, &azure_session(), Some(&compare));
    let rows = |o: usize, r: usize| match &hunt.outcomes[o].runs[r].status {
        flowkql::library::RunStatus::Ran { result, .. } => result.frame.height(),
        _ => usize::MAX,
    };
    assert_eq!(rows(0, 0), denied_inbound(&NSG, HOUR).len());
    assert_eq!(rows(0, 1), denied_inbound(&NSG, DAY).len());
    assert!(hunt.outcomes[0].runs.iter().all(|r| r.parameter_applied));
    assert!(hunt.outcomes[1].runs.iter().all(|r| !r.parameter_applied), "5.2.1-time-range has no `let timeframe`");
    assert_eq!(rows(1, 0), rows(1, 1));
    assert_eq!(hunt.exit_code(), 0);
    assert_eq!(hunt.counts(), (2, 0, 0));
}

// ---- the binary ----

fn flowkql_in(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowkql"));
    cmd.args(args).current_dir(dir).env_remove(flowkql::library::resolve::ENV_VAR);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("cannot run flowkql: {e}"))
}

fn flowkql(args: &[&str]) -> Output {
    flowkql_in(root(), args, &[])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowkql-library-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn write(path: &Path, content: &str) {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn list_and_show() {
    let out = flowkql(&["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for q in library_queries() {
        assert!(listing.contains(&q.name), "{} missing from the list", q.name);
    }
    assert!(listing.contains("tables: AzureNetworkAnalytics_CL; parameters: timeframe = 1d"), "{listing}");
    assert!(listing.contains("Denied inbound flows by source"));

    let out = flowkql(&["list", "nsg"]);
    let n = std::fs::read_dir(root().join("queries/nsg"))
        .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "kql")).count())
        .unwrap_or(0);
    assert!(text(&out.stdout).starts_with(&format!("queries/nsg ({n} queries)")), "{}", text(&out.stdout));

    let out = flowkql(&["show", "nsg/denied-inbound"]);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    assert!(shown.contains("title:       Denied inbound flows by source"), "{shown}");
    assert!(shown.contains("parameters:  timeframe = 1d"), "{shown}");
    assert!(shown.contains("| sort by DeniedFlows desc, Source asc"), "the query text is shown");
    let out = flowkql(&["show", "nsg/nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn names_resolve_in_queries_then_library_then_environment() {
    let base = temp_dir("resolve");
    let (work, lib, env_lib) = (base.join("work"), base.join("lib"), base.join("envlib"));
    for (dir, who) in [(&work.join("queries"), "local"), (&lib, "flag"), (&env_lib, "env")] {
        write(&dir.join("x/who.kql"), &format!("// title: Who\n// description: d\n// tags: t\nprint Found = \"{who}\""));
    }
    write(&env_lib.join("only-env.kql"), "print Found = \"env only\"");
    let lib_s = lib.to_string_lossy().to_string();
    let run = |args: &[&str], env: bool| {
        let env: Vec<(&str, &Path)> = if env { vec![(flowkql::library::resolve::ENV_VAR, env_lib.as_path())] } else { vec![] };
        let out = flowkql_in(&work, args, &env);
        (out.status.code(), text(&out.stdout))
    };
    let (code, out) = run(&["run", "x/who", "--format", "csv", "--library", &lib_s], true);
    assert_eq!((code, out.as_str()), (Some(0), "Found\nlocal\n"), "queries/ under the current directory first");
    std::fs::remove_dir_all(work.join("queries")).unwrap_or_default();
    let (_, out) = run(&["run", "x/who.kql", "--format", "csv", "--library", &lib_s], true);
    assert_eq!(out, "Found\nflag\n", "then --library");
    let (_, out) = run(&["run", "x/who", "--format", "csv"], true);
    assert_eq!(out, "Found\nenv\n", "then FLOWKQL_LIBRARY");
    let (_, out) = run(&["run", "only-env", "--format", "csv", "--library", &lib_s], true);
    assert_eq!(out, "Found\nenv only\n");
    let (code, _) = run(&["run", "x/who", "--format", "csv"], false);
    assert_eq!(code, Some(2), "no library at all");

    // A name runs the same query as its path.
    let by_name = flowkql(&["run", "nsg/protocol-mix", "--sample", NOW_ARG, "--format", "csv"]);
    let by_path = flowkql(&["run", "queries/nsg/protocol-mix.kql", "--sample", NOW_ARG, "--format", "csv"]);
    assert_eq!(by_name.status.code(), Some(0), "{}", text(&by_name.stderr));
    assert_eq!(text(&by_name.stdout), text(&by_path.stdout));
    let _ = std::fs::remove_dir_all(&base);
}

/// The summary line of one query.
fn summary_line<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("no summary line for {name}:\n{out}"))
}

#[test]
fn hunt_prints_a_summary_line_per_query_then_the_results() {
    let out = flowkql(&["hunt", "nsg/denied-inbound", "nsg/exfiltration-bytes-out", "aws", "--sample", NOW_ARG, "--max-rows", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let expected = denied_inbound(&NSG, DAY);
    let line = summary_line(&stdout, "nsg/denied-inbound");
    assert!(line.contains(&format!("{} rows", expected.len())) && line.contains(" ms"), "{line}");
    // The top source: most denied flows, ties by address.
    let mut by_flows: Vec<(&Key3, &(i64, usize))> = expected.iter().collect();
    by_flows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0 .0.cmp(&b.0 .0)));
    assert!(line.contains(&format!("Source: {}", by_flows[0].0 .0)), "{line}");
    assert!(summary_line(&stdout, "nsg/exfiltration-bytes-out").contains("SrcIP_s: 10.1.2.5"));
    assert!(summary_line(&stdout, "aws/top-talkers").contains("skipped: table AWSVPCFlow is not bound"));
    assert!(stdout.contains("8 queries: 2 ran, 6 skipped, 0 failed"), "{stdout}");
    assert!(stdout.contains("== nsg/exfiltration-bytes-out: Possible data exfiltration"), "each result follows");
    assert!(stdout.contains(&format!("(first 3 of {} rows; --max-rows shows more)", expected.len())));

    let out = flowkql(&[
        "hunt",
        "nsg/denied-inbound",
        "vmconnection/response-time",
        "--sample",
        NOW_ARG,
        "--compare",
        "timeframe=1h,1d",
        "--summary-only",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let header = stdout.lines().next().unwrap_or_default();
    assert!(header.contains("timeframe=1h") && header.contains("timeframe=1d") && header.contains("CHANGE"), "{header}");
    let (hour, day) = (denied_inbound(&NSG, HOUR).len(), denied_inbound(&NSG, DAY).len());
    let line = summary_line(&stdout, "nsg/denied-inbound");
    let hour_at = line.find(&format!(" {hour} rows")).unwrap_or(usize::MAX);
    let day_at = line.find(&format!(" {day} rows")).unwrap_or(0);
    assert!(hour_at < day_at, "side by side, 1h then 1d: {line}");
    assert!(line.contains(&format!("+{}", day - hour)), "{line}");
    assert!(!stdout.contains("== "), "--summary-only prints no results");

    for bad in [
        &["hunt", "nsg", "--sample", NOW_ARG, "--compare", "timeframe=1h"][..],
        &["hunt", "nsg"],
        &["hunt", "nsg", "--sample", "--compare", "nope=1,2"],
    ] {
        assert_eq!(flowkql(bad).status.code(), Some(2), "{bad:?}");
    }
}

/// Runs Chromium headless on a page; `None` when it cannot be run here.
fn chromium(args: &[&str], profile: &Path) -> Option<Output> {
    let mut child = Command::new("/usr/bin/chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(90) {
        if let Ok(Some(_)) = child.try_wait() {
            return child.wait_with_output().ok();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("chromium did not finish within 90 s");
}

#[test]
fn html_report_is_self_contained_and_renders_in_a_browser() {
    let dir = temp_dir("report");
    let evil = dir.join("evil.kql");
    write(&evil, "// title: <script>alert('title')</script> & \"quotes\"\n// description: <img src=x onerror=alert(1)>\n// tags: test\nprint Message = \"<b>bold</b> & <script>alert(2)</script>\"\n");
    let broken = dir.join("broken.kql");
    write(&broken, "// title: Broken\n// description: d\n// tags: t\nAzureNetworkAnalytics_CL | where NoSuchColumn > 1\n");
    let report = dir.join("report");
    let (evil_s, broken_s, report_s) =
        (evil.to_string_lossy().to_string(), broken.to_string_lossy().to_string(), report.to_string_lossy().to_string());
    let out = flowkql(&[
        "hunt",
        "nsg/deny-spikes-by-hour",
        "nsg/protocol-mix",
        "vmconnection/malicious-by-computer",
        "aws/top-talkers",
        &evil_s,
        &broken_s,
        "--sample",
        NOW_ARG,
        "--compare",
        "timeframe=6h,1d",
        "--report",
        &report_s,
        "--summary-only",
    ]);
    assert_eq!(out.status.code(), Some(2), "a failed query makes the hunt fail: {}", text(&out.stderr));
    let page_path = report.join("index.html");
    let page = std::fs::read_to_string(&page_path).unwrap_or_else(|e| panic!("no report: {e}"));

    // Self-contained: no element that loads anything, no attribute that points anywhere
    // but into the page, nothing fetched from the style sheet; the only URL is the SVG
    // namespace.
    let lower = page.to_lowercase();
    let re = |p: &str| regex::Regex::new(p).unwrap_or_else(|e| panic!("{e}"));
    assert!(!re(r"<(script|link|iframe|img|object|embed|base|meta http-equiv)\b").is_match(&lower), "an element that loads something");
    for attr in re(r#"<[^>]*\s(src|href|on[a-z]+|style)\s*=\s*"?([^"\s>]*)"#).captures_iter(&lower) {
        assert!(&attr[1] == "href" && attr[2].starts_with('#'), "attribute {} = {}", &attr[1], &attr[2]);
    }
    let style = lower.split("<style>").nth(1).and_then(|s| s.split("</style>").next()).unwrap_or_default();
    assert!(!style.contains("url(") && !style.contains("@import"), "the style sheet fetches nothing");
    let without_namespace = lower.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!re(r"\b([a-z][a-z0-9+.-]*://|(data|javascript):\S)").is_match(&without_namespace), "no URL");
    assert!(page.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"), "titles are escaped");
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;"), "cells are escaped");
    assert!(page.contains("unknown column `NoSuchColumn`"), "the failure is shown");
    assert!(page.contains("table AWSVPCFlow is not bound"), "the skip is shown");

    if !Path::new("/usr/bin/chromium").exists() {
        eprintln!("SKIP html_report_is_self_contained_and_renders_in_a_browser (browser part): /usr/bin/chromium is absent (apt-get install -y chromium)");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let url = format!("file://{}", page_path.display());
    let dom = chromium(&["--dump-dom", &url], &dir.join("profile-dom")).unwrap_or_else(|| panic!("chromium did not start"));
    let dom = text(&dom.stdout);
    let count = |needle: &str| dom.matches(needle).count();
    assert_eq!(count("<table class=\"summary\">"), 1, "{dom}");
    // deny-spikes and protocol-mix twice each (6h, 1d), the threat table twice, the print once.
    assert_eq!(count("<table class=\"result\">"), 7, "result tables");
    assert_eq!(count("<svg"), 4, "two charts per charted query");
    assert!(count("<polyline") > 4 && count("<rect") > 4, "the charts have lines and columns");
    assert!(dom.contains("Denied flows per hour") && dom.contains("Flows per protocol"), "chart titles");
    assert!(!dom.contains("<script"), "no script element in the parsed page");
    assert!(dom.contains("&lt;script&gt;alert('title')&lt;/script&gt;"), "the evil title is text");
    assert!(dom.contains("<pre class=\"error\">"));

    let shot = dir.join("shot.png");
    let shot_arg = format!("--screenshot={}", shot.display());
    let _ = chromium(&[&shot_arg, "--window-size=1280,3000", &url], &dir.join("profile-shot"));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap_or_else(|e| panic!("no screenshot: {e}"))));
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("screenshot: {e}"));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("screenshot: {e}"));
    assert_eq!((info.width, info.height), (1280, 3000));
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let colours: HashMap<&[u8], usize> = pixels.iter().fold(HashMap::new(), |mut m, p| {
        *m.entry(&p[..3]).or_default() += 1;
        m
    });
    let ink = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    assert!(colours.len() > 50, "text, tables and charts give many colours, found {}", colours.len());
    assert!(ink * 50 > pixels.len(), "more than 2% of the page is drawn on");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The seed article's alert query answered without the engine: distinct (RemoteIp,
/// IndicatorThreatType) with a threat type in the last 15 minutes.
fn alert_groups() -> usize {
    let df = frame("VMConnection");
    let (t, remote, threat) = (times(df, "TimeGenerated"), strings(df, "RemoteIp"), strings(df, "IndicatorThreatType"));
    let groups: BTreeSet<(String, String)> = (0..df.height())
        .filter(|&i| t[i] > NOW - 15 * 60_000_000_000 && !threat[i].is_empty())
        .map(|i| (remote[i].clone(), threat[i].clone()))
        .collect();
    groups.len()
}

#[test]
fn alert_when_fires_with_status_3() {
    let q = "queries/article/vmconnection-malicious-alert-15m-fixed.kql";
    let n = alert_groups();
    assert!(n > 0);
    let out = flowkql(&["run", q, "--sample", NOW_ARG, "--alert-when", "rows > 0"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("ALERT: condition `rows > 0` holds"), "{stdout}");
    assert!(stdout.contains(&format!("rows matched: {n} of {n}")), "{stdout}");
    assert!(stdout.contains("RemoteIp") && stdout.contains("IndicatorThreatType"), "first rows");

    let threshold = format!("rows >= {}", n + 1);
    let out = flowkql(&["run", q, "--sample", NOW_ARG, "--alert-when", &threshold]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with(&format!("no alert: condition `{threshold}` does not hold ({n} result rows)")));
    let exact = format!("rows == {n}");
    assert_eq!(flowkql(&["run", q, "--sample", NOW_ARG, "--alert-when", &exact]).status.code(), Some(3));

    // A column condition fires when any row satisfies it; the result goes to -o.
    let expected = denied_inbound(&NSG, DAY);
    let max = expected.values().map(|v| v.0).max().unwrap_or(0);
    let limit = max - 10;
    let matching = expected.values().filter(|v| v.0 > limit).count();
    let csv = temp_dir("alert").join("denied.csv");
    let cond = format!("DeniedFlows > {limit}");
    let out = flowkql(&["run", "nsg/denied-inbound", "--sample", NOW_ARG, "--alert-when", &cond, "-o", csv.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("rows matched: {matching} of {}", expected.len())), "{}", text(&out.stdout));
    assert_eq!(std::fs::read_to_string(&csv).unwrap_or_default().lines().count(), expected.len() + 1, "the whole result is written");
    let cond = format!("DeniedFlows > {max}");
    assert_eq!(flowkql(&["run", "nsg/denied-inbound", "--sample", NOW_ARG, "--alert-when", &cond]).status.code(), Some(0));

    for bad in ["rows >", "rows = 1", "count_ >", "DeniedFlow > 1", "x > 1 | take 1", ""] {
        let out = flowkql(&["run", "nsg/denied-inbound", "--sample", NOW_ARG, "--alert-when", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--alert-when"), "{}", text(&out.stderr));
    }
}

#[test]
fn indicator_files_are_checked_and_bound() {
    let dir = temp_dir("indicators");
    let bad = dir.join("bad.csv");
    write(&bad, "NetworkAddress,ThreatType,Description,Confidence,FirstSeen,LastSeen\n203.0.113.7,C2,x,90,2024-01-01T00:00:00Z,2024-02-01T00:00:00Z\n203.0.113.300,C2,x,90,2024-01-01T00:00:00Z,2024-02-01T00:00:00Z\n");
    let arg = format!("ThreatIntel={}", bad.display());
    let out = flowkql(&["run", "threat-intel/nsg-flows-to-indicators", "--sample", NOW_ARG, "--table", &arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 3") && text(&out.stderr).contains("203.0.113.300"), "{}", text(&out.stderr));
    let missing = dir.join("missing.csv");
    write(&missing, "NetworkAddress,ThreatType\n203.0.113.7,C2\n");
    let arg = format!("ThreatIntel={}", missing.display());
    let out = flowkql(&["run", "threat-intel/nsg-flows-to-indicators", "--sample", NOW_ARG, "--table", &arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no column Description"), "{}", text(&out.stderr));

    // Real data (here: the AWS test table exported to CSV) needs the indicators bound.
    let aws_csv = dir.join("aws.csv");
    let table = aws_table();
    let result = flowkql::ResultTable { schema: table.schema.clone(), frame: table.frame.collect().unwrap_or_else(|e| panic!("{e}")) };
    flowkql::output::write_result_to_path(&result, flowkql::output::OutputFormat::Csv, &aws_csv).unwrap_or_else(|e| panic!("{e}"));
    let aws_arg = format!("AWSVPCFlow={}", aws_csv.display());
    let out = flowkql(&["run", "threat-intel/aws-flows-to-indicators", "--table", &aws_arg, NOW_ARG]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--table ThreatIntel="), "{}", text(&out.stderr));
    let out = flowkql(&[
        "run",
        "threat-intel/aws-flows-to-indicators",
        "--table",
        &aws_arg,
        "--table",
        "ThreatIntel=queries/threat-intel/indicators.csv",
        NOW_ARG,
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("198.51.100.45,198.51.100.45,Exfiltration,75,Outbound"), "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_accepts_library_names_and_completions_are_generated() {
    let out = flowkql(&["check", "threat-intel", "nsg/port-scan"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("5 checked, 0 failed"), "{}", text(&out.stdout));
    for shell in ["bash", "zsh", "fish"] {
        let out = flowkql(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains("flowkql") && script.contains("hunt") && script.contains("alert-when"), "{shell}: {script}");
    }
    assert_eq!(flowkql(&["completions", "tcsh"]).status.code(), Some(2));
}
