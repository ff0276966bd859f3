"""A booked appointment as the services see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# the statuses that hold a place in their slot
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)


@dataclass(frozen=True, slots=True)
class Appointment:
    id: int
    code: str
    branch_id: int
    service_id: int
    slot_start: datetime
    slot_end: datetime
    local_date: date
    name: str
    phone: str
    language: str
    status: AppointmentStatus
    created_at: datetime
    email: str | None = None
    checked_in_at: datetime | None = None
    ticket_id: int | None = None
