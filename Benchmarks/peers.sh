#!/usr/bin/env bash
# rampart beside wrk (and optionally other peers) on nginx `return 200` over loopback, using the
# shared harness in ../shared/bench. Release build; 10 s runs; 3 interleaved repetitions; the
# figures to quote are the ratios of medians that peers.sh prints.
#
#   Benchmarks/peers.sh [CONNS...]          default: 50 1000
#   BENCH_TOOLS=wrk1,hey,ours Benchmarks/peers.sh 50
#
# Starts the targets if they are not running and stops them again if it started them.
source "$(dirname "$0")/common.sh"
tools="${BENCH_TOOLS:-wrk1,ours}"
reps="${BENCH_REPS:-3}"
secs="${BENCH_SECS:-10}"
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(50 1000)

for c in "${conns[@]}"; do
  echo "== $c connections, ${secs}s, $reps reps: $tools"
  "$bench/peers.sh" -c "$c" -d "$secs" -r "$reps" -t "$tools" \
    -o "$bench/rampart-kv $rampart {url} {c} {d} --out $out --quiet" \
    http://127.0.0.1:18080/200 2>&1 | grep -vE '^\s+\(ours output tail|^\s{4}'
done
