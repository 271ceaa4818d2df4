#!/usr/bin/env bash
# Refresh the .po catalogues of the given apps (default: all) from the code and templates. Each app keeps its own
# catalogue in <app>/locale; its templates (under templates/<app>/, and for carehub the shared ones) are linked in
# for the scan. Used by `make messages` and by tests/carehub/test_catalogues_current.py (on a copy of the tree).
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/..}"
PYTHON=${PYTHON:-.venv/bin/python}
case "$PYTHON" in /*) ;; *) PYTHON="$PWD/$PYTHON" ;; esac
APPS=${*:-carehub lending activities advice news guidance}
for app in $APPS; do
  rm -rf "$app/_templates" && mkdir -p "$app/_templates" "$app/locale"
  if [ "$app" = carehub ]; then
    # The core's own pages: the shared ones and those of its sub-packages (accounts, desk, today, insights...).
    for t in templates/*.html templates/carehub templates/registration templates/notifications templates/admin \
             templates/accounts templates/desk templates/today; do
      [ -e "$t" ] && ln -s "../../$t" "$app/_templates/"
    done
  else
    ln -s "../../templates/$app" "$app/_templates/$app"
  fi
  (cd "$app" && DEBUG=1 "$PYTHON" ../manage.py makemessages -l ca -l es -l en --symlinks --no-obsolete \
     --add-location=file --ignore='migrations/*' -v 0) || { rm -rf "$app/_templates"; exit 1; }
  rm -rf "$app/_templates"
done
