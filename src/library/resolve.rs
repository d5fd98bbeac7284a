//! Where library queries live and how a name finds its file: an existing path is taken
//! as given; otherwise the name (`nsg/denied-inbound`, with or without `.kql`) is looked
//! up in `queries/` under the current directory, then in each `--library DIR`, then in
//! the directories of `FLOWKQL_LIBRARY` (a path list, like `PATH`).

use super::entry::LibraryQuery;
use crate::error::{nearest, Error, Result};
use std::path::{Path, PathBuf};

/// The environment variable naming further library directories.
pub const ENV_VAR: &str = "FLOWKQL_LIBRARY";

/// The library directory looked for under the current directory.
pub const LOCAL_DIR: &str = "queries";

/// The library's search path, in lookup order. Only directories that exist are kept.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub roots: Vec<PathBuf>,
}

/// What a name or path given on the command line turned out to be.
#[derive(Debug, Clone)]
pub enum Resolved {
    File { path: PathBuf, name: String },
    Dir { path: PathBuf, name: String },
}

impl Library {
    /// `queries/`, then the `--library` directories, then `FLOWKQL_LIBRARY`.
    pub fn discover(extra: &[PathBuf]) -> Library {
        let mut candidates = vec![PathBuf::from(LOCAL_DIR)];
        candidates.extend(extra.iter().cloned());
        if let Some(list) = std::env::var_os(ENV_VAR) {
            candidates.extend(std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()));
        }
        Library::with_roots(candidates)
    }

    /// A library of exactly these directories (those that exist), in this order.
    pub fn with_roots(candidates: impl IntoIterator<Item = PathBuf>) -> Library {
        let mut roots: Vec<PathBuf> = Vec::new();
        for c in candidates {
            if c.is_dir() && !roots.iter().any(|r| same_dir(r, &c)) {
                roots.push(c);
            }
        }
        Library { roots }
    }

    /// A file or directory: an existing path as given, else a name in the library.
    pub fn resolve(&self, arg: &str) -> Result<Resolved> {
        let as_given = Path::new(arg);
        if as_given.is_file() {
            return Ok(Resolved::File { path: as_given.to_path_buf(), name: self.name_for(as_given) });
        }
        if as_given.is_dir() {
            return Ok(Resolved::Dir { path: as_given.to_path_buf(), name: self.name_for(as_given) });
        }
        let trimmed = arg.trim_matches('/');
        let bare = trimmed.strip_suffix(".kql").unwrap_or(trimmed);
        for root in &self.roots {
            let file = root.join(format!("{bare}.kql"));
            if file.is_file() {
                return Ok(Resolved::File { path: file, name: bare.to_string() });
            }
            let dir = root.join(bare);
            if !bare.is_empty() && dir.is_dir() {
                return Ok(Resolved::Dir { path: dir, name: bare.to_string() });
            }
        }
        Err(self.not_found(arg))
    }

    /// A query file by path or library name.
    pub fn query(&self, arg: &str) -> Result<LibraryQuery> {
        match self.resolve(arg)? {
            Resolved::File { path, name } => LibraryQuery::read(&path, name),
            Resolved::Dir { path, .. } => Err(Error::usage(format!("{} is a folder of queries, not one query", path.display()))
                .with_help(format!("name one of its queries (see `flowkql list {arg}`), or use `flowkql hunt {arg}` to run them all"))),
        }
    }

    /// Every query a list of paths or names stands for: files as they are, folders
    /// searched for `.kql` files recursively (in name order).
    pub fn queries(&self, args: &[String]) -> Result<Vec<LibraryQuery>> {
        let mut out = Vec::new();
        for arg in args {
            match self.resolve(arg)? {
                Resolved::File { path, name } => out.push(LibraryQuery::read(&path, name)?),
                Resolved::Dir { path, .. } => out.extend(self.queries_in(&path)?),
            }
        }
        Ok(out)
    }

    /// The `.kql` files under a directory, recursively, in name order.
    pub fn queries_in(&self, dir: &Path) -> Result<Vec<LibraryQuery>> {
        let mut files = Vec::new();
        collect_kql(dir, &mut files)?;
        files.iter().map(|f| LibraryQuery::read(f, self.name_for(f))).collect()
    }

    /// Every query of every root; a name found in an earlier root hides a later one.
    pub fn all_queries(&self) -> Result<Vec<LibraryQuery>> {
        let mut out: Vec<LibraryQuery> = Vec::new();
        for root in &self.roots {
            for q in self.queries_in(root)? {
                if !out.iter().any(|o| o.name == q.name) {
                    out.push(q);
                }
            }
        }
        Ok(out)
    }

    /// The library name of a file or folder: its path under the first root that holds
    /// it, without `.kql`, with `/` separators; a path outside every root keeps its text.
    pub fn name_for(&self, path: &Path) -> String {
        let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        for root in &self.roots {
            let Ok(root) = root.canonicalize() else { continue };
            if let Ok(rel) = full.strip_prefix(&root) {
                let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
                let joined = parts.join("/");
                let name = joined.strip_suffix(".kql").unwrap_or(&joined);
                if !name.is_empty() {
                    return name.to_string();
                }
            }
        }
        path.display().to_string()
    }

    fn not_found(&self, arg: &str) -> Error {
        let searched: Vec<String> = self.roots.iter().map(|r| r.display().to_string()).collect();
        let msg = if searched.is_empty() {
            format!("no such file, and no query library to look `{arg}` up in")
        } else {
            format!("no file `{arg}`, and no query of that name in the library ({})", searched.join(", "))
        };
        let names: Vec<String> = self.all_queries().map(|qs| qs.into_iter().map(|q| q.name).collect()).unwrap_or_default();
        let help = match nearest(arg.trim_end_matches(".kql"), names.iter().map(String::as_str)) {
            Some(n) => format!("did you mean `{n}`? `flowkql list` shows the library"),
            None if searched.is_empty() => {
                format!("run from a directory that has `{LOCAL_DIR}/`, or point --library or {ENV_VAR} at a folder of .kql files")
            }
            None => "`flowkql list` shows the library's queries".to_string(),
        };
        Error::usage(msg).with_help(help)
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// `.kql` files under `p` (or `p` itself), sorted by path.
pub fn collect_kql(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| Error::usage(format!("cannot read directory {}: {e}", p.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "kql") {
                collect_kql(&e, out)?;
            }
        }
        Ok(())
    } else if p.exists() {
        out.push(p.to_path_buf());
        Ok(())
    } else {
        Err(Error::usage(format!("no such file or directory: {}", p.display())))
    }
}
