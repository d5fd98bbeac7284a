//! Where malformed input goes: by default the first fault becomes the error (naming the
//! file, the record and the field), with `--lenient` every fault is kept as a line of
//! the read report and the faulty record or tuple is left out. Nothing is dropped
//! without a line here.

use crate::error::{Error, Result};

const HELP: &str = "use --lenient to skip malformed records (each one is listed in the load report)";

/// The faults of one file.
pub(crate) struct Problems {
    pub file: String,
    pub lenient: bool,
    pub skipped: Vec<String>,
    /// Things worth saying that are not faults (a field with no column, say).
    pub notes: Vec<String>,
}

impl Problems {
    pub fn new(file: impl Into<String>, lenient: bool) -> Self {
        Problems { file: file.into(), lenient, skipped: Vec::new(), notes: Vec::new() }
    }

    /// A fault at `at` ("record 3", "line 7"): the error, or a report line when lenient.
    pub fn fault(&mut self, at: &str, what: impl AsRef<str>) -> Result<()> {
        self.fault_with_help(at, what, HELP)
    }

    pub fn fault_with_help(&mut self, at: &str, what: impl AsRef<str>, help: &str) -> Result<()> {
        let line = format!("{}: {}: {}", self.file, at, what.as_ref());
        if self.lenient {
            self.skipped.push(line);
            Ok(())
        } else {
            Err(Error::data(line).with_help(help))
        }
    }

    /// A fault that ends the file: the error, or a report line when lenient.
    pub fn file_fault(&mut self, what: impl AsRef<str>, help: &str) -> Result<()> {
        let line = format!("{}: {}", self.file, what.as_ref());
        if self.lenient {
            self.skipped.push(line);
            Ok(())
        } else {
            Err(Error::data(line).with_help(help))
        }
    }

    pub fn note(&mut self, what: impl AsRef<str>) {
        self.notes.push(format!("{}: {}", self.file, what.as_ref()));
    }
}

pub(crate) const TRUNCATED_HELP: &str =
    "the blob may still be being written; use --lenient to read the complete records and skip the cut one";
pub(crate) const FILE_HELP: &str = "check that the file is a raw flow log of the named format; use --lenient to skip it";
