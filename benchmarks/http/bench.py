#!/usr/bin/env python3
"""HTTP load, side by side: the demo app on the stock pool, on virtual threads, on the G/M/P scheduler (platform
and virtual mode), and a Go net/http server with the same handler.

Every server answers GET <path>?cpu=<µs>&io=<ms>[&pin=true]: cpu µs of fixed xorshift work, then an io ms wait
(Thread.sleep / time.Sleep; with pin=true a native nanosleep that holds its thread). Workloads, as (cpu µs, io ms,
connections): a (200, 0, 64), b (200, 5, 256), c (50, 50, 1000), d (1000, 1, 64), e (50, 50 pinned, 1000).

A cell is one server under one workload: a fresh server, a warm-up run of wrk (discarded), then the measured run
    wrk -t2 -c<conns> -d<duration> --timeout 10s --latency <url>
while the server's thread count is sampled every 0.25 s. rps counts successful responses only (wrk's rate times
the share that was not a non-2xx/3xx): a 503 from a server that sheds load is not throughput; rps_all is wrk's rate. Server CPU time comes from /proc/<pid>/stat (utime +
stime), peak RSS from VmHWM. Each workload runs ROUNDS rounds; in a round every server runs once (interleaved), so
slow drifts of the shared machine's load hit all servers alike. With --lock, the lock file is held per workload,
so that other users of the machine can run between workloads.

Output, in --out: http-<time>.csv (one row per run), http-<time>-summary.csv and .md (medians per cell, ratios
to the stock pool and to Go, the targets met or missed: targets.py), and http-<time>.png (req/s and p99 per workload and server) when matplotlib is there.

--smoke checks that everything still works in about 40 s: one server process per server for all workloads,
no warm-up, 16 connections, 1 s each, and fails unless every cell served requests without errors.

Usage:
    python3 benchmarks/http/bench.py                   # full run, results under benchmarks/results/<date>/
    python3 benchmarks/http/bench.py --smoke
    python3 benchmarks/http/bench.py --workloads c,e --servers stock,gmp,go --rounds 3 --warmup 5 --duration 15
"""
import argparse
import csv
import datetime
import fcntl
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_JAR = os.path.join(ROOT, "integration-tests", "target", "quarkus-app", "quarkus-run.jar")
GO_SRC = os.path.join(ROOT, "benchmarks", "go")
TARGET = os.path.join(ROOT, "benchmarks", "target")
CORES = os.cpu_count()
CLK_TCK = os.sysconf("SC_CLK_TCK")
PORT = 18180

# name: (cpu µs, io ms, pinned wait, connections)
WORKLOADS = {
    "a": (200, 0, False, 64),
    "b": (200, 5, False, 256),
    "c": (50, 50, False, 1000),
    "d": (1000, 1, False, 64),
    "e": (50, 50, True, 1000),
}
SERVERS = ["stock", "virtual", "gmp", "gmp-virtual", "go"]

FIELDS = ["time", "workload", "cpu_us", "io_ms", "pinned", "conns", "server", "round", "rps", "rps_all", "p50_ms",
          "p99_ms",
          "requests", "errors", "timeouts", "non2xx", "cpu_us_per_req", "server_cores", "peak_threads",
          "peak_rss_mib", "ceiling_rps", "pct_of_ceiling", "loadavg1", "warmup_s", "duration_s"]


def log(msg):
    print(f"[http-bench] {msg}", flush=True)


def ceiling(cpu_us, io_ms, conns):
    """min(CPU ceiling: cores ÷ CPU per request, Little's law: connections ÷ time per request)."""
    cpu_bound = CORES * 1e6 / cpu_us
    little = conns / ((io_ms + cpu_us / 1000.0) / 1000.0)
    return min(cpu_bound, little)


# ---------------------------------------------------------------------------------------------------------------
# Servers


class Server:
    """One server process: started fresh, ready once its handler answers, stopped with SIGTERM."""

    def __init__(self, name, args, go_binary, logdir):
        self.name = name
        self.path = "/demo/work-virtual" if name == "virtual" else "/demo/work"
        self.logfile = os.path.join(logdir, f"server-{name}.log")
        extra = args.variant.get(name)
        if extra is not None:
            name = "gmp"  # a variant: the gmp server with more JVM flags
        if name == "go":
            self.cmd = [go_binary, "-addr", f"127.0.0.1:{PORT}"]
        else:
            props = {"quarkus.http.host": "127.0.0.1", "quarkus.http.port": str(PORT)}
            if name in ("stock", "virtual"):
                # No scheduler at all: blocking methods run on Quarkus's own worker pool, as without the extension.
                props["quarkus.goroutines.enabled"] = "false"
            opens = []
            if name == "gmp":
                props["quarkus.goroutines.mode"] = "platform"
            if name == "gmp-virtual":
                props["quarkus.goroutines.mode"] = "virtual"
                opens = ["--add-opens", "java.base/java.lang=ALL-UNNAMED"]  # virtual threads on our scheduler
            self.cmd = ([args.java, "--enable-native-access=ALL-UNNAMED"] + opens
                        + [f"-D{k}={v}" for k, v in props.items()] + (extra or "").split() + ["-jar", args.jar])
        self.proc = None

    def url(self, cpu_us, io_ms, pinned):
        return f"http://127.0.0.1:{PORT}{self.path}?cpu={cpu_us}&io={io_ms}" + ("&pin=true" if pinned else "")

    def start(self):
        with open(self.logfile, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.logfile}")
            try:
                with urllib.request.urlopen(self.url(0, 0, False), timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within 60 s; see {self.logfile}")

    def log_text(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cpu_ticks(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0


def build_go():
    """Builds the Go peer into benchmarks/target; returns its path, or None (with a message) without Go."""
    if shutil.which("go") is None:
        log("SKIP server go: no 'go' command (Debian: apt-get install golang-go)")
        return None
    os.makedirs(TARGET, exist_ok=True)
    binary = os.path.join(TARGET, "go-server")
    subprocess.run(["go", "build", "-o", binary, "./server"], cwd=GO_SRC, check=True)
    return binary


# ---------------------------------------------------------------------------------------------------------------
# wrk


def wrk(url, conns, seconds, latency):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s"] + (["--latency"] if latency else [])
    return subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout


def to_ms(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    number, unit = float(m.group(1)), m.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out):
    def grab(pattern, default=0):
        m = re.search(pattern, out, re.MULTILINE)
        return m.groups() if m else default

    requests = int(grab(r"^\s*(\d+) requests in")[0])
    rps = float(grab(r"^Requests/sec:\s*([\d.]+)")[0])
    p50 = to_ms(grab(r"^\s*50%\s+(\S+)")[0]) if requests else None
    p99 = to_ms(grab(r"^\s*99%\s+(\S+)")[0]) if requests else None
    sock = grab(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", ("0", "0", "0", "0"))
    non2xx = int(grab(r"Non-2xx or 3xx responses: (\d+)", ("0",))[0])
    timeouts = int(sock[3])
    errors = sum(int(s) for s in sock) + non2xx
    # wrk counts every response; a refused request (503 while shedding) is not throughput: rps counts the others.
    served = rps * (requests - non2xx) / requests if requests else 0.0
    return dict(requests=requests, rps=round(served, 2), rps_all=rps, p50_ms=p50, p99_ms=p99, errors=errors,
                timeouts=timeouts, non2xx=non2xx)


# ---------------------------------------------------------------------------------------------------------------
# Cells


def measure(server, workload, rnd, warmup_s, duration_s):
    cpu_us, io_ms, pinned, conns = workload[1]
    url = server.url(cpu_us, io_ms, pinned)
    if warmup_s > 0:
        wrk(url, conns, warmup_s, latency=False)
    peak = [server.status("Threads")]
    done = threading.Event()

    def sample():
        while not done.wait(0.25):
            try:
                peak[0] = max(peak[0], server.status("Threads"))
            except OSError:
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with open("/proc/loadavg") as f:
        load1 = float(f.read().split()[0])
    t0, c0 = time.time(), server.cpu_ticks()
    r = parse_wrk(wrk(url, conns, duration_s, latency=True))
    t1, c1 = time.time(), server.cpu_ticks()
    done.set()
    sampler.join()
    cpu_s = (c1 - c0) / CLK_TCK
    ceil = ceiling(cpu_us, io_ms, conns)
    row = dict(time=datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"), workload=workload[0],
               cpu_us=cpu_us, io_ms=io_ms, pinned=pinned, conns=conns, server=server.name, round=rnd,
               cpu_us_per_req=round(cpu_s * 1e6 / r["requests"]) if r["requests"] else None,
               server_cores=round(cpu_s / (t1 - t0), 2), peak_threads=peak[0],
               peak_rss_mib=round(server.status("VmHWM") / 1024), ceiling_rps=round(ceil),
               pct_of_ceiling=round(100 * r["rps"] / ceil, 1), loadavg1=load1, warmup_s=warmup_s,
               duration_s=duration_s, **r)
    log(f"{workload[0]} {server.name:12} round {rnd}: {r['rps']:9.0f} req/s  p50 {r['p50_ms']} ms  "
        f"p99 {r['p99_ms']} ms  errors {r['errors']}  CPU {row['cpu_us_per_req']} µs/req  "
        f"threads {row['peak_threads']}  load {load1}")
    return row


class Run:
    def __init__(self, args):
        self.args = args
        self.stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%H%M")
        os.makedirs(args.out, exist_ok=True)
        self.csv_path = os.path.join(args.out, f"http-{self.stamp}.csv")
        self.rows = []
        self.skipped = set()

    def record(self, row):
        new = not os.path.exists(self.csv_path)
        with open(self.csv_path, "a", newline="") as f:
            w = csv.DictWriter(f, FIELDS)
            if new:
                w.writeheader()
            w.writerow(row)
        self.rows.append(row)

    def check_mode(self, server):
        """The virtual-mode server must really run in that mode; a jar without it is skipped, not mislabelled."""
        if server.name == "gmp-virtual" and not re.search(r"Goroutines: .*mode=virtual", server.log_text()):
            self.skipped.add(server.name)
            log("SKIP server gmp-virtual: the jar did not start in quarkus.goroutines.mode=virtual "
                f"(no 'Goroutines: mode=virtual' in {server.logfile})")
            return False
        return True

    def cell(self, server, workloads, rnd, warmup_s, duration_s):
        """Starts server, runs the workloads on it, stops it."""
        server.start()
        try:
            if not self.check_mode(server):
                return
            for wl in workloads:
                self.record(measure(server, wl, rnd, warmup_s, duration_s))
        finally:
            server.stop()


def locked(path):
    """A context manager that holds an exclusive flock on path (or nothing when path is empty)."""

    class Lock:
        def __enter__(self):
            if path:
                self.f = open(path, "a")
                fcntl.flock(self.f, fcntl.LOCK_EX)

        def __exit__(self, *exc):
            if path:
                fcntl.flock(self.f, fcntl.LOCK_UN)
                self.f.close()

    return Lock()


# ---------------------------------------------------------------------------------------------------------------
# Summary


def summarize(rows):
    """Medians per (workload, server) with ratios to stock and go."""
    cells = {}
    for r in rows:
        cells.setdefault((r["workload"], r["server"]), []).append(r)
    out = []
    for (wl, server), rs in cells.items():
        def med(key):
            vals = [float(r[key]) for r in rs if r[key] not in (None, "")]
            return statistics.median(vals) if vals else None

        out.append(dict(workload=wl, server=server, runs=len(rs), rps=med("rps"),
                        rps_min=min(float(r["rps"]) for r in rs), rps_max=max(float(r["rps"]) for r in rs),
                        p50_ms=med("p50_ms"), p99_ms=med("p99_ms"), errors=sum(int(r["errors"]) for r in rs),
                        cpu_us_per_req=med("cpu_us_per_req"), server_cores=med("server_cores"),
                        peak_threads=max(int(r["peak_threads"]) for r in rs),
                        peak_rss_mib=max(int(r["peak_rss_mib"]) for r in rs),
                        ceiling_rps=rs[0]["ceiling_rps"], pct_of_ceiling=med("pct_of_ceiling"),
                        loadavg1=med("loadavg1")))
    by = {(s["workload"], s["server"]): s for s in out}
    for s in out:
        for ref in ("stock", "go"):
            base = by.get((s["workload"], ref))
            s[f"rps_vs_{ref}"] = round(s["rps"] / base["rps"], 2) if base and base["rps"] else None
    order = {n: i for i, n in enumerate(SERVERS)}
    out.sort(key=lambda s: (s["workload"], order.get(s["server"], 2.5)))  # variants of gmp come after it
    return out


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def markdown(summary):
    lines = ["| wl | server | req/s median (min–max) | vs stock | vs Go | % of ceiling | p50 ms | p99 ms | errors "
             "| CPU µs/req | server cores | peak threads | peak RSS MiB | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in summary:
        lines.append(f"| {s['workload']} | {s['server']} | {fmt(s['rps'])} ({fmt(s['rps_min'])}–{fmt(s['rps_max'])}) "
                     f"| {fmt(s['rps_vs_stock'], 2)} | {fmt(s['rps_vs_go'], 2)} | {fmt(s['pct_of_ceiling'], 1)} "
                     f"| {fmt(s['p50_ms'], 1)} | {fmt(s['p99_ms'], 1)} | {s['errors']} | {fmt(s['cpu_us_per_req'])} "
                     f"| {fmt(s['server_cores'], 2)} | {s['peak_threads']} | {s['peak_rss_mib']} "
                     f"| {fmt(s['loadavg1'], 1)} |")
    return "\n".join(lines) + "\n"


def write_summary(run):
    summary = summarize(run.rows)
    base = run.csv_path[:-len(".csv")]
    with open(base + "-summary.csv", "w", newline="") as f:
        w = csv.DictWriter(f, list(summary[0].keys()))
        w.writeheader()
        w.writerows(summary)
    here = os.path.dirname(os.path.abspath(__file__))
    md = markdown(summary)
    targets = subprocess.run([sys.executable, os.path.join(here, "targets.py"), base + "-summary.csv"],
                             capture_output=True, text=True, check=True).stdout
    md += "\nTargets (docs/benchmarks.md):\n\n" + targets
    with open(base + "-summary.md", "w") as f:
        f.write(md)
    print(md)
    chart = os.path.join(here, "chart.py")
    python = sys.executable
    if subprocess.run([python, "-c", "import matplotlib"], capture_output=True).returncode != 0:
        python = "/usr/bin/python3"  # Debian's python3-matplotlib lives there, not in other interpreters
    rc = subprocess.run([python, chart, base + "-summary.csv", base + ".png"]).returncode
    if rc != 0:
        log("chart not drawn (needs matplotlib: apt-get install python3-matplotlib)")
    return summary


# ---------------------------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default=DEFAULT_JAR)
    p.add_argument("--java", default="java", help="the java command for the demo jar (JDK 22+ for workload e)")
    p.add_argument("--build", action="store_true", help="rebuild the demo jar first (it is built when missing)")
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--servers", default=",".join(SERVERS))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=5, help="seconds")
    p.add_argument("--duration", type=int, default=15, help="seconds")
    p.add_argument("--out", default=None)
    p.add_argument("--variant", action="append", default=[], metavar="NAME=FLAGS",
                   help="one more server: the gmp server with these JVM flags, e.g. "
                        "gmp-t400=-Dquarkus.goroutines.blocking-detection.threshold=PT0.0004S (name it in --servers)")
    p.add_argument("--lock", default="/tmp/gmp-test.lock", help="held per workload in full runs; '' for none")
    args = p.parse_args()
    args.variant = dict(v.split("=", 1) for v in args.variant)
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    if args.build or not os.path.exists(args.jar):
        if args.jar != DEFAULT_JAR:
            sys.exit(f"{args.jar} not found")
        log("building the demo jar")
        subprocess.run(["bash", "-c", ". .ci/find-jdk.sh && ./mvnw -B -ntp -q package -pl integration-tests -am "
                        "-DskipTests -DskipITs"], cwd=ROOT, check=True)
    if args.out is None:
        day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        args.out = os.path.join(TARGET, "http-smoke") if args.smoke else os.path.join(ROOT, "benchmarks", "results", day)
    go_binary = build_go()
    names = [s for s in args.servers.split(",") if s]
    if go_binary is None and "go" in names:
        names.remove("go")
    workloads = [(w, WORKLOADS[w]) for w in args.workloads.split(",")]
    run = Run(args)
    logdir = os.path.join(TARGET, "http-logs")
    os.makedirs(logdir, exist_ok=True)
    log(f"{len(workloads)} workloads × {len(names)} servers, {CORES} cores, java: "
        + subprocess.run([args.java, "-version"], capture_output=True, text=True).stderr.splitlines()[0])
    if args.smoke:
        small = [(w, (cpu, io, pin, 16)) for w, (cpu, io, pin, _) in workloads]
        for name in names:
            run.cell(Server(name, args, go_binary, logdir), small, 1, 0, 1)
        bad = [r for r in run.rows if r["requests"] == 0 or r["errors"] > 0]
        write_summary(run)
        if bad:
            sys.exit(f"smoke run failed: {len(bad)} cells without requests or with errors: {bad}")
        log(f"smoke run passed: {len(run.rows)} cells, skipped {sorted(run.skipped) or 'none'}")
        return
    for wl in workloads:
        with locked(args.lock):
            for rnd in range(1, args.rounds + 1):
                for name in names:
                    if name not in run.skipped:
                        run.cell(Server(name, args, go_binary, logdir), [wl], rnd, args.warmup, args.duration)
    write_summary(run)
    log(f"results: {run.csv_path} (+ -summary.csv, -summary.md, .png)")


if __name__ == "__main__":
    main()
