//! From a `--table` path to bytes: a file, a directory tree (walked recursively, in name
//! order so that results do not depend on the file system), or a glob pattern; gzip is
//! recognised by its magic number, whatever the file is called.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(crate) fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// Every regular file named by `path`, sorted.
pub(crate) fn expand(path: &str) -> Result<Vec<PathBuf>> {
    let p = Path::new(path);
    let mut files = Vec::new();
    if p.exists() {
        collect(p, &mut files)?;
    } else if is_glob(path) {
        let entries = glob::glob(path).map_err(|e| {
            Error::usage(format!("{path}: not a valid glob pattern: {e}"))
                .with_help("quote the pattern so the shell does not expand it, e.g. 'logs/**/PT1H.json'")
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::data(format!("{path}: {e}")))?;
            collect(&entry, &mut files)?;
        }
        if files.is_empty() {
            return Err(Error::data(format!("{path}: no file matches this pattern")));
        }
    } else {
        return Err(Error::data(format!("{path}: no such file or directory")));
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn collect(p: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::data(format!("{}: {e}", p.display())))?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    } else {
        files.push(p.to_path_buf());
    }
    Ok(())
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| Error::data(format!("{}: {e}", path.display())))
}

/// The first `limit` bytes of the file's content (decompressed when gzip).
pub(crate) fn read_prefix(path: &Path, limit: usize) -> Result<Vec<u8>> {
    let mut file = open(path)?;
    let mut head = Vec::with_capacity(limit.min(1 << 16));
    (&mut file).take(limit as u64).read_to_end(&mut head).map_err(|e| Error::data(format!("{}: {e}", path.display())))?;
    if head.starts_with(&GZIP_MAGIC) {
        let file = open(path)?;
        let mut out = Vec::with_capacity(limit.min(1 << 16));
        // A cut or corrupt stream still gives its first bytes, which is all that is needed.
        let _ = MultiGzDecoder::new(file).take(limit as u64).read_to_end(&mut out);
        return Ok(out);
    }
    Ok(head)
}

/// A file's bytes: mapped when the file is large, read into memory otherwise (or when it
/// is gzip and had to be decompressed).
pub(crate) enum Content {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Content {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Content::Mapped(m) => m,
            Content::Owned(v) => v,
        }
    }
}

/// Files at least this large are mapped: the kernel then neither copies them nor hands
/// out fresh pages to copy them into. Smaller ones (most blobs of a tree) are read.
const MAP_FROM: u64 = 1 << 20;

/// The whole content, mapped or read (see [`Content`]); gzip is decompressed. A gzip
/// stream that breaks off gives the bytes before the break and the reason, so that the
/// caller can fail or, lenient, read what is there.
pub(crate) fn content(path: &Path) -> Result<(Content, Option<String>)> {
    let mut file = open(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    // SAFETY: the map is read-only and lives no longer than this load. A file that is
    // appended to meanwhile (a blob still being written) is read up to its length at this
    // moment; Polars maps the files it scans in the same way.
    let mapped = if len >= MAP_FROM { unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok() } else { None };
    let raw = match mapped {
        Some(map) => Content::Mapped(map),
        None => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(|e| Error::data(format!("{}: {e}", path.display())))?;
            Content::Owned(bytes)
        }
    };
    if !raw.starts_with(&GZIP_MAGIC) {
        #[cfg(unix)]
        if let Content::Mapped(map) = &raw {
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        return Ok((raw, None));
    }
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4));
    match MultiGzDecoder::new(&raw[..]).read_to_end(&mut out) {
        Ok(_) => Ok((Content::Owned(out), None)),
        Err(e) => {
            let why = format!("the gzip stream breaks off after {} decompressed bytes ({e})", out.len());
            Ok((Content::Owned(out), Some(why)))
        }
    }
}
