#!/usr/bin/env bash
# Starts or stops the real Redis and PostgreSQL servers a strata cluster needs, on loopback, on
# free ports, with all their data under one directory of their own.
#
#   services.sh start DIR   prints shell assignments: STRATA_DATABASE_URL=… STRATA_REDIS_URL=…
#   services.sh stop DIR    stops exactly the servers `start DIR` started (by their pid files)
#   services.sh pg-stop DIR / pg-start DIR
#                           stop PostgreSQL alone and start it again on the same port and data
#                           (the outage tests)
#
# STRATA_PG_SETTINGS adds server settings (`-c name=value ...`), e.g. the rescan benchmark's
# shared_buffers for a fleet of 100,000 images.
#
# PostgreSQL refuses to run as root: as root it runs as the `postgres` user, with its data in a
# directory of its own under /tmp (DIR's parents may be closed to that user; DIR/pg links to
# it, and `stop` removes it). Redis gets a memory
# bound and an eviction policy (STRATA_REDIS_MAXMEMORY, default 256mb; allkeys-lru), because a
# layer cache left unbounded grows with the fleet.
set -euo pipefail

cmd=${1:?usage: services.sh start|stop|pg-start|pg-stop DIR}
dir=${2:?usage: services.sh start|stop|pg-start|pg-stop DIR}

pg_bin() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [[ -n $initdb ]] || { echo "services.sh: PostgreSQL is not installed (run deploy/bootstrap.sh)" >&2; exit 1; }
  dirname "$initdb"
}

# Runs a PostgreSQL program as its own user. From / : the caller's directory (a checkout under
# /root, say) may be closed to `postgres`, and every program would complain that it cannot enter it.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts the PostgreSQL of DIR on the port recorded in DIR/pg.port.
pg_start() {
  local bin pgdir
  bin=$(pg_bin)
  pgdir=$(readlink "$dir/pg")
  as_pg "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
    -o "-p $(cat "$dir/pg.port") -c listen_addresses=127.0.0.1 -k $pgdir -c fsync=off -c max_connections=200 ${STRATA_PG_SETTINGS:-}" \
    start >/dev/null || { cat "$pgdir/server.log" >&2; exit 1; }
}

pg_stop() {
  local bin pgdir
  bin=$(pg_bin)
  pgdir=$(readlink "$dir/pg")
  as_pg "$bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null
}

start() {
  mkdir -p "$dir"
  chmod 755 "$dir"
  local bin pg_port redis_port
  bin=$(pg_bin)
  pg_port=$(free_port)
  local pgdir
  pgdir=$(mktemp -d /tmp/strata-pg.XXXXXX)
  ln -sfn "$pgdir" "$dir/pg"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$pgdir"; fi
  as_pg "$bin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  echo "$pg_port" >"$dir/pg.port"
  pg_start

  as_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres strata

  redis_port=$(free_port)
  mkdir -p "$dir/redis"
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --dir "$dir/redis" \
    --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" --save "" --appendonly no \
    --maxmemory "${STRATA_REDIS_MAXMEMORY:-256mb}" --maxmemory-policy allkeys-lru
  for _ in $(seq 100); do
    if redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  echo "STRATA_DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/strata"
  echo "STRATA_REDIS_URL=redis://127.0.0.1:$redis_port"
}

stop() {
  local bin
  if [[ -f $dir/redis/redis.pid ]]; then
    local pid
    pid=$(cat "$dir/redis/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [[ -L $dir/pg ]]; then
    local pgdir
    pgdir=$(readlink "$dir/pg")
    if [[ -f $pgdir/data/postmaster.pid ]]; then
      bin=$(pg_bin)
      as_pg "$bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pgdir"
    rm -f "$dir/pg"
  fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  pg-start) pg_start ;;
  pg-stop) pg_stop ;;
  *) echo "usage: services.sh start|stop|pg-start|pg-stop DIR" >&2; exit 2 ;;
esac
