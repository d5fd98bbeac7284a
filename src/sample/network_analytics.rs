//! `AzureNetworkAnalytics_CL`: Traffic Analytics over NSG flow logs (FORMATS.md 2).
//!
//! Most rows are `SubType_s == "FlowLog"` in schema version 2. A few flow rows use the
//! pre-2019 schema "1" (the deprecated `VMIP_s`, `PublicIPs_s`, `NSGRules_s` and
//! single-side columns filled, the new counters empty), and NSG `Topology` rows of the
//! kind Microsoft's blob-path query reads are mixed in; the seed articles' filters on
//! `SubType_s` and `FASchemaVersion_s` have to drop both.

use super::columns::Columns;
use super::flows::{self, Flow, Link, Peer};
use super::rng::Rng;
use super::timeline::{floor, Timeline, HOUR, MINUTE, SECOND, SPAN};
use super::topology::{
    self as topo, Net, Vm, LB_WEB, LOCAL_GATEWAY, NSGS, S2S_CONNECTION, SUB_PROD, SUB_SHARED, VNETS, VNET_PEERING, VPN_GATEWAY,
    WORKSPACE_ID,
};
use crate::error::Result;
use crate::types::Schema;
use polars::prelude::DataFrame;
use std::borrow::Cow;

pub(super) const TABLE: &str = "AzureNetworkAnalytics_CL";

/// Share of background flow rows written in the old schema.
const V1_SHARE: f64 = 0.04;

/// How often Traffic Analytics re-reads the NSG inventory in this sample.
const SNAPSHOT_EVERY: i64 = 6 * HOUR;

pub(super) fn table(net: &Net, timeline: &Timeline, rng: Rng, rows: usize) -> Result<(Schema, DataFrame)> {
    let snapshots = snapshot_times(timeline.now(), rows);
    let inventory = inventory_rows();
    let topology_rows = snapshots.len() * inventory.len();
    let flows = flows::generate(net, timeline, rng, rows - topology_rows, V1_SHARE)?;
    let (schema, mut frame) = flow_rows(net, &flows)?;
    if topology_rows > 0 {
        let (_, topology) = topology_rows_frame(&snapshots, &inventory)?;
        frame.vstack_mut(&topology)?;
        frame.align_chunks_par();
    }
    Ok((schema, frame))
}

fn flow_rows(net: &Net, flows: &[Flow]) -> Result<(Schema, DataFrame)> {
    let f = flows;
    let lb_web = Net::resource_path(&VNETS[0], LB_WEB);
    let local_gateway = format!("{SUB_SHARED}/rg-shared/{LOCAL_GATEWAY}");
    let peering = format!("{SUB_PROD}/rg-prod/{VNET_PEERING}");
    let s2s = format!("{SUB_SHARED}/rg-shared/{S2S_CONNECTION}");
    let (lb_web, local_gateway, peering, s2s) = (lb_web.as_str(), local_gateway.as_str(), peering.as_str(), s2s.as_str());
    let mut c = Columns::new(flows.len());

    c.constant("TenantId", WORKSPACE_ID);
    c.time("TimeGenerated", f.iter().map(move |x| Some(x.times.generated)));
    c.constant("SubType_s", "FlowLog");
    c.text("FASchemaVersion_s", f.iter().map(move |x| if x.schema_v1 { "1" } else { "2" }));
    c.time("TimeProcessed_t", f.iter().map(move |x| Some(x.times.processed)));
    c.time("FlowIntervalStartTime_t", f.iter().map(move |x| Some(x.times.interval_start)));
    c.time("FlowIntervalEndTime_t", f.iter().map(move |x| Some(x.times.interval_end)));
    c.time("FlowStartTime_t", f.iter().map(move |x| Some(x.times.flow_start)));
    c.time("FlowEndTime_t", f.iter().map(move |x| Some(x.times.flow_end)));
    c.text("FlowType_s", f.iter().map(move |x| x.flow_type.as_str()));
    c.text("SrcIP_s", f.iter().map(move |x| address(net, x, x.src)));
    c.text("DestIP_s", f.iter().map(move |x| address(net, x, x.dst)));
    c.real("DestPort_d", f.iter().map(move |x| Some(f64::from(x.port))));
    c.text("L4Protocol_s", f.iter().map(move |x| if x.udp { "U" } else { "T" }));
    c.text("L7Protocol_s", f.iter().map(move |x| topo::l7_protocol(x.port)));
    c.text("FlowDirection_s", f.iter().map(move |x| if x.outbound { "O" } else { "I" }));
    c.text("FlowStatus_s", f.iter().map(move |x| if x.allowed { "A" } else { "D" }));
    c.text("NSGList_s", f.iter().map(move |x| net.vms[x.capture].nsg_list.as_str()));
    c.text("NSGRule_s", f.iter().map(move |x| if x.schema_v1 { "" } else { x.rule.name() }));
    c.text("NSGRuleType_s", f.iter().map(move |x| if x.schema_v1 { "" } else { x.rule.rule_type() }));
    c.text("MACAddress_s", f.iter().map(move |x| net.vms[x.capture].mac.as_str()));
    c.flag("IsFlowCapturedAtUDRHop_b", f.iter().map(move |x| (!x.schema_v1).then_some(x.udr_hop)));

    for (suffix, side) in [("1", Side::Src), ("2", Side::Dst)] {
        let vm = move |x: &Flow| pair_vm(net, x, side);
        c.text(&format!("Subscription{suffix}_g"), f.iter().map(move |x| vm(x).map_or("", |v| v.vnet.sub)));
        c.text(&format!("Region{suffix}_s"), f.iter().map(move |x| vm(x).map_or("", |v| v.vnet.region)));
        c.text(&format!("NIC{suffix}_s"), f.iter().map(move |x| vm(x).map_or("", |v| v.nic_path.as_str())));
        c.text(&format!("VM{suffix}_s"), f.iter().map(move |x| vm(x).map_or("", |v| v.vm_path.as_str())));
        c.text(&format!("Subnet{suffix}_s"), f.iter().map(move |x| vm(x).map_or("", |v| v.subnet_path.as_str())));
        c.text(
            &format!("LocalNetworkGateway{suffix}_s"),
            f.iter().map(move |x| {
                let on_site = matches!(side.peer(x), Peer::Addr(_)) && x.link == Link::Site;
                if on_site {
                    local_gateway
                } else {
                    ""
                }
            }),
        );
    }
    c.text("LoadBalancer2_s", f.iter().map(move |x| if x.lb_dst { lb_web } else { "" }));
    c.text(
        "ConnectionType_s",
        f.iter().map(move |x| match x.link {
            Link::None => "",
            Link::Peering => "VNetPeering",
            Link::Site | Link::PointToSite(_) => "VpnGateway",
        }),
    );
    c.text(
        "ConnectionName_s",
        f.iter().map(move |x| -> Cow<'_, str> {
            match x.link {
                Link::None => "".into(),
                Link::Peering => peering.into(),
                Link::Site => s2s.into(),
                // Point-to-site names the gateway and the client address instead.
                Link::PointToSite(client) => format!("{VPN_GATEWAY}_{}", topo::ip_text(client)).into(),
            }
        }),
    );
    c.text("ConnectingVNets_s", f.iter().map(move |x| connecting_vnets(net, x)));
    c.text("Country_s", f.iter().map(move |x| x.country));
    c.text("AzureRegion_s", f.iter().map(move |x| x.azure_region));

    let counter = |x: &Flow, outbound: bool, allowed: bool| {
        let n = if x.outbound == outbound && x.allowed == allowed { x.flows as f64 } else { 0.0 };
        (!x.schema_v1).then_some(n)
    };
    c.real("AllowedInFlows_d", f.iter().map(move |x| counter(x, false, true)));
    c.real("DeniedInFlows_d", f.iter().map(move |x| counter(x, false, false)));
    c.real("AllowedOutFlows_d", f.iter().map(move |x| counter(x, true, true)));
    c.real("DeniedOutFlows_d", f.iter().map(move |x| counter(x, true, false)));
    c.real("FlowCount_d", f.iter().map(move |x| Some(x.flows as f64)));
    let v2 = |x: &Flow, value: u64| (!x.schema_v1).then_some(value as f64);
    c.real("CompletedFlows_d", f.iter().map(move |x| v2(x, x.completed)));
    c.real("OutboundPackets_d", f.iter().map(move |x| v2(x, x.packets_out)));
    c.real("InboundPackets_d", f.iter().map(move |x| v2(x, x.packets_in)));
    c.real("OutboundBytes_d", f.iter().map(move |x| v2(x, x.bytes_out)));
    c.real("InboundBytes_d", f.iter().map(move |x| v2(x, x.bytes_in)));
    c.text("SrcPublicIPs_s", f.iter().map(move |x| listed(x, x.src)));
    c.text("DestPublicIPs_s", f.iter().map(move |x| listed(x, x.dst)));

    // The deprecated single-side columns describe the Azure end of a public flow.
    let v1_vm = |x: &Flow| (x.schema_v1 && x.flow_type.is_public()).then(|| &net.vms[x.capture]);
    c.text("VMIP_s", f.iter().map(move |x| v1_vm(x).map_or("", |v| v.ip.as_str())));
    c.text("Subscription_g", f.iter().map(move |x| v1_vm(x).map_or("", |v| v.vnet.sub)));
    c.text("Region_s", f.iter().map(move |x| v1_vm(x).map_or("", |v| v.vnet.region)));
    c.text("NIC_s", f.iter().map(move |x| v1_vm(x).map_or("", |v| v.nic_path.as_str())));
    c.text("VM_s", f.iter().map(move |x| v1_vm(x).map_or("", |v| v.vm_path.as_str())));
    c.text("Subnet_s", f.iter().map(move |x| v1_vm(x).map_or("", |v| v.subnet_path.as_str())));
    // `PublicIPs_s` was deprecated in 2019, but one of the seed articles reads it on
    // schema-2 rows (`split(PublicIPs_s, "|", 0)[0]`); keeping the public list there
    // too (direction implied by `FlowDirection_s`, as in the old schema) gives that
    // query a real answer instead of a column of blanks.
    c.text("PublicIPs_s", f.iter().map(move |x| x.public_ips.as_str()));
    c.text(
        "NSGRules_s",
        f.iter().map(move |x| -> Cow<'_, str> {
            if x.schema_v1 {
                let dir = if x.outbound { "O" } else { "I" };
                let status = if x.allowed { "A" } else { "D" };
                format!("0|{}|{dir}|{status}|{}", x.rule.name(), x.flows).into()
            } else {
                "".into()
            }
        }),
    );
    c.constant("Type", TABLE);
    c.real("_BilledSize", f.iter().map(move |x| Some(billed_size(x))));
    c.constant("_IsBillable", "True");
    c.finish(TABLE)
}

#[derive(Clone, Copy)]
enum Side {
    Src,
    Dst,
}

impl Side {
    fn peer(self, x: &Flow) -> Peer {
        match self {
            Side::Src => x.src,
            Side::Dst => x.dst,
        }
    }
}

/// The VM behind one end, for the `1`/`2` topology columns (empty on old-schema public
/// rows, which used the single-side columns instead).
fn pair_vm<'n>(net: &'n Net, x: &Flow, side: Side) -> Option<&'n Vm> {
    if x.schema_v1 && x.flow_type.is_public() {
        return None;
    }
    match side.peer(x) {
        Peer::Vm(i) => net.vms.get(i),
        _ => None,
    }
}

/// `SrcIP_s` / `DestIP_s`: blank on the public side; old-schema public rows named the
/// VM in `VMIP_s` and left both blank.
fn address<'n>(net: &'n Net, x: &Flow, peer: Peer) -> Cow<'n, str> {
    if x.schema_v1 && x.flow_type.is_public() {
        return "".into();
    }
    match peer {
        Peer::Vm(i) => net.vms.get(i).map_or("", |v| v.ip.as_str()).into(),
        Peer::Addr(a) => topo::ip_text(a).into(),
        Peer::Public => "".into(),
    }
}

/// VPN traffic to the production VNet crosses the hub, which holds the gateway.
fn connecting_vnets(net: &Net, x: &Flow) -> &'static str {
    let vpn = matches!(x.link, Link::Site | Link::PointToSite(_));
    if vpn && net.vms[x.capture].vnet.name == VNETS[0].name {
        VNETS[1].name
    } else {
        ""
    }
}

/// The public list, in the new-schema column of the side it belongs to.
fn listed(x: &Flow, peer: Peer) -> &str {
    if !x.schema_v1 && peer == Peer::Public {
        x.public_ips.as_str()
    } else {
        ""
    }
}

/// Roughly the bytes of the record as ingested.
fn billed_size(x: &Flow) -> f64 {
    (1_050 + x.public_ips.len() as u64 + x.salt % 240) as f64
}

/// One inventory row: (NSG index, discovery region).
fn inventory_rows() -> Vec<(usize, &'static str)> {
    let mut rows: Vec<(usize, &'static str)> = NSGS.iter().enumerate().map(|(i, n)| (i, VNETS[n.vnet].region)).collect();
    // The shared services NSG is also reported from the production region; the
    // blob-path query keeps only rows whose discovery region is the NSG's own.
    if let Some(i) = NSGS.iter().position(|n| n.name == "nsg-snet-svc") {
        rows.push((i, VNETS[0].region));
    }
    rows
}

/// When the inventory was taken: every 6 hours (fewer for small tables), within the span.
fn snapshot_times(now: i64, rows: usize) -> Vec<i64> {
    let per_snapshot = inventory_rows().len();
    let budget = rows / 20 / per_snapshot;
    let full = (SPAN / SNAPSHOT_EVERY) as usize;
    if budget == 0 {
        return Vec::new();
    }
    let step = SNAPSHOT_EVERY * full.div_ceil(budget.min(full)) as i64;
    let base = floor(now - 10 * MINUTE, SNAPSHOT_EVERY);
    (0..).map(|k| base - k * step + 5 * MINUTE).take_while(|t| *t > now - SPAN + HOUR).collect()
}

fn topology_rows_frame(snapshots: &[i64], inventory: &[(usize, &'static str)]) -> Result<(Schema, DataFrame)> {
    let rows: Vec<(i64, usize, &'static str)> =
        snapshots.iter().flat_map(|t| inventory.iter().map(move |(nsg, region)| (*t, *nsg, *region))).collect();
    let mut c = Columns::new(rows.len());
    let vnet = |nsg: usize| &VNETS[NSGS[nsg].vnet];
    c.constant("TenantId", WORKSPACE_ID);
    // Ingested a minute or so after processing; the offset varies per NSG.
    c.time("TimeGenerated", rows.iter().map(move |(t, nsg, _)| Some(t + (70 + 11 * *nsg as i64) * SECOND)));
    c.constant("SubType_s", "Topology");
    c.constant("FASchemaVersion_s", "2");
    c.time("TimeProcessed_t", rows.iter().map(|(t, _, _)| Some(*t)));
    c.constant("ResourceType", "NetworkSecurityGroup");
    c.text("Subscription_g", rows.iter().map(move |(_, nsg, _)| vnet(*nsg).sub));
    c.text("Region_s", rows.iter().map(move |(_, nsg, _)| vnet(*nsg).region));
    c.text("DiscoveryRegion_s", rows.iter().map(move |(_, _, region)| *region));
    // `<rg>/<nsg>`, so that `strcat(Subscription_g, "/", Name_s)` equals `NSGList_s`.
    c.text("Name_s", rows.iter().map(move |(_, nsg, _)| format!("{}/{}", vnet(*nsg).rg, NSGS[*nsg].name)));
    c.flag("IsFlowEnabled_b", rows.iter().map(move |(_, nsg, _)| Some(NSGS[*nsg].flow_enabled)));
    // `<sub>/<rg>/<account>`: Microsoft's query splits on "/" and takes element 2.
    c.text(
        "FlowLogStorageAccount_s",
        rows.iter().map(move |(_, nsg, _)| -> Cow<'static, str> {
            let v = vnet(*nsg);
            if NSGS[*nsg].flow_enabled {
                format!("{}/{}/stflowlogs{}", v.sub, v.rg, v.region.replace("japan", "jp")).into()
            } else {
                "".into()
            }
        }),
    );
    c.constant("Type", TABLE);
    c.real("_BilledSize", rows.iter().map(|_| Some(612.0)));
    c.constant("_IsBillable", "True");
    c.finish(TABLE)
}
