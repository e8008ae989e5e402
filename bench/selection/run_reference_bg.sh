#!/bin/sh
# Run sortition-algorithms MAXIMIN references once each (one process per run), appending JSON
# lines to reference_results.jsonl. Usage: [REF_PY=python] sh bench/selection/run_reference_bg.sh [timeout-s] [jobs...]
# python-mip 1.15 segfaults with cffi 2.x; use a separate venv with cffi 1.15.1 for the mip jobs.
cd "$(dirname "$0")/../.." || exit 1
OUT=bench/selection/reference_results.jsonl
LIMIT=${1:-1800}
shift
D=../shared/data/sortition
JOBS=${*:-"n0200_k040:highspy n0200_k040:mip example_small_20:highspy example_small_20:mip n1000_k040:mip n1000_k040:highspy example_large_200:mip example_large_200:highspy"}
for job in $JOBS; do
  name=${job%%:*}; backend=${job##*:}
  res=$(timeout "$LIMIT" "${REF_PY:-.venv/bin/python}" bench/selection/reference.py "$D/$name" "$backend" 2>/dev/null | tail -1)
  stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  case "$res" in
    \{*) echo "$res" | sed "s/}\$/, \"recorded\": \"$stamp\"}/" >> "$OUT" ;;
    *) echo "{\"instance\": \"$name\", \"backend\": \"$backend\", \"seconds\": null, \"error\": \"no result within ${LIMIT} s (time-out or crash)\", \"recorded\": \"$stamp\"}" >> "$OUT" ;;
  esac
done
