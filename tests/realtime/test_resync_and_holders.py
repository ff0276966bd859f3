"""Screens that drop off resync from seq; ticket holders follow their ticket live."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from server import protocol
from server.services import queue
from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.realtime.support import Screen
from tests.support.builders import build_branch
from tests.support.live import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def live(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = create_app(make_settings(tmp_path, url))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    b = build_branch(deps, counters={1: "AB"})
    deps.store.engine.dispose()
    server = LiveServer(tmp_path / "inst", url).start()
    yield server, b, url
    server.stop()


def api(server: LiveServer, b: Any, who: str, method: str, path: str, **kw: Any) -> Any:
    r = requests.request(method, server.url + path, headers=b.headers(who), timeout=10, **kw)
    assert r.status_code < 300, r.text
    return r.json() if r.content else None


def test_sync_returns_exactly_the_missed_events_in_order(live):
    server, b, _ = live
    screen = Screen(server.url, b.tokens["display"], b.id).connect()
    start = screen.seq
    screen.client.disconnect()
    for _ in range(5):
        api(server, b, "kiosk", "POST", f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]})
    client = socketio.Client()
    client.connect(server.url, auth={"token": b.tokens["display"]}, transports=["websocket"])
    answer = client.call(protocol.SYNC, {"branch_id": b.id, "since_seq": start}, timeout=10)
    seqs = [e["data"]["seq"] for e in answer["events"]]
    assert seqs == list(range(start + 1, start + 6))
    assert {e["event"] for e in answer["events"]} == {"ticket_issued"}
    # from any seq: the tail only
    tail = client.call(protocol.SYNC, {"branch_id": b.id, "since_seq": start + 3}, timeout=10)
    assert [e["data"]["seq"] for e in tail["events"]] == [start + 4, start + 5]
    # after the sync the client is subscribed: the next event arrives live
    got: list[dict] = []
    client.on(protocol.TICKET_ISSUED, got.append)
    api(server, b, "kiosk", "POST", f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]})
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        time.sleep(0.02)
    assert got and got[0]["seq"] == start + 6
    client.disconnect()


def test_sync_from_a_pruned_or_future_seq_gives_a_snapshot(tmp_path, deps):
    from server.services import auth, tickets

    b = build_branch(deps)
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])
    display = auth.authenticate(deps, b.tokens["display"])
    for _ in range(6):
        tickets.issue_ticket(deps, kiosk, b.id, b.services["A"])
    with deps.store.write() as uow:
        uow.events.prune(b.id, keep=3)
    last = queue.snapshot(deps, display, b.id)["seq"]
    assert "events" in queue.missed_events(deps, display, b.id, last - 2)
    assert "snapshot" in queue.missed_events(deps, display, b.id, 1)
    assert "snapshot" in queue.missed_events(deps, display, b.id, last + 10)
    assert queue.missed_events(deps, display, b.id, last - 2)["events"][-1]["data"]["seq"] == last


def test_screen_resyncs_after_a_server_restart_without_losing_a_call(live):
    server, b, _ = live
    screen = Screen(server.url, b.tokens["display"], b.id).connect()
    api(server, b, "teller", "POST", f"/api/v1/counters/{b.counters[1]}/open")
    first = api(server, b, "kiosk", "POST", f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]})
    second = api(server, b, "kiosk", "POST", f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]})
    api(server, b, "teller", "POST", f"/api/v1/counters/{b.counters[1]}/call-next")
    server.stop()
    server.start()  # same port, same database
    api(server, b, "teller", "POST", f"/api/v1/tickets/{first['id']}/no-show")
    api(server, b, "teller", "POST", f"/api/v1/counters/{b.counters[1]}/call-next")
    final = api(server, b, "display", "GET", f"/api/v1/branches/{b.id}/queue")["seq"]
    assert screen.wait_for_seq(final, timeout=20)
    calls = [c["ticket_id"] for c in screen.names("ticket_called")]
    assert calls == [first["id"], second["id"]]  # each once, in order
    assert [seq for seq, _n, _d in screen.events] == list(range(screen.snapshot_seq + 1, final + 1))
    assert screen.resyncs >= 1
    screen.close()


def test_ticket_holder_sees_position_turn_near_and_counter(live):
    server, b, _ = live
    tickets = [
        api(server, b, "kiosk", "POST", f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]})
        for _ in range(4)
    ]
    mine = tickets[-1]
    token = mine["track_url"].split("token=")[1]
    updates: list[dict] = []
    holder = socketio.Client()
    holder.on(protocol.TICKET_UPDATED, lambda data: updates.append(data["ticket"]))
    holder.connect(server.url, auth={"ticket": mine["id"], "token": token}, transports=["websocket"])

    def wait_for(check: Any) -> dict:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for update in list(updates):
                if check(update):
                    return update
            time.sleep(0.05)
        raise AssertionError(f"no matching update in {updates}")

    assert wait_for(lambda u: u["people_ahead"] == 3)["turn_near"] is False
    api(server, b, "teller", "POST", f"/api/v1/counters/{b.counters[1]}/open")
    for _ in range(3):
        called = api(server, b, "teller", "POST", f"/api/v1/counters/{b.counters[1]}/call-next")
        api(server, b, "teller", "POST", f"/api/v1/tickets/{called['id']}/no-show")
    assert wait_for(lambda u: u["people_ahead"] == 0)["turn_near"] is True
    api(server, b, "teller", "POST", f"/api/v1/counters/{b.counters[1]}/call-next")
    called = wait_for(lambda u: u["status"] == "called")
    assert called["counter_number"] == 1 and "track_url" not in called
    holder.disconnect()
    wrong = socketio.Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        wrong.connect(server.url, auth={"ticket": mine["id"], "token": "guess"}, transports=["websocket"])
