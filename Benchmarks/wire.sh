#!/usr/bin/env bash
# Latency against the wire: what each client reports beside what the server took, read from a
# packet capture of the same run (tcpdump on lo, 4 s from the 3rd second; Benchmarks/wire_latency.py
# pairs each request packet with the response packet that acknowledges it). The gap between a
# client's figure and the wire's is the client's own delay: time a response waited in its socket
# before the client read it. wrk -t1 and rampart interleaved on nginx `return 200`, loopback.
#
#   Benchmarks/wire.sh [CONNS...]                 default: 50 1000
#   BENCH_REPS=3 BENCH_ONE_LOOP=1 Benchmarks/wire.sh 1000   # also rampart --loops 1 ("ours1")
#
# Needs tcpdump and root (installed with apt-get when missing). The capture costs CPU on the box
# the clients and nginx share: compare each client with its own wire figures, not across runs.
source "$(dirname "$0")/common.sh"
reps="${BENCH_REPS:-3}"
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(50 1000)
url=http://127.0.0.1:18080/200
if ! command -v tcpdump > /dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump > /dev/null
fi

# Captures the data packets of port 18080 from the 3rd to the 7th second of a 10 s run.
capture() {
  sleep 3
  timeout 4 tcpdump -i lo -s 96 -B 262144 -w "$out/$1.pcap" 'tcp port 18080 and tcp[13] & 8 != 0' \
    2> "$out/$1.tcpdump" || true
}

# Appends "LABEL tool p50 p99 mean" and "LABEL wire p50 p99 mean" to the runs file.
record() {
  local label=$1 p50=$2 p99=$3 mean=$4
  read -r pairs wp50 wp99 wmean < <(python3 "$repo/Benchmarks/wire_latency.py" "$out/$label.pcap" 18080)
  echo "$label tool $p50 $p99 $mean" >> "$out/runs"
  echo "$label wire $wp50 $wp99 $wmean" >> "$out/runs"
  printf '  %-6s reported p50 %8.3f  p99 %8.3f  mean %8.3f | wire p50 %8.3f  p99 %8.3f  mean %8.3f ms (%s pairs, %s)\n' \
    "$label" "$p50" "$p99" "$mean" "$wp50" "$wp99" "$wmean" "$pairs" "$(grep -o '[0-9]* packets dropped by kernel' "$out/$label.tcpdump")"
  rm -f "$out/$label.pcap"
}

run_ours() {
  local label=$1
  shift
  capture "$label" &
  "$rampart" run "$url" --vusers "$c" --duration 10s --no-tui --json --quiet --out "$out" "$@" > "$out/summary.json"
  wait
  record "$label" $(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["p50_ms"], s["p99_ms"], s["mtt_ms"])' "$out/summary.json")
}

for c in "${conns[@]}"; do
  echo "== $c connections, 10s, $reps reps"
  : > "$out/runs"
  for rep in $(seq 1 "$reps"); do
    echo " rep $rep"
    capture wrk1 &
    wrk -t1 -c"$c" -d10s --latency "$url" > "$out/wrk.txt"
    wait
    read -r _ p50 p99 mean < <(python3 "$repo/Benchmarks/wrk_figures.py" "$out/wrk.txt")
    record wrk1 "$p50" "$p99" "$mean"
    run_ours ours
    if [ "${BENCH_ONE_LOOP:-0}" = 1 ]; then run_ours ours1 --loops 1; fi
  done
  python3 - "$out/runs" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, kind, *values = line.split()
    rows.setdefault((label, kind), []).append([float(v) for v in values])
print("medians   reported p50 / p99 / mean      wire p50 / p99 / mean    reported/wire p50, p99, mean")
for label in dict.fromkeys(label for label, _ in rows):
    tool = [statistics.median(col) for col in zip(*rows[(label, "tool")])]
    wire = [statistics.median(col) for col in zip(*rows[(label, "wire")])]
    print("%-6s %8.3f %8.3f %8.3f   %8.3f %8.3f %8.3f    %5.2fx %5.2fx %5.2fx" % (
        label, *tool, *wire, *(t / w for t, w in zip(tool, wire))))
PY
done
