"""A real kiosk agent against a real `branchq serve`: its live socket is its heartbeat, and the
server's own scheduler raises and clears printer_fault and device_offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

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
