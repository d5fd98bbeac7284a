//! Each article query end to end (read the file, run, collect) over 1M sample rows, from
//! Parquet and from CSV, beside the same query written by hand as a Polars LazyFrame in
//! the same run. Goal: flowkql within 1.2x of the hand-written frame.
//!
//! `cargo bench --bench article` (set FLOWKQL_BENCH_ROWS to change the row count).

use criterion::{criterion_group, criterion_main, Criterion};
use flowkql::output::{self, OutputFormat};
use flowkql::{schema, source, ResultTable, Session};
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// 2024-05-03T12:00:00Z
const NOW: i64 = 1_714_737_600_000_000_000;
const HOUR: i64 = 3_600_000_000_000;
const DAY: i64 = 24 * HOUR;

const NSG: &str = "AzureNetworkAnalytics_CL";
const TABLES: [&str; 3] = [NSG, "VMConnection", "InsightsMetrics"];

fn rows() -> usize {
    std::env::var("FLOWKQL_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

/// Writes the sample as Parquet and CSV once per row count, under the target directory.
fn fixtures() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowkql-bench-{}", rows()));
    if dir.join("done").exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("bench fixture directory");
    let tables = flowkql::sample::sample_tables(rows(), chrono::DateTime::from_timestamp_nanos(NOW)).expect("sample");
    for (name, table) in tables {
        if !TABLES.contains(&name.as_str()) {
            continue;
        }
        let result = ResultTable { schema: table.schema, frame: table.frame.collect().expect("collect sample") };
        for (format, ext) in [(OutputFormat::Parquet, "parquet"), (OutputFormat::Csv, "csv")] {
            output::write_result_to_path(&result, format, &dir.join(format!("{name}.{ext}"))).expect("write fixture");
        }
    }
    std::fs::write(dir.join("done"), "").expect("marker");
    dir
}

fn file(dir: &Path, table: &str, ext: &str) -> PathBuf {
    dir.join(format!("{table}.{ext}"))
}

// ---- flowkql ----

fn run_flowkql(dir: &Path, ext: &str, table: &str, query: &str) -> DataFrame {
    let mut s = Session::new(NOW);
    let path = file(dir, table, ext);
    s.bind(table, source::load_table_as(&path, None, schema::builtin(table).as_ref()).expect("load"));
    s.run(query).expect("query").result.frame
}

// ---- the same queries by hand ----

fn scan(dir: &Path, table: &str, ext: &str) -> LazyFrame {
    let path = file(dir, table, ext);
    let p = PlRefPath::try_from_path(&path).expect("path");
    if ext == "parquet" {
        return LazyFrame::scan_parquet(p, ScanArgsParquet::default()).expect("scan parquet");
    }
    // CSV: datetimes are ISO text; read them as strings and convert, as a user would.
    let kql = schema::builtin(table).expect("schema");
    let fields: Vec<Field> = kql
        .columns
        .iter()
        .map(|(n, t)| {
            let dtype = if *t == flowkql::KqlType::DateTime { DataType::String } else { t.polars() };
            Field::new(n.as_str().into(), dtype)
        })
        .collect();
    let csv_schema: Schema = fields.into_iter().collect();
    let lf = LazyCsvReader::new(p).with_has_header(true).with_schema(Some(Arc::new(csv_schema))).finish().expect("scan csv");
    let opts = StrptimeOptions { format: Some("%Y-%m-%dT%H:%M:%S%.fZ".into()), strict: true, exact: true, cache: true };
    let dates: Vec<Expr> = kql
        .columns
        .iter()
        .filter(|(_, t)| *t == flowkql::KqlType::DateTime)
        .map(|(n, _)| col(n.as_str()).str().to_datetime(Some(TimeUnit::Nanoseconds), None, opts.clone(), lit("raise")))
        .collect();
    let strings: Vec<Expr> =
        kql.columns.iter().filter(|(_, t)| *t == flowkql::KqlType::String).map(|(n, _)| col(n.as_str()).fill_null(lit(""))).collect();
    lf.with_columns(dates).with_columns(strings)
}

fn dt(ns: i64) -> Expr {
    lit(ns).cast(DataType::Datetime(TimeUnit::Nanoseconds, None))
}

fn since(span: i64) -> Expr {
    col("TimeGenerated").gt(dt(NOW - span))
}

fn v2() -> Expr {
    col("SubType_s").eq(lit("FlowLog")).and(col("FASchemaVersion_s").eq(lit("2")))
}

fn in_subnet(c: &str, net: [u8; 4], bits: u32) -> Expr {
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    let want = u32::from_be_bytes(net) & mask;
    col(c).map(
        move |s| {
            let ca = s.str()?;
            let out: BooleanChunked =
                ca.iter().map(|v| v.and_then(|t| t.parse::<std::net::Ipv4Addr>().ok()).map(|a| u32::from(a) & mask == want)).collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

fn projected() -> Vec<Expr> {
    [
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
    ]
    .iter()
    .map(|c| col(*c))
    .collect()
}

fn count_desc(lf: LazyFrame, key: Expr) -> LazyFrame {
    lf.group_by([key])
        .agg([len().cast(DataType::Int64).alias("count_")])
        .sort(["count_"], SortMultipleOptions::default().with_order_descending(true))
}

fn hour_bin() -> Expr {
    col("TimeGenerated").dt().truncate(lit("1h"))
}

type Hand = fn(&Path, &str) -> LazyFrame;

fn hand_queries() -> Vec<(&'static str, &'static str, Hand)> {
    vec![
        ("5.2.1-time-range", NSG, |d, e| {
            scan(d, NSG, e)
                .filter(
                    col("TimeGenerated")
                        .gt_eq(dt(1_668_297_600_000_000_000))
                        .and(col("TimeGenerated").lt_eq(dt(1_668_384_000_000_000_000))),
                )
                .select(projected())
        }),
        ("5.2.1-last-timeframe", NSG, |d, e| scan(d, NSG, e).filter(since(DAY)).select(projected())),
        ("5.2.2-subnet-filter", NSG, |d, e| {
            scan(d, NSG, e).filter(since(DAY)).filter(in_subnet("DestIP_s", [10, 1, 1, 0], 24)).select(projected())
        }),
        ("5.2.3-direction-and-status", NSG, |d, e| {
            scan(d, NSG, e)
                .filter(v2().and(since(DAY)))
                .filter(in_subnet("DestIP_s", [10, 1, 1, 0], 24))
                .filter(col("FlowDirection_s").eq(lit("I")).and(col("FlowStatus_s").eq(lit("D"))))
                .select(projected())
        }),
        ("5.2.4-vnet-only", NSG, |d, e| {
            let types = Series::new("".into(), ["IntraVNet", "InterVNet"]);
            scan(d, NSG, e).filter(v2().and(since(DAY)).and(col("FlowType_s").is_in(lit(types).implode(false), false))).select(projected())
        }),
        ("5.3.1-pie-allow-deny", NSG, |d, e| {
            let action = when(col("FlowStatus_s").eq(lit("A"))).then(lit("Allow")).otherwise(lit("Deny")).alias("FlowAction");
            count_desc(scan(d, NSG, e).filter(v2().and(since(DAY))), action)
        }),
        ("5.3.2-pie-flow-type", NSG, |d, e| count_desc(scan(d, NSG, e).filter(v2().and(since(DAY))), col("FlowType_s"))),
        ("5.3.3-pie-l7-protocol", NSG, |d, e| count_desc(scan(d, NSG, e).filter(v2().and(since(DAY))), col("L7Protocol_s"))),
        ("5.3.4-column-session-count", NSG, |d, e| {
            scan(d, NSG, e).filter(v2().and(since(DAY)).and(col("FlowStatus_s").eq(lit("A")))).group_by([hour_bin()]).agg([col(
                "FlowCount_d",
            )
            .sum()
            .alias("TotalFlowCounts")])
        }),
        ("5.3.5-area-traffic-mbytes", NSG, |d, e| {
            scan(d, NSG, e).filter(v2().and(since(7 * DAY))).group_by([hour_bin()]).agg([
                (col("InboundBytes_d").sum() / lit(1_048_576.0)).alias("TotalInboundMByte"),
                (col("OutboundBytes_d").sum() / lit(1_048_576.0)).alias("TotalOutboundMByte"),
            ])
        }),
        ("5.4.1-find-specific-flow", NSG, |d, e| {
            let types = Series::new("".into(), ["IntraVNet", "InterVNet"]);
            scan(d, NSG, e)
                .filter(v2().and(since(7 * DAY)).and(col("FlowType_s").is_in(lit(types).implode(false), false)))
                .filter(in_subnet("SrcIP_s", [10, 1, 0, 99], 32))
                .filter(in_subnet("DestIP_s", [10, 100, 10, 10], 24))
                .select(projected())
        }),
        ("5.4.2-session-spike", NSG, |d, e| {
            let dst = col("PublicIPs_s").str().split(lit("|")).list().get(lit(0i64), true).fill_null(lit("")).alias("DstPublicIP");
            scan(d, NSG, e)
                .filter(v2().and(since(HOUR)).and(col("FlowStatus_s").eq(lit("A"))))
                .with_column(dst)
                .group_by([col("SrcIP_s"), col("DstPublicIP"), col("L7Protocol_s")])
                .agg([col("FlowCount_d").sum().alias("TotalFlowCounts")])
        }),
        ("5.4.3-traffic-spike", NSG, |d, e| {
            let dst = col("PublicIPs_s").str().split(lit("|")).list().get(lit(0i64), true).fill_null(lit("")).alias("DstPublicIP");
            scan(d, NSG, e)
                .filter(v2().and(since(HOUR)).and(col("FlowStatus_s").eq(lit("A"))))
                .with_column(dst)
                .group_by([col("SrcIP_s"), col("DstPublicIP"), col("L7Protocol_s")])
                .agg([
                    (col("InboundBytes_d").sum() / lit(1_048_576.0)).alias("TotalInboundMByte"),
                    (col("OutboundBytes_d").sum() / lit(1_048_576.0)).alias("TotalOutboundMByte"),
                ])
        }),
        ("vm-insights-disk-free-space-fixed", "InsightsMetrics", |d, e| {
            scan(d, "InsightsMetrics", e)
                .filter(since(HOUR))
                .filter(col("Namespace").str().contains(lit("(?i)Disk"), true))
                .filter(col("Tags").str().contains(lit("(?i)C:"), true))
                .filter(col("Name").str().contains(lit("(?i)FreeSpacePercentage"), true))
                .sort(["TimeGenerated"], SortMultipleOptions::default().with_order_descending(true))
                .select([col("TimeGenerated"), col("Computer"), col("Val")])
        }),
        ("vmconnection-malicious-24h-fixed", "VMConnection", |d, e| {
            scan(d, "VMConnection", e).filter(since(DAY).and(col("IndicatorThreatType").neq(lit("")))).select([
                col("TimeGenerated"),
                col("Computer"),
                col("SourceIp"),
                col("Severity"),
                col("IndicatorThreatType"),
            ])
        }),
        ("vmconnection-malicious-alert-15m-fixed", "VMConnection", |d, e| {
            scan(d, "VMConnection", e)
                .filter(since(15 * 60_000_000_000).and(col("IndicatorThreatType").neq(lit(""))))
                .group_by([col("RemoteIp"), col("IndicatorThreatType")])
                .agg([len().cast(DataType::Int64).alias("count_")])
                .filter(col("count_").gt(lit(0i64)))
        }),
    ]
}

fn article(c: &mut Criterion) {
    let dir = fixtures();
    let only = std::env::var("FLOWKQL_BENCH_ONLY").ok();
    for (name, table, hand) in hand_queries() {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("queries/article/{name}.kql"))).expect("query file");
        let mut group = c.benchmark_group(name);
        group.sample_size(10).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
        for ext in ["parquet", "csv"] {
            // Same answer first: the comparison means nothing otherwise.
            let ours = run_flowkql(&dir, ext, table, &text);
            let theirs = hand(&dir, ext).collect().expect("hand-written query");
            assert_eq!(ours.height(), theirs.height(), "{name} via {ext}: row counts differ");
            group.bench_function(format!("flowkql/{ext}"), |b| b.iter(|| run_flowkql(&dir, ext, table, &text)));
            group.bench_function(format!("polars/{ext}"), |b| b.iter(|| hand(&dir, ext).collect().expect("hand-written query")));
        }
        group.finish();
    }
}

criterion_group!(benches, article);
criterion_main!(benches);
