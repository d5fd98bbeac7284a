//! `InsightsMetrics`: VM insights performance counters (FORMATS.md 10) from three
//! monitored VMs. Every sample time carries the full counter set of each machine, as
//! the agent reports it each minute; sample times are every minute near `now` and
//! thin out with age, so a small table still reaches back over the whole span.

use super::columns::Columns;
use super::rng::Rng;
use super::timeline::{activity, floor, Timeline, MINUTE, SECOND, SPAN};
use super::topology::{Net, VM_APP, VM_SQL, VM_WEB, WORKSPACE_ID};
use crate::error::Result;
use crate::types::Schema;
use polars::prelude::DataFrame;

pub(super) const TABLE: &str = "InsightsMetrics";

struct Machine {
    vm: usize,
    memory_mb: u32,
    cpus: u32,
    nic: &'static str,
    /// (mount, size in MB, free percentage at `now`, share of the machine's disk I/O)
    disks: [(&'static str, u64, f64, f64); 2],
    /// The agent's fixed second within each minute.
    second: i64,
}

const ADAPTER: &str = "Microsoft Hyper-V Network Adapter";

const MACHINES: [Machine; 3] = [
    Machine {
        vm: VM_WEB[0],
        memory_mb: 8_192,
        cpus: 2,
        nic: ADAPTER,
        disks: [("C:", 130_045, 91.764, 0.85), ("D:", 16_383, 93.215, 0.15)],
        second: 11,
    },
    Machine {
        vm: VM_APP[0],
        memory_mb: 7_957,
        cpus: 2,
        nic: "eth0",
        disks: [("/", 29_918, 78.312, 0.9), ("/mnt", 16_383, 95.04, 0.1)],
        second: 37,
    },
    Machine {
        vm: VM_SQL,
        memory_mb: 16_384,
        cpus: 4,
        nic: ADAPTER,
        disks: [("C:", 130_045, 84.12, 0.3), ("D:", 32_767, 61.507, 0.7)],
        second: 52,
    },
];

const DISK_COUNTERS: usize = 11;
/// Rows each machine reports per sample time.
const ROWS_PER_MACHINE: usize = 5 + 2 * DISK_COUNTERS;

struct Sample {
    time: i64,
    machine: &'static Machine,
    namespace: &'static str,
    name: &'static str,
    val: f64,
    tags: String,
}

pub(super) fn table(net: &Net, timeline: &Timeline, mut rng: Rng, rows: usize) -> Result<(Schema, DataFrame)> {
    let per_time = ROWS_PER_MACHINE * MACHINES.len();
    // Two minutes short of the span, so the oldest report is still inside it.
    let span_minutes = SPAN / MINUTE - 2;
    // At most one report per minute per counter.
    let rows = rows.min(per_time * span_minutes as usize);
    let times = rows.div_ceil(per_time);
    let last_minute = floor(timeline.now(), MINUTE);
    let mut samples: Vec<Sample> = Vec::with_capacity(rows + per_time);
    let mut previous = -1;
    for k in 0..times {
        // Cubic spacing: consecutive minutes at first, hours apart at the far end.
        let spread = (span_minutes as f64 * (k as f64 / times as f64).powi(3)).round() as i64;
        let minutes_ago = spread.max(previous + 1);
        previous = minutes_ago;
        for machine in &MACHINES {
            let time = last_minute - (minutes_ago + 1) * MINUTE + machine.second * SECOND;
            report(&mut samples, &mut rng, time, machine, minutes_ago);
        }
    }
    samples.truncate(rows);

    let s = &samples;
    let vm = |x: &Sample| &net.vms[x.machine.vm];
    let mut c = Columns::new(s.len());
    c.constant("TenantId", WORKSPACE_ID);
    c.time("TimeGenerated", s.iter().map(move |x| Some(x.time)));
    c.text("Computer", s.iter().map(move |x| vm(x).def.name));
    c.text("AgentId", s.iter().map(move |x| vm(x).agent_id.as_str()));
    c.constant("Origin", "vm.azm.ms");
    c.text("Namespace", s.iter().map(move |x| x.namespace));
    c.text("Name", s.iter().map(move |x| x.name));
    c.real("Val", s.iter().map(move |x| Some(x.val)));
    c.text("Tags", s.iter().map(move |x| x.tags.as_str()));
    c.constant("Type", TABLE);
    c.text("_ResourceId", s.iter().map(move |x| vm(x).resource_id.as_str()));
    c.text("_SubscriptionId", s.iter().map(move |x| vm(x).vnet.sub));
    c.real("_BilledSize", s.iter().map(move |x| Some((300 + x.tags.len()) as f64)));
    c.constant("_IsBillable", "True");
    c.finish(TABLE)
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// One machine's full counter set at one time.
fn report(out: &mut Vec<Sample>, rng: &mut Rng, time: i64, m: &'static Machine, minutes_ago: i64) {
    let busy = activity(time);
    let mut push = |namespace: &'static str, name: &'static str, val: f64, tags: String| {
        out.push(Sample { time, machine: m, namespace, name, val, tags });
    };
    // No dimensions on the heartbeat; the JSON text is then empty, as Kusto strings are.
    push("Computer", "Heartbeat", 1.0, String::new());
    let available = f64::from(m.memory_mb) * (0.62 - 0.25 * busy + 0.03 * rng.normal()).clamp(0.05, 0.95);
    push("Memory", "AvailableMB", available.round(), format!("{{\"vm.azm.ms/memorySizeMB\":{}}}", m.memory_mb));
    let cpu = (4.0 + 45.0 * busy * (0.8 + 0.4 * rng.unit()) + 2.0 * rng.normal()).clamp(0.5, 99.0);
    push("Processor", "UtilizationPercentage", round3(cpu), format!("{{\"vm.azm.ms/totalCpus\":{}}}", m.cpus));
    for (name, scale) in [("ReadBytesPerSecond", 1.0), ("WriteBytesPerSecond", 1.5)] {
        let rate = round3((20_000.0 + 400_000.0 * busy * rng.lognormal(1.0, 0.3)) * scale);
        let tags = format!("{{\"vm.azm.ms/networkDeviceId\":\"{}\",\"vm.azm.ms/bytes\":{}}}", m.nic, (rate * 60.0).round());
        push("Network", name, rate, tags);
    }
    for (mount, size_mb, free_now, io_share) in m.disks {
        // Disks fill up slowly: a little more free space the further back.
        let days_ago = minutes_ago as f64 / 1440.0;
        let free = round3((free_now + 0.021 * days_ago + 0.002 * rng.normal()).min(99.9));
        let reads = (0.5 + 15.0 * busy * rng.unit()) * io_share;
        let writes = (2.0 + 20.0 * busy * rng.unit()) * io_share;
        let read_bytes = reads * rng.lognormal(32_768.0, 0.3);
        let write_bytes = writes * rng.lognormal(16_384.0, 0.3);
        let read_latency = 0.5 + 3.0 * rng.unit();
        let write_latency = 1.0 + 4.0 * rng.unit();
        let transfer_latency = (reads * read_latency + writes * write_latency) / (reads + writes);
        let mount_tag = format!("{{\"vm.azm.ms/mountId\":\"{mount}\"}}");
        let values: [(&'static str, f64); DISK_COUNTERS] = [
            ("FreeSpacePercentage", free),
            ("FreeSpaceMB", (size_mb as f64 * free / 100.0).round()),
            ("ReadsPerSecond", round3(reads)),
            ("WritesPerSecond", round3(writes)),
            ("TransfersPerSecond", round3(reads + writes)),
            ("ReadBytesPerSecond", round3(read_bytes)),
            ("WriteBytesPerSecond", round3(write_bytes)),
            ("BytesPerSecond", round3(read_bytes + write_bytes)),
            ("ReadLatencyMs", round3(read_latency)),
            ("WriteLatencyMs", round3(write_latency)),
            ("TransferLatencyMs", round3(transfer_latency)),
        ];
        for (name, val) in values {
            let tags = if name == "FreeSpaceMB" {
                format!("{{\"vm.azm.ms/mountId\":\"{mount}\",\"vm.azm.ms/diskSizeMB\":{size_mb}}}")
            } else {
                mount_tag.clone()
            };
            push("LogicalDisk", name, val, tags);
        }
    }
}
