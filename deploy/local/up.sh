#!/usr/bin/env bash
# Starts a whole strata cluster on loopback: Redis, PostgreSQL, a coordinator and two workers, on
# free ports, with everything under a fresh directory. Prints shell assignments for
# `eval "$(deploy/local/up.sh)"`:
#
#   STRATA_DIR  STRATA_SERVER  STRATA_OPERATOR_SERVER  STRATA_TOKEN  STRATA_DATABASE_URL  STRATA_REDIS_URL
#
# STRATA_OPERATOR_SERVER serves the coordinator's /metrics (never on the tenants' port). A local
# cluster has one user: no request rate limit, and a scans-per-minute quota a load test cannot reach.
# STRATA_TOKEN is the key of a tenant named "local", who may scan oci: layouts under
# STRATA_OCI_ROOT (default /tmp; a shared cluster allows none) and registries on this machine or
# network (--allow-private-registries; a shared cluster refuses them). STRATA_WORKERS (default 2) and
# STRATA_WORKER_SLOTS (default 2) size the worker pool. The coordinator matches with the feed store
# in PostgreSQL, empty at first: feed it while it runs with
#   strata-coordinator --database-url "$STRATA_DATABASE_URL" feeds import DIR...
# (or set STRATA_FEEDS to paths to import before it starts); every import is rescanned at once.
# Binaries come from STRATA_BUILD (default build/). deploy/local/down.sh stops exactly what this
# started.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${STRATA_BUILD:-$root/build}
# Programs this script and services.sh run, checked first so a missing one is named rather than
# failing half-way (deploy/bootstrap.sh installs them all).
# shellcheck source=deploy/lib/programs.sh
. "$root/deploy/lib/programs.sh"
missing=$(missing_programs curl python3 redis-server redis-cli runuser initdb)
if [[ -n $missing ]]; then
  echo "up.sh: missing $missing; run deploy/bootstrap.sh (as root) to install them" >&2
  exit 1
fi
for b in cli/strata coordinator/strata-coordinator worker/strata-worker; do
  [[ -x $build/$b ]] || { echo "up.sh: $build/$b is missing; build first (deploy/build.sh $build)" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/strata-local.XXXXXX)
mkdir -p "$dir/logs" "$dir/pids"
cleanup_on_error() { bash "$root/deploy/local/down.sh" "$dir" >/dev/null 2>&1 || true; }
trap cleanup_on_error ERR

bash "$root/deploy/local/services.sh" start "$dir/services" >"$dir/services.env"
set -a
# shellcheck disable=SC1091
. "$dir/services.env"
set +a

if [[ -n ${STRATA_FEEDS:-} ]]; then
  # shellcheck disable=SC2086  # a list of paths
  "$build/coordinator/strata-coordinator" --database-url "$STRATA_DATABASE_URL" feeds import $STRATA_FEEDS >&2
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# CurveZMQ keys: the coordinator's pair, and one pair per worker, whose public keys it admits.
"$build/coordinator/strata-coordinator" keys "$dir/keys" --name coordinator >/dev/null
for i in $(seq "${STRATA_WORKERS:-2}"); do
  "$build/coordinator/strata-coordinator" keys "$dir/keys/workers" --name "worker-$i" >/dev/null
done
# The cluster's cache secret: every cached analysis carries a MAC under it.
python3 -c 'import secrets; print(secrets.token_hex(32))' >"$dir/cache.secret"
chmod 600 "$dir/cache.secret"
# The secret that makes each tenant's secret fingerprints its own.
python3 -c 'import secrets; print(secrets.token_hex(32))' >"$dir/fingerprint.secret"
chmod 600 "$dir/fingerprint.secret"
http_port=$(free_port)
operator_port=$(free_port)
worker_port=$(free_port)

# The key that seals tenants' registry credentials.
"$build/coordinator/strata-coordinator" credentials-key "$dir/credentials.key" >/dev/null
token=$("$build/coordinator/strata-coordinator" --database-url "$STRATA_DATABASE_URL" tenant create local | tail -1)

# start NAME COMMAND...: runs it in the background, its pid in pids/NAME.pid, its log in logs/.
start() {
  local name=$1
  shift
  nohup "$@" >"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
}
start coordinator "$build/coordinator/strata-coordinator" --database-url "$STRATA_DATABASE_URL" serve \
  --redis "$STRATA_REDIS_URL" --cache-secret-file "$dir/cache.secret" --http-port "$http_port" \
  --curve-key "$dir/keys/coordinator.key" --authorized-workers "$dir/keys/workers" --worker-bind "tcp://127.0.0.1:$worker_port" \
  --oci-root "${STRATA_OCI_ROOT:-/tmp}" --allow-private-registries --operator-port "$operator_port" \
  --credentials-key-file "$dir/credentials.key" --fingerprint-secret-file "$dir/fingerprint.secret" --requests-per-second 0 --quota-scans-per-minute 100000
for i in $(seq "${STRATA_WORKERS:-2}"); do
  start "worker-$i" "$build/worker/strata-worker" --coordinator "tcp://127.0.0.1:$worker_port" --name "worker-$i" \
    --curve-key "$dir/keys/workers/worker-$i.key" --coordinator-key "$dir/keys/coordinator.pub" \
    --redis "$STRATA_REDIS_URL" --cache-secret-file "$dir/cache.secret" --metrics-port "$(free_port)" --slots "${STRATA_WORKER_SLOTS:-2}" \
    --allow-private-registries
done

for _ in $(seq 100); do
  if curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$(cat "$dir/pids/coordinator.pid")" 2>/dev/null; then
    cat "$dir/logs/coordinator.log" >&2
    false
  fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null

cat <<EOV
STRATA_DIR=$dir
STRATA_SERVER=http://127.0.0.1:$http_port
STRATA_OPERATOR_SERVER=http://127.0.0.1:$operator_port
STRATA_TOKEN=$token
STRATA_DATABASE_URL=$STRATA_DATABASE_URL
STRATA_REDIS_URL=$STRATA_REDIS_URL
export STRATA_DIR STRATA_SERVER STRATA_OPERATOR_SERVER STRATA_TOKEN STRATA_DATABASE_URL STRATA_REDIS_URL
EOV
