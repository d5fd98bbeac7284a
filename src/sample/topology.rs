//! The imaginary Azure estate behind the sample tables: two peered VNets in Japan, the
//! VMs and NSGs in them, an on-premises site behind a VPN gateway, and the outside
//! world the VMs talk to. Every generated flow and connection is drawn from here, so
//! addresses, names and flow types agree across rows and tables.
//!
//! Addresses that stand for attackers, or for anything a hunt should flag, come only
//! from the documentation ranges of RFC 5737 (192.0.2.0/24, 198.51.100.0/24,
//! 203.0.113.0/24), so no real network is painted as hostile.

use super::rng::Rng;

/// The Log Analytics workspace (`TenantId`).
pub(super) const WORKSPACE_ID: &str = "6c1f4e2b-3a5d-4c8e-9f7a-0b2d4e6f8a1c";

pub(super) const SUB_PROD: &str = "b7e3c6a2-51d4-4f0e-9a8b-2c1d7e5f9a30";
pub(super) const SUB_SHARED: &str = "4d9f2a1c-8e3b-47a6-b5c2-9f0e1d3a7b64";

pub(super) struct Vnet {
    pub name: &'static str,
    pub rg: &'static str,
    pub region: &'static str,
    pub sub: &'static str,
    /// First two octets of its /16.
    pub prefix: [u8; 2],
}

pub(super) const VNETS: [Vnet; 2] = [
    Vnet { name: "vnet-prod", rg: "rg-prod", region: "japaneast", sub: SUB_PROD, prefix: [10, 1] },
    Vnet { name: "vnet-shared", rg: "rg-shared", region: "japanwest", sub: SUB_SHARED, prefix: [10, 100] },
];

pub(super) struct Nsg {
    pub name: &'static str,
    pub vnet: usize,
    /// Whether flow logging (and so Traffic Analytics) is on for it.
    pub flow_enabled: bool,
    /// Traffic Analytics processing interval in minutes (10 or 60).
    pub interval_minutes: i64,
}

pub(super) const NSGS: [Nsg; 9] = [
    Nsg { name: "nsg-snet-mgmt", vnet: 0, flow_enabled: true, interval_minutes: 60 },
    Nsg { name: "nsg-snet-web", vnet: 0, flow_enabled: true, interval_minutes: 10 },
    Nsg { name: "nsg-snet-app", vnet: 0, flow_enabled: true, interval_minutes: 60 },
    Nsg { name: "nsg-snet-db", vnet: 0, flow_enabled: true, interval_minutes: 60 },
    Nsg { name: "nsg-snet-dmz", vnet: 0, flow_enabled: true, interval_minutes: 10 },
    Nsg { name: "nsg-snet-test", vnet: 0, flow_enabled: false, interval_minutes: 60 },
    Nsg { name: "nsg-snet-svc", vnet: 1, flow_enabled: true, interval_minutes: 60 },
    Nsg { name: "nsg-snet-backup", vnet: 1, flow_enabled: true, interval_minutes: 60 },
    Nsg { name: "nsg-snet-nva", vnet: 1, flow_enabled: true, interval_minutes: 60 },
];

pub(super) struct Subnet {
    pub name: &'static str,
    pub vnet: usize,
    pub third_octet: u8,
    pub nsg: usize,
}

pub(super) const SUBNETS: [Subnet; 9] = [
    Subnet { name: "snet-mgmt", vnet: 0, third_octet: 0, nsg: 0 },
    Subnet { name: "snet-web", vnet: 0, third_octet: 1, nsg: 1 },
    Subnet { name: "snet-app", vnet: 0, third_octet: 2, nsg: 2 },
    Subnet { name: "snet-db", vnet: 0, third_octet: 3, nsg: 3 },
    Subnet { name: "snet-dmz", vnet: 0, third_octet: 10, nsg: 4 },
    Subnet { name: "snet-test", vnet: 0, third_octet: 20, nsg: 5 },
    Subnet { name: "snet-svc", vnet: 1, third_octet: 10, nsg: 6 },
    Subnet { name: "snet-backup", vnet: 1, third_octet: 20, nsg: 7 },
    Subnet { name: "snet-nva", vnet: 1, third_octet: 0, nsg: 8 },
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Os {
    Windows,
    Linux,
}

pub(super) struct VmDef {
    pub name: &'static str,
    pub subnet: usize,
    pub host: u8,
    pub os: Os,
}

pub(super) const VM_JUMP: usize = 0;
pub(super) const VM_WEB: [usize; 3] = [1, 2, 3];
pub(super) const VM_APP: [usize; 2] = [4, 5];
pub(super) const VM_SQL: usize = 6;
pub(super) const VM_PUB: [usize; 2] = [7, 8];
pub(super) const VM_AD: usize = 9;
pub(super) const VM_FILE: usize = 10;
pub(super) const VM_LOG: usize = 11;
pub(super) const VM_BACKUP: usize = 12;
pub(super) const VM_NVA: usize = 13;

pub(super) const VMS: [VmDef; 14] = [
    VmDef { name: "vm-jump01", subnet: 0, host: 99, os: Os::Windows },
    VmDef { name: "vm-web01", subnet: 1, host: 4, os: Os::Windows },
    VmDef { name: "vm-web02", subnet: 1, host: 5, os: Os::Windows },
    VmDef { name: "vm-web03", subnet: 1, host: 6, os: Os::Windows },
    VmDef { name: "vm-app01", subnet: 2, host: 4, os: Os::Linux },
    VmDef { name: "vm-app02", subnet: 2, host: 5, os: Os::Linux },
    VmDef { name: "vm-sql01", subnet: 3, host: 4, os: Os::Windows },
    VmDef { name: "vm-pub01", subnet: 4, host: 4, os: Os::Linux },
    VmDef { name: "vm-pub02", subnet: 4, host: 5, os: Os::Linux },
    VmDef { name: "vm-ad01", subnet: 6, host: 4, os: Os::Windows },
    VmDef { name: "vm-file01", subnet: 6, host: 10, os: Os::Windows },
    VmDef { name: "vm-log01", subnet: 6, host: 11, os: Os::Linux },
    VmDef { name: "vm-bkp01", subnet: 7, host: 4, os: Os::Linux },
    VmDef { name: "vm-nva01", subnet: 8, host: 4, os: Os::Linux },
];

/// The public load balancer in front of the web tier.
pub(super) const LB_WEB: &str = "lb-web-public";
/// The hub's VPN gateway, its site-to-site connection and the on-premises site.
pub(super) const VPN_GATEWAY: &str = "vgw-hub";
pub(super) const S2S_CONNECTION: &str = "cn-osaka-office";
pub(super) const LOCAL_GATEWAY: &str = "lng-osaka-office";
pub(super) const VNET_PEERING: &str = "peer-prod-shared";
/// On-premises office LAN, reached over the site-to-site VPN.
pub(super) const ONPREM_PREFIX: [u8; 3] = [192, 168, 100];
/// Point-to-site VPN client pool.
pub(super) const P2S_PREFIX: [u8; 3] = [172, 31, 200];
/// Private ranges that no VNet or site claims (a partner network, a forgotten lab).
pub(super) const UNMAPPED_PRIVATE: [[u8; 3]; 2] = [[172, 16, 5], [192, 168, 50]];
/// Ranges the NVA routes between that Traffic Analytics cannot map at all.
pub(super) const UNMAPPED_ROUTED: [[u8; 2]; 2] = [[10, 200], [10, 201]];

/// The Azure platform address: load-balancer probes, DNS, DHCP (region "Global").
pub(super) const AZURE_PLATFORM_IP: u32 = ip(168, 63, 129, 16);

/// A block of public addresses that share a country or Azure region.
pub(super) struct PublicPool {
    pub base: u32,
    /// Number of usable addresses from `base`.
    pub size: u32,
    pub place: &'static str,
}

impl PublicPool {
    /// One usable host address of the block (never a .0 or .255).
    pub(super) fn pick(&self, rng: &mut Rng) -> u32 {
        let a = self.base + rng.below(self.size as usize) as u32;
        match a & 0xff {
            0 => a + 1,
            255 => a - 1,
            _ => a,
        }
    }
}

const fn pool(a: u8, b: u8, c: u8, d: u8, size: u32, place: &'static str) -> PublicPool {
    PublicPool { base: ip(a, b, c, d), size, place }
}

/// Home and office connections that visit the public site (country codes).
pub(super) const CLIENT_POOLS: [PublicPool; 7] = [
    pool(126, 0, 0, 0, 1 << 24, "JP"),
    pool(153, 128, 0, 0, 1 << 20, "JP"),
    pool(60, 64, 0, 0, 1 << 18, "JP"),
    pool(73, 0, 0, 0, 1 << 24, "US"),
    pool(86, 128, 0, 0, 1 << 22, "GB"),
    pool(84, 128, 0, 0, 1 << 22, "DE"),
    pool(211, 200, 0, 0, 1 << 16, "KR"),
];
pub(super) const CLIENT_WEIGHTS: [f64; 7] = [30.0, 20.0, 10.0, 15.0, 5.0, 5.0, 5.0];

/// Internet services the VMs call out to: (address block, country, port, protocol).
pub(super) struct OutboundService {
    pub pool: PublicPool,
    pub port: u16,
    pub udp: bool,
}

pub(super) const OUTBOUND_SERVICES: [OutboundService; 8] = [
    OutboundService { pool: pool(8, 8, 8, 8, 1, "US"), port: 53, udp: true },
    OutboundService { pool: pool(133, 243, 238, 243, 2, "JP"), port: 123, udp: true },
    OutboundService { pool: pool(91, 189, 91, 80, 16, "GB"), port: 80, udp: false },
    OutboundService { pool: pool(185, 125, 190, 36, 8, "GB"), port: 443, udp: false },
    OutboundService { pool: pool(140, 82, 112, 3, 4, "US"), port: 443, udp: false },
    OutboundService { pool: pool(151, 101, 0, 0, 256, "US"), port: 443, udp: false },
    OutboundService { pool: pool(104, 16, 0, 0, 512, "US"), port: 443, udp: false },
    OutboundService { pool: pool(17, 253, 0, 0, 256, "US"), port: 443, udp: false },
];

/// Microsoft-owned service endpoints (storage, Key Vault, monitoring) by Azure region.
pub(super) const AZURE_POOLS: [PublicPool; 5] = [
    pool(20, 60, 172, 0, 256, "japaneast"),
    pool(52, 239, 144, 0, 256, "japaneast"),
    pool(20, 191, 160, 0, 64, "japaneast"),
    pool(40, 79, 189, 0, 64, "japanwest"),
    pool(20, 43, 64, 0, 128, "japaneast"),
];

/// Addresses listed by threat intelligence (documentation ranges only).
pub(super) const THREAT_POOLS: [PublicPool; 2] = [pool(203, 0, 113, 1, 254, ""), pool(192, 0, 2, 1, 254, "")];

/// Scanners and other unwelcome visitors that no threat feed lists (so their flows are
/// `ExternalPublic`, not `MaliciousFlow`).
pub(super) const UNLISTED_POOL: PublicPool = pool(198, 51, 100, 1, 254, "");

/// The country of an address from the documentation ranges (stable per address).
pub(super) fn unlisted_country(addr: u32) -> &'static str {
    const CODES: [&str; 6] = ["US", "NL", "DE", "SG", "CN", "RU"];
    CODES[(addr.wrapping_mul(0x85EB_CA6B) >> 8) as usize % CODES.len()]
}

/// The outside address a VM suddenly sends a lot of data to in the last hour; not on
/// any threat list, so only a volume hunt finds it.
pub(super) const BURST_TARGET: u32 = ip(198, 51, 100, 45);
/// The outside client that hammers the DMZ in the last hour.
pub(super) const SPIKE_CLIENT: u32 = ip(198, 51, 100, 23);

/// Threat-intelligence facts about one listed address; the same address always gets
/// the same facts.
#[derive(Clone, Copy)]
pub(super) struct Indicator {
    pub threat_type: &'static str,
    pub description: &'static str,
    pub severity: i32,
    pub confidence: u32,
    pub tlp: &'static str,
    pub country_code: &'static str,
    pub country_name: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    /// Days before the data's `now` when the feed first listed it (before the span
    /// starts, so every sighting follows the listing).
    pub first_reported_days: i64,
}

const INDICATORS: [Indicator; 6] = [
    Indicator {
        threat_type: "Botnet",
        description: "Host is a member of a botnet that scans for exposed remote-access services",
        severity: 3,
        confidence: 80,
        tlp: "Amber",
        country_code: "NL",
        country_name: "Netherlands",
        latitude: 52.37,
        longitude: 4.89,
        first_reported_days: 40,
    },
    Indicator {
        threat_type: "C2",
        description: "Command-and-control server contacted by known malware families",
        severity: 5,
        confidence: 90,
        tlp: "Red",
        country_code: "RU",
        country_name: "Russia",
        latitude: 55.75,
        longitude: 37.62,
        first_reported_days: 12,
    },
    Indicator {
        threat_type: "Malware",
        description: "Hosts malware payloads served over HTTP",
        severity: 4,
        confidence: 75,
        tlp: "Amber",
        country_code: "US",
        country_name: "United States",
        latitude: 40.71,
        longitude: -74.01,
        first_reported_days: 25,
    },
    Indicator {
        threat_type: "Proxy",
        description: "Anonymising proxy or Tor exit node",
        severity: 2,
        confidence: 60,
        tlp: "Green",
        country_code: "DE",
        country_name: "Germany",
        latitude: 50.11,
        longitude: 8.68,
        first_reported_days: 120,
    },
    Indicator {
        threat_type: "Phishing",
        description: "Serves credential-phishing pages",
        severity: 3,
        confidence: 70,
        tlp: "White",
        country_code: "SG",
        country_name: "Singapore",
        latitude: 1.29,
        longitude: 103.85,
        first_reported_days: 10,
    },
    Indicator {
        threat_type: "CryptoMining",
        description: "Cryptocurrency mining pool endpoint",
        severity: 2,
        confidence: 85,
        tlp: "Green",
        country_code: "CN",
        country_name: "China",
        latitude: 31.23,
        longitude: 121.47,
        first_reported_days: 60,
    },
];

/// The facts for a threat-listed address (stable per address).
pub(super) fn indicator(addr: u32) -> Indicator {
    // Botnet scanners dominate, as in the seed article's alert.
    const SHARE: [usize; 10] = [0, 0, 0, 0, 1, 2, 3, 3, 4, 5];
    let h = (addr.wrapping_mul(0x9E37_79B1) >> 16) as usize;
    INDICATORS[SHARE[h % SHARE.len()]]
}

/// Country names and a representative location, for `VMConnection.RemoteCountry`.
pub(super) fn country_details(code: &str) -> (&'static str, f64, f64) {
    match code {
        "JP" => ("Japan", 35.69, 139.69),
        "US" => ("United States", 47.68, -122.12),
        "GB" => ("United Kingdom", 51.51, -0.13),
        "DE" => ("Germany", 50.11, 8.68),
        "KR" => ("South Korea", 37.57, 126.98),
        "NL" => ("Netherlands", 52.37, 4.89),
        "SG" => ("Singapore", 1.29, 103.85),
        "RU" => ("Russia", 55.75, 37.62),
        "CN" => ("China", 31.23, 121.47),
        _ => ("", 0.0, 0.0),
    }
}

pub(super) const fn ip(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

pub(super) fn ip_text(addr: u32) -> String {
    std::net::Ipv4Addr::from(addr).to_string()
}

/// NSG rule names as flow logs carry them, with their `NSGRuleType_s`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Rule {
    AllowVnetInBound,
    AllowAzureLoadBalancerInBound,
    DenyAllInBound,
    AllowVnetOutBound,
    AllowInternetOutBound,
    AllowHttps,
    AllowHttp,
    AllowRdpFromJump,
    AllowSshFromJump,
    AllowOnPremInBound,
    DenySshFromApp,
    DenyInternetOutBound,
}

impl Rule {
    pub(super) fn name(self) -> &'static str {
        match self {
            Rule::AllowVnetInBound => "DefaultRule_AllowVnetInBound",
            Rule::AllowAzureLoadBalancerInBound => "DefaultRule_AllowAzureLoadBalancerInBound",
            Rule::DenyAllInBound => "DefaultRule_DenyAllInBound",
            Rule::AllowVnetOutBound => "DefaultRule_AllowVnetOutBound",
            Rule::AllowInternetOutBound => "DefaultRule_AllowInternetOutBound",
            Rule::AllowHttps => "UserRule_AllowHttps",
            Rule::AllowHttp => "UserRule_AllowHttp",
            Rule::AllowRdpFromJump => "UserRule_AllowRdpFromJump",
            Rule::AllowSshFromJump => "UserRule_AllowSshFromJump",
            Rule::AllowOnPremInBound => "UserRule_AllowOnPremInBound",
            Rule::DenySshFromApp => "UserRule_DenySshFromApp",
            Rule::DenyInternetOutBound => "UserRule_DenyInternetOutBound",
        }
    }

    pub(super) fn is_default(self) -> bool {
        self.name().starts_with("DefaultRule_")
    }

    /// `NSGRuleType_s`.
    pub(super) fn rule_type(self) -> &'static str {
        if self.is_default() {
            "Default"
        } else {
            "User Defined"
        }
    }

    /// The rule as VNet flow logs name it (`AclRule`): lower case, no prefix, as in
    /// Microsoft's NTANetAnalytics sample rows ("allowvnetoutbound").
    pub(super) fn acl_name(self) -> String {
        let name = self.name();
        let bare = name.split_once('_').map_or(name, |(_, rest)| rest);
        bare.to_ascii_lowercase()
    }
}

/// Application protocol from the destination port, as Traffic Analytics infers it.
/// The service's exact vocabulary is undocumented; these are the common names.
pub(super) fn l7_protocol(port: u16) -> &'static str {
    match port {
        21 => "ftp",
        22 => "ssh",
        23 => "telnet",
        25 => "smtp",
        53 => "dns",
        80 | 8080 => "http",
        88 => "kerberos",
        123 => "ntp",
        389 => "ldap",
        443 | 8443 => "https",
        445 => "smb",
        514 => "syslog",
        1433 => "mssql",
        3306 => "mysql",
        3389 => "rdp",
        5432 => "postgresql",
        _ => "Unknown",
    }
}

/// Strings derived once per VM for the topology columns.
pub(super) struct Vm {
    pub def: &'static VmDef,
    pub addr: u32,
    pub ip: String,
    pub vnet: &'static Vnet,
    pub nsg: usize,
    /// `<rg>/<vm>`
    pub vm_path: String,
    /// `<rg>/<nic>`
    pub nic_path: String,
    /// `<rg>/<vnet>/<subnet>`
    pub subnet_path: String,
    /// `<sub>/<rg>/<nsg>` (`NSGList_s`)
    pub nsg_list: String,
    /// `00-0D-3A-xx-xx-xx` (Azure's OUI), stable per VM.
    pub mac: String,
    /// `/subscriptions/.../virtualmachines/<vm>` in the lower case Log Analytics uses.
    pub resource_id: String,
    /// The monitoring agent's id (`AgentId`), fixed per VM.
    pub agent_id: String,
}

/// The estate with all derived strings.
pub(super) struct Net {
    pub vms: Vec<Vm>,
}

impl Net {
    pub(super) fn new() -> Self {
        let vms = VMS
            .iter()
            .enumerate()
            .map(|(i, def)| {
                let subnet = &SUBNETS[def.subnet];
                let vnet = &VNETS[subnet.vnet];
                let addr = ip(vnet.prefix[0], vnet.prefix[1], subnet.third_octet, def.host);
                let nsg = subnet.nsg;
                let mac_tail = (i as u32 + 1).wrapping_mul(0x00A3_5B17) & 0x00ff_ffff;
                Vm {
                    def,
                    addr,
                    ip: ip_text(addr),
                    vnet,
                    nsg,
                    vm_path: format!("{}/{}", vnet.rg, def.name),
                    nic_path: format!("{}/{}-nic01", vnet.rg, def.name),
                    subnet_path: format!("{}/{}/{}", vnet.rg, vnet.name, subnet.name),
                    nsg_list: format!("{}/{}/{}", vnet.sub, vnet.rg, NSGS[nsg].name),
                    mac: format!("00-0D-3A-{:02X}-{:02X}-{:02X}", mac_tail >> 16, (mac_tail >> 8) & 0xff, mac_tail & 0xff),
                    resource_id: format!(
                        "/subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}",
                        vnet.sub, vnet.rg, def.name
                    ),
                    agent_id: Rng::new(0xA6E7_0000 + i as u64).guid(),
                }
            })
            .collect();
        Net { vms }
    }

    /// `<sub>/<rg>/<name>` for a resource in a VNet's resource group.
    pub(super) fn resource_path(vnet: &Vnet, name: &str) -> String {
        format!("{}/{}/{}", vnet.sub, vnet.rg, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estate_is_consistent() {
        let net = Net::new();
        assert_eq!(net.vms[VM_JUMP].ip, "10.1.0.99");
        assert_eq!(net.vms[VM_FILE].ip, "10.100.10.10");
        assert_eq!(net.vms[VM_PUB[0]].ip, "10.1.10.4");
        assert_eq!(net.vms[VM_WEB[0]].subnet_path, "rg-prod/vnet-prod/snet-web");
        assert_eq!(net.vms[VM_WEB[0]].nsg_list, format!("{SUB_PROD}/rg-prod/nsg-snet-web"));
        let mut macs: Vec<&str> = net.vms.iter().map(|v| v.mac.as_str()).collect();
        macs.sort_unstable();
        macs.dedup();
        assert_eq!(macs.len(), VMS.len(), "MAC addresses are unique");
        for vm in &net.vms {
            assert!(vm.mac.starts_with("00-0D-3A-") && vm.mac.len() == 17, "{}", vm.mac);
            assert!(NSGS[vm.nsg].flow_enabled, "{} would never log", vm.def.name);
        }
    }

    #[test]
    fn rule_names_follow_flow_log_conventions() {
        assert_eq!(Rule::DenyAllInBound.rule_type(), "Default");
        assert_eq!(Rule::AllowHttps.rule_type(), "User Defined");
        assert_eq!(Rule::AllowVnetOutBound.acl_name(), "allowvnetoutbound");
        assert_eq!(l7_protocol(443), "https");
        assert_eq!(l7_protocol(3389), "rdp");
        assert_eq!(l7_protocol(49152), "Unknown");
    }
}
