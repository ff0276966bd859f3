"""Messages to remote tickets' phones as their turn comes: near, called, and the rating link after.

A scheduler job (not the teller's request) looks at each remote ticket with a message still to
go and queues it in the notification outbox, once per ticket and kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from server.domain.records import Branch
from server.domain.remote import RemoteNotice, RemoteRules, turn_is_near
from server.notify.templates import message_text
from server.services.context import Deps, found
from server.services.remote_join import queue_message
from server.services.views import forecast_fields, people_ahead, track_url


def queue_ticket_messages(deps: Deps, base_url: str = "") -> int:
    """Queue what is due for every remote ticket; returns how many messages were queued."""
    now = deps.clock()
    queued = 0
    with deps.store.read() as uow:  # every few seconds: take the write lock only when there is work
        if not uow.remote_tickets.needing_messages(limit=1):
            return 0
    with deps.store.write() as uow:
        branches: dict[int, Branch] = {}
        for row in uow.remote_tickets.needing_messages():
            branch = branches.get(row["branch_id"]) or found(uow.branches.get(row["branch_id"]), "branch")
            branches[branch.id] = branch
            queued += _one(deps, uow, branch, row, now, base_url)
    return queued


def _one(deps: Deps, uow: Any, branch: Branch, row: Mapping[str, Any], now: datetime, base_url: str) -> int:
    status, ticket_id, language = row["status"], row["ticket_id"], row["language"]
    name = branch.name.get(language) or branch.name.get("en", "")
    values: dict[str, Any] = {"branch": name, "number": row["number"]}
    if status == "waiting":
        ticket = uow.tickets.get(ticket_id)
        ahead = people_ahead(uow, branch, ticket, now)
        band = forecast_fields(deps.forecasts.of(uow, branch, now, recompute=False), ticket)["estimated_wait"]
        if not turn_is_near(ahead, (band or {}).get("p50"), RemoteRules.from_settings(branch.settings)):
            return 0
        kind, column = RemoteNotice.TURN_NEAR, "near_sent_at"
        values |= {"ahead": ahead, "link": base_url + track_url(ticket)}
    elif status in ("called", "serving"):
        counter = uow.counters.get(row["counter_id"]) if row["counter_id"] else None
        kind, column = RemoteNotice.CALLED, "called_sent_at"
        values["counter"] = counter.number if counter else ""
        uow.remote_tickets.mark(ticket_id, "near_sent_at", now)  # called before "near" went: no "near" after
    else:
        kind, column = RemoteNotice.FOLLOW_UP, "follow_up_sent_at"
        values["link"] = f"{base_url}/track/{ticket_id}?token={row['tracking_token']}"
    if not uow.remote_tickets.mark(ticket_id, column, now):
        return 0
    body = message_text(kind.value, language, **values)
    queue_message(uow, branch.id, kind, f"rt:{ticket_id}:{kind.value}", row["phone"], language, body, now)
    return 1
