#!/bin/sh
# Quick start 2: install into .venv and run the whole check: lint, types, architecture, tests.
# Tiers that need PostgreSQL, Redis, Chromium or espeak-ng skip with the reason when missing;
# set BRANCHQ_REQUIRE_ALL_TIERS=1 (as CI does) to fail instead of skipping.
set -e
cd "$(dirname "$0")/.."
. deploy/venv.sh
.venv/bin/python -m pip install -q -e ".[dev]"
. .venv/bin/activate
echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy"; mypy server kiosk display counter
echo "== import-linter"; lint-imports
echo "== pytest"; exec python -m pytest -q -n 2 "$@"
