#!/usr/bin/env bash
# Stops what deploy/local/up.sh started, by the pids it saved, and removes its directory.
# Usage: deploy/local/down.sh [STRATA_DIR]   (default: $STRATA_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-${STRATA_DIR:-}}
[[ -n $dir && -d $dir ]] || { echo "down.sh: no cluster directory (pass it, or set STRATA_DIR)" >&2; exit 2; }
[[ $dir == /tmp/strata-local.* ]] || { echo "down.sh: $dir was not made by up.sh" >&2; exit 2; }

# Workers first (they drain), then the coordinator: SIGTERM, then SIGKILL after 30 s.
for pidfile in "$dir"/pids/worker-*.pid "$dir"/pids/coordinator.pid; do
  [[ -f $pidfile ]] || continue
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || continue
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
done
bash "$root/deploy/local/services.sh" stop "$dir/services"
rm -rf "$dir"
