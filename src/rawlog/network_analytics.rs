//! The AzureNetworkAnalytics_CL view of a native raw-log table (FORMATS.md section 11,
//! raw mode): one row per NSG or VNet tuple, or per AWS record, in exactly the columns
//! and types of the built-in `AzureNetworkAnalytics_CL` schema, so that queries written
//! for Traffic Analytics run unchanged.
//!
//! Choices, beyond section 11:
//! - `TimeGenerated` is the tuple's own time (AWS: `start`), not an ingestion time, so
//!   that `where TimeGenerated > ago(..)` and `bin(TimeGenerated, 1h)` see flow times.
//!   `FlowStartTime_t`/`FlowEndTime_t` are the same instant (AWS: `start`/`end`);
//!   `FlowIntervalStartTime_t` is its UTC hour, `FlowIntervalEndTime_t` and
//!   `TimeProcessed_t` that hour's end.
//! - Public flows (`AzurePublic`, `ExternalPublic`) blank the public side's `SrcIP_s` or
//!   `DestIP_s` and put it in `SrcPublicIPs_s`/`DestPublicIPs_s` as
//!   `ip|started|ended|outPackets|inPackets|outBytes|inBytes`. The deprecated
//!   `PublicIPs_s` gets the same entry and `VMIP_s` the local address, since older
//!   queries still read them and both are known offline.
//! - Topology, geography and threat columns stay empty: offline data cannot know them.
//!   `NSGList_s` is `<subscription>/<resourceGroup>/<nsg>` (lower case) from the NSG
//!   resource ID; VNet flow logs name an ACL GUID instead, so it is empty for them.
//! - A protocol other than TCP and UDP (VNet, AWS) appears in `L4Protocol_s` as its IANA
//!   number, e.g. "1" for ICMP.
//! - AWS: `pkt-srcaddr`/`pkt-dstaddr` are preferred to `srcaddr`/`dstaddr`; the direction
//!   is `flow-direction`, or (without it) `O` when the source is private and the
//!   destination is not; NODATA and SKIPDATA rows describe no flow and are left out (the
//!   read report counts them); the local side's interface, instance, subnet and region
//!   go to the `NIC`, `VM`, `Subnet` and `Region` columns of that side.

use super::columns::{self as c, Interner};
use super::flowtype::{self, classify, flow_type, Class};
use crate::error::Result;
use crate::schema;
use ipnet::IpNet;
use polars::prelude::*;
use std::collections::HashMap;
use std::net::IpAddr;

pub(crate) const TABLE: &str = "AzureNetworkAnalytics_CL";

const HOUR_NS: i64 = 3_600_000_000_000;

/// The source a view row comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Nsg,
    Vnet,
}

/// `A1B2C3D4E5F6` as `A1-B2-C3-D4-E5-F6`; anything else unchanged.
fn dashed_mac(mac: &str) -> String {
    if mac.len() == 12 && mac.bytes().all(|b| b.is_ascii_hexdigit()) {
        let up = mac.to_ascii_uppercase();
        (0..6).map(|i| &up[2 * i..2 * i + 2]).collect::<Vec<_>>().join("-")
    } else {
        mac.to_string()
    }
}

/// `<subscription>/<resourceGroup>/<nsg>` from an NSG resource ID, lower case.
fn nsg_list(resource_id: &str) -> String {
    let parts: Vec<&str> = resource_id.split('/').collect();
    let after = |key: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(key)).and_then(|i| parts.get(i + 1)).copied();
    match (after("subscriptions"), after("resourceGroups"), after("networkSecurityGroups")) {
        (Some(s), Some(g), Some(n)) => format!("{s}/{g}/{n}").to_lowercase(),
        _ => String::new(),
    }
}

fn rule_type(rule: &str) -> &'static str {
    if rule.starts_with("DefaultRule_") {
        "Default"
    } else if rule.starts_with("UserRule_") {
        "User Defined"
    } else {
        ""
    }
}

/// Appends one `*PublicIPs_s` entry (FORMATS.md 2.4) to `out`:
/// `ip|flowsStarted|flowsEnded|outboundPackets|inboundPackets|outboundBytes|inboundBytes`,
/// with `counts` in that order. The raw view writes one per row; the TA-compatible
/// aggregation (`aggregate.rs`) one per public address of a group, with summed counts.
pub(crate) fn write_public_entry(out: &mut String, ip: &str, counts: [i64; PUBLIC_ENTRY_COUNTS]) {
    use std::fmt::Write;
    let _ = write!(out, "{ip}");
    for n in counts {
        let _ = write!(out, "|{n}");
    }
}

/// The number of counts after the address in a `*PublicIPs_s` entry.
pub(crate) const PUBLIC_ENTRY_COUNTS: usize = 6;

/// One view row's facts, from any source.
struct Flow<'a> {
    time: Option<i64>,
    start: Option<i64>,
    end: Option<i64>,
    src: &'a str,
    dst: &'a str,
    dport: Option<i32>,
    l4: &'a str,
    dir: &'static str,
    status: &'static str,
    /// B, C, E, D, or "" where the source has no flow state.
    state: &'a str,
    /// Packets and bytes source to destination, then destination to source; `None`
    /// where the source has none (NSG version 1).
    counts: Option<[i64; 4]>,
    rule: &'a str,
    provider_service: bool,
}

/// A string column whose value is derived from an input text, computed once per run of
/// equal inputs.
struct Derived {
    out: Interner,
    last: Option<String>,
}

impl Derived {
    fn new() -> Self {
        Derived { out: Interner::default(), last: None }
    }

    fn push(&mut self, input: &str, f: impl Fn(&str) -> String) {
        if self.last.as_deref() == Some(input) && self.out.repeat_last() {
            return;
        }
        self.out.push(&f(input));
        self.last = Some(input.to_string());
    }
}

struct Builder<'v> {
    vnets: &'v [IpNet],
    rows: usize,
    time: Vec<Option<i64>>,
    interval_start: Vec<Option<i64>>,
    interval_end: Vec<Option<i64>>,
    flow_start: Vec<Option<i64>>,
    flow_end: Vec<Option<i64>>,
    flow_type: Interner,
    azure_region: Interner,
    src_ip: StringChunkedBuilder,
    dest_ip: StringChunkedBuilder,
    dest_port: Vec<Option<f64>>,
    l4: Interner,
    l7: Interner,
    dir: Interner,
    status: Interner,
    rule: Interner,
    rule_type: Interner,
    /// AllowedIn, DeniedIn, AllowedOut, DeniedOut, FlowCount, Completed.
    flows: [Vec<Option<f64>>; 6],
    /// OutboundPackets, InboundPackets, OutboundBytes, InboundBytes.
    traffic: [Vec<Option<f64>>; 4],
    src_public: StringChunkedBuilder,
    dest_public: StringChunkedBuilder,
    public_ips: StringChunkedBuilder,
    vmip: StringChunkedBuilder,
    scratch: String,
}

impl<'v> Builder<'v> {
    fn new(vnets: &'v [IpNet], cap: usize) -> Self {
        let sb = |n: &str| StringChunkedBuilder::new(c::name(n), cap);
        Builder {
            vnets,
            rows: 0,
            time: Vec::with_capacity(cap),
            interval_start: Vec::with_capacity(cap),
            interval_end: Vec::with_capacity(cap),
            flow_start: Vec::with_capacity(cap),
            flow_end: Vec::with_capacity(cap),
            flow_type: Interner::default(),
            azure_region: Interner::default(),
            src_ip: sb("SrcIP_s"),
            dest_ip: sb("DestIP_s"),
            dest_port: Vec::with_capacity(cap),
            l4: Interner::default(),
            l7: Interner::default(),
            dir: Interner::default(),
            status: Interner::default(),
            rule: Interner::default(),
            rule_type: Interner::default(),
            flows: Default::default(),
            traffic: Default::default(),
            src_public: sb("SrcPublicIPs_s"),
            dest_public: sb("DestPublicIPs_s"),
            public_ips: sb("PublicIPs_s"),
            vmip: sb("VMIP_s"),
            scratch: String::new(),
        }
    }

    fn push(&mut self, f: &Flow) {
        self.rows += 1;
        self.time.push(f.time);
        let hour = f.time.map(|t| t.div_euclid(HOUR_NS) * HOUR_NS);
        self.interval_start.push(hour);
        self.interval_end.push(hour.map(|h| h + HOUR_NS));
        self.flow_start.push(f.start);
        self.flow_end.push(f.end);

        let src: Option<IpAddr> = f.src.parse().ok();
        let dst: Option<IpAddr> = f.dst.parse().ok();
        let outbound = f.dir == "O";
        let (local, remote) = if outbound { (src, dst) } else { (dst, src) };
        let (ft, region) = flow_type(local, remote, self.vnets, f.provider_service);
        self.flow_type.push(ft);
        self.azure_region.push(region);

        self.dest_port.push(f.dport.map(f64::from));
        self.l4.push(f.l4);
        self.l7.push(flowtype::l7_protocol(f.dport));
        self.dir.push(f.dir);
        self.status.push(f.status);
        self.rule.push(f.rule);
        self.rule_type.push(rule_type(f.rule));

        // Flows: a flow is counted where it begins (B), is denied (VNet D), or, for
        // sources without a flow state, once per row.
        let counted = match f.state {
            "B" | "D" | "" => 1.0,
            _ => 0.0,
        };
        let cell = match (f.dir, f.status) {
            ("I", "A") => Some(0),
            ("I", "D") => Some(1),
            ("O", "A") => Some(2),
            ("O", "D") => Some(3),
            _ => None,
        };
        for k in 0..4 {
            self.flows[k].push(Some(if cell == Some(k) { counted } else { 0.0 }));
        }
        self.flows[4].push(Some(if cell.is_some() { counted } else { 0.0 }));
        let ended = f.state == "E";
        self.flows[5].push(Some(if ended { 1.0 } else { 0.0 }));
        let [op, ob, ip, ib] = match f.counts {
            Some([p1, b1, p2, b2]) => [Some(p1), Some(b1), Some(p2), Some(b2)],
            None => [None; 4],
        };
        for (k, v) in [op, ip, ob, ib].into_iter().enumerate() {
            self.traffic[k].push(v.map(|x| x as f64));
        }

        // The public side of a public flow moves to the *PublicIPs_s columns.
        let public = flowtype::is_public_flow(ft);
        let (public_is_src, public_ip) = if outbound { (false, f.dst) } else { (true, f.src) };
        if public {
            let started = u8::from(counted > 0.0 && f.state != "D");
            self.scratch.clear();
            let counts = [i64::from(started), i64::from(ended), op.unwrap_or(0), ip.unwrap_or(0), ob.unwrap_or(0), ib.unwrap_or(0)];
            write_public_entry(&mut self.scratch, public_ip, counts);
            let vm = if public_is_src { f.dst } else { f.src };
            if public_is_src {
                self.src_ip.append_value("");
                self.dest_ip.append_value(f.dst);
                self.src_public.append_value(&self.scratch);
                self.dest_public.append_value("");
            } else {
                self.src_ip.append_value(f.src);
                self.dest_ip.append_value("");
                self.src_public.append_value("");
                self.dest_public.append_value(&self.scratch);
            }
            self.public_ips.append_value(&self.scratch);
            self.vmip.append_value(vm);
        } else {
            self.src_ip.append_value(f.src);
            self.dest_ip.append_value(f.dst);
            self.src_public.append_value("");
            self.dest_public.append_value("");
            self.public_ips.append_value("");
            self.vmip.append_value("");
        }
    }

    fn finish(self, mut extra: HashMap<String, Column>) -> Result<DataFrame> {
        let n = self.rows;
        let mut put = |col: Column| {
            extra.insert(col.name().to_string(), col);
        };
        put(c::datetimes("TimeGenerated", self.time)?);
        put(c::datetimes("FlowIntervalStartTime_t", self.interval_start)?);
        put(c::datetimes("FlowIntervalEndTime_t", self.interval_end.clone())?);
        put(c::datetimes("TimeProcessed_t", self.interval_end)?);
        put(c::datetimes("FlowStartTime_t", self.flow_start)?);
        put(c::datetimes("FlowEndTime_t", self.flow_end)?);
        put(c::const_string("SubType_s", "FlowLog", n));
        put(c::const_string("FASchemaVersion_s", "2", n));
        put(c::const_string("Type", TABLE, n));
        put(self.flow_type.finish("FlowType_s")?);
        put(self.azure_region.finish("AzureRegion_s")?);
        put(self.src_ip.finish().into_column());
        put(self.dest_ip.finish().into_column());
        put(c::reals("DestPort_d", self.dest_port));
        put(self.l4.finish("L4Protocol_s")?);
        put(self.l7.finish("L7Protocol_s")?);
        put(self.dir.finish("FlowDirection_s")?);
        put(self.status.finish("FlowStatus_s")?);
        put(self.rule.finish("NSGRule_s")?);
        put(self.rule_type.finish("NSGRuleType_s")?);
        let names = ["AllowedInFlows_d", "DeniedInFlows_d", "AllowedOutFlows_d", "DeniedOutFlows_d", "FlowCount_d", "CompletedFlows_d"];
        for (name, v) in names.iter().zip(self.flows) {
            put(c::reals(name, v));
        }
        let names = ["OutboundPackets_d", "InboundPackets_d", "OutboundBytes_d", "InboundBytes_d"];
        for (name, v) in names.iter().zip(self.traffic) {
            put(c::reals(name, v));
        }
        put(self.src_public.finish().into_column());
        put(self.dest_public.finish().into_column());
        put(self.public_ips.finish().into_column());
        put(self.vmip.finish().into_column());
        put(c::nulls("IsFlowCapturedAtUDRHop_b", &DataType::Boolean, n));
        let schema = schema::builtin(TABLE).unwrap_or_default();
        c::in_schema_order(&schema, extra, n)
    }
}

fn strs(df: &DataFrame, name: &str) -> Result<StringChunked> {
    Ok(df.column(name)?.str()?.rechunk().into_owned())
}

fn i64s(df: &DataFrame, name: &str) -> Result<Int64Chunked> {
    Ok(df.column(name)?.cast(&DataType::Int64)?.i64()?.rechunk().into_owned())
}

fn i32s(df: &DataFrame, name: &str) -> Result<Int32Chunked> {
    Ok(df.column(name)?.i32()?.rechunk().into_owned())
}

fn letter(s: &str) -> &'static str {
    match s {
        "I" => "I",
        "O" => "O",
        "A" => "A",
        "D" => "D",
        _ => "",
    }
}

fn l4_name(protocol: Option<i32>, buf: &mut String) -> &str {
    buf.clear();
    match protocol {
        Some(6) => "T",
        Some(17) => "U",
        Some(p) => {
            buf.push_str(&p.to_string());
            buf
        }
        None => "",
    }
}

/// The view of an `NSGFlowTuples` or `VNetFlowTuples` frame.
pub(crate) fn from_azure(df: &DataFrame, source: Source, vnets: &[IpNet]) -> Result<DataFrame> {
    let n = df.height();
    let time = i64s(df, "TimeGenerated")?;
    let src = strs(df, "SrcIP")?;
    let dst = strs(df, "DestIP")?;
    let dport = i32s(df, "DestPort")?;
    let dir = strs(df, "Direction")?;
    let state = strs(df, "State")?;
    let counts = [i64s(df, "PacketsSrcToDest")?, i64s(df, "BytesSrcToDest")?, i64s(df, "PacketsDestToSrc")?, i64s(df, "BytesDestToSrc")?];
    let rule = strs(df, "Rule")?;
    let mac = strs(df, "MacAddress")?;
    let (proto_letter, proto_number, decision, resource, version) = match source {
        Source::Nsg => (
            Some(strs(df, "Protocol")?),
            None,
            Some(strs(df, "Decision")?),
            Some(strs(df, "ResourceId")?),
            Some(df.column("Version")?.i32()?.rechunk().into_owned()),
        ),
        _ => (None, Some(i32s(df, "Protocol")?), None, None, None),
    };
    let mut b = Builder::new(vnets, n);
    let mut macs = Derived::new();
    let mut lists = Derived::new();
    let mut l4buf = String::new();
    for i in 0..n {
        let st = state.get(i).unwrap_or("");
        let status = match &decision {
            Some(d) => letter(d.get(i).unwrap_or("")),
            None if st == "D" => "D",
            None => "A",
        };
        let v1 = version.as_ref().is_some_and(|v| v.get(i) == Some(1));
        let l4 = match (&proto_letter, &proto_number) {
            (Some(p), _) => p.get(i).unwrap_or(""),
            (None, Some(p)) => l4_name(p.get(i), &mut l4buf),
            _ => "",
        };
        let t = time.get(i);
        b.push(&Flow {
            time: t,
            start: t,
            end: t,
            src: src.get(i).unwrap_or(""),
            dst: dst.get(i).unwrap_or(""),
            dport: dport.get(i),
            l4,
            dir: letter(dir.get(i).unwrap_or("")),
            status,
            state: st,
            counts: (!v1).then(|| {
                [counts[0].get(i).unwrap_or(0), counts[1].get(i).unwrap_or(0), counts[2].get(i).unwrap_or(0), counts[3].get(i).unwrap_or(0)]
            }),
            rule: rule.get(i).unwrap_or(""),
            provider_service: false,
        });
        macs.push(mac.get(i).unwrap_or(""), dashed_mac);
        match &resource {
            Some(r) => lists.push(r.get(i).unwrap_or(""), nsg_list),
            None => lists.out.push(""),
        }
    }
    let mut extra = HashMap::new();
    extra.insert("MACAddress_s".to_string(), macs.out.finish("MACAddress_s")?);
    extra.insert("NSGList_s".to_string(), lists.out.finish("NSGList_s")?);
    b.finish(extra)
}

/// The view of an `AWSVPCFlow` frame, and how many NODATA/SKIPDATA rows it left out.
pub(crate) fn from_aws(df: &DataFrame, vnets: &[IpNet]) -> Result<(DataFrame, usize)> {
    let n = df.height();
    let start = i64s(df, "TimeGenerated")?;
    let end = i64s(df, "End")?;
    let addr = [strs(df, "SrcAddr")?, strs(df, "DstAddr")?];
    let pkt = [strs(df, "PktSrcAddr")?, strs(df, "PktDstAddr")?];
    let service = [strs(df, "PktSrcAwsService")?, strs(df, "PktDstAwsService")?];
    let dport = i32s(df, "DstPort")?;
    let protocol = i32s(df, "Protocol")?;
    let packets = i32s(df, "Packets")?;
    let bytes = i64s(df, "Bytes")?;
    let action = strs(df, "Action")?;
    let status = strs(df, "LogStatus")?;
    let direction = strs(df, "FlowDirection")?;
    let local = [
        ("NIC", strs(df, "InterfaceId")?),
        ("VM", strs(df, "InstanceId")?),
        ("Subnet", strs(df, "SubnetId")?),
        ("Region", strs(df, "Region")?),
    ];
    let mut sides: Vec<[Interner; 2]> = (0..4).map(|_| Default::default()).collect();
    let mut b = Builder::new(vnets, n);
    let mut left_out = 0;
    let mut l4buf = String::new();
    for i in 0..n {
        let log_status = status.get(i).unwrap_or("");
        if log_status == "NODATA" || log_status == "SKIPDATA" {
            left_out += 1;
            continue;
        }
        let pick = |k: usize| match pkt[k].get(i) {
            Some(p) if !p.is_empty() => p,
            _ => addr[k].get(i).unwrap_or(""),
        };
        let (src, dst) = (pick(0), pick(1));
        let dir = match direction.get(i).unwrap_or("") {
            "ingress" => "I",
            "egress" => "O",
            _ => {
                let class = |s: &str| s.parse::<IpAddr>().ok().map(classify);
                let src_private = class(src) == Some(Class::Private);
                let dst_private = class(dst) == Some(Class::Private);
                if src_private && !dst_private {
                    "O"
                } else {
                    "I"
                }
            }
        };
        let remote = if dir == "O" { 1 } else { 0 };
        let st = match action.get(i).unwrap_or("") {
            "ACCEPT" => "A",
            "REJECT" => "D",
            _ => "",
        };
        b.push(&Flow {
            time: start.get(i),
            start: start.get(i),
            end: end.get(i),
            src,
            dst,
            dport: dport.get(i),
            l4: l4_name(protocol.get(i), &mut l4buf),
            dir,
            status: st,
            state: "",
            counts: Some([packets.get(i).map_or(0, i64::from), bytes.get(i).unwrap_or(0), 0, 0]),
            rule: "",
            provider_service: service[remote].get(i).is_some_and(|s| !s.is_empty()),
        });
        // The local side is the source for outbound rows ("1" columns), else the destination.
        let local_side = if dir == "O" { 0 } else { 1 };
        for (k, (_, values)) in local.iter().enumerate() {
            let v = values.get(i).unwrap_or("");
            sides[k][local_side].push(v);
            sides[k][1 - local_side].push("");
        }
    }
    let mut extra = HashMap::new();
    for ((prefix, _), pair) in local.iter().zip(sides) {
        for (k, interner) in pair.into_iter().enumerate() {
            let name = format!("{prefix}{}_s", k + 1);
            let col = interner.finish(&name)?;
            extra.insert(name, col);
        }
    }
    Ok((b.finish(extra)?, left_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_texts() {
        assert_eq!(dashed_mac("000D3AF87856"), "00-0D-3A-F8-78-56");
        assert_eq!(dashed_mac("0022487bC205"), "00-22-48-7B-C2-05");
        assert_eq!(dashed_mac(""), "");
        assert_eq!(
            nsg_list("/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG"),
            "00000000-0000-0000-0000-000000000000/fabrikamrg/fabriakmvm1-nsg"
        );
        assert_eq!(nsg_list("nothing"), "");
        assert_eq!(rule_type("DefaultRule_DenyAllInBound"), "Default");
        assert_eq!(rule_type("UserRule_RDP"), "User Defined");
        assert_eq!(rule_type("BlockHighRiskTCPPortsFromInternet"), "");
    }
}
