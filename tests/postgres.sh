#!/usr/bin/env bash
# Sourced by ./test and ./bench: installs PostgreSQL if missing, starts a throwaway server on 127.0.0.1 in a
# temporary directory, exports VIGIL_TEST_POSTGRES for the CMS tests and stops it on exit.
set -euo pipefail

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ -z "$(postgres_bin)" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is missing; install it (sudo apt-get install postgresql) or run as root" >&2
    exit 2
  fi
  echo "==> Installing PostgreSQL (apt-get)"
  # Another apt may hold the dpkg lock on a fresh machine: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq postgresql >/dev/null
fi
PG_BIN="$(postgres_bin)"

PG_DIR="$(mktemp -d /tmp/vigil-test-postgres.XXXXXX)"
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
# Set before anything can fail, so a server that never started leaves no folder either.
trap stop_postgres EXIT

PG_PASSWORD="vigil-test-$RANDOM$RANDOM"
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
echo "$PG_PASSWORD" > "$PG_DIR/password"
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR/password"; fi
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U vigil --pwfile="$PG_DIR/password" -A scram-sha-256 >/dev/null

# The port is above Linux's usual ephemeral range (32768-60999), where no outgoing connection takes it, and clear of
# the ports below that range a benchmark's fleet takes by the thousand (11 000 in a row from 12000). A port that was
# free when probed can still be taken before the server binds it: another is tried, a few times, before giving up
# with the server's log.
for attempt in 1 2 3 4 5; do
  PG_PORT=$((61000 + RANDOM % 4000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((61000 + RANDOM % 4000)); done
  echo "==> Starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT in $PG_DIR"
  if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off" start >/dev/null; then
    break
  fi
  if [ "$attempt" = 5 ]; then
    echo "PostgreSQL did not start; its log:" >&2
    cat "$PG_DIR/log" >&2
    exit 1
  fi
done

export VIGIL_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=vigil;Password=$PG_PASSWORD;Database=postgres"
