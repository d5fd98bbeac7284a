//! The AzureNetworkAnalytics_CL view: exact schema, derivations from FORMATS.md 11.3-11.6
//! stated by hand, and the queries of the seed article run unchanged through `Session`.

use super::*;
use crate::session::Session;

fn nsg_view(opts: &ReadOptions) -> (Table, ReadReport, DataFrame) {
    let path = sample("azure-nsg-flow-v2/testdata.log");
    let (table, report) = read_as_network_analytics(&path, None, opts).expect("reads");
    let df = collect(&table);
    (table, report, df)
}

#[test]
fn nsg_v2_view_columns() {
    let (table, report, df) = nsg_view(&strict());
    assert_eq!(table.schema, crate::schema::builtin("AzureNetworkAnalytics_CL").expect("builtin"));
    assert_layout(&table, &df);
    assert_eq!(df.height(), 11);
    assert_eq!(report.rows, 11);
    assert!(texts(&df, "SubType_s").iter().all(|s| s == "FlowLog"));
    assert!(texts(&df, "FASchemaVersion_s").iter().all(|s| s == "2"));
    assert!(texts(&df, "Type").iter().all(|s| s == "AzureNetworkAnalytics_CL"));
    // Row 5 is FORMATS.md 11.3's example tuple (with this sample's address):
    // 1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A,E,1,66,1,66
    let r = 4;
    assert_eq!(texts(&df, "SrcIP_s")[r], "10.5.16.4");
    assert_eq!(texts(&df, "DestIP_s")[r], "");
    assert_eq!(texts(&df, "DestPublicIPs_s")[r], "13.67.143.117|0|1|1|1|66|66");
    assert_eq!(texts(&df, "SrcPublicIPs_s")[r], "");
    assert_eq!(texts(&df, "PublicIPs_s")[r], "13.67.143.117|0|1|1|1|66|66");
    assert_eq!(texts(&df, "VMIP_s")[r], "10.5.16.4");
    assert_eq!(reals(&df, "DestPort_d")[r], Some(443.0));
    assert_eq!(texts(&df, "L4Protocol_s")[r], "T");
    assert_eq!(texts(&df, "L7Protocol_s")[r], "https");
    assert_eq!(texts(&df, "FlowDirection_s")[r], "O");
    assert_eq!(texts(&df, "FlowStatus_s")[r], "A");
    assert_eq!(texts(&df, "FlowType_s")[r], "ExternalPublic");
    assert_eq!(texts(&df, "NSGList_s")[r], "00000000-0000-0000-0000-000000000000/fabrikamrg/fabriakmvm1-nsg");
    assert_eq!(texts(&df, "NSGRule_s")[r], "DefaultRule_AllowInternetOutBound");
    assert_eq!(texts(&df, "NSGRuleType_s")[r], "Default");
    assert_eq!(texts(&df, "MACAddress_s")[r], "00-0D-3A-F8-78-56");
    assert_eq!(reals(&df, "AllowedOutFlows_d")[r], Some(0.0));
    assert_eq!(reals(&df, "CompletedFlows_d")[r], Some(1.0));
    assert_eq!(reals(&df, "OutboundBytes_d")[r], Some(66.0));
    assert_eq!(reals(&df, "InboundPackets_d")[r], Some(1.0));
    // Row 6, a C tuple with different counts each way:
    // 1542110379,10.5.16.4,13.67.143.115,44931,443,T,O,A,C,30,16978,24,14008
    assert_eq!(reals(&df, "OutboundPackets_d")[5], Some(30.0));
    assert_eq!(reals(&df, "OutboundBytes_d")[5], Some(16978.0));
    assert_eq!(reals(&df, "InboundPackets_d")[5], Some(24.0));
    assert_eq!(reals(&df, "InboundBytes_d")[5], Some(14008.0));
    assert_eq!(texts(&df, "DestPublicIPs_s")[5], "13.67.143.115|0|0|30|24|16978|14008");
    assert_eq!(reals(&df, "FlowCount_d")[5], Some(0.0));
    let t = ns("2018-11-13T11:59:39Z");
    assert_eq!(longs(&df, "TimeGenerated")[r], Some(t));
    assert_eq!(longs(&df, "FlowStartTime_t")[r], Some(t));
    assert_eq!(longs(&df, "FlowIntervalStartTime_t")[r], Some(ns("2018-11-13T11:00:00Z")));
    assert_eq!(longs(&df, "FlowIntervalEndTime_t")[r], Some(ns("2018-11-13T12:00:00Z")));
    assert_eq!(longs(&df, "TimeProcessed_t")[r], Some(ns("2018-11-13T12:00:00Z")));
    // Row 1: inbound, denied, begin: the public side is the source.
    // 1542110402,94.102.49.190,10.5.16.4,28746,443,U,I,D,B,,,,
    assert_eq!(texts(&df, "SrcIP_s")[0], "");
    assert_eq!(texts(&df, "DestIP_s")[0], "10.5.16.4");
    assert_eq!(texts(&df, "SrcPublicIPs_s")[0], "94.102.49.190|1|0|0|0|0|0");
    assert_eq!(texts(&df, "L4Protocol_s")[0], "U");
    assert_eq!(reals(&df, "DeniedInFlows_d")[0], Some(1.0));
    assert_eq!(reals(&df, "FlowCount_d")[0], Some(1.0));
    assert_eq!(reals(&df, "OutboundBytes_d")[0], Some(0.0));
    // Flow counters: one flow per B tuple, in the direction x decision cell.
    assert_eq!(sum_reals(&df, "DeniedInFlows_d"), 7.0);
    assert_eq!(sum_reals(&df, "AllowedOutFlows_d"), 1.0);
    assert_eq!(sum_reals(&df, "AllowedInFlows_d"), 0.0);
    assert_eq!(sum_reals(&df, "FlowCount_d"), 8.0);
    assert_eq!(sum_reals(&df, "CompletedFlows_d"), 2.0);
    assert_eq!(sum_reals(&df, "InboundBytes_d"), (66 + 14008 + 7054) as f64);
    // Unknown offline: empty strings and nulls.
    assert!(texts(&df, "Subnet1_s").iter().all(String::is_empty));
    assert!(texts(&df, "Country_s").iter().all(String::is_empty));
    assert!(texts(&df, "Subscription1_g").iter().all(String::is_empty));
    assert_eq!(df.column("IsFlowCapturedAtUDRHop_b").expect("col").null_count(), 11);
}

#[test]
fn vnets_refine_flow_types() {
    // Local 10.0.0.6 to and from public addresses only: VNet ranges change nothing...
    let path = sample("azure-vnet-flow-v4/testdata.log");
    let opts = ReadOptions { vnets: vec!["10.0.0.0/16".parse().expect("cidr")], ..ReadOptions::default() };
    let (table, report) = read_as_network_analytics(&path, None, &opts).expect("reads");
    let df = collect(&table);
    assert_eq!(report.rows, 19);
    assert!(texts(&df, "FlowType_s").iter().all(|t| t == "ExternalPublic"));
    // ... VNet D tuples are denied flows; B tuples begin allowed ones.
    assert_eq!(sum_reals(&df, "DeniedInFlows_d"), 9.0);
    assert_eq!(sum_reals(&df, "AllowedOutFlows_d"), 5.0);
    assert_eq!(sum_reals(&df, "CompletedFlows_d"), 5.0);
    assert_eq!(texts(&df, "FlowStatus_s").iter().filter(|s| *s == "D").count(), 9);
    assert_eq!(texts(&df, "NSGList_s")[0], "");
    assert_eq!(texts(&df, "NSGRuleType_s")[0], "Default");
    assert_eq!(texts(&df, "NSGRuleType_s")[10], "");
    assert_eq!(texts(&df, "MACAddress_s")[0], "00-22-48-71-C2-05");
    // FORMATS.md 11.4: 1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,767,2,1580
    assert_eq!(texts(&df, "DestPublicIPs_s")[1], "52.239.184.180|0|1|3|2|767|1580");
    assert_eq!(longs(&df, "FlowStartTime_t")[1], Some(ns("2022-09-14T09:00:03.606Z")));

    // ... but private remote ends do change: AWS flows between 10/8 and 192.168/16.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("intra.log");
    std::fs::write(
        &file,
        "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction\n\
         2 10.0.0.4 10.0.1.5 40000 22 6 5 500 1700000000 1700000060 ACCEPT OK egress\n\
         2 10.0.0.4 10.1.0.9 40001 1433 6 5 500 1700000000 1700000060 ACCEPT OK egress\n\
         2 192.168.1.1 10.0.0.4 40002 3389 6 5 500 1700000000 1700000060 REJECT OK ingress\n\
         2 10.0.0.4 1.1.1.1 40003 53 17 1 80 1700000000 1700000060 ACCEPT OK -\n\
         2 10.0.0.4 - - - - - - 1700000000 1700000060 - NODATA -\n",
    )
    .expect("write");
    let path = file.to_string_lossy().to_string();
    let (table, report) = read_as_network_analytics(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(df.height(), 4);
    assert!(report.notes.iter().any(|n| n.contains("1 NODATA/SKIPDATA")));
    assert_eq!(texts(&df, "FlowType_s"), vec!["UnknownPrivate", "UnknownPrivate", "UnknownPrivate", "ExternalPublic"]);
    let opts =
        ReadOptions { vnets: vec!["10.0.0.0/16".parse().expect("cidr"), "10.1.0.0/16".parse().expect("cidr")], ..ReadOptions::default() };
    let (table, _) = read_as_network_analytics(&path, None, &opts).expect("reads");
    let df = collect(&table);
    assert_eq!(texts(&df, "FlowType_s"), vec!["IntraVNet", "InterVNet", "UnknownPrivate", "ExternalPublic"]);
    assert_eq!(texts(&df, "FlowDirection_s"), vec!["O", "O", "I", "O"]);
    assert_eq!(texts(&df, "FlowStatus_s"), vec!["A", "A", "D", "A"]);
    assert_eq!(texts(&df, "L4Protocol_s"), vec!["T", "T", "T", "U"]);
    assert_eq!(texts(&df, "L7Protocol_s"), vec!["ssh", "mssql", "rdp", "dns"]);
    assert_eq!(reals(&df, "OutboundBytes_d"), vec![Some(500.0), Some(500.0), Some(500.0), Some(80.0)]);
    assert_eq!(reals(&df, "InboundBytes_d"), vec![Some(0.0); 4]);
    assert_eq!(reals(&df, "AllowedOutFlows_d"), vec![Some(1.0), Some(1.0), Some(0.0), Some(1.0)]);
    assert_eq!(reals(&df, "DeniedInFlows_d"), vec![Some(0.0), Some(0.0), Some(1.0), Some(0.0)]);
    assert_eq!(texts(&df, "DestPublicIPs_s")[3], "1.1.1.1|1|0|1|0|80|0");
    assert_eq!(longs(&df, "FlowEndTime_t")[0], Some(1_700_000_060_000_000_000));
}

#[test]
fn aws_icmp_and_services() {
    let path = sample("aws-vpc-flow/test-v5-all-fields.log");
    let (table, _) = read_as_network_analytics(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    // ingress from 89.160.20.156 (pkt-srcaddr) with pkt-src-aws-service AMAZON.
    assert_eq!(texts(&df, "FlowDirection_s"), vec!["I"]);
    assert_eq!(texts(&df, "FlowType_s"), vec!["AzurePublic"]);
    assert_eq!(texts(&df, "SrcIP_s"), vec![""]);
    assert_eq!(texts(&df, "DestIP_s"), vec!["10.200.0.80"]);
    assert_eq!(texts(&df, "FlowStatus_s"), vec!["D"]);
    assert_eq!(texts(&df, "L4Protocol_s"), vec!["U"]);
    // The local side is the destination: the "2" columns.
    assert_eq!(texts(&df, "NIC2_s"), vec!["eni-069xxxxxb7a490"]);
    assert_eq!(texts(&df, "VM2_s"), vec!["i-0axxxxxx1ad77"]);
    assert_eq!(texts(&df, "Subnet2_s"), vec!["subnet-02d645xxxxxxxdbc0"]);
    assert_eq!(texts(&df, "Region2_s"), vec!["us-east-1"]);
    assert_eq!(texts(&df, "NIC1_s"), vec![""]);

    let path = sample("aws-vpc-flow/test-extra-samples.log");
    let (table, report) = read_as_network_analytics(&path, None, &strict()).expect("reads");
    let df = collect(&table);
    assert_eq!(df.height(), 5);
    assert!(report.notes.iter().any(|n| n.contains("2 NODATA/SKIPDATA")));
    // ICMP is protocol 1: its number, not T or U.
    assert_eq!(texts(&df, "L4Protocol_s")[3], "1");
}

fn session_with(table: Table) -> Session {
    // Half an hour after the sample's last tuple (2018-11-13T12:01:30Z).
    let mut s = Session::new(ns("2018-11-13T12:30:00Z"));
    s.bind("AzureNetworkAnalytics_CL", table);
    s
}

#[test]
fn seed_article_queries_run_unchanged() {
    let (table, _, _) = nsg_view(&strict());
    let s = session_with(table);

    let q = r#"let timeframe = 1d;
AzureNetworkAnalytics_CL
| where SubType_s == "FlowLog" and FASchemaVersion_s == "2"
| where TimeGenerated > ago(timeframe)
| summarize count() by FlowType_s
| sort by count_ desc
| render piechart with(title='NSG Flow Log FlowType')"#;
    let out = s.run(q).expect("runs").result.frame;
    assert_eq!(texts(&out, "FlowType_s"), vec!["ExternalPublic"]);
    assert_eq!(longs(&out, "count_"), vec![Some(11)]);

    let q = r#"let timeframe = 1d;
AzureNetworkAnalytics_CL
| where SubType_s == "FlowLog" and FASchemaVersion_s == "2"
| where TimeGenerated > ago(timeframe)
| extend FlowAction = case (
FlowStatus_s == 'A', 'Allow',
FlowStatus_s == 'D', 'Deny', 'Deny')
| summarize count() by FlowAction
| sort by count_ desc
| render piechart with(title='NSG Flow Log Action "Allow/Deny"')"#;
    let out = s.run(q).expect("runs").result.frame;
    assert_eq!(texts(&out, "FlowAction"), vec!["Deny", "Allow"]);
    assert_eq!(longs(&out, "count_"), vec![Some(7), Some(4)]);

    // As in the article (no row here: the sample's NIC is 10.5.16.4) ...
    let q = r#"let timeframe = 1d;
AzureNetworkAnalytics_CL
| where TimeGenerated > ago(timeframe)
| where ipv4_is_match(DestIP_s, '10.1.1.0/24') // Subnet でフィルタリング
| project TimeGenerated,NSGRule_s,FlowDirection_s,L4Protocol_s,SrcIP_s,SrcPublicIPs_s,DestIP_s,DestPort_d,L7Protocol_s,FlowCount_d"#;
    let out = s.run(q).expect("runs").result.frame;
    assert_eq!(out.height(), 0);
    assert_eq!(out.width(), 10);
    // ... and with the sample's subnet: the 7 inbound rows keep the local destination.
    let out = s.run(&q.replace("10.1.1.0/24", "10.5.16.0/24")).expect("runs").result.frame;
    assert_eq!(out.height(), 7);
    assert!(texts(&out, "FlowDirection_s").iter().all(|d| d == "I"));

    let q = r#"let timeframe = 1h;
AzureNetworkAnalytics_CL
| where SubType_s == "FlowLog" and FASchemaVersion_s == "2"
| where TimeGenerated > ago(timeframe)
//| where ipv4_is_match(DestIP_s, '10.1.10.0/24') // 特定サブネット
| where FlowStatus_s == "A" // D = Deny, A = Allow
| extend DstPublicIP = tostring(split(PublicIPs_s, "|",0)[0]) // パブリックIPアドレスを抽出
| summarize TotalFlowCounts = sum(FlowCount_d) by SrcIP_s,DstPublicIP,L7Protocol_s
//| where TotalFlowCounts > 50 // 閾値"#;
    let out = s.run(&format!("{q}\n| sort by DstPublicIP asc")).expect("runs").result.frame;
    assert_eq!(texts(&out, "DstPublicIP"), vec!["13.67.143.115", "13.67.143.117", "13.67.143.118", "40.71.12.225"]);
    assert!(texts(&out, "SrcIP_s").iter().all(|s| s == "10.5.16.4"));
    assert!(texts(&out, "L7Protocol_s").iter().all(|s| s == "https"));
    // Only the B tuple (to .118) begins a flow.
    assert_eq!(reals(&out, "TotalFlowCounts"), vec![Some(0.0), Some(0.0), Some(1.0), Some(0.0)]);
    // Unchanged, it runs too.
    assert_eq!(s.run(q).expect("runs").result.frame.height(), 4);

    let q = r#"let timeframe = 7d;
AzureNetworkAnalytics_CL
| where SubType_s == "FlowLog" and FASchemaVersion_s == "2"
| where TimeGenerated > ago(timeframe)
| summarize TotalInboundMByte = sum(InboundBytes_d)/(1024*1024),TotalOutboundMByte = sum(OutboundBytes_d)/(1024*1024) by bin(TimeGenerated, 1h)
| render areachart with(title='NSG Flow Log Traffic (許可) ', ytitle='Mbytes')"#;
    let out = s.run(&q.replace("| render", "| sort by TimeGenerated asc\n| render")).expect("runs").result.frame;
    // 11:00 holds the tuples stamped 11:59:37-11:59:39; 12:00 the rest.
    assert_eq!(longs(&out, "TimeGenerated"), vec![Some(ns("2018-11-13T11:00:00Z")), Some(ns("2018-11-13T12:00:00Z"))]);
    let mb = 1024.0 * 1024.0;
    assert_eq!(reals(&out, "TotalInboundMByte"), vec![Some((66.0 + 14008.0) / mb), Some(7054.0 / mb)]);
    assert_eq!(reals(&out, "TotalOutboundMByte"), vec![Some((66.0 + 16978.0) / mb), Some(8489.0 / mb)]);
    assert_eq!(s.run(q).expect("runs").result.frame.height(), 2);

    let q = r#"let timeframe = 1d;
AzureNetworkAnalytics_CL
| where SubType_s == "FlowLog" and FASchemaVersion_s == "2"
| where TimeGenerated > ago(timeframe)
| where FlowType_s in ("IntraVNet","InterVNet") // FlowType でVnetのみに制限
| project TimeGenerated,NSGRule_s,FlowDirection_s,L4Protocol_s,SrcIP_s,SrcPublicIPs_s,DestIP_s,DestPort_d,L7Protocol_s,FlowCount_d"#;
    assert_eq!(s.run(q).expect("runs").result.frame.height(), 0);
}
