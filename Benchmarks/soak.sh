#!/usr/bin/env bash
# FAULTS DUR-05 soak: about 1000 requests/s (20 vusers, 20 ms think time) against nginx for
# MINUTES (default 60), sampling rampart's RSS once a minute. Passes when the RSS at the end is
# within 20 MiB of the RSS at 5 minutes (or at the first sample for shorter soaks) and the journal
# stays under 3 KiB per second.
#
#   Benchmarks/soak.sh [MINUTES]
source "$(dirname "$0")/common.sh"
minutes="${1:-60}"

"$rampart" run http://127.0.0.1:18080/200 --vusers 20 --think 20ms \
  --duration "${minutes}m" --no-tui --json --quiet --out "$out" > "$out/summary.json" &
pid=$!
cleanup_hooks+=('[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true')
for ((m = 1; m <= minutes; m++)); do
  sleep 60
  rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  echo "minute $m rss_kb=$rss"
done
wait "$pid"
pid=""
python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
summary = json.load(open(os.path.join(out, "summary.json")))
series = glob.glob(os.path.join(out, "*", "series.jsonl"))[0]
rows = sum(1 for _ in open(series))
print("requests=%d tps=%.0f errors=%d journal_bytes_per_s=%.0f p50_ms=%.3f p99_ms=%.3f" % (
    summary["requests"], summary["tps"], summary["errors"], os.path.getsize(series) / max(1, rows),
    summary["p50_ms"], summary["p99_ms"]))
PY
