"""Busy keep-alive kiosks take turns with a request that arrives on another socket."""

from __future__ import annotations

import time
from typing import Any

import gevent
from gevent.socket import socketpair

from server.web import serving
from server.web.serving import TakeTurns

BUSY = 8  # kiosks whose next request is always already there
WORK_S = 0.002  # what one ticket costs, on the loop's own time (SQLite's calls never yield)


def test_a_request_that_arrives_is_served_within_a_round_of_the_busy_kiosks(monkeypatch: Any) -> None:
    served: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started = time.perf_counter()
        while time.perf_counter() - started < WORK_S:
            pass
        served.append(environ["who"])
        return [b""]

    turns = TakeTurns(app)
    stop = gevent.event.Event()

    def busy(name: str) -> None:
        while not stop.is_set():
            turns({"who": name}, None)

    request, kiosk = socketpair()
    arrived_after: list[int] = []
    served_after: list[int] = []

    def waiting() -> None:
        request.recv(16)
        turns({"who": "kiosk"}, None)
        served_after.append(served.index("kiosk"))
        stop.set()

    def arrive() -> None:
        gevent.sleep(20 * WORK_S)
        arrived_after.append(len(served))
        kiosk.send(b"POST /tickets")

    greenlets = [gevent.spawn(waiting), gevent.spawn(arrive)] + [gevent.spawn(busy, f"b{i}") for i in range(BUSY)]
    gevent.joinall(greenlets, timeout=30)
    stop.set()
    request.close()
    kiosk.close()
    assert served_after and arrived_after, "the waiting request was never served"
    # At most three rounds: the one under way, the one in which its socket is read, and the one in
    # which its turn comes. With sleep(0) the busy kiosks were served ~57 times before the loop
    # polled the socket (gevent runs 50 callbacks between polls).
    behind = served_after[0] - arrived_after[0]
    assert behind <= 3 * BUSY, (behind, serving.TURN_S)
