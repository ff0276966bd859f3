"""The rating pad facing the customer at one counter: which ticket it asks about, and who may rate.

A pad asks about the ticket its counter finished last, for a short while after "finish" and
only until the counter calls someone else: the customer who rates is the one who was served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.domain.errors import Conflict, Forbidden
from server.domain.records import Counter, Principal, Ticket
from server.services.context import Deps, found, require
from server.services.views import iso

PAD_ROLES = ("rating",)
# seconds after "finish" that the pad still asks (a branch may set settings.rating_window_s)
DEFAULT_WINDOW_S = 120


def window_s(settings: dict[str, Any]) -> int:
    value = settings.get("rating_window_s")
    return value if isinstance(value, int) and 10 <= value <= 900 else DEFAULT_WINDOW_S


def pending_ticket(uow: Any, counter: Counter, now: datetime, window: int) -> Ticket | None:
    """The counter's last finished ticket while it may still be rated, else None."""
    last: Ticket | None = uow.floor.last_finished_at(counter.id)
    if last is None or last.finished_at is None or (now - last.finished_at).total_seconds() > window:
        return None
    if uow.floor.called_since(counter.id, last.finished_at, last.id):
        return None  # the next customer was called (even if they then never came): this one has gone
    return None if uow.tickets.has_feedback(last.id) else last


def pad_counter(uow: Any, principal: Principal) -> Counter:
    device = found(uow.devices.get(principal.id), "device")
    counter: Counter = found(uow.counters.get(device.counter_id or 0), "counter")
    return counter


def pad_state(deps: Deps, principal: Principal | None) -> dict[str, Any]:
    """What the pad shows now: its counter, and the ticket to rate (or none: idle)."""
    who = require(principal, PAD_ROLES)
    now = deps.clock()
    with deps.store.read() as uow:
        counter = pad_counter(uow, who)
        branch = found(uow.branches.get(counter.branch_id), "branch")
        window = window_s(branch.settings)
        ticket = pending_ticket(uow, counter, now, window)
    return {
        "branch_id": branch.id,
        "counter": {"id": counter.id, "number": counter.number, "name": counter.name},
        "window_s": window,
        "ticket": None
        if ticket is None
        else {
            "id": ticket.id,
            "number": ticket.number,
            "language": ticket.language,
            "finished_at": iso(ticket.finished_at, branch.timezone),
        },
    }


def authorise_pad(uow: Any, principal: Principal, ticket: Ticket, now: datetime) -> None:
    """A pad rates only the ticket it is asking about: its own counter's, just finished."""
    counter = pad_counter(uow, principal)
    if ticket.counter_id != counter.id:
        raise Forbidden("not_this_counter", "this pad rates its own counter's tickets only")
    branch = uow.branches.get(counter.branch_id)
    pending = pending_ticket(uow, counter, now, window_s(branch.settings))
    if pending is None or pending.id != ticket.id:
        raise Conflict("rating_closed", "this ticket can no longer be rated here", None)
