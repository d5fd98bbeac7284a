//! The query-library commands: `list`, `show`, `hunt` and `completions`. Flags become
//! calls into `flowkql::library`; what they print is decided here.

use super::{bind_threat_intel, session_for, DataArgs, LibraryArgs, Outcome, PipeSafe};
use clap::{Args, CommandFactory};
use flowkql::error::{Error, Result};
use flowkql::library::report::{self, ReportOptions};
use flowkql::library::resolve::Resolved;
use flowkql::library::threat_intel;
use flowkql::library::{hunt as hunting, Compare, LibraryQuery};
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct ListArgs {
    /// A folder of queries or a library folder name (nsg, threat-intel); default: the
    /// whole library.
    #[arg(value_name = "DIR")]
    pub dir: Option<String>,
    #[command(flatten)]
    pub library: LibraryArgs,
}

#[derive(Args)]
pub struct ShowArgs {
    /// A library name (nsg/denied-inbound) or a query file.
    #[arg(value_name = "NAME")]
    pub name: String,
    #[command(flatten)]
    pub library: LibraryArgs,
}

#[derive(Args)]
pub struct HuntArgs {
    /// Query files, folders or library names (default: the whole library).
    #[arg(value_name = "DIR|FILE")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Run each query once per value of a parameter, e.g. timeframe=1h,1d, and show the
    /// answers side by side.
    #[arg(long, value_name = "NAME=V1,V2,...")]
    pub compare: Option<String>,
    /// Write a self-contained HTML report (DIR/index.html): summary, tables, charts.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Rows printed per result (the report shows up to 200).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_rows: usize,
    /// Print only the summary lines, not each result.
    #[arg(long)]
    pub summary_only: bool,
    #[command(flatten)]
    pub library: LibraryArgs,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Rows of each result in the HTML report.
const REPORT_ROWS: usize = 200;

pub fn list(args: &ListArgs) -> Result<i32> {
    let library = args.library.library();
    let groups: Vec<(String, Vec<LibraryQuery>)> = match &args.dir {
        Some(dir) => match library.resolve(dir)? {
            Resolved::Dir { path, .. } => vec![(path.display().to_string(), library.queries_in(&path)?)],
            Resolved::File { path, name } => vec![(path.display().to_string(), vec![LibraryQuery::read(&path, name)?])],
        },
        None if library.roots.is_empty() => return Err(no_library()),
        None => {
            let mut seen: Vec<String> = Vec::new();
            let mut groups = Vec::new();
            for root in &library.roots {
                let mut queries = library.queries_in(root)?;
                // A name an earlier folder already has is hidden by it.
                queries.retain(|q| !seen.contains(&q.name));
                seen.extend(queries.iter().map(|q| q.name.clone()));
                groups.push((root.display().to_string(), queries));
            }
            groups
        }
    };
    let mut out = PipeSafe { inner: std::io::stdout().lock() };
    let io = |e: std::io::Error| Error::runtime(format!("cannot write the list: {e}"));
    for (root, queries) in &groups {
        writeln!(out, "{root} ({} queries)", queries.len()).map_err(io)?;
        let width = queries.iter().map(|q| q.name.chars().count()).max().unwrap_or(0);
        for q in queries {
            writeln!(out, "  {:<width$}  {}", q.name, q.display_title()).map_err(io)?;
            let mut facts = Vec::new();
            if !q.tables.is_empty() {
                facts.push(format!("tables: {}", q.tables.join(", ")));
            }
            if !q.parameters.is_empty() {
                let p: Vec<String> = q.parameters.iter().map(|p| format!("{} = {}", p.name, p.default)).collect();
                facts.push(format!("parameters: {}", p.join(", ")));
            }
            if let Some(e) = &q.syntax_error {
                facts.push(format!("does not parse: {}", e.message));
            }
            if !facts.is_empty() {
                writeln!(out, "  {:<width$}  {}", "", facts.join("; ")).map_err(io)?;
            }
        }
    }
    out.flush().map_err(io)?;
    Ok(0)
}

pub fn show(args: &ShowArgs) -> Result<i32> {
    let q = args.library.library().query(&args.name)?;
    let mut out = PipeSafe { inner: std::io::stdout().lock() };
    let io = |e: std::io::Error| Error::runtime(format!("cannot write the query: {e}"));
    writeln!(out, "{}  ({})", q.name, q.path.display()).map_err(io)?;
    let field = |label: &str, value: &str| format!("{label:<12} {value}");
    let mut lines = vec![field("title:", q.display_title())];
    if !q.description.is_empty() {
        lines.push(field("description:", &q.description));
    }
    if !q.tags.is_empty() {
        lines.push(field("tags:", &q.tags.join(", ")));
    }
    if !q.tables.is_empty() {
        lines.push(field("tables:", &q.tables.join(", ")));
    }
    for (i, p) in q.parameters.iter().enumerate() {
        let label = if i == 0 { "parameters:" } else { "" };
        lines.push(field(label, &format!("{} = {}   (--set {}=VALUE)", p.name, p.default, p.name)));
    }
    let data = if q.tables.iter().any(|t| t == "AWSVPCFlow") { "--table AWSVPCFlow=FILE" } else { "--sample" };
    lines.push(field("run:", &format!("flowkql run {} {data}", q.name)));
    for l in lines {
        writeln!(out, "{l}").map_err(io)?;
    }
    writeln!(out, "\n{}", q.text.trim_end()).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(0)
}

pub fn hunt(args: &HuntArgs) -> Outcome {
    let fail = |e: Error| Box::new(e.with_source("", ""));
    let compare = args.compare.as_deref().map(Compare::parse).transpose().map_err(fail)?;
    if args.data.sample.is_none() && args.data.tables.is_empty() {
        return Err(fail(
            Error::usage("hunt needs data to run the queries on")
                .with_help("add --sample for the built-in sample, or --table NAME=PATH for your exports"),
        ));
    }
    let library = args.library.library();
    let queries = if args.paths.is_empty() {
        if library.roots.is_empty() {
            return Err(fail(no_library()));
        }
        library.all_queries().map_err(fail)?
    } else {
        library.queries(&args.paths).map_err(fail)?
    };
    if queries.is_empty() {
        return Err(fail(Error::usage("no .kql files to hunt with").with_help("name query files or folders that hold .kql files")));
    }
    let mut session = session_for(&args.data, false).map_err(fail)?;
    let read: Vec<String> = queries.iter().flat_map(|q| q.tables.iter().cloned()).collect();
    if args.data.sample.is_some() && threat_intel::library_file(&library).is_some() {
        // On the sample, the library's indicators stand in for a feed; elsewhere (or with
        // no indicator file in the library) the threat-intelligence queries are skipped
        // unless an indicator file is bound.
        bind_threat_intel(&mut session, &read, &args.data, &library).map_err(fail)?;
    }
    for name in session.overrides.keys() {
        if !queries.iter().any(|q| q.parameter(name).is_some()) {
            return Err(fail(Error::usage(format!("--set {name}: none of the queries has a top-level `let {name}`"))));
        }
    }
    if let Some(c) = &compare {
        if !queries.iter().any(|q| q.parameter(&c.parameter).is_some()) {
            return Err(fail(
                Error::usage(format!("--compare {}: none of the queries has a top-level `let {}`", c.parameter, c.parameter))
                    .with_help("`flowkql list` shows each query's parameters"),
            ));
        }
    }
    let result = hunting::hunt(queries, &session, compare.as_ref());
    let mut out = PipeSafe { inner: std::io::stdout().lock() };
    result.write_summary(&mut out).map_err(fail)?;
    if !args.summary_only {
        result.write_results(&mut out, args.max_rows).map_err(fail)?;
    }
    out.flush().map_err(|e| fail(Error::runtime(format!("cannot write the hunt: {e}"))))?;
    if let Some(dir) = &args.report {
        let options = ReportOptions { data: data_description(&args.data), max_rows: REPORT_ROWS };
        let path = report::write_report(&result, dir, &options).map_err(fail)?;
        eprintln!("report written to {}", path.display());
    }
    Ok(result.exit_code())
}

pub fn completions(args: &CompletionsArgs) -> Result<i32> {
    let mut command = super::Cli::command();
    let mut out = PipeSafe { inner: std::io::stdout().lock() };
    clap_complete::generate(args.shell, &mut command, "flowkql", &mut out);
    out.flush().map_err(|e| Error::runtime(format!("cannot write the completion script: {e}")))?;
    Ok(0)
}

fn no_library() -> Error {
    Error::usage("no query library found").with_help(format!(
        "run from a directory that has `{}/`, or point --library or {} at a folder of .kql files",
        flowkql::library::resolve::LOCAL_DIR,
        flowkql::library::resolve::ENV_VAR
    ))
}

/// Where the hunt's tables came from, for the report.
fn data_description(data: &DataArgs) -> String {
    let mut parts = Vec::new();
    if let Some(rows) = data.sample {
        let rows = if rows == 0 { flowkql::sample::DEFAULT_ROWS } else { rows };
        parts.push(format!("built-in sample ({rows} flow rows)"));
    }
    parts.extend(data.tables.iter().cloned());
    if !data.sets.is_empty() {
        parts.push(format!("--set {}", data.sets.join(", ")));
    }
    parts.join(", ")
}
