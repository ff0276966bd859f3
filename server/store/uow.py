"""Unit of work: one transaction, its repositories, and the branches whose events to push."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from server.store import repositories as r
from server.store import repositories_alerts as ra
from server.store import repositories_booking as rb
from server.store import repositories_floor as rf
from server.store import repositories_presence as rp
from server.store import repositories_remote as rr
from server.store.counter_floor import CounterFloor
from server.store.faults import StoreFault, StoreHealth, translated
from server.store.repositories_login import LoginFailures
from server.store.stats import TicketStats
from server.store.ticket_repository import Tickets

# A branch event as logged: (seq, name, payload).
Event = tuple[int, str, dict[str, Any]]


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
        self.alerts = ra.Alerts(conn)
        self.floor = CounterFloor(conn)
        self.presence = rp.Presence(conn)
        self.appointments, self.slots = rb.Appointments(conn), rb.Slots(conn)
        self.booking_settings, self.closures = rb.BookingSettings(conn), rb.Closures(conn)
        self.notifications = rb.Notifications(conn)
        self.eligibility, self.media = rf.Eligibility(conn), rf.Media(conn)
        self.stats = TicketStats(conn)  # read-only
        self.verifications, self.remote_tickets = rr.Verifications(conn), rr.RemoteTickets(conn)
        self.webhooks = rr.WebhookEndpoints(conn)
        self.deliveries = rr.WebhookDeliveries(conn, self.webhooks)
        # branch ids that got new events: pushed to clients after commit
        self.touched: set[int] = set()
        # the events themselves, (seq, name, payload) in seq order per branch
        self.written: dict[int, list[Event]] = {}

    def emit(self, branch_id: int, name: str, payload: dict[str, Any], at: Any) -> int:
        self.touched.add(branch_id)
        seq, stored = self.events.append(branch_id, name, {"branch_id": branch_id, **payload}, at)
        self.written.setdefault(branch_id, []).append((seq, name, stored))
        # integrators' webhooks: queued with the change, sent later by the scheduler
        self.deliveries.queue(branch_id, name, {"branch_id": branch_id, "seq": seq, **payload}, at)
        return seq


class SqlStore:
    """Database faults (down, locked, full) leave ``write()`` and ``read()`` as StoreFault.

    ``committed`` are called with a write's events (``UnitOfWork.written``) once it has
    committed, before the next writer of this process may begin (SQLite) or commit.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._writers: Any = threading.RLock() if self.dialect == "sqlite" else contextlib.nullcontext()
        self.health = StoreHealth()
        self.committed: list[Callable[[dict[int, list[Event]]], None]] = []

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        # SQLite has one writer at a time. This process's writers queue on a lock of ours
        # (under gevent, a cooperative one) rather than in SQLite's busy handler, which
        # sleeps inside the driver: there it would hold the whole event loop, and the
        # writer it waits for could never run to its commit.
        with translated(self.health), self._writers, self.engine.connect() as conn:
            if self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                uow = UnitOfWork(conn)
                yield uow
            if uow.written:
                for listener in self.committed:
                    listener(uow.written)
        self.health.wrote()

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        with translated(self.health):
            conn = self.engine.connect()
            try:
                with conn.begin():
                    yield UnitOfWork(conn)
            finally:
                conn.close()

    def probe(self) -> str:
        """ "ok", or the fault kind: a read, the write lock (SQLite), then the last write's fault.

        Taking SQLite's write lock writes nothing, so a full disk shows only through the
        last failed write; it is forgotten once a write succeeds.
        """
        try:
            # through our writers' queue: waiting in SQLite for a lock one of ours holds would stall
            with translated(), self._writers, self.engine.connect() as conn:
                if self.dialect == "sqlite":
                    with conn.execution_options(sqlite_begin="IMMEDIATE").begin():
                        conn.execute(text("SELECT 1"))
                else:
                    conn.execute(text("SELECT 1"))
        except StoreFault as fault:
            return fault.kind
        return self.health.last_fault() or "ok"

    def checkpoint(self) -> tuple[int, int, int] | None:
        """Move the SQLite write-ahead log into the database off the request path.

        Returns SQLite's (busy, frames in the log, frames checkpointed); None elsewhere.
        """
        if self.dialect == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            # A connection of its own, outside any transaction (inside one it fails with "table is
            # locked") and outside the pool, so that it may run on any thread: the fsync it does
            # takes a while, and on a worker thread the event loop goes on meanwhile.
            raw = sqlite3.connect(str(self.engine.url.database), timeout=1.0, check_same_thread=False)
            try:
                busy, frames, done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                raw.close()
            return int(busy), int(frames), int(done)
        return None
