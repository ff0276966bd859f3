"""Real kiosk and display agents and a kiosk page's socket against a real `branchq serve`: a
live socket is a heartbeat, and the server's own scheduler raises and clears printer_fault and
device_offline (a teller's terminal is tried in tests/browser/test_presence_pages.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from display.agent import DisplayAgent
from kiosk.agent import KioskAgent
from kiosk.printers import PrinterStatus, RecordingPrinter
from server.settings import Settings
from server.store import migrate
from tests.devices.support import wait_for
from tests.support.builders import BranchFixture, build_branch
from tests.support.live import LiveServer


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, BranchFixture]]:
    from server.web import create_app

    database_url = f"sqlite:///{tmp_path / 'branchq.sqlite3'}"
    app = create_app(Settings(database_url=database_url, secret_key="presence", instance_dir=tmp_path, testing=True))
    engine = app.extensions["branchq"].deps.store.engine
    migrate.upgrade(engine)
    branch = build_branch(app.extensions["branchq"].deps)
    engine.dispose()
    server = LiveServer(tmp_path, database_url, extra_env={"BRANCHQ_SPEECH_ENGINE": "none"}).start()
    yield server, branch
    server.stop()


def _get(server: LiveServer, branch: BranchFixture, path: str) -> Any:
    response = requests.get(f"{server.url}/api/v1/branches/{branch.id}/{path}", headers=branch.headers("manager"))
    assert response.status_code == 200, response.text
    return response.json()


def _kiosk(server: LiveServer, branch: BranchFixture) -> dict[str, Any]:
    return next(d for d in _get(server, branch, "devices") if d["kind"] == "kiosk")


def _open(server: LiveServer, branch: BranchFixture, kind: str) -> list[dict[str, Any]]:
    return [a for a in _get(server, branch, "alerts") if a["kind"] == kind]


def test_a_stopped_kiosk_agent_goes_offline_and_its_printer_fault_is_raised_and_cleared(live) -> None:
    server, branch = live
    assert _kiosk(server, branch)["online"] is False
    printer = RecordingPrinter(PrinterStatus("paper_out", "no paper"))
    agent = KioskAgent(server.url, branch.tokens["kiosk"], printer, status_interval=0.5, max_retry_delay=0.5)
    agent.start()
    try:
        assert wait_for(lambda: _kiosk(server, branch)["online"], timeout=10)
        (fault,) = wait_for(lambda: _open(server, branch, "printer_fault"), timeout=15)
        assert fault["subject"] == {"device_id": branch.devices["kiosk"]}
        printer.current = PrinterStatus("online")
        assert wait_for(lambda: not _open(server, branch, "printer_fault"), timeout=15)
    finally:
        agent.stop()
    # a one-second heartbeat, so the test need not wait a minute
    _heartbeat(server, branch, 1)
    (offline,) = wait_for(lambda: _open(server, branch, "device_offline"), timeout=15)
    assert offline["subject"] == {"device_id": branch.devices["kiosk"]}
    silent_since = _kiosk(server, branch)["last_seen"]
    assert _kiosk(server, branch)["online"] is False

    back = KioskAgent(server.url, branch.tokens["kiosk"], RecordingPrinter(), max_retry_delay=0.5)
    back.start()
    try:
        assert wait_for(lambda: _kiosk(server, branch)["last_seen"] > silent_since, timeout=10)  # heard on connect
        _heartbeat(server, branch, 60)
        assert wait_for(lambda: not _open(server, branch, "device_offline"), timeout=15) is True
        assert _kiosk(server, branch)["online"] is True
    finally:
        back.stop()


def _heartbeat(server: LiveServer, branch: BranchFixture, seconds: int) -> None:
    settings = {"alerts": {"device_heartbeat_s": seconds}}
    patched = requests.patch(
        f"{server.url}/api/v1/branches/{branch.id}", json={"settings": settings}, headers=branch.headers("manager")
    )
    assert patched.status_code == 200


def _page(server: LiveServer, token: str, heard: list[dict[str, Any]]) -> socketio.Client:
    """The kiosk's screen as it speaks on the wire: a device socket without the agent flag."""
    page = socketio.Client(reconnection=False)
    page.on("agent_status", heard.append)
    page.connect(server.url, auth={"token": token}, wait_timeout=5)
    return page


def test_the_kiosk_page_learns_at_once_whether_its_printer_agent_is_there(live) -> None:
    server, branch = live
    heard: list[dict[str, Any]] = []
    page = _page(server, branch.tokens["kiosk"], heard)
    try:
        assert page.call("agent_status", {}, timeout=5)["online"] is False  # no agent yet
        agent = KioskAgent(server.url, branch.tokens["kiosk"], RecordingPrinter(), max_retry_delay=0.5)
        agent.start()
        try:
            assert wait_for(lambda: heard and heard[-1]["online"], timeout=10)
            assert page.call("agent_status", {}, timeout=5)["online"] is True
            kiosk = wait_for(lambda: (k := _kiosk(server, branch))["parts"].keys() >= {"page", "agent"} and k)
            assert kiosk["parts"]["agent"]["online"] and kiosk["parts"]["page"]["online"] and kiosk["online"]
        finally:
            agent.stop()
        assert wait_for(lambda: heard[-1]["online"] is False, timeout=5)  # pushed when it went, not polled
        assert page.call("agent_status", {}, timeout=5)["online"] is False  # and asked, the same at once
        # past the 10 s between a held socket's heartbeats, so the page that stays is not missed
        _heartbeat(server, branch, 15)
        # the screen is still there, the agent is not: the kiosk is offline, and the alert says which part
        (offline,) = wait_for(lambda: _open(server, branch, "device_offline"), timeout=40)
        assert offline["subject"] == {"device_id": branch.devices["kiosk"]}
        assert "agent" in offline["message"]["en"] and "代理程序" in offline["message"]["zh"]
        kiosk = _kiosk(server, branch)
        assert (kiosk["online"], kiosk["parts"]["page"]["online"], kiosk["parts"]["agent"]["online"]) == (
            False,
            True,
            False,
        )
    finally:
        page.disconnect()


def test_a_real_display_agent_is_its_displays_agent_part(live) -> None:
    server, branch = live

    class Silent:
        reason = ""

        def play(self, wav: bytes) -> None:
            pass

    agent = DisplayAgent(server.url, branch.tokens["display"], branch.id, Silent())
    agent.start()
    try:
        display = wait_for(lambda: next(d for d in _get(server, branch, "devices") if d["kind"] == "display")["parts"])
        assert list(display) == ["agent"] and display["agent"]["online"] is True
    finally:
        agent.stop()
