#!/usr/bin/env python3
"""Draws req/s and p99 latency per workload and server from a bench.py summary CSV.

Usage: python3 benchmarks/http/chart.py http-HHMM-summary.csv http-HHMM.png
Needs matplotlib (Debian: apt-get install python3-matplotlib).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SERVERS = ["stock", "virtual", "gmp", "gmp-virtual", "go"]
LABELS = {"stock": "stock pool", "virtual": "@RunOnVirtualThread", "gmp": "G/M/P platform",
          "gmp-virtual": "G/M/P virtual", "go": "Go net/http"}
WORKLOADS = {"a": "a: 200 µs CPU, 64 conns", "b": "b: 200 µs + 5 ms, 256 conns",
             "c": "c: 50 µs + 50 ms, 1000 conns", "d": "d: 1000 µs + 1 ms, 64 conns",
             "e": "e: 50 µs + 50 ms pinned, 1000 conns"}


def main(src, dst):
    with open(src) as f:
        rows = list(csv.DictReader(f))
    workloads = [w for w in WORKLOADS if any(r["workload"] == w for r in rows)]
    present = list(dict.fromkeys(r["server"] for r in rows))  # summary order: variants of gmp follow it
    servers = [s for s in SERVERS if s in present]
    variants = [s for s in present if s not in SERVERS]
    if "gmp" in servers:
        at = servers.index("gmp") + 1
        servers[at:at] = variants
    else:
        servers += variants
    cell = {(r["workload"], r["server"]): r for r in rows}
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    width = 0.8 / max(len(servers), 1)
    for i, s in enumerate(servers):
        xs = [w_i + (i - (len(servers) - 1) / 2) * width for w_i in range(len(workloads))]
        rps = [float(cell[(w, s)]["rps"]) if (w, s) in cell else 0 for w in workloads]
        p99 = [float(cell[(w, s)]["p99_ms"] or 0) if (w, s) in cell else 0 for w in workloads]
        top.bar(xs, rps, width, label=LABELS.get(s, s))
        bottom.bar(xs, p99, width, label=LABELS.get(s, s))
    ceilings = [float(cell[(w, servers[0])]["ceiling_rps"]) for w in workloads]
    top.scatter(range(len(workloads)), ceilings, marker="_", s=2000, color="black", label="ceiling")
    top.set_yscale("log")
    top.set_ylabel("req/s (median, log scale)")
    bottom.set_yscale("log")
    bottom.set_ylabel("p99 latency, ms (median, log scale)")
    bottom.set_xticks(range(len(workloads)))
    bottom.set_xticklabels([WORKLOADS[w] for w in workloads], fontsize=8)
    top.set_title("Demo load handler on 2 cores: throughput (higher is better) and p99 (lower is better)")
    handles, labels = top.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, markerscale=0.3)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(dst, dpi=100)
    print(f"chart: {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
