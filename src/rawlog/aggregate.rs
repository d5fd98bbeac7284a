//! The TA-compatible mode of the AzureNetworkAnalytics_CL view (FORMATS.md 11.1):
//! the raw view's rows merged as Traffic Analytics merges tuples (2.1), with Polars
//! group-bys over the raw view's frame. The result has the raw view's columns and types.
//!
//! A group is one fixed UTC interval (60 or 10 minutes, from the row's flow time) and one
//! value of:
//! - Traffic Analytics' key: `SrcIP_s`, `DestIP_s`, `DestPort_d`, `NSGList_s`,
//!   `NSGRule_s`, `FlowDirection_s`, `L4Protocol_s`. The source port is not a view
//!   column, so it is dropped;
//! - `FlowStatus_s` and `FlowType_s`: TA's row has one status (only one of the four
//!   `Allowed*/Denied*` counters is non-zero, 2.2) and one flow type (its `Country_s` or
//!   `AzureRegion_s` holds for every listed public IP, 2.2);
//! - every other column that is not constant over the frame (`MACAddress_s`, `VMIP_s`,
//!   `AzureRegion_s`, AWS's `NIC`/`VM`/`Subnet`/`Region` columns, ...). These follow from
//!   the key in practice; keying on them means no value is ever picked from a group at
//!   random. Constant columns are carried as they are.
//!
//! Public flows (`AzurePublic`, `ExternalPublic`) already have the public side's address
//! blanked in the raw view, so the key above merges them across public addresses; the
//! `*PublicIPs_s` columns then get one entry per address (in order of first appearance),
//! its counts summed over the group, entries joined by a space (2.4).
//!
//! Within a group: counters, packets and bytes are summed (null when every row is null,
//! as NSG version 1 bytes are); `FlowStartTime_t` is the earliest start;
//! `FlowEndTime_t` the latest end among rows that count a flow (NSG v2 `B` tuples, VNet
//! `D` tuples, NSG v1 tuples, AWS records), else the latest end of all rows (11.3);
//! `FlowIntervalStartTime_t`/`FlowIntervalEndTime_t` are the interval, and
//! `TimeGenerated`/`TimeProcessed_t` its end (11.2).

use super::network_analytics::{write_public_entry, PUBLIC_ENTRY_COUNTS};
use crate::error::{Error, Result};
use polars::prelude::*;
use std::fmt;
use std::str::FromStr;

/// The processing interval of the TA-compatible mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaInterval {
    /// 60 minutes, Traffic Analytics' default.
    #[default]
    Hour,
    /// 10 minutes.
    TenMinutes,
}

impl TaInterval {
    pub fn minutes(self) -> i64 {
        match self {
            TaInterval::Hour => 60,
            TaInterval::TenMinutes => 10,
        }
    }

    fn nanos(self) -> i64 {
        self.minutes() * 60 * 1_000_000_000
    }
}

impl fmt::Display for TaInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.minutes())
    }
}

impl FromStr for TaInterval {
    type Err = Error;

    /// `60m` (also `60`, `1h`) or `10m` (also `10`).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "60m" | "60" | "1h" | "60min" => Ok(TaInterval::Hour),
            "10m" | "10" | "10min" => Ok(TaInterval::TenMinutes),
            _ => Err(Error::usage(format!("unknown Traffic Analytics interval {s:?}"))
                .with_help("Traffic Analytics aggregates over 60m (the default) or 10m")),
        }
    }
}

/// Traffic Analytics' key (FORMATS.md 2.1), then the columns a TA row has one value of.
const KEYS: [&str; 9] =
    ["SrcIP_s", "DestIP_s", "DestPort_d", "NSGList_s", "NSGRule_s", "FlowDirection_s", "L4Protocol_s", "FlowStatus_s", "FlowType_s"];

/// Summed within a group.
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

/// Derived from the group's times.
const TIMES: [&str; 6] =
    ["TimeGenerated", "TimeProcessed_t", "FlowIntervalStartTime_t", "FlowIntervalEndTime_t", "FlowStartTime_t", "FlowEndTime_t"];

/// Rebuilt from the group's public addresses.
const PUBLIC: [&str; 3] = ["SrcPublicIPs_s", "DestPublicIPs_s", "PublicIPs_s"];

const BUCKET: &str = "__ta_bucket";
const IP: &str = "__ta_ip";
const ENTRY: &str = "__ta_entry";
const END_FLOWS: &str = "__ta_end_flows";
const END_ALL: &str = "__ta_end_all";
const SRC_SIDE: &str = "__ta_src_side";
const DEST_SIDE: &str = "__ta_dest_side";

fn count_name(k: usize) -> String {
    format!("__ta_count{k}")
}

/// A sum that stays null when every value is null (Polars' sum would give 0).
fn sum_or_null(name: &str) -> Expr {
    when(col(name).is_not_null().any(true)).then(col(name).sum()).otherwise(lit(Null {}).cast(DataType::Float64)).alias(name)
}

/// Merges the rows of a raw AzureNetworkAnalytics_CL view as Traffic Analytics does
/// (see the module documentation). The result has `view`'s columns, in its order and
/// with its types.
pub(crate) fn aggregate(view: &DataFrame, interval: TaInterval) -> Result<DataFrame> {
    let width = interval.nanos();
    let mut keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    let mut carried = Vec::new();
    for column in view.columns() {
        let name = column.name().as_str();
        if KEYS.contains(&name) || SUMMED.contains(&name) || TIMES.contains(&name) || PUBLIC.contains(&name) {
            continue;
        }
        if column.n_unique()? <= 1 {
            carried.push(name.to_string());
        } else {
            keys.push(name.to_string());
        }
    }
    let key_exprs = |extra: &[&str]| -> Vec<Expr> { keys.iter().map(|k| col(k.as_str())).chain(extra.iter().map(|e| col(*e))).collect() };

    // Stage 1: per group and public address, with the address's counts parsed back from
    // the raw entry (non-public rows have an empty entry, hence one empty address).
    let time = col("TimeGenerated").cast(DataType::Int64);
    let parts = col("PublicIPs_s").str().split(lit("|"));
    let mut prepared =
        vec![(time.floor_div(lit(width)) * lit(width)).alias(BUCKET), parts.clone().list().get(lit(0), true).fill_null(lit("")).alias(IP)];
    for k in 0..PUBLIC_ENTRY_COUNTS {
        prepared.push(parts.clone().list().get(lit(k as i64 + 1), true).cast(DataType::Int64).alias(count_name(k)));
    }
    let mut aggs: Vec<Expr> = SUMMED.iter().map(|s| sum_or_null(s)).collect();
    aggs.push(col("FlowStartTime_t").min());
    aggs.push(col("FlowEndTime_t").filter(col("FlowCount_d").gt(lit(0.0))).max().alias(END_FLOWS));
    aggs.push(col("FlowEndTime_t").max().alias(END_ALL));
    aggs.push(col("SrcPublicIPs_s").first().alias(SRC_SIDE));
    aggs.push(col("DestPublicIPs_s").first().alias(DEST_SIDE));
    aggs.extend((0..PUBLIC_ENTRY_COUNTS).map(|k| col(count_name(k)).sum()));
    aggs.extend(carried.iter().map(|c| col(c.as_str()).first()));
    let mut per_ip = view.clone().lazy().with_columns(prepared).group_by_stable(key_exprs(&[BUCKET, IP])).agg(aggs).collect()?;

    // Each address's entry, written by the raw view's writer.
    let ips = per_ip.column(IP)?.str()?.rechunk().into_owned();
    let counts: Vec<Int64Chunked> =
        (0..PUBLIC_ENTRY_COUNTS).map(|k| Ok(per_ip.column(&count_name(k))?.i64()?.rechunk().into_owned())).collect::<Result<_>>()?;
    let mut entries = StringChunkedBuilder::new(ENTRY.into(), per_ip.height());
    let mut buf = String::new();
    for i in 0..per_ip.height() {
        match ips.get(i) {
            Some(ip) if !ip.is_empty() => {
                let mut n = [0i64; PUBLIC_ENTRY_COUNTS];
                for (k, c) in counts.iter().enumerate() {
                    n[k] = c.get(i).unwrap_or(0);
                }
                buf.clear();
                write_public_entry(&mut buf, ip, n);
                entries.append_value(&buf);
            }
            _ => entries.append_value(""),
        }
    }
    per_ip.with_column(entries.finish().into_column())?;

    // Stage 2: per group; the entries of its addresses joined by a space.
    let mut aggs: Vec<Expr> = SUMMED.iter().map(|s| sum_or_null(s)).collect();
    aggs.push(col("FlowStartTime_t").min());
    aggs.push(col(END_FLOWS).max());
    aggs.push(col(END_ALL).max());
    aggs.push(col(SRC_SIDE).first());
    aggs.push(col(DEST_SIDE).first());
    aggs.push(col(ENTRY).filter(col(ENTRY).neq(lit(""))).str().join(" ", true));
    aggs.extend(carried.iter().map(|c| col(c.as_str()).first()));
    let grouped = per_ip.lazy().group_by_stable(key_exprs(&[BUCKET])).agg(aggs);

    let schema = view.schema();
    let time_type = schema.get("TimeGenerated").cloned().unwrap_or(DataType::Int64);
    let start = col(BUCKET);
    let end = col(BUCKET) + lit(width);
    let entries = col(ENTRY).fill_null(lit(""));
    let side = |name: &str| when(col(name).neq(lit(""))).then(entries.clone()).otherwise(lit(""));
    let derived = [
        start.cast(time_type.clone()).alias("FlowIntervalStartTime_t"),
        end.clone().cast(time_type.clone()).alias("FlowIntervalEndTime_t"),
        end.clone().cast(time_type.clone()).alias("TimeGenerated"),
        end.cast(time_type).alias("TimeProcessed_t"),
        col(END_FLOWS).fill_null(col(END_ALL)).alias("FlowEndTime_t"),
        side(SRC_SIDE).alias("SrcPublicIPs_s"),
        side(DEST_SIDE).alias("DestPublicIPs_s"),
        entries.clone().alias("PublicIPs_s"),
    ];
    let columns: Vec<Expr> = schema.iter().map(|(name, dtype)| col(name.clone()).cast(dtype.clone())).collect();
    Ok(grouped.with_columns(derived).select(columns).collect()?)
}
