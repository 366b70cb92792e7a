#!/usr/bin/env bash
# The ctest fixture around the cluster tests: one PostgreSQL (and Redis) for the whole run,
# started before the first cluster test and stopped after the last. DIR/env holds the URLs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cmd=$1
dir=$2
case $cmd in
  start)
    [[ -d $dir/servers ]] && bash "$root/deploy/local/services.sh" stop "$dir/servers" >/dev/null 2>&1 || true
    rm -rf "$dir"
    mkdir -p "$dir"
    bash "$root/deploy/local/services.sh" start "$dir/servers" >"$dir/env.partial"
    mv "$dir/env.partial" "$dir/env"
    cat "$dir/env"
    ;;
  stop)
    bash "$root/deploy/local/services.sh" stop "$dir/servers"
    rm -rf "$dir"
    ;;
esac
