#!/usr/bin/env bash
# Latency beside wrk -t1 (issue 2, bar 4): nginx `return 200` over loopback, the same connection
# count, runs interleaved; prints each run, then medians of requests/s, p50, p99 and mean, the
# ratios ours/wrk, and the closed-loop check mean <= connections / throughput for both tools.
# wrk -t1 because two-thread wrk reports impossible latencies on 2 cores.
#
#   Benchmarks/latency.sh [CONNS...]        default: 50 1000
#   BENCH_REPS=5 BENCH_SECS=10 Benchmarks/latency.sh 50
#   BENCH_ARGS='--loops 1' Benchmarks/latency.sh 50     # rampart in wrk -t1's shape: one thread
source "$(dirname "$0")/common.sh"
reps="${BENCH_REPS:-5}"
read -r -a extra <<< "${BENCH_ARGS:-}"
secs="${BENCH_SECS:-10}"
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(50 1000)
url=http://127.0.0.1:18080/200

for c in "${conns[@]}"; do
  echo "== $c connections, ${secs}s, $reps reps${BENCH_ARGS:+, rampart $BENCH_ARGS}"
  : > "$out/runs"
  for rep in $(seq 1 "$reps"); do
    wrk -t1 -c"$c" -d"${secs}s" --latency "$url" > "$out/wrk.txt"
    python3 - "$out/wrk.txt" >> "$out/runs" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(s):
    v, unit = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
mean = ms(re.search(r"Latency\s+(\S+)", text).group(1))
p50 = ms(re.search(r"\n\s+50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\n\s+99%\s+(\S+)", text).group(1))
print("wrk1 %.0f %.3f %.3f %.3f" % (rps, p50, p99, mean))
PY
    "$rampart" run "$url" --vusers "$c" --duration "${secs}s" --no-tui --json --quiet \
      --out "$out" ${extra[@]+"${extra[@]}"} > "$out/summary.json"
    python3 - "$out/summary.json" >> "$out/runs" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("ours %.0f %.3f %.3f %.3f" % (s["tps"], s["p50_ms"], s["p99_ms"], s["mtt_ms"]))
PY
    tail -2 "$out/runs" | sed "s/^/  rep $rep: /"
  done
  python3 - "$out/runs" "$c" <<'PY'
import statistics, sys
runs, conns = {}, int(sys.argv[2])
for line in open(sys.argv[1]):
    tool, *values = line.split()
    runs.setdefault(tool, []).append([float(v) for v in values])
med = {t: [statistics.median(col) for col in zip(*rows)] for t, rows in runs.items()}
print("%-5s %9s %9s %9s %9s %12s" % ("tool", "rps", "p50_ms", "p99_ms", "mean_ms", "conns/rps_ms"))
for tool in ("wrk1", "ours"):
    rps, p50, p99, mean = med[tool]
    bound = conns / rps * 1000
    print("%-5s %9.0f %9.3f %9.3f %9.3f %12.3f  mean<=bound: %s" % (tool, rps, p50, p99, mean, bound, mean <= bound))
w, o = med["wrk1"], med["ours"]
print("ours/wrk1 medians: rps %.2f  p50 %.2f  p99 %.2f  mean %.2f" % (o[0] / w[0], o[1] / w[1], o[2] / w[2], o[3] / w[3]))
PY
done
