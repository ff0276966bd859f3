"""The README's path from `create-admin` to a working branch runs as written against a live server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.support.live import LiveServer

README = Path(__file__).resolve().parents[2] / "README.md"


def _first_branch_block() -> str:
    text = README.read_text()
    after = text.split("<!-- first-branch:", 1)[1]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)


def test_the_readme_sets_up_a_branch_whose_first_ticket_is_called(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'branchq.sqlite3'}"
    env = {"BRANCHQ_INSTANCE": str(tmp_path), "DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    made = subprocess.run(
        [sys.executable, "-m", "server", "create-admin", "alice", "--password", "alice-password"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.stdout == "admin alice created\n"
    server = LiveServer(tmp_path, database_url).start()
    try:
        script = _first_branch_block().replace("127.0.0.1:5000", f"127.0.0.1:{server.port}")
        ran = subprocess.run(["sh", "-ec", script], capture_output=True, text=True, timeout=120)
        assert ran.returncode == 0, ran.stderr
        printed = ran.stdout.splitlines()
        assert json.loads(printed[0])["username"] == "bob"
        assert re.fullmatch(rf"kiosk:   {server.url}/kiosk\?device=\S+", printed[1])
        assert re.fullmatch(rf"display: {server.url}/display\?device=\S+", printed[2])
        ticket, opened, called, branch = (json.loads(line) for line in printed[3:])
        assert (ticket["number"], ticket["status"]) == ("A001", "waiting")
        assert (opened["number"], opened["status"]) == (1, "open")
        assert (called["id"], called["status"], called["counter_number"]) == (ticket["id"], "called", 1)
        assert sorted(branch["opening_hours"]) == ["fri", "mon", "thu", "tue", "wed"]
        kiosk_token = printed[1].rsplit("=", 1)[1]
        as_kiosk = {"Authorization": f"Bearer {kiosk_token}"}
        me = requests.get(f"{server.url}/api/v1/auth/me", headers=as_kiosk, timeout=10)
        assert (me.status_code, me.json()["role"], me.json()["branch_ids"]) == (200, "kiosk", [1])
    finally:
        server.stop()
