"""gunicorn's gevent worker on gevent's own WSGI server, with a deadline for each request.

gevent's server (``gevent.pywsgi``) writes a response's headers and body in one send and
parses a request in less Python than gunicorn's parser: a kiosk's ticket costs the worker
2.55 ms of CPU instead of 3.0 (docs/performance.md). It reads a request with no deadline,
though: a client that connects and sends nothing, or sends its headers a byte at a time,
or leaves a keep-alive connection idle, would hold a greenlet for ever. As gunicorn's own
gevent worker does (``keepalive``), the wait for a request and its headers is bounded.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import gevent
from gunicorn.workers.ggevent import GeventPyWSGIWorker, PyWSGIHandler

from server.web.serving import WAITED_TURN

# The longest a connection may wait for its next request line, and then for its headers.
REQUEST_DEADLINE_S = 5.0


def _loop_turn() -> int | None:
    """How often the event loop has polled (libev's count); None where the loop does not say."""
    return getattr(gevent.get_hub().loop, "iteration", None)


# What a stop need not wait for: greenlets waiting for a next request, and the handlers of
# websockets (hung up on, their clients reconnect to the next process and resync).
_idle: set[Any] = set()
_websockets: set[Any] = set()


class DeadlineHandler(PyWSGIHandler):  # type: ignore[misc]
    waited_turn = False  # whether the loop polled while this request's line was awaited

    def read_requestline(self) -> Any:
        current = gevent.getcurrent()
        _idle.add(current)
        turn = _loop_turn()
        try:
            # an idle connection is closed quietly, like one the client closed
            with gevent.Timeout(REQUEST_DEADLINE_S, TimeoutError("no request")):
                return super().read_requestline()
        finally:
            _idle.discard(current)
            self.waited_turn = turn is not None and _loop_turn() != turn

    def handle_one_response(self) -> Any:
        websocket = self.environ.get("HTTP_UPGRADE", "").lower() == "websocket"
        if websocket:
            _websockets.add(self)
        try:
            return super().handle_one_response()
        finally:
            _websockets.discard(self)

    def read_request(self, raw_requestline: str) -> Any:
        # headers that do not come in time are a client error (logged, then closed)
        with gevent.Timeout(REQUEST_DEADLINE_S, ValueError("request headers too slow")):
            return super().read_request(raw_requestline)

    def get_environ(self) -> Any:
        env = super().get_environ()
        env[WAITED_TURN] = self.waited_turn
        if env.get("HTTP_UPGRADE", "").lower() != "websocket" and self.wsgi_input is not None:
            # gevent hands the raw stream to any request saying "Connection: upgrade", and a
            # common proxy line sends that on every request: a POST's body would be read
            # until the proxy hangs up. Only a websocket handshake gets the raw stream.
            env["wsgi.input"] = self.wsgi_input
            env["wsgi.input_terminated"] = True
        return env


class DeadlineWorker(GeventPyWSGIWorker):  # type: ignore[misc]
    wsgi_handler = DeadlineHandler

    def handle_exit(self, sig: int, frame: Any) -> None:
        """A graceful stop waits for requests in flight only, not for the whole grace period."""
        super().handle_exit(sig, frame)
        for greenlet in list(_idle):
            greenlet.kill(block=False)
        for handler in list(_websockets):
            # Engine.IO sees the client go and closes the session the ordinary way
            with contextlib.suppress(OSError, AttributeError):
                handler.socket.shutdown(socket.SHUT_RDWR)
