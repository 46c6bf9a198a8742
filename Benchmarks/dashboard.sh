#!/usr/bin/env bash
# The dashboard's cost: the same run with the dashboard (in a 200x60 tmux pane, so stdout is a
# real terminal) and headless, interleaved, against nginx `return 200` on loopback; prints each
# run's requests/s from its summary.json and the ratio of medians. Then the frame benchmark.
#
#   Benchmarks/dashboard.sh [VUSERS] [SECONDS] [REPS]      default: 50 10 3
source "$(dirname "$0")/common.sh"
vusers="${1:-50}"
secs="${2:-10}"
reps="${3:-3}"
url=http://127.0.0.1:18080/200
sock="rampart-bench-$$"
tmux_cmd=(tmux -L "$sock" -f /dev/null)
cleanup_hooks+=("${tmux_cmd[*]} kill-server 2>/dev/null || true")

tps_of() { python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["tps"]))' "$1"; }
latest_summary() { ls -t "$1"/*/summary.json | head -1; }

tui=()
plain=()
for rep in $(seq 1 "$reps"); do
  dir="$out/tui-$rep"
  "${tmux_cmd[@]}" new-session -d -s "b$rep" -x 200 -y 60 -e TERM=xterm-256color -e LANG=C.UTF-8 \
    "$rampart run $url --vusers $vusers --duration ${secs}s --exit-on-end --out $dir; touch $dir.done"
  for _ in $(seq 1 $((secs * 10 + 300))); do [ -e "$dir.done" ] && break; sleep 0.1; done
  tui+=("$(tps_of "$(latest_summary "$dir")")")
  dir="$out/plain-$rep"
  "$rampart" run "$url" --vusers "$vusers" --duration "${secs}s" --no-tui --quiet --out "$dir" >/dev/null
  plain+=("$(tps_of "$(latest_summary "$dir")")")
  echo "rep $rep: dashboard ${tui[-1]} req/s, headless ${plain[-1]} req/s"
done
python3 - "${tui[*]}" "${plain[*]}" <<'PY'
import statistics, sys
tui = [float(x) for x in sys.argv[1].split()]
plain = [float(x) for x in sys.argv[2].split()]
print(f"median dashboard {statistics.median(tui):.0f} req/s, headless {statistics.median(plain):.0f} req/s, "
      f"ratio {statistics.median(tui) / statistics.median(plain):.3f}")
PY
swift build -c release --product rampart-render-bench 2>&1 | tail -1
"$repo/.build/release/rampart-render-bench" 400
