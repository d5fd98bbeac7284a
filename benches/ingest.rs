//! Ingest throughput of the raw flow-log readers (MB/s and tuples/s) on synthesized
//! inputs of about 50 MB: an NSG flow log v2 blob and a VNet flow log blob (JSON), and an
//! AWS VPC flow log object (default text format). Beside each, in the same run, the floor
//! that any reader of the same bytes pays: `serde_json` parsing the file into `Value`s
//! (timed from the path, as the reader is, and from bytes already in memory) for the
//! JSON, splitting lines into fields for the text.
//!
//! Each reader is timed twice: in a rayon pool of one thread (like for like with the
//! single-threaded baselines) and in the default pool (every core).
//!
//! Run: `cargo bench --bench ingest` (set FLOWKQL_BENCH_MB to change the input size, and
//! FLOWKQL_BENCH_DIR to keep the generated inputs, `PT1H.json` and `flows.log`, in that
//! directory: `benches/ingest_peers.py` reads the same AWS file with Polars and DuckDB).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flowkql::rawlog::{read_native, RawFormat, ReadOptions};
use std::hint::black_box;
use std::path::Path;

/// A small deterministic generator, so that every run reads the same bytes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Packets and bytes each way, as a tuple's last four fields.
    fn counters(&mut self) -> String {
        format!("{},{},{},{}", self.below(100), self.below(100_000), self.below(100), self.below(100_000))
    }

    /// A public-looking IPv4 address.
    fn remote_ip(&mut self) -> String {
        format!("{}.{}.{}.{}", 1 + self.below(222), self.below(256), self.below(256), 1 + self.below(254))
    }
}

/// Items written by `item`, separated by commas.
fn comma_list(out: &mut String, n: usize, mut item: impl FnMut(&mut String, usize)) {
    for k in 0..n {
        if k > 0 {
            out.push(',');
        }
        item(out, k);
    }
}

fn target_bytes() -> usize {
    std::env::var("FLOWKQL_BENCH_MB").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(50) << 20
}

/// An NSG v2 blob: records of 4 rules x 1 NIC x 100 tuples, states B/C/E as a real
/// blob mixes them. Returns the text and its tuple count.
fn nsg_blob(target: usize) -> (String, usize) {
    let mut rng = Lcg(7);
    let mut out = String::with_capacity(target + (1 << 20));
    out.push_str("{\"records\":[");
    let mut tuples = 0;
    let mut minute = 0u64;
    let rules = ["DefaultRule_AllowInternetOutBound", "DefaultRule_DenyAllInBound", "UserRule_RDP", "UserRule_Web"];
    while out.len() < target {
        if minute > 0 {
            out.push(',');
        }
        let t0 = 1_704_067_200 + minute * 60;
        out.push_str(&format!(
            "{{\"time\":\"2024-01-01T{:02}:{:02}:35.3899262Z\",\"systemId\":\"a0fca5ce-022c-47b1-9735-89943b42f2fa\",\"category\":\"NetworkSecurityGroupFlowEvent\",\"resourceId\":\"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG\",\"operationName\":\"NetworkSecurityGroupFlowEvents\",\"properties\":{{\"Version\":2,\"flows\":[",
            (minute / 60) % 24,
            minute % 60
        ));
        comma_list(&mut out, rules.len(), |out, r| {
            out.push_str(&format!("{{\"rule\":\"{}\",\"flows\":[{{\"mac\":\"000D3AF87856\",\"flowTuples\":[", rules[r]));
            comma_list(out, 100, |out, k| {
                let ts = t0 + rng.below(60);
                let remote = rng.remote_ip();
                let sport = 1024 + rng.below(60000);
                let inbound = r == 1 || r == 2;
                let (src, dst, dport) =
                    if inbound { (remote.as_str(), "10.5.16.4", [3389, 443, 22][k % 3]) } else { ("10.5.16.4", remote.as_str(), 443) };
                let dir = if inbound { "I" } else { "O" };
                let decision = if r == 1 { "D" } else { "A" };
                match rng.below(3) {
                    0 => out.push_str(&format!("\"{ts},{src},{dst},{sport},{dport},T,{dir},{decision},B,,,,\"")),
                    s => out.push_str(&format!(
                        "\"{ts},{src},{dst},{sport},{dport},T,{dir},{decision},{},{}\"",
                        if s == 1 { "C" } else { "E" },
                        rng.counters()
                    )),
                }
                tuples += 1;
            });
            out.push_str("]}]}");
        });
        out.push_str("]}}");
        minute += 1;
    }
    out.push_str("]}");
    (out, tuples)
}

/// A VNet flow log blob: records of 2 ACLs x 2 rule groups x 100 tuples, millisecond
/// times, numeric protocols, states B/C/E/D. Returns the text and its tuple count.
fn vnet_blob(target: usize) -> (String, usize) {
    let mut rng = Lcg(13);
    let mut out = String::with_capacity(target + (1 << 20));
    out.push_str("{\"records\":[");
    let mut tuples = 0;
    let mut minute = 0u64;
    while out.len() < target {
        if minute > 0 {
            out.push(',');
        }
        let t0 = (1_704_067_200 + minute * 60) * 1000;
        out.push_str(&format!(
            "{{\"time\":\"2024-01-01T{:02}:{:02}:11.0581451Z\",\"flowLogVersion\":4,\"flowLogGUID\":\"66aa66aa-bb77-cc88-dd99-00ee00ee00ee\",\"macAddress\":\"112233445566\",\"category\":\"FlowLogFlowEvent\",\"flowLogResourceID\":\"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS2EUAP/FLOWLOGS/VNETFLOWLOG\",\"targetResourceID\":\"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.Network/virtualNetworks/myVNet\",\"operationName\":\"FlowLogFlowEvent\",\"flowRecords\":{{\"flows\":[",
            (minute / 60) % 24,
            minute % 60
        ));
        comma_list(&mut out, 2, |out, acl| {
            out.push_str(&format!("{{\"aclID\":\"00000000-1234-abcd-0000-00000000000{acl}\",\"flowGroups\":["));
            let rules = ["DefaultRule_AllowInternetOutBound", "BlockHighRiskTCPPortsFromInternet"];
            comma_list(out, rules.len(), |out, r| {
                out.push_str(&format!("{{\"rule\":\"{}\",\"flowTuples\":[", rules[r]));
                comma_list(out, 100, |out, k| {
                    let ts = t0 + rng.below(60_000);
                    let remote = rng.remote_ip();
                    let (src, dst, dir) = if r == 0 { ("10.0.0.6", remote.as_str(), "O") } else { (remote.as_str(), "10.0.0.6", "I") };
                    let proto = [6, 6, 17][k % 3];
                    let sport = 1024 + rng.below(60000);
                    match (r, rng.below(3)) {
                        (1, _) => out.push_str(&format!("\"{ts},{src},{dst},{sport},443,{proto},{dir},D,NX,0,0,0,0\"")),
                        (_, 0) => out.push_str(&format!("\"{ts},{src},{dst},{sport},443,{proto},{dir},B,NX,0,0,0,0\"")),
                        (_, s) => out.push_str(&format!(
                            "\"{ts},{src},{dst},{sport},443,{proto},{dir},{},X,{}\"",
                            if s == 1 { "C" } else { "E" },
                            rng.counters()
                        )),
                    }
                    tuples += 1;
                });
                out.push_str("]}");
            });
            out.push_str("]}");
        });
        out.push_str("]}}");
        minute += 1;
    }
    out.push_str("]}");
    (out, tuples)
}

/// An AWS object in the default format, with its header line: one account, 16 network
/// interfaces, 1 line in 200 a NODATA record. Returns the text and its record count.
fn aws_text(target: usize) -> (String, usize) {
    let mut rng = Lcg(11);
    let mut out = String::with_capacity(target + 4096);
    out.push_str("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
    let mut records = 0;
    while out.len() < target {
        let start = 1_704_067_200 + rng.below(86_400);
        let line = if rng.below(200) == 0 {
            format!("2 123456789012 eni-0a1b2c3d4e5f607{:02} - - - - - - - {start} {} - NODATA\n", rng.below(16), start + 60)
        } else {
            format!(
                "2 123456789012 eni-0a1b2c3d4e5f607{:02} 10.0.{}.{} {}.{}.{}.{} {} {} {} {} {} {start} {} {} OK\n",
                rng.below(16),
                rng.below(256),
                1 + rng.below(254),
                1 + rng.below(222),
                rng.below(256),
                rng.below(256),
                1 + rng.below(254),
                1024 + rng.below(60000),
                [443, 80, 22, 53][rng.below(4) as usize],
                [6, 6, 17][rng.below(3) as usize],
                1 + rng.below(500),
                40 + rng.below(1_000_000),
                start + 60,
                if rng.below(10) == 0 { "REJECT" } else { "ACCEPT" }
            )
        };
        out.push_str(&line);
        records += 1;
    }
    (out, records)
}

fn read(path: &Path, format: RawFormat) -> usize {
    let opts = ReadOptions::default();
    match read_native(&path.to_string_lossy(), Some(format), &opts) {
        Ok((_, _, report)) => report.rows,
        Err(e) => panic!("bench input does not read: {}", e.message),
    }
}

/// `read` in a rayon pool of one thread: the readers' `par_iter`s then run in turn.
fn read_one_thread(pool: &rayon::ThreadPool, path: &Path, format: RawFormat) -> usize {
    pool.install(|| read(path, format))
}

fn ingest(c: &mut Criterion) {
    let temp = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("no temp dir: {e}"),
    };
    let kept = std::env::var_os("FLOWKQL_BENCH_DIR").map(std::path::PathBuf::from);
    if let Some(k) = &kept {
        if let Err(e) = std::fs::create_dir_all(k) {
            panic!("cannot create {}: {e}", k.display());
        }
    }
    let dir = kept.as_deref().unwrap_or(temp.path());
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(p) => p,
        Err(e) => panic!("no thread pool: {e}"),
    };
    let target = target_bytes();

    for (group, file, format, (text, tuples)) in [
        ("nsg_v2_json", "PT1H.json", RawFormat::NsgFlowV2, nsg_blob(target)),
        ("vnet_json", "vnet-PT1H.json", RawFormat::VnetFlowV4, vnet_blob(target)),
    ] {
        let path = dir.join(file);
        if let Err(e) = std::fs::write(&path, &text) {
            panic!("cannot write the {group} input: {e}");
        }
        let bytes = text.into_bytes();
        assert_eq!(read(&path, format), tuples);
        eprintln!("{group}: {:.1} MB, {tuples} tuples", bytes.len() as f64 / 1e6);
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        g.throughput(Throughput::ElementsAndBytes { elements: tuples as u64, bytes: bytes.len() as u64 });
        g.bench_function("read_native_1_thread", |b| b.iter(|| read_one_thread(&pool, black_box(&path), format)));
        g.bench_function("read_native", |b| b.iter(|| read(black_box(&path), format)));
        g.bench_function("serde_json_value_from_file", |b| {
            b.iter(|| {
                let bytes = match std::fs::read(black_box(&path)) {
                    Ok(b) => b,
                    Err(e) => panic!("{e}"),
                };
                match serde_json::from_slice::<serde_json::Value>(&bytes) {
                    Ok(v) => v,
                    Err(e) => panic!("{e}"),
                }
            })
        });
        g.bench_function("serde_json_value_from_memory", |b| {
            b.iter(|| match serde_json::from_slice::<serde_json::Value>(black_box(&bytes)) {
                Ok(v) => v,
                Err(e) => panic!("{e}"),
            })
        });
        g.finish();
    }

    let (aws, records) = aws_text(target);
    let aws_path = dir.join("flows.log");
    if let Err(e) = std::fs::write(&aws_path, &aws) {
        panic!("cannot write the AWS input: {e}");
    }
    let aws = aws.into_bytes();
    assert_eq!(read(&aws_path, RawFormat::AwsVpc), records);
    eprintln!("AWS text: {:.1} MB, {records} records", aws.len() as f64 / 1e6);

    let mut group = c.benchmark_group("aws_text");
    group.sample_size(10);
    group.throughput(Throughput::ElementsAndBytes { elements: records as u64, bytes: aws.len() as u64 });
    group.bench_function("read_native_1_thread", |b| b.iter(|| read_one_thread(&pool, black_box(&aws_path), RawFormat::AwsVpc)));
    group.bench_function("read_native", |b| b.iter(|| read(black_box(&aws_path), RawFormat::AwsVpc)));
    group.bench_function("split_fields", |b| {
        b.iter(|| black_box(&aws).split(|c| *c == b'\n').map(|line| line.split(|c| *c == b' ').count()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
