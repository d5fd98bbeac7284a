//! `VMConnection` and `InsightsMetrics`: direction and threat-intelligence columns, the
//! documented counter set and the seed article's queries.

use super::*;

#[test]
fn vm_connections_are_consistent_and_carry_recent_threats() {
    let vc = table("VMConnection");
    let now = now_ns();
    let tg = vc.t("TimeGenerated");
    let (dir, proto, sip, dip, rip) = (vc.s("Direction"), vc.s("Protocol"), vc.s("SourceIp"), vc.s("DestinationIp"), vc.s("RemoteIp"));
    let (failed, responses) = (vc.l("LinksFailed"), vc.l("Responses"));
    let (rmin, rmax, rsum) = (vc.l("ResponseTimeMin"), vc.l("ResponseTimeMax"), vc.l("ResponseTimeSum"));
    let (mip, threat, sev, conf) = (vc.s("MaliciousIp"), vc.s("IndicatorThreatType"), vc.i("Severity"), vc.s("Confidence"));
    let (tlp, active, first, last) = (vc.s("TLPLevel"), vc.s("IsActive"), vc.s("FirstReportedDateTime"), vc.s("LastReportedDateTime"));
    let (machine, agent, computer) = (vc.s("Machine"), vc.s("AgentId"), vc.s("Computer"));
    let threat_types =
        ["Botnet", "C2", "CryptoMining", "Darknet", "DDos", "MaliciousUrl", "Malware", "Phishing", "Proxy", "PUA", "Watchlist"];
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
        if let (Some(lo), Some(hi), Some(sum), Some(n)) = (rmin[i], rmax[i], rsum[i], responses[i]) {
            assert!(lo <= hi && lo * n <= sum && sum <= hi * n, "{lo} {hi} {sum} {n}");
        }
        if threat[i].is_empty() {
            assert!(mip[i].is_empty() && sev[i].is_none() && conf[i].is_empty() && active[i].is_empty());
            continue;
        }
        assert!(threat_types.contains(&threat[i].as_str()), "{}", threat[i]);
        assert_eq!(mip[i], rip[i]);
        assert!(documentation.iter().any(|c| in_net(&rip[i], c)), "{} is not a documentation address", rip[i]);
        assert!(sev[i].is_some_and(|s| (0..=5).contains(&s)));
        assert!(conf[i].parse::<u32>().is_ok_and(|c| c <= 100), "{}", conf[i]);
        assert!(["White", "Green", "Amber", "Red"].contains(&tlp[i].as_str()));
        assert_eq!(active[i], "True");
        let first = DateTime::parse_from_rfc3339(&first[i]).expect("first reported").timestamp_nanos_opt();
        let last = DateTime::parse_from_rfc3339(&last[i]).expect("last reported").timestamp_nanos_opt();
        assert!(first <= last && last <= Some(t), "reported before it was seen");
        // The seed alert: ago(15m), IndicatorThreatType != "", count() by RemoteIp, type.
        if t > now - 15 * NS_MINUTE {
            *last_15m.entry((rip[i].clone(), threat[i].clone())).or_insert(0) += 1;
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
    let (origin, ns, name, tags, val, tg) =
        (im.s("Origin"), im.s("Namespace"), im.s("Name"), im.s("Tags"), im.f("Val"), im.t("TimeGenerated"));
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
            assert!(object.keys().all(|k| k.starts_with("vm.azm.ms/")), "{}", tags[i]);
            if ns[i] == "LogicalDisk" {
                mounts.insert(object["vm.azm.ms/mountId"].as_str().expect("mount").to_string());
            }
        }
        // The seed article's query (with `contains`, as written).
        let t = tg[i].expect("time");
        if t > now - NS_HOUR && ns[i].contains("Disk") && tags[i].contains("C:") && name[i].contains("FreeSpacePercentage") {
            seed_query.push(v);
        }
    }
    assert_eq!(seen, documented);
    assert!(mounts.contains("C:") && mounts.contains("D:"), "{mounts:?}");
    assert!(seed_query.len() >= 10, "{} rows", seed_query.len());
    assert!(seed_query.iter().all(|v| (50.0..100.0).contains(v) && (v * 1000.0).fract().abs() < 1e-6));
    assert!(seed_query.iter().any(|v| (*v - 91.764).abs() < 0.05), "{seed_query:?}");
}
