#!/usr/bin/env bash
# Side-by-side HTTP load on the demo app: G/M/P scheduler vs the stock worker pool (quarkus.goroutines.enabled=false).
# Usage: benchmarks/http/compare.sh JAR ROUNDS CONNS DURATION PATH
# GMP_OPTS (environment): extra JVM flags for the scheduler runs only, e.g. GMP_OPTS=-Dquarkus.goroutines.procs=4
set -euo pipefail
JAR=$1; ROUNDS=${2:-3}; CONNS=${3:-1000}; DUR=${4:-15s}; PATHQ=${5:-/demo/sleep?ms=50}
port=18080
run() { # mode
  local mode=$1 enabled=true
  [[ $mode == stock ]] && enabled=false
  java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=$port -Dquarkus.goroutines.enabled=$enabled \
       -Dquarkus.log.level=WARN ${GMP_OPTS:+$([[ $mode == gmp ]] && echo $GMP_OPTS)} -jar "$JAR" > /tmp/http-$mode.log 2>&1 &
  local pid=$!
  for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/demo/whoami" && break; sleep 0.2; done
  wrk -t2 -c$CONNS -d5s "http://127.0.0.1:$port$PATHQ" > /dev/null
  local peak=0
  ( while kill -0 $pid 2>/dev/null; do n=$(ls /proc/$pid/task 2>/dev/null | wc -l); echo $n; sleep 0.25; done ) > /tmp/threads-$mode.txt &
  local sampler=$!
  local t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  local out; out=$(wrk -t2 -c$CONNS -d$DUR --timeout 10s --latency "http://127.0.0.1:$port$PATHQ")
  local t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  kill $pid; wait $pid 2>/dev/null || true; kill $sampler 2>/dev/null || true
  peak=$(sort -n /tmp/threads-$mode.txt | tail -1)
  local rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  local p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  local p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  local reqs=$(echo "$out" | awk '/requests in/{print $1}')
  local errs=$(echo "$out" | awk '/Socket errors|Non-2xx/{print}' | tr '\n' ' ')
  local cpu_us=$(awk -v a=$t0 -v b=$t1 -v r=$reqs 'BEGIN{printf "%d", (b-a)*10000/r}')
  echo "$mode rps=$rps p50=$p50 p99=$p99 cpu_us_per_req=$cpu_us peak_threads=$peak $errs"
}
for r in $(seq 1 $ROUNDS); do run gmp; run stock; done
