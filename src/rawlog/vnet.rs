//! VNet flow logs (`flowLogVersion` 4, FORMATS.md section 5) to the `VNetFlowTuples`
//! table: one row per flow tuple, with the ACL, rule and record it came from. Tuple
//! times are milliseconds (seconds are accepted too); the protocol is an IANA number;
//! the state is B/C/E, or D for a denied flow; field 9 is the encryption status.

use super::columns::{self as c, gather};
use super::fields;
use super::json::{self, parse_record, text, Chunk, Text};
use super::problems::Problems;
use crate::error::Result;
use crate::types::{KqlType, Schema};
use polars::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

pub(crate) const TABLE: &str = "VNetFlowTuples";

const COLUMNS: &[(&str, KqlType)] = &[
    ("TimeGenerated", KqlType::DateTime),
    ("RecordTime", KqlType::DateTime),
    ("SrcIP", KqlType::String),
    ("DestIP", KqlType::String),
    ("SrcPort", KqlType::Int),
    ("DestPort", KqlType::Int),
    ("Protocol", KqlType::Int),
    ("Direction", KqlType::String),
    ("State", KqlType::String),
    ("Encryption", KqlType::String),
    ("PacketsSrcToDest", KqlType::Long),
    ("BytesSrcToDest", KqlType::Long),
    ("PacketsDestToSrc", KqlType::Long),
    ("BytesDestToSrc", KqlType::Long),
    ("Rule", KqlType::String),
    ("AclId", KqlType::String),
    ("MacAddress", KqlType::String),
    ("FlowLogVersion", KqlType::Int),
    ("FlowLogGuid", KqlType::String),
    ("FlowLogResourceId", KqlType::String),
    ("TargetResourceId", KqlType::String),
    ("Category", KqlType::String),
    ("OperationName", KqlType::String),
    ("SourceFile", KqlType::String),
];

pub(crate) fn schema() -> Schema {
    Schema::new(COLUMNS.iter().map(|(n, t)| (n.to_string(), *t)).collect())
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    time: Option<Text<'a>>,
    #[serde(rename = "flowLogVersion")]
    flow_log_version: i64,
    #[serde(borrow, default, rename = "flowLogGUID", alias = "flowLogGuid")]
    flow_log_guid: Option<Text<'a>>,
    #[serde(borrow, default, rename = "macAddress")]
    mac_address: Option<Text<'a>>,
    #[serde(borrow, default)]
    category: Option<Text<'a>>,
    #[serde(borrow, default, rename = "flowLogResourceID", alias = "flowLogResourceId")]
    flow_log_resource_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "targetResourceID", alias = "targetResourceId")]
    target_resource_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "operationName")]
    operation_name: Option<Text<'a>>,
    #[serde(borrow, rename = "flowRecords")]
    flow_records: FlowRecords<'a>,
}

#[derive(Deserialize)]
struct FlowRecords<'a> {
    #[serde(borrow)]
    flows: Vec<Acl<'a>>,
}

#[derive(Deserialize)]
struct Acl<'a> {
    #[serde(borrow, default, rename = "aclID", alias = "aclId")]
    acl_id: Option<Text<'a>>,
    #[serde(borrow, rename = "flowGroups")]
    flow_groups: Vec<Group<'a>>,
}

#[derive(Deserialize)]
struct Group<'a> {
    #[serde(borrow)]
    rule: Text<'a>,
    #[serde(borrow, rename = "flowTuples")]
    flow_tuples: Vec<Text<'a>>,
}

#[derive(Default)]
struct Groups<'a> {
    record_time: Vec<Option<i64>>,
    version: Vec<Option<i32>>,
    guid: Vec<&'a str>,
    mac: Vec<&'a str>,
    category: Vec<&'a str>,
    flow_log_id: Vec<&'a str>,
    target_id: Vec<&'a str>,
    operation: Vec<&'a str>,
    acl: Vec<&'a str>,
    rule: Vec<&'a str>,
}

struct Tuples<'a> {
    group: Vec<IdxSize>,
    time: Vec<Option<i64>>,
    src: Vec<&'a str>,
    dst: Vec<&'a str>,
    sport: Vec<Option<i32>>,
    dport: Vec<Option<i32>>,
    proto: Vec<Option<i32>>,
    dir: Vec<&'static str>,
    state: Vec<&'static str>,
    encryption: Vec<&'a str>,
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
    "flow state",
    "encryption",
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
            state: Vec::with_capacity(n),
            encryption: Vec::with_capacity(n),
            counters: std::array::from_fn(|_| Vec::with_capacity(n)),
        }
    }
    fn push(&mut self, tuple: &'a str, group: IdxSize) -> std::result::Result<(), String> {
        let (f, n) = fields::split_tuple::<13>(tuple);
        if n != 13 {
            return Err(format!("{n} fields where a VNet flow log tuple has 13: {tuple:?}"));
        }
        let at = |i: usize, e: String| format!("field {} ({}): {e}", i + 1, FIELD_NAMES[i]);
        let time = fields::epoch_seconds_or_millis(f[0]).map_err(|e| at(0, e))?;
        fields::ip(f[1]).map_err(|e| at(1, e))?;
        fields::ip(f[2]).map_err(|e| at(2, e))?;
        let sport = fields::port(f[3]).map_err(|e| at(3, e))?;
        let dport = fields::port(f[4]).map_err(|e| at(4, e))?;
        let proto = match f[5].parse::<u8>() {
            Ok(p) => Some(p as i32),
            Err(_) => return Err(at(5, format!("{:?} is not an IANA protocol number", f[5]))),
        };
        let dir = fields::code(f[6], &["I", "O"], "direction").map_err(|e| at(6, e))?;
        let state = fields::code(f[7], &["B", "C", "E", "D"], "flow state").map_err(|e| at(7, e))?;
        let mut counts = [None; 4];
        for k in 0..4 {
            counts[k] = fields::counter(f[9 + k]).map_err(|e| at(9 + k, e))?;
        }
        self.group.push(group);
        self.time.push(Some(time));
        self.src.push(f[1]);
        self.dst.push(f[2]);
        self.sport.push(sport);
        self.dport.push(dport);
        self.proto.push(proto);
        self.dir.push(dir);
        self.state.push(state);
        self.encryption.push(f[8]);
        for (k, v) in counts.into_iter().enumerate() {
            self.counters[k].push(v);
        }
        Ok(())
    }
}

pub(crate) fn read_chunk(file: &str, chunk: &Chunk<'_>, problems: &mut Problems) -> Result<DataFrame> {
    let mut parsed: Vec<(usize, Record)> = Vec::with_capacity(chunk.len());
    for (no, bytes) in chunk {
        match parse_record::<Record>(bytes) {
            Ok(r) => parsed.push((*no, r)),
            Err(why) => problems.fault(&format!("record {no}"), why)?,
        }
    }
    let tuple_count =
        parsed.iter().flat_map(|(_, r)| &r.flow_records.flows).flat_map(|acl| &acl.flow_groups).map(|g| g.flow_tuples.len()).sum();
    let mut groups = Groups::default();
    let mut tuples = Tuples::with_capacity(tuple_count);
    for (no, r) in &parsed {
        let at = format!("record {no}");
        if r.flow_log_version != 4 {
            problems
                .fault(&at, format!("flowLogVersion: unknown VNet flow log version {} (flowkql reads version 4)", r.flow_log_version))?;
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
        for (i, acl) in r.flow_records.flows.iter().enumerate() {
            for (j, grp) in acl.flow_groups.iter().enumerate() {
                let g = groups.rule.len() as IdxSize;
                groups.record_time.push(record_time);
                groups.version.push(Some(4));
                groups.guid.push(text(&r.flow_log_guid));
                groups.mac.push(text(&r.mac_address));
                groups.category.push(text(&r.category));
                groups.flow_log_id.push(text(&r.flow_log_resource_id));
                groups.target_id.push(text(&r.target_resource_id));
                groups.operation.push(text(&r.operation_name));
                groups.acl.push(text(&acl.acl_id));
                groups.rule.push(grp.rule.as_str());
                for (k, t) in grp.flow_tuples.iter().enumerate() {
                    if let Err(why) = tuples.push(t.as_str(), g) {
                        problems.fault(&at, format!("flowRecords.flows[{i}].flowGroups[{j}].flowTuples[{k}]: {why}"))?;
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
    put(c::ints("Protocol", t.proto));
    put(c::codes("Direction", &t.dir)?);
    put(c::codes("State", &t.state)?);
    put(c::strings("Encryption", &t.encryption));
    let [p1, b1, p2, b2] = t.counters;
    put(c::longs("PacketsSrcToDest", p1));
    put(c::longs("BytesSrcToDest", b1));
    put(c::longs("PacketsDestToSrc", p2));
    put(c::longs("BytesDestToSrc", b2));
    put(gather(&c::strings("Rule", &g.rule), &idx)?);
    put(gather(&c::strings("AclId", &g.acl), &idx)?);
    put(gather(&c::strings("MacAddress", &g.mac), &idx)?);
    put(gather(&c::ints("FlowLogVersion", g.version), &idx)?);
    put(gather(&c::strings("FlowLogGuid", &g.guid), &idx)?);
    put(gather(&c::strings("FlowLogResourceId", &g.flow_log_id), &idx)?);
    put(gather(&c::strings("TargetResourceId", &g.target_id), &idx)?);
    put(gather(&c::strings("Category", &g.category), &idx)?);
    put(gather(&c::strings("OperationName", &g.operation), &idx)?);
    put(gather(&c::strings("SourceFile", &files), &idx)?);
    c::in_schema_order(&schema(), cols, n)
}

pub(crate) fn read(bytes: &[u8], problems: &mut Problems) -> Result<(Vec<DataFrame>, usize)> {
    json::read_blob(bytes, problems, read_chunk)
}
