"""Past tickets of a day turned into a trace for replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.classes import CustomerClass
from server.simulation.history import trace_from_history
from server.simulation.trace import Arrival, SimulationInputError

OPENING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return OPENING + timedelta(minutes=minutes)


def ticket(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {"service": "A", "customer_class": "regular", "issued_at": at(5)}
    row.update({"called_at": at(10), "started_at": at(11), "finished_at": at(16)})
    row.update(fields)
    return row


def test_served_ticket_becomes_an_arrival_with_its_service_duration() -> None:
    assert trace_from_history([ticket()], OPENING) == [Arrival(300.0, "A", CustomerClass.REGULAR, 300.0)]


def test_duration_counts_from_the_call_when_the_start_is_missing() -> None:
    assert trace_from_history([ticket(started_at=None)], OPENING)[0].service_s == 360.0


def test_booked_customer_who_never_came_is_a_no_show_at_the_slot() -> None:
    row = ticket(customer_class="appointment", slot_start=at(30), issued_at=None, called_at=None, finished_at=None)
    assert trace_from_history([row], OPENING) == [Arrival(1800.0, "A", CustomerClass.APPOINTMENT, 0.0, 1800.0, False)]


def test_rows_come_out_sorted_by_arrival_and_epoch_seconds_work_too() -> None:
    base = OPENING.timestamp()
    rows = [
        {
            "service": "B",
            "customer_class": "vip",
            "issued_at": base + 90,
            "started_at": base + 100,
            "finished_at": base + 160,
        },
        {
            "service": "A",
            "customer_class": "priority",
            "issued_at": base + 30,
            "called_at": base + 40,
            "finished_at": base + 50,
        },
    ]
    trace = trace_from_history(rows, base)
    assert [(a.arrival_s, a.service, a.service_s) for a in trace] == [(30.0, "A", 10.0), (90.0, "B", 60.0)]


def test_unknown_class_names_the_row() -> None:
    with pytest.raises(SimulationInputError, match="history row 2: unknown customer_class 'gold'"):
        trace_from_history([ticket(), ticket(customer_class="gold")], OPENING)


def test_mixing_datetimes_and_seconds_is_refused() -> None:
    with pytest.raises(SimulationInputError, match="must all be datetimes or all epoch seconds"):
        trace_from_history([ticket()], OPENING.timestamp())


@pytest.mark.parametrize("status", ["waiting", "called", "serving"])
def test_a_ticket_still_open_when_exported_came_and_takes_the_expected_time(status: str) -> None:
    row = ticket(status=status, expected_service=240, called_at=None, started_at=None, finished_at=None)
    assert trace_from_history([row], OPENING) == [Arrival(300.0, "A", CustomerClass.REGULAR, 240.0)]


def test_a_ticket_marked_no_show_stays_a_no_show() -> None:
    row = ticket(status="no_show", expected_service=240, started_at=None, finished_at=None)
    assert trace_from_history([row], OPENING) == [Arrival(300.0, "A", CustomerClass.REGULAR, 0.0, showed=False)]


def test_a_ticket_still_waiting_without_an_expected_time_is_refused() -> None:
    row = ticket(status="waiting", called_at=None, started_at=None, finished_at=None)
    with pytest.raises(SimulationInputError, match="history row 1: a ticket still waiting needs the service's"):
        trace_from_history([row], OPENING)
