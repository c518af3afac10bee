#!/usr/bin/env bash
# Regenerate requirements.lock (exact versions with hashes) from pyproject.toml.
# Upgrades happen on purpose only:
#   scripts/lock.sh                                  keep the locked versions, add what is new
#   scripts/lock.sh --upgrade-package SQLAlchemy     upgrade one package
#   scripts/lock.sh --upgrade                        upgrade everything
# then run ./test.sh, and commit pyproject.toml and requirements.lock together.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.venv-tools
if [ ! -x "$tools/bin/pip-compile" ]; then
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet pip-tools
fi
"$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
  --no-emit-index-url --no-emit-find-links --output-file requirements.lock "$@" pyproject.toml
