"""Scheduled work on appointments: no-shows and reminders. Safe to run twice or concurrently.

Each change is a conditional update (``… WHERE status = 'booked'``, ``… WHERE reminded_day_at
IS NULL``), so a second run, or a second server process, finds nothing left to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server.domain.appointments import Appointment, AppointmentStatus
from server.domain.notices import NoticeKind
from server.services.booking import rules_for
from server.services.context import Deps, found
from server.services.notifications import enqueue

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
BATCH = 500


def mark_no_shows(deps: Deps) -> int:
    """Bookings never checked in by the end of their grace become no-shows; their places are freed."""
    count = 0
    with deps.store.write() as uow:
        now = deps.clock()  # inside the transaction: after SQLite's write lock is held
        rules_cache: dict[int, Any] = {}
        for appointment in uow.appointments.booked_starting(None, now, BATCH):
            if appointment.service_id not in rules_cache:
                rules_cache[appointment.service_id] = rules_for(
                    uow, found(uow.services.get(appointment.service_id), "service")
                )
            if now < appointment.slot_start + timedelta(seconds=rules_cache[appointment.service_id].grace_s):
                continue
            changed = uow.appointments.transition(
                appointment.id,
                (AppointmentStatus.BOOKED,),
                {"status": AppointmentStatus.NO_SHOW.value, "no_show_at": now},
            )
            if changed is not None:
                uow.slots.release(changed.service_id, changed.slot_start)
                count += 1
    return count


def queue_reminders(deps: Deps) -> int:
    """A reminder a day before and an hour before each booking, each exactly once.

    A booking made less than a day (an hour) ahead gets no day (hour) reminder: its
    confirmation is recent enough.
    """
    now = deps.clock()
    count = 0
    with deps.store.write() as uow:
        for appointment in uow.appointments.booked_starting(now, now + DAY, BATCH):
            kind, column = _reminder(appointment, now)
            if kind is None or not uow.appointments.mark_once(appointment.id, column, now):
                continue
            branch = found(uow.branches.get(appointment.branch_id), "branch")
            service = found(uow.services.get(appointment.service_id), "service")
            count += enqueue(uow, kind, appointment, branch, service, now)
    return count


def _reminder(appointment: Appointment, now: datetime) -> tuple[NoticeKind | None, str]:
    ahead = appointment.slot_start - now
    booked_ahead = appointment.slot_start - appointment.created_at
    if ahead <= HOUR:
        return (NoticeKind.REMINDER_HOUR if booked_ahead > HOUR else None), "reminded_hour_at"
    return (NoticeKind.REMINDER_DAY if booked_ahead > DAY else None), "reminded_day_at"
