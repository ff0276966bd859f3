"""Engine creation: SQLite in WAL mode with real write transactions, or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

from server.settings import SettingsError


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


def check_reachable(engine: Engine) -> None:
    """Connect once; a database that cannot be reached is a :class:`SettingsError` in one line."""
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        cause = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
        where = engine.url.set(drivername=engine.url.get_backend_name()).render_as_string(hide_password=True)
        raise SettingsError(f"cannot reach the database {where} (DATABASE_URL): {cause}") from None


def _sqlite_engine(url: str) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    args = {"check_same_thread": False, "timeout": 30}
    if memory:
        engine = create_engine(url, connect_args=args, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args=args, pool_size=16, max_overflow=32)

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
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Every transaction that may write takes the write lock up front: a read-then-write
        # transaction under a deferred BEGIN lets two tellers read the same waiting ticket.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
