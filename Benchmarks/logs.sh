#!/usr/bin/env bash
# FAULTS LOG-07: a high log rate must not disturb the load. The same ~2000 req/s run against
# nginx `return 200` on loopback (20 vusers, 9 ms think time), headless, without and with
# `--log FILE` while Benchmarks/logwriter.py appends LINES_PER_S lines a second for SECONDS
# seconds holding exactly ERRORS error lines; interleaved repetitions. Prints each run's
# requests/s (--json `tps`), the log_errors total (summary and series.jsonl), rampart's peak RSS
# and CPU time (/usr/bin/time), then the ratio of medians and the follower's memory and CPU cost.
#
#   Benchmarks/logs.sh [SECONDS] [REPS] [LINES_PER_S] [ERRORS]      default: 60 3 50000 1000
#   BENCH_VUSERS=20 BENCH_THINK=9ms BENCH_URL=http://127.0.0.1:18080/200 Benchmarks/logs.sh 15 1
#   BENCH_CONTROL=1 Benchmarks/logs.sh     adds a third arm: the writer runs, rampart has no --log
#                                           (tells the follower's cost from the writer's on 2 cores)
#
# rampart runs SECONDS + 3 s in both arms: the writer starts once rampart follows the file (lines
# already there would be shown as history and never counted) and ends 1-2 s before the plan does.
source "$(dirname "$0")/common.sh"
secs="${1:-${BENCH_SECS:-60}}"
reps="${2:-${BENCH_REPS:-3}}"
rate="${3:-${BENCH_LOG_RATE:-50000}}"
errors="${4:-${BENCH_LOG_ERRORS:-1000}}"
vusers="${BENCH_VUSERS:-20}"
think="${BENCH_THINK:-9ms}"
url="${BENCH_URL:-http://127.0.0.1:18080/200}"
run_secs=$((secs + 3))
writer="$repo/Benchmarks/logwriter.py"
pids=()
cleanup_hooks+=('for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done')

# One run: ARM (plain|logs|writer) REP. Leaves $out/ARM-REP.{json,time,stderr,writer} behind.
run_once() {
  local arm=$1 rep=$2 base="$out/$1-$2" args=() pid wpid
  [ "$arm" = plain ] || : > "$out/app.log"
  [ "$arm" = logs ] && args=(--log "$out/app.log")
  /usr/bin/time -f '%M %U %S' -o "$base.time" "$rampart" run "$url" --vusers "$vusers" --think "$think" \
    --duration "${run_secs}s" --no-tui --json --out "$out/runs-$arm-$rep" "${args[@]}" \
    > "$base.json" 2> "$base.stderr" &
  pid=$!
  pids+=("$pid")
  if [ "$arm" != plain ]; then
    # The start line is printed once the log thread runs; its first poll follows at once.
    for _ in $(seq 1 100); do grep -q 'run dir' "$base.stderr" && break; sleep 0.1; done
    sleep 0.3
    python3 "$writer" "$out/app.log" --rate "$rate" --seconds "$secs" --errors "$errors" > "$base.writer" &
    wpid=$!
    pids+=("$wpid")
    wait "$wpid" || echo "logwriter failed" >&2
  fi
  wait "$pid" || echo "rampart ($arm, rep $rep) exited with $?" >&2
  pids=()
  rm -f "$out/app.log"
}

# Prints one line for a run and appends "arm tps log_errors series_errors rss_kb cpu_s" to $out/table.
report() {
  python3 - "$1" "$2" "$out" <<'PY' | tee -a "$out/table.txt"
import glob, json, sys
arm, rep, out = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"{out}/{arm}-{rep}"
s = json.load(open(base + ".json"))
rss, user, system = open(base + ".time").read().split()[-3:]
cpu = float(user) + float(system)
log_total = sum((s.get("log_errors") or {}).values())
series = 0
for path in glob.glob(f"{out}/runs-{arm}-{rep}/*/series.jsonl"):
    for line in open(path):
        series += sum((json.loads(line).get("log_errors") or {}).values())
writer = ""
if arm != "plain":
    w = json.load(open(base + ".writer"))
    writer = f"  writer {w['lines']} lines ({w['errors']} errors) in {w['seconds']}s = {w['rate']}/s"
print(f"rep {rep} {arm:5} tps {s['tps']:8.1f}  p99 {s['p99_ms']:6.2f}ms  errors {s['errors']}  "
      f"log_errors {log_total} (series {series}) {s.get('log_errors') or ''}  "
      f"peak RSS {int(rss) / 1024:.1f} MB  cpu {cpu:.2f}s{writer}")
open(out + "/table", "a").write(f"{arm} {s['tps']} {log_total} {series} {rss} {cpu}\n")
PY
}

echo "== LOG-07: $url, $vusers vusers, think $think, ${run_secs}s runs; writer $rate lines/s for ${secs}s" \
  "with $errors errors; $reps reps"
for rep in $(seq 1 "$reps"); do
  run_once plain "$rep"
  report plain "$rep"
  run_once logs "$rep"
  report logs "$rep"
  if [ "${BENCH_CONTROL:-0}" = 1 ]; then
    run_once writer "$rep"
    report writer "$rep"
  fi
done
python3 - "$out/table" "$errors" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
expected = int(sys.argv[2])
def col(arm, i): return [float(r[i]) for r in rows if r[0] == arm]
plain, logs = col("plain", 1), col("logs", 1)
ratio = statistics.median(logs) / statistics.median(plain)
totals, series = [int(x) for x in col("logs", 2)], [int(x) for x in col("logs", 3)]
rss_plain, rss_logs = statistics.median(col("plain", 4)) / 1024, statistics.median(col("logs", 4)) / 1024
cpu_plain, cpu_logs = statistics.median(col("plain", 5)), statistics.median(col("logs", 5))
print(f"median tps without logs {statistics.median(plain):.1f}, with logs {statistics.median(logs):.1f}: "
      f"ratio {ratio:.4f} ({(ratio - 1) * 100:+.2f}%; LOG-07 asks within +-2%)")
if col("writer", 1):
    control = statistics.median(col("writer", 1))
    print(f"control (writer running, no --log) {control:.1f}: with logs / control "
          f"{statistics.median(logs) / control:.4f}")
print(f"log_errors per run {totals} (series.jsonl {series}); expected {expected} each: "
      + ("exact" if all(t == expected for t in totals) else "MISMATCH"))
print(f"median peak RSS without logs {rss_plain:.1f} MB, with logs {rss_logs:.1f} MB: follower "
      f"{rss_logs - rss_plain:+.1f} MB (LOG-07 asks <= 64 MiB); median CPU {cpu_plain:.2f}s vs {cpu_logs:.2f}s")
PY
