#!/usr/bin/env bash
# `make bench`: seed (or reuse) a PostgreSQL database at city scale, then time the pages that matter.
#
#   BENCH_HUBS=115 BENCH_YEARS=5 make bench        # the target scale (default; issue 14's insights targets)
#   BENCH_HUBS=20 BENCH_YEARS=1 BENCH_DB=carehub_bench_small make bench   # a quicker run
#   BENCH_RUNS=30 make bench                       # more timed runs per page
#
# The database (BENCH_DB, default carehub_bench) is created if missing, migrated, and seeded with
# `manage.py seed_scale` only when it has no hubs; a seeded database is reused as it is (drop it to re-seed).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
BENCH_DB=${BENCH_DB:-carehub_bench}
BENCH_SERVER=${BENCH_SERVER:-postgres://postgres@127.0.0.1:5432}
export BENCH_HUBS=${BENCH_HUBS:-115} BENCH_YEARS=${BENCH_YEARS:-5} BENCH_RUNS=${BENCH_RUNS:-20}
export DATABASE_URL="$BENCH_SERVER/$BENCH_DB"
export DEBUG=0 CONN_MAX_AGE=60
# DEBUG off refuses the demo's secret key, an empty ALLOWED_HOSTS and in-process mail (carehub/checks.py): the
# bench runs as production does, with a throwaway key and a mail server it never writes to.
export SECRET_KEY=${SECRET_KEY:-bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost} EMAIL_URL=${EMAIL_URL:-smtp://127.0.0.1:2525}

echo "== bench database: ${BENCH_DB} on ${BENCH_SERVER%%@*}@…"
"$BIN/python" bench/ensure_db.py "$BENCH_SERVER" "$BENCH_DB"
"$BIN/python" manage.py migrate --noinput -v 0
if [ "$("$BIN/python" bench/ensure_db.py --has-hubs)" = "no" ]; then
  echo "== seeding ${BENCH_HUBS} hubs x ${BENCH_YEARS} years (manage.py seed_scale)"
  "$BIN/python" manage.py seed_scale --hubs "$BENCH_HUBS" --years "$BENCH_YEARS"
else
  echo "== reusing the seeded database (drop it to re-seed: dropdb $BENCH_DB)"
fi
"$BIN/python" bench/measure.py
"$BIN/python" bench/insights.py --http  # cold/cached/raw-SQL ratio, query counts, over HTTP too
