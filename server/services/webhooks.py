"""Webhooks for integrators: endpoints per branch, and the sender that delivers what was queued.

Deliveries are written in the transaction of the change (``UnitOfWork.emit`` and booking
notices), so a teller's request never waits for a receiver; the scheduler sends them with an
HTTP client that has timeouts, retries with back-off, and keeps each subject's order.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from server.domain.errors import Conflict, NotFound
from server.domain.records import Principal
from server.domain.webhooks import (
    DELIVERY_HEADER,
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    check_events,
    retry_delay,
    sign,
)
from server.services.context import Deps, found, require
from server.services.outbox_rounds import send_round
from server.services.views import iso

log = logging.getLogger(__name__)

MANAGERS = ("admin", "manager")
LEASE_S = 60
MAX_ENDPOINTS = 10


class Poster(Protocol):
    """Posts a body; returns the HTTP status, raises when no answer came."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int: ...


def endpoint_view(row: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "branch_id": row["branch_id"],
        "url": row["url"],
        "events": list(row["events"]),
        "active": row["active"],
        "created_at": iso(row["created_at"], timezone),
    }


def create_endpoint(
    deps: Deps, principal: Principal | None, branch_id: int, data: Mapping[str, Any], check_url: Callable[[Any], str]
) -> dict[str, Any]:
    """A new endpoint and its signing secret, which is shown this once."""
    require(principal, MANAGERS, branch_id)
    events = check_events(data.get("events"))
    url = check_url(data.get("url"))
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        if len(uow.webhooks.for_branch(branch_id)) >= MAX_ENDPOINTS:
            raise Conflict("too_many_webhooks", f"a branch has at most {MAX_ENDPOINTS} webhooks", None)
        secret = "whsec_" + secrets.token_urlsafe(24)
        row = uow.webhooks.add(
            {
                "branch_id": branch_id,
                "url": url,
                "events": events,
                "secret": secret,
                "active": True,
                "created_at": deps.clock(),
            }
        )
        return endpoint_view(row, branch.timezone) | {"secret": secret}


def list_endpoints(deps: Deps, principal: Principal | None, branch_id: int) -> list[dict[str, Any]]:
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        counts = uow.deliveries.counts(branch_id)
        rows = uow.webhooks.for_branch(branch_id)
    return [endpoint_view(r, branch.timezone) | {"deliveries": counts} for r in rows]


def delete_endpoint(deps: Deps, principal: Principal | None, branch_id: int, endpoint_id: int) -> None:
    require(principal, MANAGERS, branch_id)
    with deps.store.write() as uow:
        if not uow.webhooks.remove(branch_id, endpoint_id):
            raise NotFound("webhook_not_found", "no such webhook in this branch", None)


def delivery_view(row: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    status = row["status"]
    return {
        "id": row["id"],
        "delivery_id": row["delivery_id"],
        "endpoint_id": row["endpoint_id"],
        "event": row["event"],
        # "retried": still on its way after a failed attempt
        "status": "retried" if status == "pending" and row["attempts"] > 0 else status,
        "attempts": row["attempts"],
        "response_status": row["response_status"],
        "last_error": row["last_error"],
        "created_at": iso(row["created_at"], timezone),
        "sent_at": iso(row["sent_at"], timezone),
    }


def list_deliveries(
    deps: Deps, principal: Principal | None, branch_id: int, status: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        rows = uow.deliveries.for_branch(branch_id, status, limit)
    return [delivery_view(r, branch.timezone) for r in rows]


def body_of(delivery: Mapping[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    document = {"event": delivery["event"], "data": delivery["payload"], "delivery_id": delivery["delivery_id"]}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(secret: str, timestamp: int, body: bytes, delivery_id: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "BranchQ-Webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        DELIVERY_HEADER: delivery_id,
    }


def send_due(deps: Deps, poster: Poster, limit: int = 50) -> dict[str, int]:
    """Send what is due now (one per subject at a time); returns this round's sent and failed."""
    return send_round(
        deps, "deliveries", lambda delivery, now: _deliver(poster, delivery, now), lease_s=LEASE_S, limit=limit
    )


def _deliver(poster: Poster, delivery: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    body = body_of(delivery)
    headers = signed_headers(delivery["secret"], int(now.timestamp()), body, delivery["delivery_id"])
    code: int | None = None
    try:
        code = poster.post(delivery["url"], body, headers)
        if 200 <= code < 300:
            return {"status": "sent", "sent_at": now, "response_status": code, "last_error": None}
        error = f"HTTP {code}"
    except Exception as failure:  # no answer (refused, timed out, address refused): try again later
        error = f"{type(failure).__name__}: {failure}"
    log.warning("webhook delivery %s to endpoint %s failed: %s", delivery["id"], delivery["endpoint_id"], error)
    attempts = int(delivery["attempts"])
    return {
        "status": "failed" if attempts >= MAX_ATTEMPTS else "pending",
        "next_attempt_at": now + timedelta(seconds=retry_delay(attempts)),
        "response_status": code,
        "last_error": error[:500],
    }


APPOINTMENT_EVENTS = {
    "confirmed": "appointment_booked",
    "rescheduled": "appointment_rescheduled",
    "cancelled": "appointment_cancelled",
}


def queue_appointment_event(uow: Any, kind: str, appointment: Any, branch: Any, now: datetime) -> None:
    """Tell integrators of a booking change, in its transaction (no name, phone or e-mail)."""
    event = APPOINTMENT_EVENTS.get(kind)
    if event is None:
        return
    payload = {
        "branch_id": branch.id,
        "appointment_code": appointment.code,
        "service_id": appointment.service_id,
        "start": iso(appointment.slot_start, branch.timezone),
        "end": iso(appointment.slot_end, branch.timezone),
        "language": appointment.language,
    }
    uow.deliveries.queue(branch.id, event, payload, now)


KEEP_DELIVERIES_DAYS = 7


def prune(deps: Deps) -> int:
    """Settled deliveries older than a week, and code requests older than two days, are forgotten."""
    now = deps.clock()
    with deps.store.write() as uow:
        removed = uow.deliveries.prune(now - timedelta(days=KEEP_DELIVERIES_DAYS))
        removed += uow.verifications.prune(now - timedelta(days=2))
    return int(removed)
