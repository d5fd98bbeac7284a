//! AWS VPC flow logs in text (FORMATS.md section 6) to the `AWSVPCFlow` table, with
//! exactly the built-in schema (Microsoft Sentinel's column names). Records are lines of
//! space-separated fields; the first line of an S3 object names the fields (custom
//! formats choose them and their order). Without a header line, the default format (14
//! fields) is assumed, or every field of versions 2-3, 2-4 or 2-5 in the documented
//! order (21, 25 or 29 fields, the order Athena's table uses). `-` is a missing value.
//!
//! `start` becomes `TimeGenerated` (the table has no `Start` column); fields with no
//! column in the table (transit gateway, ECS, `reject-reason`, unknown names) are not
//! loaded, and the read report says so.

use super::columns as c;
use super::fields;
use super::problems::Problems;
use super::progress::FileProgress;
use crate::error::Result;
use crate::schema;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;

pub(crate) const TABLE: &str = "AWSVPCFlow";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Text,
    /// Text from a documented closed set (a cut line often ends in a partial one).
    OneOf(&'static [&'static str]),
    Ip,
    Port,
    Int,
    Long,
    Seconds,
}

/// AWS field name, AWSVPCFlow column, how the text is read. In the table's column order.
///
/// Checked against Microsoft's AWSVPCFlow reference (MicrosoftDocs/azure-reference-other,
/// `azure-monitor-ref/tables/includes/awsvpcflow-include.md`, versions of 02/18/2024 and
/// 07/30/2024; https://learn.microsoft.com/azure/azure-monitor/reference/tables/awsvpcflow):
/// "TimeGenerated ... will be the same as 'start' input field"; `Packets`, `Protocol`,
/// the ports, `TcpFlags` and `Version` are int, `Bytes` is long, `End` is datetime, the
/// rest string. Where `start` is `-`, Sentinel uses the arrival time, which offline data
/// does not have: `TimeGenerated` is null there. The test below holds the table to it.
pub(crate) const FIELDS: &[(&str, &str, Kind)] = &[
    ("start", "TimeGenerated", Kind::Seconds),
    ("version", "Version", Kind::Int),
    ("account-id", "AccountId", Kind::Text),
    ("interface-id", "InterfaceId", Kind::Text),
    ("srcaddr", "SrcAddr", Kind::Ip),
    ("dstaddr", "DstAddr", Kind::Ip),
    ("srcport", "SrcPort", Kind::Port),
    ("dstport", "DstPort", Kind::Port),
    ("protocol", "Protocol", Kind::Int),
    ("packets", "Packets", Kind::Int),
    ("bytes", "Bytes", Kind::Long),
    ("end", "End", Kind::Seconds),
    ("action", "Action", Kind::OneOf(&["ACCEPT", "REJECT"])),
    ("log-status", "LogStatus", Kind::OneOf(&["OK", "NODATA", "SKIPDATA"])),
    ("vpc-id", "VpcId", Kind::Text),
    ("subnet-id", "SubnetId", Kind::Text),
    ("instance-id", "InstanceId", Kind::Text),
    ("tcp-flags", "TcpFlags", Kind::Int),
    ("type", "TrafficType", Kind::OneOf(&["IPv4", "IPv6", "EFA"])),
    ("pkt-srcaddr", "PktSrcAddr", Kind::Ip),
    ("pkt-dstaddr", "PktDstAddr", Kind::Ip),
    ("region", "Region", Kind::Text),
    ("az-id", "AzId", Kind::Text),
    ("sublocation-type", "SublocationType", Kind::Text),
    ("sublocation-id", "SublocationId", Kind::Text),
    ("pkt-src-aws-service", "PktSrcAwsService", Kind::Text),
    ("pkt-dst-aws-service", "PktDstAwsService", Kind::Text),
    ("flow-direction", "FlowDirection", Kind::OneOf(&["ingress", "egress"])),
    ("traffic-path", "TrafficPath", Kind::Text),
];

/// Documented fields that AWSVPCFlow has no column for (versions 6 to 8).
const OTHER_FIELDS: &[&str] = &[
    "resource-type",
    "tgw-id",
    "tgw-attachment-id",
    "tgw-src-vpc-account-id",
    "tgw-dst-vpc-account-id",
    "tgw-src-vpc-id",
    "tgw-dst-vpc-id",
    "tgw-src-subnet-id",
    "tgw-dst-subnet-id",
    "tgw-src-eni",
    "tgw-dst-eni",
    "tgw-src-az-id",
    "tgw-dst-az-id",
    "tgw-pair-attachment-id",
    "packets-lost-no-route",
    "packets-lost-blackhole",
    "packets-lost-mtu-exceeded",
    "packets-lost-ttl-expired",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason",
];

/// The default format's fields, then those versions 3, 4 and 5 add, in documented order.
const ORDERED: [&str; 29] = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
];

/// Field counts of header-less lines that have a known layout (a prefix of `ORDERED`).
const HEADERLESS: [usize; 4] = [14, 21, 25, 29];

/// A header token to the field name: `${srcaddr}` (the console's notation) and
/// `srcaddr` are the same, and Parquet's `log_status` is `log-status`.
pub(crate) fn field_name(token: &str) -> String {
    let t = token.strip_prefix("${").and_then(|t| t.strip_suffix('}')).unwrap_or(token);
    t.to_ascii_lowercase().replace('_', "-")
}

fn is_known(name: &str) -> bool {
    FIELDS.iter().any(|(f, _, _)| *f == name) || OTHER_FIELDS.contains(&name)
}

/// Whether the tokens of a line are a header: field names only, at least two known.
pub(crate) fn is_header(tokens: &[&str]) -> bool {
    let names: Vec<String> = tokens.iter().map(|t| field_name(t)).collect();
    !names.is_empty()
        && names.iter().all(|n| {
            !n.is_empty() && n.bytes().any(|b| b.is_ascii_alphabetic()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && names.iter().filter(|n| is_known(n)).count() >= 2
}

/// Whether a header-less line looks like a record of a known layout.
pub(crate) fn is_default_data_line(tokens: &[&str]) -> bool {
    HEADERLESS.contains(&tokens.len())
        && tokens[0].parse::<u8>().is_ok_and(|v| (2..=10).contains(&v))
        && ["ACCEPT", "REJECT", "-"].contains(&tokens[12])
        && ["OK", "NODATA", "SKIPDATA"].contains(&tokens[13])
}

/// One column's values while reading.
enum Buf<'a> {
    Text(Vec<&'a str>),
    Int(Vec<Option<i32>>),
    Long(Vec<Option<i64>>),
}

impl<'a> Buf<'a> {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text | Kind::OneOf(_) | Kind::Ip => Buf::Text(Vec::new()),
            Kind::Port | Kind::Int => Buf::Int(Vec::new()),
            Kind::Long | Kind::Seconds => Buf::Long(Vec::new()),
        }
    }
}

/// A parsed cell before the row is known to be whole.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Int(Option<i32>),
    Long(Option<i64>),
}

fn parse_cell(kind: Kind, text: &str) -> std::result::Result<Cell<'_>, String> {
    let missing = text == "-";
    Ok(match kind {
        Kind::Text => Cell::Text(if missing { "" } else { text }),
        Kind::OneOf(_) if missing => Cell::Text(""),
        Kind::OneOf(values) => match values.iter().find(|v| **v == text) {
            Some(v) => Cell::Text(v),
            None => return Err(format!("{text:?} is not one of {}", values.join(", "))),
        },
        Kind::Ip => {
            if !missing {
                fields::ip(text)?;
            }
            Cell::Text(if missing { "" } else { text })
        }
        Kind::Port if missing => Cell::Int(None),
        Kind::Port => Cell::Int(fields::port(text)?),
        Kind::Int if missing => Cell::Int(None),
        Kind::Int => Cell::Int(Some(text.parse::<i32>().map_err(|_| format!("{text:?} is not an int (a whole number below 2^31)"))?)),
        Kind::Long if missing => Cell::Long(None),
        Kind::Long => Cell::Long(Some(text.parse::<i64>().map_err(|_| format!("{text:?} is not a whole number"))?)),
        Kind::Seconds if missing => Cell::Long(None),
        Kind::Seconds => Cell::Long(Some(fields::epoch_seconds(text)?)),
    })
}

/// The layout of one file: for each field position, the slot in `FIELDS` (or none).
struct Layout {
    names: Vec<String>,
    slots: Vec<Option<usize>>,
    /// The header line's tokens as written, to pass over the header repeated further
    /// down (objects concatenated); empty without a header.
    header: Vec<String>,
}

impl Layout {
    fn new(names: Vec<String>, header: Vec<String>) -> Self {
        let slots = names.iter().map(|n| FIELDS.iter().position(|(f, _, _)| f == n)).collect();
        Layout { names, slots, header }
    }

    fn unloaded(&self) -> Vec<&str> {
        self.names.iter().zip(&self.slots).filter(|(_, s)| s.is_none()).map(|(n, _)| n.as_str()).collect()
    }
}

/// Bytes of record lines per parallel chunk.
const CHUNK_BYTES: usize = 4 << 20;

/// Reads one AWS text object; returns its frames and the number of record lines.
pub(crate) fn read(bytes: &[u8], problems: &mut Problems, done: &FileProgress) -> Result<(Vec<DataFrame>, usize)> {
    let bytes = super::records::strip_bom(bytes);
    // The first non-blank line: a header, or the first record of a known layout.
    let mut pos = 0;
    let mut line_no = 0;
    let mut first: Option<(usize, &[u8])> = None;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |k| pos + k);
        line_no += 1;
        let line = &bytes[pos..end];
        if !line.iter().all(|b| b.is_ascii_whitespace()) {
            first = Some((line_no, line));
            break;
        }
        pos = end + 1;
    }
    let Some((first_no, first_line)) = first else {
        return Ok((Vec::new(), 0));
    };
    let first_text = String::from_utf8_lossy(first_line);
    let tokens: Vec<&str> = first_text.split_ascii_whitespace().collect();
    let (layout, body_start, body_line) = if is_header(&tokens) {
        let names = tokens.iter().map(|t| field_name(t)).collect();
        let header = tokens.iter().map(|t| t.to_string()).collect();
        let end = (pos + first_line.len() + 1).min(bytes.len());
        (Layout::new(names, header), end, first_no + 1)
    } else if HEADERLESS.contains(&tokens.len()) && tokens[0].parse::<u8>().is_ok() {
        let names = ORDERED[..tokens.len()].iter().map(|s| s.to_string()).collect();
        (Layout::new(names, Vec::new()), pos, first_no)
    } else {
        problems.file_fault(
            format!("line {first_no}: no header line, and {} fields is not a known layout (the default format has 14)", tokens.len()),
            "put the flow log format's field names, space-separated, on the first line (as S3 delivery writes them)",
        )?;
        return Ok((Vec::new(), 0));
    };
    let unloaded = layout.unloaded();
    if !unloaded.is_empty() {
        problems.note(format!("fields with no AWSVPCFlow column, not loaded: {}", unloaded.join(", ")));
    }
    // Line-aligned chunks, each knowing the number of its first line.
    let body = &bytes[body_start..];
    let mut chunks: Vec<(usize, &[u8])> = Vec::new();
    let mut at = 0;
    let mut line = body_line;
    while at < body.len() {
        let mut end = (at + CHUNK_BYTES).min(body.len());
        if end < body.len() {
            end = memchr::memchr(b'\n', &body[end..]).map_or(body.len(), |k| end + k + 1);
        }
        chunks.push((line, &body[at..end]));
        line += memchr::memchr_iter(b'\n', &body[at..end]).count();
        at = end;
    }
    let file = problems.file.clone();
    let lenient = problems.lenient;
    let results: Vec<(Result<(DataFrame, usize)>, Problems)> = chunks
        .par_iter()
        .map(|(first, text)| {
            let mut p = Problems::new(file.clone(), lenient);
            let r = read_lines(text, *first, &layout, &mut p);
            done.advance(text.len());
            (r, p)
        })
        .collect();
    let mut frames = Vec::new();
    let mut records = 0;
    for (r, p) in results {
        problems.skipped.extend(p.skipped);
        problems.notes.extend(p.notes);
        let (df, n) = r?;
        frames.push(df);
        records += n;
    }
    Ok((frames, records))
}

/// Splits a line at spaces and tabs (runs of them count once) into `tokens`.
fn tokenize<'a>(line: &'a str, tokens: &mut Vec<&'a str>) {
    tokens.clear();
    let bytes = line.as_bytes();
    let mut start = None;
    for (i, b) in bytes.iter().enumerate() {
        let space = matches!(b, b' ' | b'\t' | b'\r');
        match (start, space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                // Spaces are ASCII: both ends are character boundaries.
                tokens.push(line.get(s..i).unwrap_or(""));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(line.get(s..).unwrap_or(""));
    }
}

fn read_lines(text: &[u8], first_line: usize, layout: &Layout, problems: &mut Problems) -> Result<(DataFrame, usize)> {
    // Only the fields the file has get buffers; the other columns are constant.
    let present: Vec<bool> = (0..FIELDS.len()).map(|slot| layout.slots.contains(&Some(slot))).collect();
    let mut bufs: Vec<Option<Buf>> = FIELDS.iter().zip(&present).map(|((_, _, k), p)| p.then(|| Buf::new(*k))).collect();
    // Per-line buffers, reused: a line costs no allocation.
    let mut tokens: Vec<&str> = Vec::with_capacity(layout.names.len() + 1);
    let mut row: Vec<Cell> = vec![Cell::Text(""); FIELDS.len()];
    // One UTF-8 check for the whole chunk; line by line only to name a bad line.
    let whole = std::str::from_utf8(text).ok();
    let mut records = 0;
    let mut rows = 0;
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text).chain(std::iter::once(text.len()));
    for (i, end) in ends.enumerate() {
        let no = first_line + i;
        let (from, to) = (start, end);
        start = end + 1;
        if from >= to {
            continue;
        }
        let line = match whole.and_then(|w| w.get(from..to)) {
            Some(l) => l,
            None => match std::str::from_utf8(&text[from..to]) {
                Ok(l) => l,
                Err(e) => {
                    records += 1;
                    problems.fault(&format!("line {no}"), format!("not UTF-8 text ({e})"))?;
                    continue;
                }
            },
        };
        tokenize(line, &mut tokens);
        if tokens.is_empty() || (!layout.header.is_empty() && tokens.iter().eq(layout.header.iter())) {
            continue;
        }
        records += 1;
        if tokens.len() != layout.names.len() {
            problems.fault(
                &format!("line {no}"),
                format!("{} fields where the format has {} ({})", tokens.len(), layout.names.len(), layout.names.join(" ")),
            )?;
            continue;
        }
        let mut bad = None;
        for (k, token) in tokens.iter().enumerate() {
            let Some(slot) = layout.slots[k] else {
                continue;
            };
            match parse_cell(FIELDS[slot].2, token) {
                Ok(cell) => row[slot] = cell,
                Err(e) => {
                    bad = Some(format!("field {} ({}): {e}", k + 1, layout.names[k]));
                    break;
                }
            }
        }
        if let Some(why) = bad {
            problems.fault(&format!("line {no}"), why)?;
            continue;
        }
        for (slot, buf) in bufs.iter_mut().enumerate() {
            match (buf, row[slot]) {
                (Some(Buf::Text(v)), Cell::Text(t)) => v.push(t),
                (Some(Buf::Int(v)), Cell::Int(x)) => v.push(x),
                (Some(Buf::Long(v)), Cell::Long(x)) => v.push(x),
                // A slot's kind fixes its cell's kind; other pairs do not occur.
                (Some(Buf::Text(v)), _) => v.push(""),
                (Some(Buf::Int(v)), _) => v.push(None),
                (Some(Buf::Long(v)), _) => v.push(None),
                (None, _) => {}
            }
        }
        rows += 1;
    }
    let mut cols: HashMap<String, Column> = HashMap::new();
    for ((_, col, kind), buf) in FIELDS.iter().zip(bufs) {
        // A value shared by every line (the account, the version, often the status) makes
        // a constant column; it is built from the first value only.
        let column = match buf {
            Some(Buf::Text(v)) if c::all_same(&v) => c::const_string(col, v.first().copied().unwrap_or(""), rows),
            Some(Buf::Text(v)) => c::strings(col, &v),
            Some(Buf::Int(v)) if c::all_same(&v) => c::ints(col, v.into_iter().take(1).collect()).new_from_index(0, rows),
            Some(Buf::Int(v)) => c::ints(col, v),
            Some(Buf::Long(v)) if *kind == Kind::Seconds => c::datetimes(col, v)?,
            Some(Buf::Long(v)) => c::longs(col, v),
            // Absent fields: `in_schema_order` fills "" or null.
            None => continue,
        };
        cols.insert(col.to_string(), column);
    }
    cols.insert("Type".into(), c::const_string("Type", TABLE, rows));
    Ok((c::in_schema_order(&table_schema(), cols, rows)?, records))
}

pub(crate) fn table_schema() -> crate::types::Schema {
    // The built-in schema is compiled in; its absence would be a build defect.
    schema::builtin(TABLE).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::KqlType;

    /// Every AWS field lands in the column of the documented name and type (the
    /// reference cited on `FIELDS`, copied here by hand).
    #[test]
    fn fields_map_to_the_documented_columns() {
        use KqlType::{DateTime, Int, Long, String as Str};
        let documented: &[(&str, &str, KqlType)] = &[
            ("start", "TimeGenerated", DateTime),
            ("version", "Version", Int),
            ("account-id", "AccountId", Str),
            ("interface-id", "InterfaceId", Str),
            ("srcaddr", "SrcAddr", Str),
            ("dstaddr", "DstAddr", Str),
            ("srcport", "SrcPort", Int),
            ("dstport", "DstPort", Int),
            ("protocol", "Protocol", Int),
            ("packets", "Packets", Int),
            ("bytes", "Bytes", Long),
            ("end", "End", DateTime),
            ("action", "Action", Str),
            ("log-status", "LogStatus", Str),
            ("vpc-id", "VpcId", Str),
            ("subnet-id", "SubnetId", Str),
            ("instance-id", "InstanceId", Str),
            ("tcp-flags", "TcpFlags", Int),
            ("type", "TrafficType", Str),
            ("pkt-srcaddr", "PktSrcAddr", Str),
            ("pkt-dstaddr", "PktDstAddr", Str),
            ("region", "Region", Str),
            ("az-id", "AzId", Str),
            ("sublocation-type", "SublocationType", Str),
            ("sublocation-id", "SublocationId", Str),
            ("pkt-src-aws-service", "PktSrcAwsService", Str),
            ("pkt-dst-aws-service", "PktDstAwsService", Str),
            ("flow-direction", "FlowDirection", Str),
            ("traffic-path", "TrafficPath", Str),
        ];
        let schema = table_schema();
        assert_eq!(FIELDS.len(), documented.len());
        for (field, column, ty) in documented {
            let mapped = FIELDS.iter().find(|(f, _, _)| f == field).map(|(_, c, _)| *c);
            assert_eq!(mapped, Some(*column), "{field}");
            assert_eq!(schema.get(column), Some(*ty), "{column}");
        }
        // The documented columns that no AWS field fills.
        for (column, ty) in [("TenantId", Str), ("SourceSystem", Str), ("Type", Str), ("_BilledSize", KqlType::Real), ("_IsBillable", Str)]
        {
            assert_eq!(schema.get(column), Some(ty), "{column}");
        }
        assert_eq!(schema.len(), documented.len() + 5);
    }
}
