"""Checking in for a booked slot: on time, late, too late, too early, used twice.

Within ``[start - early_s, start + late_s]`` the customer joins the appointment class
anchored at the slot start, so the priority policy brings them up close to their time.
Up to ``start + grace_s`` they still get a walk-in ticket (and are told why); after that
the booking is a no-show. Before the window opens they are told when it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.domain.appointments import AppointmentStatus
from server.domain.errors import Conflict
from server.domain.slots import BookingRules
from server.domain.text import Text


class Outcome(StrEnum):
    APPOINTMENT = "appointment"
    WALK_IN = "walk_in"


@dataclass(frozen=True, slots=True)
class CheckIn:
    outcome: Outcome
    anchor: datetime | None  # the slot start for the appointment class; None: now, as a walk-in
    message: Text


ON_TIME = Text("checkin.on_time")


def decide(status: AppointmentStatus, start: datetime, now: datetime, rules: BookingRules, timezone: str) -> CheckIn:
    """How a check-in at ``now`` for a slot starting at ``start`` is served, or a Conflict."""
    if status is AppointmentStatus.CHECKED_IN:
        raise Conflict("appointment_used", "this booking has already been checked in", "code")
    if status is AppointmentStatus.CANCELLED:
        raise Conflict("appointment_cancelled", "this booking was cancelled", "code")
    opens = start - timedelta(seconds=rules.early_s)
    if now < opens:
        local = opens.astimezone(ZoneInfo(timezone))
        when = local.strftime("%H:%M") if local.date() == now.astimezone(local.tzinfo).date() else local.isoformat()
        raise Conflict("too_early", f"check-in opens at {when}", "code", {"opens_at": local.isoformat()})
    if now <= start + timedelta(seconds=rules.late_s):
        return CheckIn(Outcome.APPOINTMENT, start, ON_TIME)
    if status is AppointmentStatus.BOOKED and now <= start + timedelta(seconds=rules.grace_s):
        message = Text("checkin.late_walk_in", {"minutes": rules.late_s // 60})
        return CheckIn(Outcome.WALK_IN, None, message)
    raise Conflict("too_late", "this booking has expired; please take a walk-in ticket", "code")
