"""Plain records passed between the store and the services (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from server.domain.classes import CounterStatus, CustomerClass, TicketStatus
from server.domain.hours import Intervals
from server.domain.policy import QueuePolicy

# Row ids are 32-bit integers in every supported database: a larger id names nothing.
MAX_ID = 2**31 - 1


@dataclass
class Branch:
    id: int
    code: str
    name: dict[str, str]
    timezone: str
    opening_hours: dict[str, Intervals]
    policy: QueuePolicy
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Service:
    id: int
    branch_id: int
    name: dict[str, str]
    prefix: str
    target_wait: int
    expected_service: int
    active: bool = True


@dataclass
class Counter:
    id: int
    branch_id: int
    number: int
    name: dict[str, str]
    service_ids: list[int]
    status: CounterStatus = CounterStatus.CLOSED
    pause_reason: str | None = None


@dataclass
class User:
    id: int
    username: str
    role: str
    branch_ids: list[int]
    active: bool = True


@dataclass
class Device:
    id: int
    branch_id: int
    kind: str
    name: str
    counter_id: int | None = None
    revoked: bool = False
    status: dict[str, Any] = field(default_factory=dict)
    last_seen_at: datetime | None = None


@dataclass
class Ticket:
    id: int
    branch_id: int
    service_id: int
    number: str
    sequence: int
    business_date: date
    customer_class: CustomerClass
    status: TicketStatus
    language: str
    issued_at: datetime
    anchor_at: datetime
    tracking_token: str
    counter_id: int | None = None
    target_counter_id: int | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recall_count: int = 0
    call_reason: dict[str, Any] | None = None
    served_by: int | None = None
    appointment_code: str | None = None
    transferred_from: int | None = None
    device_id: int | None = None


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff user or a device."""

    kind: str  # "user" | "device"
    id: int
    role: str  # admin | manager | teller | kiosk | display
    branch_ids: tuple[int, ...]
    name: str = ""
    # digest of the bearer token this principal presented, to tell "this session" from the others
    session: str | None = None

    def can_see(self, branch_id: int) -> bool:
        return self.role == "admin" or branch_id in self.branch_ids
