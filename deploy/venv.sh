# Sourced by the quick-start scripts: a usable .venv with pip, made or repaired.
# A venv whose creation was interrupted (Ctrl-C) has a python but no pip: it is made again.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    [ -d .venv ] && echo "repairing .venv (it has no working pip; its creation was likely interrupted)"
    python3 -m venv --clear .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
