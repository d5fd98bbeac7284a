//! Offline derivations for the AzureNetworkAnalytics_CL view (FORMATS.md 11.6): the
//! class of an address, `FlowType_s` from the remote end of a flow and the user's VNet
//! ranges (`--vnets`), and the application protocol from the destination port.
//!
//! Without VNet ranges every private remote address is `UnknownPrivate`: honest, since
//! nothing offline says which VNet an address is in.

use ipnet::IpNet;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// RFC 1918, shared address space 100.64/10, IPv6 unique local fc00::/7.
    Private,
    /// Loopback, link-local, multicast, unspecified, broadcast.
    Special,
    Public,
}

fn v4(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(a) => a.to_ipv4_mapped(),
    }
}

pub(crate) fn classify(ip: IpAddr) -> Class {
    if let Some(a) = v4(ip) {
        let o = a.octets();
        if a.is_private() || (o[0] == 100 && (64..128).contains(&o[1])) {
            Class::Private
        } else if a.is_loopback() || a.is_link_local() || a.is_multicast() || a.is_unspecified() || a.is_broadcast() || o[0] == 0 {
            Class::Special
        } else {
            Class::Public
        }
    } else {
        let IpAddr::V6(a) = ip else {
            return Class::Special;
        };
        let first = a.segments()[0];
        if first & 0xfe00 == 0xfc00 {
            Class::Private
        } else if a.is_loopback() || a.is_unspecified() || a.is_multicast() || first & 0xffc0 == 0xfe80 {
            Class::Special
        } else {
            Class::Public
        }
    }
}

/// The Azure platform's virtual IP (DNS, health probes, metadata).
const AZURE_PLATFORM_IP: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

/// The VNet (index into `vnets`) holding `ip`: the most specific range that contains it.
fn vnet_of(vnets: &[IpNet], ip: IpAddr) -> Option<usize> {
    vnets.iter().enumerate().filter(|(_, n)| n.contains(&ip)).max_by_key(|(_, n)| n.prefix_len()).map(|(i, _)| i)
}

/// `FlowType_s` and `AzureRegion_s` of a flow from its local end (the capturing NIC's
/// side) and remote end. `provider_service` is evidence that a public remote address
/// belongs to the cloud provider (AWS `pkt-*-aws-service`).
pub(crate) fn flow_type(
    local: Option<IpAddr>,
    remote: Option<IpAddr>,
    vnets: &[IpNet],
    provider_service: bool,
) -> (&'static str, &'static str) {
    let Some(remote) = remote else {
        return ("Unknown", "");
    };
    if let Some(r) = vnet_of(vnets, remote) {
        let same = local.and_then(|l| vnet_of(vnets, l)) == Some(r);
        return (if same { "IntraVNet" } else { "InterVNet" }, "");
    }
    match classify(remote) {
        Class::Private => ("UnknownPrivate", ""),
        Class::Special => ("Unknown", ""),
        Class::Public if v4(remote) == Some(AZURE_PLATFORM_IP) => ("AzurePublic", "Global"),
        Class::Public if provider_service => ("AzurePublic", ""),
        Class::Public => ("ExternalPublic", ""),
    }
}

pub(crate) fn is_public_flow(flow_type: &str) -> bool {
    matches!(flow_type, "AzurePublic" | "ExternalPublic")
}

fn l7_table() -> &'static HashMap<i32, &'static str> {
    static TABLE: OnceLock<HashMap<i32, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("l7_ports.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (port, name) = l.split_once(' ')?;
                Some((port.trim().parse().ok()?, name.trim()))
            })
            .collect()
    })
}

/// `L7Protocol_s` from the destination port.
pub(crate) fn l7_protocol(port: Option<i32>) -> &'static str {
    port.and_then(|p| l7_table().get(&p).copied()).unwrap_or("Unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn address_classes() {
        for (a, c) in [
            ("10.1.2.3", Class::Private),
            ("172.31.255.1", Class::Private),
            ("172.32.0.1", Class::Public),
            ("192.168.0.1", Class::Private),
            ("100.64.0.1", Class::Private),
            ("100.128.0.1", Class::Public),
            ("169.254.169.254", Class::Special),
            ("127.0.0.1", Class::Special),
            ("224.0.0.251", Class::Special),
            ("fd00::1", Class::Private),
            ("fe80::1", Class::Special),
            ("2001:db8::1", Class::Public),
            ("::ffff:10.0.0.1", Class::Private),
        ] {
            assert_eq!(classify(a.parse().unwrap()), c, "{a}");
        }
    }

    #[test]
    fn flow_types() {
        let none: Vec<IpNet> = vec![];
        let vnets: Vec<IpNet> = vec!["10.0.0.0/16".parse().unwrap(), "10.1.0.0/16".parse().unwrap()];
        let local = ip("10.0.0.4");
        assert_eq!(flow_type(local, ip("10.0.1.5"), &none, false).0, "UnknownPrivate");
        assert_eq!(flow_type(local, ip("10.0.1.5"), &vnets, false).0, "IntraVNet");
        assert_eq!(flow_type(local, ip("10.1.1.5"), &vnets, false).0, "InterVNet");
        assert_eq!(flow_type(local, ip("192.168.1.5"), &vnets, false).0, "UnknownPrivate");
        assert_eq!(flow_type(local, ip("13.67.143.118"), &vnets, false).0, "ExternalPublic");
        assert_eq!(flow_type(local, ip("52.94.1.1"), &none, true).0, "AzurePublic");
        assert_eq!(flow_type(local, ip("168.63.129.16"), &none, false), ("AzurePublic", "Global"));
        assert_eq!(flow_type(local, ip("224.0.0.1"), &none, false).0, "Unknown");
        assert_eq!(flow_type(local, None, &none, false).0, "Unknown");
    }

    #[test]
    fn l7_by_port() {
        assert_eq!(l7_protocol(Some(443)), "https");
        assert_eq!(l7_protocol(Some(3389)), "rdp");
        assert_eq!(l7_protocol(Some(59336)), "Unknown");
        assert_eq!(l7_protocol(None), "Unknown");
    }
}
