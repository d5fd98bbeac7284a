//! Every writer on hand-built results, with the expected bytes written out by hand, and
//! round trips through `source`.

use super::*;
use crate::source::load_table;
use crate::types::{KqlType, Schema};
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const SEC: i64 = 1_000_000_000;
/// 2024-05-03T11:07:12.247Z: 19846 days after the epoch, plus 11:07:12.247.
const MAY_3_2024: i64 = (19_846 * 86_400 + 11 * 3600 + 7 * 60 + 12) * SEC + 247_000_000;

fn polars_err(e: PolarsError) -> Error {
    Error::runtime(e.to_string())
}

fn datetimes(name: &str, v: &[Option<i64>]) -> Result<Column> {
    Ok(Series::new(name.into(), v).cast(&KqlType::DateTime.polars()).map_err(polars_err)?.into_column())
}

fn timespans(name: &str, v: &[Option<i64>]) -> Result<Column> {
    Ok(Series::new(name.into(), v).cast(&KqlType::TimeSpan.polars()).map_err(polars_err)?.into_column())
}

fn texts(name: &str, v: &[Option<&str>]) -> Column {
    Series::new(name.into(), v).into_column()
}

fn result(columns: Vec<(Column, KqlType)>) -> Result<ResultTable> {
    let schema = Schema::new(columns.iter().map(|(c, t)| (c.name().to_string(), *t)).collect());
    let frame = DataFrame::new_infer_height(columns.into_iter().map(|(c, _)| c).collect()).map_err(polars_err)?;
    Ok(ResultTable { schema, frame })
}

/// One column of every Kusto type; the middle row is all nulls (an empty string for
/// `string`, which cannot be null).
fn every_type() -> Result<ResultTable> {
    result(vec![
        (Series::new("b".into(), [Some(true), None, Some(false)]).into_column(), KqlType::Bool),
        (Series::new("i".into(), [Some(1i32), None, Some(-7)]).into_column(), KqlType::Int),
        (Series::new("l".into(), [Some(10_000_000_000i64), None, Some(-1)]).into_column(), KqlType::Long),
        (Series::new("r".into(), [Some(0.5f64), None, Some(443.0)]).into_column(), KqlType::Real),
        (Series::new("m".into(), [Some(1.25f64), None, Some(1e15)]).into_column(), KqlType::Decimal),
        (texts("s", &[Some("a,b \"q\""), Some(""), Some("line\nbreak")]), KqlType::String),
        (datetimes("t", &[Some(MAY_3_2024), None, Some(0)])?, KqlType::DateTime),
        (timespans("ts", &[Some(86_400 * SEC), None, Some(-SEC / 10)])?, KqlType::TimeSpan),
        (texts("g", &[Some("74be27de-1e4e-49d9-b579-fe0b331d3642"), None, Some("00000000-0000-0000-0000-000000000001")]), KqlType::Guid),
        (texts("d", &[Some(r#"{"a":[1,2]}"#), None, Some(r#""text""#)]), KqlType::Dynamic),
    ])
}

fn written(result: &ResultTable, format: OutputFormat) -> Result<String> {
    let mut out = Vec::new();
    write_result(result, format, &mut out)?;
    String::from_utf8(out).map_err(|e| Error::runtime(e.to_string()))
}

#[test]
fn csv_of_every_type() -> Result<()> {
    let want = concat!(
        "b,i,l,r,m,s,t,ts,g,d\n",
        "true,1,10000000000,0.5,1.25,\"a,b \"\"q\"\"\",2024-05-03T11:07:12.247Z,1.00:00:00,74be27de-1e4e-49d9-b579-fe0b331d3642,\"{\"\"a\"\":[1,2]}\"\n",
        ",,,,,,,,,\n",
        "false,-7,-1,443,1E+15,\"line\nbreak\",1970-01-01T00:00:00Z,-00:00:00.1000000,00000000-0000-0000-0000-000000000001,text\n",
    );
    assert_eq!(written(&every_type()?, OutputFormat::Csv)?, want);
    Ok(())
}

#[test]
fn json_of_every_type() -> Result<()> {
    let want = concat!(
        r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"b","type":"bool"},{"name":"i","type":"int"},"#,
        r#"{"name":"l","type":"long"},{"name":"r","type":"real"},{"name":"m","type":"decimal"},{"name":"s","type":"string"},"#,
        r#"{"name":"t","type":"datetime"},{"name":"ts","type":"timespan"},{"name":"g","type":"guid"},{"name":"d","type":"dynamic"}],"rows":["#,
        "\n",
        r#"[true,1,10000000000,0.5,1.25,"a,b \"q\"","2024-05-03T11:07:12.247Z","1.00:00:00","74be27de-1e4e-49d9-b579-fe0b331d3642",{"a":[1,2]}],"#,
        "\n",
        r#"[null,null,null,null,null,"",null,null,null,null],"#,
        "\n",
        r#"[false,-7,-1,443,1E+15,"line\nbreak","1970-01-01T00:00:00Z","-00:00:00.1000000","00000000-0000-0000-0000-000000000001","text"]"#,
        "\n]}]}\n",
    );
    let got = written(&every_type()?, OutputFormat::Json)?;
    assert_eq!(got, want);
    assert!(serde_json::from_str::<serde_json::Value>(&got).is_ok());
    Ok(())
}

#[test]
fn ndjson_of_every_type() -> Result<()> {
    let want = concat!(
        r#"{"b":true,"i":1,"l":10000000000,"r":0.5,"m":1.25,"s":"a,b \"q\"","t":"2024-05-03T11:07:12.247Z","ts":"1.00:00:00","g":"74be27de-1e4e-49d9-b579-fe0b331d3642","d":{"a":[1,2]}}"#,
        "\n",
        r#"{"b":null,"i":null,"l":null,"r":null,"m":null,"s":"","t":null,"ts":null,"g":null,"d":null}"#,
        "\n",
        r#"{"b":false,"i":-7,"l":-1,"r":443,"m":1E+15,"s":"line\nbreak","t":"1970-01-01T00:00:00Z","ts":"-00:00:00.1000000","g":"00000000-0000-0000-0000-000000000001","d":"text"}"#,
        "\n",
    );
    assert_eq!(written(&every_type()?, OutputFormat::Ndjson)?, want);
    Ok(())
}

#[test]
fn non_finite_reals_are_json_strings() -> Result<()> {
    let r = result(vec![(Series::new("r".into(), [f64::NAN, f64::NEG_INFINITY]).into_column(), KqlType::Real)])?;
    assert_eq!(written(&r, OutputFormat::Ndjson)?, "{\"r\":\"NaN\"}\n{\"r\":\"-Infinity\"}\n");
    assert_eq!(written(&r, OutputFormat::Csv)?, "r\nNaN\n-Infinity\n");
    Ok(())
}

#[test]
fn terminal_table() -> Result<()> {
    let long = "x".repeat(70);
    let r = result(vec![
        (texts("Name", &[Some("a"), Some(&long), Some("tab\there")]), KqlType::String),
        (Series::new("Count".into(), [Some(5i64), None, Some(-12)]).into_column(), KqlType::Long),
        (Series::new("Ratio".into(), [Some(0.25f64), Some(1e15), None]).into_column(), KqlType::Real),
    ])?;
    // Name is 60 wide (the cut cell), Count and Ratio 5 (their headers), numbers right-aligned.
    let want = [
        format!("Name{}  Count  Ratio", " ".repeat(56)),
        format!("{}  -----  -----", "-".repeat(60)),
        format!("a{}      5   0.25", " ".repeat(59)),
        format!("{}…         1E+15", "x".repeat(59)),
        format!("tab\\there{}    -12", " ".repeat(51)),
        "3 rows".to_string(),
    ]
    .join("\n")
        + "\n";
    assert_eq!(written(&r, OutputFormat::Table)?, want);
    Ok(())
}

#[test]
fn terminal_table_of_nothing() -> Result<()> {
    let r = result(vec![(Series::new("n".into(), Vec::<i64>::new()).into_column(), KqlType::Long)])?;
    assert_eq!(written(&r, OutputFormat::Table)?, "n\n-\n0 rows\n");
    let one = result(vec![(Series::new("n".into(), [7i64]).into_column(), KqlType::Long)])?;
    assert_eq!(written(&one, OutputFormat::Table)?, "n\n-\n7\n1 row\n");
    Ok(())
}

#[test]
fn one_column_csv_quotes_empty_values() -> Result<()> {
    let r = result(vec![(texts("s", &[Some("a"), Some("")]), KqlType::String)])?;
    assert_eq!(written(&r, OutputFormat::Csv)?, "s\na\n\"\"\n");
    let (schema, df) = round_trip(&r, OutputFormat::Csv, "one.csv")?;
    assert_eq!(schema, r.schema);
    assert!(df.equals_missing(&r.frame));
    Ok(())
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A directory in the temp dir, removed when dropped (also when a test fails).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> Result<TempDir> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("flowkql-out-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(TempDir(dir))
}

fn round_trip(r: &ResultTable, format: OutputFormat, name: &str) -> Result<(Schema, DataFrame)> {
    let dir = temp_dir()?;
    let path = dir.0.join(name);
    write_result_to_path(r, format, &path)?;
    let table = load_table(&path, None)?;
    let frame = table.frame.collect().map_err(polars_err)?;
    Ok((table.schema, frame))
}

#[test]
fn typed_formats_round_trip_exactly() -> Result<()> {
    let original = every_type()?;
    for (format, name) in [(OutputFormat::Json, "r.json"), (OutputFormat::Parquet, "r.parquet")] {
        let (schema, frame) = round_trip(&original, format, name)?;
        assert_eq!(schema, original.schema, "{format:?}");
        assert!(frame.equals_missing(&original.frame), "{format:?}: {frame:?}");
    }
    Ok(())
}

/// CSV and NDJSON carry no types: what comes back is what the values show. These are the
/// types that survive (an `int` returns as `long`, a `guid` as `string`).
fn inferable_types() -> Result<ResultTable> {
    result(vec![
        (Series::new("b".into(), [Some(true), None, Some(false)]).into_column(), KqlType::Bool),
        (Series::new("l".into(), [Some(10_000_000_000i64), None, Some(-1)]).into_column(), KqlType::Long),
        (Series::new("r".into(), [Some(0.5f64), None, Some(1e15)]).into_column(), KqlType::Real),
        (texts("s", &[Some("a,b \"q\""), Some(""), Some("line\nbreak")]), KqlType::String),
        (datetimes("t", &[Some(MAY_3_2024), None, Some(0)])?, KqlType::DateTime),
        (timespans("ts", &[Some(86_400 * SEC), None, Some(-SEC / 10)])?, KqlType::TimeSpan),
        (texts("d", &[Some(r#"{"z":1,"a":[1,2]}"#), None, Some("[]")]), KqlType::Dynamic),
    ])
}

#[test]
fn untyped_formats_round_trip_inferable_types() -> Result<()> {
    let original = inferable_types()?;
    for (format, name) in [(OutputFormat::Csv, "r.csv"), (OutputFormat::Ndjson, "r.ndjson")] {
        let (schema, frame) = round_trip(&original, format, name)?;
        assert_eq!(schema, original.schema, "{format:?}");
        assert!(frame.equals_missing(&original.frame), "{format:?}: {frame:?}");
    }
    Ok(())
}

#[test]
fn failed_write_leaves_no_file() -> Result<()> {
    let dir = temp_dir()?;
    let path = dir.0.join("out.csv");
    let mut broken = every_type()?;
    broken.schema.columns.pop();
    assert!(write_result_to_path(&broken, OutputFormat::Csv, &path).is_err());
    let left: Vec<_> = std::fs::read_dir(&dir.0)?.collect();
    assert!(left.is_empty(), "{left:?}");
    let missing_dir = dir.0.join("no/such/dir/out.csv");
    assert!(write_result_to_path(&every_type()?, OutputFormat::Csv, &missing_dir).is_err());
    Ok(())
}

#[test]
fn written_file_matches_the_stream() -> Result<()> {
    let dir = temp_dir()?;
    let path = dir.0.join("out.json");
    std::fs::write(&path, "old contents")?;
    let r = every_type()?;
    write_result_to_path(&r, OutputFormat::Json, &path)?;
    assert_eq!(std::fs::read_to_string(&path)?, written(&r, OutputFormat::Json)?);
    let names: Vec<String> =
        std::fs::read_dir(&dir.0)?.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["out.json".to_string()]);
    Ok(())
}

#[test]
fn format_from_file_name() {
    let f = |p: &str| OutputFormat::from_path(Path::new(p)).ok();
    assert_eq!(f("out/flows.CSV"), Some(OutputFormat::Csv));
    assert_eq!(f("r.json"), Some(OutputFormat::Json));
    assert_eq!(f("r.jsonl"), Some(OutputFormat::Ndjson));
    assert_eq!(f("r.parquet"), Some(OutputFormat::Parquet));
    assert_eq!(f("r.txt"), Some(OutputFormat::Table));
    assert_eq!(f("r"), None);
    assert_eq!(OutputFormat::from_path(Path::new("r.xlsx")).err().map(|e| e.kind), Some(crate::ErrorKind::Usage));
}
