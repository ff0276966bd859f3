"""Live updates for ticket holders: position, estimate, "your turn is near", "go to counter 3".

Each process re-reads the tickets of the holders connected to it when their branch's seq
has moved (one query for every branch's seq per interval), and every ticket at least once
a minute, yielding between tickets so a branch network's thousands of phones never hold
the loop. This also works with several processes behind a message queue: each serves
its own holders, and the seq in the database moves whichever process made the change.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from server import protocol
from server.services import tickets

log = logging.getLogger(__name__)

YIELD_S = 0.001


class HolderUpdates:
    def __init__(self, wiring: Any, namespace: Any, interval: float = 1.0, refresh_every: float = 60.0) -> None:
        self.wiring = wiring
        self.namespace = namespace
        self.interval = interval
        self.last_sent: dict[int, tuple[Any, ...]] = {}
        # ticket id -> (its branch, that branch's seq when the ticket was last read)
        self.seen: dict[int, tuple[int, int]] = {}
        self.refresh_every = refresh_every
        self.stop = threading.Event()

    def view(self, ticket_id: int, branch_seq: int | None = None) -> dict[str, Any]:
        """The page as its holder sees it; its estimate from a forecast made at ``branch_seq``
        (the pass's) or later: one forecast per branch per pass, however often it is called
        meanwhile. A page read after a change in the pass is read again on the next."""
        deps = self.wiring.deps
        with deps.store.read() as uow:
            ticket = uow.tickets.get(ticket_id)
            token = ticket.tracking_token
        known = branch_seq if branch_seq is not None and branch_seq >= 0 else None  # -1: not read yet
        view = tickets.get_ticket(deps, None, ticket_id, token, forecast_seq=known)
        view.pop("track_url", None)
        return view  # turn_near comes with the view: the forecast's chance of a call soon

    def push_now(self, ticket_id: int, branch_seq: int | None = None) -> None:
        try:
            view = self.view(ticket_id, branch_seq)
        except Exception:
            log.exception("holder update for ticket %s failed", ticket_id)
            return
        self.seen[ticket_id] = (view["branch_id"], branch_seq if branch_seq is not None else -1)
        key = (
            view["status"],
            view["people_ahead"],
            view["counter_number"],
            view["recall_count"],
            view["turn_near"],
            # The range as the holder reads it: a forecast moving by seconds sends nothing.
            tuple(sorted(((view["estimated_wait"] or {}).get("label") or {}).items())),
        )
        if self.last_sent.get(ticket_id) == key:
            return
        self.last_sent[ticket_id] = key
        self.wiring.socketio.emit(protocol.TICKET_UPDATED, {"ticket": view}, to=protocol.ticket_room(ticket_id))

    def due(self, ticket_ids: list[int], seqs: dict[int, int], full: bool) -> list[tuple[int, int]]:
        """(ticket, its branch's seq now) for the tickets whose branch moved since they were read."""
        out = []
        for ticket_id in ticket_ids:
            branch_id, seq = self.seen.get(ticket_id, (None, -1))
            now = seqs.get(branch_id, -1) if branch_id is not None else -1
            if full or branch_id is None or seq != now:
                out.append((ticket_id, now))
        return out

    def run(self) -> None:
        last_full = 0.0
        while not self.stop.is_set():
            self.wiring.socketio.sleep(self.interval)
            with self.namespace.lock:
                ticket_ids = list(self.namespace.holders)
            for gone in set(self.seen) - set(ticket_ids):
                self.seen.pop(gone, None)
                self.last_sent.pop(gone, None)
            if not ticket_ids:
                continue
            try:
                with self.wiring.deps.store.read() as uow:
                    seqs = uow.branches.seqs()
            except Exception:
                log.exception("holder updates could not read the branches")
                continue
            full = time.monotonic() - last_full >= self.refresh_every
            if full:
                last_full = time.monotonic()
            for ticket_id, seq in self.due(ticket_ids, seqs, full):
                self.push_now(ticket_id, seq)
                # Let requests and pings in between tickets. Not sleep(0): under gevent that
                # runs this again before the loop polls its sockets, so a pass over a busy
                # branch's phones held every request back (ticket issue p99 60-110 ms with
                # 10,000 pages held); a timer waits for the loop's next turn.
                self.wiring.socketio.sleep(YIELD_S)
