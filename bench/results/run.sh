#!/usr/bin/env bash
# Generate 1,000,000 responses × 30 questions and measure, on SQLite and on a throwaway
# PostgreSQL server on loopback (like bin/test). Takes about 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
SQLITE="sqlite:////tmp/mv-bench.sqlite3"
rm -f /tmp/mv-bench.sqlite3*
DATABASE_URL=$SQLITE $PY bench/results/bench.py generate
DATABASE_URL=$SQLITE $PY bench/results/bench.py measure
DATABASE_URL=$SQLITE $PY bench/results/bench.py export

PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")"
PG_DIR="$(mktemp -d /tmp/medvirk-benchpg.XXXXXX)"
PG_PORT="${MEDVIRK_PG_PORT:-54339}"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
cleanup() { run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap cleanup EXIT
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=2GB -c work_mem=256MB \
  -c maintenance_work_mem=1GB" start >/dev/null
run_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE medvirk_bench" >/dev/null
PG="postgres://postgres@127.0.0.1:$PG_PORT/medvirk_bench"
DATABASE_URL=$PG $PY bench/results/bench.py generate
run_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d medvirk_bench -c "VACUUM ANALYZE" >/dev/null
DATABASE_URL=$PG $PY bench/results/bench.py measure
DATABASE_URL=$PG $PY bench/results/bench.py export
