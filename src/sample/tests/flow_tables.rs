//! `AzureNetworkAnalytics_CL` and `NTANetAnalytics`: flow types against addresses,
//! counters, public-IP lists, times, inventory rows and the seed article's hunts.

use super::*;

#[test]
fn flow_rows_are_recent_enough_for_the_article_windows() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, tg) = (cl.s("SubType_s"), cl.s("FASchemaVersion_s"), cl.t("TimeGenerated"));
    let now = now_ns();
    let count =
        |window: i64| (0..cl.len()).filter(|&i| sub[i] == "FlowLog" && ver[i] == "2" && tg[i].is_some_and(|t| t > now - window)).count();
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
            let (a, b) = (ours(s).expect("source in a VNet"), ours(d).expect("destination in a VNet"));
            assert_eq!(a == b, v.flow_type == "IntraVNet", "{} -> {}", v.src, v.dst);
            assert!(!v.vm1.is_empty() && !v.vm2.is_empty());
        }
        "AzurePublic" | "ExternalPublic" | "MaliciousFlow" => {
            // The VM end stays, the public end is blank and listed (2.4).
            if v.outbound {
                assert!(ours(s).is_some() && v.dst.is_empty(), "{} -> {:?}", v.src, v.dst);
                assert!(!v.dst_public.is_empty() && v.src_public.is_empty());
            } else {
                assert!(ours(d).is_some() && v.src.is_empty(), "{:?} -> {}", v.src, v.dst);
                assert!(!v.src_public.is_empty() && v.dst_public.is_empty());
            }
            for (addr, _) in public_entries(if v.outbound { v.dst_public } else { v.src_public }) {
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
            assert!(ours(s).is_none() && ours(d).is_none(), "{} -> {}", v.src, v.dst);
            assert!(v.vm1.is_empty() && v.vm2.is_empty());
        }
        other => panic!("unexpected flow type {other}"),
    }
}

#[test]
fn flow_type_agrees_with_the_addresses() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, ft) = (cl.s("SubType_s"), cl.s("FASchemaVersion_s"), cl.s("FlowType_s"));
    let (src, dst, dir) = (cl.s("SrcIP_s"), cl.s("DestIP_s"), cl.s("FlowDirection_s"));
    let (sp, dp, pub_v1, vmip) = (cl.s("SrcPublicIPs_s"), cl.s("DestPublicIPs_s"), cl.s("PublicIPs_s"), cl.s("VMIP_s"));
    let (vm1, vm2) = (cl.s("VM1_s"), cl.s("VM2_s"));
    let mut seen = BTreeSet::new();
    for i in 0..cl.len() {
        if sub[i] != "FlowLog" {
            continue;
        }
        seen.insert(ft[i].clone());
        let public = matches!(ft[i].as_str(), "AzurePublic" | "ExternalPublic" | "MaliciousFlow");
        if ver[i] == "1" && public {
            // Old schema: the VM in VMIP_s, the outside in PublicIPs_s, no pair columns.
            assert!(ip(&vmip[i]).and_then(vnet_of).is_some(), "VMIP_s {:?}", vmip[i]);
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
    let all: BTreeSet<String> =
        ["IntraVNet", "InterVNet", "S2S", "P2S", "AzurePublic", "ExternalPublic", "MaliciousFlow", "UnknownPrivate", "Unknown"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(seen, all);
}

#[test]
fn flow_columns_follow_the_documented_formats() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, ft) = (cl.s("SubType_s"), cl.s("FASchemaVersion_s"), cl.s("FlowType_s"));
    let (l4, l7, dir, status) = (cl.s("L4Protocol_s"), cl.s("L7Protocol_s"), cl.s("FlowDirection_s"), cl.s("FlowStatus_s"));
    let (port, nsg, rule, rule_type) = (cl.f("DestPort_d"), cl.s("NSGList_s"), cl.s("NSGRule_s"), cl.s("NSGRuleType_s"));
    let (mac, sub1, country, region) = (cl.s("MACAddress_s"), cl.s("Subscription1_g"), cl.s("Country_s"), cl.s("AzureRegion_s"));
    let (vm1, nic1, subnet1) = (cl.s("VM1_s"), cl.s("NIC1_s"), cl.s("Subnet1_s"));
    let expected_l7: HashMap<u16, &str> =
        [(22, "ssh"), (53, "dns"), (80, "http"), (443, "https"), (445, "smb"), (1433, "mssql"), (3389, "rdp")].into();
    let guid = |g: &str| {
        let parts: Vec<usize> = g.split('-').map(str::len).collect();
        parts == [8, 4, 4, 4, 12] && g.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
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
        assert!(nsg_parts.len() == 3 && guid(nsg_parts[0]) && nsg_parts[2].starts_with("nsg-"), "{}", nsg[i]);
        let mac_parts: Vec<&str> = mac[i].split('-').collect();
        assert!(mac[i].starts_with("00-0D-3A-") && mac_parts.len() == 6, "{}", mac[i]);
        assert!(mac_parts.iter().all(|m| m.len() == 2 && m.chars().all(|c| c.is_ascii_hexdigit())));
        if ver[i] == "2" {
            assert!(rule[i].starts_with("DefaultRule_") || rule[i].starts_with("UserRule_"), "{}", rule[i]);
            let want = if rule[i].starts_with("DefaultRule_") { "Default" } else { "User Defined" };
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
                assert!(country[i].len() == 2 && region[i].is_empty(), "{} {}", country[i], region[i])
            }
            "AzurePublic" => assert!(country[i].is_empty() && !region[i].is_empty()),
            _ => assert!(country[i].is_empty() && region[i].is_empty()),
        }
    }
}

#[test]
fn counters_add_up_as_documented() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, ver, dir, status) = (cl.s("SubType_s"), cl.s("FASchemaVersion_s"), cl.s("FlowDirection_s"), cl.s("FlowStatus_s"));
    let counters = ["AllowedInFlows_d", "DeniedInFlows_d", "AllowedOutFlows_d", "DeniedOutFlows_d"].map(|c| cl.f(c));
    let (total, completed) = (cl.f("FlowCount_d"), cl.f("CompletedFlows_d"));
    let bytes = [cl.f("OutboundBytes_d"), cl.f("InboundBytes_d"), cl.f("OutboundPackets_d"), cl.f("InboundPackets_d")];
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
        assert_eq!(values.iter().filter(|v| **v != 0.0).count(), 1, "row {i}: {values:?}");
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
    let (sub, ver, ft) = (cl.s("SubType_s"), cl.s("FASchemaVersion_s"), cl.s("FlowType_s"));
    let (sp, dp, pl) = (cl.s("SrcPublicIPs_s"), cl.s("DestPublicIPs_s"), cl.s("PublicIPs_s"));
    let sums =
        ["FlowCount_d", "CompletedFlows_d", "OutboundPackets_d", "InboundPackets_d", "OutboundBytes_d", "InboundBytes_d"].map(|c| cl.f(c));
    let mut multi = 0;
    let mut lists = 0;
    for i in (0..cl.len()).filter(|&i| sub[i] == "FlowLog") {
        let public = matches!(ft[i].as_str(), "AzurePublic" | "ExternalPublic" | "MaliciousFlow");
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
    assert!(lists > ROWS / 4 && multi > 50, "{lists} lists, {multi} with several addresses");
}

#[test]
fn flow_times_nest_inside_the_processing_interval() {
    let cl = table("AzureNetworkAnalytics_CL");
    let sub = cl.s("SubType_s");
    let [gen, processed, start, end, flow_start, flow_end] =
        ["TimeGenerated", "TimeProcessed_t", "FlowIntervalStartTime_t", "FlowIntervalEndTime_t", "FlowStartTime_t", "FlowEndTime_t"]
            .map(|c| cl.t(c));
    for i in (0..cl.len()).filter(|&i| sub[i] == "FlowLog") {
        let [g, p, s, e, fs, fe] = [gen[i], processed[i], start[i], end[i], flow_start[i], flow_end[i]].map(|t| t.expect("time"));
        assert!(e - s == 10 * NS_MINUTE || e - s == 60 * NS_MINUTE, "interval {}", e - s);
        assert_eq!(s % (10 * NS_MINUTE), 0);
        assert!(s <= fs && fs <= fe && fe <= e, "row {i}");
        assert!(p > e && g >= p, "row {i}: processed after the interval, ingested after processing");
    }
}

#[test]
fn topology_rows_feed_the_blob_path_query() {
    let cl = table("AzureNetworkAnalytics_CL");
    let (sub, rtype, name, subscription) = (cl.s("SubType_s"), cl.s("ResourceType"), cl.s("Name_s"), cl.s("Subscription_g"));
    let (region, discovery, enabled, account) =
        (cl.s("Region_s"), cl.s("DiscoveryRegion_s"), cl.b("IsFlowEnabled_b"), cl.s("FlowLogStorageAccount_s"));
    let (ft, count, processed) = (cl.s("FlowType_s"), cl.f("FlowCount_d"), cl.t("TimeProcessed_t"));
    let nsg_lists: BTreeSet<String> = cl.s("NSGList_s").into_iter().zip(&sub).filter(|(_, s)| *s == "FlowLog").map(|(n, _)| n).collect();
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
    assert!(rows >= 10 && other_region > 0, "{rows} rows, {other_region} from another region");
    assert_eq!(joined, nsg_lists, "every logging NSG is in the inventory");
}

#[test]
fn the_articles_hunting_targets_are_there() {
    let cl = table("AzureNetworkAnalytics_CL");
    let now = now_ns();
    let (sub, ver, ft, tg) = (cl.s("SubType_s"), cl.s("FASchemaVersion_s"), cl.s("FlowType_s"), cl.t("TimeGenerated"));
    let (src, dst, dir, status) = (cl.s("SrcIP_s"), cl.s("DestIP_s"), cl.s("FlowDirection_s"), cl.s("FlowStatus_s"));
    let (l7, count, out_bytes, public) = (cl.s("L7Protocol_s"), cl.f("FlowCount_d"), cl.f("OutboundBytes_d"), cl.s("PublicIPs_s"));
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
    let dmz = (0..cl.len()).filter(|&i| v2(i) && within(i, NS_HOUR) && in_net(&dst[i], "10.1.10.0/24")).count();
    assert!(dmz >= 3, "{dmz} flows to the DMZ");

    // 5.4.2 / 5.4.3: allowed flows of the last hour by source, first public address, L7.
    let mut flows: BTreeMap<(String, String, String), (f64, f64)> = BTreeMap::new();
    for i in (0..cl.len()).filter(|&i| v2(i) && within(i, NS_HOUR) && status[i] == "A") {
        // tostring(split(PublicIPs_s, "|", 0)[0])
        let first = public[i].split('|').next().unwrap_or("").to_string();
        let e = flows.entry((src[i].clone(), first, l7[i].clone())).or_default();
        e.0 += count[i].unwrap_or(0.0);
        e.1 += out_bytes[i].unwrap_or(0.0);
    }
    let burst = ("10.1.2.5".to_string(), "198.51.100.45".to_string(), "https".to_string());
    let spike = (String::new(), "198.51.100.23".to_string(), "https".to_string());
    let mut by_count: Vec<(&(String, String, String), f64)> = flows.iter().map(|(k, v)| (k, v.0)).collect();
    by_count.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top_two: BTreeSet<&(String, String, String)> = by_count.iter().take(2).map(|(k, _)| *k).collect();
    assert_eq!(top_two, [&burst, &spike].into_iter().collect(), "{by_count:?}");
    let median = by_count[by_count.len() / 2].1;
    assert!(by_count[1].1 > 10.0 * median, "the spikes stand out: {by_count:?}");
    let top_bytes = flows.iter().max_by(|a, b| a.1 .1.total_cmp(&b.1 .1)).map(|(k, _)| k);
    assert_eq!(top_bytes, Some(&burst));
    assert!(flows.len() > 10, "{} groups in the last hour", flows.len());

    // 5.3.x pie charts over the last day have several slices.
    let day: Vec<usize> = (0..cl.len()).filter(|&i| v2(i) && within(i, NS_DAY)).collect();
    let distinct = |col: &[String]| day.iter().map(|&i| col[i].as_str()).collect::<BTreeSet<_>>().len();
    assert!(distinct(&ft) >= 8 && distinct(&l7) >= 8 && distinct(&status) == 2);
}

#[test]
fn nta_rows_map_the_same_model_to_typed_columns() {
    let nta = table("NTANetAnalytics");
    let (sub, ver, ft) = (nta.s("SubType"), nta.s("FaSchemaVersion"), nta.s("FlowType"));
    let (src, dst, dir, status) = (nta.s("SrcIp"), nta.s("DestIp"), nta.s("FlowDirection"), nta.s("FlowStatus"));
    let (sp, dp, vm1, vm2) = (nta.s("SrcPublicIps"), nta.s("DestPublicIps"), nta.s("SrcVm"), nta.s("DestVm"));
    let (l4, port, ports, mac) = (nta.s("L4Protocol"), nta.i("DestPort"), nta.s("SrcPorts"), nta.s("MacAddress"));
    let counters = ["AllowedInFlows", "DeniedInFlows", "AllowedOutFlows", "DeniedOutFlows"].map(|c| nta.l(c));
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
        assert!(ports[i].split('|').all(|p| p.parse::<u16>().is_ok_and(|p| p >= 49152)), "{}", ports[i]);
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
        if src[i] == "10.1.0.99" && in_net(&dst[i], "10.100.10.0/24") && tg[i].is_some_and(|t| t > now - 7 * NS_DAY) {
            jump += 1;
        }
    }
    assert!(jump >= 3, "{jump}");
}
