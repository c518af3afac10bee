#!/usr/bin/env bash
# Set everything up and serve the planner with gunicorn at http://127.0.0.1:${PORT:-5000}
# (SQLite under instance/ unless DATABASE_URL says otherwise).
#   ./run.sh           demo data only when the database is empty (first start)
#   ./run.sh --demo    demo data now (into an empty database only, as `flask demo-data`)
set -euo pipefail
cd "$(dirname "$0")"
demo=--if-empty
for arg in "$@"; do
  case "$arg" in
    --demo) demo= ;;
    *) echo "usage: ./run.sh [--demo]" >&2; exit 2 ;;
  esac
done
./scripts/setup.sh
export SECRET_KEY="${SECRET_KEY:-$(cat instance/secret_key)}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:${PORT:-5000}}"
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi demo-data $demo
exec .venv/bin/gunicorn --config gunicorn.conf.py wsgi:app
