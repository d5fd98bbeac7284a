//! Checks of what the sample promises, computed with plain Rust over the generated
//! columns. Address classes, formats and value sets are written out here from the
//! documentation (FORMATS.md), not taken from the generator's own tables.

use super::*;
use crate::schema;
use chrono::{DateTime, TimeZone, Utc};
use ipnet::Ipv4Net;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::sync::OnceLock;

mod flow_tables;
mod vm_insights;

const ROWS: usize = DEFAULT_ROWS;
const NS_MINUTE: i64 = 60_000_000_000;
const NS_HOUR: i64 = 60 * NS_MINUTE;
const NS_DAY: i64 = 24 * NS_HOUR;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 3, 11, 7, 12).single().expect("valid instant")
}

fn now_ns() -> i64 {
    now().timestamp_nanos_opt().expect("in range")
}

fn generated() -> &'static Vec<(String, DataFrame)> {
    static SAMPLE: OnceLock<Vec<(String, DataFrame)>> = OnceLock::new();
    SAMPLE.get_or_init(|| collect(sample_tables(ROWS, now()).expect("sample generates")))
}

fn collect(tables: Vec<(String, Table)>) -> Vec<(String, DataFrame)> {
    tables.into_iter().map(|(n, t)| (n, t.frame.collect().expect("collects"))).collect()
}

fn table(name: &str) -> Frame<'static> {
    let df = generated().iter().find(|(n, _)| n == name).map(|(_, df)| df).expect("table present");
    Frame(df)
}

/// Typed column access for the checks.
struct Frame<'a>(&'a DataFrame);

impl Frame<'_> {
    fn len(&self) -> usize {
        self.0.height()
    }

    fn s(&self, name: &str) -> Vec<String> {
        let col = self.0.column(name).expect("column exists");
        let ca = col.str().expect("text column");
        ca.iter().map(|v| v.expect("strings are never null").to_string()).collect()
    }

    fn f(&self, name: &str) -> Vec<Option<f64>> {
        self.0.column(name).expect("column").f64().expect("real").iter().collect()
    }

    fn l(&self, name: &str) -> Vec<Option<i64>> {
        self.0.column(name).expect("column").i64().expect("long").iter().collect()
    }

    fn i(&self, name: &str) -> Vec<Option<i32>> {
        self.0.column(name).expect("column").i32().expect("int").iter().collect()
    }

    fn b(&self, name: &str) -> Vec<Option<bool>> {
        self.0.column(name).expect("column").bool().expect("bool").iter().collect()
    }

    /// A datetime column as Unix nanoseconds.
    fn t(&self, name: &str) -> Vec<Option<i64>> {
        let col = self.0.column(name).expect("column");
        assert_eq!(col.dtype(), &DataType::Datetime(TimeUnit::Nanoseconds, None), "{name}");
        let ints = col.cast(&DataType::Int64).expect("cast");
        ints.i64().expect("long").iter().collect()
    }
}

fn net(cidr: &str) -> Ipv4Net {
    cidr.parse().expect("cidr")
}

fn ip(text: &str) -> Option<Ipv4Addr> {
    text.parse().ok()
}

/// The two VNets the sample estate is documented to have.
fn vnet_of(addr: Ipv4Addr) -> Option<usize> {
    [net("10.1.0.0/16"), net("10.100.0.0/16")].iter().position(|n| n.contains(&addr))
}

fn is_rfc1918(addr: Ipv4Addr) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].iter().any(|c| net(c).contains(&addr))
}

fn in_net(text: &str, cidr: &str) -> bool {
    ip(text).is_some_and(|a| net(cidr).contains(&a))
}

/// Parses `ip|started|ended|outPkts|inPkts|outBytes|inBytes ...` (FORMATS.md 2.4).
fn public_entries(list: &str) -> Vec<(Ipv4Addr, [u64; 6])> {
    list.split(' ')
        .map(|entry| {
            let fields: Vec<&str> = entry.split('|').collect();
            assert_eq!(fields.len(), 7, "entry {entry:?} in {list:?}");
            let addr = ip(fields[0]).unwrap_or_else(|| panic!("address in {entry:?}"));
            let mut n = [0u64; 6];
            for (k, f) in fields[1..].iter().enumerate() {
                n[k] = f.parse().unwrap_or_else(|_| panic!("counter {f:?} in {entry:?}"));
            }
            (addr, n)
        })
        .collect()
}

#[test]
fn tables_come_in_order_with_exact_schemas() {
    let names: Vec<&str> = generated().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["AzureNetworkAnalytics_CL", "NTANetAnalytics", "VMConnection", "InsightsMetrics"]);
    let tables = sample_tables(50, now()).expect("generates");
    for (name, t) in &tables {
        let want = schema::builtin(name).expect("built-in schema");
        assert_eq!(&t.schema, &want, "{name} schema");
        assert_eq!(t.frame.clone().collect_schema().expect("schema").as_ref(), &want.polars(), "{name} lazy schema");
    }
    for (name, df) in generated() {
        let want = schema::builtin(name).expect("built-in schema");
        let got: Vec<(String, DataType)> = df.columns().iter().map(|c| (c.name().to_string(), c.dtype().clone())).collect();
        let expected: Vec<(String, DataType)> = want.columns.iter().map(|(n, k)| (n.clone(), k.polars())).collect();
        assert_eq!(got, expected, "{name}");
        for (col, kind) in &want.columns {
            if kind.is_textual() {
                assert_eq!(df.column(col).expect("column").null_count(), 0, "{name}.{col} has nulls");
            }
        }
    }
}

#[test]
fn row_counts_scale_and_never_vanish() {
    let heights: Vec<usize> = generated().iter().map(|(_, df)| df.height()).collect();
    assert_eq!(heights, [ROWS, ROWS / 2, ROWS / 4, ROWS / 4]);
    for rows in [1, 3, 39, 41] {
        let tables = collect(sample_tables(rows, now()).expect("generates"));
        let heights: Vec<usize> = tables.iter().map(|(_, df)| df.height()).collect();
        assert_eq!(heights, [rows, (rows / 2).max(1), (rows / 4).max(1), (rows / 4).max(1)], "rows = {rows}");
    }
    let err = sample_tables(0, now()).err().expect("zero rows is refused");
    assert_eq!(err.kind, crate::ErrorKind::Usage);
}

#[test]
fn same_request_gives_identical_data() {
    let again = collect(sample_tables(ROWS, now()).expect("generates"));
    for ((name, a), (_, b)) in generated().iter().zip(&again) {
        assert!(a.equals_missing(b), "{name} differs between runs");
    }
    // Another instant moves the data in time.
    let later = collect(sample_tables(ROWS, now() + chrono::Duration::hours(1)).expect("generates"));
    let first = |t: &[(String, DataFrame)]| Frame(&t[0].1).t("TimeGenerated")[0];
    assert_ne!(first(generated()), first(&later));
}

#[test]
fn every_record_lies_in_the_eight_days_before_now() {
    let now = now_ns();
    for (name, df) in generated() {
        for t in Frame(df).t("TimeGenerated") {
            let t = t.expect("TimeGenerated is always set");
            assert!(t <= now && t > now - 8 * NS_DAY, "{name}: {t}");
        }
    }
}
