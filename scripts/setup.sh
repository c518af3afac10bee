#!/usr/bin/env bash
# Prepare a checkout: virtual environment, packages, compiled translations, database schema.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  # Exactly the locked versions, each checked against its hash (scripts/lock.sh upgrades).
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
  .venv/bin/python -m pip install --quiet --no-deps -e .
  touch "$stamp"
fi
.venv/bin/python scripts/i18n.py compile
mkdir -p instance
if [ -z "${SECRET_KEY:-}" ] && [ ! -s instance/secret_key ]; then
  .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
  chmod 600 instance/secret_key
fi
