#!/usr/bin/env bash
# Fleet throughput of a local cluster: images and layers per second with a cold cache (every
# distinct layer analysed once) and a warm one (all cache hits), with one worker and with two,
# and each worker's peak resident memory against its budget (slots × per-job memory).
#
#   loadtest/throughput.sh [IMAGES] [APP_KIB]     (defaults: 200 images, 2048 KiB of own content)
#
# Needs a build (deploy/build.sh build). Everything runs on loopback and stops by itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STRATA_BUILD:-$root/build}
images=${1:-200}
app_kib=${2:-2048}
slots=${STRATA_WORKER_SLOTS:-2}
job_mib=256

work=$(mktemp -d /tmp/strata-throughput.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$build/loadtest/strata-loadtest" fleet "$work/fleet" --images "$images" --middles 8 --app-kib "$app_kib" >"$work/refs" 2>"$work/fleet.txt"
echo "fleet: $(cat "$work/fleet.txt"), ${app_kib} KiB of incompressible content per image"

for workers in 1 2; do
  env_file="$work/cluster-$workers.env"
  STRATA_WORKERS=$workers STRATA_WORKER_SLOTS=$slots bash "$root/deploy/local/up.sh" >"$env_file"
  # shellcheck disable=SC1090
  . "$env_file"
  # Wait until every worker has announced itself.
  for _ in $(seq 100); do
    n=$(curl -s "$STRATA_OPERATOR_SERVER/metrics" | sed -n 's/^strata_workers \([0-9]*\)$/\1/p')
    [[ ${n:-0} -ge $workers ]] && break
    sleep 0.1
  done
  for pass in cold warm; do
    result=$("$build/loadtest/strata-loadtest" drive <"$work/refs")
    echo "workers=$workers slots=$slots $pass: $result"
  done
  for pidfile in "$STRATA_DIR"/pids/worker-*.pid; do
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(cat "$pidfile")/status")
    echo "  $(basename "$pidfile" .pid): peak RSS $((hwm / 1024)) MiB of a $((slots * job_mib)) MiB budget"
  done
  bash "$root/deploy/local/down.sh" "$STRATA_DIR"
done
