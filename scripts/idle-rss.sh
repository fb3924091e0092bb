#!/usr/bin/env bash
# Each service's resident memory 15 s after a demo stack is live (docs/performance.md, "Compiled
# services"): `pnpm tidings demo` in a private DATA_DIR, one run on the fixture feeds with the
# tiny model, then VmRSS of every process the supervisor started. Needs `pnpm build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
DATA_DIR=$dir node apps/cli/dist/main.js demo >"$dir/out" 2>"$dir/err" &
cli=$!
trap 'kill -INT $cli 2>/dev/null; wait $cli 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do grep -q '^Dashboard:' "$dir/out" && break; sleep 1; done
grep -q '^Dashboard:' "$dir/out" || { echo "the demo did not come up:" >&2; tail -5 "$dir/err" >&2; exit 1; }
sleep 15
for pid in $(pgrep -P "$cli"); do
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  service=$(sed -n 's#.*services/\([a-z]*\)/dist/main.js.*#\1#p' <<<"$cmd")
  [ -n "$service" ] || continue
  echo "$service $(( $(awk '/^VmRSS/{print $2}' "/proc/$pid/status") / 1024 )) MB"
done
