#!/usr/bin/env bash
# Set everything up and serve the planner on SQLite with demo data at http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
export SECRET_KEY="${SECRET_KEY:-$(cat instance/secret_key)}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:${PORT:-5000}}"
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi demo-data --if-empty
exec .venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
