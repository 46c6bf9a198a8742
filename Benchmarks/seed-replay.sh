#!/usr/bin/env bash
# The seed experiment replayed as a person would run it (issue 22): FastAPI behind nginx, first
# with one backend, then with two, each backend held to LIMIT% of a core by cpulimit, the same
# closed ramp against each with the backends and nginx watched by process name, the dashboard in
# a 200x60 tmux pane. Keeps the final screen of each run and of `rampart compare` on the two, and
# prints both summaries' knee, TPS and CPU with the ratios of two backends to one.
#
#   Benchmarks/seed-replay.sh [OUTDIR] [LIMIT]      default: seed-replay 25
#
# The shared loopback targets (../shared/bench/targets.sh) must not be running: this script
# starts and stops its own, with cpulimit, on the same ports.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${BENCH_DIR:-$repo/../shared/bench}"
rampart="$repo/.build/release/rampart"
outdir="$(mkdir -p "${1:-seed-replay}" && cd "${1:-seed-replay}" && pwd)"
limit="${2:-25}"
cd "$repo"
swift build -c release --product rampart 2>&1 | tail -1
bash "$bench/setup.sh" >/dev/null
if curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:18080/200 2>/dev/null; then
  echo "seed-replay: the shared targets are running on 127.0.0.1:18080; stop them first" >&2
  exit 2
fi
export BENCH_STATE="$outdir/targets" BENCH_CPULIMIT="$limit" BENCH_ACCESS_LOG=1
sock="rampart-seed-$$"
tmux_cmd=(tmux -L "$sock" -f /dev/null)
cleanup() {
  "${tmux_cmd[@]}" kill-server 2>/dev/null || true
  "$bench/targets.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# A ramp from well under one limited backend's knee (about 55 vusers at 25%) to well past two
# backends' (about 110): 8 vusers every 4 s to 160, with 100 ms of think time per vuser.
plan="--vusers 160 --ramp-start 8 --ramp-step 8 --ramp-every 4s --duration 80s --think 100ms"
watch="--watch-process uvicorn --watch-process nginx"

# Waits for the pane to show `text`, at most `tenths` tenths of a second.
wait_for() {
  local text=$1 tenths=$2
  for _ in $(seq 1 "$tenths"); do
    "${tmux_cmd[@]}" capture-pane -p -t replay | grep -qF -- "$text" && return 0
    sleep 0.1
  done
  echo "seed-replay: the screen never showed '$text'" >&2
  "${tmux_cmd[@]}" capture-pane -p -t replay >&2
  return 1
}

# Runs `command` in a fresh 200x60 pane, waits for `done_text`, keeps the screen as `name`.
screen() {
  local name=$1 done_text=$2 tenths=$3 command=$4
  "${tmux_cmd[@]}" new-session -d -s replay -x 200 -y 60 -e TERM=xterm-256color -e LANG=C.UTF-8 \
    "$command; sleep 30"
  wait_for "$done_text" "$tenths"
  "${tmux_cmd[@]}" capture-pane -p -t replay >"$outdir/$name-200x60.txt"
  "${tmux_cmd[@]}" send-keys -t replay q
  sleep 1
  "${tmux_cmd[@]}" kill-session -t replay 2>/dev/null || true
}

run() { # backends port name
  BENCH_BACKENDS=$1 "$bench/targets.sh" start >/dev/null
  screen "$3" " q exit" 1500 \
    "$rampart run http://127.0.0.1:$2/ $plan $watch --name $3 --out $outdir/runs"
  for _ in $(seq 1 100); do ls "$outdir"/runs/*-"$3"/summary.json >/dev/null 2>&1 && break; sleep 0.1; done
  "$bench/targets.sh" stop >/dev/null
}

rm -rf "$outdir/runs"
run 1 18081 one-backend
run 2 18082 two-backends
one="$(ls -d "$outdir"/runs/*-one-backend)"
two="$(ls -d "$outdir"/runs/*-two-backends)"
screen compare "Target CPU" 100 "$rampart compare $one $two"
python3 - "$one/summary.json" "$two/summary.json" <<'PY'
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:])
def line(name, s):
    knee = s.get("knee") or {}
    cpu = s["watch"]["uvicorn"]
    sat = "; ".join(f'{n["source"]} flat at {n["cpu_cores"]:.2f} from {n["from_s"]} s' for n in s.get("saturation") or [])
    print(f'{name}: knee {s.get("knee_verdict")} at {knee.get("vusers")} vusers, {knee.get("tps", 0):.0f}/s; '
          f'tps peak {s["tps_peak"]:.0f}; uvicorn CPU peak {cpu["cpu_cores_peak"]:.2f} mean {cpu["cpu_cores_mean"]:.2f}; {sat}')
line("one backend ", one)
line("two backends", two)
k1, k2 = (s.get("knee") or {} for s in (one, two))
print(f'two/one: knee tps {k2.get("tps", 0) / max(k1.get("tps", 1), 1):.2f}x, '
      f'tps peak {two["tps_peak"] / one["tps_peak"]:.2f}x, '
      f'uvicorn CPU peak {two["watch"]["uvicorn"]["cpu_cores_peak"] / one["watch"]["uvicorn"]["cpu_cores_peak"]:.2f}x')
PY
echo "screens: $outdir/{one-backend,two-backends,compare}-200x60.txt"
