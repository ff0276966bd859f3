"""The quick-start scripts repair a .venv whose creation was interrupted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_venv_left_without_pip_is_made_again(tmp_path):
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / "deploy" / "venv.sh", tmp_path / "deploy" / "venv.sh")
    subprocess.run(["python3", "-m", "venv", "--without-pip", ".venv"], cwd=tmp_path, check=True, timeout=120)
    broken = subprocess.run([".venv/bin/python", "-m", "pip", "--version"], cwd=tmp_path, capture_output=True)
    assert broken.returncode == 1  # what Ctrl-C during `python3 -m venv` leaves

    done = subprocess.run(["sh", "-ec", ". deploy/venv.sh"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("repairing .venv (it has no working pip")
    repaired = subprocess.run([".venv/bin/python", "-m", "pip", "--version"], cwd=tmp_path, capture_output=True)
    assert repaired.returncode == 0


def test_both_quick_starts_use_the_repair():
    for script in ("deploy/demo.sh", "tests/run.sh"):
        assert ". deploy/venv.sh\n" in (ROOT / script).read_text()
