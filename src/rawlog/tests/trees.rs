//! Synthetic blob trees in a temp dir: nested `resourceId=/.../y=/m=/d=/h=/m=00/macAddress=/`
//! folders, gzip, stray files, a truncated blob, globs.

use super::*;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::PathBuf;

/// A v2 NSG blob whose tuples are numbered `first..first+n`: tuple k has source port k
/// and `k` bytes each way (C state), so sums are easy to state.
fn nsg_blob(first: u32, n: u32) -> String {
    let tuples: Vec<String> = (first..first + n).map(|k| format!("\"1704067200,10.0.0.4,10.0.1.5,{k},443,T,O,A,C,1,{k},1,{k}\"")).collect();
    format!(
        r#"{{"records":[{{"time":"2024-01-01T00:01:00Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1","operationName":"NetworkSecurityGroupFlowEvents","properties":{{"Version":2,"flows":[{{"rule":"UserRule_App","flows":[{{"mac":"000D3AF87856","flowTuples":[{}]}}]}}]}}}}]}}"#,
        tuples.join(",")
    )
}

fn blob_dir(root: &Path, hour: u32) -> PathBuf {
    let dir = root.join(format!(
        "resourceId=/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1/y=2024/m=01/d=01/h={hour:02}/m=00/macAddress=000D3AF87856"
    ));
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

/// Sum of k over first..first+n.
fn sum(first: u32, n: u32) -> i64 {
    (first..first + n).map(i64::from).sum()
}

#[test]
fn nested_nsg_tree_with_gzip_and_stray_files() {
    let root = tempfile::tempdir().expect("dir");
    // 24 hourly blobs of 50 tuples, one of them gzip-compressed.
    for h in 0..24 {
        let dir = blob_dir(root.path(), h);
        let text = nsg_blob(h * 100, 50);
        if h == 7 {
            std::fs::write(dir.join("PT1H.json.gz"), gzip(text.as_bytes())).expect("write");
        } else {
            std::fs::write(dir.join("PT1H.json"), text).expect("write");
        }
    }
    std::fs::write(root.path().join("README.txt"), "downloaded with azcopy\n").expect("write");
    let (name, table, report) = read_native(&root.path().to_string_lossy(), None, &strict()).expect("reads tree");
    let df = collect(&table);
    assert_eq!(name, "NSGFlowTuples");
    assert_eq!(report.files, 24);
    assert_eq!(report.records, 24);
    assert_eq!(df.height(), 24 * 50);
    assert_eq!(report.rows, 24 * 50);
    let want: i64 = (0..24).map(|h| sum(h * 100, 50)).sum();
    assert_eq!(longs(&df, "BytesSrcToDest").into_iter().flatten().sum::<i64>(), want);
    assert_eq!(longs(&df, "SrcPort").into_iter().flatten().sum::<i64>(), want);
    // The stray file is named in the report, not silently passed over.
    assert!(report.notes.iter().any(|n| n.contains("README.txt")), "{:?}", report.notes);
    // Rows keep their file: the gzip blob's 50 rows.
    let from_gz = texts(&df, "SourceFile").iter().filter(|f| f.ends_with("PT1H.json.gz")).count();
    assert_eq!(from_gz, 50);
    // Files are read in path order: h=00 first.
    assert_eq!(longs(&df, "SrcPort")[0], Some(0));

    // A glob over the same tree picks the hours it names.
    let pattern = format!("{}/**/h=0[0-2]/**/PT1H.json", root.path().display());
    assert_eq!(detect(Path::new(&pattern)).expect("detects"), Some(RawFormat::NsgFlowV2));
    assert_eq!(detect(root.path()).expect("detects"), Some(RawFormat::NsgFlowV2));
    let (_, table, report) = read_native(&pattern, None, &strict()).expect("reads glob");
    assert_eq!(report.files, 3);
    assert_eq!(collect(&table).height(), 150);
}

#[test]
fn tree_with_a_truncated_blob() {
    let root = tempfile::tempdir().expect("dir");
    for h in 0..3 {
        let dir = blob_dir(root.path(), h);
        std::fs::write(dir.join("PT1H.json"), nsg_blob(h * 100, 10)).expect("write");
    }
    // The current hour's blob is still being written: two records, the second cut.
    let dir = blob_dir(root.path(), 3);
    let whole = nsg_blob(300, 10);
    let second = nsg_blob(400, 10);
    let record2 = &second[12..second.len() - 2];
    let text = format!("{},{}", &whole[..whole.len() - 2], &record2[..record2.len() / 2]);
    std::fs::write(dir.join("PT1H.json"), &text).expect("write");

    let path = root.path().to_string_lossy().to_string();
    let err = read_native(&path, None, &strict()).err().expect("strict fails");
    assert!(err.message.contains("h=03"), "{}", err.message);
    assert!(err.message.contains("record 2"), "{}", err.message);

    let (_, table, report) = read_native(&path, None, &lenient()).expect("lenient reads");
    assert_eq!(collect(&table).height(), 40);
    assert_eq!(report.files, 4);
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].contains("h=03") && report.skipped[0].contains("record 2"));
    assert_eq!(report.to_string(), "read 4 files, 4 records, 40 rows (1 skipped)");
}

#[test]
fn aws_tree_of_gzip_objects() {
    let root = tempfile::tempdir().expect("dir");
    let header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
    let mut want_bytes = 0i64;
    let mut want_rows = 0;
    for day in 1..=3 {
        let dir = root.path().join(format!("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/{day:02}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for part in 0..2 {
            let mut text = header.to_string();
            for k in 0..100 {
                let bytes = day * 1000 + part * 100 + k;
                want_bytes += bytes as i64;
                want_rows += 1;
                text.push_str(&format!(
                    "2 123456789012 eni-0a1b2c3d 10.0.1.{k} 198.51.100.2 443 49153 6 25 {bytes} 1704067200 1704067260 ACCEPT OK\n"
                ));
            }
            let name = format!("123456789012_vpcflowlogs_us-east-1_fl-1234abcd_202401{day:02}T0000Z_{part}.log.gz");
            std::fs::write(dir.join(name), gzip(text.as_bytes())).expect("write");
        }
    }
    let (name, table, report) = read_native(&root.path().to_string_lossy(), None, &strict()).expect("reads tree");
    let df = collect(&table);
    assert_eq!(name, "AWSVPCFlow");
    assert_eq!(report.files, 6);
    assert_eq!(df.height(), want_rows);
    assert_eq!(longs(&df, "Bytes").into_iter().flatten().sum::<i64>(), want_bytes);

    // A gzip object cut short: an error, or with --lenient the lines before the cut.
    let dir = root.path().join("AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/04");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut text = header.to_string();
    for k in 0..2000 {
        text.push_str(&format!("2 123456789012 eni-0a1b2c3d 10.0.1.1 198.51.100.2 443 49153 6 25 {k} 1704067200 1704067260 ACCEPT OK\n"));
    }
    let gz = gzip(text.as_bytes());
    std::fs::write(dir.join("cut.log.gz"), &gz[..gz.len() / 2]).expect("write");
    let path = root.path().to_string_lossy().to_string();
    let err = read_native(&path, None, &strict()).err().expect("strict fails");
    assert!(err.message.contains("cut.log.gz") && err.message.contains("gzip"), "{}", err.message);
    let (_, table, report) = read_native(&path, None, &lenient()).expect("lenient");
    let rows = collect(&table).height();
    assert!(rows > want_rows && rows < want_rows + 2000, "{rows}");
    assert!(report.skipped.iter().any(|s| s.contains("cut.log.gz")));
}

#[test]
fn forced_format_on_a_mixed_tree() {
    let root = tempfile::tempdir().expect("dir");
    std::fs::write(root.path().join("a.json"), nsg_blob(0, 5)).expect("write");
    std::fs::copy(sample("aws-vpc-flow/flow_log.txt"), root.path().join("b.log")).expect("copy");
    let path = root.path().to_string_lossy().to_string();
    let (name, table, report) = read_native(&path, Some(RawFormat::AwsVpc), &strict()).expect("reads");
    assert_eq!(name, "AWSVPCFlow");
    assert_eq!(collect(&table).height(), 14);
    assert!(report.notes.iter().any(|n| n.contains("a.json") && n.contains("nsg-v2")));
    // Undetected, the first file decides: a.json is NSG.
    let (name, _, report) = read_native(&path, None, &strict()).expect("reads");
    assert_eq!(name, "NSGFlowTuples");
    assert!(report.notes.iter().any(|n| n.contains("b.log")));
}
