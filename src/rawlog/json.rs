//! Shared by the two Azure JSON readers (NSG and VNet flow logs): typed, borrowing
//! deserialization of one record, a precise field path when a record does not fit, and
//! the driver that splits a blob into records, parses them (in parallel for large
//! blobs) and reports the blob's tail (truncated, unclosed, junk).

use super::problems::{Problems, FILE_HELP, TRUNCATED_HELP};
use super::progress::FileProgress;
use super::records::{self, Tail};
use crate::error::Result;
use polars::prelude::DataFrame;
use rayon::prelude::*;
use serde::de::{Deserialize, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A JSON string that borrows from the input when it has no escapes (flow tuples never
/// do), and is copied otherwise.
#[derive(Debug, Clone, Default)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

pub(crate) fn text<'a>(t: &'a Option<Text<'_>>) -> &'a str {
    t.as_ref().map_or("", |t| t.as_str())
}

/// Parses one record; when it does not fit the expected shape, says where (the JSON
/// path of the field at fault) and why.
pub(crate) fn parse_record<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> std::result::Result<T, String> {
    // One check of the whole record for UTF-8 (fast on long text) spares serde_json
    // checking each string; a record that fails it is parsed from bytes below, which
    // names the string at fault.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str::<T>(text),
        Err(_) => serde_json::from_slice::<T>(bytes),
    };
    match parsed {
        Ok(v) => Ok(v),
        Err(first) => {
            // The slow path runs only for a bad record: parse again, tracking the path.
            let mut de = serde_json::Deserializer::from_slice(bytes);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => {
                    let path = e.path().to_string();
                    if path == "." || path.is_empty() {
                        Err(e.inner().to_string())
                    } else {
                        Err(format!("{path}: {}", e.inner()))
                    }
                }
                Ok(_) => Err(first.to_string()),
            }
        }
    }
}

/// Parses the records of a chunk, noting those that do not fit (they are left out).
pub(crate) fn parse_records<'a, T: Deserialize<'a>>(chunk: &Chunk<'a>, problems: &mut Problems) -> Result<Vec<(usize, T)>> {
    let mut parsed = Vec::with_capacity(chunk.len());
    for (no, bytes) in chunk {
        match parse_record::<T>(bytes) {
            Ok(r) => parsed.push((*no, r)),
            Err(why) => problems.fault(&format!("record {no}"), why)?,
        }
    }
    Ok(parsed)
}

/// The records of one chunk: (1-based record number, bytes).
pub(crate) type Chunk<'a> = [(usize, &'a [u8])];

/// Builds the frame of a chunk of records, noting faults in `problems`.
pub(crate) type ChunkReader = fn(&str, &Chunk<'_>, &mut Problems) -> Result<DataFrame>;

/// Records per parallel chunk: large enough that a chunk's frame is not tiny.
const CHUNK_RECORDS: usize = 256;

/// Splits `bytes` into records and builds their frames with `read_chunk`. Returns the
/// frames (in record order) and the number of complete records.
pub(crate) fn read_blob(
    bytes: &[u8],
    problems: &mut Problems,
    done: &FileProgress,
    read_chunk: ChunkReader,
) -> Result<(Vec<DataFrame>, usize)> {
    let split = match records::split(bytes) {
        Ok(s) => s,
        Err(why) => {
            problems.file_fault(why, FILE_HELP)?;
            return Ok((Vec::new(), 0));
        }
    };
    let numbered: Vec<(usize, &[u8])> = split.records.iter().enumerate().map(|(i, r)| (i + 1, *r)).collect();
    let file = problems.file.clone();
    let lenient = problems.lenient;
    let results: Vec<(Result<DataFrame>, Problems)> = numbered
        .par_chunks(CHUNK_RECORDS)
        .map(|chunk| {
            let mut p = Problems::new(file.clone(), lenient);
            let df = read_chunk(&file, chunk, &mut p);
            done.advance(chunk.iter().map(|(_, r)| r.len()).sum());
            (df, p)
        })
        .collect();
    let mut frames = Vec::with_capacity(results.len());
    for (df, p) in results {
        problems.skipped.extend(p.skipped);
        problems.notes.extend(p.notes);
        frames.push(df?);
    }
    match split.tail {
        None => {}
        Some(Tail::Truncated { record }) => {
            problems.fault_with_help(&format!("record {record}"), "the file ends inside this record (truncated)", TRUNCATED_HELP)?
        }
        Some(Tail::Unclosed { after }) => problems.fault_with_help(
            "end of file",
            format!("the records array is not closed after record {after} (the file is cut short)"),
            TRUNCATED_HELP,
        )?,
        Some(Tail::Junk { record, found }) => problems.fault(
            &format!("record {record}"),
            format!("expected `,` or the end of the records, found {found}; the rest of the file is not read"),
        )?,
    }
    Ok((frames, split.records.len()))
}
