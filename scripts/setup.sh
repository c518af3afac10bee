#!/usr/bin/env bash
# Prepare a checkout: virtual environment, packages, compiled translations, database schema.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
.venv/bin/python scripts/i18n.py compile
mkdir -p instance
if [ -z "${SECRET_KEY:-}" ] && [ ! -s instance/secret_key ]; then
  .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
  chmod 600 instance/secret_key
fi
