#!/usr/bin/env bash
# National scale (issue 21): 357 municipalities in one PostgreSQL database on the shared server;
# one 20,000-response municipality measured with 0.3 M and with 3 M responses in the database.
#
# The 0.3 M database is made first; the 3 M one is a copy of it (CREATE DATABASE … TEMPLATE, so
# the measured municipality's rows are the same, byte for byte) whose other municipalities are
# then grown to 3 M. `prepare` then does the worker's part on each (the round's decision takes
# minutes) into a file cache per database under var/bench-national/. The measurement (`pages`)
# holds both databases at once and alternates its requests between them: TRIALS rounds of a
# cold and two warm requests of each page, RESTARTS new processes per page and database (a
# quiet machine: ~5 minutes with the defaults). MEASURE_ONLY=1: only that, on databases made and
# prepared before. Drop the databases when done: psql … -c "DROP DATABASE medvirk_national" (and
# _3m), rm -r var/bench-national.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
SMALL="${MEDVIRK_NATIONAL_DB:-medvirk_national}"
LARGE="${SMALL}_3m"
SERVER="postgres://postgres@127.0.0.1:55432"
OUT="${MEDVIRK_NATIONAL_OUT:-/tmp/national-$(date +%Y%m%d-%H%M).jsonl}"
TRIALS="${TRIALS:-60}"
RESTARTS="${RESTARTS:-8}"
BUDGET="${BUDGET:-480}"  # seconds: the benchmark lock is held at most 10 minutes
if [ "${MEASURE_ONLY:-0}" != 1 ]; then
  psql "$SERVER/postgres" -c "CREATE DATABASE $SMALL" >/dev/null
  DATABASE_URL="$SERVER/$SMALL" $PY bench/national/bench.py setup | tee -a "$OUT"
  DATABASE_URL="$SERVER/$SMALL" $PY bench/national/bench.py grow 300000 | tee -a "$OUT"
  psql "$SERVER/postgres" -c "CREATE DATABASE $LARGE TEMPLATE $SMALL" >/dev/null
  DATABASE_URL="$SERVER/$LARGE" $PY bench/national/bench.py grow 3000000 | tee -a "$OUT"
  DATABASE_URL="$SERVER/$SMALL" $PY bench/national/bench.py prepare | tee -a "$OUT"
  DATABASE_URL="$SERVER/$LARGE" $PY bench/national/bench.py prepare | tee -a "$OUT"
fi
$PY bench/national/bench.py pages "$SERVER/$SMALL" "$SERVER/$LARGE" "$TRIALS" "$RESTARTS" "$BUDGET" | tee -a "$OUT"
echo "results in $OUT"
