"""Engine creation: SQLite in WAL mode with real write transactions, or PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

from server.settings import SettingsError

# How long a write waits for another's lock (SQLite) or for a free pooled connection before
# the request is answered 503 database_busy; BRANCHQ_DB_BUSY_TIMEOUT sets it.
DEFAULT_BUSY_TIMEOUT = 5.0


# how long SQLite itself may wait for a lock, in the driver, before we wait in Python
DRIVER_WAIT_MS = 20


def make_engine(url: str, *, pool_size: int = 10, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, busy_timeout)
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # pre-ping: connections broken by a PostgreSQL restart are replaced, not handed out
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=20,
        pool_pre_ping=True,
        pool_timeout=busy_timeout,
        connect_args={"connect_timeout": max(1, round(busy_timeout))},
    )


def _create_private(path: Path) -> None:
    """A new database file is readable by its owner only (0600); SQLite gives its -wal and
    -shm files the same mode. An existing file keeps the mode it has."""
    with contextlib.suppress(FileExistsError, FileNotFoundError):  # SQLite reports a missing folder
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def check_reachable(engine: Engine) -> None:
    """Connect once; a database that cannot be reached is a :class:`SettingsError` in one line."""
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        cause = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
        where = engine.url.set(drivername=engine.url.get_backend_name()).render_as_string(hide_password=True)
        raise SettingsError(f"cannot reach the database {where} (DATABASE_URL): {cause}") from None


def _sqlite_engine(url: str, busy_timeout: float) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    args = {"check_same_thread": False, "timeout": busy_timeout}
    if memory:
        engine = create_engine(url, connect_args=args, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args=args, pool_size=16, max_overflow=32)
        if engine.url.database:
            _create_private(Path(engine.url.database))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints fsync the database file: the serving process runs them in the background
        # (SqlStore.checkpoint); this bound only matters for processes that never do.
        cursor.execute("PRAGMA wal_autocheckpoint=20000")
        # SQLite's own busy handler sleeps inside the driver, which under gevent holds the
        # whole event loop: it waits a moment only, and _on_begin waits the rest cooperatively.
        cursor.execute(f"PRAGMA busy_timeout={min(round(busy_timeout * 1000), DRIVER_WAIT_MS)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # SqlStore.write() takes the write lock up front (IMMEDIATE): a read-then-write
        # transaction under a deferred BEGIN lets two tellers read the same waiting ticket.
        # Anything else only reads, and never waits for the lock: a reader queued in SQLite's
        # busy handler would hold the whole event loop, the lock's holder included.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        deadline = time.monotonic() + busy_timeout
        while True:
            try:
                conn.exec_driver_sql(f"BEGIN {mode}")
                return
            except OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() >= deadline:
                    raise
            time.sleep(0.005)  # another process holds the write lock: let everyone else run meanwhile

    return engine
