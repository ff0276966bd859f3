"""PostgreSQL stopped, SQLite locked, SQLite's disk full: a clear 503, then recovery on its own.

Real server processes (``branchq serve``) on a PostgreSQL cluster of the test's own, or a
SQLite file; nothing is restarted but the database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from server import protocol
from tests.faults.conftest import prepared_branch
from tests.support.builders import BranchFixture
from tests.support.live import LiveServer

pytestmark = pytest.mark.faults


def issue(server: LiveServer, b: BranchFixture, timeout: float = 30) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/branches/{b.id}/tickets",
        json={"service_id": b.services["A"]},
        headers=b.headers("kiosk"),
        timeout=timeout,
    )


def assert_fault(response: requests.Response, code: str, retry_after: str) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers["Retry-After"] == retry_after


def waiting(snapshot: dict[str, Any], b: BranchFixture) -> int:
    return next(s["waiting"] for s in snapshot["services"] if s["id"] == b.services["A"])


def health(server: LiveServer) -> tuple[int, dict[str, Any]]:
    r = requests.get(server.url + "/healthz", timeout=30)
    return r.status_code, r.json()


def screen(server: LiveServer, b: BranchFixture) -> socketio.SimpleClient:
    client = socketio.SimpleClient()
    client.connect(server.url, auth={"token": b.tokens["display"]}, transports=["websocket"], wait_timeout=10)
    return client


def until_ok(call: Any, timeout: float = 20) -> tuple[requests.Response, float]:
    """Repeat ``call`` until it gives 201; (the answer, seconds it took)."""
    started = time.monotonic()
    while True:
        r = call()
        if r.status_code == 201 or time.monotonic() - started > timeout:
            return r, time.monotonic() - started
        time.sleep(0.2)


def test_postgresql_stopped_answers_503_and_the_server_recovers_when_it_returns(tmp_path, own_postgres):
    b = prepared_branch(tmp_path, own_postgres.url)
    server = LiveServer(tmp_path / "server", own_postgres.url).start()
    display = screen(server, b)
    try:
        assert issue(server, b).status_code == 201
        own_postgres.stop()

        started = time.monotonic()
        r = issue(server, b)
        time_to_503 = time.monotonic() - started
        assert_fault(r, "database_unavailable", "5")
        assert time_to_503 < 5
        status, body = health(server)
        assert (status, body["status"], body["db"]) == (503, "unavailable", "unavailable")
        ack = display.client.call(protocol.SYNC, {"branch_id": b.id, "since_seq": 0}, timeout=10)
        assert ack["error"]["code"] == "database_unavailable"
        assert (ack["status"], ack["retry_after"]) == (503, 5)

        own_postgres.start()
        r, time_to_recover = until_ok(lambda: issue(server, b))
        assert r.status_code == 201, r.text
        assert r.json()["number"] == "A002"
        assert health(server)[0] == 200
        ack = display.client.call(protocol.SUBSCRIBE, {"branch_id": b.id}, timeout=10)
        assert waiting(ack["snapshot"], b) == 2
        print(f"\nPostgreSQL stopped: 503 after {time_to_503:.2f} s; started: 201 after {time_to_recover:.2f} s")
    finally:
        display.disconnect()
        server.stop()


def _sqlite_server(tmp_path: Path, database: Path, **env: str) -> tuple[LiveServer, BranchFixture]:
    url = f"sqlite:///{database}"
    b = prepared_branch(tmp_path, url)
    return LiveServer(tmp_path / "server", url, extra_env=env).start(), b


def test_a_held_sqlite_lock_answers_503_busy_within_the_busy_timeout_and_clears(tmp_path):
    database = tmp_path / "branchq.sqlite3"
    server, b = _sqlite_server(tmp_path, database, BRANCHQ_DB_BUSY_TIMEOUT="1")
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        started = time.monotonic()
        r = issue(server, b)
        time_to_503 = time.monotonic() - started
        assert_fault(r, "database_busy", "1")
        assert 1 <= time_to_503 < 3
        status, body = health(server)
        assert (status, body["db"]) == (503, "busy")

        holder.execute("ROLLBACK")
        assert issue(server, b).status_code == 201
        assert health(server)[0] == 200
        print(f"\nSQLite lock held, busy timeout 1 s: 503 after {time_to_503:.2f} s")
    finally:
        holder.close()
        server.stop()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    """A 16 MiB tmpfs to fill; it needs root to mount."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16M", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Write until the disk refuses."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(descriptor)
    return filler


def test_sqlite_disk_full_answers_503_storage_full_and_recovers_once_freed(tmp_path, tiny_disk):
    server, b = _sqlite_server(tmp_path, tiny_disk / "branchq.sqlite3")
    try:
        assert issue(server, b).status_code == 201
        filler = fill(tiny_disk)
        # The write-ahead log reuses its space first: issue until a write needs more.
        answers = [issue(server, b) for _ in range(200)]
        codes = [r.status_code for r in answers]
        assert 503 in codes, codes
        first_refusal = answers[codes.index(503)]
        assert_fault(first_refusal, "storage_full", "30")
        assert set(codes[codes.index(503) :]) == {503}
        status, body = health(server)
        assert (status, body["db"]) == (503, "full")

        filler.unlink()
        r = issue(server, b)
        assert r.status_code == 201, r.text
        status, body = health(server)
        assert (status, body["db"]) == (200, "ok")
        snapshot = requests.get(
            f"{server.url}/api/v1/branches/{b.id}/queue", headers=b.headers("teller"), timeout=10
        ).json()
        acknowledged = 1 + codes.count(201) + 1
        assert waiting(snapshot, b) == acknowledged
        print(f"\nSQLite disk full after {codes.count(201)} more tickets; {acknowledged} acknowledged, all stored")
    finally:
        server.stop()
