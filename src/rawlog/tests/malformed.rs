//! Bad input: by default an error naming the file, the record and the field; lenient, the
//! bad record or tuple is left out and listed in the report. Never dropped silently.

use super::*;
use crate::error::Error;
use problems::Problems;
use std::path::PathBuf;

const GOOD_TUPLE: &str = "1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A,E,1,66,1,66";

fn nsg_record(version: u32, tuples: &[&str]) -> String {
    let tuples: Vec<String> = tuples.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        r#"{{"time":"2018-11-13T12:00:35.3899262Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1","operationName":"NetworkSecurityGroupFlowEvents","properties":{{"Version":{version},"flows":[{{"rule":"UserRule_Web","flows":[{{"mac":"000D3AF87856","flowTuples":[{}]}}]}}]}}}}"#,
        tuples.join(",")
    )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Strict read must fail with a data error whose message contains every `needle`.
fn strict_error(path: &Path, needles: &[&str]) -> Error {
    let err = match read_native(&path.to_string_lossy(), None, &strict()) {
        Ok(_) => panic!("{} read without error", path.display()),
        Err(e) => e,
    };
    assert_eq!(err.kind, crate::ErrorKind::Data);
    for n in needles {
        assert!(err.message.contains(n), "{n:?} not in {:?}", err.message);
    }
    assert!(err.help.as_deref().is_some_and(|h| h.contains("--lenient")));
    err
}

/// Lenient read: the rows and the report's skipped lines.
fn lenient_read(path: &Path) -> (usize, ReadReport) {
    let (_, table, report) = read_native(&path.to_string_lossy(), None, &lenient()).expect("lenient read");
    (collect(&table).height(), report)
}

#[test]
fn truncated_last_record() {
    let dir = tempfile::tempdir().expect("dir");
    let whole = format!("{{\"records\":[{},{}]}}", nsg_record(2, &[GOOD_TUPLE, GOOD_TUPLE]), nsg_record(2, &[GOOD_TUPLE]));
    // Cut inside the second record, as a blob still being appended can be.
    let cut = &whole[..whole.len() - 40];
    let path = write(&dir, "PT1H.json", cut);
    strict_error(&path, &["PT1H.json", "record 2", "truncated"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!(rows, 2);
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].contains("record 2"), "{:?}", report.skipped);

    // Cut between records: nothing is lost, but the file is still reported as cut.
    let cut = &whole[..whole.find("},{\"time\"").expect("separator") + 2];
    let path = write(&dir, "between.json", cut);
    strict_error(&path, &["between.json", "not closed after record 1"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!(rows, 2);
    assert_eq!(report.skipped.len(), 1);
}

#[test]
fn malformed_tuple() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = "1542110379,10.5.16.999,13.67.143.117,59932,443,T,O,A,E,1,66,1,66";
    let text = format!("{{\"records\":[{},{}]}}", nsg_record(2, &[GOOD_TUPLE]), nsg_record(2, &[GOOD_TUPLE, bad, GOOD_TUPLE]));
    let path = write(&dir, "bad-ip.json", &text);
    strict_error(&path, &["bad-ip.json", "record 2", "properties.flows[0].flows[0].flowTuples[1]", "field 2 (source IP)", "10.5.16.999"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!(rows, 3);
    assert_eq!(report.skipped.len(), 1);

    for (tuple, needle) in [
        ("x,10.5.16.4,13.67.143.117,59932,443,T,O,A,E,1,66,1,66", "field 1 (timestamp)"),
        ("1542110379,10.5.16.4,13.67.143.117,59932,70000,T,O,A,E,1,66,1,66", "field 5 (destination port)"),
        ("1542110379,10.5.16.4,13.67.143.117,59932,443,X,O,A,E,1,66,1,66", "field 6 (protocol)"),
        ("1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A,Q,1,66,1,66", "field 9 (flow state)"),
        ("1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A,E,1,six,1,66", "field 11 (bytes source to destination)"),
    ] {
        let path = write(&dir, "one.json", &nsg_record(2, &[tuple]));
        strict_error(&path, &["record 1", needle]);
    }
}

#[test]
fn wrong_field_count() {
    let dir = tempfile::tempdir().expect("dir");
    // A version 2 record with a version 1 (8-field) tuple.
    let text = nsg_record(2, &["1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A"]);
    let path = write(&dir, "count.json", &text);
    strict_error(&path, &["record 1", "8 fields where a version 2 tuple has 13"]);
    // And the reverse.
    let text = nsg_record(1, &[GOOD_TUPLE]);
    let path = write(&dir, "count1.json", &text);
    strict_error(&path, &["13 fields where a version 1 tuple has 8"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!((rows, report.skipped.len()), (0, 1));
}

#[test]
fn unknown_version() {
    let dir = tempfile::tempdir().expect("dir");
    let text = format!("{}\n{}\n", nsg_record(3, &[GOOD_TUPLE]), nsg_record(2, &[GOOD_TUPLE]));
    let path = write(&dir, "v3.json", &text);
    strict_error(&path, &["v3.json", "record 1", "properties.Version", "version 3"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!((rows, report.skipped.len()), (1, 1));

    let vnet = r#"{"time":"2022-09-14T09:00:52.5625085Z","flowLogVersion":5,"macAddress":"00224871C205","flowRecords":{"flows":[]}}"#;
    let path = write(&dir, "vnet5.json", vnet);
    strict_error(&path, &["record 1", "flowLogVersion", "version 5"]);
}

#[test]
fn record_of_the_wrong_shape_names_the_field() {
    let dir = tempfile::tempdir().expect("dir");
    let text = nsg_record(2, &[GOOD_TUPLE]).replace(&format!("\"{GOOD_TUPLE}\""), "5");
    let path = write(&dir, "shape.json", &text);
    strict_error(&path, &["record 1", "properties.flows[0].flows[0].flowTuples[0]"]);
    let text = nsg_record(2, &[GOOD_TUPLE]).replace("\"rule\":\"UserRule_Web\",", "");
    let path = write(&dir, "norule.json", &text);
    strict_error(&path, &["record 1", "properties.flows[0]", "rule"]);
    let text = nsg_record(2, &[GOOD_TUPLE]).replace("2018-11-13T12", "yesterday");
    let path = write(&dir, "time.json", &text);
    strict_error(&path, &["record 1", "time"]);
    // Broken JSON inside a record whose extent is still known.
    let text = format!("{{\"records\":[{},{{\"time\":tru}},{}]}}", nsg_record(2, &[GOOD_TUPLE]), nsg_record(2, &[GOOD_TUPLE]));
    let path = write(&dir, "json.json", &text);
    strict_error(&path, &["record 2"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!((rows, report.skipped.len()), (2, 1));
}

#[test]
fn vnet_tuple_faults() {
    let dir = tempfile::tempdir().expect("dir");
    let record = |tuple: &str| {
        format!(
            r#"{{"time":"2022-09-14T09:00:52.5625085Z","flowLogVersion":4,"macAddress":"00224871C205","flowRecords":{{"flows":[{{"aclID":"a","flowGroups":[{{"rule":"r","flowTuples":["{tuple}"]}}]}}]}}}}"#
        )
    };
    for (tuple, needle) in [
        ("1663146003606,10.0.0.6,52.239.184.180,23956,443,TCP,O,E,NX,3,767,2,1580", "field 6 (protocol)"),
        ("1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,A,NX,3,767,2,1580", "field 8 (flow state)"),
        ("1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,767,2", "12 fields"),
    ] {
        let path = write(&dir, "vnet.json", &record(tuple));
        strict_error(&path, &["vnet.json", "record 1", "flowTuples[0]", needle]);
    }
    // Empty counters (the documentation's bandwidth example) are nulls, not faults.
    let path = write(&dir, "ok.json", &record("1663146003,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,,,,"));
    let (_, table, _) = read_native(&path.to_string_lossy(), None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(longs(&df, "BytesSrcToDest"), vec![None]);
    assert_eq!(longs(&df, "TimeGenerated"), vec![Some(1_663_146_003_000_000_000)]);
}

#[test]
fn aws_line_faults() {
    let dir = tempfile::tempdir().expect("dir");
    let header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
    let good = "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n";
    for (bad, needle) in [
        ("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 22 6 20 4249 1418530010 ACCEPT OK\n", "13 fields where the format has 14"),
        ("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 22 6 20 lots 1418530010 1418530070 ACCEPT OK\n", "field 10 (bytes)"),
        ("2 123456789010 eni-1 10.0.0.x 10.0.0.2 1000 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n", "field 4 (srcaddr)"),
        ("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 22 6 3000000000 4249 1418530010 1418530070 ACCEPT OK\n", "field 9 (packets)"),
    ] {
        let text = format!("{header}{good}{bad}{good}");
        let path = write(&dir, "aws.log", &text);
        strict_error(&path, &["aws.log", "line 3", needle]);
        let (rows, report) = lenient_read(&path);
        assert_eq!((rows, report.skipped.len()), (2, 1));
        assert!(report.skipped[0].contains("line 3"));
    }
    // No header and not the default layout: the file cannot be bound to fields.
    let path = write(&dir, "nohead.log", "2 123456789010 eni-1 10.0.0.1\n");
    let err = read_native(&path.to_string_lossy(), Some(RawFormat::AwsVpc), &strict()).err().expect("fails");
    assert!(err.message.contains("no header line"), "{}", err.message);
}

#[test]
fn not_a_flow_log() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write(&dir, "export.csv", "TimeGenerated [UTC],SrcIP_s\n2024-01-01,10.0.0.1\n");
    assert_eq!(detect(&path).expect("readable"), None);
    let err = read_native(&path.to_string_lossy(), None, &strict()).err().expect("fails");
    assert!(err.message.contains("not a raw flow log"), "{}", err.message);
    assert!(err.help.is_some());
    // Forced as NSG, it is not JSON at all.
    let err = read_native(&path.to_string_lossy(), Some(RawFormat::NsgFlowV2), &strict()).err().expect("fails");
    assert!(err.message.contains("export.csv") && err.message.contains("not JSON"), "{}", err.message);
    let missing = dir.path().join("nope.json");
    assert!(read_native(&missing.to_string_lossy(), None, &strict()).is_err());
}

/// A reader of one file's bytes (`nsg::read`, `vnet::read`, `aws::read`).
type BlobReader = fn(&[u8], &mut Problems, &progress::FileProgress) -> crate::Result<(Vec<DataFrame>, usize)>;

/// Lenient and strict readings of the same bytes: (rows, skipped lines) and whether the
/// strict reading failed.
fn both_ways(read: BlobReader, bytes: &[u8]) -> (usize, Vec<String>, bool) {
    let mut p = Problems::new("cut", true);
    let frames = match read(bytes, &mut p, &progress::FileProgress::silent()) {
        Ok((frames, _)) => frames,
        Err(e) => panic!("a lenient read failed: {}", e.message),
    };
    let rows = frames.iter().map(DataFrame::height).sum();
    let mut q = Problems::new("cut", false);
    let strict_failed = read(bytes, &mut q, &progress::FileProgress::silent()).is_err();
    (rows, p.skipped, strict_failed)
}

#[test]
fn cut_anywhere_is_reported() {
    // An NSG blob cut at every byte: whatever is lost is reported, and strict reading
    // fails exactly when lenient reading reports something.
    let full = std::fs::read(sample("azure-nsg-flow-v2/testdata.log")).expect("sample");
    for k in 1..full.len() {
        let (rows, skipped, strict_failed) = both_ways(nsg::read, &full[..k]);
        assert!(rows <= 11);
        if rows < 11 {
            assert!(!skipped.is_empty(), "cut at {k}: {rows} rows and no report");
        }
        assert_eq!(strict_failed, !skipped.is_empty(), "cut at {k}");
    }
    // AWS text cut at every byte: every non-blank line is a row or a reported fault.
    let full = std::fs::read(sample("aws-vpc-flow/test-extra-samples.log")).expect("sample");
    for k in 1..full.len() {
        let text = std::str::from_utf8(&full[..k]).expect("ascii");
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        let (rows, skipped, strict_failed) = both_ways(aws::read, &full[..k]);
        assert_eq!(rows + skipped.len(), lines, "cut at {k}: {skipped:?}");
        assert_eq!(strict_failed, !skipped.is_empty(), "cut at {k}");
    }
}

#[test]
fn damaged_bytes_never_panic() {
    let full = std::fs::read(sample("azure-nsg-flow-v2/testdata.log")).expect("sample");
    for k in 0..full.len() {
        for b in [b'"', b'}', b'x'] {
            let mut bytes = full.clone();
            bytes[k] = b;
            let (_, skipped, strict_failed) = both_ways(nsg::read, &bytes);
            assert_eq!(strict_failed, !skipped.is_empty(), "byte {k} set to {}", b as char);
        }
    }
    let full = std::fs::read(sample("azure-vnet-flow-v4/testdata.log")).expect("sample");
    for k in (0..full.len()).step_by(3) {
        let mut bytes = full.clone();
        bytes[k] = b',';
        let (_, skipped, strict_failed) = both_ways(vnet::read, &bytes);
        assert_eq!(strict_failed, !skipped.is_empty(), "byte {k}");
    }
}

#[test]
fn record_that_is_not_utf8() {
    let dir = tempfile::tempdir().expect("dir");
    // A byte that is not UTF-8 inside the second tuple of the second record.
    let text =
        format!("{{\"records\":[{},{}]}}", nsg_record(2, &[GOOD_TUPLE]), nsg_record(2, &[GOOD_TUPLE, "1542110379,10.5.16.X", GOOD_TUPLE]));
    let mut bytes = text.into_bytes();
    let at = bytes.iter().position(|b| *b == b'X').expect("marker");
    bytes[at] = 0xFF;
    let path = dir.path().join("PT1H.json");
    std::fs::write(&path, &bytes).expect("write");
    // The record is left out, naming the string at fault.
    strict_error(&path, &["record 2", "flowTuples[1]", "unicode"]);
    let (rows, report) = lenient_read(&path);
    assert_eq!((rows, report.skipped.len()), (1, 1));
    assert!(report.skipped[0].contains("record 2"), "{:?}", report.skipped);
}
