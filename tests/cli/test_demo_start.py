"""Starting the demo: a second start leaves a running demo alone, an interrupted first start is
completed by the next, and the demo's data never reaches real mode."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests

from server import demo
from server.services import auth, setup
from tests.support.live import LiveServer


def _kiosk_issues_a_ticket(server: LiveServer, token: str) -> int:
    r = requests.post(
        f"{server.url}/api/v1/branches/1/tickets",
        json={"service_id": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return r.status_code


def _login_status(server: LiveServer, username: str) -> int:
    body = {"username": username, "password": demo.DEMO_PASSWORD}
    return requests.post(f"{server.url}/api/v1/auth/login", json=body, timeout=10).status_code


def test_a_second_demo_start_on_a_busy_port_stops_before_touching_the_running_demo(tmp_path):
    running = LiveServer(tmp_path, "sqlite://", demo=True).start()
    try:
        first_output = running.log.read_text()
        assert f"BranchQ listening on http://127.0.0.1:{running.port} (Ctrl-C to stop)" in first_output
        kiosk = re.search(r"/kiosk\?device=(\S+)", first_output).group(1)
        env = {"BRANCHQ_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin"}
        again = subprocess.run(
            [sys.executable, "-m", "server", "serve", "--demo", "--port", str(running.port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode == 1
        assert again.stdout == ""
        assert again.stderr == (
            f"Error: cannot listen on 127.0.0.1:{running.port}: Address already in use"
            " (is BranchQ already running? choose another with --port)\n"
        )
        assert _kiosk_issues_a_ticket(running, kiosk) == 201
    finally:
        running.stop()


def test_a_restarted_demo_keeps_the_earlier_device_links_working(tmp_path):
    first = LiveServer(tmp_path, "sqlite://", demo=True).start()
    first.stop()
    kiosk = re.search(r"/kiosk\?device=(\S+)", first.log.read_text()).group(1)
    second = LiveServer(tmp_path, "sqlite://", demo=True).start()
    try:
        new_kiosk = re.search(r"/kiosk\?device=(\S+)", second.log.read_text()).group(1)
        assert new_kiosk != kiosk
        assert _kiosk_issues_a_ticket(second, kiosk) == 201
        assert _kiosk_issues_a_ticket(second, new_kiosk) == 201
    finally:
        second.stop()


def test_the_demo_logins_do_not_carry_into_real_mode(tmp_path):
    demo_server = LiveServer(tmp_path, "sqlite://", demo=True).start()
    try:
        assert _login_status(demo_server, "admin") == 200
    finally:
        demo_server.stop()
    assert (tmp_path / "demo" / "branchq.sqlite3").exists()
    real = LiveServer(tmp_path, f"sqlite:///{tmp_path / 'branchq.sqlite3'}").start()
    try:
        assert _login_status(real, "admin") == 401
        assert _login_status(real, "teller1") == 401
    finally:
        real.stop()


def test_a_first_demo_start_interrupted_after_the_branch_is_completed_by_the_next(deps, monkeypatch):
    create_user = setup.create_user

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(setup, "create_user", interrupted)
    with pytest.raises(KeyboardInterrupt):
        demo.seed_demo(deps)
    with deps.store.read() as uow:
        assert uow.branches.by_code(demo.DEMO_CODE) is not None
        assert uow.users.credentials("teller1") is None

    monkeypatch.setattr(setup, "create_user", create_user)
    info = demo.seed_demo(deps)
    for username, password in info["logins"].items():
        assert auth.login(deps, username, password)["user"]["username"] == username
    with deps.store.read() as uow:
        assert [s.prefix for s in uow.services.for_branch(info["branch_id"])] == ["A", "B", "C"]
        assert [c.number for c in uow.counters.for_branch(info["branch_id"])] == [1, 2, 3, 4]
    assert set(info["links"]) == {"kiosk", "display"}
    again = demo.seed_demo(deps)  # nothing is made twice
    with deps.store.read() as uow:
        assert len(uow.devices.for_branch(info["branch_id"])) == 2
        assert len(uow.users.all()) == len(info["logins"])
    assert again["branch_id"] == info["branch_id"]
