#!/usr/bin/env bash
# After `git merge BRANCH` conflicts in translations/: keep ours, re-extract, and take the
# French and English texts the other branch wrote.
set -euo pipefail
branch="$1"
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
git checkout HEAD -- translations/
git show "$branch:translations/fr_CA/LC_MESSAGES/messages.po" > /tmp/theirs-fr.po
git show "$branch:translations/en/LC_MESSAGES/messages.po" > /tmp/theirs-en.po
"$py" scripts/i18n.py update
"$py" scripts/i18n.py borrow /tmp/theirs-fr.po fr_CA
"$py" scripts/i18n.py borrow /tmp/theirs-en.po en
"$py" scripts/i18n.py check || true
git add translations/
