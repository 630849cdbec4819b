#!/usr/bin/env python3
"""Checks a bench.py summary CSV against the targets of docs/benchmarks.md and prints a Markdown table.

Each target compares the scheduler (gmp, and gmp-virtual when it ran) with a reference server in the same
workload, on the medians. Nothing fails: the table says met or missed, and by how much.

Usage: python3 benchmarks/http/targets.py http-HHMM-summary.csv
"""
import csv
import sys

# (workload, servers it applies to, what, column, reference server, lowest/highest allowed ratio or value, kind);
# the targets of the performance work (issue "the scheduler must cost less than it saves").
BOTH = ("gmp", "gmp-virtual")
TARGETS = [
    ("c", ("gmp",), "req/s ≥ 2.5× stock", "rps", "stock", 2.5, "min"),
    ("c", ("gmp-virtual",), "req/s ≥ 1.10× virtual threads", "rps", "virtual", 1.10, "min"),
    ("c", ("gmp-virtual",), "p99 no worse than virtual threads", "p99_ms", "virtual", 1.0, "max"),
    ("c", BOTH, "p99 below stock's", "p99_ms", "stock", 1.0, "max"),
    ("e", ("gmp-virtual",), "req/s ≥ 2× stock", "rps", "stock", 2.0, "min"),
    ("e", ("gmp-virtual",), "req/s ≥ 1.0× Go", "rps", "go", 1.0, "min"),
    ("b", BOTH, "CPU µs/req ≤ 0.9× stock", "cpu_us_per_req", "stock", 0.9, "max"),
    ("b", BOTH, "p99 no worse than stock", "p99_ms", "stock", 1.0, "max"),
    ("a", BOTH, "req/s within 5 % of stock", "rps", "stock", 0.95, "min"),
    ("a", BOTH, "p99 no worse than stock", "p99_ms", "stock", 1.0, "max"),
    ("d", BOTH, "req/s within 5 % of stock", "rps", "stock", 0.95, "min"),
    ("d", BOTH, "p99 no worse than stock", "p99_ms", "stock", 1.0, "max"),
]


def check(cells, server):
    rows = []
    for wl, servers, what, col, ref, bound, kind in TARGETS:
        if server not in servers:
            continue
        mine = cells.get((wl, server))
        base = cells.get((wl, ref)) if ref else None
        if mine is None or (ref and base is None) or not mine[col]:
            continue
        value = float(mine[col])
        measured = value / float(base[col]) if ref else value
        met = measured >= bound if kind == "min" else measured <= bound
        shown = f"{measured:.2f}×" if ref else f"{measured:.1f} %"
        if met:
            verdict = "met"
        elif kind == "min":
            verdict = f"**missed** by {bound / measured:.2f}×" if measured > 0 else "**missed**"
        else:
            verdict = f"**missed** by {measured / bound:.2f}×"
        rows.append(f"| ({wl}) | {server} | {what} | {shown} | {verdict} |")
    return rows


def main(path):
    with open(path) as f:
        cells = {(r["workload"], r["server"]): r for r in csv.DictReader(f)}
    servers = [s for s in ("gmp", "gmp-virtual") if any(k[1] == s for k in cells)]
    print("| wl | server | target | measured | |")
    print("|---|---|---|---|---|")
    for s in servers:
        for row in check(cells, s):
            print(row)


if __name__ == "__main__":
    main(sys.argv[1])
