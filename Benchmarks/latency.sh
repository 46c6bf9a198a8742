#!/usr/bin/env bash
# Latency beside wrk -t1 (issue 2, bar 4): nginx `return 200` over loopback, the same connection
# count, runs interleaved; prints each run, then medians of requests/s, p50, p99 and mean, the
# ratios ours/wrk, and the closed-loop check mean <= connections / throughput for both tools.
# wrk's printed latencies include its coordinated-omission correction (synthetic samples), so
# rampart's are shown twice: as measured ("ours") and with wrk's correction applied to the run's
# latency.json ("oursc"), the like-for-like comparison.
# wrk -t1 because two-thread wrk reports impossible latencies on 2 cores.
#
#   Benchmarks/latency.sh [CONNS...]        default: 50 1000
#   BENCH_REPS=5 BENCH_SECS=10 Benchmarks/latency.sh 50
#   BENCH_ARGS='--loops 1' Benchmarks/latency.sh 50     # rampart in wrk -t1's shape: one thread
#   BENCH_SPLIT_CPUS=1 Benchmarks/latency.sh 50 1000      # nginx on the last CPU, each client on the rest
#   BENCH_ONE_LOOP=1 Benchmarks/latency.sh 1000          # also rampart --loops 1 ("ours1") in every rep
#
# BENCH_SPLIT_CPUS=1 gives the target its own core and each client the others (both through
# taskset; rampart then counts one usable CPU and runs one loop, wrk -t1's shape), so neither
# client takes cycles from the server and the comparison is about the clients. nginx's affinity
# is put back at exit.
source "$(dirname "$0")/common.sh"
reps="${BENCH_REPS:-5}"
read -r -a extra <<< "${BENCH_ARGS:-}"
secs="${BENCH_SECS:-10}"
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(50 1000)
url=http://127.0.0.1:18080/200
client=()
if [ "${BENCH_SPLIT_CPUS:-0}" = 1 ]; then
  cpus=$(nproc)
  [ "$cpus" -ge 2 ] || { echo "BENCH_SPLIT_CPUS needs 2 or more CPUs" >&2; exit 2; }
  target_cpu=$((cpus - 1))
  client=(taskset -c "0-$((target_cpu - 1))")
  server_pids=$("$bench/targets.sh" pids)
  for pid in $server_pids; do taskset -p -c "$target_cpu" "$pid" > /dev/null; done
  cleanup_hooks+=("for pid in $(echo $server_pids); do taskset -p -c 0-$target_cpu \$pid > /dev/null 2>&1 || true; done")
  echo "target (nginx) on CPU $target_cpu, clients on CPU 0-$((target_cpu - 1))"
fi

# One rampart run, rows LABEL (as measured) and LABELc (with wrk's correction); extra args follow.
run_ours() {
  local label=$1
  shift
  ${client[@]+"${client[@]}"} "$rampart" run "$url" --vusers "$c" --duration "${secs}s" --no-tui --json --quiet \
    --out "$out" "$@" > "$out/summary.json"
  python3 - "$out/summary.json" "$c" "$label" >> "$out/runs" <<'PY'
import json, os, sys
s, conns, label = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
print("%s %.0f %.3f %.3f %.3f" % (label, s["tps"], s["p50_ms"], s["p99_ms"], s["mtt_ms"]))
# wrk does not print what it measured: after the run it adds, for every latency n of at least
# twice the expected interval (runtime / (requests / connections)), one more sample at each of
# n - interval, n - 2*interval, ... above the interval (coordinated-omission correction, wrk.c
# and stats.c). The same correction applied to rampart's whole-run histogram compares like with
# like.
hist = json.load(open(os.path.join(s["run_dir"], "latency.json")))
data = {}
for value, count in hist["buckets"]:
    data[value] = data.get(value, 0) + count
interval = int(s["duration_s"] * 1e6) // max(1, s["requests"] // conns)
for n in sorted(data):
    if n < 2 * interval:
        continue
    m = n - interval
    while m > interval:
        data[m] = data.get(m, 0) + data[n]
        m -= interval
total = sum(data.values())
def pct(p):  # wrk's stats_percentile
    rank, seen = round(p / 100 * total + 0.5), 0
    for v in sorted(data):
        seen += data[v]
        if seen >= rank:
            return v / 1000
mean = sum(v * c for v, c in data.items()) / total / 1000
print("%sc %.0f %.3f %.3f %.3f" % (label, s["tps"], pct(50), pct(99), mean))
PY
}

rows=3
[ "${BENCH_ONE_LOOP:-0}" = 1 ] && rows=5
for c in "${conns[@]}"; do
  echo "== $c connections, ${secs}s, $reps reps${BENCH_ARGS:+, rampart $BENCH_ARGS}"
  : > "$out/runs"
  for rep in $(seq 1 "$reps"); do
    ${client[@]+"${client[@]}"} wrk -t1 -c"$c" -d"${secs}s" --latency "$url" > "$out/wrk.txt"
    echo "wrk1 $(python3 "$repo/Benchmarks/wrk_figures.py" "$out/wrk.txt")" >> "$out/runs"
    run_ours ours ${extra[@]+"${extra[@]}"}
    [ "${BENCH_ONE_LOOP:-0}" = 1 ] && run_ours ours1 ${extra[@]+"${extra[@]}"} --loops 1
    tail -n "$rows" "$out/runs" | sed "s/^/  rep $rep: /"
  done
  python3 - "$out/runs" "$c" <<'PY'
import statistics, sys
runs, conns = {}, int(sys.argv[2])
for line in open(sys.argv[1]):
    tool, *values = line.split()
    runs.setdefault(tool, []).append([float(v) for v in values])
med = {t: [statistics.median(col) for col in zip(*rows)] for t, rows in runs.items()}
# conns/rps is a connection's whole cycle (Little's law); what the mean leaves of it is the time
# a freed connection spends in the client before its next request goes out.
print("%-6s %9s %9s %9s %9s %12s %13s" % ("tool", "rps", "p50_ms", "p99_ms", "mean_ms", "conns/rps_ms", "client_gap_ms"))
tools = [t for t in ("wrk1", "ours", "oursc", "ours1", "ours1c") if t in med]
for tool in tools:
    rps, p50, p99, mean = med[tool]
    bound = conns / rps * 1000
    print("%-6s %9.0f %9.3f %9.3f %9.3f %12.3f %13.3f  mean<=bound: %s" % (
        tool, rps, p50, p99, mean, bound, bound - mean, mean <= bound))
w = med["wrk1"]
for tool in tools[1:]:
    o = med[tool]
    label = ("one loop, " if tool.startswith("ours1") else "") + (
        "with wrk's correction" if tool.endswith("c") else "measured")
    print("%s/wrk1 medians, %s: rps %.2f  p50 %.2f  p99 %.2f  mean %.2f" % (
        tool.rstrip("c"), label, o[0] / w[0], o[1] / w[1], o[2] / w[2], o[3] / w[3]))
PY
done
