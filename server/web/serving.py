"""Serving with gunicorn: the gevent worker by default, the threaded worker on request.

gevent gives each connection a greenlet, so one process holds thousands of idle
websockets (tracking pages, screens) while HTTP stays fast; the threaded worker holds one
thread per websocket for its whole life and stalls once they are all taken. Werkzeug's
development server is never used: it delays small writes (no TCP_NODELAY).
"""

from __future__ import annotations

import gc
import logging
import resource
import time
from typing import Any

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)

# Greenlets per process: every websocket and every HTTP request in flight holds one.
GEVENT_CONNECTIONS = 20000


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def _worker_started(app: Any, on_worker_start: Any) -> None:
    if on_worker_start:
        on_worker_start(app)
    # Everything loaded so far lives as long as the process: keep it out of the cyclic
    # collector, whose full passes over it took ~130 ms and stalled calls in flight.
    gc.collect()
    gc.freeze()
    FullCollections(app.extensions["branchq"].socketio.sleep).start(app.extensions["branchq"].socketio)


class FullCollections:
    """The cyclic collector's full passes, moved out of busy hours.

    A full pass walks every tracked object: ~150 per live connection, so 0.8 s at 10,000
    connections, during which nothing else runs. Young generations are still collected as
    usual (they stay small); the full pass runs only when the old generation has grown by
    half since the last one (garbage cycles of closed connections wait for it), at most
    once per ``min_interval`` seconds.
    """

    def __init__(self, sleep: Any, *, check_every: float = 300.0, min_interval: float = 1800.0) -> None:
        self.sleep = sleep
        self.check_every = check_every
        self.min_interval = min_interval
        self.baseline = 0
        self.passes: list[float] = []  # seconds each full pass took

    def start(self, socketio: Any) -> None:
        young, middle, _old = gc.get_threshold()
        gc.set_threshold(young, middle, 1 << 30)  # no automatic full pass
        self.baseline = len(gc.get_objects(generation=2))
        socketio.start_background_task(self.run)

    def due(self, old: int, since_last: float) -> bool:
        return since_last >= self.min_interval and old > 1.5 * max(self.baseline, 10000)

    def run(self) -> None:
        last = time.monotonic()
        while True:
            self.sleep(self.check_every)
            old = len(gc.get_objects(generation=2))
            if not self.due(old, time.monotonic() - last):
                continue
            started = time.monotonic()
            gc.collect()
            last = time.monotonic()
            self.passes.append(last - started)
            self.baseline = len(gc.get_objects(generation=2))
            log.info("full collection of %d objects took %.0f ms", old, (last - started) * 1000)


# How long a request steps back before it is served: any positive time, so that it waits for the
# loop's next turn (docs/stack.md, trap 29).
TURN_S = 1e-6
# In a request's environ: True when the loop polled while its request line was awaited, so it
# is in line already, behind every socket that became readable before it (gevent_worker).
WAITED_TURN = "branchq.waited_turn"


class TakeTurns:
    """WSGI middleware for the gevent worker: each request first goes to the back of the line.

    A keep-alive connection whose next request is already waiting is read again at once, and
    SQLite never yields: a few busy kiosks were served over and over while others waited
    (8 kiosks: p50 4 ms, p90 450 ms). One yield per request serves them in turn. The line is
    the loop's next turn, behind sockets that became readable meanwhile: with ``sleep(0)`` a
    request re-queued among the loop's callbacks, and gevent runs up to 50 of those before it
    polls again, so 8 busy kiosks went round several times while a request already sent waited
    unread (p99 130 ms instead of 61). A request whose line the loop's poll brought in
    (``WAITED_TURN``) is in line already and is served at once: one round less for it.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        import gevent

        self.sleep = gevent.sleep

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get(WAITED_TURN):
            self.sleep(TURN_S)
        return self.app(environ, start_response)


def raise_open_files_limit(wanted: int) -> int:
    """Lift the soft limit on open descriptors towards the hard one: each connection is one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def worker_options(worker: str, threads: int) -> dict[str, Any]:
    if worker == "gevent":
        return {"worker_class": "server.web.gevent_worker.DeadlineWorker", "worker_connections": GEVENT_CONNECTIONS}
    if worker == "gthread":
        return {"worker_class": "gthread", "threads": threads}
    raise ValueError(f"unknown worker {worker!r}: use gevent or gthread")


def run_gunicorn(
    app: Any,
    host: str,
    port: int,
    *,
    worker: str = "gevent",
    threads: int = 256,
    on_worker_start: Any = None,
    on_ready: Any = None,
) -> None:
    # One process: the in-process scheduler, holder updates and outbox flush live here.
    # Scale out with several `branchq serve` processes + SOCKETIO_MESSAGE_QUEUE (see deploy/).
    limit = raise_open_files_limit(2 * GEVENT_CONNECTIONS + 1024)
    if limit < GEVENT_CONNECTIONS:
        log.warning("open files limit is %d: at most that many connections", limit)
    options = worker_options(worker, threads) | {
        "bind": f"{host}:{port}",
        "workers": 1,
        "timeout": 0,
        "graceful_timeout": 5,
        "keepalive": 5,
        "backlog": 4096,
        "accesslog": None,
        "loglevel": "warning",
        # Pooled connections must not cross a fork, and background work (outbox flush,
        # holder updates, scheduler) must run in the worker that has the sockets: a flush
        # in the master would push events to no one and move the outbox cursor past them.
        "post_fork": lambda _server, _worker: app.extensions["branchq"].deps.store.engine.dispose(),
        "post_worker_init": lambda _worker: _worker_started(app, on_worker_start),
    }
    if on_ready:
        options["when_ready"] = lambda _server: on_ready()
    _Gunicorn(app, options).run()
