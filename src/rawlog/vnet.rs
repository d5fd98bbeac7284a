//! VNet flow logs (`flowLogVersion` 4, FORMATS.md section 5) to the `VNetFlowTuples`
//! table: one row per flow tuple, with the ACL, rule and record it came from. Tuple
//! times are milliseconds (seconds are accepted too); the protocol is an IANA number;
//! the state is B/C/E, or D for a denied flow; field 9 is the encryption status.

use super::columns::{Codes, Interner, Nullable};
use super::fields::{self, Cursor};
use super::json::{self, text, Chunk, Text};
use super::problems::Problems;
use super::progress::FileProgress;
use super::tuples::{
    self, at, checked_counters, checked_head, fast_counters, fast_head, Clock, Counters, FieldNames, Groups, Head, Layout, Tuples,
};
use crate::error::Result;
use crate::types::{KqlType, Schema};
use polars::prelude::*;
use serde::Deserialize;

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

const DIRECTIONS: &[&str] = &["I", "O"];
const STATES: &[&str] = &["B", "C", "E", "D"];

const FIELD_NAMES: FieldNames = [
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

/// The group columns, in the order `read_chunk` pushes them.
const LAYOUT: Layout = Layout {
    version: "FlowLogVersion",
    texts: &["Rule", "AclId", "MacAddress", "FlowLogGuid", "FlowLogResourceId", "TargetResourceId", "Category", "OperationName"],
};

/// One tuple: the shared fields, the protocol number, indexes into the code lists above
/// and the encryption status.
#[derive(Debug, PartialEq, Eq)]
struct Tuple<'t> {
    head: Head<'t>,
    protocol: u8,
    codes: [u8; 2],
    encryption: &'t str,
    counters: Counters,
}

/// Reads a tuple; `Err` is the reason, naming the field.
fn parse(tuple: &str) -> std::result::Result<Tuple<'_>, String> {
    match fast(tuple) {
        Some(t) => Ok(t),
        None => checked(tuple),
    }
}

#[inline]
fn fast(tuple: &str) -> Option<Tuple<'_>> {
    let mut c = Cursor::new(tuple);
    let head = fast_head(&mut c, Clock::SecondsOrMillis)?;
    let protocol = c.byte()?;
    let codes = [c.letter(b"IO")?, c.letter(b"BCED")?];
    let encryption = c.text()?;
    let counters = fast_counters(&mut c)?;
    c.finish()?;
    Some(Tuple { head, protocol, codes, encryption, counters })
}

fn checked(tuple: &str) -> std::result::Result<Tuple<'_>, String> {
    let (f, n) = fields::split_tuple::<13>(tuple);
    if n != 13 {
        return Err(format!("{n} fields where a VNet flow log tuple has 13: {tuple:?}"));
    }
    let head = checked_head(&f, Clock::SecondsOrMillis, &FIELD_NAMES)?;
    let protocol = f[5].parse::<u8>().map_err(|_| at(&FIELD_NAMES, 5, format!("{:?} is not an IANA protocol number", f[5])))?;
    let dir = fields::code(f[6], DIRECTIONS, "direction").map_err(|e| at(&FIELD_NAMES, 6, e))?;
    let state = fields::code(f[7], STATES, "flow state").map_err(|e| at(&FIELD_NAMES, 7, e))?;
    let counters = checked_counters(&f, &FIELD_NAMES)?;
    Ok(Tuple { head, protocol, codes: [dir, state], encryption: f[8], counters })
}

/// The frame of a chunk of VNet flow log records.
pub(crate) fn read_chunk(file: &str, chunk: &Chunk<'_>, problems: &mut Problems) -> Result<DataFrame> {
    let parsed: Vec<(usize, Record)> = json::parse_records(chunk, problems)?;
    let tuple_count =
        parsed.iter().flat_map(|(_, r)| &r.flow_records.flows).flat_map(|acl| &acl.flow_groups).map(|g| g.flow_tuples.len()).sum();
    let mut groups = Groups::new(LAYOUT.texts.len());
    let mut tuples = Tuples::with_capacity(tuple_count);
    let mut protocols: Nullable<Int32Type> = Nullable::with_capacity(tuple_count);
    let mut codes = [DIRECTIONS, STATES].map(|dict| Codes::with_capacity(dict, tuple_count));
    // A few distinct statuses (X, NX, NX_...): each stored once.
    let mut encryption = Interner::default();
    for (no, r) in &parsed {
        let at = format!("record {no}");
        if r.flow_log_version != 4 {
            problems
                .fault(&at, format!("flowLogVersion: unknown VNet flow log version {} (flowkql reads version 4)", r.flow_log_version))?;
            continue;
        }
        let Some(record_time) = tuples::record_time(&r.time, &at, problems)? else {
            continue;
        };
        let envelope = [&r.flow_log_guid, &r.flow_log_resource_id, &r.target_resource_id, &r.category, &r.operation_name].map(text);
        let [guid, flow_log_id, target_id, category, operation] = envelope;
        for (i, acl) in r.flow_records.flows.iter().enumerate() {
            for (j, grp) in acl.flow_groups.iter().enumerate() {
                let texts = [grp.rule.as_str(), text(&acl.acl_id), text(&r.mac_address), guid, flow_log_id, target_id, category, operation];
                let g = groups.push(record_time, 4, &texts);
                for (k, t) in grp.flow_tuples.iter().enumerate() {
                    match parse(t.as_str()) {
                        Ok(t) => {
                            tuples.push(g, &t.head, t.counters);
                            protocols.push(Some(i32::from(t.protocol)));
                            for (col, code) in codes.iter_mut().zip(t.codes) {
                                col.push(code);
                            }
                            encryption.push(t.encryption);
                        }
                        Err(why) => problems.fault(&at, format!("flowRecords.flows[{i}].flowGroups[{j}].flowTuples[{k}]: {why}"))?,
                    }
                }
            }
        }
    }
    let [dir, state] = codes;
    let extra = vec![protocols.finish("Protocol"), dir.finish("Direction")?, state.finish("State")?, encryption.finish("Encryption")?];
    tuples::frame(&schema(), &LAYOUT, file, groups, tuples, extra)
}

pub(crate) fn read(bytes: &[u8], problems: &mut Problems, done: &FileProgress) -> Result<(Vec<DataFrame>, usize)> {
    json::read_blob(bytes, problems, done, read_chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As for NSG tuples: the one-pass reader takes a tuple only as the checks do.
    #[test]
    fn fast_path_agrees_with_the_checks() {
        let good = [
            "1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0",
            "1663146003606,192.0.2.180,10.0.0.6,443,23956,17,I,E,X,15,8052,13,3204",
            "1663146003,10.0.0.6,192.0.2.180,,,1,O,D,NX_HW_NOT_SUPPORTED,,,,",
        ];
        let mut cases = tuples::mutations(&good, "D");
        cases.extend(good.iter().map(|g| g.replace("10.0.0.6", "fe80::6")));
        cases.extend(good.iter().map(|g| g.replace(",6,", ",+6,")));
        let mut fast_taken = 0;
        for t in &cases {
            let slow = checked(t.as_str());
            match fast(t.as_str()) {
                Some(f) => {
                    fast_taken += 1;
                    assert_eq!(Ok(&f), slow.as_ref(), "{t:?}");
                }
                None => {
                    if let Ok(s) = &slow {
                        let rare = s.head.src.contains(':') || s.head.dst.contains(':') || t.contains('+');
                        assert!(rare, "{t:?}: only the checks take it");
                    }
                }
            }
        }
        assert!(fast_taken > 50, "the fast path took {fast_taken} tuples");
    }
}
