"""Serving with gunicorn's threaded worker: Werkzeug's dev server delays small writes."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication


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


def run_gunicorn(app: Any, host: str, port: int, threads: int, on_worker_start: Any = None) -> None:
    # One process: the in-process scheduler, holder updates and outbox flush live here.
    # Scale out with several `branchq serve` processes + SOCKETIO_MESSAGE_QUEUE (see deploy/).
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 0,
            "graceful_timeout": 5,
            "keepalive": 5,
            "accesslog": None,
            "loglevel": "warning",
            # Pooled connections must not cross a fork, and background threads (outbox flush,
            # holder updates, scheduler) must run in the worker that has the sockets: a flush
            # in the master would push events to no one and move the outbox cursor past them.
            "post_fork": lambda _server, _worker: app.extensions["branchq"].deps.store.engine.dispose(),
            "post_worker_init": lambda _worker: _worker_started(app, on_worker_start),
        },
    ).run()
