#!/usr/bin/env bash
# A throw-away PostgreSQL for tests that need a real shared database (the MTA-STS fleet cache, the TLS-RPT
# fleet store): Debian's packaged server, a cluster of its own on 127.0.0.1, never the system cluster.
# Usage: interop/postgres.sh up|down|status   (root, Debian 12)
#
#   up      installs `postgresql` with apt when no /usr/lib/postgresql/*/bin/initdb exists, runs initdb into
#           $PG_DIR/data as the postgres user, starts it with pg_ctl on 127.0.0.1:$PG_PORT (its socket in
#           $PG_DIR/run, mode 0700), creates the role and database "dane4j" with a random password, and writes
#           $PG_DIR/pg.env (jdbc.url, user, password, host, port, database) for the tests.
#   down    stops exactly that cluster (pg_ctl stop -m fast, then the PID in postmaster.pid) and removes $PG_DIR.
#
# Environment: DANE4J_PG_DIR (default /tmp/dane4j-postgres), DANE4J_PG_PORT (default 55432).
# Both commands are idempotent. The system cluster (pg_lsclusters) is neither started nor touched.
set -euo pipefail

PG_DIR="${DANE4J_PG_DIR:-/tmp/dane4j-postgres}"
PG_PORT="${DANE4J_PG_PORT:-55432}"
PG_HOST=127.0.0.1
DB=dane4j
DB_USER=dane4j

log() { printf 'postgres: %s\n' "$*" >&2; }
die() { printf 'postgres: ERROR: %s\n' "$*" >&2; exit 1; }

bindir() { # the newest installed server's bin directory
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

install_packages() {
  bindir >/dev/null && return 0
  log "installing postgresql"
  local created_policy=0 rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then   # the package must not start its system cluster
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; } \
    >"${TMPDIR:-/tmp}/dane4j-postgres-apt.log" 2>&1 || rc=$?
  [ $created_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc -eq 0 ] || { tail -20 "${TMPDIR:-/tmp}/dane4j-postgres-apt.log" >&2; die "apt-get failed ($rc)"; }
  bindir >/dev/null || die "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb"
}

as_pg() { runuser -u postgres -- "$@"; }

psql_admin() { # SQL, as the cluster's superuser over the private socket
  as_pg "$(bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR/run" -p "$PG_PORT" -d postgres -c "$1"
}

alive() {
  [ -s "$PG_DIR/pg.env" ] && [ -s "$PG_DIR/data/postmaster.pid" ] \
    && kill -0 "$(head -1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null \
    && "$(bindir)/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -d "$DB" -t 3
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root (apt-get, and initdb as the postgres user)"
  if alive 2>/dev/null; then log "up: already running ($PG_DIR)"; return 0; fi
  down
  install_packages
  local bin password
  bin=$(bindir)
  if (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; then
    die "something already listens on $PG_HOST:$PG_PORT (set DANE4J_PG_PORT)"
  fi
  mkdir -p "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/log"
  chown postgres:postgres "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/log"
  chmod 700 "$PG_DIR/data" "$PG_DIR/run"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  # local (socket) connections: peer, so only the postgres user gets in; TCP: passwords (scram-sha-256)
  as_pg "$bin/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer \
    --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log/postgres.log" -w -t 30 start \
    -o "-c listen_addresses=$PG_HOST -c port=$PG_PORT -c unix_socket_directories=$PG_DIR/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
    >/dev/null || { tail -20 "$PG_DIR/log/postgres.log" >&2; die "the cluster did not start (see $PG_DIR/log/postgres.log)"; }
  psql_admin "CREATE ROLE $DB_USER LOGIN PASSWORD '$password'" || die "cannot create role $DB_USER"
  psql_admin "CREATE DATABASE $DB OWNER $DB_USER" || die "cannot create database $DB"
  { echo "jdbc.url=jdbc:postgresql://$PG_HOST:$PG_PORT/$DB"
    echo "host=$PG_HOST"
    echo "port=$PG_PORT"
    echo "database=$DB"
    echo "user=$DB_USER"
    echo "password=$password"
    echo "bin=$bin"
  } >"$PG_DIR/pg.env.tmp"
  chmod 644 "$PG_DIR/pg.env.tmp"
  mv "$PG_DIR/pg.env.tmp" "$PG_DIR/pg.env"
  PGPASSWORD=$password "$bin/psql" -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d "$DB" -c 'SELECT 1' >/dev/null \
    || die "cannot log in as $DB_USER over TCP"
  log "up: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $PG_HOST:$PG_PORT, database $DB; env in $PG_DIR/pg.env"
}

down() {
  [ -d "$PG_DIR" ] || { log "down: nothing to do"; return 0; }
  local pid="" i bin
  [ -s "$PG_DIR/data/postmaster.pid" ] && pid=$(head -1 "$PG_DIR/data/postmaster.pid" | tr -dc 0-9)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    bin=$(bindir) && as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 20 stop >/dev/null 2>&1 || true
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    log "stopped the cluster ($pid)"
  fi
  rm -rf "$PG_DIR"
  log "down: removed $PG_DIR"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) alive && echo up || { echo down; exit 1; } ;;
  *) echo "usage: $0 up|down|status" >&2; exit 64 ;;
esac
