//! `NTANetAnalytics`: Traffic Analytics over VNet flow logs (FORMATS.md 3). The same
//! estate and traffic patterns as `AzureNetworkAnalytics_CL`, a separate stream of
//! flows, spelled in this table's typed, suffix-free columns.
//!
//! Value spellings follow what Microsoft's own queries, parser and sample rows use where
//! the schema page disagrees: `Inbound`/`Outbound`, `Allowed`/`Denied`, `FlowLog`.
//! `L4Protocol` keeps the table reference's `T`/`U`.

use super::columns::Columns;
use super::flows::{self, Flow, Link, Peer};
use super::rng::Rng;
use super::timeline::Timeline;
use super::topology::{
    self as topo, Net, Vm, LB_WEB, LOCAL_GATEWAY, S2S_CONNECTION, SUB_PROD, SUB_SHARED, VNETS, VNET_PEERING, VPN_GATEWAY, WORKSPACE_ID,
};
use crate::error::Result;
use crate::types::Schema;
use polars::prelude::DataFrame;
use std::borrow::Cow;

pub(super) const TABLE: &str = "NTANetAnalytics";

pub(super) fn table(net: &Net, timeline: &Timeline, rng: Rng, rows: usize) -> Result<(Schema, DataFrame)> {
    let flows = flows::generate(net, timeline, rng, rows, 0.0)?;
    let f = &flows;
    let lb_web = Net::resource_path(&VNETS[0], LB_WEB);
    let local_gateway = format!("{SUB_SHARED}/rg-shared/{LOCAL_GATEWAY}");
    let peering = format!("{SUB_PROD}/rg-prod/{VNET_PEERING}");
    let s2s = format!("{SUB_SHARED}/rg-shared/{S2S_CONNECTION}");
    let (lb_web, local_gateway, peering, s2s) = (lb_web.as_str(), local_gateway.as_str(), peering.as_str(), s2s.as_str());
    let mut c = Columns::new(f.len());
    let capture = |x: &Flow| &net.vms[x.capture];

    c.constant("TenantId", WORKSPACE_ID);
    c.time("TimeGenerated", f.iter().map(move |x| Some(x.times.generated)));
    c.constant("SubType", "FlowLog");
    c.constant("FaSchemaVersion", "3");
    c.time("TimeProcessed", f.iter().map(move |x| Some(x.times.processed)));
    c.time("FlowIntervalStartTime", f.iter().map(move |x| Some(x.times.interval_start)));
    c.time("FlowIntervalEndTime", f.iter().map(move |x| Some(x.times.interval_end)));
    c.text("FlowType", f.iter().map(move |x| x.flow_type.as_str()));
    c.time("FlowStartTime", f.iter().map(move |x| Some(x.times.flow_start)));
    c.time("FlowEndTime", f.iter().map(move |x| Some(x.times.flow_end)));
    c.text("SrcIp", f.iter().map(move |x| address(net, x.src)));
    c.text("DestIp", f.iter().map(move |x| address(net, x.dst)));
    c.text("SrcPorts", f.iter().map(move |x| source_ports(x.salt)));
    c.int("DestPort", f.iter().map(move |x| Some(i32::from(x.port))));
    c.text("L4Protocol", f.iter().map(move |x| if x.udp { "U" } else { "T" }));
    c.text("L7Protocol", f.iter().map(move |x| topo::l7_protocol(x.port)));
    c.flag("IsFlowCapturedAtUdrHop", f.iter().map(move |x| Some(x.udr_hop)));
    c.text("FlowDirection", f.iter().map(move |x| if x.outbound { "Outbound" } else { "Inbound" }));
    c.text("FlowStatus", f.iter().map(move |x| if x.allowed { "Allowed" } else { "Denied" }));
    c.text("MacAddress", f.iter().map(move |x| capture(x).mac.as_str()));
    c.text("TargetResourceId", f.iter().map(move |x| vnet_path(capture(x))));
    c.constant("TargetResourceType", "VirtualNetwork");
    c.text(
        "FlowLogResourceId",
        f.iter().map(move |x| {
            let v = capture(x).vnet;
            format!("{}/networkwatcherrg/networkwatcher_{}/fl-{}", v.sub, v.region, v.name)
        }),
    );
    for (prefix, src_side) in [("Src", true), ("Dest", false)] {
        let vm = move |x: &Flow| match if src_side { x.src } else { x.dst } {
            Peer::Vm(i) => net.vms.get(i),
            _ => None,
        };
        c.text(&format!("{prefix}Subscription"), f.iter().map(move |x| vm(x).map_or("", |v| v.vnet.sub)));
        c.text(&format!("{prefix}Region"), f.iter().map(move |x| vm(x).map_or("", |v| v.vnet.region)));
        c.text(&format!("{prefix}Nic"), f.iter().map(move |x| vm(x).map_or("", |v| v.nic_path.as_str())));
        c.text(&format!("{prefix}Vm"), f.iter().map(move |x| vm(x).map_or("", |v| v.vm_path.as_str())));
        c.text(&format!("{prefix}Subnet"), f.iter().map(move |x| vm(x).map_or("", |v| v.subnet_path.as_str())));
        c.text(
            &format!("{prefix}LocalNetworkGateway"),
            f.iter().map(move |x| {
                let peer = if src_side { x.src } else { x.dst };
                if matches!(peer, Peer::Addr(_)) && x.link == Link::Site {
                    local_gateway
                } else {
                    ""
                }
            }),
        );
        c.text(
            &format!("{prefix}PublicIps"),
            f.iter().map(move |x| {
                let peer = if src_side { x.src } else { x.dst };
                if peer == Peer::Public {
                    x.public_ips.as_str()
                } else {
                    ""
                }
            }),
        );
    }
    c.text("DestLoadBalancer", f.iter().map(move |x| if x.lb_dst { lb_web } else { "" }));
    c.text(
        "ConnectionType",
        f.iter().map(move |x| match x.link {
            Link::None => "",
            Link::Peering => "VNetPeering",
            Link::Site | Link::PointToSite(_) => "VpnGateway",
        }),
    );
    c.text(
        "ConnectionName",
        f.iter().map(move |x| -> Cow<'_, str> {
            match x.link {
                Link::None => "".into(),
                Link::Peering => peering.into(),
                Link::Site => s2s.into(),
                Link::PointToSite(client) => format!("{VPN_GATEWAY}_{}", topo::ip_text(client)).into(),
            }
        }),
    );
    c.text(
        "ConnectingVnets",
        f.iter().map(move |x| {
            let vpn = matches!(x.link, Link::Site | Link::PointToSite(_));
            if vpn && capture(x).vnet.name == VNETS[0].name {
                VNETS[1].name
            } else {
                ""
            }
        }),
    );
    c.text("Country", f.iter().map(move |x| x.country));
    c.text("AzureRegion", f.iter().map(move |x| x.azure_region));
    c.constant("FlowEncryption", "Unencrypted");
    let counter =
        |x: &Flow, outbound: bool, allowed: bool| Some(if x.outbound == outbound && x.allowed == allowed { x.flows as i64 } else { 0 });
    c.long("AllowedInFlows", f.iter().map(move |x| counter(x, false, true)));
    c.long("DeniedInFlows", f.iter().map(move |x| counter(x, false, false)));
    c.long("AllowedOutFlows", f.iter().map(move |x| counter(x, true, true)));
    c.long("DeniedOutFlows", f.iter().map(move |x| counter(x, true, false)));
    c.long("PacketsDestToSrc", f.iter().map(move |x| Some(x.packets_in as i64)));
    c.long("PacketsSrcToDest", f.iter().map(move |x| Some(x.packets_out as i64)));
    c.long("BytesDestToSrc", f.iter().map(move |x| Some(x.bytes_in as i64)));
    c.long("BytesSrcToDest", f.iter().map(move |x| Some(x.bytes_out as i64)));
    c.long("CompletedFlows", f.iter().map(move |x| Some(x.completed as i64)));
    // The NSG (or network-manager rule) that decided, `<sub>/<rg>/<nsg>`.
    c.text("AclGroup", f.iter().map(move |x| capture(x).nsg_list.as_str()));
    c.text("AclRule", f.iter().map(move |x| x.rule.acl_name()));
    c.constant("Type", TABLE);
    c.real("_BilledSize", f.iter().map(move |x| Some((1_180 + x.public_ips.len() as u64 + x.salt % 260) as f64)));
    c.constant("_IsBillable", "True");
    c.finish(TABLE)
}

fn address(net: &Net, peer: Peer) -> Cow<'_, str> {
    match peer {
        Peer::Vm(i) => net.vms.get(i).map_or("", |v| v.ip.as_str()).into(),
        Peer::Addr(a) => topo::ip_text(a).into(),
        Peer::Public => "".into(),
    }
}

/// `<sub>/<rg>/<vnet>`, where VNet flow logging is enabled.
fn vnet_path(vm: &Vm) -> String {
    format!("{}/{}/{}", vm.vnet.sub, vm.vnet.rg, vm.vnet.name)
}

/// One to three ephemeral source ports, `|`-separated, as Microsoft's parser reads them.
fn source_ports(salt: u64) -> String {
    let n = 1 + (salt % 3) as usize;
    (0..n).map(|i| (49_152 + ((salt >> (8 + 14 * i)) & 0x3fff)).to_string()).collect::<Vec<_>>().join("|")
}
