#!/usr/bin/env bash
# Knee accuracy on the embedded demo target (issue 6): for capacities C = B x W / S of 100, 200,
# 400 and 800 req/s (S = 20 ms), without and with 80 ms think time, ramp 1 vuser per step from
# below to well above Little's-law N* = C x (S + Z) and compare the detected knee with C and N*.
#   Benchmarks/knee.sh [STEP_SECONDS]      (default 5; the whole table takes about 25 minutes)
#   KNEE_CASES="c200z0 c400z80" Benchmarks/knee.sh 3     (a subset)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
step="${1:-5}"
swift build -c release --product rampart 2>&1 | tail -1
rampart="$repo/.build/release/rampart"
out="$(mktemp -d)"
target_pid=""
cleanup() {
  if [ -n "$target_pid" ]; then kill "$target_pid" 2>/dev/null || true; wait "$target_pid" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT

# name backends workers think_ms ramp_start ramp_max
cases="c100z0 1 2 0 1 8
c200z0 1 4 0 1 12
c400z0 2 4 0 2 20
c800z0 4 4 0 4 36
c100z80 1 2 80 3 25
c200z80 1 4 80 8 45
c400z80 2 4 80 20 70
c800z80 4 4 80 50 130"

printf '%-8s %6s %6s %8s %8s %9s %9s %6s\n' case C N* knee_vu knee_tps vu_error tps_error verdict
while read -r name backends workers think start max; do
  if [ -n "${KNEE_CASES:-}" ] && [[ " $KNEE_CASES " != *" $name "* ]]; then continue; fi
  "$rampart" target --port 0 --backends "$backends" --workers "$workers" --service 20ms --queue 256 \
    >"$out/target-$name.log" 2>&1 &
  target_pid=$!
  url=""
  for _ in $(seq 50); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$out/target-$name.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "$name: the target did not start" >&2; exit 1; }
  duration=$(( (max - start + 1) * step ))
  "$rampart" run "$url" --vusers "$max" --ramp-start "$start" --ramp-step 1 --ramp-every "${step}s" \
    --think "${think}ms" --timeout 5s --duration "${duration}s" --no-tui --json --out "$out/runs" \
    >"$out/$name.json" 2>/dev/null
  kill "$target_pid"; wait "$target_pid" 2>/dev/null || true; target_pid=""
  python3 - "$out/$name.json" "$name" "$backends" "$workers" "$think" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
name, b, w, think = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
capacity = b * w / 0.020
expected = capacity * (0.020 + think / 1000)
knee = summary.get("knee")
if not knee:
    print(f"{name:<8} {capacity:6.0f} {expected:6.1f} {'-':>8} {'-':>8} {'-':>9} {'-':>9} {'NONE':>6}")
else:
    vu_error = knee["vusers"] / expected - 1
    tps_error = knee["tps"] / capacity - 1
    ok = abs(vu_error) <= 0.15 and abs(tps_error) <= 0.10
    print(f"{name:<8} {capacity:6.0f} {expected:6.1f} {knee['vusers']:8d} {knee['tps']:8.1f} "
          f"{vu_error:+9.1%} {tps_error:+9.1%} {'ok' if ok else 'MISS':>6}")
PY
done <<<"$cases"
