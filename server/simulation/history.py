"""Past tickets of one branch day as a trace, so a real day can be replayed under other rules.

Each row is a plain mapping, one per ticket of the day (the export query builds them)::

    {
        "issued_at": datetime | float | None,   # ticket issued / checked in; None: never came
        "service": "A",                         # service code
        "customer_class": "regular",            # regular, vip, priority or appointment
        "called_at": datetime | float | None,
        "started_at": datetime | float | None,  # service began at the counter
        "finished_at": datetime | float | None,
        "slot_start": datetime | float | None,  # booked slot start, appointments only
        "status": "done",                       # optional: the ticket's status when exported
        "expected_service": 300.0,              # optional: the service's expected time, seconds
    }

Times are all aware datetimes, or all epoch seconds, like ``opening``. The service
duration is ``finished_at - started_at`` (``called_at`` if ``started_at`` is missing).
A ticket never finished (no-show, left, cancelled) becomes ``showed = 0``: it takes no
counter time in the replay. A ticket still waiting, called or in service when the day was
exported (today's, say) is a customer who came: it is replayed with the service's expected
time. Arrivals before ``opening`` count from the opening.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from server.domain.classes import CustomerClass
from server.simulation.trace import Arrival, SimulationInputError

Instant = datetime | float
# statuses of a customer still in the branch: not finished yet, and not a no-show
STILL_THERE = ("waiting", "called", "serving")


def trace_from_history(rows: Iterable[Mapping[str, Any]], opening: Instant) -> list[Arrival]:
    """The day's tickets as arrivals in seconds since ``opening``, sorted by arrival."""
    arrivals = [_arrival(row, opening, i) for i, row in enumerate(rows, start=1)]
    return sorted(arrivals, key=lambda a: a.arrival_s)


def _arrival(row: Mapping[str, Any], opening: Instant, number: int) -> Arrival:
    at = f"history row {number}"
    try:
        cls = CustomerClass(row.get("customer_class", CustomerClass.REGULAR.value))
    except ValueError:
        raise SimulationInputError(f"{at}: unknown customer_class {row.get('customer_class')!r}") from None
    service = row.get("service")
    if not isinstance(service, str) or not service:
        raise SimulationInputError(f"{at}: service must be a service code")
    slot = _since(row.get("slot_start"), opening, at) if cls is CustomerClass.APPOINTMENT else None
    if cls is CustomerClass.APPOINTMENT and slot is None:
        cls = CustomerClass.REGULAR
    issued = _since(row.get("issued_at"), opening, at)
    began = _since(row.get("started_at"), opening, at)
    if began is None:
        began = _since(row.get("called_at"), opening, at)
    finished = _since(row.get("finished_at"), opening, at)
    if issued is not None and row.get("status") in STILL_THERE:
        expected = row.get("expected_service")
        if not isinstance(expected, int | float) or expected < 0:
            raise SimulationInputError(f"{at}: a ticket still {row['status']} needs the service's expected_service")
        return Arrival(issued, service, cls, float(expected), slot)
    if issued is None or began is None or finished is None:
        return Arrival((slot or 0.0) if issued is None else issued, service, cls, 0.0, slot, showed=False)
    return Arrival(issued, service, cls, round(max(0.0, finished - began), 3), slot)


def _since(value: Any, opening: Instant, at: str) -> float | None:
    if value is None:
        return None
    try:
        delta = value - opening
        seconds = delta.total_seconds() if hasattr(delta, "total_seconds") else float(delta)
    except TypeError:
        raise SimulationInputError(f"{at}: times must all be datetimes or all epoch seconds, like opening") from None
    return round(max(0.0, seconds), 3)
