//! Built-in synthetic tables, so every query can run with no data at hand.
//!
//! A source of tables like `source/`: it yields `AzureNetworkAnalytics_CL`,
//! `NTANetAnalytics`, `VMConnection` and `InsightsMetrics` with exactly the columns and
//! types of their `schema/` entries, laid out over the eight days before a given
//! instant. The data describes one imaginary Azure estate (`topology`), so the queries of
//! the seed articles find what they hunt for: the jump host reaching the shared
//! services VNet, denied inbound flows to the web subnet, a burst of traffic in the last
//! hour, connections to threat-listed addresses in the last 15 minutes.
//!
//! Generation is deterministic: the same row count and instant give the same tables,
//! whatever the machine or thread count. Rows are drawn in fixed-size chunks, each from
//! its own random stream, and columns are built whole; both run on all cores.

mod columns;
mod flows;
mod insights_metrics;
mod network_analytics;
mod nta_net_analytics;
mod parallel;
mod rng;
mod timeline;
mod topology;
mod vm_connection;

#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::types::Table;
use polars::prelude::IntoLazy;
use rng::Rng;
use timeline::{Timeline, DAY, SPAN};
use topology::Net;

/// `AzureNetworkAnalytics_CL` rows generated when the user does not say how many.
pub const DEFAULT_ROWS: usize = 20_000;

/// A ceiling that keeps a mistyped row count from exhausting memory: a million rows
/// (with the three smaller tables) hold about 1.1 GiB of Polars columns.
pub const MAX_ROWS: usize = 5_000_000;

/// The sample tables `AzureNetworkAnalytics_CL`, `NTANetAnalytics`, `VMConnection` and
/// `InsightsMetrics` (in that order), with their times in the eight days before `now`.
///
/// `rows` is the size of `AzureNetworkAnalytics_CL`; `NTANetAnalytics` gets half as
/// many, `VMConnection` and `InsightsMetrics` a quarter each (at least one row each).
pub fn sample_tables(rows: usize, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<(String, Table)>> {
    if rows == 0 || rows > MAX_ROWS {
        return Err(Error::usage(format!("the sample row count must be between 1 and {MAX_ROWS}, not {rows}")));
    }
    let now_ns = now
        .timestamp_nanos_opt()
        .filter(|t| t.checked_sub(SPAN + DAY).is_some())
        .ok_or_else(|| Error::usage(format!("cannot lay out sample data before {now}")))?;
    // The row count seeds everything; `now` only places the data in time.
    let seed = 0x666C_6F77_6B71_6C00 ^ rows as u64;
    let net = Net::new();
    let timeline = Timeline::new(now_ns);
    let built = [
        network_analytics::table(&net, &timeline, Rng::stream(seed, 1), rows)?,
        nta_net_analytics::table(&net, &timeline, Rng::stream(seed, 2), (rows / 2).max(1))?,
        vm_connection::table(&net, &timeline, Rng::stream(seed, 3), (rows / 4).max(1))?,
        insights_metrics::table(&net, &timeline, Rng::stream(seed, 4), (rows / 4).max(1))?,
    ];
    let names = [network_analytics::TABLE, nta_net_analytics::TABLE, vm_connection::TABLE, insights_metrics::TABLE];
    Ok(names.into_iter().zip(built).map(|(name, (schema, frame))| (name.to_string(), Table { schema, frame: frame.lazy() })).collect())
}
