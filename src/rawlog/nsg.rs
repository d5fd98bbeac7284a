//! NSG flow logs (versions 1 and 2, FORMATS.md section 4) to the `NSGFlowTuples` table:
//! one row per flow tuple, with the rule, NIC and record it came from. Each record's
//! `properties.Version` decides its tuple layout (8 fields in version 1, 13 in version 2),
//! so a tree holding both versions reads into one table.

use super::columns::Codes;
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

const PROTOCOLS: &[&str] = &["T", "U"];
const DIRECTIONS: &[&str] = &["I", "O"];
const DECISIONS: &[&str] = &["A", "D"];
/// Index 0 is version 1's missing state.
const STATES: &[&str] = &["", "B", "C", "E"];

const FIELD_NAMES: FieldNames = [
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

/// The group columns, in the order `read_chunk` pushes them.
const LAYOUT: Layout = Layout { version: "Version", texts: &["Rule", "MacAddress", "ResourceId", "SystemId", "Category", "OperationName"] };

/// One tuple: the shared fields, and indexes into the code lists above.
#[derive(Debug, PartialEq, Eq)]
struct Tuple<'t> {
    head: Head<'t>,
    codes: [u8; 4],
    counters: Counters,
}

/// Reads a tuple of a version 1 or 2 record; `Err` is the reason, naming the field.
fn parse(tuple: &str, version: i64) -> std::result::Result<Tuple<'_>, String> {
    match fast(tuple, version) {
        Some(t) => Ok(t),
        None => checked(tuple, version),
    }
}

#[inline]
fn fast(tuple: &str, version: i64) -> Option<Tuple<'_>> {
    let mut c = Cursor::new(tuple);
    let head = fast_head(&mut c, Clock::Seconds)?;
    let (proto, dir, decision) = (c.letter(b"TU")?, c.letter(b"IO")?, c.letter(b"AD")?);
    let (state, counters) = if version == 2 { (c.letter(b"BCE")? + 1, fast_counters(&mut c)?) } else { (0, [None; 4]) };
    c.finish()?;
    Some(Tuple { head, codes: [proto, dir, decision, state], counters })
}

fn checked(tuple: &str, version: i64) -> std::result::Result<Tuple<'_>, String> {
    let (f, n) = fields::split_tuple::<13>(tuple);
    let want = if version == 1 { 8 } else { 13 };
    if n != want {
        return Err(format!("{n} fields where a version {version} tuple has {want}: {tuple:?}"));
    }
    let head = checked_head(&f, Clock::Seconds, &FIELD_NAMES)?;
    let code = |i: usize, list: &'static [&'static str], what: &str| fields::code(f[i], list, what).map_err(|e| at(&FIELD_NAMES, i, e));
    let proto = code(5, PROTOCOLS, "protocol")?;
    let dir = code(6, DIRECTIONS, "direction")?;
    let decision = code(7, DECISIONS, "decision")?;
    let (state, counters) =
        if version == 2 { (code(8, &STATES[1..], "flow state")? + 1, checked_counters(&f, &FIELD_NAMES)?) } else { (0, [None; 4]) };
    Ok(Tuple { head, codes: [proto, dir, decision, state], counters })
}

/// The frame of a chunk of NSG records.
pub(crate) fn read_chunk(file: &str, chunk: &Chunk<'_>, problems: &mut Problems) -> Result<DataFrame> {
    let parsed: Vec<(usize, Record)> = json::parse_records(chunk, problems)?;
    let tuple_count =
        parsed.iter().flat_map(|(_, r)| &r.properties.flows).flat_map(|rule| &rule.flows).map(|nic| nic.flow_tuples.len()).sum();
    let mut groups = Groups::new(LAYOUT.texts.len());
    let mut tuples = Tuples::with_capacity(tuple_count);
    let mut codes = [PROTOCOLS, DIRECTIONS, DECISIONS, STATES].map(|dict| Codes::with_capacity(dict, tuple_count));
    for (no, r) in &parsed {
        let at = format!("record {no}");
        let version = r.properties.version;
        if version != 1 && version != 2 {
            problems.fault(&at, format!("properties.Version: unknown NSG flow log version {version} (flowkql reads versions 1 and 2)"))?;
            continue;
        }
        let Some(record_time) = tuples::record_time(&r.time, &at, problems)? else {
            continue;
        };
        for (i, rule) in r.properties.flows.iter().enumerate() {
            for (j, nic) in rule.flows.iter().enumerate() {
                let mac = nic.mac.as_ref().map_or_else(|| text(&r.mac_address), Text::as_str);
                let envelope = [text(&r.resource_id), text(&r.system_id), text(&r.category), text(&r.operation_name)];
                let [resource, system, category, operation] = envelope;
                let g = groups.push(record_time, version as i32, &[rule.rule.as_str(), mac, resource, system, category, operation]);
                for (k, t) in nic.flow_tuples.iter().enumerate() {
                    match parse(t.as_str(), version) {
                        Ok(t) => {
                            tuples.push(g, &t.head, t.counters);
                            for (col, code) in codes.iter_mut().zip(t.codes) {
                                col.push(code);
                            }
                        }
                        Err(why) => problems.fault(&at, format!("properties.flows[{i}].flows[{j}].flowTuples[{k}]: {why}"))?,
                    }
                }
            }
        }
    }
    let [proto, dir, decision, state] = codes;
    let extra = vec![proto.finish("Protocol")?, dir.finish("Direction")?, decision.finish("Decision")?, state.finish("State")?];
    tuples::frame(&schema(), &LAYOUT, file, groups, tuples, extra)
}

/// Reads one NSG blob's bytes into frames; returns them with the record count.
pub(crate) fn read(bytes: &[u8], problems: &mut Problems, done: &FileProgress) -> Result<(Vec<DataFrame>, usize)> {
    json::read_blob(bytes, problems, done, read_chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Well-formed tuples, rare but valid forms, and every kind of fault: the one-pass
    /// reader takes a tuple only as the field-by-field checks do.
    #[test]
    fn fast_path_agrees_with_the_checks() {
        let good = [
            "1542110377,10.0.0.4,203.0.113.5,35370,23,T,O,A,B,,,,",
            "1542110377,10.0.0.4,203.0.113.5,35370,23,U,I,D,E,12,3456,7,890",
            "1542110377,10.0.0.4,203.0.113.5,35370,23,T,O,A,C,1,,0,",
            "1542110377,10.0.0.4,203.0.113.5,,,T,O,A,C,1,66,1,66",
        ];
        let mut cases = tuples::mutations(&good, "B");
        cases.extend(good.iter().map(|g| g.replace("10.0.0.4", "2001:db8::4")));
        for v1 in ["1542110377,10.0.0.4,203.0.113.5,35370,23,T,O,A", "1542110377,10.0.0.4,203.0.113.5,35370,23,T,O,A,"] {
            cases.push(v1.to_string());
        }
        let mut fast_taken = 0;
        for t in &cases {
            for version in [1, 2] {
                let slow = checked(t.as_str(), version);
                match fast(t.as_str(), version) {
                    Some(f) => {
                        fast_taken += 1;
                        assert_eq!(Ok(&f), slow.as_ref(), "{t:?} v{version}");
                    }
                    None => {
                        // Refused by the fast path: the checks decide (IPv6 passes).
                        if let Ok(s) = &slow {
                            assert!(s.head.src.contains(':') || s.head.dst.contains(':'), "{t:?} v{version}: only the checks take it");
                        }
                    }
                }
            }
        }
        assert!(fast_taken > 50, "the fast path took {fast_taken} tuples");
    }
}
