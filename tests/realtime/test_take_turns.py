"""Busy keep-alive kiosks take turns with a request that arrives on another socket."""

from __future__ import annotations

import time
from typing import Any

import gevent
from gevent.socket import socketpair

from server.web import serving
from server.web.serving import WAITED_TURN, TakeTurns

BUSY = 8  # kiosks whose next request is always already there
WORK_S = 0.002  # what one ticket costs, on the loop's own time (SQLite's calls never yield)


def served_behind(waited_turn: bool) -> int:
    """How many busy kiosks' requests were served between a request's arrival and its own."""
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
        request.recv(16)  # the loop's poll brings the request in, as it does a request line
        turns({"who": "kiosk", WAITED_TURN: waited_turn}, None)
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
    return served_after[0] - arrived_after[0]


def test_a_request_that_arrives_is_served_within_a_round_of_the_busy_kiosks() -> None:
    # At most three rounds: the one under way, the one in which its socket is read, and the one in
    # which its turn comes. With sleep(0) the busy kiosks were served ~57 times before the loop
    # polled the socket (gevent runs 50 callbacks between polls).
    behind = served_behind(waited_turn=False)
    assert behind <= 3 * BUSY, (behind, serving.TURN_S)


def test_a_request_the_loop_brought_in_is_not_sent_round_again() -> None:
    # Its socket was read in the loop's poll, so it is in line already: two rounds at most (21
    # behind when it stepped back once more, 13 when it does not).
    behind = served_behind(waited_turn=True)
    assert behind <= 2 * BUSY, behind


def test_the_worker_marks_a_request_whose_line_the_loop_had_to_wait_for() -> None:
    """Over a real socket: a request that came after a wait is marked; one pipelined behind
    another, read from what was already buffered, is not (it has not been in line)."""
    import socket

    from gevent.pywsgi import WSGIServer

    from server.web.gevent_worker import DeadlineHandler

    class QuietLog:  # gunicorn's handler logs through the server's access log
        def write(self, line: str) -> None: ...

        def access(self, *args: Any) -> None: ...

    marks: list[bool] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        marks.append(environ[WAITED_TURN])
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    server = WSGIServer(("127.0.0.1", 0), app, handler_class=DeadlineHandler, log=QuietLog())
    server.start()
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as client:
            gevent.sleep(0.05)  # connected, nothing sent yet: the handler waits on the loop
            client.sendall(request + request)
            answered = b""
            while answered.count(b"ok") < 2:
                gevent.sleep(0.01)
                answered += client.recv(4096)
    finally:
        server.stop()
    assert marks == [True, False]
