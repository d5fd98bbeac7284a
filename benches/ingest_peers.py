#!/usr/bin/env python3
"""Times Polars and DuckDB reading the AWS VPC flow log file that `benches/ingest.rs`
generates, so that flowkql's reader can be compared with them on the same bytes.

    FLOWKQL_BENCH_DIR=/tmp/ingest cargo bench --bench ingest -- aws_text
    python3 benches/ingest_peers.py /tmp/ingest/flows.log [RUNS] [FLOWKQL_BINARY]

Each reader loads the whole file into an in-memory table (every column, typed), as
flowkql's `read_native` does; the header line names the columns and `-` is null. Each
is timed on all cores and on one thread, best of N runs (N = 10, or RUNS). The row
count is checked against a count made here with plain Python.

With FLOWKQL_BINARY (a release build of flowkql), the same run also times
`flowkql run -q 'AWSVPCFlow | count' --table AWSVPCFlow=FILE:aws`, a whole process
(start-up and the query included), so that all readers are timed at the same moment
on a machine shared with other work.
"""

import os
import subprocess
import sys
import time


def best_of(n, f):
    best = None
    rows = None
    for _ in range(n):
        t = time.perf_counter()
        rows = f()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, rows


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        lines = [line for line in f.read().split(b"\n")[1:] if line.strip()]
    records = len(lines)
    mib = size / (1 << 20)
    print(f"{path}: {size / 1e6:.1f} MB, {records} records")

    import duckdb
    import polars as pl

    def polars_read():
        df = pl.read_csv(path, separator=" ", null_values="-", has_header=True)
        return df.height

    def duckdb_read(threads):
        def run():
            con = duckdb.connect()
            con.execute(f"SET threads = {threads}")
            con.execute(
                "CREATE TABLE flows AS SELECT * FROM read_csv(?, delim = ' ', header = true, nullstr = '-')",
                [path],
            )
            n = con.execute("SELECT count(*) FROM flows").fetchone()[0]
            con.close()
            return n

        return run

    def flowkql_read(binary, threads):
        env = dict(os.environ)
        if threads == 1:
            env.update(RAYON_NUM_THREADS="1", POLARS_MAX_THREADS="1")

        def run():
            out = subprocess.run(
                [binary, "run", "-q", "AWSVPCFlow | count", "--table", f"AWSVPCFlow={path}:aws", "--format", "csv"],
                env=env, check=True, capture_output=True, text=True,
            ).stdout
            return int(out.strip().splitlines()[-1])

        return run

    cores = os.cpu_count() or 1
    binary = sys.argv[3] if len(sys.argv) > 3 else None
    results = []
    if binary and os.environ.get("POLARS_MAX_THREADS") != "1":
        t, n = best_of(runs, flowkql_read(binary, cores))
        results.append((f"flowkql run ... | count ({cores} threads)", t, n))
        t, n = best_of(runs, flowkql_read(binary, 1))
        results.append(("flowkql run ... | count (1 thread)", t, n))
    # Polars sizes its thread pool once, from POLARS_MAX_THREADS at import; the
    # one-thread Polars figure comes from a second process.
    if os.environ.get("POLARS_MAX_THREADS") != "1":
        t, n = best_of(runs, polars_read)
        results.append((f"polars.read_csv ({pl.thread_pool_size()} threads)", t, n))
        t, n = best_of(runs, duckdb_read(cores))
        results.append((f"duckdb read_csv to a table ({cores} threads)", t, n))
        t, n = best_of(runs, duckdb_read(1))
        results.append(("duckdb read_csv to a table (1 thread)", t, n))
    else:
        t, n = best_of(runs, polars_read)
        results.append(("polars.read_csv (1 thread)", t, n))

    for name, t, n in results:
        assert n == records, f"{name}: {n} rows, expected {records}"
        print(f"{name}: {t * 1000:.1f} ms, {mib / t:.0f} MiB/s, {records / t / 1e6:.2f} M records/s")

    if os.environ.get("POLARS_MAX_THREADS") != "1":
        env = dict(os.environ, POLARS_MAX_THREADS="1")
        os.execve(sys.executable, [sys.executable, __file__, path, str(runs)], env)


if __name__ == "__main__":
    main()
