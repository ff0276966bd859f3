"""Every ticket whose issue was answered 201 is stored, with a number no other ticket has:
when one of two server processes is killed (kill -9) under load, and when PostgreSQL restarts
under load (clients then get 503, never 500).

Kiosk threads post as fast as they are answered; the database is read directly afterwards.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.faults.conftest import prepared_branch
from tests.support.builders import BranchFixture
from tests.support.live import LiveServer

pytestmark = pytest.mark.faults

KIOSKS = 6


@dataclass
class Load:
    """Kiosk threads issuing tickets across ``servers`` until stopped; what each was answered."""

    servers: list[LiveServer]
    branch: BranchFixture
    acknowledged: dict[int, str] = field(default_factory=dict)  # ticket id -> number
    statuses: Counter[Any] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def kiosk(self, index: int) -> None:
        session = requests.Session()
        round_ = index
        while not self.stop.is_set():
            server = self.servers[round_ % len(self.servers)]
            round_ += 1
            try:
                r = session.post(
                    f"{server.url}/api/v1/branches/{self.branch.id}/tickets",
                    json={"service_id": self.branch.services["A"]},
                    headers=self.branch.headers("kiosk"),
                    timeout=15,
                )
            except requests.RequestException:
                with self.lock:
                    self.statuses["no answer"] += 1
                time.sleep(0.05)
                continue
            with self.lock:
                if r.status_code == 201:
                    self.acknowledged[r.json()["id"]] = r.json()["number"]
                    self.statuses[201] += 1
                elif r.status_code == 503:
                    self.statuses[(503, r.json()["error"]["code"], r.headers.get("Retry-After"))] += 1
                else:
                    self.statuses[r.status_code] += 1
            if r.status_code != 201:
                time.sleep(0.05)

    def run(self, seconds: float, during: Any) -> None:
        threads = [threading.Thread(target=self.kiosk, args=(i,)) for i in range(KIOSKS)]
        for t in threads:
            t.start()
        try:
            during()
            time.sleep(seconds)
        finally:
            self.stop.set()
            for t in threads:
                t.join(30)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_9(server: LiveServer) -> None:
    """SIGKILL the serving worker first (it holds the requests in flight), then its parent."""
    assert server.process is not None
    for pid in children(server.process.pid):
        os.kill(pid, signal.SIGKILL)
    server.stop(signal.SIGKILL)


def stored_tickets(database_url: str, branch_id: int) -> dict[int, str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, number FROM ticket WHERE branch_id = :b"), {"b": branch_id})
            return {row.id: row.number for row in rows}
    finally:
        engine.dispose()


def assert_nothing_lost(load: Load, stored: dict[int, str]) -> None:
    assert load.acknowledged, load.statuses
    lost = {i: n for i, n in load.acknowledged.items() if stored.get(i) != n}
    assert lost == {}
    assert len(set(stored.values())) == len(stored), "a number was given twice"


def test_kill_9_of_one_of_two_servers_under_load_loses_no_acknowledged_ticket(tmp_path, own_postgres, own_redis):
    b = prepared_branch(tmp_path, own_postgres.url)
    env = {"SOCKETIO_MESSAGE_QUEUE": own_redis.url, "BRANCHQ_RATELIMIT_STORAGE": own_redis.url}
    one = LiveServer(tmp_path / "one", own_postgres.url, extra_env=env).start()
    two = LiveServer(tmp_path / "two", own_postgres.url, extra_env=env | {"BRANCHQ_SCHEDULER": "0"}).start()
    load = Load([one, two], b)

    def kill_one_mid_load() -> None:
        time.sleep(3)
        kill_9(one)

    try:
        load.run(3, kill_one_mid_load)
    finally:
        one.stop()
        two.stop()
    stored = stored_tickets(own_postgres.url, b.id)
    assert_nothing_lost(load, stored)
    assert load.statuses["no answer"] > 0, f"the kill landed after the load: {load.statuses}"
    assert set(load.statuses) <= {201, "no answer"}, load.statuses
    print(f"\nkill -9 of one of two: {len(load.acknowledged)} acknowledged, {len(stored)} stored, {load.statuses}")


def test_postgresql_restart_under_load_answers_503_and_loses_no_acknowledged_ticket(tmp_path, own_postgres):
    b = prepared_branch(tmp_path, own_postgres.url)
    server = LiveServer(tmp_path / "server", own_postgres.url).start()
    load = Load([server], b)
    outage: dict[str, float] = {}

    def restart_mid_load() -> None:
        time.sleep(2)
        own_postgres.stop()
        outage["stopped"] = time.monotonic()
        time.sleep(2)
        own_postgres.start()
        outage["started"] = time.monotonic()

    try:
        load.run(3, restart_mid_load)
    finally:
        server.stop()
    stored = stored_tickets(own_postgres.url, b.id)
    assert_nothing_lost(load, stored)
    refused = {key: count for key, count in load.statuses.items() if key != 201}
    assert refused, "the load never met the outage"
    assert set(refused) <= {(503, "database_unavailable", "5")}, load.statuses
    # A commit cut off by the shutdown may be stored without its answer; never the other way.
    in_doubt = len(stored) - len(load.acknowledged)
    assert 0 <= in_doubt <= sum(refused.values())
    print(
        f"\nPostgreSQL restart: {len(load.acknowledged)} acknowledged, {len(stored)} stored, {load.statuses}, "
        f"outage {outage['started'] - outage['stopped']:.1f} s"
    )
