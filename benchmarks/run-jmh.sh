#!/usr/bin/env bash
# Full JMH run of every benchmark, then the Go programs that mirror the channel benchmarks (when there are any).
# Usage: benchmarks/run-jmh.sh [JMH options, e.g. -wi 1 -i 3 TinyTasks]
# Writes benchmarks/results/<UTC date>/jmh-<HHMM>.json (JMH), handoff-<HHMM>.csv (hand-off latency percentiles)
# and prints the Markdown tables of benchmarks/summarize.py. Takes the benchmark lock of the shared machine while
# it measures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. .ci/find-jdk.sh
./mvnw -B -ntp -q package -pl benchmarks -am -DskipTests -DskipITs
out="benchmarks/results/$(date -u +%F)"
stamp=$(date -u +%H%M)
mkdir -p "$out"
echo "executor,samples,p50_us,p90_us,p99_us,max_us" > "$out/handoff-$stamp.csv"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
flock /tmp/gmp-test.lock java -jar benchmarks/target/benchmarks.jar -rf json -rff "$out/jmh-$stamp.json" \
    -jvmArgsAppend "--add-opens=java.base/java.lang=ALL-UNNAMED -Dhandoff.csv=$PWD/$out/handoff-$stamp.csv" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 benchmarks/summarize.py "$out/jmh-$stamp.json"
echo
echo "Hand-off latency (µs):"
column -s, -t "$out/handoff-$stamp.csv"
if ls benchmarks/go/chan >/dev/null 2>&1; then
  if command -v go >/dev/null; then
    (cd benchmarks/go && go build -o ../target/go-chan ./chan)
    flock /tmp/gmp-test.lock benchmarks/target/go-chan | tee "$out/go-chan-$stamp.txt"
  else
    echo "SKIP Go channel programs: no 'go' command (Debian: apt-get install golang-go)"
  fi
fi
echo "results: $out/jmh-$stamp.json, $out/handoff-$stamp.csv"
