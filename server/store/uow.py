"""Unit of work: one transaction, its repositories, and the branches whose events to push."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine

from server.store import repositories as r
from server.store import repositories_booking as rb
from server.store.repositories_login import LoginFailures
from server.store.stats import TicketStats
from server.store.ticket_repository import Tickets


class UnitOfWork:
    """Opened by ``SqlStore.write()`` or ``.read()``; commits on a clean exit."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.branches = r.Branches(conn)
        self.services = r.Services(conn)
        self.counters = r.Counters(conn)
        self.users = r.Users(conn)
        self.devices = r.Devices(conn)
        self.tokens = r.Tokens(conn)
        self.login_failures = LoginFailures(conn)
        self.tickets = Tickets(conn)
        self.events = r.Events(conn)
        self.audit = r.Audit(conn)
        self.appointments, self.slots = rb.Appointments(conn), rb.Slots(conn)
        self.booking_settings, self.closures = rb.BookingSettings(conn), rb.Closures(conn)
        self.notifications = rb.Notifications(conn)
        self.stats = TicketStats(conn)  # read-only
        # branch ids that got new events: pushed to clients after commit
        self.touched: set[int] = set()

    def emit(self, branch_id: int, name: str, payload: dict[str, Any], at: Any) -> int:
        self.touched.add(branch_id)
        return self.events.append(branch_id, name, {"branch_id": branch_id, **payload}, at)


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        with self.engine.begin() as conn:
            yield UnitOfWork(conn)

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        conn = self.engine.connect()
        if self.dialect == "sqlite":
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        try:
            with conn.begin():
                yield UnitOfWork(conn)
        finally:
            conn.close()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """Move the SQLite write-ahead log into the database off the request path.

        Returns SQLite's (busy, frames in the log, frames checkpointed); None elsewhere.
        """
        if self.dialect == "sqlite":
            # Outside any transaction: a checkpoint inside one fails with "table is locked".
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                busy, frames, done = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                cursor.close()
            finally:
                raw.close()
            return int(busy), int(frames), int(done)
        return None
