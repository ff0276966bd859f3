"""A pass over a branch's tracking pages lets the event loop serve sockets and timers between tickets."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import gevent
from gevent.socket import socketpair

from server.web.holders import HolderUpdates

TICKETS = 200
VIEW_S = 0.002  # what reading one ticket's view costs, on the loop's own time


class _Store:
    @contextmanager
    def read(self) -> Any:
        yield SimpleNamespace(branches=SimpleNamespace(seqs=lambda: {1: 1}))


def test_a_pass_over_many_phones_lets_a_waiting_request_in_between_tickets() -> None:
    viewed: list[int] = []

    class Updates(HolderUpdates):
        def push_now(self, ticket_id: int, branch_seq: int | None = None) -> None:
            started = time.perf_counter()
            while time.perf_counter() - started < VIEW_S:  # SQLite's calls never yield either
                pass
            viewed.append(ticket_id)
            if len(viewed) == TICKETS:
                self.stop.set()

    namespace = SimpleNamespace(lock=threading.Lock(), holders={t: {"sid"} for t in range(TICKETS)})
    wiring = SimpleNamespace(socketio=SimpleNamespace(sleep=gevent.sleep), deps=SimpleNamespace(store=_Store()))
    updates = Updates(wiring, namespace, interval=0.001)
    request, kiosk = socketpair()
    served_after: list[int] = []

    def serve_request() -> None:  # a request waiting on its socket
        request.recv(16)
        served_after.append(len(viewed))

    def arrive() -> None:  # a kiosk's request arrives a few tickets into the pass
        gevent.sleep(10 * VIEW_S)
        kiosk.send(b"POST /tickets")

    waiting = [gevent.spawn(serve_request), gevent.spawn(arrive)]
    gevent.sleep(0)
    gevent.spawn(updates.run).join(timeout=30)
    gevent.joinall(waiting, timeout=5)
    request.close()
    kiosk.close()
    assert len(viewed) == TICKETS
    # With sleep(0) between tickets the loop polled no socket and ran no timer for half the
    # pass: the request came in after ~100 of the 200 tickets.
    assert served_after and served_after[0] < 30, served_after
