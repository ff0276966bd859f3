"""Database faults the operator must fix or wait out, told apart from defects.

The store turns them into one exception, ``StoreFault``, whose ``kind`` says which:
``unavailable`` (the server is down or unreachable), ``busy`` (a lock held longer than the
busy timeout) or ``full`` (no room to write). Anything else (a defect) propagates unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc

UNAVAILABLE, BUSY, FULL = "unavailable", "busy", "full"

# SQLite result codes by name (sqlite3.Error.sqlite_errorname, e.g. "SQLITE_BUSY_SNAPSHOT")
_SQLITE_KINDS = (
    ("SQLITE_BUSY", BUSY),
    ("SQLITE_LOCKED", BUSY),
    ("SQLITE_FULL", FULL),
    ("SQLITE_IOERR", UNAVAILABLE),
    ("SQLITE_CANTOPEN", UNAVAILABLE),
    ("SQLITE_READONLY", UNAVAILABLE),
)
# PostgreSQL SQLSTATE: 53100 disk_full; class 53 insufficient resources; 57P01-03 shutting
# down or starting up; class 08 connection exceptions; lock waits and cancelled statements
_PG_BUSY = {"40P01", "55P03", "57014"}


class StoreFault(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"database {kind}: {detail}")
        self.kind = kind


def classify(error: BaseException) -> str | None:
    """The fault kind of a SQLAlchemy error, or None for a defect."""
    if isinstance(error, exc.TimeoutError):  # every pooled connection in use past the pool timeout
        return BUSY
    if not isinstance(error, exc.DBAPIError):
        return None
    if error.connection_invalidated:
        return UNAVAILABLE
    original = error.orig
    name = getattr(original, "sqlite_errorname", None)
    if name is not None:
        return next((kind for prefix, kind in _SQLITE_KINDS if name.startswith(prefix)), None)
    if not isinstance(error, exc.OperationalError | exc.InterfaceError):
        return None
    state = getattr(original, "sqlstate", None)
    if state is None or state.startswith(("08", "57P")):
        return UNAVAILABLE  # no SQLSTATE: the connection itself failed
    if state == "53100":
        return FULL
    if state in _PG_BUSY:
        return BUSY
    if state.startswith("53"):
        return UNAVAILABLE
    return None


class StoreHealth:
    """The last write fault, until a write succeeds again: /healthz reports it."""

    # after this long without another write, a probe alone decides
    REMEMBER_SECONDS = 30.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fault: tuple[str, float] | None = None

    def failed(self, kind: str) -> None:
        with self._lock:
            self._fault = (kind, time.monotonic())

    def wrote(self) -> None:
        if self._fault is not None:
            with self._lock:
                self._fault = None

    def last_fault(self) -> str | None:
        with self._lock:
            if self._fault is None or time.monotonic() - self._fault[1] > self.REMEMBER_SECONDS:
                return None
            return self._fault[0]


@contextmanager
def translated(health: StoreHealth | None = None) -> Iterator[None]:
    """Re-raise a database fault as StoreFault (noting it in ``health``)."""
    try:
        yield
    except (exc.DBAPIError, exc.TimeoutError) as error:
        kind = classify(error)
        if kind is None:
            raise
        if health is not None:
            health.failed(kind)
        raise StoreFault(kind, str(error.orig if isinstance(error, exc.DBAPIError) else error)) from error
