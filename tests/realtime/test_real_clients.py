"""The whole walk-in flow over the wire: a real server process, HTTP kiosks and tellers,
python-socketio screens subscribed throughout."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
import requests

from server.services import auth, setup
from tests.realtime.support import Screen
from tests.support.builders import PASSWORD, ROOT, build_branch
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


def test_four_kiosks_three_counters_and_screens_over_the_wire(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    b = seed(database_url, tmp_path)["branch"]
    server = LiveServer(tmp_path / "inst", database_url).start()
    try:
        screens = [Screen(server.url, b.tokens[who], b.id).connect() for who in ("display", "teller", "manager")]
        kiosks_done = threading.Event()
        issued: list[str] = []
        called: list[int] = []
        lock = threading.Lock()
        errors: list[str] = []

        def kiosk(k: int) -> None:
            with requests.Session() as http:
                http.headers["Authorization"] = f"Bearer {b.tokens['kiosk']}"
                for i in range(250):
                    prefix = "A" if (i + k) % 3 else "B"
                    cls = ("regular", "vip", "priority")[(i * 7 + k) % 3]
                    r = http.post(
                        f"{server.url}/api/v1/branches/{b.id}/tickets",
                        json={"service_id": b.services[prefix], "customer_class": cls},
                        timeout=30,
                    )
                    if r.status_code != 201:
                        errors.append(f"issue {r.status_code} {r.text}")
                        continue
                    with lock:
                        issued.append(r.json()["number"])

        def teller(counter_id: int) -> None:
            with requests.Session() as http:
                http.headers["Authorization"] = f"Bearer {b.tokens['teller']}"
                http.post(f"{server.url}/api/v1/counters/{counter_id}/open", timeout=30).raise_for_status()
                while True:
                    r = http.post(f"{server.url}/api/v1/counters/{counter_id}/call-next", timeout=30)
                    if r.status_code == 204:
                        if kiosks_done.is_set():
                            return
                        continue
                    if r.status_code != 200:
                        errors.append(f"call {r.status_code} {r.text}")
                        continue
                    ticket_id = r.json()["id"]
                    with lock:
                        called.append(ticket_id)
                    for step in ("start", "finish"):
                        http.post(f"{server.url}/api/v1/tickets/{ticket_id}/{step}", timeout=30).raise_for_status()

        kiosk_threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(4)]
        teller_threads = [threading.Thread(target=teller, args=(cid,)) for cid in b.counters.values()]
        for t in kiosk_threads + teller_threads:
            t.start()
        for t in kiosk_threads:
            t.join(300)
        kiosks_done.set()
        for t in teller_threads:
            t.join(300)

        assert errors == []
        assert len(issued) == 1000 and len(set(issued)) == 1000
        assert len(called) == 1000 and Counter(called).most_common(1)[0][1] == 1

        final = requests.get(
            f"{server.url}/api/v1/branches/{b.id}/queue", headers=b.headers("display"), timeout=10
        ).json()["seq"]
        for screen in screens:
            assert screen.wait_for_seq(final), f"screen stopped at {screen.seq} of {final}"
            # On the wire: every event exactly once, in seq order, nothing to recover.
            assert screen.wire_seqs == list(range(screen.snapshot_seq + 1, final + 1))
            assert screen.gap_resyncs == 0 and screen.resyncs == 0
            seqs = [seq for seq, _name, _data in screen.events]
            assert seqs == list(range(screen.snapshot_seq + 1, final + 1))
            calls = screen.names("ticket_called")
            assert sorted(c["ticket_id"] for c in calls) == sorted(called)
            screen.close()
    finally:
        server.stop()


__all__ = ["PASSWORD", "ROOT", "auth", "setup"]
