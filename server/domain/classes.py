"""Customer classes and ticket states."""

from __future__ import annotations

from enum import StrEnum


class CustomerClass(StrEnum):
    REGULAR = "regular"
    VIP = "vip"
    # elderly, disabled, pregnant: the "green channel"
    PRIORITY = "priority"
    # checked in for a booked slot, anchored at the slot start
    APPOINTMENT = "appointment"


WALK_IN_CLASSES = (CustomerClass.REGULAR, CustomerClass.VIP, CustomerClass.PRIORITY)


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class CounterStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"
