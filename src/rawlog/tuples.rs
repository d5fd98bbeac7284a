//! What the NSG and VNet readers share once a record is parsed: the fields every Azure
//! flow tuple has (time, addresses, ports, and the four counters of NSG version 2 and
//! VNet tuples), the columns a tuple takes from the record and the rule/NIC or ACL/group
//! it sits in, the record's time and the frame of a chunk.
//!
//! A tuple is read in one pass by [`fields::Cursor`]; only when that pass refuses it
//! (a fault, or a rare form such as an IPv6 address) is it split and checked field by
//! field, which accepts the rare forms and names the fault. Both give the same values
//! for a tuple both accept (a test holds them to it). A tuple goes into the columns
//! whole or not at all.

use super::columns::{self as c, Nullable};
use super::fields::{self, Cursor};
use super::json::Text;
use super::problems::Problems;
use crate::error::Result;
use crate::types::Schema;
use polars::prelude::*;
use std::collections::HashMap;

/// How a format writes a tuple's time.
#[derive(Clone, Copy)]
pub(crate) enum Clock {
    /// NSG: epoch seconds.
    Seconds,
    /// VNet: epoch milliseconds (seconds accepted too).
    SecondsOrMillis,
}

/// Fields 1 to 5 of any Azure tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head<'t> {
    pub time: i64,
    pub src: &'t str,
    pub dst: &'t str,
    pub sport: Option<i32>,
    pub dport: Option<i32>,
}

/// Fields 10 to 13: packets and bytes each way; empty is null.
pub(crate) type Counters = [Option<i64>; 4];

/// The names of the 13 fields, for messages.
pub(crate) type FieldNames = [&'static str; 13];

/// Fields 1-5, fast path.
#[inline]
pub(crate) fn fast_head<'t>(c: &mut Cursor<'t>, clock: Clock) -> Option<Head<'t>> {
    let time = match clock {
        Clock::Seconds => c.epoch_seconds()?,
        Clock::SecondsOrMillis => c.epoch_seconds_or_millis()?,
    };
    Some(Head { time, src: c.ipv4()?, dst: c.ipv4()?, sport: c.port()?, dport: c.port()? })
}

/// Fields 10-13, fast path.
#[inline]
pub(crate) fn fast_counters(c: &mut Cursor<'_>) -> Option<Counters> {
    Some([c.counter()?, c.counter()?, c.counter()?, c.counter()?])
}

/// `field N (name): why`.
pub(crate) fn at(names: &FieldNames, i: usize, why: String) -> String {
    format!("field {} ({}): {why}", i + 1, names[i])
}

/// Fields 1-5 of a split tuple, checked.
pub(crate) fn checked_head<'t>(f: &[&'t str; 13], clock: Clock, names: &FieldNames) -> std::result::Result<Head<'t>, String> {
    let time = match clock {
        Clock::Seconds => fields::epoch_seconds(f[0]),
        Clock::SecondsOrMillis => fields::epoch_seconds_or_millis(f[0]),
    }
    .map_err(|e| at(names, 0, e))?;
    fields::ip(f[1]).map_err(|e| at(names, 1, e))?;
    fields::ip(f[2]).map_err(|e| at(names, 2, e))?;
    let sport = fields::port(f[3]).map_err(|e| at(names, 3, e))?;
    let dport = fields::port(f[4]).map_err(|e| at(names, 4, e))?;
    Ok(Head { time, src: f[1], dst: f[2], sport, dport })
}

/// Fields 10-13 of a split tuple, checked.
pub(crate) fn checked_counters(f: &[&str; 13], names: &FieldNames) -> std::result::Result<Counters, String> {
    let mut counts = [None; 4];
    for (k, count) in counts.iter_mut().enumerate() {
        *count = fields::counter(f[9 + k]).map_err(|e| at(names, 9 + k, e))?;
    }
    Ok(counts)
}

/// The columns every tuple fills (the format keeps its own beside them).
pub(crate) struct Tuples {
    /// Each tuple's group: its index in [`Groups`].
    group: Vec<IdxSize>,
    time: Vec<i64>,
    src: StringChunkedBuilder,
    dst: StringChunkedBuilder,
    sport: Nullable<Int32Type>,
    dport: Nullable<Int32Type>,
    counters: [Nullable<Int64Type>; 4],
}

impl Tuples {
    /// Buffers for `n` tuples, so that they never grow by copying.
    pub fn with_capacity(n: usize) -> Self {
        Tuples {
            group: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            src: StringChunkedBuilder::new(c::name("SrcIP"), n),
            dst: StringChunkedBuilder::new(c::name("DestIP"), n),
            sport: Nullable::with_capacity(n),
            dport: Nullable::with_capacity(n),
            counters: std::array::from_fn(|_| Nullable::with_capacity(n)),
        }
    }

    /// Adds the shared fields of one tuple of group `group` (the caller adds the
    /// format's own fields beside them).
    #[inline]
    pub fn push(&mut self, group: IdxSize, head: &Head<'_>, counters: Counters) {
        self.group.push(group);
        self.time.push(head.time);
        self.src.append_value(head.src);
        self.dst.append_value(head.dst);
        self.sport.push(head.sport);
        self.dport.push(head.dport);
        for (col, v) in self.counters.iter_mut().zip(counters) {
            col.push(v);
        }
    }
}

/// What a group's tuples take from it and its record: the record's time, the format
/// version, and texts (rule, NIC, resource IDs, ...) named by the format.
pub(crate) struct Groups<'r> {
    record_time: Vec<Option<i64>>,
    version: Vec<i32>,
    texts: Vec<Vec<&'r str>>,
}

impl<'r> Groups<'r> {
    pub fn new(text_columns: usize) -> Self {
        Groups { record_time: Vec::new(), version: Vec::new(), texts: vec![Vec::new(); text_columns] }
    }

    /// Adds a group; returns its index for its tuples.
    pub fn push(&mut self, record_time: Option<i64>, version: i32, texts: &[&'r str]) -> IdxSize {
        let g = self.version.len() as IdxSize;
        self.record_time.push(record_time);
        self.version.push(version);
        for (col, t) in self.texts.iter_mut().zip(texts) {
            col.push(t);
        }
        g
    }
}

/// A record's `time`, or `None` after noting the fault (the record is then left out).
pub(crate) fn record_time(time: &Option<Text<'_>>, at: &str, problems: &mut Problems) -> Result<Option<Option<i64>>> {
    match time {
        None => Ok(Some(None)),
        Some(t) => match fields::iso_time(t.as_str()) {
            Ok(t) => Ok(Some(Some(t))),
            Err(e) => {
                problems.fault(at, format!("time: {e}"))?;
                Ok(None)
            }
        },
    }
}

/// The names of the columns that do not come from the tuple itself.
pub(crate) struct Layout {
    pub version: &'static str,
    /// In the order of [`Groups::push`]'s texts.
    pub texts: &'static [&'static str],
}

/// The frame of a chunk: the shared columns, the format's own (`extra`), and the group
/// columns spread over the tuples; `file` is `SourceFile`.
pub(crate) fn frame(
    schema: &Schema,
    layout: &Layout,
    file: &str,
    groups: Groups<'_>,
    tuples: Tuples,
    extra: Vec<Column>,
) -> Result<DataFrame> {
    let n = tuples.group.len();
    let idx = IdxCa::from_vec(c::name("group"), tuples.group);
    let mut cols: HashMap<String, Column> = HashMap::new();
    let mut put = |col: Column| {
        cols.insert(col.name().to_string(), col);
    };
    put(Int64Chunked::from_vec(c::name("TimeGenerated"), tuples.time).into_column().cast(&c::datetime_type())?);
    put(tuples.src.finish().into_column());
    put(tuples.dst.finish().into_column());
    put(tuples.sport.finish("SrcPort"));
    put(tuples.dport.finish("DestPort"));
    let [p1, b1, p2, b2] = tuples.counters;
    put(p1.finish("PacketsSrcToDest"));
    put(b1.finish("BytesSrcToDest"));
    put(p2.finish("PacketsDestToSrc"));
    put(b2.finish("BytesDestToSrc"));
    for col in extra {
        put(col);
    }
    let same_time = c::all_same(&groups.record_time);
    put(c::spread(&c::datetimes("RecordTime", groups.record_time)?, &idx, same_time)?);
    let same_version = c::all_same(&groups.version);
    put(c::spread(&c::ints(layout.version, groups.version.into_iter().map(Some).collect()), &idx, same_version)?);
    for (name, values) in layout.texts.iter().zip(&groups.texts) {
        put(c::spread(&c::strings(name, values), &idx, c::all_same(values))?);
    }
    put(c::const_string("SourceFile", file, n));
    c::in_schema_order(schema, cols, n)
}

/// Test inputs for the agreement of the fast path with the checks: each good tuple, with
/// a trailing comma, with its last field cut, and with every byte in turn replaced by
/// characters that break or bend a field (`letter` is a code letter of the format).
#[cfg(test)]
pub(crate) fn mutations(good: &[&str], letter: &str) -> Vec<String> {
    let mut cases: Vec<String> = Vec::new();
    for g in good {
        cases.push(g.to_string());
        cases.push(format!("{g},"));
        cases.push(g.rsplit_once(',').map_or("", |x| x.0).to_string());
        for k in 0..g.len() {
            for r in [",", "", "x", "9", ".", "-", " ", letter] {
                let mut t = g.to_string();
                t.replace_range(k..k + 1, r);
                cases.push(t);
            }
        }
    }
    cases
}
