//! Raw flow logs as tables: Azure NSG flow logs (versions 1 and 2), Azure VNet flow logs
//! (version 4) and AWS VPC flow logs (text, gzip or Parquet), read from a file, a
//! directory tree or a glob into a [`Table`] that queries run on like any other.
//!
//! ```text
//!  path ─expand─▶ files ─detect─▶ format ─read (parallel, per file)─▶ native frame ─┬─▶ NSGFlowTuples / VNetFlowTuples / AWSVPCFlow
//!   input.rs       detect.rs              nsg.rs vnet.rs aws.rs aws_parquet.rs    └─▶ AzureNetworkAnalytics_CL (network_analytics.rs)
//! ```
//!
//! Each file is read whole, split into records (`records.rs`), parsed into column
//! buffers (the Azure tuples in one pass each, `tuples.rs`) and turned into a frame; the input bytes are freed before the next file, so
//! memory holds the tables, not the files. Malformed input is an error naming the file,
//! the record (or line) and the field; with [`ReadOptions::lenient`] the record or tuple
//! is left out and listed in [`ReadReport::skipped`] instead. Nothing is dropped
//! without a line in the report.
//!
//! # Native tables
//!
//! `NSGFlowTuples` (NSG flow logs, both versions; one row per flow tuple):
//!
//! | column | type | from |
//! |---|---|---|
//! | `TimeGenerated` | datetime | tuple field 1 (epoch seconds): when the flow event happened |
//! | `RecordTime` | datetime | the record's `time` |
//! | `SrcIP`, `DestIP` | string | fields 2, 3 |
//! | `SrcPort`, `DestPort` | int | fields 4, 5 |
//! | `Protocol` | string | field 6: `T` or `U` |
//! | `Direction` | string | field 7: `I` or `O` |
//! | `Decision` | string | field 8: `A` or `D` |
//! | `State` | string | field 9 (version 2): `B`, `C` or `E`; `""` in version 1 |
//! | `PacketsSrcToDest`, `BytesSrcToDest`, `PacketsDestToSrc`, `BytesDestToSrc` | long | fields 10-13 (version 2); null when empty (`B` tuples) and in version 1 |
//! | `Rule` | string | `properties.flows[].rule` |
//! | `MacAddress` | string | `properties.flows[].flows[].mac` (12 hex digits, as written) |
//! | `ResourceId` | string | the record's `resourceId` (the NSG) |
//! | `SystemId`, `Category`, `OperationName` | string | the record's `systemId`, `category`, `operationName` |
//! | `Version` | int | `properties.Version` |
//! | `SourceFile` | string | the file the row was read from |
//!
//! `VNetFlowTuples` (VNet flow logs; one row per flow tuple):
//!
//! | column | type | from |
//! |---|---|---|
//! | `TimeGenerated` | datetime | tuple field 1 (epoch milliseconds, or seconds below 10^11) |
//! | `RecordTime` | datetime | the record's `time` |
//! | `SrcIP`, `DestIP` | string | fields 2, 3 |
//! | `SrcPort`, `DestPort` | int | fields 4, 5 |
//! | `Protocol` | int | field 6: IANA protocol number |
//! | `Direction` | string | field 7: `I` or `O` |
//! | `State` | string | field 8: `B`, `C`, `E`, or `D` (denied) |
//! | `Encryption` | string | field 9: `X`, `NX`, `NX_HW_NOT_SUPPORTED`, ... |
//! | `PacketsSrcToDest`, `BytesSrcToDest`, `PacketsDestToSrc`, `BytesDestToSrc` | long | fields 10-13; null when empty |
//! | `Rule` | string | `flowRecords.flows[].flowGroups[].rule` |
//! | `AclId` | string | `flowRecords.flows[].aclID` |
//! | `MacAddress` | string | the record's `macAddress` |
//! | `FlowLogVersion` | int | `flowLogVersion` |
//! | `FlowLogGuid`, `FlowLogResourceId`, `TargetResourceId` | string | `flowLogGUID`, `flowLogResourceID`, `targetResourceID` |
//! | `Category`, `OperationName` | string | the record's `category`, `operationName` |
//! | `SourceFile` | string | the file the row was read from |
//!
//! `AWSVPCFlow`: exactly the built-in schema (`src/schema/tables/AWSVPCFlow.json`,
//! Microsoft Sentinel's columns); each AWS field goes to its column (`srcaddr` to
//! `SrcAddr`, `type` to `TrafficType`, ...) and `start` to `TimeGenerated`; `-` is null
//! (`""` in string columns); `Type` is `AWSVPCFlow`; `TenantId`, `SourceSystem` and
//! `_IsBillable` are `""` and `_BilledSize` null, since no workspace ingested the rows.
//! NODATA and SKIPDATA rows are kept, as they are in the log.
//!
//! The AzureNetworkAnalytics_CL view is described in `network_analytics.rs`, its
//! TA-compatible aggregation in `aggregate.rs`.

mod aggregate;
mod aws;
mod aws_parquet;
mod columns;
mod detect;
mod fields;
mod flowtype;
mod input;
mod json;
mod network_analytics;
mod nsg;
mod problems;
mod progress;
mod records;
mod tuples;
mod vnet;

#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::types::{Schema, Table};
use polars::prelude::*;
use problems::{Problems, TRUNCATED_HELP};
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use aggregate::TaInterval;

/// A raw flow-log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawFormat {
    /// Azure NSG flow log, `properties.Version` 1 (8-field tuples).
    NsgFlowV1,
    /// Azure NSG flow log, `properties.Version` 2 (13-field tuples with state and counters).
    NsgFlowV2,
    /// Azure VNet flow log, `flowLogVersion` 4.
    VnetFlowV4,
    /// AWS VPC flow log text (default or custom format, plain or gzip).
    AwsVpc,
    /// AWS VPC flow log Parquet.
    AwsVpcParquet,
}

impl RawFormat {
    pub const ALL: [RawFormat; 5] =
        [RawFormat::NsgFlowV1, RawFormat::NsgFlowV2, RawFormat::VnetFlowV4, RawFormat::AwsVpc, RawFormat::AwsVpcParquet];

    /// The name `--format` takes (see [`FromStr`]).
    pub fn name(self) -> &'static str {
        match self {
            RawFormat::NsgFlowV1 => "nsg-v1",
            RawFormat::NsgFlowV2 => "nsg-v2",
            RawFormat::VnetFlowV4 => "vnet",
            RawFormat::AwsVpc => "aws",
            RawFormat::AwsVpcParquet => "aws-parquet",
        }
    }

    /// The native table's name.
    pub fn table_name(self) -> &'static str {
        match self.family() {
            Family::Nsg => nsg::TABLE,
            Family::Vnet => vnet::TABLE,
            Family::Aws | Family::AwsParquet => aws::TABLE,
        }
    }

    /// The native table's schema.
    pub fn native_schema(self) -> Schema {
        match self.family() {
            Family::Nsg => nsg::schema(),
            Family::Vnet => vnet::schema(),
            Family::Aws | Family::AwsParquet => aws::table_schema(),
        }
    }

    fn family(self) -> Family {
        match self {
            RawFormat::NsgFlowV1 | RawFormat::NsgFlowV2 => Family::Nsg,
            RawFormat::VnetFlowV4 => Family::Vnet,
            RawFormat::AwsVpc => Family::Aws,
            RawFormat::AwsVpcParquet => Family::AwsParquet,
        }
    }
}

impl fmt::Display for RawFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RawFormat {
    type Err = Error;

    /// `nsg` (either version: each record's `Version` decides its layout), `nsg-v1`,
    /// `nsg-v2`, `vnet`, `aws`, `aws-parquet`.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "nsg" | "nsg-v2" => RawFormat::NsgFlowV2,
            "nsg-v1" => RawFormat::NsgFlowV1,
            "vnet" | "vnet-v4" => RawFormat::VnetFlowV4,
            "aws" => RawFormat::AwsVpc,
            "aws-parquet" => RawFormat::AwsVpcParquet,
            _ => {
                return Err(
                    Error::usage(format!("unknown raw flow log format {s:?}")).with_help("the formats are nsg, vnet, aws and aws-parquet")
                )
            }
        })
    }
}

/// Files of one family read into one table. NSG versions 1 and 2 share a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Nsg,
    Vnet,
    Aws,
    AwsParquet,
}

/// How raw logs are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Skip malformed records and tuples (listing each in [`ReadReport::skipped`])
    /// instead of failing on the first.
    pub lenient: bool,
    /// The VNet (or VPC) address ranges, for `FlowType_s` in the
    /// AzureNetworkAnalytics_CL view: `IntraVNet`/`InterVNet` instead of `UnknownPrivate`.
    pub vnets: Vec<ipnet::IpNet>,
    /// Show a progress bar on stderr when loading takes more than a second and stderr is
    /// a terminal.
    pub progress: bool,
    /// The TA-compatible mode of the AzureNetworkAnalytics_CL view (FORMATS.md 11.1):
    /// rows merged per Traffic Analytics' key in fixed UTC intervals of this length,
    /// instead of one row per tuple or record (see `aggregate.rs`).
    pub ta_aggregate: Option<TaInterval>,
}

/// What a read did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Files read.
    pub files: usize,
    /// Records read: JSON records (NSG, VNet), lines (AWS text) or rows (AWS Parquet).
    pub records: usize,
    /// Rows of the table returned.
    pub rows: usize,
    /// What was left out because it is malformed, one line each:
    /// `"file: record N: reason"` (`line N` for AWS text).
    pub skipped: Vec<String>,
    /// What was left out by design, one line each: files in a tree that are not flow
    /// logs of the format read, AWS fields with no column, NODATA/SKIPDATA rows in the
    /// AzureNetworkAnalytics_CL view.
    pub notes: Vec<String>,
}

/// One line for stderr: `read 24 files, 24 records, 1200 rows (1 skipped, 1 note)`.
impl fmt::Display for ReadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "read {}, {}, {}",
            plural(self.files, "file", "files"),
            plural(self.records, "record", "records"),
            plural(self.rows, "row", "rows")
        )?;
        let mut extra = Vec::new();
        if !self.skipped.is_empty() {
            extra.push(format!("{} skipped", self.skipped.len()));
        }
        if !self.notes.is_empty() {
            extra.push(plural(self.notes.len(), "note", "notes"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

/// Detects the format of the file at `path` from its content: the first bytes, the JSON
/// keys of the first record, the header line, the Parquet columns. `None` when it is not
/// a raw flow log (a Log Analytics export, say). For a directory or a glob pattern, the
/// format of the first file (in name order) that is a raw flow log.
pub fn detect(path: &Path) -> Result<Option<RawFormat>> {
    if path.is_dir() || (!path.exists() && input::is_glob(&path.to_string_lossy())) {
        for file in input::expand(&path.to_string_lossy())? {
            if let Some(f) = detect_file(&file)? {
                return Ok(Some(f));
            }
        }
        return Ok(None);
    }
    detect_file(path)
}

fn detect_file(path: &Path) -> Result<Option<RawFormat>> {
    let head = input::read_prefix(path, detect::PREFIX)?;
    if head.starts_with(b"PAR1") {
        return Ok(aws_parquet::is_aws(path).then_some(RawFormat::AwsVpcParquet));
    }
    Ok(detect::from_prefix(&head))
}

/// Reads a file, a directory tree (recursively: every file of the format) or a glob into
/// the format's native table. `format` forces the format; otherwise it is detected (for a
/// tree, from the first file that is a raw flow log). Returns the table's name
/// (`NSGFlowTuples`, `VNetFlowTuples` or `AWSVPCFlow`), the table and what was read.
pub fn read_native(path: &str, format: Option<RawFormat>, opts: &ReadOptions) -> Result<(String, Table, ReadReport)> {
    let (family, df, mut report) = load(path, format, opts)?;
    report.rows = df.height();
    let schema = match family {
        Family::Nsg => nsg::schema(),
        Family::Vnet => vnet::schema(),
        Family::Aws | Family::AwsParquet => aws::table_schema(),
    };
    let name = match family {
        Family::Nsg => nsg::TABLE,
        Family::Vnet => vnet::TABLE,
        Family::Aws | Family::AwsParquet => aws::TABLE,
    };
    Ok((name.to_string(), Table { schema, frame: df.lazy() }, report))
}

/// Reads like [`read_native`], then gives the rows the shape of
/// `AzureNetworkAnalytics_CL`: one row per tuple, or per AWS record (see
/// `network_analytics.rs` for every derivation), or with [`ReadOptions::ta_aggregate`]
/// one row per Traffic Analytics group and interval (`aggregate.rs`).
pub fn read_as_network_analytics(path: &str, format: Option<RawFormat>, opts: &ReadOptions) -> Result<(Table, ReadReport)> {
    let (family, df, mut report) = load(path, format, opts)?;
    let view = match family {
        Family::Nsg => network_analytics::from_azure(&df, network_analytics::Source::Nsg, &opts.vnets)?,
        Family::Vnet => network_analytics::from_azure(&df, network_analytics::Source::Vnet, &opts.vnets)?,
        Family::Aws | Family::AwsParquet => {
            let (view, left_out) = network_analytics::from_aws(&df, &opts.vnets)?;
            if left_out > 0 {
                report.notes.push(format!(
                    "{path}: {left_out} NODATA/SKIPDATA rows describe no flow and are not in the AzureNetworkAnalytics_CL view"
                ));
            }
            view
        }
    };
    drop(df);
    let view = match opts.ta_aggregate {
        Some(interval) => aggregate::aggregate(&view, interval)?,
        None => view,
    };
    report.rows = view.height();
    let schema = crate::schema::builtin(network_analytics::TABLE).unwrap_or_default();
    Ok((Table { schema, frame: view.lazy() }, report))
}

/// Reads one line per CIDR (`10.0.0.0/16`; a bare address is a single host), with `#`
/// starting a comment; blank lines are ignored.
pub fn parse_vnets_file(path: &Path) -> Result<Vec<ipnet::IpNet>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::data(format!("{}: {e}", path.display())))?;
    let mut nets = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or("").trim();
        let entry = entry.trim_start_matches('\u{feff}');
        if entry.is_empty() {
            continue;
        }
        let net = entry.parse::<ipnet::IpNet>().or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)).map_err(|_| {
            Error::data(format!("{}: line {}: {entry:?} is not a CIDR range", path.display(), i + 1))
                .with_help("write one range per line, like 10.0.0.0/16; # starts a comment")
        })?;
        nets.push(net);
    }
    Ok(nets)
}

/// The files to read and their family.
fn plan(path: &str, format: Option<RawFormat>, notes: &mut Vec<String>) -> Result<(Family, Vec<PathBuf>)> {
    let files = input::expand(path)?;
    if let (Some(f), [one]) = (format, files.as_slice()) {
        return Ok((f.family(), vec![one.clone()]));
    }
    let detected: Vec<Result<Option<RawFormat>>> = files.par_iter().map(|f| detect_file(f)).collect();
    let mut family = format.map(RawFormat::family);
    let mut chosen = Vec::new();
    for (file, d) in files.iter().zip(detected) {
        let shown = file.display();
        match d? {
            Some(f) if family.is_none() || family == Some(f.family()) => {
                family = Some(f.family());
                chosen.push(file.clone());
            }
            Some(f) => notes.push(format!("{shown}: a {} flow log, not of the format read; left out", f.name())),
            None => notes.push(format!("{shown}: not a raw flow log; left out")),
        }
    }
    match family {
        Some(f) if !chosen.is_empty() => Ok((f, chosen)),
        _ => {
            let what = if files.len() == 1 {
                format!("{path}: not a raw flow log flowkql recognises")
            } else {
                format!("{path}: none of the {} files is a raw flow log flowkql recognises", files.len())
            };
            Err(Error::data(what).with_help(
                "name the format with --format (nsg, vnet, aws, aws-parquet), or check that these are PT1H.json blobs or VPC flow log objects",
            ))
        }
    }
}

/// Reads every planned file into one frame of the family's native schema.
fn load(path: &str, format: Option<RawFormat>, opts: &ReadOptions) -> Result<(Family, DataFrame, ReadReport)> {
    let mut report = ReadReport::default();
    let (family, files) = plan(path, format, &mut report.notes)?;
    let sizes: Vec<u64> = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).collect();
    let progress = progress::Progress::new(opts.progress, sizes.iter().sum(), files.len());
    let read_one = |(file, size): (&PathBuf, &u64)| -> (Result<(Vec<DataFrame>, usize)>, Problems) {
        let mut problems = Problems::new(file.display().to_string(), opts.lenient);
        let mut done = progress::FileProgress::new(&progress, *size);
        let r = read_file(file, family, &mut problems, &mut done);
        done.finish();
        (r, problems)
    };
    let results: Vec<_> = if family == Family::AwsParquet {
        // Polars scans Parquet with its own threads.
        files.iter().zip(&sizes).map(read_one).collect()
    } else {
        files.par_iter().zip(&sizes).map(read_one).collect()
    };
    progress.finish();
    let schema = match family {
        Family::Nsg => nsg::schema(),
        Family::Vnet => vnet::schema(),
        Family::Aws | Family::AwsParquet => aws::table_schema(),
    };
    let mut frames = Vec::new();
    for (r, problems) in results {
        report.skipped.extend(problems.skipped);
        report.notes.extend(problems.notes);
        let (dfs, records) = r?;
        report.files += 1;
        report.records += records;
        frames.extend(dfs);
    }
    let df = columns::stack(frames, &schema)?;
    Ok((family, df, report))
}

fn read_file(file: &Path, family: Family, problems: &mut Problems, done: &mut progress::FileProgress) -> Result<(Vec<DataFrame>, usize)> {
    if family == Family::AwsParquet {
        let (df, rows) = aws_parquet::read(file, problems)?;
        return Ok((vec![df], rows));
    }
    let (content, cut) = input::content(file)?;
    let mut bytes: &[u8] = &content;
    if let Some(why) = cut {
        problems.file_fault(why, TRUNCATED_HELP)?;
        if family == Family::Aws {
            // Text after the last line break of a broken stream is a cut line.
            let end = memchr::memrchr(b'\n', bytes).map_or(0, |k| k + 1);
            if end < bytes.len() {
                problems.fault_with_help("last line", "cut by the break in the gzip stream; not read", TRUNCATED_HELP)?;
                bytes = &bytes[..end];
            }
        }
    }
    done.set_content(bytes.len());
    match family {
        Family::Nsg => nsg::read(bytes, problems, done),
        Family::Vnet => vnet::read(bytes, problems, done),
        Family::Aws => aws::read(bytes, problems, done),
        Family::AwsParquet => Ok((Vec::new(), 0)),
    }
}
