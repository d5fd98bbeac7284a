//! The flow model shared by `AzureNetworkAnalytics_CL` and `NTANetAnalytics`: one
//! [`Flow`] is one Traffic Analytics row before it is spelled in either table's columns.
//!
//! A flow is drawn from a traffic pattern of the estate in `topology` (clients reaching
//! the web tier, tiers calling each other, admins on the jump host, scanners, ...), so
//! `FlowType_s` always follows from the two addresses, the capturing NIC is one of the
//! ends, and the NSG rule fits the direction and verdict. A few scripted episodes are
//! added on top so the seed articles' hunting queries have something to find.

mod patterns;

use super::parallel;
use super::rng::Rng;
use super::timeline::{floor, uniform_ago, Timeline, DAY, HOUR, MINUTE, SECOND};
use super::topology::{Net, Rule, NSGS, VM_NVA};
use crate::error::Result;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum FlowType {
    IntraVNet,
    InterVNet,
    S2S,
    P2S,
    AzurePublic,
    ExternalPublic,
    MaliciousFlow,
    UnknownPrivate,
    Unknown,
}

impl FlowType {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            FlowType::IntraVNet => "IntraVNet",
            FlowType::InterVNet => "InterVNet",
            FlowType::S2S => "S2S",
            FlowType::P2S => "P2S",
            FlowType::AzurePublic => "AzurePublic",
            FlowType::ExternalPublic => "ExternalPublic",
            FlowType::MaliciousFlow => "MaliciousFlow",
            FlowType::UnknownPrivate => "UnknownPrivate",
            FlowType::Unknown => "Unknown",
        }
    }

    /// The remote end is on the internet and listed in a `*PublicIPs_s` column.
    pub(super) fn is_public(self) -> bool {
        matches!(self, FlowType::AzurePublic | FlowType::ExternalPublic | FlowType::MaliciousFlow)
    }
}

/// One end of a flow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Peer {
    /// One of our VMs (index into `Net::vms`): its topology columns are filled.
    Vm(usize),
    /// A private address Traffic Analytics cannot map to a VM.
    Addr(u32),
    /// The internet side of a public flow: blank, its addresses are in the public list.
    Public,
}

/// How the two ends are connected, for the `Connection*` columns.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Link {
    None,
    Peering,
    Site,
    /// A point-to-site VPN client with this address.
    PointToSite(u32),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Times {
    pub generated: i64,
    pub processed: i64,
    pub interval_start: i64,
    pub interval_end: i64,
    pub flow_start: i64,
    pub flow_end: i64,
}

pub(super) struct Flow {
    pub flow_type: FlowType,
    pub src: Peer,
    pub dst: Peer,
    /// The VM whose NIC (and subnet NSG) logged the flow.
    pub capture: usize,
    /// Logged as leaving the capturing NIC (`O`), else entering it (`I`).
    pub outbound: bool,
    pub port: u16,
    pub udp: bool,
    pub allowed: bool,
    pub rule: Rule,
    pub flows: u64,
    pub completed: u64,
    /// Source to destination.
    pub packets_out: u64,
    pub bytes_out: u64,
    /// Destination to source.
    pub packets_in: u64,
    pub bytes_in: u64,
    /// `ip|started|ended|outPkts|inPkts|outBytes|inBytes` entries joined by a space;
    /// empty unless the flow type is public.
    pub public_ips: String,
    /// Country code of every listed address (ExternalPublic, MaliciousFlow).
    pub country: &'static str,
    /// Azure region of every listed address (AzurePublic).
    pub azure_region: &'static str,
    pub link: Link,
    /// The destination sits behind the public load balancer.
    pub lb_dst: bool,
    pub udr_hop: bool,
    /// A row of the pre-August-2019 schema (`FASchemaVersion_s == "1"`).
    pub schema_v1: bool,
    pub times: Times,
    /// Per-row randomness for cosmetic columns (source ports, record size).
    pub salt: u64,
}

/// How many rows of each scripted episode a table of `count` flows gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Episodes {
    /// 10.1.0.99 to 10.100.10.0/24 in the last 7 days.
    pub jump_to_shared: usize,
    /// Denied inbound flows to 10.1.1.0/24 in the last day.
    pub denied_to_web: usize,
    /// 10.1.2.5 sends hundreds of flows and megabytes to one outside address, last hour.
    pub outbound_burst: usize,
    /// One outside client floods 10.1.10.4:443, last hour.
    pub inbound_spike: usize,
}

impl Episodes {
    pub(super) fn for_count(count: usize) -> Self {
        if count < 40 {
            return Episodes { jump_to_shared: 0, denied_to_web: 0, outbound_burst: 0, inbound_spike: 0 };
        }
        Episodes {
            jump_to_shared: (count / 400).max(3),
            denied_to_web: (count / 500).max(3),
            outbound_burst: (count / 2500).max(2),
            inbound_spike: (count / 2500).max(2),
        }
    }

    fn total(&self) -> usize {
        self.jump_to_shared + self.denied_to_web + self.outbound_burst + self.inbound_spike
    }
}

/// Background flows are drawn in chunks of this many, each from its own random stream,
/// so chunks can be generated side by side with the same result.
const CHUNK: usize = 1 << 15;

/// `count` flows: background traffic, then the scripted episodes; with `v1_share` of
/// the background written in the old schema.
pub(super) fn generate(net: &Net, timeline: &Timeline, rng: Rng, count: usize, v1_share: f64) -> Result<Vec<Flow>> {
    let mut gen = FlowGen { net, rng };
    let episodes = Episodes::for_count(count);
    let background = count - episodes.total();
    let v1 = (background as f64 * v1_share) as usize;
    let now = timeline.now();
    let seed = gen.rng.next_u64();
    let chunks = parallel::map_indexed(background.div_ceil(CHUNK), |c| {
        let mut gen = FlowGen { net, rng: Rng::stream(seed, c as u64) };
        let rows = c * CHUNK..((c + 1) * CHUNK).min(background);
        rows.map(|i| {
            let d = gen.background();
            let t = timeline.sample(&mut gen.rng);
            // Old-schema rows are spread evenly through the background.
            let old_schema = v1 > 0 && (i * v1) % background < v1;
            gen.finish(d, t, old_schema)
        })
        .collect::<Vec<_>>()
    })?;
    let mut out = Vec::with_capacity(count);
    out.extend(chunks.into_iter().flatten());
    // The episodes go last, so the first rows a `take` shows are ordinary traffic.
    for _ in 0..episodes.jump_to_shared {
        let d = gen.jump_to_shared();
        let t = timeline.sample_within(&mut gen.rng, 7 * DAY - 2 * HOUR);
        out.push(gen.finish(d, t, false));
    }
    for i in 0..episodes.denied_to_web {
        let d = if i % 2 == 0 { gen.internet_scan(true) } else { gen.app_to_web_ssh() };
        let t = timeline.sample_within(&mut gen.rng, DAY - HOUR);
        out.push(gen.finish(d, t, false));
    }
    for _ in 0..episodes.outbound_burst {
        let d = gen.outbound_burst();
        let t = uniform_ago(&mut gen.rng, now, 55 * MINUTE, 2 * MINUTE);
        out.push(gen.finish(d, t, false));
    }
    for _ in 0..episodes.inbound_spike {
        let d = gen.inbound_spike();
        let t = uniform_ago(&mut gen.rng, now, 55 * MINUTE, 2 * MINUTE);
        out.push(gen.finish(d, t, false));
    }
    Ok(out)
}

/// A flow before its times and counters are drawn.
struct Draft {
    flow_type: FlowType,
    src: Peer,
    dst: Peer,
    capture: usize,
    outbound: bool,
    port: u16,
    udp: bool,
    allowed: bool,
    rule: Rule,
    public: Vec<u32>,
    place: &'static str,
    link: Link,
    lb_dst: bool,
    udr_hop: bool,
    flows_mean: f64,
    fixed_flows: Option<u64>,
    /// Median bytes per flow, each way.
    bytes_out: f64,
    bytes_in: f64,
}

impl Draft {
    fn new(flow_type: FlowType, src: Peer, dst: Peer, port: u16, udp: bool) -> Self {
        let (capture, outbound) = match (src, dst) {
            (Peer::Vm(v), _) => (v, true),
            (_, Peer::Vm(v)) => (v, false),
            _ => (VM_NVA, true),
        };
        Draft {
            flow_type,
            src,
            dst,
            capture,
            outbound,
            port,
            udp,
            allowed: true,
            rule: Rule::AllowVnetOutBound,
            public: Vec::new(),
            place: "",
            link: Link::None,
            lb_dst: false,
            udr_hop: false,
            flows_mean: 4.0,
            fixed_flows: None,
            bytes_out: 2_000.0,
            bytes_in: 20_000.0,
        }
    }

    /// Logged at the destination's NIC (inbound) rather than the source's.
    fn inbound(mut self) -> Self {
        if let Peer::Vm(v) = self.dst {
            self.capture = v;
            self.outbound = false;
        }
        self
    }

    fn rule(mut self, rule: Rule, allowed: bool) -> Self {
        self.rule = rule;
        self.allowed = allowed;
        self
    }

    fn sizes(mut self, flows_mean: f64, bytes_out: f64, bytes_in: f64) -> Self {
        self.flows_mean = flows_mean;
        self.bytes_out = bytes_out;
        self.bytes_in = bytes_in;
        self
    }
}

struct FlowGen<'a> {
    net: &'a Net,
    rng: Rng,
}

impl FlowGen<'_> {
    /// Traffic Analytics timing: the flow falls in a processing interval of the
    /// capturing NSG, processing follows the interval, ingestion follows processing.
    fn times(&mut self, generated: i64, capture: usize) -> Times {
        let len = NSGS[self.net.vms[capture].nsg].interval_minutes * MINUTE;
        let ingest = self.rng.between(20, 240) as i64 * SECOND + self.rng.below(1000) as i64 * 1_000_000;
        let processed = generated - ingest;
        let delay = self.rng.between(60, 720) as i64 * SECOND;
        let interval_end = floor(processed - delay, len);
        let interval_start = interval_end - len;
        let flow_start = floor(interval_start + (self.rng.unit() * 0.9 * len as f64) as i64, SECOND);
        let flow_end = floor(flow_start + (self.rng.unit() * (interval_end - flow_start) as f64) as i64, SECOND);
        Times { generated, processed, interval_start, interval_end, flow_start, flow_end }
    }

    fn finish(&mut self, d: Draft, generated: i64, schema_v1: bool) -> Flow {
        let times = self.times(generated, d.capture);
        let flows = d.fixed_flows.unwrap_or_else(|| u64::from(self.rng.count(d.flows_mean, 400)));
        let (completed, packets_out, bytes_out, packets_in, bytes_in) = if d.allowed {
            let live = if !d.udp && self.rng.chance(0.25) { self.rng.between(0, flows.min(2)) } else { 0 };
            let bytes_out = self.bytes(flows, d.bytes_out);
            // TCP always answers (SYN-ACK, ACKs); one-way UDP such as syslog may not.
            let bytes_in = match self.bytes(flows, d.bytes_in) {
                b if !d.udp => b.max(60 * flows),
                b => b,
            };
            let packets_out = self.packets(flows, bytes_out, d.udp);
            let packets_in = self.packets(flows, bytes_in, d.udp);
            (flows - live, packets_out, bytes_out, packets_in, bytes_in)
        } else {
            (0, 0, 0, 0, 0)
        };
        let mut public = d.public;
        public.truncate(flows.max(1) as usize);
        let public_ips = if public.is_empty() {
            String::new()
        } else {
            let counters = [completed, packets_out, packets_in, bytes_out, bytes_in];
            self.public_list(&public, flows, counters, schema_v1)
        };
        let (country, azure_region) = match d.flow_type {
            FlowType::AzurePublic => ("", d.place),
            FlowType::ExternalPublic | FlowType::MaliciousFlow => (d.place, ""),
            _ => ("", ""),
        };
        Flow {
            flow_type: d.flow_type,
            src: d.src,
            dst: d.dst,
            capture: d.capture,
            outbound: d.outbound,
            port: d.port,
            udp: d.udp,
            allowed: d.allowed,
            rule: d.rule,
            flows,
            completed,
            packets_out,
            bytes_out,
            packets_in,
            bytes_in,
            public_ips,
            country,
            azure_region,
            link: d.link,
            lb_dst: d.lb_dst,
            udr_hop: d.udr_hop,
            schema_v1,
            times,
            salt: self.rng.next_u64(),
        }
    }

    fn bytes(&mut self, flows: u64, median: f64) -> u64 {
        if median <= 0.0 {
            return 0;
        }
        (flows as f64 * self.rng.lognormal(median, 0.7)).round() as u64
    }

    fn packets(&mut self, flows: u64, bytes: u64, udp: bool) -> u64 {
        if bytes == 0 {
            return 0;
        }
        let per_flow_min = if udp { 1 } else { 2 };
        (bytes / self.rng.between(300, 1_400)).max(flows * per_flow_min)
    }

    /// One entry per address; the entries' counters add up to the row's.
    fn public_list(&mut self, addrs: &[u32], flows: u64, counters: [u64; 5], schema_v1: bool) -> String {
        let k = addrs.len() as u64;
        let weights: Vec<u64> = addrs.iter().map(|_| self.rng.between(1, 10)).collect();
        let mut started = apportion(flows.saturating_sub(k), &weights);
        started.iter_mut().for_each(|s| *s += 1);
        // The old schema had no per-flow end events, packets or bytes.
        let split = counters.map(|total| if schema_v1 { vec![0; addrs.len()] } else { apportion(total, &started) });
        let mut text = String::with_capacity(addrs.len() * 40);
        for (i, addr) in addrs.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let [a, b, c, d] = addr.to_be_bytes();
            let _ = write!(
                text,
                "{a}.{b}.{c}.{d}|{}|{}|{}|{}|{}|{}",
                started[i], split[0][i], split[1][i], split[2][i], split[3][i], split[4][i]
            );
        }
        text
    }
}

/// Splits `total` in proportion to `weights`, exactly (largest parts get the rest).
fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = total;
        }
        return out;
    }
    let mut out: Vec<u64> = weights.iter().map(|w| (u128::from(total) * u128::from(*w) / u128::from(sum)) as u64).collect();
    let mut rest = total - out.iter().sum::<u64>();
    let mut i = 0;
    while rest > 0 && !out.is_empty() {
        out[i % weights.len()] += 1;
        rest -= 1;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact_and_proportional() {
        assert_eq!(apportion(10, &[1, 1]), vec![5, 5]);
        assert_eq!(apportion(7, &[1, 1, 1]), vec![3, 2, 2]);
        assert_eq!(apportion(100, &[3, 1]), vec![75, 25]);
        assert_eq!(apportion(5, &[0, 0]), vec![5, 0]);
        assert_eq!(apportion(0, &[2, 5]), vec![0, 0]);
    }

    #[test]
    fn episodes_scale_and_vanish_for_tiny_tables() {
        assert_eq!(Episodes::for_count(10).total(), 0);
        let e = Episodes::for_count(20_000);
        assert_eq!(e.jump_to_shared, 50);
        assert_eq!(e.denied_to_web, 40);
        assert_eq!(e.outbound_burst, 8);
        assert!(Episodes::for_count(40).total() < 40);
    }
}
