#!/usr/bin/env bash
# Set everything up (Chromium, PostgreSQL, nginx, Redis, Python packages), lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  else
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
fi

./scripts/setup.sh
.venv/bin/ruff check webapp tests bench scripts  # lint first: fail fast, before the long run
.venv/bin/python -m mypy webapp                 # types: 0 errors
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-$(./scripts/postgres.sh)}"
exec .venv/bin/python -m pytest "$@"
