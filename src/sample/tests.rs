//! Checks of what the sample promises, computed with plain Rust over the generated
//! columns. Address classes, formats and value sets are written out here from the
//! documentation (FORMATS.md), not taken from the generator's own tables.

use super::*;
use crate::schema;
use chrono::{DateTime, TimeZone, Utc};
use ipnet::Ipv4Net;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::sync::OnceLock;

const ROWS: usize = DEFAULT_ROWS;
const NS_MINUTE: i64 = 60_000_000_000;
const NS_HOUR: i64 = 60 * NS_MINUTE;
const NS_DAY: i64 = 24 * NS_HOUR;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 3, 11, 7, 12)
        .single()
        .expect("valid instant")
}

fn now_ns() -> i64 {
    now().timestamp_nanos_opt().expect("in range")
}

fn generated() -> &'static Vec<(String, DataFrame)> {
    static SAMPLE: OnceLock<Vec<(String, DataFrame)>> = OnceLock::new();
    SAMPLE.get_or_init(|| collect(sample_tables(ROWS, now()).expect("sample generates")))
}

fn collect(tables: Vec<(String, Table)>) -> Vec<(String, DataFrame)> {
    tables
        .into_iter()
        .map(|(n, t)| (n, t.frame.collect().expect("collects")))
        .collect()
}

fn table(name: &str) -> Frame<'static> {
    let df = generated()
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, df)| df)
        .expect("table present");
    Frame(df)
}

/// Typed column access for the checks.
struct Frame<'a>(&'a DataFrame);

impl Frame<'_> {
    fn len(&self) -> usize {
        self.0.height()
    }

    fn s(&self, name: &str) -> Vec<String> {
        let col = self.0.column(name).expect("column exists");
        let ca = col.str().expect("text column");
        ca.iter()
            .map(|v| v.expect("strings are never null").to_string())
            .collect()
    }

    fn f(&self, name: &str) -> Vec<Option<f64>> {
        self.0
            .column(name)
            .expect("column")
            .f64()
            .expect("real")
            .iter()
            .collect()
    }

    fn l(&self, name: &str) -> Vec<Option<i64>> {
        self.0
            .column(name)
            .expect("column")
            .i64()
            .expect("long")
            .iter()
            .collect()
    }

    fn i(&self, name: &str) -> Vec<Option<i32>> {
        self.0
            .column(name)
            .expect("column")
            .i32()
            .expect("int")
            .iter()
            .collect()
    }

    fn b(&self, name: &str) -> Vec<Option<bool>> {
        self.0
            .column(name)
            .expect("column")
            .bool()
            .expect("bool")
            .iter()
            .collect()
    }

    /// A datetime column as Unix nanoseconds.
    fn t(&self, name: &str) -> Vec<Option<i64>> {
        let col = self.0.column(name).expect("column");
        assert_eq!(
            col.dtype(),
            &DataType::Datetime(TimeUnit::Nanoseconds, None),
            "{name}"
        );
        let ints = col.cast(&DataType::Int64).expect("cast");
        ints.i64().expect("long").iter().collect()
    }
}

fn net(cidr: &str) -> Ipv4Net {
    cidr.parse().expect("cidr")
}

fn ip(text: &str) -> Option<Ipv4Addr> {
    text.parse().ok()
}

/// The two VNets the sample estate is documented to have.
fn vnet_of(addr: Ipv4Addr) -> Option<usize> {
    [net("10.1.0.0/16"), net("10.100.0.0/16")]
        .iter()
        .position(|n| n.contains(&addr))
}

fn is_rfc1918(addr: Ipv4Addr) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
        .iter()
        .any(|c| net(c).contains(&addr))
}

fn in_net(text: &str, cidr: &str) -> bool {
    ip(text).is_some_and(|a| net(cidr).contains(&a))
}

/// Parses `ip|started|ended|outPkts|inPkts|outBytes|inBytes ...` (FORMATS.md 2.4).
fn public_entries(list: &str) -> Vec<(Ipv4Addr, [u64; 6])> {
    list.split(' ')
        .map(|entry| {
            let fields: Vec<&str> = entry.split('|').collect();
            assert_eq!(fields.len(), 7, "entry {entry:?} in {list:?}");
            let addr = ip(fields[0]).unwrap_or_else(|| panic!("address in {entry:?}"));
            let mut n = [0u64; 6];
            for (k, f) in fields[1..].iter().enumerate() {
                n[k] = f
                    .parse()
                    .unwrap_or_else(|_| panic!("counter {f:?} in {entry:?}"));
            }
            (addr, n)
        })
        .collect()
}

#[test]
fn tables_come_in_order_with_exact_schemas() {
    let names: Vec<&str> = generated().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "AzureNetworkAnalytics_CL",
            "NTANetAnalytics",
            "VMConnection",
            "InsightsMetrics"
        ]
    );
    let tables = sample_tables(50, now()).expect("generates");
    for (name, t) in &tables {
        let want = schema::builtin(name).expect("built-in schema");
        assert_eq!(&t.schema, &want, "{name} schema");
        assert_eq!(
            t.frame.clone().collect_schema().expect("schema").as_ref(),
            &want.polars(),
            "{name} lazy schema"
        );
    }
    for (name, df) in generated() {
        let want = schema::builtin(name).expect("built-in schema");
        let got: Vec<(String, DataType)> = df
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), c.dtype().clone()))
            .collect();
        let expected: Vec<(String, DataType)> = want
            .columns
            .iter()
            .map(|(n, k)| (n.clone(), k.polars()))
            .collect();
        assert_eq!(got, expected, "{name}");
        for (col, kind) in &want.columns {
            if kind.is_textual() {
                assert_eq!(
                    df.column(col).expect("column").null_count(),
                    0,
                    "{name}.{col} has nulls"
                );
            }
        }
    }
}

#[test]
fn row_counts_scale_and_never_vanish() {
    let heights: Vec<usize> = generated().iter().map(|(_, df)| df.height()).collect();
    assert_eq!(heights, [ROWS, ROWS / 2, ROWS / 4, ROWS / 4]);
    for rows in [1, 3, 39, 41] {
        let tables = collect(sample_tables(rows, now()).expect("generates"));
        let heights: Vec<usize> = tables.iter().map(|(_, df)| df.height()).collect();
        assert_eq!(
            heights,
            [
                rows,
                (rows / 2).max(1),
                (rows / 4).max(1),
                (rows / 4).max(1)
            ],
            "rows = {rows}"
        );
    }
    let err = sample_tables(0, now()).err().expect("zero rows is refused");
    assert_eq!(err.kind, crate::ErrorKind::Usage);
}

#[test]
fn same_request_gives_identical_data() {
    let again = collect(sample_tables(ROWS, now()).expect("generates"));
    for ((name, a), (_, b)) in generated().iter().zip(&again) {
        assert!(a.equals_missing(b), "{name} differs between runs");
    }
    // Another instant moves the data in time.
    let later =
        collect(sample_tables(ROWS, now() + chrono::Duration::hours(1)).expect("generates"));
    let first = |t: &[(String, DataFrame)]| Frame(&t[0].1).t("TimeGenerated")[0];
    assert_ne!(first(generated()), first(&later));
}

#[test]
fn every_record_lies_in_the_eight_days_before_now() {
    let now = now_ns();
    for (name, df) in generated() {
        for t in Frame(df).t("TimeGenerated") {
            let t = t.expect("TimeGenerated is always set");
            assert!(t <= now && t > now - 8 * NS_DAY, "{name}: {t}");
        }
    }
}

#[test]
fn flow_rows_are_recent_enough_for_the_article_windows() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, tg) = (
        cl.s("SubType_s"),
        cl.s("FASchemaVersion_s"),
        cl.t("TimeGenerated"),
    );
    let now = now_ns();
    let count = |window: i64| {
        (0..cl.len())
            .filter(|&i| {
                sub[i] == "FlowLog" && ver[i] == "2" && tg[i].is_some_and(|t| t > now - window)
            })
            .count()
    };
    let (hour, day, week) = (count(NS_HOUR), count(NS_DAY), count(7 * NS_DAY));
    assert!(hour >= 40, "ago(1h): {hour}");
    assert!(day >= ROWS / 8, "ago(1d): {day}");
    assert!(week >= ROWS * 3 / 4, "ago(7d): {week}");
    // Denser recently: the last day holds more than a flat eighth of the flows.
    assert!(day * 8 > week * 8 / 7 * 2, "{day} in 1d vs {week} in 7d");
    // Some rows the article's filters drop.
    let v1 = ver.iter().filter(|v| *v == "1").count();
    let topo = sub.iter().filter(|s| *s == "Topology").count();
    assert!(v1 >= ROWS / 50 && topo >= 10, "v1 {v1}, topology {topo}");
}

/// Independent reading of FORMATS.md 2.3/2.4 for one row.
struct FlowView<'a> {
    flow_type: &'a str,
    src: &'a str,
    dst: &'a str,
    outbound: bool,
    src_public: &'a str,
    dst_public: &'a str,
    vm1: &'a str,
    vm2: &'a str,
}

fn check_flow_type(v: &FlowView<'_>) {
    let (s, d) = (ip(v.src), ip(v.dst));
    let ours = |a: Option<Ipv4Addr>| a.and_then(vnet_of);
    match v.flow_type {
        "IntraVNet" | "InterVNet" => {
            let (a, b) = (
                ours(s).expect("source in a VNet"),
                ours(d).expect("destination in a VNet"),
            );
            assert_eq!(a == b, v.flow_type == "IntraVNet", "{} -> {}", v.src, v.dst);
            assert!(!v.vm1.is_empty() && !v.vm2.is_empty());
        }
        "AzurePublic" | "ExternalPublic" | "MaliciousFlow" => {
            // The VM end stays, the public end is blank and listed (2.4).
            if v.outbound {
                assert!(
                    ours(s).is_some() && v.dst.is_empty(),
                    "{} -> {:?}",
                    v.src,
                    v.dst
                );
                assert!(!v.dst_public.is_empty() && v.src_public.is_empty());
            } else {
                assert!(
                    ours(d).is_some() && v.src.is_empty(),
                    "{:?} -> {}",
                    v.src,
                    v.dst
                );
                assert!(!v.src_public.is_empty() && v.dst_public.is_empty());
            }
            for (addr, _) in public_entries(if v.outbound {
                v.dst_public
            } else {
                v.src_public
            }) {
                assert!(!is_rfc1918(addr), "{addr} listed as public");
            }
        }
        "UnknownPrivate" | "S2S" | "P2S" => {
            let (local, remote) = if ours(s).is_some() { (s, d) } else { (d, s) };
            assert!(ours(local).is_some(), "{} / {}", v.src, v.dst);
            let remote = remote.expect("remote address");
            assert!(is_rfc1918(remote) && vnet_of(remote).is_none(), "{remote}");
            let site = net("192.168.100.0/24").contains(&remote);
            let vpn_client = net("172.31.200.0/24").contains(&remote);
            match v.flow_type {
                "S2S" => assert!(site, "{remote}"),
                "P2S" => assert!(vpn_client, "{remote}"),
                _ => assert!(!site && !vpn_client, "{remote}"),
            }
        }
        "Unknown" => {
            assert!(
                ours(s).is_none() && ours(d).is_none(),
                "{} -> {}",
                v.src,
                v.dst
            );
            assert!(v.vm1.is_empty() && v.vm2.is_empty());
        }
        other => panic!("unexpected flow type {other}"),
    }
}

#[test]
fn flow_type_agrees_with_the_addresses() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, ft) = (
        cl.s("SubType_s"),
        cl.s("FASchemaVersion_s"),
        cl.s("FlowType_s"),
    );
    let (src, dst, dir) = (cl.s("SrcIP_s"), cl.s("DestIP_s"), cl.s("FlowDirection_s"));
    let (sp, dp, pub_v1, vmip) = (
        cl.s("SrcPublicIPs_s"),
        cl.s("DestPublicIPs_s"),
        cl.s("PublicIPs_s"),
        cl.s("VMIP_s"),
    );
    let (vm1, vm2) = (cl.s("VM1_s"), cl.s("VM2_s"));
    let mut seen = BTreeSet::new();
    for i in 0..cl.len() {
        if sub[i] != "FlowLog" {
            continue;
        }
        seen.insert(ft[i].clone());
        let public = matches!(
            ft[i].as_str(),
            "AzurePublic" | "ExternalPublic" | "MaliciousFlow"
        );
        if ver[i] == "1" && public {
            // Old schema: the VM in VMIP_s, the outside in PublicIPs_s, no pair columns.
            assert!(
                ip(&vmip[i]).and_then(vnet_of).is_some(),
                "VMIP_s {:?}",
                vmip[i]
            );
            assert!(src[i].is_empty() && dst[i].is_empty() && !pub_v1[i].is_empty());
            assert!(sp[i].is_empty() && dp[i].is_empty());
            continue;
        }
        assert!(vmip[i].is_empty());
        check_flow_type(&FlowView {
            flow_type: &ft[i],
            src: &src[i],
            dst: &dst[i],
            outbound: dir[i] == "O",
            src_public: &sp[i],
            dst_public: &dp[i],
            vm1: &vm1[i],
            vm2: &vm2[i],
        });
    }
    let all: BTreeSet<String> = [
        "IntraVNet",
        "InterVNet",
        "S2S",
        "P2S",
        "AzurePublic",
        "ExternalPublic",
        "MaliciousFlow",
        "UnknownPrivate",
        "Unknown",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(seen, all);
}

#[test]
fn flow_columns_follow_the_documented_formats() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, ft) = (
        cl.s("SubType_s"),
        cl.s("FASchemaVersion_s"),
        cl.s("FlowType_s"),
    );
    let (l4, l7, dir, status) = (
        cl.s("L4Protocol_s"),
        cl.s("L7Protocol_s"),
        cl.s("FlowDirection_s"),
        cl.s("FlowStatus_s"),
    );
    let (port, nsg, rule, rule_type) = (
        cl.f("DestPort_d"),
        cl.s("NSGList_s"),
        cl.s("NSGRule_s"),
        cl.s("NSGRuleType_s"),
    );
    let (mac, sub1, country, region) = (
        cl.s("MACAddress_s"),
        cl.s("Subscription1_g"),
        cl.s("Country_s"),
        cl.s("AzureRegion_s"),
    );
    let (vm1, nic1, subnet1) = (cl.s("VM1_s"), cl.s("NIC1_s"), cl.s("Subnet1_s"));
    let expected_l7: HashMap<u16, &str> = [
        (22, "ssh"),
        (53, "dns"),
        (80, "http"),
        (443, "https"),
        (445, "smb"),
        (1433, "mssql"),
        (3389, "rdp"),
    ]
    .into();
    let guid = |g: &str| {
        let parts: Vec<usize> = g.split('-').map(str::len).collect();
        parts == [8, 4, 4, 4, 12]
            && g.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    };
    for i in (0..cl.len()).filter(|&i| sub[i] == "FlowLog") {
        let p = port[i].expect("port");
        assert!(p.fract() == 0.0 && (1.0..=65535.0).contains(&p));
        assert!(l4[i] == "T" || l4[i] == "U");
        assert!(dir[i] == "I" || dir[i] == "O");
        assert!(status[i] == "A" || status[i] == "D");
        if let Some(name) = expected_l7.get(&(p as u16)) {
            assert_eq!(l7[i], *name);
        }
        let nsg_parts: Vec<&str> = nsg[i].split('/').collect();
        assert!(
            nsg_parts.len() == 3 && guid(nsg_parts[0]) && nsg_parts[2].starts_with("nsg-"),
            "{}",
            nsg[i]
        );
        let mac_parts: Vec<&str> = mac[i].split('-').collect();
        assert!(
            mac[i].starts_with("00-0D-3A-") && mac_parts.len() == 6,
            "{}",
            mac[i]
        );
        assert!(mac_parts
            .iter()
            .all(|m| m.len() == 2 && m.chars().all(|c| c.is_ascii_hexdigit())));
        if ver[i] == "2" {
            assert!(
                rule[i].starts_with("DefaultRule_") || rule[i].starts_with("UserRule_"),
                "{}",
                rule[i]
            );
            let want = if rule[i].starts_with("DefaultRule_") {
                "Default"
            } else {
                "User Defined"
            };
            assert_eq!(rule_type[i], want);
        }
        if !vm1[i].is_empty() {
            assert!(guid(&sub1[i]), "{}", sub1[i]);
            assert_eq!(vm1[i].split('/').count(), 2);
            assert_eq!(nic1[i].split('/').count(), 2);
            assert_eq!(subnet1[i].split('/').count(), 3);
        }
        match ft[i].as_str() {
            "ExternalPublic" | "MaliciousFlow" => {
                assert!(
                    country[i].len() == 2 && region[i].is_empty(),
                    "{} {}",
                    country[i],
                    region[i]
                )
            }
            "AzurePublic" => assert!(country[i].is_empty() && !region[i].is_empty()),
            _ => assert!(country[i].is_empty() && region[i].is_empty()),
        }
    }
}

#[test]
fn counters_add_up_as_documented() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, dir, status) = (
        cl.s("SubType_s"),
        cl.s("FASchemaVersion_s"),
        cl.s("FlowDirection_s"),
        cl.s("FlowStatus_s"),
    );
    let counters = [
        "AllowedInFlows_d",
        "DeniedInFlows_d",
        "AllowedOutFlows_d",
        "DeniedOutFlows_d",
    ]
    .map(|c| cl.f(c));
    let (total, completed) = (cl.f("FlowCount_d"), cl.f("CompletedFlows_d"));
    let bytes = [
        cl.f("OutboundBytes_d"),
        cl.f("InboundBytes_d"),
        cl.f("OutboundPackets_d"),
        cl.f("InboundPackets_d"),
    ];
    let rules = cl.s("NSGRules_s");
    let rule = cl.s("NSGRule_s");
    let mut denied = 0;
    for i in (0..cl.len()).filter(|&i| sub[i] == "FlowLog") {
        let n = total[i].expect("FlowCount_d");
        assert!(n >= 1.0);
        if ver[i] == "1" {
            assert!(counters.iter().all(|c| c[i].is_none()) && completed[i].is_none());
            assert!(bytes.iter().all(|b| b[i].is_none()));
            let parts: Vec<&str> = rules[i].split('|').collect();
            assert_eq!(parts.len(), 5, "{}", rules[i]);
            assert_eq!((parts[2], parts[3]), (dir[i].as_str(), status[i].as_str()));
            assert_eq!(parts[4].parse::<f64>().ok(), Some(n));
            continue;
        }
        let values: Vec<f64> = counters.iter().map(|c| c[i].expect("counter")).collect();
        assert_eq!(
            values.iter().filter(|v| **v != 0.0).count(),
            1,
            "row {i}: {values:?}"
        );
        assert_eq!(values.iter().sum::<f64>(), n);
        let slot = match (dir[i].as_str(), status[i].as_str()) {
            ("I", "A") => 0,
            ("I", "D") => 1,
            ("O", "A") => 2,
            _ => 3,
        };
        assert_eq!(values[slot], n);
        assert!(completed[i].expect("completed") <= n);
        assert!(rules[i].is_empty());
        if status[i] == "D" {
            denied += 1;
            assert!(bytes.iter().all(|b| b[i] == Some(0.0)));
            assert!(rule[i].contains("Deny"), "{} denies", rule[i]);
        } else {
            assert!(bytes.iter().all(|b| b[i].is_some()));
            assert!(rule[i].contains("Allow"), "{} allows", rule[i]);
        }
    }
    assert!(denied > 100, "{denied} denied rows");
}

#[test]
fn public_ip_lists_have_seven_fields_and_add_up() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, ft) = (
        cl.s("SubType_s"),
        cl.s("FASchemaVersion_s"),
        cl.s("FlowType_s"),
    );
    let (sp, dp, pl) = (
        cl.s("SrcPublicIPs_s"),
        cl.s("DestPublicIPs_s"),
        cl.s("PublicIPs_s"),
    );
    let sums = [
        "FlowCount_d",
        "CompletedFlows_d",
        "OutboundPackets_d",
        "InboundPackets_d",
        "OutboundBytes_d",
        "InboundBytes_d",
    ]
    .map(|c| cl.f(c));
    let mut multi = 0;
    let mut lists = 0;
    for i in (0..cl.len()).filter(|&i| sub[i] == "FlowLog") {
        let public = matches!(
            ft[i].as_str(),
            "AzurePublic" | "ExternalPublic" | "MaliciousFlow"
        );
        assert_eq!(!pl[i].is_empty(), public, "PublicIPs_s on {}", ft[i]);
        if !public {
            assert!(sp[i].is_empty() && dp[i].is_empty());
            continue;
        }
        let entries = public_entries(&pl[i]);
        lists += 1;
        multi += usize::from(entries.len() > 1);
        if ver[i] == "2" {
            // Schema 2 keeps the list in the side's own column too, identically.
            assert_eq!(&pl[i], if sp[i].is_empty() { &dp[i] } else { &sp[i] });
            for (k, sum) in sums.iter().enumerate() {
                let total: u64 = entries.iter().map(|(_, n)| n[k]).sum();
                assert_eq!(Some(total as f64), sum[i], "field {} of {}", k + 1, pl[i]);
            }
        }
    }
    assert!(
        lists > ROWS / 4 && multi > 50,
        "{lists} lists, {multi} with several addresses"
    );
}

#[test]
fn flow_times_nest_inside_the_processing_interval() {
    let cl = table("AzureNetworkAnalytics_CL");
    let sub = cl.s("SubType_s");
    let [gen, processed, start, end, flow_start, flow_end] = [
        "TimeGenerated",
        "TimeProcessed_t",
        "FlowIntervalStartTime_t",
        "FlowIntervalEndTime_t",
        "FlowStartTime_t",
        "FlowEndTime_t",
    ]
    .map(|c| cl.t(c));
    for i in (0..cl.len()).filter(|&i| sub[i] == "FlowLog") {
        let [g, p, s, e, fs, fe] = [
            gen[i],
            processed[i],
            start[i],
            end[i],
            flow_start[i],
            flow_end[i],
        ]
        .map(|t| t.expect("time"));
        assert!(
            e - s == 10 * NS_MINUTE || e - s == 60 * NS_MINUTE,
            "interval {}",
            e - s
        );
        assert_eq!(s % (10 * NS_MINUTE), 0);
        assert!(s <= fs && fs <= fe && fe <= e, "row {i}");
        assert!(
            p > e && g >= p,
            "row {i}: processed after the interval, ingested after processing"
        );
    }
}

#[test]
fn topology_rows_feed_the_blob_path_query() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, rtype, name, subscription) = (
        cl.s("SubType_s"),
        cl.s("ResourceType"),
        cl.s("Name_s"),
        cl.s("Subscription_g"),
    );
    let (region, discovery, enabled, account) = (
        cl.s("Region_s"),
        cl.s("DiscoveryRegion_s"),
        cl.b("IsFlowEnabled_b"),
        cl.s("FlowLogStorageAccount_s"),
    );
    let (ft, count, processed) = (
        cl.s("FlowType_s"),
        cl.f("FlowCount_d"),
        cl.t("TimeProcessed_t"),
    );
    let nsg_lists: BTreeSet<String> = cl
        .s("NSGList_s")
        .into_iter()
        .zip(&sub)
        .filter(|(_, s)| *s == "FlowLog")
        .map(|(n, _)| n)
        .collect();
    let mut joined = BTreeSet::new();
    let mut other_region = 0;
    let mut rows = 0;
    for i in (0..cl.len()).filter(|&i| sub[i] == "Topology") {
        rows += 1;
        assert_eq!(rtype[i], "NetworkSecurityGroup");
        assert!(ft[i].is_empty() && count[i].is_none() && processed[i].is_some());
        let usable = discovery[i] == region[i] && enabled[i] == Some(true);
        other_region += usize::from(discovery[i] != region[i]);
        if enabled[i] == Some(true) {
            assert_eq!(account[i].split('/').count(), 3, "{}", account[i]);
        }
        // Microsoft's query: nsgId = strcat(Subscription_g, "/", Name_s) joined to NSGList_s.
        let nsg_id = format!("{}/{}", subscription[i], name[i]);
        if usable && nsg_lists.contains(&nsg_id) {
            joined.insert(nsg_id);
        }
    }
    assert!(
        rows >= 10 && other_region > 0,
        "{rows} rows, {other_region} from another region"
    );
    assert_eq!(joined, nsg_lists, "every logging NSG is in the inventory");
}

#[test]
fn the_articles_hunting_targets_are_there() {
    let cl = table("AzureNetworkAnalytics_CL");
    let now = now_ns();
    let (sub, ver, ft, tg) = (
        cl.s("SubType_s"),
        cl.s("FASchemaVersion_s"),
        cl.s("FlowType_s"),
        cl.t("TimeGenerated"),
    );
    let (src, dst, dir, status) = (
        cl.s("SrcIP_s"),
        cl.s("DestIP_s"),
        cl.s("FlowDirection_s"),
        cl.s("FlowStatus_s"),
    );
    let (l7, count, out_bytes, public) = (
        cl.s("L7Protocol_s"),
        cl.f("FlowCount_d"),
        cl.f("OutboundBytes_d"),
        cl.s("PublicIPs_s"),
    );
    let v2 = |i: usize| sub[i] == "FlowLog" && ver[i] == "2";
    let within = |i: usize, w: i64| tg[i].is_some_and(|t| t > now - w);

    // 5.4.1: 10.1.0.99 to 10.100.10.10/24 inside VNets, last 7 days.
    let jump = (0..cl.len())
        .filter(|&i| v2(i) && within(i, 7 * NS_DAY))
        .filter(|&i| matches!(ft[i].as_str(), "IntraVNet" | "InterVNet"))
        .filter(|&i| src[i] == "10.1.0.99" && in_net(&dst[i], "10.100.10.0/24"))
        .count();
    assert!(jump >= 3, "{jump} jump-host flows");

    // 5.2.3: denied inbound to 10.1.1.0/24 in the last day.
    let denied = (0..cl.len())
        .filter(|&i| v2(i) && within(i, NS_DAY) && in_net(&dst[i], "10.1.1.0/24"))
        .filter(|&i| dir[i] == "I" && status[i] == "D")
        .count();
    assert!(denied >= 3, "{denied} denied inbound flows");

    // Traffic to the published segment 10.1.10.0/24 in the last hour.
    let dmz = (0..cl.len())
        .filter(|&i| v2(i) && within(i, NS_HOUR) && in_net(&dst[i], "10.1.10.0/24"))
        .count();
    assert!(dmz >= 3, "{dmz} flows to the DMZ");

    // 5.4.2 / 5.4.3: allowed flows of the last hour by source, first public address, L7.
    let mut flows: BTreeMap<(String, String, String), (f64, f64)> = BTreeMap::new();
    for i in (0..cl.len()).filter(|&i| v2(i) && within(i, NS_HOUR) && status[i] == "A") {
        // tostring(split(PublicIPs_s, "|", 0)[0])
        let first = public[i].split('|').next().unwrap_or("").to_string();
        let e = flows
            .entry((src[i].clone(), first, l7[i].clone()))
            .or_default();
        e.0 += count[i].unwrap_or(0.0);
        e.1 += out_bytes[i].unwrap_or(0.0);
    }
    let burst = (
        "10.1.2.5".to_string(),
        "198.51.100.45".to_string(),
        "https".to_string(),
    );
    let spike = (
        String::new(),
        "198.51.100.23".to_string(),
        "https".to_string(),
    );
    let mut by_count: Vec<(&(String, String, String), f64)> =
        flows.iter().map(|(k, v)| (k, v.0)).collect();
    by_count.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top_two: BTreeSet<&(String, String, String)> =
        by_count.iter().take(2).map(|(k, _)| *k).collect();
    assert_eq!(
        top_two,
        [&burst, &spike].into_iter().collect(),
        "{by_count:?}"
    );
    let median = by_count[by_count.len() / 2].1;
    assert!(
        by_count[1].1 > 10.0 * median,
        "the spikes stand out: {by_count:?}"
    );
    let top_bytes = flows
        .iter()
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
        .map(|(k, _)| k);
    assert_eq!(top_bytes, Some(&burst));
    assert!(flows.len() > 10, "{} groups in the last hour", flows.len());

    // 5.3.x pie charts over the last day have several slices.
    let day: Vec<usize> = (0..cl.len())
        .filter(|&i| v2(i) && within(i, NS_DAY))
        .collect();
    let distinct = |col: &[String]| {
        day.iter()
            .map(|&i| col[i].as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    assert!(distinct(&ft) >= 8 && distinct(&l7) >= 8 && distinct(&status) == 2);
}

#[test]
fn nta_rows_map_the_same_model_to_typed_columns() {
    let nta = table("NTANetAnalytics");
    let (sub, ver, ft) = (
        nta.s("SubType"),
        nta.s("FaSchemaVersion"),
        nta.s("FlowType"),
    );
    let (src, dst, dir, status) = (
        nta.s("SrcIp"),
        nta.s("DestIp"),
        nta.s("FlowDirection"),
        nta.s("FlowStatus"),
    );
    let (sp, dp, vm1, vm2) = (
        nta.s("SrcPublicIps"),
        nta.s("DestPublicIps"),
        nta.s("SrcVm"),
        nta.s("DestVm"),
    );
    let (l4, port, ports, mac) = (
        nta.s("L4Protocol"),
        nta.i("DestPort"),
        nta.s("SrcPorts"),
        nta.s("MacAddress"),
    );
    let counters = [
        "AllowedInFlows",
        "DeniedInFlows",
        "AllowedOutFlows",
        "DeniedOutFlows",
    ]
    .map(|c| nta.l(c));
    let (completed, bytes) = (nta.l("CompletedFlows"), nta.l("BytesSrcToDest"));
    let tg = nta.t("TimeGenerated");
    let now = now_ns();
    let mut jump = 0;
    for i in 0..nta.len() {
        assert_eq!((sub[i].as_str(), ver[i].as_str()), ("FlowLog", "3"));
        assert!(dir[i] == "Inbound" || dir[i] == "Outbound");
        assert!(status[i] == "Allowed" || status[i] == "Denied");
        assert!(l4[i] == "T" || l4[i] == "U");
        assert!(port[i].is_some_and(|p| p > 0));
        assert!(
            ports[i]
                .split('|')
                .all(|p| p.parse::<u16>().is_ok_and(|p| p >= 49152)),
            "{}",
            ports[i]
        );
        assert_eq!(mac[i].len(), 17);
        check_flow_type(&FlowView {
            flow_type: &ft[i],
            src: &src[i],
            dst: &dst[i],
            outbound: dir[i] == "Outbound",
            src_public: &sp[i],
            dst_public: &dp[i],
            vm1: &vm1[i],
            vm2: &vm2[i],
        });
        let values: Vec<i64> = counters.iter().map(|c| c[i].expect("counter")).collect();
        assert_eq!(values.iter().filter(|v| **v != 0).count(), 1);
        assert!(completed[i].expect("completed") <= values.iter().sum::<i64>());
        if status[i] == "Denied" {
            assert_eq!(bytes[i], Some(0));
        }
        if src[i] == "10.1.0.99"
            && in_net(&dst[i], "10.100.10.0/24")
            && tg[i].is_some_and(|t| t > now - 7 * NS_DAY)
        {
            jump += 1;
        }
    }
    assert!(jump >= 3, "{jump}");
}

#[test]
fn vm_connections_are_consistent_and_carry_recent_threats() {
    let vc = table("VMConnection");
    let now = now_ns();
    let tg = vc.t("TimeGenerated");
    let (dir, proto, sip, dip, rip) = (
        vc.s("Direction"),
        vc.s("Protocol"),
        vc.s("SourceIp"),
        vc.s("DestinationIp"),
        vc.s("RemoteIp"),
    );
    let (failed, responses) = (vc.l("LinksFailed"), vc.l("Responses"));
    let (rmin, rmax, rsum) = (
        vc.l("ResponseTimeMin"),
        vc.l("ResponseTimeMax"),
        vc.l("ResponseTimeSum"),
    );
    let (mip, threat, sev, conf) = (
        vc.s("MaliciousIp"),
        vc.s("IndicatorThreatType"),
        vc.i("Severity"),
        vc.s("Confidence"),
    );
    let (tlp, active, first, last) = (
        vc.s("TLPLevel"),
        vc.s("IsActive"),
        vc.s("FirstReportedDateTime"),
        vc.s("LastReportedDateTime"),
    );
    let (machine, agent, computer) = (vc.s("Machine"), vc.s("AgentId"), vc.s("Computer"));
    let threat_types = [
        "Botnet",
        "C2",
        "CryptoMining",
        "Darknet",
        "DDos",
        "MaliciousUrl",
        "Malware",
        "Phishing",
        "Proxy",
        "PUA",
        "Watchlist",
    ];
    let documentation = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
    let (mut last_15m, mut last_24h) = (BTreeMap::new(), 0);
    for i in 0..vc.len() {
        let t = tg[i].expect("time");
        assert_eq!(t % NS_MINUTE, 0, "a record starts on a minute");
        assert_eq!(proto[i], "tcp");
        assert_eq!(machine[i], format!("m-{}", agent[i]));
        match dir[i].as_str() {
            "inbound" => assert_eq!(rip[i], sip[i]),
            "outbound" => assert_eq!(rip[i], dip[i]),
            other => panic!("direction {other}"),
        }
        if failed[i] != Some(0) {
            assert_eq!(dir[i], "outbound", "only outbound links fail");
        }
        let answered = responses[i].expect("responses") > 0;
        assert_eq!(rmin[i].is_some(), answered);
        assert_eq!(rmax[i].is_some(), answered);
        if let (Some(lo), Some(hi), Some(sum), Some(n)) = (rmin[i], rmax[i], rsum[i], responses[i])
        {
            assert!(
                lo <= hi && lo * n <= sum && sum <= hi * n,
                "{lo} {hi} {sum} {n}"
            );
        }
        if threat[i].is_empty() {
            assert!(
                mip[i].is_empty() && sev[i].is_none() && conf[i].is_empty() && active[i].is_empty()
            );
            continue;
        }
        assert!(threat_types.contains(&threat[i].as_str()), "{}", threat[i]);
        assert_eq!(mip[i], rip[i]);
        assert!(
            documentation.iter().any(|c| in_net(&rip[i], c)),
            "{} is not a documentation address",
            rip[i]
        );
        assert!(sev[i].is_some_and(|s| (0..=5).contains(&s)));
        assert!(
            conf[i].parse::<u32>().is_ok_and(|c| c <= 100),
            "{}",
            conf[i]
        );
        assert!(["White", "Green", "Amber", "Red"].contains(&tlp[i].as_str()));
        assert_eq!(active[i], "True");
        let first = DateTime::parse_from_rfc3339(&first[i])
            .expect("first reported")
            .timestamp_nanos_opt();
        let last = DateTime::parse_from_rfc3339(&last[i])
            .expect("last reported")
            .timestamp_nanos_opt();
        assert!(
            first <= last && last <= Some(t),
            "reported before it was seen"
        );
        // The seed alert: ago(15m), IndicatorThreatType != "", count() by RemoteIp, type.
        if t > now - 15 * NS_MINUTE {
            *last_15m
                .entry((rip[i].clone(), threat[i].clone()))
                .or_insert(0) += 1;
        }
        last_24h += usize::from(t > now - NS_DAY);
    }
    assert!(!last_15m.is_empty(), "threats in the last 15 minutes");
    assert!(last_24h >= 10, "{last_24h} threat rows in 24h");
    let computers: BTreeSet<&String> = computer.iter().collect();
    assert!((3..=8).contains(&computers.len()), "{computers:?}");
}

#[test]
fn insights_metrics_cover_the_documented_counters() {
    let im = table("InsightsMetrics");
    let now = now_ns();
    let (origin, ns, name, tags, val, tg) = (
        im.s("Origin"),
        im.s("Namespace"),
        im.s("Name"),
        im.s("Tags"),
        im.f("Val"),
        im.t("TimeGenerated"),
    );
    // FORMATS.md 10, VM insights counters.
    let documented: BTreeSet<(&str, &str)> = [
        ("Computer", "Heartbeat"),
        ("Memory", "AvailableMB"),
        ("Network", "ReadBytesPerSecond"),
        ("Network", "WriteBytesPerSecond"),
        ("Processor", "UtilizationPercentage"),
        ("LogicalDisk", "WritesPerSecond"),
        ("LogicalDisk", "ReadsPerSecond"),
        ("LogicalDisk", "TransfersPerSecond"),
        ("LogicalDisk", "WriteLatencyMs"),
        ("LogicalDisk", "ReadLatencyMs"),
        ("LogicalDisk", "TransferLatencyMs"),
        ("LogicalDisk", "WriteBytesPerSecond"),
        ("LogicalDisk", "ReadBytesPerSecond"),
        ("LogicalDisk", "BytesPerSecond"),
        ("LogicalDisk", "FreeSpacePercentage"),
        ("LogicalDisk", "FreeSpaceMB"),
    ]
    .into();
    let mut seen = BTreeSet::new();
    let mut mounts = BTreeSet::new();
    let mut seed_query = Vec::new();
    for i in 0..im.len() {
        assert_eq!(origin[i], "vm.azm.ms");
        let pair = (ns[i].as_str(), name[i].as_str());
        assert!(documented.contains(&pair), "{pair:?}");
        seen.insert(pair);
        let v = val[i].expect("Val");
        assert!(v.is_finite() && v >= 0.0);
        if !tags[i].is_empty() {
            let parsed: serde_json::Value = serde_json::from_str(&tags[i]).expect("Tags is JSON");
            let object = parsed.as_object().expect("Tags is an object");
            assert!(
                object.keys().all(|k| k.starts_with("vm.azm.ms/")),
                "{}",
                tags[i]
            );
            if ns[i] == "LogicalDisk" {
                mounts.insert(
                    object["vm.azm.ms/mountId"]
                        .as_str()
                        .expect("mount")
                        .to_string(),
                );
            }
        }
        // The seed article's query (with `contains`, as written).
        let t = tg[i].expect("time");
        if t > now - NS_HOUR
            && ns[i].contains("Disk")
            && tags[i].contains("C:")
            && name[i].contains("FreeSpacePercentage")
        {
            seed_query.push(v);
        }
    }
    assert_eq!(seen, documented);
    assert!(mounts.contains("C:") && mounts.contains("D:"), "{mounts:?}");
    assert!(seed_query.len() >= 10, "{} rows", seed_query.len());
    assert!(seed_query
        .iter()
        .all(|v| (50.0..100.0).contains(v) && (v * 1000.0).fract().abs() < 1e-6));
    assert!(
        seed_query.iter().any(|v| (*v - 91.764).abs() < 0.05),
        "{seed_query:?}"
    );
}

/// Timing of a large table (dev profile is slow; run with `--ignored` to measure).
#[test]
#[ignore]
fn a_million_rows_generate_in_seconds() {
    let start = std::time::Instant::now();
    let tables = sample_tables(1_000_000, now()).expect("generates");
    let built = start.elapsed();
    let heights: Vec<usize> = collect(tables).iter().map(|(_, df)| df.height()).collect();
    eprintln!("1,000,000 rows: generated in {built:?}, {heights:?}");
    assert_eq!(heights[0], 1_000_000);
    assert!(built.as_secs() < 60, "{built:?}");
}
