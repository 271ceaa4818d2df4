#!/usr/bin/env bash
# Runs the whole suite on SQLite, or on PostgreSQL when DATABASE_URL is set. Called by `make test`.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ -n "${DATABASE_URL:-}" ]; then
  echo "== carehub tests on PostgreSQL (${DATABASE_URL%%@*}@…)"
else
  echo "== carehub tests on SQLite (PostgreSQL-only tests are skipped and listed)"
fi

if [ -x /usr/bin/chromium ] && "$BIN/python" -c "import playwright" 2>/dev/null; then
  echo "== browser tests: Chromium found, tests/e2e will run"
else
  echo "== browser tests: SKIPPED (install Chromium with 'apt-get install chromium' and 'pip install playwright'; .ci/run does)"
fi

started=$SECONDS
# --durations=15: the slowest tests are listed at the end of every run, so a slow one is seen when it appears.
"$BIN/python" -m pytest --durations=15 "$@"
status=$?
echo "suite took $((SECONDS - started)) s"
# pytest's 5 means no test ran: that is a failure here, not a pass.
if [ $status -eq 5 ]; then echo "no tests ran"; exit 1; fi
exit $status
