"""Which database errors are faults (503) and which are defects (still 500, still logged)."""

from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
from sqlalchemy import create_engine, exc, text

from server.store.faults import BUSY, FULL, UNAVAILABLE, classify

pytestmark = pytest.mark.faults


def sqlalchemy_error(orig: Exception) -> exc.DBAPIError:
    return exc.DBAPIError.instance("SELECT 1", {}, orig, psycopg.Error)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (psycopg.errors.DiskFull(), FULL),
        (psycopg.errors.AdminShutdown(), UNAVAILABLE),
        (psycopg.errors.CannotConnectNow(), UNAVAILABLE),
        (psycopg.errors.TooManyConnections(), UNAVAILABLE),
        (psycopg.OperationalError("connection refused"), UNAVAILABLE),
        (psycopg.errors.LockNotAvailable(), BUSY),
        (psycopg.errors.DeadlockDetected(), BUSY),
        (psycopg.errors.UndefinedTable(), None),
        (psycopg.errors.UniqueViolation(), None),
    ],
)
def test_postgresql_errors_by_sqlstate(error, kind):
    assert classify(sqlalchemy_error(error)) == kind


def test_sqlite_lock_is_busy_and_a_missing_table_is_a_defect(tmp_path):
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(exc.OperationalError) as locked, engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        assert classify(locked.value) == BUSY
        holder.execute("ROLLBACK")
        with pytest.raises(exc.OperationalError) as missing, engine.connect() as conn:
            conn.execute(text("SELECT * FROM nowhere"))
        assert classify(missing.value) is None
    finally:
        holder.close()
        engine.dispose()
