//! `VMConnection`: VM insights' per-minute TCP connection summaries (FORMATS.md 9) from
//! the monitored VMs of the estate, with threat-intelligence columns on connections
//! to or from listed addresses: a few in the last 15 minutes (the seed article's alert
//! window) and more across the last day.

use super::columns::Columns;
use super::rng::Rng;
use super::timeline::{floor, Timeline, DAY, HOUR, MINUTE};
use super::topology::{
    self as topo, country_details, indicator, Net, AZURE_POOLS, CLIENT_POOLS, CLIENT_WEIGHTS, OUTBOUND_SERVICES, THREAT_POOLS, VM_APP,
    VM_BACKUP, VM_JUMP, VM_PUB, VM_SQL, VM_WEB,
};
use crate::error::Result;
use crate::types::Schema;
use chrono::{DateTime, Utc};
use polars::prelude::DataFrame;

pub(super) const TABLE: &str = "VMConnection";

/// Who is at the far end of a connection pattern.
#[derive(Clone, Copy)]
enum Remote {
    Vms(&'static [usize]),
    /// Internet visitors.
    Clients,
    /// The on-premises office and point-to-site users.
    Office,
    /// Azure service endpoints (storage, monitoring).
    Azure,
    /// Package and code hosting on the internet.
    Internet,
    /// Addresses on threat-intelligence lists.
    Threat,
}

/// One kind of connection a monitored VM makes or accepts.
struct Pattern {
    vm: usize,
    process: &'static str,
    inbound: bool,
    port: u16,
    remote: Remote,
    weight: f64,
    /// Median bytes sent and received per established link, from the VM's side.
    sent: f64,
    received: f64,
}

// A row of the pattern table; positional arguments keep the table readable.
#[allow(clippy::too_many_arguments)]
const fn pat(vm: usize, process: &'static str, inbound: bool, port: u16, remote: Remote, weight: f64, sent: f64, received: f64) -> Pattern {
    Pattern { vm, process, inbound, port, remote, weight, sent, received }
}

const OUT: bool = false;
const IN: bool = true;

const PATTERNS: [Pattern; 24] = [
    pat(VM_JUMP, "mstsc", OUT, 3389, Remote::Vms(&[VM_WEB[0], VM_WEB[1], VM_SQL]), 2.0, 150_000.0, 2_000_000.0),
    pat(VM_JUMP, "ssh", OUT, 22, Remote::Vms(&[VM_APP[0], VM_PUB[0]]), 1.0, 10_000.0, 40_000.0),
    pat(VM_JUMP, "svchost", IN, 3389, Remote::Office, 2.0, 1_500_000.0, 120_000.0),
    pat(VM_JUMP, "svchost", OUT, 443, Remote::Azure, 2.0, 8_000.0, 90_000.0),
    pat(VM_WEB[0], "w3wp", IN, 443, Remote::Vms(&VM_PUB), 5.0, 60_000.0, 3_000.0),
    pat(VM_WEB[0], "w3wp", IN, 443, Remote::Clients, 3.0, 40_000.0, 2_000.0),
    pat(VM_WEB[0], "w3wp", OUT, 8080, Remote::Vms(&VM_APP), 5.0, 2_000.0, 15_000.0),
    pat(VM_WEB[0], "MsMpEng", OUT, 443, Remote::Azure, 1.0, 5_000.0, 300_000.0),
    pat(VM_WEB[1], "w3wp", IN, 443, Remote::Vms(&VM_PUB), 5.0, 60_000.0, 3_000.0),
    pat(VM_WEB[1], "w3wp", IN, 443, Remote::Clients, 3.0, 40_000.0, 2_000.0),
    pat(VM_WEB[1], "w3wp", OUT, 8080, Remote::Vms(&VM_APP), 5.0, 2_000.0, 15_000.0),
    pat(VM_WEB[1], "MsMpEng", OUT, 443, Remote::Azure, 1.0, 5_000.0, 300_000.0),
    pat(VM_APP[0], "java", IN, 8080, Remote::Vms(&VM_WEB), 5.0, 15_000.0, 2_000.0),
    pat(VM_APP[0], "java", OUT, 1433, Remote::Vms(&[VM_SQL]), 5.0, 1_500.0, 40_000.0),
    pat(VM_APP[0], "java", OUT, 443, Remote::Azure, 2.0, 25_000.0, 30_000.0),
    pat(VM_APP[0], "sshd", IN, 22, Remote::Vms(&[VM_JUMP]), 0.5, 40_000.0, 10_000.0),
    pat(VM_SQL, "sqlservr", IN, 1433, Remote::Vms(&VM_APP), 5.0, 40_000.0, 1_500.0),
    pat(VM_SQL, "sqlservr", IN, 1433, Remote::Vms(&[VM_BACKUP]), 0.5, 5_000_000.0, 5_000.0),
    pat(VM_SQL, "sqlservr", OUT, 443, Remote::Azure, 1.0, 2_000_000.0, 20_000.0),
    pat(VM_PUB[0], "nginx", IN, 443, Remote::Clients, 6.0, 30_000.0, 1_200.0),
    pat(VM_PUB[0], "nginx", IN, 80, Remote::Clients, 1.0, 400.0, 500.0),
    pat(VM_PUB[0], "nginx", OUT, 443, Remote::Vms(&VM_WEB), 5.0, 3_000.0, 30_000.0),
    pat(VM_PUB[0], "sshd", IN, 22, Remote::Vms(&[VM_JUMP]), 0.5, 40_000.0, 10_000.0),
    pat(VM_PUB[0], "python3", OUT, 443, Remote::Internet, 0.5, 3_000.0, 250_000.0),
];

/// Contacts with listed addresses: scans of the DMZ and web tier, rare call-backs.
const THREAT_PATTERNS: [Pattern; 5] = [
    pat(VM_PUB[0], "nginx", IN, 443, Remote::Threat, 4.0, 300.0, 600.0),
    pat(VM_PUB[0], "nginx", IN, 80, Remote::Threat, 2.0, 300.0, 400.0),
    pat(VM_PUB[0], "sshd", IN, 22, Remote::Threat, 3.0, 100.0, 200.0),
    pat(VM_WEB[0], "w3wp", IN, 443, Remote::Threat, 1.0, 300.0, 600.0),
    pat(VM_APP[0], "java", OUT, 443, Remote::Threat, 0.3, 2_000.0, 4_000.0),
];

/// Internet hosts the VMs fetch from: (index into `OUTBOUND_SERVICES`, DNS name).
const INTERNET_HOSTS: [(usize, &str); 3] = [(4, "github.com"), (5, "pypi.org"), (6, "registry.npmjs.org")];

struct Conn {
    time: i64,
    pattern: &'static Pattern,
    remote: u32,
    /// Country code of a public remote.
    country: &'static str,
    dns: &'static str,
    cname: &'static str,
    threat: bool,
    established: i64,
    terminated: i64,
    failed: i64,
    live: i64,
    sent: i64,
    received: i64,
    responses: i64,
    response_min: i64,
    response_max: i64,
    response_sum: i64,
    salt: u64,
}

pub(super) fn table(net: &Net, timeline: &Timeline, mut rng: Rng, rows: usize) -> Result<(Schema, DataFrame)> {
    let now = timeline.now();
    let last_minute = floor(now, MINUTE);
    let recent_threats = if rows >= 20 { (rows / 400).max(2) } else { 0 };
    let day_threats = if rows >= 20 { (rows / 150).max(5) } else { 0 };
    let pattern_weights: Vec<f64> = PATTERNS.iter().map(|p| p.weight).collect();
    let threat_weights: Vec<f64> = THREAT_PATTERNS.iter().map(|p| p.weight).collect();
    let mut conns = Vec::with_capacity(rows);
    for i in 0..rows {
        let (time, threat) = if i < recent_threats {
            // Inside the seed alert's 15-minute window.
            (last_minute - rng.between(1, 13) as i64 * MINUTE, true)
        } else if i < recent_threats + day_threats {
            (floor(timeline.sample_within(&mut rng, DAY - HOUR), MINUTE), true)
        } else {
            (floor(timeline.sample(&mut rng), MINUTE), rng.chance(0.015))
        };
        let pattern = if threat { &THREAT_PATTERNS[rng.weighted(&threat_weights)] } else { &PATTERNS[rng.weighted(&pattern_weights)] };
        conns.push(connection(net, &mut rng, time, pattern));
    }

    let c = &conns;
    let mut cols = Columns::new(c.len());
    let vm = |x: &Conn| &net.vms[x.pattern.vm];
    cols.constant("TenantId", topo::WORKSPACE_ID);
    cols.time("TimeGenerated", c.iter().map(move |x| Some(x.time)));
    cols.text("Computer", c.iter().map(move |x| vm(x).def.name));
    cols.text("AgentId", c.iter().map(move |x| vm(x).agent_id.as_str()));
    cols.text("Machine", c.iter().map(move |x| format!("m-{}", vm(x).agent_id)));
    cols.text("Process", c.iter().map(move |x| process_id(vm(x).def.name, x.pattern.process)));
    cols.text("ProcessName", c.iter().map(move |x| x.pattern.process));
    cols.text("ConnectionId", c.iter().map(move |x| format!("c-{:016x}", x.salt)));
    cols.text("Direction", c.iter().map(move |x| if x.pattern.inbound { "inbound" } else { "outbound" }));
    cols.constant("Protocol", "tcp");
    let local = |x: &Conn| vm(x).ip.clone();
    let remote = |x: &Conn| topo::ip_text(x.remote);
    cols.text("SourceIp", c.iter().map(move |x| if x.pattern.inbound { remote(x) } else { local(x) }));
    cols.text("DestinationIp", c.iter().map(move |x| if x.pattern.inbound { local(x) } else { remote(x) }));
    cols.int("DestinationPort", c.iter().map(move |x| Some(i32::from(x.pattern.port))));
    cols.text("RemoteIp", c.iter().map(remote));
    cols.long("LinksEstablished", c.iter().map(move |x| Some(x.established)));
    cols.long("LinksTerminated", c.iter().map(move |x| Some(x.terminated)));
    cols.long("LinksFailed", c.iter().map(move |x| Some(x.failed)));
    cols.long("LinksLive", c.iter().map(move |x| Some(x.live)));
    cols.long("BytesSent", c.iter().map(move |x| Some(x.sent)));
    cols.long("BytesReceived", c.iter().map(move |x| Some(x.received)));
    cols.long("Responses", c.iter().map(move |x| Some(x.responses)));
    // Blank when nothing was answered.
    let timed = |x: &Conn, v: i64| (x.responses > 0).then_some(v);
    cols.long("ResponseTimeMax", c.iter().map(move |x| timed(x, x.response_max)));
    cols.long("ResponseTimeMin", c.iter().map(move |x| timed(x, x.response_min)));
    cols.long("ResponseTimeSum", c.iter().map(move |x| timed(x, x.response_sum)));
    let json_list = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("[\"{s}\"]")
        }
    };
    cols.text("RemoteDnsCanonicalNames", c.iter().map(move |x| json_list(x.cname)));
    cols.text("RemoteDnsQuestions", c.iter().map(move |x| json_list(x.dns)));
    let place = |x: &Conn| {
        if x.threat {
            let ind = indicator(x.remote);
            Some((ind.country_name, ind.latitude, ind.longitude))
        } else if x.country.is_empty() {
            None
        } else {
            Some(country_details(x.country))
        }
    };
    cols.text("RemoteCountry", c.iter().map(move |x| place(x).map_or("", |p| p.0)));
    cols.real("RemoteLatitude", c.iter().map(move |x| place(x).map(|p| p.1)));
    cols.real("RemoteLongitude", c.iter().map(move |x| place(x).map(|p| p.2)));
    let ind = |x: &Conn| x.threat.then(|| indicator(x.remote));
    cols.text("MaliciousIp", c.iter().map(move |x| if x.threat { remote(x) } else { String::new() }));
    cols.text("IndicatorThreatType", c.iter().map(move |x| ind(x).map_or("", |i| i.threat_type)));
    cols.text("Description", c.iter().map(move |x| ind(x).map_or("", |i| i.description)));
    cols.text("TLPLevel", c.iter().map(move |x| ind(x).map_or("", |i| i.tlp)));
    cols.text("Confidence", c.iter().map(move |x| ind(x).map_or(String::new(), |i| i.confidence.to_string())));
    cols.int("Severity", c.iter().map(move |x| ind(x).map(|i| i.severity)));
    cols.text(
        "FirstReportedDateTime",
        c.iter().map(move |x| {
            ind(x).map_or(String::new(), |i| {
                let hours = i64::from(x.remote % 24);
                iso(now - i.first_reported_days * DAY - hours * HOUR)
            })
        }),
    );
    cols.text(
        "LastReportedDateTime",
        c.iter().map(move |x| ind(x).map_or(String::new(), |_| iso(x.time - (x.salt % 360) as i64 * MINUTE))),
    );
    cols.text("IsActive", c.iter().map(move |x| if x.threat { "True" } else { "" }));
    cols.constant("Type", TABLE);
    cols.text("_ResourceId", c.iter().map(move |x| vm(x).resource_id.as_str()));
    cols.text("_SubscriptionId", c.iter().map(move |x| vm(x).vnet.sub));
    cols.real("_BilledSize", c.iter().map(move |x| Some((720 + x.salt % 180 + if x.threat { 260 } else { 0 }) as f64)));
    cols.constant("_IsBillable", "True");
    cols.finish(TABLE)
}

fn connection(net: &Net, rng: &mut Rng, time: i64, pattern: &'static Pattern) -> Conn {
    let mut country = "";
    let mut dns = "";
    let mut cname = "";
    let remote = match pattern.remote {
        Remote::Vms(vms) => net.vms[rng.pick(vms)].addr,
        Remote::Clients => {
            let pool = &CLIENT_POOLS[rng.weighted(&CLIENT_WEIGHTS)];
            country = pool.place;
            pool.pick(rng)
        }
        Remote::Office => {
            if rng.chance(0.6) {
                let [a, b, c] = topo::ONPREM_PREFIX;
                topo::ip(a, b, c, rng.between(20, 120) as u8)
            } else {
                let [a, b, c] = topo::P2S_PREFIX;
                topo::ip(a, b, c, rng.between(2, 60) as u8)
            }
        }
        Remote::Azure => {
            let pool = &AZURE_POOLS[rng.below(AZURE_POOLS.len())];
            country = "JP";
            dns = "stprodjpe01.blob.core.windows.net";
            cname = "blob.tyo22prdstr05a.store.core.windows.net";
            pool.pick(rng)
        }
        Remote::Internet => {
            let (i, host) = rng.pick(&INTERNET_HOSTS);
            let pool = &OUTBOUND_SERVICES[i].pool;
            country = pool.place;
            dns = host;
            pool.pick(rng)
        }
        Remote::Threat => {
            let pool = &THREAT_POOLS[rng.below(THREAT_POOLS.len())];
            pool.pick(rng)
        }
    };
    let threat = matches!(pattern.remote, Remote::Threat);
    let established = if threat { rng.between(1, 3) as i64 } else { i64::from(rng.count(3.0, 60)) };
    let live = if threat { 0 } else { rng.between(0, 3) as i64 };
    let terminated = (established - rng.between(0, 1) as i64).max(0);
    let failed = if !pattern.inbound && rng.chance(0.03) { rng.between(1, 3) as i64 } else { 0 };
    let sent = (established as f64 * rng.lognormal(pattern.sent, 0.8)).round() as i64;
    let received = (established as f64 * rng.lognormal(pattern.received, 0.8)).round() as i64;
    // Scans and some idle connections see no request/response exchange.
    let responses = if threat || rng.chance(0.1) { 0 } else { established * rng.between(1, 20) as i64 };
    let response_min = rng.between(1, 30) as i64;
    let response_max = response_min + rng.lognormal(40.0, 1.0).round() as i64;
    let mean = response_min + ((response_max - response_min) as f64 * rng.unit() * 0.5) as i64;
    Conn {
        time,
        pattern,
        remote,
        country,
        dns,
        cname,
        threat,
        established,
        terminated,
        failed,
        live,
        sent,
        received,
        responses,
        response_min,
        response_max,
        response_sum: mean * responses,
        salt: rng.next_u64(),
    }
}

/// `p-` and 16 hex digits, stable per machine and executable (FNV-1a).
fn process_id(computer: &str, process: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in computer.bytes().chain([0u8]).chain(process.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("p-{h:016x}")
}

/// The ISO 8601 text the threat-intelligence date columns hold.
fn iso(t: i64) -> String {
    DateTime::<Utc>::from_timestamp_nanos(t).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
