//! The shared public samples, read into their native tables.

use super::*;
use serde_json::Value;

/// NSG tuples of a blob, walked with plain serde_json: (record count, tuple strings).
fn nsg_tuples_by_hand(path: &str) -> (usize, Vec<String>) {
    let bytes = std::fs::read(path).expect("sample exists");
    let text = String::from_utf8(bytes).expect("utf-8");
    let text = text.trim_start_matches('\u{feff}');
    let records: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) if o.contains_key("records") => o["records"].as_array().expect("array").clone(),
        _ => text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("a record per line")).collect(),
    };
    let mut tuples = Vec::new();
    for r in &records {
        for rule in r["properties"]["flows"].as_array().expect("flows") {
            for nic in rule["flows"].as_array().expect("nic flows") {
                for t in nic["flowTuples"].as_array().expect("tuples") {
                    tuples.push(t.as_str().expect("string").to_string());
                }
            }
        }
    }
    (records.len(), tuples)
}

fn field_sum(tuples: &[String], k: usize) -> i64 {
    tuples.iter().filter_map(|t| t.split(',').nth(k)).filter_map(|f| f.parse::<i64>().ok()).sum()
}

#[test]
fn detects_every_sample() {
    let cases = [
        ("azure-nsg-flow-v1/nsgFlowLogsSample.json", Some(RawFormat::NsgFlowV1)),
        ("azure-nsg-flow-v2/testdata.log", Some(RawFormat::NsgFlowV2)),
        ("azure-nsg-flow-v2/test-nsg.log", Some(RawFormat::NsgFlowV2)),
        ("azure-vnet-flow-v4/testdata.log", Some(RawFormat::VnetFlowV4)),
        ("azure-vnet-flow-v4/test-vnet.log", Some(RawFormat::VnetFlowV4)),
        ("aws-vpc-flow/test-extra-samples.log", Some(RawFormat::AwsVpc)),
        ("aws-vpc-flow/test-v5-all-fields.log", Some(RawFormat::AwsVpc)),
        ("aws-vpc-flow/flow_log.txt", Some(RawFormat::AwsVpc)),
        ("SOURCES.md", None),
    ];
    for (file, want) in cases {
        let got = detect(Path::new(&sample(file))).expect("readable");
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn nsg_v2_envelope_sample() {
    let path = sample("azure-nsg-flow-v2/testdata.log");
    let (records, tuples) = nsg_tuples_by_hand(&path);
    let (name, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(name, "NSGFlowTuples");
    assert_layout(&table, &df);
    assert_eq!(report.files, 1);
    assert_eq!(report.records, records);
    assert_eq!(records, 2);
    assert_eq!(df.height(), tuples.len());
    assert_eq!(df.height(), 11);
    assert!(report.skipped.is_empty());
    assert_eq!(report.to_string(), "read 1 file, 2 records, 11 rows");
    // Byte and packet sums over the tuples; B tuples add nothing (their fields are empty).
    assert_eq!(longs(&df, "BytesSrcToDest").into_iter().flatten().sum::<i64>(), field_sum(&tuples, 10));
    assert_eq!(longs(&df, "BytesDestToSrc").into_iter().flatten().sum::<i64>(), 66 + 14008 + 7054);
    assert_eq!(longs(&df, "PacketsSrcToDest").into_iter().flatten().sum::<i64>(), 1 + 30 + 15);
    // Empty counters of B tuples are null, not 0: 8 B tuples.
    assert_eq!(longs(&df, "BytesSrcToDest").iter().filter(|v| v.is_none()).count(), 8);
    let states = texts(&df, "State");
    assert_eq!(states.iter().filter(|s| *s == "B").count(), 8);
    assert_eq!(states.iter().filter(|s| *s == "E").count(), 2);
    assert_eq!(states.iter().filter(|s| *s == "C").count(), 1);
    // Row 4 is the first tuple of the second rule of record 1.
    assert_eq!(texts(&df, "Rule")[3], "DefaultRule_AllowInternetOutBound");
    assert_eq!(texts(&df, "SrcIP")[3], "10.5.16.4");
    assert_eq!(texts(&df, "DestIP")[3], "13.67.143.118");
    assert_eq!(longs(&df, "SrcPort")[3], Some(59831));
    assert_eq!(longs(&df, "DestPort")[3], Some(443));
    assert_eq!(longs(&df, "TimeGenerated")[3], Some(1_542_110_377_000_000_000));
    assert_eq!(longs(&df, "RecordTime")[3], Some(ns("2018-11-13T12:00:35.3899262Z")));
    assert_eq!(longs(&df, "RecordTime")[10], Some(ns("2018-11-13T12:01:35.3918317Z")));
    assert_eq!(texts(&df, "MacAddress")[0], "000D3AF87856");
    assert!(texts(&df, "ResourceId")[0].ends_with("/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG"));
    assert_eq!(texts(&df, "Category")[0], "NetworkSecurityGroupFlowEvent");
    assert_eq!(texts(&df, "OperationName")[0], "NetworkSecurityGroupFlowEvents");
    assert_eq!(texts(&df, "SystemId")[0], "a0fca5ce-022c-47b1-9735-89943b42f2fa");
    assert_eq!(longs(&df, "Version"), vec![Some(2); 11]);
    assert_eq!(texts(&df, "Decision").iter().filter(|d| *d == "D").count(), 7);
    assert_eq!(texts(&df, "Protocol")[0], "U");
    assert!(texts(&df, "SourceFile")[0].ends_with("testdata.log"));
}

#[test]
fn nsg_v2_record_per_line_sample() {
    let path = sample("azure-nsg-flow-v2/test-nsg.log");
    let (_, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(report.records, 1);
    assert_eq!(df.height(), 1);
    assert_eq!(texts(&df, "SrcIP"), vec!["1.128.0.0"]);
    assert_eq!(texts(&df, "DestIP"), vec!["1.128.0.1"]);
    assert_eq!(longs(&df, "BytesDestToSrc"), vec![Some(66)]);
}

#[test]
fn nsg_v1_sample_with_bom() {
    let path = sample("azure-nsg-flow-v1/nsgFlowLogsSample.json");
    let (records, tuples) = nsg_tuples_by_hand(&path);
    let (_, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(report.records, records);
    assert_eq!(records, 3);
    assert_eq!(df.height(), tuples.len());
    assert_eq!(df.height(), 1758);
    // Version 1: no state, no counters.
    assert!(texts(&df, "State").iter().all(|s| s.is_empty()));
    assert!(longs(&df, "BytesSrcToDest").iter().all(Option::is_none));
    assert!(longs(&df, "Version").iter().all(|v| *v == Some(1)));
    let inbound = tuples.iter().filter(|t| t.split(',').nth(6) == Some("I")).count();
    assert_eq!(texts(&df, "Direction").iter().filter(|d| *d == "I").count(), inbound);
    let port_sum: i64 = field_sum(&tuples, 4);
    assert_eq!(longs(&df, "DestPort").into_iter().flatten().sum::<i64>(), port_sum);
}

#[test]
fn vnet_sample() {
    let path = sample("azure-vnet-flow-v4/testdata.log");
    let text = std::fs::read_to_string(&path).expect("sample");
    let doc: Value = serde_json::from_str(&text).expect("json");
    let mut tuples = Vec::new();
    for r in doc["records"].as_array().expect("records") {
        for acl in r["flowRecords"]["flows"].as_array().expect("flows") {
            for g in acl["flowGroups"].as_array().expect("groups") {
                for t in g["flowTuples"].as_array().expect("tuples") {
                    tuples.push(t.as_str().expect("str").to_string());
                }
            }
        }
    }
    let (name, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(name, "VNetFlowTuples");
    assert_layout(&table, &df);
    assert_eq!(report.records, 1);
    assert_eq!(df.height(), tuples.len());
    assert_eq!(df.height(), 19);
    assert_eq!(longs(&df, "BytesDestToSrc").into_iter().flatten().sum::<i64>(), field_sum(&tuples, 12));
    assert_eq!(field_sum(&tuples, 12), 1580 + 4569 + 4569 + 108 + 32466);
    assert_eq!(texts(&df, "State").iter().filter(|s| *s == "D").count(), 9);
    // Milliseconds: 1663146003599 is 2022-09-14T09:00:03.599Z.
    assert_eq!(longs(&df, "TimeGenerated")[0], Some(ns("2022-09-14T09:00:03.599Z")));
    assert_eq!(longs(&df, "Protocol")[0], Some(6));
    assert_eq!(texts(&df, "Encryption")[0], "NX");
    assert_eq!(texts(&df, "AclId")[10], "01020304-abcd-ef00-1234-102030405060");
    assert_eq!(texts(&df, "Rule")[10], "BlockHighRiskTCPPortsFromInternet");
    assert_eq!(texts(&df, "Rule")[18], "Internet");
    assert_eq!(texts(&df, "MacAddress")[0], "00224871C205");
    assert_eq!(texts(&df, "FlowLogGuid")[0], "abcdef01-2345-6789-0abc-def012345678");
    assert!(texts(&df, "TargetResourceId")[0].ends_with("/virtualNetworks/myVNet"));
    assert_eq!(longs(&df, "FlowLogVersion")[0], Some(4));
}

/// AWS lines split by hand: (fields per line).
fn aws_lines(path: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .expect("sample")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect()
}

#[test]
fn aws_default_format_samples() {
    let path = sample("aws-vpc-flow/test-extra-samples.log");
    let (name, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(name, "AWSVPCFlow");
    assert_layout(&table, &df);
    assert_eq!(table.schema, crate::schema::builtin("AWSVPCFlow").expect("builtin"));
    assert_eq!(report.records, 7);
    assert_eq!(df.height(), 7);
    // 8855 + 4249 + 4249 + 336 + 336; NODATA/SKIPDATA rows have `-`.
    assert_eq!(longs(&df, "Bytes").into_iter().flatten().sum::<i64>(), 18025);
    assert_eq!(longs(&df, "Bytes")[1], None);
    assert_eq!(texts(&df, "SrcAddr")[1], "");
    assert_eq!(texts(&df, "Action")[1], "");
    assert_eq!(texts(&df, "LogStatus")[1], "NODATA");
    assert_eq!(texts(&df, "LogStatus")[2], "SKIPDATA");
    assert_eq!(texts(&df, "SrcAddr")[0], "2001:db8:1234:a100:8d6e:3477:df66:f105");
    assert_eq!(longs(&df, "Protocol")[5], Some(1));
    assert_eq!(longs(&df, "TimeGenerated")[0], Some(1_477_913_708_000_000_000));
    assert_eq!(longs(&df, "End")[0], Some(1_477_913_820_000_000_000));
    assert_eq!(texts(&df, "Type"), vec!["AWSVPCFlow"; 7]);
    assert_eq!(texts(&df, "InterfaceId")[2], "eni-11111111aaaaaaaaa");

    let path = sample("aws-vpc-flow/flow_log.txt");
    let lines = aws_lines(&path);
    let (_, table, _) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(df.height(), lines.len());
    let bytes: i64 = lines.iter().map(|l| l[9].parse::<i64>().expect("bytes")).sum();
    assert_eq!(bytes, 111_000);
    assert_eq!(longs(&df, "Bytes").into_iter().flatten().sum::<i64>(), bytes);
    let rejects = lines.iter().filter(|l| l[12] == "REJECT").count();
    assert_eq!(texts(&df, "Action").iter().filter(|a| *a == "REJECT").count(), rejects);
}

#[test]
fn aws_all_v5_fields_without_header() {
    let path = sample("aws-vpc-flow/test-v5-all-fields.log");
    let (_, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(report.records, 1);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    assert_eq!(longs(&df, "Version"), vec![Some(5)]);
    assert_eq!(texts(&df, "AccountId"), vec!["64111117617"]);
    assert_eq!(longs(&df, "Packets"), vec![Some(52)]);
    assert_eq!(longs(&df, "Bytes"), vec![Some(1)]);
    assert_eq!(longs(&df, "TimeGenerated"), vec![Some(164_000_066_000_000_000)]);
    assert_eq!(texts(&df, "VpcId"), vec!["vpc-09676f97xxxxxb8a7"]);
    assert_eq!(longs(&df, "TcpFlags"), vec![Some(1)]);
    assert_eq!(texts(&df, "TrafficType"), vec!["IPv4"]);
    assert_eq!(texts(&df, "PktDstAddr"), vec!["10.200.0.80"]);
    assert_eq!(texts(&df, "Region"), vec!["us-east-1"]);
    assert_eq!(texts(&df, "AzId"), vec!["use1-az5"]);
    assert_eq!(texts(&df, "SublocationType"), vec![""]);
    assert_eq!(texts(&df, "PktSrcAwsService"), vec!["AMAZON"]);
    assert_eq!(texts(&df, "PktDstAwsService"), vec!["CLOUDFRONT"]);
    assert_eq!(texts(&df, "FlowDirection"), vec!["ingress"]);
    assert_eq!(texts(&df, "TrafficPath"), vec!["1"]);
}

#[test]
fn aws_custom_header_order_and_unknown_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("custom.log");
    std::fs::write(
        &path,
        "srcaddr dstaddr bytes action ecs-cluster-name start end\n\
         10.0.0.1 52.1.2.3 500 ACCEPT web 1700000000 1700000060\n\
         10.0.0.1 52.1.2.4 - REJECT - 1700000000 1700000060\n",
    )
    .expect("write");
    let (_, table, report) = read_native(&path.to_string_lossy(), None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(df.height(), 2);
    assert_eq!(texts(&df, "DstAddr"), vec!["52.1.2.3", "52.1.2.4"]);
    assert_eq!(longs(&df, "Bytes"), vec![Some(500), None]);
    assert_eq!(texts(&df, "Action"), vec!["ACCEPT", "REJECT"]);
    // Fields the file does not have are empty or null.
    assert_eq!(texts(&df, "InterfaceId"), vec!["", ""]);
    assert_eq!(longs(&df, "Version"), vec![None, None]);
    // The field with no column is said, not dropped silently.
    assert_eq!(report.notes.len(), 1);
    assert!(report.notes[0].contains("ecs-cluster-name"), "{:?}", report.notes);
}

#[test]
fn aws_parquet_with_underscored_names() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("flows.parquet");
    let mut df = df!(
        "version" => [2i32, 2],
        "account_id" => ["123456789010", "123456789010"],
        "interface_id" => ["eni-1", "eni-2"],
        "srcaddr" => [Some("10.0.0.1"), None],
        "dstaddr" => [Some("52.1.2.3"), None],
        "srcport" => [Some(40000i32), None],
        "dstport" => [Some(443i32), None],
        "protocol" => [Some(6i32), None],
        "packets" => [Some(10i64), None],
        "bytes" => [Some(840i64), None],
        "start" => [1_700_000_000i64, 1_700_000_100],
        "end" => [1_700_000_060i64, 1_700_000_160],
        "action" => [Some("ACCEPT"), None],
        "log_status" => ["OK", "NODATA"],
        "extra_thing" => ["a", "b"]
    )
    .expect("frame");
    let file = std::fs::File::create(&path).expect("create");
    // AWS writes its Parquet flow logs Gzip-compressed.
    ParquetWriter::new(file).with_compression(ParquetCompression::Gzip(None)).finish(&mut df).expect("write parquet");

    assert_eq!(detect(&path).expect("readable"), Some(RawFormat::AwsVpcParquet));
    let (name, table, report) = read_native(&path.to_string_lossy(), None, &strict()).expect("reads");
    let out = collect(&table);
    assert_eq!(name, "AWSVPCFlow");
    assert_layout(&table, &out);
    assert_eq!(report.rows, 2);
    assert_eq!(texts(&out, "AccountId")[0], "123456789010");
    assert_eq!(texts(&out, "SrcAddr"), vec!["10.0.0.1", ""]);
    assert_eq!(texts(&out, "LogStatus"), vec!["OK", "NODATA"]);
    assert_eq!(longs(&out, "Packets"), vec![Some(10), None]);
    assert_eq!(longs(&out, "TimeGenerated")[0], Some(1_700_000_000_000_000_000));
    assert!(report.notes.iter().any(|n| n.contains("extra_thing")));
}

#[test]
fn formats_by_name() {
    for f in RawFormat::ALL {
        assert_eq!(f.name().parse::<RawFormat>().ok(), Some(f));
    }
    assert_eq!("nsg".parse::<RawFormat>().ok(), Some(RawFormat::NsgFlowV2));
    assert_eq!("aws".parse::<RawFormat>().ok(), Some(RawFormat::AwsVpc));
    assert!("csv".parse::<RawFormat>().is_err());
    assert_eq!(RawFormat::NsgFlowV1.table_name(), "NSGFlowTuples");
    assert_eq!(RawFormat::VnetFlowV4.table_name(), "VNetFlowTuples");
    assert_eq!(RawFormat::AwsVpcParquet.table_name(), "AWSVPCFlow");
}

#[test]
fn vnets_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vnets.txt");
    std::fs::write(&path, "# hub\n10.0.0.0/16\n\n10.1.0.0/16  # spoke\n192.168.5.7\nfd00::/8\n").expect("write");
    let nets = parse_vnets_file(&path).expect("parses");
    let want: Vec<ipnet::IpNet> =
        ["10.0.0.0/16", "10.1.0.0/16", "192.168.5.7/32", "fd00::/8"].iter().map(|s| s.parse().expect("cidr")).collect();
    assert_eq!(nets, want);
    std::fs::write(&path, "10.0.0.0/16\n10.0.0/33\n").expect("write");
    let err = parse_vnets_file(&path).expect_err("bad line");
    assert!(err.message.contains("line 2"), "{}", err.message);
    assert_eq!(err.kind, crate::ErrorKind::Data);
}

#[test]
fn vnet_record_per_line_sample() {
    let path = sample("azure-vnet-flow-v4/test-vnet.log");
    let (_, table, report) = read_native(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!((report.records, df.height()), (1, 2));
    // The B tuple writes its counters as 0,0,0,0: zeros, not nulls.
    assert_eq!(longs(&df, "BytesSrcToDest"), vec![Some(0), Some(2217)]);
    assert_eq!(longs(&df, "PacketsDestToSrc"), vec![Some(0), Some(33)]);
    assert_eq!(texts(&df, "MacAddress"), vec!["0022487bC205"; 2]);
    assert_eq!(texts(&df, "State"), vec!["B", "E"]);
}
