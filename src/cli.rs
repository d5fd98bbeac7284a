//! The command line: flags to a [`Session`], then one library call per subcommand. The
//! query-library commands (`list`, `show`, `hunt`, `completions`) live in `cli/library.rs`.

mod library;

use clap::{Args, Parser, Subcommand};
use flowkql::error::{Error, Result};
use flowkql::library::threat_intel;
use flowkql::library::{AlertCondition, Library, LibraryQuery};
use flowkql::output::{self, OutputFormat};
use flowkql::syntax::lex::parse_datetime_text;
use flowkql::{rawlog, render, sample, source, Session};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// `println!` for results on standard output, where a closed pipe (`flowkql functions |
/// head`) means the reader has seen enough rather than an error.
macro_rules! out {
    () => {
        out!("")
    };
    ($($arg:tt)*) => {{
        let mut w = PipeSafe { inner: std::io::stdout().lock() };
        let _ = writeln!(w, $($arg)*);
    }};
}

#[derive(Parser)]
#[command(name = "flowkql", version, about = "Run KQL (Kusto Query Language) over network flow logs, offline")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a query and print or write its result (and its chart).
    Run(RunArgs),
    /// Parse a query and print its syntax tree.
    Parse(QueryArgs),
    /// Print a query's logical plan and the Polars plan it lowers to.
    Explain(ExplainArgs),
    /// Parse and type-check query files against the built-in table schemas, without data.
    Check(CheckArgs),
    /// Write the built-in synthetic sample tables to files.
    Sample(SampleArgs),
    /// List the supported functions with their signatures and an example.
    Functions,
    /// List the library's queries: title, tables, parameters and their defaults.
    List(library::ListArgs),
    /// Show one library query: its header, tables, parameters and text.
    Show(library::ShowArgs),
    /// Run a set of library queries and summarise their answers (optionally per
    /// parameter value, and as an HTML report).
    Hunt(library::HuntArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(library::CompletionsArgs),
}

#[derive(Args, Clone)]
pub struct QueryArgs {
    /// A query file, a library name (nsg/denied-inbound), or `-` for standard input.
    #[arg(conflicts_with = "query", value_name = "FILE|NAME")]
    pub file: Option<PathBuf>,
    /// The query text itself.
    #[arg(short = 'q', long = "query")]
    pub query: Option<String>,
    /// Treat typographic quotes (“ ” ‘ ’) as errors instead of warnings.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub library: LibraryArgs,
}

#[derive(Args, Clone, Default)]
pub struct LibraryArgs {
    /// A folder of library queries, searched for names after ./queries/ and before the
    /// folders of $FLOWKQL_LIBRARY.
    #[arg(long = "library", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

impl LibraryArgs {
    pub fn library(&self) -> Library {
        Library::discover(&self.dirs)
    }
}

#[derive(Args, Clone)]
pub struct DataArgs {
    /// Bind a table name to a file, tree or glob: NAME=PATH or NAME=PATH:FORMAT (csv, json, cli-json, ndjson,
    /// parquet; raw flow logs: nsg, vnet, aws, aws-parquet).
    #[arg(long = "table", value_name = "NAME=PATH")]
    pub tables: Vec<String>,
    /// Bind AzureNetworkAnalytics_CL, NTANetAnalytics, VMConnection and InsightsMetrics to
    /// built-in synthetic rows (ROWS flow rows; default 20000).
    #[arg(long, value_name = "ROWS", num_args = 0..=1, default_missing_value = "0", require_equals = true)]
    pub sample: Option<usize>,
    /// The time now() returns (and the sample is laid out around), e.g. 2024-05-03T12:00:00Z.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Override a top-level scalar `let` of the query (or give a declared query parameter its value), e.g. --set timeframe=2h.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub sets: Vec<String>,
    /// Raw flow logs: skip malformed records (and say how many and where) instead of failing.
    #[arg(long)]
    pub lenient: bool,
    /// Raw flow logs: a file of your VNet CIDRs (one a line) that refines FlowType_s.
    #[arg(long, value_name = "FILE")]
    pub vnets: Option<PathBuf>,
    /// Raw flow logs bound as AzureNetworkAnalytics_CL: merge rows as Traffic Analytics does,
    /// one per source, destination, port, NSG, rule, direction, protocol, status and flow type
    /// in each UTC interval (60m, the default, or 10m), instead of one per tuple.
    #[arg(long = "ta-aggregate", value_name = "60m|10m", num_args = 0..=1, default_missing_value = "60m", require_equals = true)]
    pub ta_aggregate: Option<String>,
    /// Bind an `externaldata` URI of the query to a downloaded copy of its file: URI=PATH
    /// (the query keeps its URI; nothing is fetched).
    #[arg(long = "externaldata", value_name = "URI=PATH")]
    pub externaldata: Vec<String>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub query: QueryArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format (default: table on a terminal, or from the -o extension).
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write the result to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Draw the query's `render` chart to this file (.png or .svg).
    #[arg(long, value_name = "OUT.png|OUT.svg")]
    pub chart: Option<PathBuf>,
    /// Chart width in pixels.
    #[arg(long, default_value_t = 1280)]
    pub width: u32,
    /// Chart height in pixels.
    #[arg(long, default_value_t = 720)]
    pub height: u32,
    /// Judge the result as an alert rule would: `rows > 0`, `rows >= N`, or a predicate
    /// on result columns such as `count_ > 100` (fires when any row satisfies it).
    /// Prints an alert summary instead of the result (write the result with -o) and
    /// exits with status 3 when the alert fires, 0 when it does not.
    #[arg(long, value_name = "CONDITION")]
    pub alert_when: Option<String>,
}

#[derive(Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub query: QueryArgs,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Query files or directories of `.kql` files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Treat typographic quotes as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args)]
pub struct SampleArgs {
    /// Number of AzureNetworkAnalytics_CL rows (the other tables scale with it).
    #[arg(long, default_value_t = sample::DEFAULT_ROWS)]
    pub rows: usize,
    /// Output file (.parquet, .csv, .json or .ndjson); with several tables, the table name
    /// is added before the extension.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Only this table.
    #[arg(long)]
    pub table: Option<String>,
    /// The time the sample is laid out around.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
}

/// A command's exit status, or the diagnostic (with the query text it points into) to
/// print before exiting with the error's status.
pub type Outcome = std::result::Result<i32, Box<flowkql::error::Report>>;

/// A diagnostic printed to stderr with the query text it points into.
pub fn report(e: &Error, name: &str, text: &str) {
    let report = miette::Report::new(e.clone().with_source(name, text.to_string()));
    eprintln!("{report:?}");
}

pub fn run(cli: Cli) -> Outcome {
    let fail = |e: Error| Box::new(e.with_source("", ""));
    match cli.command {
        Command::Run(args) => run_query(args),
        Command::Parse(q) => {
            let (name, text) = read_query(&q).map_err(fail)?;
            let parsed = flowkql::syntax::parse_query(&text, q.strict).map_err(|e| Box::new(e.with_source(&name, text.clone())))?;
            for w in &parsed.warnings {
                report(w, &name, &text);
            }
            out!("{:#?}", parsed.query);
            Ok(0)
        }
        Command::Explain(args) => {
            let (name, text) = read_query(&args.query).map_err(fail)?;
            let mut session = session_for(&args.data, args.query.strict).map_err(fail)?;
            let tables = LibraryQuery::from_text(&name, Path::new(&name), text.clone()).tables;
            bind_threat_intel(&mut session, &tables, &args.data, &args.query.library.library()).map_err(fail)?;
            let (checked, _) = session.check_for_run(&text).map_err(|e| Box::new(e.with_source(&name, text.clone())))?;
            out!("Logical plan:\n{}", flowkql::plan::explain(&checked.plan));
            match flowkql::exec::explain_polars(&checked, session.tables()) {
                Ok(p) => out!("Polars plan (optimized):\n{p}"),
                Err(e) => out!("Polars plan: not available ({})", e.message),
            }
            Ok(0)
        }
        Command::Check(args) => check_files(&args),
        Command::Sample(args) => write_sample(&args).map_err(fail),
        Command::Functions => {
            print_functions();
            Ok(0)
        }
        Command::List(args) => library::list(&args).map_err(fail),
        Command::Show(args) => library::show(&args).map_err(fail),
        Command::Hunt(args) => library::hunt(&args),
        Command::Completions(args) => library::completions(&args).map_err(fail),
    }
}

fn read_query(q: &QueryArgs) -> Result<(String, String)> {
    if let Some(text) = &q.query {
        return Ok(("query".to_string(), text.clone()));
    }
    match q.file.as_deref() {
        None => Err(Error::usage("give a query file, `-` for standard input, or -q TEXT")),
        Some(p) if p == Path::new("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::usage(format!("cannot read the query from standard input: {e}")))?;
            Ok(("<stdin>".to_string(), text))
        }
        Some(p) if p.exists() => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::usage(format!("cannot read query file {}: {e}", p.display())))?;
            Ok((p.display().to_string(), text))
        }
        // Not a file: a name in the query library.
        Some(p) => {
            let query = q.library.library().query(&p.to_string_lossy())?;
            Ok((query.path.display().to_string(), query.text))
        }
    }
}

fn parse_now(now: Option<&str>) -> Result<i64> {
    match now {
        None => Ok(chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)),
        Some(t) => parse_datetime_text(t)
            .ok_or_else(|| Error::usage(format!("--now {t}: not a datetime")).with_help("use ISO 8601, e.g. --now 2024-05-03T12:00:00Z")),
    }
}

fn session_for(data: &DataArgs, strict: bool) -> Result<Session> {
    let now = parse_now(data.now.as_deref())?;
    let mut session = Session::new(now);
    session.strict = strict;
    if let Some(rows) = data.sample {
        let rows = if rows == 0 { sample::DEFAULT_ROWS } else { rows };
        let when = chrono::DateTime::from_timestamp_nanos(now);
        for (name, table) in sample::sample_tables(rows, when)? {
            session.bind(name, table);
        }
    }
    let ta_aggregate = data.ta_aggregate.as_deref().map(str::parse::<rawlog::TaInterval>).transpose()?;
    let mut raw_options =
        rawlog::ReadOptions { lenient: data.lenient, vnets: Vec::new(), progress: std::io::stderr().is_terminal(), ta_aggregate };
    if let Some(v) = &data.vnets {
        raw_options.vnets = rawlog::parse_vnets_file(v)?;
    }
    for arg in &data.tables {
        if let Some((name, table, report)) = bind_raw(arg, &raw_options)? {
            eprintln!("{name}: {report}");
            for skipped in &report.skipped {
                eprintln!("  skipped: {skipped}");
            }
            for note in &report.notes {
                eprintln!("  note: {note}");
            }
            session.bind(name, table);
            continue;
        }
        let (name, path, format) = source::parse_table_arg(arg)?;
        let table = if name == threat_intel::TABLE {
            threat_intel::load(&path, format)?
        } else {
            source::load_table_as(&path, format, flowkql::schema::builtin(&name).as_ref())?
        };
        session.bind(name, table);
    }
    for arg in &data.externaldata {
        let (uri, path) = external_binding(arg)?;
        session.external.insert(uri, path);
    }
    for s in &data.sets {
        let Some((name, value)) = s.split_once('=') else {
            return Err(Error::usage(format!("--set {s}: expected NAME=VALUE")).with_help("e.g. --set timeframe=2h"));
        };
        session.overrides.insert(name.trim().to_string(), value.to_string());
    }
    Ok(session)
}

/// `--externaldata URI=PATH`. A URI (a SAS query string) and a path (a blob tree's
/// `y=2024`) may both hold `=`: the split taken is the one whose right side is a file.
fn external_binding(arg: &str) -> Result<(String, PathBuf)> {
    let splits: Vec<usize> = arg.match_indices('=').map(|(k, _)| k).collect();
    if splits.is_empty() {
        return Err(Error::usage(format!("--externaldata {arg}: expected URI=PATH"))
            .with_help("e.g. --externaldata \"https://example.com/list.csv=list.csv\""));
    }
    for k in &splits {
        let (uri, path) = (&arg[..*k], &arg[*k + 1..]);
        if !uri.is_empty() && Path::new(path).is_file() {
            return Ok((uri.to_string(), PathBuf::from(path)));
        }
    }
    let path = &arg[splits[splits.len() - 1] + 1..];
    Err(Error::usage(format!("--externaldata {arg}: {path}: no such file"))
        .with_help("give the path of the downloaded file after the last `=`"))
}

/// A `--table` binding of raw flow logs (NSG, VNet or AWS VPC): forced with a raw
/// format suffix (`NAME=PATH:nsg`), or detected from the content of the file, tree or glob.
/// `AzureNetworkAnalytics_CL` gets the Traffic Analytics view; any other name the native
/// table. `None` when the path is not raw flow logs.
fn bind_raw(arg: &str, opts: &rawlog::ReadOptions) -> Result<Option<(String, flowkql::Table, rawlog::ReadReport)>> {
    let Some((name, rest)) = arg.split_once('=') else { return Ok(None) };
    let (path, format) = match rest.rsplit_once(':') {
        Some((p, f)) => match f.parse::<rawlog::RawFormat>() {
            Ok(raw) => (p, Some(raw)),
            Err(_) => (rest, None),
        },
        None => (rest, None),
    };
    let format = match format {
        Some(f) => f,
        None => match rawlog::detect(Path::new(path)) {
            Ok(Some(f)) => f,
            _ => return Ok(None),
        },
    };
    let name = name.trim().to_string();
    if name == "AzureNetworkAnalytics_CL" {
        let (table, report) = rawlog::read_as_network_analytics(path, Some(format), opts)?;
        return Ok(Some((name, table, report)));
    }
    let (_, table, report) = rawlog::read_native(path, Some(format), opts)?;
    Ok(Some((name, table, report)))
}

/// Binds the library's sample indicator file as `ThreatIntel` when a query reads that
/// table, it is not bound, and the data is the sample (whose flows the file matches);
/// on real data an unbound indicator table is an error that says how to bind one.
fn bind_threat_intel(session: &mut Session, tables: &[String], data: &DataArgs, library: &Library) -> Result<()> {
    if !tables.iter().any(|t| t == threat_intel::TABLE) || session.tables().contains_key(threat_intel::TABLE) {
        return Ok(());
    }
    let file = threat_intel::library_file(library);
    match (&file, data.sample.is_some()) {
        (Some(path), true) => {
            session.bind(threat_intel::TABLE, threat_intel::load(path, None)?);
            eprintln!(
                "note: {} bound to the library's sample indicators, {}; bind your own with --table {}=FILE",
                threat_intel::TABLE,
                path.display(),
                threat_intel::TABLE
            );
            Ok(())
        }
        _ => {
            let shipped = file.map(|p| format!(" (the library ships sample indicators in {})", p.display())).unwrap_or_default();
            Err(Error::usage(format!("the query reads {0}, and no {0} table is bound", threat_intel::TABLE))
                .with_help(format!("bind an indicator file with --table {}=indicators.csv{shipped}", threat_intel::TABLE)))
        }
    }
}

fn run_query(args: RunArgs) -> Outcome {
    let fail = |e: Error| Box::new(e.with_source("", ""));
    let alert = args.alert_when.as_deref().map(AlertCondition::parse).transpose().map_err(fail)?;
    let (name, text) = read_query(&args.query).map_err(fail)?;
    let mut session = session_for(&args.data, args.query.strict).map_err(fail)?;
    let tables = LibraryQuery::from_text(&name, Path::new(&name), text.clone()).tables;
    bind_threat_intel(&mut session, &tables, &args.data, &args.query.library.library()).map_err(fail)?;
    let with_text = |e: Error| Box::new(e.with_source(&name, text.clone()));
    let (checked, warnings) = session.check_for_run(&text).map_err(with_text)?;
    if let Some(alert) = &alert {
        alert.check_against(&checked.plan.schema, session.now).map_err(fail)?;
    }
    for w in &warnings {
        report(w, &name, &text);
    }
    match (&checked.render, &args.chart) {
        // Checked before the query runs; a result with series (arrays) is laid out first,
        // so its chart roles are known only from the data.
        (Some(r), Some(_)) if !render::may_hold_series(&checked.plan.schema) => {
            render::chart_spec(r, &checked.plan.schema).map_err(with_text)?;
        }
        (None, Some(path)) => {
            return Err(fail(
                Error::usage(format!("--chart {}: the query has no `render` operator, so there is no chart to draw", path.display()))
                    .with_help("end the query with e.g. `| render columnchart`, or drop --chart"),
            ));
        }
        _ => {}
    }
    let result = flowkql::exec::run(&checked, session.tables()).map_err(with_text)?;
    let chart = match (&checked.render, &args.chart) {
        (Some(r), Some(_)) => Some(render::chart_input(r, &result).map_err(with_text)?),
        _ => None,
    };
    if let Some(alert) = &alert {
        return judge(alert, &result, &args, chart.as_ref().map(|(s, t)| (s, t.as_ref())), session.now).map_err(fail);
    }
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(p)) => OutputFormat::from_path(p).map_err(fail)?,
        (None, None) => OutputFormat::Table,
    };
    match &args.output {
        Some(p) => output::write_result_to_path(&result, format, p).map_err(fail)?,
        None => {
            let mut out = PipeSafe { inner: std::io::stdout().lock() };
            output::write_result(&result, format, &mut out).map_err(fail)?;
            out.flush().map_err(|e| fail(Error::runtime(format!("cannot write the result: {e}"))))?;
        }
    }
    if let (Some((spec, table)), Some(path)) = (&chart, &args.chart) {
        render::draw_chart(spec, table, path, args.width, args.height).map_err(fail)?;
        eprintln!("chart written to {}", path.display());
    } else if let Some(r) = &checked.render {
        if std::io::stderr().is_terminal() || args.output.is_none() {
            eprintln!("hint: this query renders a {}; add --chart out.png (or .svg) to draw it", r.visualization.name);
        }
    }
    Ok(0)
}

/// `run --alert-when`: the result goes to -o only; standard output gets the verdict.
fn judge(
    alert: &AlertCondition,
    result: &flowkql::ResultTable,
    args: &RunArgs,
    chart: Option<(&render::ChartSpec, &flowkql::ResultTable)>,
    now: i64,
) -> Result<i32> {
    if let Some(p) = &args.output {
        let format = match args.format {
            Some(f) => f,
            None => OutputFormat::from_path(p)?,
        };
        output::write_result_to_path(result, format, p)?;
    }
    if let (Some((spec, table)), Some(path)) = (chart, &args.chart) {
        render::draw_chart(spec, table, path, args.width, args.height)?;
        eprintln!("chart written to {}", path.display());
    }
    let verdict = alert.evaluate(result, now)?;
    let mut out = PipeSafe { inner: std::io::stdout().lock() };
    verdict.write_summary(&mut out)?;
    out.flush().map_err(|e| Error::runtime(format!("cannot write the alert summary: {e}")))?;
    Ok(if verdict.fired { 3 } else { 0 })
}

fn check_files(args: &CheckArgs) -> Outcome {
    let mut files = Vec::new();
    let library = Library::discover(&[]);
    for p in &args.paths {
        if !p.exists() {
            // A library name, such as `nsg` or `nsg/denied-inbound`.
            match library.resolve(&p.to_string_lossy()).map_err(|e| Box::new(e.with_source("", "")))? {
                flowkql::library::resolve::Resolved::File { path, .. } | flowkql::library::resolve::Resolved::Dir { path, .. } => {
                    collect_kql(&path, &mut files).map_err(|e| Box::new(e.with_source("", "")))?;
                }
            }
            continue;
        }
        collect_kql(p, &mut files).map_err(|e| Box::new(e.with_source("", "")))?;
    }
    let mut session = Session::new(0);
    session.strict = args.strict;
    session.builtin_schemas = true;
    // The library's own tables (the indicator table), empty: checking needs no data.
    session.bind(threat_intel::TABLE, threat_intel::empty_table().map_err(|e| Box::new(e.with_source("", "")))?);
    let mut failed = 0;
    for f in &files {
        let name = f.display().to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{name}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        match session.check(&text) {
            Ok((_, warnings)) => {
                for w in &warnings {
                    report(w, &name, &text);
                }
                out!("ok    {name}");
            }
            // A library file kept verbatim although Kusto rejects it says so in its tags.
            Err(e) if text.lines().any(|l| l.starts_with("// tags:") && l.contains("verbatim-rejected")) => {
                out!("ok    {name} (rejected, as its tags say Kusto rejects it: {})", e.message);
            }
            Err(e) => {
                out!("FAIL  {name}");
                report(&e, &name, &text);
                failed += 1;
            }
        }
    }
    out!("{} checked, {} failed", files.len(), failed);
    Ok(if failed > 0 { 2 } else { 0 })
}

fn collect_kql(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    flowkql::library::resolve::collect_kql(p, out)
}

fn write_sample(args: &SampleArgs) -> Result<i32> {
    let now = parse_now(args.now.as_deref())?;
    let when = chrono::DateTime::from_timestamp_nanos(now);
    let format = OutputFormat::from_path(&args.output)?;
    let tables = sample::sample_tables(args.rows, when)?;
    let chosen: Vec<_> = match &args.table {
        Some(t) => {
            let found: Vec<_> = tables.into_iter().filter(|(n, _)| n == t).collect();
            if found.is_empty() {
                return Err(Error::usage(format!("--table {t}: the sample has no such table"))
                    .with_help("one of AzureNetworkAnalytics_CL, NTANetAnalytics, VMConnection, InsightsMetrics"));
            }
            found
        }
        None => tables,
    };
    let several = chosen.len() > 1;
    for (name, table) in chosen {
        let path = if several { with_table_name(&args.output, &name) } else { args.output.clone() };
        let frame = table.frame.collect().map_err(Error::from)?;
        let result = flowkql::ResultTable { schema: table.schema, frame };
        output::write_result_to_path(&result, format, &path)?;
        eprintln!("{name}: {} rows written to {}", result.frame.height(), path.display());
    }
    Ok(0)
}

fn with_table_name(path: &Path, table: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let ext = path.extension().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    path.with_file_name(format!("{stem}.{table}.{ext}"))
}

fn print_functions() {
    use flowkql::functions::{FnKind, FUNCTIONS};
    for kind in [FnKind::Scalar, FnKind::Aggregate] {
        out!("{}", if kind == FnKind::Scalar { "Scalar functions" } else { "Aggregation functions (summarize)" });
        for f in FUNCTIONS.iter().filter(|f| f.kind == kind) {
            out!("  {:<40} {}", f.signature, f.doc);
            out!("  {:<40} e.g. {}", "", f.example);
        }
        out!();
    }
    out!("Tabular operators");
    for (op, doc) in flowkql::syntax::OPERATORS {
        out!("  {op:<40} {doc}");
    }
}

/// Standard output that treats a closed pipe (`flowkql run ... | head`) as the reader
/// having seen enough, not as an error.
struct PipeSafe<W: Write> {
    inner: W,
}

impl<W: Write> Write for PipeSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
