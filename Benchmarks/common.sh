# Sourced by the benchmark scripts: builds the release binary and makes sure the shared loopback
# targets run, stopping them at exit only if this script started them. Sets `repo`, `bench`,
# `out` (a temp dir removed at exit) and `rampart` (the release binary).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${BENCH_DIR:-$repo/../shared/bench}"
rampart="$repo/.build/release/rampart"
cd "$repo"
swift build -c release --product rampart 2>&1 | tail -1
bash "$bench/setup.sh" >/dev/null
started_targets=0
# `targets.sh status` also succeeds when nothing was started: ask nginx itself.
if ! curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:18080/200 2>/dev/null; then
  "$bench/targets.sh" start >/dev/null
  started_targets=1
fi
out="$(mktemp -d)"
cleanup_hooks=()
cleanup() {
  local hook
  for hook in "${cleanup_hooks[@]}"; do eval "$hook"; done
  rm -rf "$out"
  if [ "$started_targets" = 1 ]; then "$bench/targets.sh" stop >/dev/null; fi
}
trap cleanup EXIT
