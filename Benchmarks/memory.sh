#!/usr/bin/env bash
# Peak resident memory of rampart (release build) holding N vusers against nginx `return 200`
# for 10 s. Prints vusers, requests/s and max RSS in MB for each N.
#
#   Benchmarks/memory.sh [N...]       default: 1000 10000
source "$(dirname "$0")/common.sh"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000)

for n in "${counts[@]}"; do
  /usr/bin/time -f '%M' -o "$out/rss" "$rampart" run http://127.0.0.1:18080/200 \
    --vusers "$n" --duration 10s --no-tui --json --quiet --out "$out" > "$out/summary.json"
  python3 - "$n" "$out/summary.json" "$out/rss" <<'PY'
import json, sys
n, summary, rss = sys.argv[1], json.load(open(sys.argv[2])), int(open(sys.argv[3]).read().split()[-1])
print("vusers=%s rps=%.0f errors=%d max_rss_mb=%.1f" % (n, summary["tps"], summary["errors"], rss / 1024))
PY
done
