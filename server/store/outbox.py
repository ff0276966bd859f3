"""Pushes committed branch events to subscribers, exactly in seq order.

Events are written in the same transaction as the change (the outbox). After commit,
``flush`` takes the branch's outbox cursor under a lock (SQLite's write lock, or a
PostgreSQL row lock shared by every server process), emits what lies past it in seq
order and moves the cursor. Whoever flushes first emits for everyone, so two threads or
processes can never emit a branch's events out of order, and events committed by a
process that died before flushing go out with the next flush.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from server.store.uow import Event, SqlStore

log = logging.getLogger(__name__)

# A branch's events, in seq order: (name, payload) each.
Emit = Callable[[int, list[tuple[str, dict[str, Any]]]], None]
# Noted events kept per branch for the next flush; beyond this they are read back instead.
FRESH_KEPT = 1000


class OutboxRelay:
    """``shared=True`` when several server processes push through a message queue.

    One process alone keeps the cursor in memory under a per-branch lock: commits happen
    in seq order (the seq comes from a row locked until commit), so a read sees a gap-free
    prefix and needs no write transaction. The cursor is saved by the periodic flush.
    It also hears of each commit's events (``SqlStore.committed``): when they follow the
    cursor without a gap they go out as they are, without being read back (a read
    transaction and its JSON, ~4% of a kiosk's ticket over the wire); after a gap, it reads.
    """

    def __init__(self, store: SqlStore, emit: Emit, *, shared: bool = True) -> None:
        self.store = store
        self.emit = emit
        self.shared = shared
        self._locks: dict[int, threading.Lock] = {}
        self._cursor: dict[int, int] = {}
        self._saved: dict[int, int] = {}
        self._guard = threading.Lock()
        # Set once a pusher thread runs: requests then hand the push over instead of doing it.
        self._pending: set[int] = set()
        self._wake = threading.Condition()
        self._pusher: threading.Thread | None = None
        # Committed events not yet pushed, per branch, as their writers left them.
        self._fresh: dict[int, list[Event]] = {}
        if not shared:
            store.committed.append(self._note)

    def _note(self, written: dict[int, list[Event]]) -> None:
        with self._guard:
            for branch_id, events in written.items():
                fresh = self._fresh.setdefault(branch_id, [])
                fresh.extend(events)
                if len(fresh) > FRESH_KEPT:  # nobody flushed: what is dropped is read back
                    del fresh[: len(fresh) - FRESH_KEPT]

    def request(self, branch_ids: Iterable[int]) -> None:
        """After a commit: push these branches' new events, on the pusher thread if one runs.

        Fanning an event out to hundreds of sockets takes tens of milliseconds; the teller's
        request should not wait for it. Order is kept either way (per-branch lock and cursor).
        """
        if self._pusher is None:
            self.flush(branch_ids)
            return
        with self._wake:
            self._pending.update(branch_ids)
            self._wake.notify()

    def start_pusher(self) -> None:
        if self._pusher is None:
            self._pusher = threading.Thread(target=self._push_forever, daemon=True, name="outbox-pusher")
            self._pusher.start()

    def _push_forever(self) -> None:
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
                branch_ids, self._pending = sorted(self._pending), set()
            self.flush(branch_ids)

    def flush(self, branch_ids: Iterable[int]) -> None:
        for branch_id in branch_ids:
            try:
                if self.shared:
                    self._flush_branch(branch_id)
                else:
                    self._flush_local(branch_id)
            except Exception:  # the change is committed; the periodic flush retries
                log.exception("could not push events of branch %s", branch_id)

    def _lock(self, branch_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(branch_id, threading.Lock())

    def _flush_local(self, branch_id: int) -> None:
        with self._lock(branch_id):
            with self._guard:
                fresh = sorted(self._fresh.pop(branch_id, ()), key=lambda event: event[0])
            events = self._following(branch_id, fresh)
            if events is None:
                with self.store.read() as uow:
                    if branch_id not in self._cursor:
                        self._cursor[branch_id] = self._saved[branch_id] = uow.branches.published_seq(branch_id)
                    events = uow.events.after(branch_id, self._cursor[branch_id])
            if events:
                self.emit(branch_id, [(name, payload) for _seq, name, payload in events])
                self._cursor[branch_id] = events[-1][0]

    def _following(self, branch_id: int, fresh: list[Event]) -> list[Event] | None:
        """The noted events past the cursor if they follow it without a gap ([] when all were
        pushed already); None when the log must be read."""
        cursor = self._cursor.get(branch_id)
        if cursor is None or not fresh:
            return None
        fresh = [event for event in fresh if event[0] > cursor]
        expected = range(cursor + 1, cursor + 1 + len(fresh))
        if [event[0] for event in fresh] != list(expected):
            return None
        return fresh

    def save_cursors(self) -> None:
        """Remember what was pushed, so a restart does not push it again."""
        for branch_id, seq in list(self._cursor.items()):
            if self._saved.get(branch_id) != seq:
                with self.store.write() as uow:
                    uow.events.mark_published(branch_id, seq)
                self._saved[branch_id] = seq

    def _flush_branch(self, branch_id: int) -> None:
        with self.store.write() as uow:
            published, last = uow.events.claim_unpublished(branch_id)
            if last <= published:
                return
            events = uow.events.after(branch_id, published, last)
            if events:
                self.emit(branch_id, [(name, payload) for _seq, name, payload in events])
            uow.events.mark_published(branch_id, last)

    def flush_all(self) -> None:
        with self.store.read() as uow:
            ids = [b.id for b in uow.branches.all()]
        self.flush(ids)
        if not self.shared:
            self.save_cursors()

    def prune_all(self, keep: int) -> int:
        """Forget all but the last ``keep`` events of each branch (resync falls back to a snapshot)."""
        with self.store.read() as uow:
            ids = [b.id for b in uow.branches.all()]
        removed = 0
        for branch_id in ids:
            with self.store.write() as uow:
                removed += uow.events.prune(branch_id, keep)
        return removed
