//! NSG flow logs (versions 1 and 2, FORMATS.md section 4) to the `NSGFlowTuples` table:
//! one row per flow tuple, with the rule, NIC and record it came from. Each record's
//! `properties.Version` decides its tuple layout (8 fields in version 1, 13 in version 2),
//! so a tree holding both versions reads into one table.

use super::columns::{self as c, gather};
use super::fields;
use super::json::{self, parse_record, text, Chunk, Text};
use super::problems::Problems;
use crate::error::Result;
use crate::types::{KqlType, Schema};
use polars::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

pub(crate) const TABLE: &str = "NSGFlowTuples";

const COLUMNS: &[(&str, KqlType)] = &[
    ("TimeGenerated", KqlType::DateTime),
    ("RecordTime", KqlType::DateTime),
    ("SrcIP", KqlType::String),
    ("DestIP", KqlType::String),
    ("SrcPort", KqlType::Int),
    ("DestPort", KqlType::Int),
    ("Protocol", KqlType::String),
    ("Direction", KqlType::String),
    ("Decision", KqlType::String),
    ("State", KqlType::String),
    ("PacketsSrcToDest", KqlType::Long),
    ("BytesSrcToDest", KqlType::Long),
    ("PacketsDestToSrc", KqlType::Long),
    ("BytesDestToSrc", KqlType::Long),
    ("Rule", KqlType::String),
    ("MacAddress", KqlType::String),
    ("ResourceId", KqlType::String),
    ("SystemId", KqlType::String),
    ("Category", KqlType::String),
    ("OperationName", KqlType::String),
    ("Version", KqlType::Int),
    ("SourceFile", KqlType::String),
];

pub(crate) fn schema() -> Schema {
    Schema::new(COLUMNS.iter().map(|(n, t)| (n.to_string(), *t)).collect())
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    time: Option<Text<'a>>,
    #[serde(borrow, default, rename = "systemId")]
    system_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    category: Option<Text<'a>>,
    #[serde(borrow, default, rename = "resourceId", alias = "resourceid", alias = "resourceID", alias = "ResourceId")]
    resource_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "operationName")]
    operation_name: Option<Text<'a>>,
    /// Not in Microsoft's envelope, but some writers put it here; used only when a NIC
    /// entry has no `mac`.
    #[serde(borrow, default, rename = "macAddress")]
    mac_address: Option<Text<'a>>,
    #[serde(borrow)]
    properties: Properties<'a>,
}

#[derive(Deserialize)]
struct Properties<'a> {
    #[serde(rename = "Version")]
    version: i64,
    #[serde(borrow)]
    flows: Vec<RuleFlows<'a>>,
}

#[derive(Deserialize)]
struct RuleFlows<'a> {
    #[serde(borrow)]
    rule: Text<'a>,
    #[serde(borrow)]
    flows: Vec<NicFlows<'a>>,
}

#[derive(Deserialize)]
struct NicFlows<'a> {
    #[serde(borrow, default)]
    mac: Option<Text<'a>>,
    #[serde(borrow, rename = "flowTuples")]
    flow_tuples: Vec<Text<'a>>,
}

/// One (record, rule, NIC): the values its tuples share.
#[derive(Default)]
struct Groups<'a> {
    record_time: Vec<Option<i64>>,
    version: Vec<Option<i32>>,
    resource_id: Vec<&'a str>,
    system_id: Vec<&'a str>,
    category: Vec<&'a str>,
    operation: Vec<&'a str>,
    rule: Vec<&'a str>,
    mac: Vec<&'a str>,
}

struct Tuples<'a> {
    group: Vec<IdxSize>,
    time: Vec<Option<i64>>,
    src: Vec<&'a str>,
    dst: Vec<&'a str>,
    sport: Vec<Option<i32>>,
    dport: Vec<Option<i32>>,
    proto: Vec<&'static str>,
    dir: Vec<&'static str>,
    decision: Vec<&'static str>,
    state: Vec<&'static str>,
    counters: [Vec<Option<i64>>; 4],
}

const FIELD_NAMES: [&str; 13] = [
    "timestamp",
    "source IP",
    "destination IP",
    "source port",
    "destination port",
    "protocol",
    "direction",
    "decision",
    "flow state",
    "packets source to destination",
    "bytes source to destination",
    "packets destination to source",
    "bytes destination to source",
];

impl<'a> Tuples<'a> {
    /// Buffers for `n` tuples, so that they never grow by copying.
    fn with_capacity(n: usize) -> Self {
        Tuples {
            group: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            src: Vec::with_capacity(n),
            dst: Vec::with_capacity(n),
            sport: Vec::with_capacity(n),
            dport: Vec::with_capacity(n),
            proto: Vec::with_capacity(n),
            dir: Vec::with_capacity(n),
            decision: Vec::with_capacity(n),
            state: Vec::with_capacity(n),
            counters: std::array::from_fn(|_| Vec::with_capacity(n)),
        }
    }
    /// Checks and adds one tuple; `Err` is the reason, naming the field.
    fn push(&mut self, tuple: &'a str, version: i64, group: IdxSize) -> std::result::Result<(), String> {
        let (f, n) = fields::split_tuple::<13>(tuple);
        let want = if version == 1 { 8 } else { 13 };
        if n != want {
            return Err(format!("{n} fields where a version {version} tuple has {want}: {tuple:?}"));
        }
        let at = |i: usize, e: String| format!("field {} ({}): {e}", i + 1, FIELD_NAMES[i]);
        let time = fields::epoch_seconds(f[0]).map_err(|e| at(0, e))?;
        fields::ip(f[1]).map_err(|e| at(1, e))?;
        fields::ip(f[2]).map_err(|e| at(2, e))?;
        let sport = fields::port(f[3]).map_err(|e| at(3, e))?;
        let dport = fields::port(f[4]).map_err(|e| at(4, e))?;
        let proto = fields::code(f[5], &["T", "U"], "protocol").map_err(|e| at(5, e))?;
        let dir = fields::code(f[6], &["I", "O"], "direction").map_err(|e| at(6, e))?;
        let decision = fields::code(f[7], &["A", "D"], "decision").map_err(|e| at(7, e))?;
        let mut state = "";
        let mut counts = [None; 4];
        if version == 2 {
            state = fields::code(f[8], &["B", "C", "E"], "flow state").map_err(|e| at(8, e))?;
            for k in 0..4 {
                counts[k] = fields::counter(f[9 + k]).map_err(|e| at(9 + k, e))?;
            }
        }
        self.group.push(group);
        self.time.push(Some(time));
        self.src.push(f[1]);
        self.dst.push(f[2]);
        self.sport.push(sport);
        self.dport.push(dport);
        self.proto.push(proto);
        self.dir.push(dir);
        self.decision.push(decision);
        self.state.push(state);
        for (k, v) in counts.into_iter().enumerate() {
            self.counters[k].push(v);
        }
        Ok(())
    }
}

/// The frame of a chunk of NSG records.
pub(crate) fn read_chunk(file: &str, chunk: &Chunk<'_>, problems: &mut Problems) -> Result<DataFrame> {
    let mut parsed: Vec<(usize, Record)> = Vec::with_capacity(chunk.len());
    for (no, bytes) in chunk {
        match parse_record::<Record>(bytes) {
            Ok(r) => parsed.push((*no, r)),
            Err(why) => problems.fault(&format!("record {no}"), why)?,
        }
    }
    let tuple_count =
        parsed.iter().flat_map(|(_, r)| &r.properties.flows).flat_map(|rule| &rule.flows).map(|nic| nic.flow_tuples.len()).sum();
    let mut groups = Groups::default();
    let mut tuples = Tuples::with_capacity(tuple_count);
    for (no, r) in &parsed {
        let at = format!("record {no}");
        let version = r.properties.version;
        if version != 1 && version != 2 {
            problems.fault(&at, format!("properties.Version: unknown NSG flow log version {version} (flowkql reads versions 1 and 2)"))?;
            continue;
        }
        let record_time = match &r.time {
            Some(t) => match fields::iso_time(t.as_str()) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.fault(&at, format!("time: {e}"))?;
                    continue;
                }
            },
            None => None,
        };
        for (i, rule) in r.properties.flows.iter().enumerate() {
            for (j, nic) in rule.flows.iter().enumerate() {
                let g = groups.rule.len() as IdxSize;
                groups.record_time.push(record_time);
                groups.version.push(Some(version as i32));
                groups.resource_id.push(text(&r.resource_id));
                groups.system_id.push(text(&r.system_id));
                groups.category.push(text(&r.category));
                groups.operation.push(text(&r.operation_name));
                groups.rule.push(rule.rule.as_str());
                groups.mac.push(match &nic.mac {
                    Some(m) => m.as_str(),
                    None => text(&r.mac_address),
                });
                for (k, t) in nic.flow_tuples.iter().enumerate() {
                    if let Err(why) = tuples.push(t.as_str(), version, g) {
                        problems.fault(&at, format!("properties.flows[{i}].flows[{j}].flowTuples[{k}]: {why}"))?;
                    }
                }
            }
        }
    }
    frame(file, groups, tuples)
}

fn frame(file: &str, g: Groups, t: Tuples) -> Result<DataFrame> {
    let n = t.group.len();
    let files = vec![file; g.rule.len()];
    let idx = IdxCa::from_vec(c::name("group"), t.group);
    let mut cols: HashMap<String, Column> = HashMap::new();
    let mut put = |col: Column| {
        cols.insert(col.name().to_string(), col);
    };
    put(c::datetimes("TimeGenerated", t.time)?);
    put(gather(&c::datetimes("RecordTime", g.record_time)?, &idx)?);
    put(c::strings("SrcIP", &t.src));
    put(c::strings("DestIP", &t.dst));
    put(c::ints("SrcPort", t.sport));
    put(c::ints("DestPort", t.dport));
    put(c::codes("Protocol", &t.proto)?);
    put(c::codes("Direction", &t.dir)?);
    put(c::codes("Decision", &t.decision)?);
    put(c::codes("State", &t.state)?);
    let [p1, b1, p2, b2] = t.counters;
    put(c::longs("PacketsSrcToDest", p1));
    put(c::longs("BytesSrcToDest", b1));
    put(c::longs("PacketsDestToSrc", p2));
    put(c::longs("BytesDestToSrc", b2));
    put(gather(&c::strings("Rule", &g.rule), &idx)?);
    put(gather(&c::strings("MacAddress", &g.mac), &idx)?);
    put(gather(&c::strings("ResourceId", &g.resource_id), &idx)?);
    put(gather(&c::strings("SystemId", &g.system_id), &idx)?);
    put(gather(&c::strings("Category", &g.category), &idx)?);
    put(gather(&c::strings("OperationName", &g.operation), &idx)?);
    put(gather(&c::ints("Version", g.version), &idx)?);
    put(gather(&c::strings("SourceFile", &files), &idx)?);
    c::in_schema_order(&schema(), cols, n)
}

/// Reads one NSG blob's bytes into frames; returns them with the record count.
pub(crate) fn read(bytes: &[u8], problems: &mut Problems) -> Result<(Vec<DataFrame>, usize)> {
    json::read_blob(bytes, problems, read_chunk)
}
