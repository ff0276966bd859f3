#!/bin/sh
# Quick start 1: install into .venv and serve a seeded demo branch at http://127.0.0.1:5000 (SQLite).
set -e
cd "$(dirname "$0")/.."
. deploy/venv.sh
.venv/bin/python -m pip install -q -e .
exec .venv/bin/branchq serve --demo --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
