"""Print jobs for kiosk agents: the server never touches a printer itself."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

from server import protocol
from server.domain.records import Principal
from server.web.ticket_print import print_job, print_languages

log = logging.getLogger(__name__)
# A busy kiosk prints several tickets a second; names, zone and languages change rarely and
# a ticket printed a moment after a rename may carry the old name.
HEADER_TTL_S = 2.0


class PrintJobs:
    def __init__(self, wiring: Any) -> None:
        self.wiring = wiring
        self._lock = threading.Lock()
        self._headers: dict[tuple[int, int], tuple[float, Any, Any, Any]] = {}

    def _header(self, branch_id: int, service_id: int) -> tuple[Any, Any, Any]:
        """The branch and service as a ticket prints them, and the branch's settings."""
        key = (branch_id, service_id)
        with self._lock:
            cached = self._headers.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1:]
        with self.wiring.deps.store.read() as uow:
            branch = uow.branches.get(branch_id)
            service = uow.services.get(service_id)
        header = (
            {"id": branch.id, "name": branch.name, "timezone": branch.timezone},
            {"id": service.id, "name": service.name, "prefix": service.prefix},
            branch.settings,
        )
        with self._lock:
            if len(self._headers) > 10_000:
                self._headers.clear()
            self._headers[key] = (time.monotonic() + HEADER_TTL_S, *header)
        return header

    def send(self, device_id: int, ticket: dict[str, Any]) -> str:
        job_id = uuid.uuid4().hex
        branch, service, settings = self._header(ticket["branch_id"], ticket["service_id"])
        base = self.wiring.settings.public_base_url
        payload = print_job(
            job_id,
            ticket | {"track_url": base + ticket["track_url"] if ticket.get("track_url") else None},
            branch,
            service,
            print_languages(ticket, settings),
        )
        self.wiring.socketio.emit(protocol.PRINT_TICKET, payload, to=protocol.device_room(device_id))
        return job_id

    def at_kiosk(self, principal: Principal | None, ticket: dict[str, Any]) -> None:
        """A ticket a kiosk just took (walk-in or check-in) goes to its print agent; it stands even if this fails."""
        if principal is None or principal.kind != "device" or principal.role != "kiosk":
            return
        try:
            self.send(principal.id, ticket)
        except Exception:
            log.exception("print job for ticket %s not sent", ticket.get("id"))

    def send_for_ticket(self, ticket_id: int, view: dict[str, Any]) -> str | None:
        with self.wiring.deps.store.read() as uow:
            ticket = uow.tickets.get(ticket_id)
        if ticket is None or ticket.device_id is None:
            return None
        return self.send(ticket.device_id, view)
