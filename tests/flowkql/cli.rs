//! The `flowkql` binary as users run it: exit statuses, files written, diagnostics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn flowkql(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowkql"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run flowkql: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowkql-cli-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

const NOW: &str = "--now=2024-05-03T12:00:00Z";

#[test]
fn run_an_article_query_as_csv() {
    let out = flowkql(&["run", "queries/article/5.3.2-pie-flow-type.kql", "--sample", NOW, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().next(), Some("FlowType_s,count_"));
    assert!(stdout.lines().count() > 2);
    assert!(text(&out.stderr).contains("--chart"), "a hint says how to draw the chart");
}

#[test]
fn chart_is_written_and_usage_errors_leave_no_file() {
    let svg = temp("traffic.svg");
    let _ = std::fs::remove_file(&svg);
    let out =
        flowkql(&["run", "queries/article/5.3.5-area-traffic-mbytes.kql", "--sample", NOW, "--chart", svg.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body = std::fs::read_to_string(&svg).unwrap_or_default();
    assert!(body.contains("NSG Flow Log Traffic (許可)"), "the CJK title is text in the SVG");

    let png = temp("none.png");
    let out = flowkql(&["run", "-q", "print x = 1", "--chart", png.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`render`"), "{}", text(&out.stderr));
    assert!(!png.exists());
}

#[test]
fn query_and_data_errors_have_their_exit_codes() {
    let out = flowkql(&["run", "queries/article/vm-insights-disk-free-space.kql", "--sample", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("unknown column `val`") && err.contains("did you mean `Val`?"), "{err}");

    let bad = temp("bad.csv");
    std::fs::write(&bad, "TimeGenerated,SrcIP_s\nnot-a-date,10.0.0.1\n").unwrap_or_default();
    let arg = format!("AzureNetworkAnalytics_CL={}", bad.display());
    let out = flowkql(&["run", "-q", "AzureNetworkAnalytics_CL | count", "--table", &arg]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("line 2"), "{}", text(&out.stderr));

    let out = flowkql(&["run", "-q", "print 1", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));

    // A mistyped format is named, with the raw flow-log formats among the suggestions.
    let arg = format!("T={}:vnt", bad.display());
    let out = flowkql(&["run", "-q", "T | count", "--table", &arg]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("unknown input format 'vnt'") && err.contains("did you mean 'vnet'?"), "{err}");
}

#[test]
fn set_overrides_a_let_with_type_checking() {
    let q = "queries/article/5.2.2-subnet-filter.kql";
    let day = flowkql(&["run", q, "--sample", NOW, "--format", "csv"]);
    let hour = flowkql(&["run", q, "--sample", NOW, "--format", "csv", "--set", "timeframe=1h"]);
    assert_eq!(hour.status.code(), Some(0), "{}", text(&hour.stderr));
    assert!(text(&hour.stdout).lines().count() < text(&day.stdout).lines().count());
    let bad = flowkql(&["run", q, "--sample", NOW, "--set", "timeframe='x'"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("timespan"), "{}", text(&bad.stderr));
}

#[test]
fn output_file_and_sample_files() {
    let out_json = temp("result.json");
    let out = flowkql(&[
        "run",
        "-q",
        "VMConnection | summarize count() by Direction",
        "--sample",
        NOW,
        "-o",
        out_json.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = std::fs::read_to_string(&out_json).unwrap_or_default();
    assert!(json.contains("\"count_\"") && json.contains("PrimaryResult"), "{json}");

    let base = temp("sample.parquet");
    let out = flowkql(&["sample", "--rows", "200", "-o", base.to_str().unwrap_or_default(), NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = base.parent().unwrap_or(Path::new("."));
    assert!(dir.join("sample.AzureNetworkAnalytics_CL.parquet").exists());
    let arg = format!("AzureNetworkAnalytics_CL={}", dir.join("sample.AzureNetworkAnalytics_CL.parquet").display());
    let out = flowkql(&["run", "-q", "AzureNetworkAnalytics_CL | count", "--table", &arg, "--format", "csv"]);
    assert_eq!(text(&out.stdout), "Count\n200\n");
}

#[test]
fn check_parse_explain_functions() {
    let out = flowkql(&["check", "queries/"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("0 failed"));
    let bad = temp("bad.kql");
    std::fs::write(&bad, "AzureNetworkAnalytics_CL | where DestPort == 443").unwrap_or_default();
    let out = flowkql(&["check", bad.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("DestPort_d"), "suggests the real column");

    let out = flowkql(&["parse", "-q", "T | take 1"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Take"));
    let out = flowkql(&["explain", "queries/article/5.3.4-column-session-count.kql", "--sample", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Logical plan") && text(&out.stdout).contains("Polars plan"));
    let out = flowkql(&["functions"]);
    assert!(text(&out.stdout).contains("ipv4_is_match(ip1, ip2, [prefix])"));
}

#[test]
fn raw_flow_logs_bind_as_tables() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw-samples/azure-nsg-flow-v2/testdata.log");
    if !sample.exists() {
        eprintln!("SKIP: {} is not beside the repository", sample.display());
        return;
    }
    // Detected from the content: the Traffic Analytics view under its table name.
    let arg = format!("AzureNetworkAnalytics_CL={}", sample.display());
    let out = flowkql(&["run", "-q", "AzureNetworkAnalytics_CL | summarize count() by FlowType_s", "--table", &arg, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().next(), Some("FlowType_s,count_"));
    assert!(text(&out.stderr).contains("read 1 file"), "{}", text(&out.stderr));
    // Forced format, native table under another name.
    let arg = format!("Tuples={}:nsg", sample.display());
    let out = flowkql(&["run", "-q", "Tuples | count", "--table", &arg, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Count\n"));
    // The TA-compatible mode: 11 tuples merge into 7 rows (outbound in two hours, five
    // inbound ports), at 60 minutes by default and at 10.
    let arg = format!("AzureNetworkAnalytics_CL={}", sample.display());
    for flag in ["--ta-aggregate", "--ta-aggregate=10m"] {
        let out = flowkql(&["run", "-q", "AzureNetworkAnalytics_CL | count", "--table", &arg, flag, "--format", "csv"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "Count\n7\n", "{flag}");
    }
    let out = flowkql(&["run", "-q", "AzureNetworkAnalytics_CL | count", "--table", &arg, "--ta-aggregate=15m"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("10m"), "{}", text(&out.stderr));
}
