//! Reading real-shaped files end to end. Expected values are worked out by hand from
//! the file text (epoch arithmetic in the comments), not taken from the reader.

use super::*;
use crate::error::ErrorKind;
use std::sync::atomic::{AtomicUsize, Ordering};

static FILE_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A file in the temp dir, removed when dropped.
pub(crate) struct TempFile(pub PathBuf);

impl TempFile {
    pub(crate) fn with(name: &str, bytes: &[u8]) -> TempFile {
        let n = FILE_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("flowkql-{}-{n}-{name}", std::process::id()));
        let written = std::fs::write(&path, bytes);
        assert!(written.is_ok(), "cannot write test file {}", path.display());
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn load(name: &str, text: &str) -> Result<(Schema, DataFrame)> {
    let f = TempFile::with(name, text.as_bytes());
    collect(load_table(&f.0, None)?)
}

fn collect(t: Table) -> Result<(Schema, DataFrame)> {
    let df = t.frame.collect().map_err(|e| Error::runtime(e.to_string()))?;
    Ok((t.schema, df))
}

fn types(schema: &Schema) -> Vec<(&str, KqlType)> {
    schema.columns.iter().map(|(n, t)| (n.as_str(), *t)).collect()
}

fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name).ok().and_then(|c| c.str().ok().map(|s| s.iter().map(|v| v.map(str::to_string)).collect())).unwrap_or_default()
}

fn longs(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    df.column(name)
        .ok()
        .and_then(|c| c.as_materialized_series().to_physical_repr().cast(&DataType::Int64).ok())
        .and_then(|s| s.i64().ok().map(|c| c.iter().collect()))
        .unwrap_or_default()
}

fn reals(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    df.column(name).ok().and_then(|c| c.f64().ok().map(|s| s.iter().collect())).unwrap_or_default()
}

fn bools(df: &DataFrame, name: &str) -> Vec<Option<bool>> {
    df.column(name).ok().and_then(|c| c.bool().ok().map(|s| s.iter().collect())).unwrap_or_default()
}

fn err_of<T>(r: Result<T>) -> Error {
    match r {
        Ok(_) => Error::runtime("expected an error, got a table"),
        Err(e) => e,
    }
}

const SEC: i64 = 1_000_000_000;
/// 2023-05-25T00:00:00Z is 19502 days after the epoch.
const MAY_25_2023: i64 = 19_502 * 86_400 * SEC;

#[test]
fn portal_csv_export() -> Result<()> {
    let text = "\u{feff}TimeGenerated [UTC],SrcIP_s,DestPort_d,IsFlowCapturedAtUDRHop_b,Subscription1_g,FlowCount,Tags,Note\n\
        \"5/25/2023, 4:32:49.469 AM\",10.0.0.4,443,false,AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE,3,\"[\"\"a\"\", 1]\",\"x, y\"\n\
        \"5/25/2023, 4:32:50.000 PM\",,80,true,,12,\"{\"\"k\"\": \"\"v\"\"}\",\n";
    let (schema, df) = load("portal.csv", text)?;
    assert_eq!(
        types(&schema),
        vec![
            ("TimeGenerated", KqlType::DateTime),
            ("SrcIP_s", KqlType::String),
            ("DestPort_d", KqlType::Real),
            ("IsFlowCapturedAtUDRHop_b", KqlType::Bool),
            ("Subscription1_g", KqlType::Guid),
            ("FlowCount", KqlType::Long),
            ("Tags", KqlType::Dynamic),
            ("Note", KqlType::String),
        ]
    );
    let t0 = MAY_25_2023 + (4 * 3600 + 32 * 60 + 49) * SEC + 469_000_000;
    let t1 = MAY_25_2023 + (16 * 3600 + 32 * 60 + 50) * SEC;
    assert_eq!(longs(&df, "TimeGenerated"), vec![Some(t0), Some(t1)]);
    assert_eq!(strings(&df, "SrcIP_s"), vec![Some("10.0.0.4".into()), Some(String::new())]);
    assert_eq!(reals(&df, "DestPort_d"), vec![Some(443.0), Some(80.0)]);
    assert_eq!(bools(&df, "IsFlowCapturedAtUDRHop_b"), vec![Some(false), Some(true)]);
    assert_eq!(strings(&df, "Subscription1_g"), vec![Some("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into()), None]);
    assert_eq!(longs(&df, "FlowCount"), vec![Some(3), Some(12)]);
    assert_eq!(strings(&df, "Tags"), vec![Some("[\"a\",1]".into()), Some("{\"k\":\"v\"}".into())]);
    assert_eq!(strings(&df, "Note"), vec![Some("x, y".into()), Some(String::new())]);
    Ok(())
}

#[test]
fn frame_dtypes_are_exactly_the_kusto_layout() -> Result<()> {
    let f = TempFile::with("layout.csv", b"TimeGenerated,A_d,B,C\n2024-01-01T00:00:00Z,1,x,00:00:01\n");
    let t = load_table(&f.0, None)?;
    let mut lazy = t.frame.clone();
    let got = lazy.collect_schema().map_err(|e| Error::runtime(e.to_string()))?;
    assert_eq!(*got, t.schema.polars());
    assert_eq!(got.get("TimeGenerated"), Some(&DataType::Datetime(TimeUnit::Nanoseconds, None)));
    assert_eq!(got.get("C"), Some(&DataType::Duration(TimeUnit::Nanoseconds)));
    Ok(())
}

#[test]
fn csv_bad_datetime_names_line_and_column() {
    // The quoted field on line 2 spans two lines, so the bad value is on line 4.
    let text = "TimeGenerated [UTC],Msg\n2024-01-01T00:00:00Z,\"two\nlines\"\nnot a time,x\n";
    let e = err_of(load("baddt.csv", text));
    assert_eq!(e.kind, ErrorKind::Data);
    assert!(e.message.ends_with("line 4, column 'TimeGenerated': \"not a time\" is not a datetime"), "{}", e.message);
    assert!(e.help.is_some_and(|h| h.contains("[zone]")));
}

#[test]
fn csv_suffix_typed_column_rejects_text() {
    let e = err_of(load("badreal.csv", "DestPort_d\n443\nhttps\n"));
    assert!(e.message.ends_with("line 3, column 'DestPort_d': \"https\" is not a real"), "{}", e.message);
    assert!(e.help.is_some_and(|h| h.contains("`_d`")));
}

#[test]
fn csv_wrong_field_counts_are_errors() {
    let short = err_of(load("short.csv", "a,b,c\n1,2,3\n4,5\n"));
    assert!(short.message.ends_with("line 3: the record has 2 fields but the header has 3"), "{}", short.message);
    let long = err_of(load("long.csv", "a,b\n1,2\n3,4,5\n"));
    assert!(long.message.ends_with("line 3: the record has 3 fields but the header has 2"), "{}", long.message);
}

#[test]
fn csv_blank_lines_are_not_rows() -> Result<()> {
    let (_, df) = load("blank.csv", "a,b\n1,x\n\n2,\n\n")?;
    assert_eq!(longs(&df, "a"), vec![Some(1), Some(2)]);
    assert_eq!(strings(&df, "b"), vec![Some("x".into()), Some(String::new())]);
    Ok(())
}

#[test]
fn csv_header_problems() {
    let zone = err_of(load("zone.csv", "TimeGenerated [Pacific],x\n1,2\n"));
    assert!(zone.message.contains("unknown time zone 'Pacific'"), "{}", zone.message);
    let empty = err_of(load("empty.csv", ""));
    assert_eq!(empty.kind, ErrorKind::Data);
    let dup = err_of(load("dup.csv", "a,a\n1,2\n"));
    assert!(dup.message.contains("'a' appears twice"), "{}", dup.message);
}

#[test]
fn csv_zone_offset_is_applied() -> Result<()> {
    let (schema, df) = load("offset.csv", "Start [UTC+02:00]\n2024-01-01 02:00:00\n")?;
    assert_eq!(schema.get("Start"), Some(KqlType::DateTime));
    // 2024-01-01 is 19723 days after the epoch; 02:00 at UTC+2 is midnight UTC.
    assert_eq!(longs(&df, "Start"), vec![Some(19_723 * 86_400 * SEC)]);
    Ok(())
}

#[test]
fn csv_header_only_gives_an_empty_typed_table() -> Result<()> {
    let (schema, df) = load("hdr.csv", "TimeGenerated,Name\n")?;
    assert_eq!(types(&schema), vec![("TimeGenerated", KqlType::DateTime), ("Name", KqlType::String)]);
    assert_eq!(df.height(), 0);
    Ok(())
}

#[test]
fn builtin_schema_types_columns_of_a_known_table() -> Result<()> {
    let schema = Schema::new(vec![("DestPort".into(), KqlType::Int), ("FlowStartTime".into(), KqlType::DateTime)]);
    let f = TempFile::with("nta.csv", b"DestPort,FlowStartTime,Other\n443,06-14-2025  07:17:00,x\n");
    let (got, df) = collect(load_table_as(&f.0, None, Some(&schema))?)?;
    assert_eq!(types(&got), vec![("DestPort", KqlType::Int), ("FlowStartTime", KqlType::DateTime), ("Other", KqlType::String)]);
    // 2025-06-14 is 20253 days after the epoch.
    assert_eq!(longs(&df, "FlowStartTime"), vec![Some((20_253 * 86_400 + 7 * 3600 + 17 * 60) * SEC)]);
    assert_eq!(longs(&df, "DestPort"), vec![Some(443)]);
    Ok(())
}

#[test]
fn sentinel_sample_loads_with_its_builtin_schema() -> Result<()> {
    let path = Path::new("/work/shared/data/sentinel-samples/Microsoft_NSGFlow_NetworkSession_IngestedLogs.csv");
    let Some(schema) = crate::schema::builtin("NTANetAnalytics") else {
        return Err(Error::runtime("NTANetAnalytics schema missing"));
    };
    if !path.exists() {
        return Ok(()); // the shared sample is not part of the repository
    }
    let (got, df) = collect(load_table_as(path, None, Some(&schema))?)?;
    assert_eq!(df.height(), 9);
    assert_eq!(got.get("TimeGenerated"), Some(KqlType::DateTime));
    assert_eq!(got.get("DestPort"), schema.get("DestPort"));
    assert_eq!(got.get("IsFlowCapturedAtUdrHop"), Some(KqlType::Bool));
    // First row: "06-14-2025  07:17:00".
    assert_eq!(longs(&df, "TimeGenerated").first().copied().flatten(), Some((20_253 * 86_400 + 7 * 3600 + 17 * 60) * SEC));
    Ok(())
}

#[test]
fn query_api_json_log_analytics_shape() -> Result<()> {
    let text = r#"{"tables":[{"name":"PrimaryResult","columns":[
        {"name":"TimeGenerated","type":"datetime"},{"name":"n","type":"int"},{"name":"c","type":"long"},
        {"name":"r","type":"real"},{"name":"s","type":"string"},{"name":"b","type":"bool"},
        {"name":"d","type":"dynamic"},{"name":"ts","type":"timespan"},{"name":"g","type":"guid"}],
      "rows":[["2020-10-15T00:00:00.247Z",1,20839,0.5,"Administrative",true,"{\"a\":[1, 2]}","00:30:00","74BE27DE-1E4E-49D9-B579-FE0B331D3642"],
              [null,null,null,"NaN",null,null,null,null,null]]},
      {"name":"Other","columns":[],"rows":[]}]}"#;
    let (schema, df) = load("la.json", text)?;
    assert_eq!(
        types(&schema),
        vec![
            ("TimeGenerated", KqlType::DateTime),
            ("n", KqlType::Int),
            ("c", KqlType::Long),
            ("r", KqlType::Real),
            ("s", KqlType::String),
            ("b", KqlType::Bool),
            ("d", KqlType::Dynamic),
            ("ts", KqlType::TimeSpan),
            ("g", KqlType::Guid),
        ]
    );
    // 2020-10-15 is 18550 days after the epoch.
    assert_eq!(longs(&df, "TimeGenerated"), vec![Some(18_550 * 86_400 * SEC + 247_000_000), None]);
    assert_eq!(longs(&df, "n"), vec![Some(1), None]);
    assert_eq!(longs(&df, "c"), vec![Some(20839), None]);
    let r = reals(&df, "r");
    assert_eq!(r[0], Some(0.5));
    assert!(r[1].is_some_and(f64::is_nan));
    assert_eq!(strings(&df, "s"), vec![Some("Administrative".into()), Some(String::new())]);
    assert_eq!(bools(&df, "b"), vec![Some(true), None]);
    assert_eq!(strings(&df, "d"), vec![Some("{\"a\":[1,2]}".into()), None]);
    assert_eq!(longs(&df, "ts"), vec![Some(1800 * SEC), None]);
    assert_eq!(strings(&df, "g"), vec![Some("74be27de-1e4e-49d9-b579-fe0b331d3642".into()), None]);
    Ok(())
}

#[test]
fn query_api_json_adx_v1_shape() -> Result<()> {
    let text = r#"{"Tables":[{"TableName":"Table_0","Columns":[
        {"ColumnName":"Category","DataType":"String","ColumnType":"string"},
        {"ColumnName":"count_","DataType":"Int64"}],
      "Rows":[["Administrative",20839],["Alert",64]]}]}"#;
    let (schema, df) = load("adx.json", text)?;
    assert_eq!(types(&schema), vec![("Category", KqlType::String), ("count_", KqlType::Long)]);
    assert_eq!(longs(&df, "count_"), vec![Some(20839), Some(64)]);
    Ok(())
}

#[test]
fn query_api_json_errors() {
    let truncated =
        err_of(load("trunc.json", r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"a","type":"long"}],"rows":[[1],[2"#));
    assert_eq!(truncated.kind, ErrorKind::Data);
    assert!(truncated.message.contains("EOF"), "{}", truncated.message);
    let bad = err_of(load("bad.json", r#"{"tables":[{"columns":[{"name":"a","type":"long"}],"rows":[[1],["x"]]}]}"#));
    assert!(bad.message.ends_with("row 2, column 'a': \"x\" is not a long"), "{}", bad.message);
    let width = err_of(load("width.json", r#"{"tables":[{"columns":[{"name":"a","type":"long"}],"rows":[[1,2]]}]}"#));
    assert!(width.message.ends_with("row 1 has 2 values but the table has 1 columns"), "{}", width.message);
    let ty = err_of(load("ty.json", r#"{"tables":[{"columns":[{"name":"a","type":"blob"}],"rows":[]}]}"#));
    assert!(ty.message.contains("unknown type 'blob'"), "{}", ty.message);
}

#[test]
fn cli_json_output() -> Result<()> {
    let text = r#"[
      {"TableName":"PrimaryResult","Category":"Administrative","count_":"20839","ok":"True","TimeGenerated":"2020-10-15T00:00:00Z","avg_":"None"},
      {"TableName":"PrimaryResult","Category":"None","count_":"64","ok":"False","TimeGenerated":"None","avg_":"1.5"},
      {"TableName":"Second","Other":"x"}
    ]"#;
    let (schema, df) = load("cli.json", text)?;
    assert_eq!(
        types(&schema),
        vec![
            ("Category", KqlType::String),
            ("count_", KqlType::Long),
            ("ok", KqlType::Bool),
            ("TimeGenerated", KqlType::DateTime),
            ("avg_", KqlType::Real),
        ]
    );
    assert_eq!(df.height(), 2);
    assert_eq!(strings(&df, "Category"), vec![Some("Administrative".into()), Some("None".into())]);
    assert_eq!(bools(&df, "ok"), vec![Some(true), Some(false)]);
    assert_eq!(longs(&df, "TimeGenerated"), vec![Some(18_550 * 86_400 * SEC), None]);
    assert_eq!(reals(&df, "avg_"), vec![None, Some(1.5)]);
    Ok(())
}

#[test]
fn ndjson_rows() -> Result<()> {
    let text = "{\"a\":1,\"t\":\"2024-01-01T00:00:00Z\"}\n\n{\"a\":2,\"b\":\"x\"}\r\n";
    let (schema, df) = load("rows.ndjson", text)?;
    assert_eq!(types(&schema), vec![("a", KqlType::Long), ("t", KqlType::DateTime), ("b", KqlType::String)]);
    assert_eq!(longs(&df, "t"), vec![Some(19_723 * 86_400 * SEC), None]);
    assert_eq!(strings(&df, "b"), vec![Some(String::new()), Some("x".into())]);
    let e = err_of(load("bad.ndjson", "{\"a\":1}\n{\"a\":\n"));
    assert!(e.message.contains("line 2: not a JSON object"), "{}", e.message);
    Ok(())
}

#[test]
fn parquet_is_scanned_with_types_normalised() -> Result<()> {
    let f = TempFile::with("in.parquet", b"");
    let polars_err = |e: PolarsError| Error::runtime(e.to_string());
    let mut df = df!(
        "when" => [Some(1_000_000i64), None],
        "small" => [Some(3i16), Some(-4)],
        "name" => [Some("a"), None],
    )
    .map_err(polars_err)?;
    let when =
        df.column("when").and_then(|c| c.cast(&DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)))).map_err(polars_err)?;
    df.with_column(when).map_err(polars_err)?;
    let file = std::fs::File::create(&f.0)?;
    ParquetWriter::new(file).finish(&mut df).map_err(polars_err)?;
    let (schema, out) = collect(load_table(&f.0, None)?)?;
    assert_eq!(types(&schema), vec![("when", KqlType::DateTime), ("small", KqlType::Int), ("name", KqlType::String)]);
    assert_eq!(longs(&out, "when"), vec![Some(SEC), None]);
    assert_eq!(longs(&out, "small"), vec![Some(3), Some(-4)]);
    assert_eq!(strings(&out, "name"), vec![Some("a".into()), Some(String::new())]);
    Ok(())
}

#[test]
fn formats_are_detected_from_content() -> Result<()> {
    let cases: [(&str, &[u8], InputFormat); 6] = [
        ("a.txt", b"\xef\xbb\xbfa,b\n1,2\n", InputFormat::Csv),
        ("b.dat", b"  {\"tables\":[]}", InputFormat::QueryApiJson),
        ("c.json", b"{\n  \"tables\": []\n}", InputFormat::QueryApiJson),
        ("d.json", b"{\"a\":1}\n{\"a\":2}\n", InputFormat::Ndjson),
        ("e.json", b"[{\"TableName\":\"PrimaryResult\"}]", InputFormat::CliJson),
        ("f.bin", b"PAR1\x00\x00", InputFormat::Parquet),
    ];
    for (name, bytes, want) in cases {
        let f = TempFile::with(name, bytes);
        assert_eq!(detect_format(&f.0)?, want, "{name}");
    }
    let fake = TempFile::with("g.parquet", b"a,b\n");
    assert_eq!(err_of(detect_format(&fake.0)).kind, ErrorKind::Data);
    let binary = TempFile::with("h.bin", b"\x00\x01\x02\xff");
    assert_eq!(err_of(detect_format(&binary.0)).kind, ErrorKind::Data);
    Ok(())
}

#[test]
fn table_arguments() -> Result<()> {
    assert_eq!(parse_table_arg("Flows=export.csv")?, ("Flows".into(), PathBuf::from("export.csv"), None));
    assert_eq!(parse_table_arg("T=dir/a:b.json:json")?, ("T".into(), PathBuf::from("dir/a:b.json"), Some(InputFormat::QueryApiJson)));
    assert_eq!(parse_table_arg("T=x.out:CLI-JSON")?.2, Some(InputFormat::CliJson));
    let typo = err_of(parse_table_arg("T=flows.csv:parqet"));
    assert_eq!(typo.kind, ErrorKind::Usage);
    assert!(typo.help.is_some_and(|h| h.contains("did you mean 'parquet'")));
    for bad in ["flows.csv", "=x.csv", "1T=x.csv", "T=", "T=:csv"] {
        assert_eq!(err_of(parse_table_arg(bad)).kind, ErrorKind::Usage, "{bad}");
    }
    Ok(())
}

#[test]
fn input_format_names_round_trip() -> Result<()> {
    for f in InputFormat::ALL {
        assert_eq!(f.to_string().parse::<InputFormat>()?, f);
    }
    assert_eq!(InputFormat::QueryApiJson.to_string(), "json");
    Ok(())
}

#[test]
fn missing_file_is_a_data_error() {
    let e = err_of(load_table(Path::new("/nonexistent/flows.csv"), None));
    assert_eq!(e.kind, ErrorKind::Data);
    assert!(e.message.ends_with("does not exist"));
}

#[test]
fn parquet_filters_reach_the_scan() -> Result<()> {
    let f = TempFile::with("push.parquet", b"");
    let polars_err = |e: PolarsError| Error::runtime(e.to_string());
    let mut df = df!("n" => [1i64, 2, 3], "s" => ["a", "b", "c"], "maybe" => [Some("x"), None, Some("y")]).map_err(polars_err)?;
    ParquetWriter::new(std::fs::File::create(&f.0)?).finish(&mut df).map_err(polars_err)?;
    let t = load_table(&f.0, None)?;
    let plan =
        t.frame.clone().filter(col("n").gt(lit(1)).and(col("s").eq(lit("c")))).select([col("s")]).explain(true).map_err(polars_err)?;
    // Both filters and the column choice are applied by the scan itself.
    let scan = plan.split("Parquet SCAN").nth(1).unwrap_or_default();
    assert!(scan.contains("PROJECT 2/3 COLUMNS"), "{plan}");
    assert!(scan.contains(r#"SELECTION: (col("n") > 1) & (col("s") == "c")"#), "{plan}");
    let (_, out) = collect(t)?;
    assert_eq!(strings(&out, "maybe"), vec![Some("x".into()), Some(String::new()), Some("y".into())]);
    Ok(())
}

#[test]
fn csv_invalid_utf8_is_a_data_error() {
    let f = TempFile::with("latin1.csv", b"Name,Count\nM\xfcller,1\n");
    let e = err_of(load_table(&f.0, None));
    assert!(e.message.ends_with("line 2: the text is not valid UTF-8"), "{}", e.message);
    let e = err_of(load_table(&f.0, Some(InputFormat::Csv)));
    assert!(e.message.ends_with("line 2: the text is not valid UTF-8"), "{}", e.message);
}
