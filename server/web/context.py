"""Access to the app's wiring from views and socket handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from server.services.context import Deps
from server.settings import Settings


@dataclass
class Wiring:
    deps: Deps
    settings: Settings
    socketio: Any
    relay: Any
    speech: Any = None
    scheduler: Any = None
    print_jobs: Any = None
    holder_updates: Any = None
    websockets: Any = None  # eio sid -> fanout.Channel of this process's open websockets
    admission: Any = None  # web.admission.Admission: caps on live connections


def wiring() -> Wiring:
    w: Wiring = current_app.extensions["branchq"]
    return w


def deps() -> Deps:
    return wiring().deps
