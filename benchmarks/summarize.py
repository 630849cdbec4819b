#!/usr/bin/env python3
"""Prints Markdown tables from one or more JMH JSON results (java -jar benchmarks.jar -rf json -rff FILE).

Per benchmark and executor: JMH's score ± error (99.9 % CI) of the first file, the median of the measured iterations
of every file, and the ratio to the stock pool: in each file median(executor) vs median(stock), turned so that > 1
always means "better than stock" (more ops/s, or less time per batch); with several files, the median of those ratios.

Usage: python3 benchmarks/summarize.py /tmp/bench.json [/tmp/bench-2.json ...]
"""
import json
import statistics
import sys


def load(path):
    """{benchmark class: {executor: (mode, score, error, unit, median of iterations)}}, in file order."""
    with open(path) as f:
        results = json.load(f)
    out = {}
    for r in results:
        name = ".".join(r["benchmark"].rsplit(".", 2)[-2:])
        executor = r.get("params", {}).get("executor", "-")
        m = r["primaryMetric"]
        iterations = [v for fork in m["rawData"] for v in fork]
        out.setdefault(name, {})[executor] = (r["mode"], m["score"], m["scoreError"], m["scoreUnit"],
                                              statistics.median(iterations))
    return out


def ratio(mode, median, stock_median):
    return median / stock_median if mode == "thrpt" else stock_median / median


def main(paths):
    runs = [load(p) for p in paths]
    first = runs[0]
    for name, executors in first.items():
        print(f"\n### {name}\n")
        medians_header = " / ".join(f"run {i + 1}" for i in range(len(runs)))
        print(f"| executor | score ± error (run 1) | median of iterations ({medians_header}) | unit "
              f"| vs stock (>1 = better) |")
        print("|---|---|---|---|---|")
        for executor, (mode, score, err, unit, _) in executors.items():
            medians = [run.get(name, {}).get(executor, (None,) * 5)[4] for run in runs]
            ratios = []
            for run in runs:
                e, s = run.get(name, {}).get(executor), run.get(name, {}).get("stock")
                if e and s:
                    ratios.append(ratio(mode, e[4], s[4]))
            r = f"{statistics.median(ratios):.2f}" if ratios else "-"
            if len(ratios) > 1:
                r += f" ({min(ratios):.2f}–{max(ratios):.2f})"
            med = " / ".join("-" if m is None else f"{m:.1f}" for m in medians)
            print(f"| {executor} | {score:.1f} ± {err:.1f} | {med} | {unit} | {r} |")


if __name__ == "__main__":
    main(sys.argv[1:] or ["/tmp/bench.json"])
