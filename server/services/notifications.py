"""The notification outbox: messages are queued with the change that causes them and sent later.

A sender that fails leaves the message pending with a back-off; after
:data:`~server.domain.notices.MAX_ATTEMPTS` it is ``failed`` and shown to managers, who can
queue it again. A sender that dies mid-send loses its lease and the message is retried.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from server.domain.appointments import Appointment
from server.domain.notices import MAX_ATTEMPTS, NoticeKind, NoticeStatus, notice_text, retry_delay
from server.domain.records import Branch, Service
from server.i18n import render
from server.services.context import Deps
from server.services.outbox_rounds import send_round
from server.services.ports import UnitOfWork
from server.services.webhooks import queue_appointment_event

log = logging.getLogger(__name__)

LEASE_S = 120


class Sender(Protocol):
    """Delivers one message; raises on failure. ``channel`` names it in the outbox."""

    channel: str

    def send(self, message: Mapping[str, Any]) -> None: ...


def enqueue(
    uow: UnitOfWork, kind: NoticeKind, appointment: Appointment, branch: Branch, service: Service, now: datetime
) -> bool:
    """Queue a message about ``appointment`` in the same transaction; once per (kind, slot)."""
    notice = notice_text(
        kind,
        branch=branch.name,
        service=service.name,
        start=appointment.slot_start,
        timezone=branch.timezone,
        code=appointment.code,
    )
    body = render(notice, appointment.language)
    queued: bool = uow.notifications.add(
        {
            "branch_id": branch.id,
            "appointment_id": appointment.id,
            "dedupe_key": f"{appointment.code}:{kind.value}:{appointment.slot_start.isoformat()}",
            "kind": kind.value,
            "phone": appointment.phone,
            "email": appointment.email,
            "language": appointment.language,
            "body": body,
            "status": NoticeStatus.PENDING.value,
            "next_attempt_at": now,
            "created_at": now,
        }
    )
    if queued:
        queue_appointment_event(uow, kind.value, appointment, branch, now)
    return queued


def send_due(deps: Deps, sender: Sender, limit: int = 50) -> dict[str, int]:
    """Send what is due now; returns how many were sent and how many failed this round."""
    return send_round(
        deps, "notifications", lambda message, now: _deliver(sender, message, now), lease_s=LEASE_S, limit=limit
    )


def _deliver(sender: Sender, message: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    try:
        sender.send(message)
    except Exception as error:  # any sender fault: keep the message and try again later
        log.warning("notification %s via %s failed: %s", message["id"], sender.channel, error)
        attempts = int(message["attempts"])
        gave_up = attempts >= MAX_ATTEMPTS
        return {
            "status": (NoticeStatus.FAILED if gave_up else NoticeStatus.PENDING).value,
            "next_attempt_at": now + timedelta(seconds=retry_delay(attempts)),
            "last_error": f"{type(error).__name__}: {error}"[:500],
            "channel": sender.channel,
        }
    return {"status": NoticeStatus.SENT.value, "sent_at": now, "channel": sender.channel, "last_error": None}
