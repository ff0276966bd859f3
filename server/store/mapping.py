"""Row <-> record conversion."""

from __future__ import annotations

from typing import Any

from server.domain.classes import CounterStatus, CustomerClass, TicketStatus
from server.domain.hours import parse_opening_hours
from server.domain.policy import QueuePolicy
from server.domain.records import Branch, Counter, Device, Service, Ticket, User
from server.store.statements import aware


def branch(row: Any) -> Branch:
    return Branch(
        id=row.id,
        code=row.code,
        name=dict(row.name),
        timezone=row.timezone,
        opening_hours=parse_opening_hours(row.opening_hours),
        policy=QueuePolicy.from_dict(row.policy or {}),
        settings=dict(row.settings or {}),
    )


def service(row: Any) -> Service:
    return Service(
        id=row.id,
        branch_id=row.branch_id,
        name=dict(row.name),
        prefix=row.prefix,
        target_wait=row.target_wait,
        expected_service=row.expected_service,
        active=bool(row.active),
    )


def counter(row: Any) -> Counter:
    return Counter(
        id=row.id,
        branch_id=row.branch_id,
        number=row.number,
        name=dict(row.name),
        service_ids=list(row.service_ids),
        status=CounterStatus(row.status),
        pause_reason=row.pause_reason,
    )


def user(row: Any) -> User:
    return User(id=row.id, username=row.username, role=row.role, branch_ids=list(row.branch_ids), active=row.active)


def device(row: Any) -> Device:
    return Device(
        id=row.id,
        branch_id=row.branch_id,
        kind=row.kind,
        name=row.name,
        counter_id=row.counter_id,
        revoked=bool(row.revoked),
        status=dict(row.status or {}),
        last_seen_at=aware(row.last_seen_at),
    )


TICKET_FIELDS = (
    "id",
    "branch_id",
    "service_id",
    "number",
    "sequence",
    "business_date",
    "language",
    "issued_at",
    "anchor_at",
    "tracking_token",
    "counter_id",
    "target_counter_id",
    "called_at",
    "started_at",
    "finished_at",
    "recall_count",
    "call_reason",
    "served_by",
    "appointment_code",
    "transferred_from",
    "device_id",
)


def ticket(row: Any) -> Ticket:
    values = {name: getattr(row, name) for name in TICKET_FIELDS}
    return Ticket(
        customer_class=CustomerClass(row.customer_class),
        status=TicketStatus(row.status),
        **values,
    )
