//! The traffic patterns of the estate: each method draws one kind of flow (who talks to
//! whom, on which port, through which rule), leaving times and counters to `finish`.

use super::{Draft, FlowGen, FlowType, Link, Peer};
use crate::sample::rng::Rng;
use crate::sample::topology::{
    self as topo, indicator, ip, unlisted_country, PublicPool, Rule, AZURE_PLATFORM_IP, AZURE_POOLS, BURST_TARGET, CLIENT_POOLS,
    CLIENT_WEIGHTS, NSGS, OUTBOUND_SERVICES, SPIKE_CLIENT, THREAT_POOLS, UNLISTED_POOL, VM_AD, VM_APP, VM_BACKUP, VM_FILE, VM_JUMP, VM_LOG,
    VM_NVA, VM_PUB, VM_SQL, VM_WEB,
};

/// VMs that talk to the internet.
const OUTBOUND_VMS: [usize; 12] =
    [VM_JUMP, VM_WEB[0], VM_WEB[1], VM_WEB[2], VM_APP[0], VM_APP[1], VM_SQL, VM_PUB[0], VM_PUB[1], VM_AD, VM_FILE, VM_LOG];
const PROD_VMS: [usize; 9] = [VM_JUMP, VM_WEB[0], VM_WEB[1], VM_WEB[2], VM_APP[0], VM_APP[1], VM_SQL, VM_PUB[0], VM_PUB[1]];

impl FlowGen<'_> {
    pub(super) fn background(&mut self) -> Draft {
        const WEIGHTS: [f64; 18] = [9.0, 8.0, 7.0, 3.0, 0.5, 9.0, 10.0, 3.0, 20.0, 3.0, 1.0, 12.0, 1.0, 2.0, 3.0, 4.0, 2.0, 1.0];
        match self.rng.weighted(&WEIGHTS) {
            0 => self.web_from_internet(),
            1 => self.dmz_from_internet(),
            2 => self.internet_scan(false),
            3 => self.malicious_inbound(),
            4 => self.malicious_outbound(),
            5 => self.internet_services(),
            6 => self.azure_services(),
            7 => self.lb_probe(),
            8 => self.between_tiers(),
            9 => self.jump_admin(),
            10 => self.app_to_web_ssh(),
            11 => self.shared_services(),
            12 => self.jump_to_shared(),
            13 => self.backup(),
            14 => self.unknown_private(),
            15 => self.site_to_site(),
            16 => self.point_to_site(),
            _ => self.routed_by_nva(),
        }
    }

    fn either_side(&mut self, d: Draft, inbound_rule: Rule) -> Draft {
        if self.rng.chance(0.5) {
            d.inbound().rule(inbound_rule, true)
        } else {
            d.rule(Rule::AllowVnetOutBound, true)
        }
    }

    fn pool_addr(&mut self, pool: &PublicPool) -> u32 {
        pool.pick(&mut self.rng)
    }

    /// Up to `k` distinct addresses from one pool.
    fn pool_addrs(&mut self, pool: &PublicPool, k: usize) -> Vec<u32> {
        let k = k.min(pool.size as usize).max(1);
        let mut out: Vec<u32> = Vec::with_capacity(k);
        for _ in 0..k * 4 {
            if out.len() == k {
                break;
            }
            let a = self.pool_addr(pool);
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    }

    fn public(mut d: Draft, addrs: Vec<u32>, place: &'static str) -> Draft {
        d.public = addrs;
        d.place = place;
        d
    }

    fn web_from_internet(&mut self) -> Draft {
        let vm = self.rng.pick(&VM_WEB);
        let https = self.rng.chance(0.8);
        let pool = &CLIENT_POOLS[self.rng.weighted(&CLIENT_WEIGHTS)];
        let k = 1 + self.rng.below(4);
        let addrs = self.pool_addrs(pool, k);
        let (port, rule) = if https { (443, Rule::AllowHttps) } else { (80, Rule::AllowHttp) };
        let mut d = Draft::new(FlowType::ExternalPublic, Peer::Public, Peer::Vm(vm), port, false)
            .inbound()
            .rule(rule, true)
            .sizes(6.0, 1_500.0, 40_000.0);
        d.lb_dst = true;
        Self::public(d, addrs, pool.place)
    }

    fn dmz_from_internet(&mut self) -> Draft {
        let vm = self.rng.pick(&VM_PUB);
        let https = self.rng.chance(0.85);
        let pool = &CLIENT_POOLS[self.rng.weighted(&CLIENT_WEIGHTS)];
        let k = 1 + self.rng.below(4);
        let addrs = self.pool_addrs(pool, k);
        let (port, rule) = if https { (443, Rule::AllowHttps) } else { (80, Rule::AllowHttp) };
        let d = Draft::new(FlowType::ExternalPublic, Peer::Public, Peer::Vm(vm), port, false)
            .inbound()
            .rule(rule, true)
            .sizes(8.0, 1_200.0, 30_000.0);
        Self::public(d, addrs, pool.place)
    }

    /// Unlisted scanners knocking on management ports; the web tier is reached through
    /// the load balancer's NAT rules, the DMZ through its public addresses.
    pub(super) fn internet_scan(&mut self, web_only: bool) -> Draft {
        let web = web_only || self.rng.chance(0.5);
        let (vm, port) = if web {
            (self.rng.pick(&VM_WEB), self.rng.pick(&[3389u16, 22]))
        } else {
            (self.rng.pick(&VM_PUB), self.rng.pick(&[22u16, 23, 3389, 445, 1433, 8080, 25]))
        };
        let addr = self.pool_addr(&UNLISTED_POOL);
        let mut d = Draft::new(FlowType::ExternalPublic, Peer::Public, Peer::Vm(vm), port, false)
            .inbound()
            .rule(Rule::DenyAllInBound, false)
            .sizes(3.0, 0.0, 0.0);
        d.lb_dst = web;
        Self::public(d, vec![addr], unlisted_country(addr))
    }

    fn malicious_inbound(&mut self) -> Draft {
        let pool = &THREAT_POOLS[self.rng.below(THREAT_POOLS.len())];
        let addr = self.pool_addr(pool);
        let web = self.rng.chance(0.4);
        let vm = if web { self.rng.pick(&VM_WEB) } else { self.rng.pick(&VM_PUB) };
        let port = self.rng.pick(&[443u16, 80, 22, 3389, 445, 23]);
        let (rule, allowed) = match port {
            443 => (Rule::AllowHttps, true),
            80 => (Rule::AllowHttp, true),
            _ => (Rule::DenyAllInBound, false),
        };
        let mut d = Draft::new(FlowType::MaliciousFlow, Peer::Public, Peer::Vm(vm), port, false)
            .inbound()
            .rule(rule, allowed)
            .sizes(3.0, 800.0, 2_000.0);
        d.lb_dst = web;
        Self::public(d, vec![addr], indicator(addr).country_code)
    }

    fn malicious_outbound(&mut self) -> Draft {
        let pool = &THREAT_POOLS[self.rng.below(THREAT_POOLS.len())];
        let addr = self.pool_addr(pool);
        let vm = self.rng.pick(&[VM_APP[0], VM_APP[1], VM_WEB[0], VM_WEB[2]]);
        let port = self.rng.pick(&[443u16, 8443, 4444]);
        let d = Draft::new(FlowType::MaliciousFlow, Peer::Vm(vm), Peer::Public, port, false)
            .rule(Rule::AllowInternetOutBound, true)
            .sizes(2.0, 3_000.0, 5_000.0);
        Self::public(d, vec![addr], indicator(addr).country_code)
    }

    fn internet_services(&mut self) -> Draft {
        let vm = self.rng.pick(&OUTBOUND_VMS);
        let service = &OUTBOUND_SERVICES[self.rng.below(OUTBOUND_SERVICES.len())];
        let k = 1 + self.rng.below(3);
        let addrs = self.pool_addrs(&service.pool, k);
        let (mean, out, inb) = match service.port {
            53 => (15.0, 80.0, 200.0),
            123 => (2.0, 90.0, 90.0),
            80 => (3.0, 600.0, 400_000.0),
            _ => (5.0, 2_000.0, 50_000.0),
        };
        // The database subnet may not reach the internet.
        let (rule, allowed) = if vm == VM_SQL { (Rule::DenyInternetOutBound, false) } else { (Rule::AllowInternetOutBound, true) };
        let d = Draft::new(FlowType::ExternalPublic, Peer::Vm(vm), Peer::Public, service.port, service.udp)
            .rule(rule, allowed)
            .sizes(mean, out, inb);
        Self::public(d, addrs, service.pool.place)
    }

    fn azure_services(&mut self) -> Draft {
        let vm = self.rng.pick(&OUTBOUND_VMS);
        let vm = if vm == VM_SQL { VM_APP[0] } else { vm };
        let pool = &AZURE_POOLS[self.rng.below(AZURE_POOLS.len())];
        let k = 1 + self.rng.below(3);
        let addrs = self.pool_addrs(pool, k);
        let d = Draft::new(FlowType::AzurePublic, Peer::Vm(vm), Peer::Public, 443, false)
            .rule(Rule::AllowInternetOutBound, true)
            .sizes(6.0, 20_000.0, 30_000.0);
        Self::public(d, addrs, pool.place)
    }

    /// The load balancer's health probes, every 15 seconds per backend.
    fn lb_probe(&mut self) -> Draft {
        let vm = self.rng.pick(&VM_WEB);
        let port = self.rng.pick(&[443u16, 80]);
        let mut d = Draft::new(FlowType::AzurePublic, Peer::Public, Peer::Vm(vm), port, false)
            .inbound()
            .rule(Rule::AllowAzureLoadBalancerInBound, true)
            .sizes(1.0, 120.0, 120.0);
        d.lb_dst = true;
        d.fixed_flows = Some((NSGS[self.net.vms[vm].nsg].interval_minutes * 4) as u64);
        Self::public(d, vec![AZURE_PLATFORM_IP], "Global")
    }

    fn between_tiers(&mut self) -> Draft {
        let (src, dst, port, mean, out, inb) = match self.rng.weighted(&[3.0, 4.0, 3.0]) {
            0 => (self.rng.pick(&VM_PUB), self.rng.pick(&VM_WEB), 443, 20.0, 3_000.0, 30_000.0),
            1 => (self.rng.pick(&VM_WEB), self.rng.pick(&VM_APP), 8080, 25.0, 2_000.0, 15_000.0),
            _ => (self.rng.pick(&VM_APP), VM_SQL, 1433, 10.0, 1_500.0, 40_000.0),
        };
        let d = Draft::new(FlowType::IntraVNet, Peer::Vm(src), Peer::Vm(dst), port, false).sizes(mean, out, inb);
        let inbound_rule = if port == 443 { Rule::AllowHttps } else { Rule::AllowVnetInBound };
        self.either_side(d, inbound_rule)
    }

    fn jump_admin(&mut self) -> Draft {
        let dst = self.rng.pick(&[VM_WEB[0], VM_WEB[1], VM_WEB[2], VM_APP[0], VM_APP[1], VM_SQL, VM_PUB[0], VM_PUB[1]]);
        let (port, rule, out, inb) = match self.net.vms[dst].def.os {
            topo::Os::Windows => (3389, Rule::AllowRdpFromJump, 200_000.0, 2_000_000.0),
            topo::Os::Linux => (22, Rule::AllowSshFromJump, 20_000.0, 60_000.0),
        };
        let d = Draft::new(FlowType::IntraVNet, Peer::Vm(VM_JUMP), Peer::Vm(dst), port, false).sizes(1.5, out, inb);
        self.either_side(d, rule)
    }

    /// The app tier may not SSH into the web tier; the web NSG drops it.
    pub(super) fn app_to_web_ssh(&mut self) -> Draft {
        let src = self.rng.pick(&VM_APP);
        let dst = self.rng.pick(&VM_WEB);
        Draft::new(FlowType::IntraVNet, Peer::Vm(src), Peer::Vm(dst), 22, false)
            .inbound()
            .rule(Rule::DenySshFromApp, false)
            .sizes(2.0, 0.0, 0.0)
    }

    fn shared_services(&mut self) -> Draft {
        let src = self.rng.pick(&PROD_VMS);
        let (dst, port, udp, mean, out, inb) = match self.rng.weighted(&[5.0, 2.0, 2.0, 3.0, 3.0]) {
            0 => (VM_AD, 53, true, 20.0, 70.0, 150.0),
            1 => (VM_AD, 88, false, 3.0, 1_500.0, 1_500.0),
            2 => (VM_AD, 389, false, 4.0, 1_000.0, 4_000.0),
            3 => (VM_FILE, 445, false, 5.0, 20_000.0, 200_000.0),
            _ => (VM_LOG, 514, true, 10.0, 30_000.0, 0.0),
        };
        let mut d = Draft::new(FlowType::InterVNet, Peer::Vm(src), Peer::Vm(dst), port, udp).sizes(mean, out, inb);
        d.link = Link::Peering;
        self.either_side(d, Rule::AllowVnetInBound)
    }

    /// Administration from the jump host into the shared services VNet.
    pub(super) fn jump_to_shared(&mut self) -> Draft {
        let (dst, port) = self.rng.pick(&[(VM_AD, 3389u16), (VM_FILE, 445), (VM_FILE, 3389), (VM_LOG, 22)]);
        let mut d = Draft::new(FlowType::InterVNet, Peer::Vm(VM_JUMP), Peer::Vm(dst), port, false).sizes(2.0, 50_000.0, 500_000.0);
        d.link = Link::Peering;
        self.either_side(d, Rule::AllowVnetInBound)
    }

    fn backup(&mut self) -> Draft {
        let d = if self.rng.chance(0.5) {
            let mut d = Draft::new(FlowType::InterVNet, Peer::Vm(VM_BACKUP), Peer::Vm(VM_SQL), 1433, false);
            d.link = Link::Peering;
            d
        } else {
            Draft::new(FlowType::IntraVNet, Peer::Vm(VM_BACKUP), Peer::Vm(VM_FILE), 445, false)
        };
        let d = d.sizes(2.0, 5_000.0, 5_000_000.0);
        self.either_side(d, Rule::AllowVnetInBound)
    }

    fn unknown_private(&mut self) -> Draft {
        let prefix = self.rng.pick(&topo::UNMAPPED_PRIVATE);
        let other = ip(prefix[0], prefix[1], prefix[2], self.rng.between(2, 250) as u8);
        if self.rng.chance(0.5) {
            let src = self.rng.pick(&[VM_APP[0], VM_APP[1], VM_WEB[0], VM_WEB[1]]);
            let port = self.rng.pick(&[443u16, 1433, 8080]);
            Draft::new(FlowType::UnknownPrivate, Peer::Vm(src), Peer::Addr(other), port, false)
                .rule(Rule::AllowVnetOutBound, true)
                .sizes(3.0, 2_000.0, 8_000.0)
        } else {
            let dst = self.rng.pick(&[VM_APP[0], VM_WEB[1], VM_WEB[2]]);
            let port = self.rng.pick(&[22u16, 3389, 445, 443]);
            Draft::new(FlowType::UnknownPrivate, Peer::Addr(other), Peer::Vm(dst), port, false)
                .inbound()
                .rule(Rule::DenyAllInBound, false)
                .sizes(2.0, 0.0, 0.0)
        }
    }

    fn site_to_site(&mut self) -> Draft {
        let [a, b, c] = topo::ONPREM_PREFIX;
        let mut d = if self.rng.chance(0.6) {
            let office = ip(a, b, c, self.rng.between(20, 120) as u8);
            let (dst, port) = self.rng.pick(&[(VM_JUMP, 3389u16), (VM_SQL, 1433), (VM_WEB[0], 443), (VM_WEB[1], 443), (VM_FILE, 445)]);
            Draft::new(FlowType::S2S, Peer::Addr(office), Peer::Vm(dst), port, false)
                .inbound()
                .rule(Rule::AllowOnPremInBound, true)
                .sizes(4.0, 5_000.0, 80_000.0)
        } else {
            // Directory replication with the office's domain controller.
            let dc = ip(a, b, c, 10);
            let port = self.rng.pick(&[389u16, 88, 445]);
            Draft::new(FlowType::S2S, Peer::Vm(VM_AD), Peer::Addr(dc), port, false)
                .rule(Rule::AllowVnetOutBound, true)
                .sizes(3.0, 6_000.0, 6_000.0)
        };
        d.link = Link::Site;
        d
    }

    fn point_to_site(&mut self) -> Draft {
        let [a, b, c] = topo::P2S_PREFIX;
        let client = ip(a, b, c, self.rng.between(2, 60) as u8);
        let (dst, port) = self.rng.pick(&[(VM_JUMP, 3389u16), (VM_JUMP, 3389), (VM_WEB[0], 443)]);
        let mut d = Draft::new(FlowType::P2S, Peer::Addr(client), Peer::Vm(dst), port, false)
            .inbound()
            .rule(Rule::AllowVnetInBound, true)
            .sizes(1.5, 150_000.0, 1_500_000.0);
        d.link = Link::PointToSite(client);
        d
    }

    /// Traffic forwarded by the NVA between networks Traffic Analytics cannot map.
    fn routed_by_nva(&mut self) -> Draft {
        let [p, q] = topo::UNMAPPED_ROUTED;
        fn host(pre: [u8; 2], rng: &mut Rng) -> u32 {
            ip(pre[0], pre[1], rng.between(0, 3) as u8, rng.between(4, 200) as u8)
        }
        let (s, t) = if self.rng.chance(0.5) { (p, q) } else { (q, p) };
        let src = host(s, &mut self.rng);
        let dst = host(t, &mut self.rng);
        let port = self.rng.pick(&[443u16, 22, 1433, 3389]);
        let mut d = Draft::new(FlowType::Unknown, Peer::Addr(src), Peer::Addr(dst), port, false).sizes(3.0, 4_000.0, 30_000.0);
        d.capture = VM_NVA;
        d.outbound = self.rng.chance(0.5);
        d.rule = if d.outbound { Rule::AllowVnetOutBound } else { Rule::AllowVnetInBound };
        d.udr_hop = true;
        d
    }

    pub(super) fn outbound_burst(&mut self) -> Draft {
        let mut d = Draft::new(FlowType::ExternalPublic, Peer::Vm(VM_APP[1]), Peer::Public, 443, false)
            .rule(Rule::AllowInternetOutBound, true)
            .sizes(1.0, 400_000.0, 5_000.0);
        d.fixed_flows = Some(self.rng.between(300, 700));
        Self::public(d, vec![BURST_TARGET], unlisted_country(BURST_TARGET))
    }

    pub(super) fn inbound_spike(&mut self) -> Draft {
        let mut d = Draft::new(FlowType::ExternalPublic, Peer::Public, Peer::Vm(VM_PUB[0]), 443, false)
            .inbound()
            .rule(Rule::AllowHttps, true)
            .sizes(1.0, 1_500.0, 150_000.0);
        d.fixed_flows = Some(self.rng.between(400, 900));
        Self::public(d, vec![SPIKE_CLIENT], unlisted_country(SPIKE_CLIENT))
    }
}
