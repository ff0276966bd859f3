"""The replay rules that make two correct simulators agree on the same trace."""

from __future__ import annotations

import pytest

from server.domain.classes import CustomerClass
from server.simulation.counters import Counter
from tests.simulation.builders import booked, call_order, desks, run, walk_in


def test_arrival_finding_several_idle_counters_goes_to_the_lowest_numbered() -> None:
    counters = [Counter(3, ("A",)), Counter(1, ("A",)), Counter(2, ("A",))]
    result = run([walk_in(10), walk_in(20)], counters)
    assert [c.counter for c in result.calls] == [1, 2]


def test_idle_counter_that_does_not_serve_the_service_stays_idle() -> None:
    result = run([walk_in(10, service="B")], desks(("A",), ("B",)))
    assert [c.counter for c in result.calls] == [2]


def test_counter_that_frees_up_calls_at_once() -> None:
    result = run([walk_in(0, duration=300), walk_in(50)], desks(("A",)))
    assert [(c.called_s, c.wait) for c in result.calls] == [(0, 0), (300, 250)]


def test_fifo_calls_the_earliest_arrival_among_the_counters_services() -> None:
    arrivals = [walk_in(0, duration=500), walk_in(20, "B"), walk_in(10, "A", "priority"), walk_in(30, "A")]
    result = run(arrivals, desks(("A", "B")), kind="fifo")
    assert call_order(result) == [0, 10, 20, 30]


def test_equal_arrivals_go_to_the_counters_earlier_listed_service_first() -> None:
    arrivals = [walk_in(0, duration=500), walk_in(100, "A"), walk_in(100, "B")]
    for kind in ("fifo", "apq", "strict"):
        result = run(arrivals, desks(("B", "A")), kind=kind)
        assert [c.arrival.service for c in result.calls] == ["A", "B", "A"], kind


def test_equal_priority_goes_to_the_earliest_arrival() -> None:
    # A regular who waited 300 s of a 900 s target and a priority who waited 100 s of 300 s tie at 1/3;
    # the regular arrived first.
    arrivals = [walk_in(0, duration=400), walk_in(100, cls="regular"), walk_in(300, cls="priority")]
    result = run(arrivals, desks(("A",)), priority=300)
    assert [c.cls.value for c in result.calls[1:]] == ["regular", "priority"]


def test_counter_makes_no_call_at_or_after_closing() -> None:
    result = run([walk_in(0, duration=100), walk_in(50)], desks(("A",), close_s=100))
    assert len(result.calls) == 1
    assert [a.arrival_s for a in result.unserved] == [50]


def test_counter_opens_late_and_calls_who_is_waiting() -> None:
    result = run([walk_in(10), walk_in(20)], desks(("A",), open_s=60))
    assert [c.called_s for c in result.calls] == [60, 160]


def test_at_the_same_instant_a_counter_frees_up_before_a_customer_arrives() -> None:
    # The counter frees at 100 and calls the waiting regular, not the priority customer arriving at 100.
    arrivals = [walk_in(0), walk_in(10), walk_in(100, cls="priority")]
    result = run(arrivals, desks(("A",)), kind="strict")
    assert call_order(result) == [0, 10, 100]


def test_booked_customer_waits_from_the_slot_start_if_early_and_from_arrival_if_late() -> None:
    arrivals = [walk_in(0, duration=1000), booked(400, slot=600), booked(700, slot=650)]
    result = run(arrivals, desks(("A",)), kind="fifo")
    waits = {c.arrival.arrival_s: c.wait for c in result.calls}
    assert waits[400] == 400  # called at 1000, slot at 600
    assert waits[700] == 400  # called at 1100, arrived at 700 after its slot


def test_booked_customer_more_than_ten_minutes_late_becomes_a_regular_walk_in() -> None:
    result = run([booked(1300, slot=600)], desks(("A",)))
    assert result.calls[0].cls is CustomerClass.REGULAR


def test_no_show_takes_no_counter_time() -> None:
    result = run([booked(600, slot=600, showed=False), walk_in(700)], desks(("A",)))
    assert result.no_shows == 1
    assert [c.wait for c in result.calls] == [0]


def test_each_call_records_the_policys_reason() -> None:
    arrivals = [walk_in(0, duration=200), walk_in(10), walk_in(20, cls="priority")]
    result = run(arrivals, desks(("A",)), priority=300)
    assert [c.reason for c in result.calls] == ["only_waiting", "faster_priority", "only_waiting"]


@pytest.mark.parametrize("kind", ["apq", "apq_plain", "fifo", "strict"])
def test_every_showed_customer_is_served_once_when_counters_never_close(kind: str) -> None:
    arrivals = [walk_in(t * 37.0, "AB"[t % 2], ("regular", "vip", "priority")[t % 3]) for t in range(60)]
    result = run(arrivals, desks(("A", "B"), ("B",)), kind=kind)
    assert sorted(c.ticket for c in result.calls) == list(range(60))
