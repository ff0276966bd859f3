"""The whole walk-in flow over the wire: a real server process, HTTP kiosks and tellers,
python-socketio screens subscribed throughout."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.realtime.support import Screen
from tests.support.builders import build_branch
from tests.support.live import LiveServer

pytestmark = pytest.mark.slow


def seed(database_url: str, tmp_path: Path) -> dict:
    """Build the branch through the services before the server starts."""
    from server.store import migrate
    from server.web import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path, database_url))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    b = build_branch(deps, counters={1: "AB", 2: "BA", 3: "AB"})
    deps.store.engine.dispose()
    return {"branch": b}


class Run:
    """Kiosks issuing and tellers serving over HTTP, recording what happened."""

    def __init__(self, url: str, branch: Any) -> None:
        self.url, self.b = url, branch
        self.kiosks_done = threading.Event()
        self.issued: list[str] = []
        self.called: list[int] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def kiosk(self, k: int) -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {self.b.tokens['kiosk']}"
            for i in range(250):
                prefix = "A" if (i + k) % 3 else "B"
                cls = ("regular", "vip", "priority")[(i * 7 + k) % 3]
                r = http.post(
                    f"{self.url}/api/v1/branches/{self.b.id}/tickets",
                    json={"service_id": self.b.services[prefix], "customer_class": cls},
                    timeout=30,
                )
                if r.status_code != 201:
                    self.errors.append(f"issue {r.status_code} {r.text}")
                    continue
                with self.lock:
                    self.issued.append(r.json()["number"])

    def teller(self, counter_id: int) -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {self.b.tokens['teller']}"
            http.post(f"{self.url}/api/v1/counters/{counter_id}/open", timeout=30).raise_for_status()
            while True:
                r = http.post(f"{self.url}/api/v1/counters/{counter_id}/call-next", timeout=30)
                if r.status_code == 204:
                    if self.kiosks_done.is_set():
                        return
                    continue
                if r.status_code != 200:
                    self.errors.append(f"call {r.status_code} {r.text}")
                    continue
                ticket_id = r.json()["id"]
                with self.lock:
                    self.called.append(ticket_id)
                for step in ("start", "finish"):
                    http.post(f"{self.url}/api/v1/tickets/{ticket_id}/{step}", timeout=30).raise_for_status()


def test_four_kiosks_three_counters_and_screens_over_the_wire(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    b = seed(database_url, tmp_path)["branch"]
    server = LiveServer(tmp_path / "inst", database_url).start()
    try:
        screens = [Screen(server.url, b.tokens[who], b.id).connect() for who in ("display", "teller", "manager")]
        run = Run(server.url, b)

        kiosk_threads = [threading.Thread(target=run.kiosk, args=(k,)) for k in range(4)]
        teller_threads = [threading.Thread(target=run.teller, args=(cid,)) for cid in b.counters.values()]
        for t in kiosk_threads + teller_threads:
            t.start()
        for t in kiosk_threads:
            t.join(300)
        run.kiosks_done.set()
        for t in teller_threads:
            t.join(300)

        assert run.errors == []
        assert len(run.issued) == 1000 and len(set(run.issued)) == 1000
        assert len(run.called) == 1000 and Counter(run.called).most_common(1)[0][1] == 1

        final = requests.get(
            f"{server.url}/api/v1/branches/{b.id}/queue", headers=b.headers("display"), timeout=10
        ).json()["seq"]
        for screen in screens:
            assert screen.wait_for_seq(final), f"screen stopped at {screen.seq} of {final}"
            # On the wire: every event exactly once, in seq order, nothing to recover. (Staff
            # screens may hear alerts raised after ``final`` was read: idle counters, long waits.)
            assert [q for q in screen.new_wire_seqs() if q <= final] == list(range(screen.snapshot_seq + 1, final + 1))
            assert screen.gap_resyncs == 0 and screen.resyncs == 0
            seqs = [seq for seq, _name, _data in screen.events if seq <= final]
            assert seqs == list(range(screen.snapshot_seq + 1, final + 1))
            assert all(name == "alert" for seq, name, _data in screen.events if seq > final)
            calls = screen.names("ticket_called")
            assert sorted(c["ticket_id"] for c in calls) == sorted(run.called)
            screen.close()
    finally:
        server.stop()
