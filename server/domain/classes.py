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


CLASS_NAMES: dict[CustomerClass, dict[str, str]] = {
    CustomerClass.REGULAR: {"zh": "普通", "en": "Regular"},
    CustomerClass.VIP: {"zh": "贵宾", "en": "VIP"},
    CustomerClass.PRIORITY: {"zh": "绿色通道", "en": "Priority"},
    CustomerClass.APPOINTMENT: {"zh": "预约", "en": "Appointment"},
}
