"""Live updates for ticket holders: position, estimate, "your turn is near", "go to counter 3".

Holders are few and change slowly, so each process re-reads the tickets of the holders
connected to it whenever their branch's seq has moved, at most once per interval. This
also works with several processes behind a message queue: each serves its own holders.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from server import protocol
from server.services import tickets

log = logging.getLogger(__name__)


class HolderUpdates:
    def __init__(self, wiring: Any, namespace: Any, interval: float = 1.0) -> None:
        self.wiring = wiring
        self.namespace = namespace
        self.interval = interval
        self.last_sent: dict[int, tuple[Any, ...]] = {}
        self.stop = threading.Event()

    def view(self, ticket_id: int) -> dict[str, Any]:
        deps = self.wiring.deps
        with deps.store.read() as uow:
            ticket = uow.tickets.get(ticket_id)
            token = ticket.tracking_token
        view = tickets.get_ticket(deps, None, ticket_id, token)
        view.pop("track_url", None)
        return view  # turn_near comes with the view: the forecast's chance of a call soon

    def push_now(self, ticket_id: int) -> None:
        try:
            view = self.view(ticket_id)
        except Exception:
            log.exception("holder update for ticket %s failed", ticket_id)
            return
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

    def run(self) -> None:
        while not self.stop.is_set():
            with self.namespace.lock:
                ticket_ids = list(self.namespace.holders)
            for ticket_id in ticket_ids:
                self.push_now(ticket_id)
            for gone in set(self.last_sent) - set(ticket_ids):
                self.last_sent.pop(gone, None)
            self.wiring.socketio.sleep(self.interval)
