"""Erlang C staffing advice and the figures statistics are made of."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from server.domain.staffing import counters_needed, erlang_c, mean_wait, share_within
from server.domain.statistics import TicketTimes, grouped, percentile, spread, summarise

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def textbook_erlang_c(counters: int, load: float) -> float:
    """The closed form, fine for small numbers."""
    top = load**counters / math.factorial(counters) * counters / (counters - load)
    return top / (sum(load**k / math.factorial(k) for k in range(counters)) + top)


@pytest.mark.parametrize(("counters", "load"), [(1, 0.5), (2, 1.0), (3, 2.5), (10, 8.0), (25, 20.0)])
def test_erlang_c_matches_the_textbook_formula(counters, load):
    assert erlang_c(counters, load) == pytest.approx(textbook_erlang_c(counters, load))


def test_one_counter_makes_a_customer_wait_as_often_as_it_is_busy():
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert mean_wait(1, 0.5, 300) == pytest.approx(300)  # M/M/1: rho / (1 - rho) * service


def test_counters_that_cannot_keep_up_always_make_people_wait():
    assert erlang_c(3, 3.0) == 1.0 and share_within(3, 3.5, 300, 600) == 0.0 and mean_wait(2, 2.0, 300) == math.inf


def test_nobody_arriving_needs_no_counter():
    advice = counters_needed(0, 300, 600)
    assert advice.counters == 0 and advice.within_target == 1.0 and advice.meets_target


def test_advice_is_the_smallest_number_of_counters_meeting_the_target():
    advice = counters_needed(60, 300, 120, 0.8)  # 5 Erlangs
    assert advice.load == pytest.approx(5.0) and advice.meets_target
    assert share_within(advice.counters, 5.0, 300, 120) >= 0.8 > share_within(advice.counters - 1, 5.0, 300, 120)
    assert advice.counters == 7


def test_more_arrivals_or_a_stricter_target_never_need_fewer_counters():
    counts = [counters_needed(n, 240, 300).counters for n in range(0, 400, 20)]
    assert counts == sorted(counts)
    assert counters_needed(100, 240, 60).counters >= counters_needed(100, 240, 600).counters


def test_percentiles_interpolate_between_ranks():
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert spread([60, 120, 180, 240, 1200]) is not None
    assert spread([60, 120, 180, 240, 1200]).to_dict() == {"mean": 360, "p50": 180, "p90": 816}
    assert spread([]) is None


def ticket(status="done", cls="regular", wait=300, service=240, **extra) -> TicketTimes:
    called = T0 + timedelta(seconds=wait)
    values = {
        "service_id": 1,
        "customer_class": cls,
        "status": status,
        "business_date": date(2026, 11, 23),
        "issued_at": T0,
        "anchor_at": T0,
        "called_at": called,
        "started_at": called,
        "finished_at": called + timedelta(seconds=service),
    }
    return TicketTimes(**(values | extra))


def test_an_appointment_waits_from_its_slot_when_it_came_early_and_from_arrival_when_late():
    early = ticket(cls="appointment", anchor_at=T0 + timedelta(minutes=10), wait=900)
    late = ticket(cls="appointment", anchor_at=T0 - timedelta(minutes=10), wait=900)
    walk_in = ticket(anchor_at=T0 + timedelta(minutes=10), wait=900)
    assert (early.wait, late.wait, walk_in.wait) == (300, 900, 900)


def test_a_summary_counts_outcomes_times_target_and_feedback():
    tickets = [
        ticket(wait=100, score=5),
        ticket(wait=700, score=3),
        ticket(status="no_show", wait=200),
        ticket(status="waiting", called_at=None),
        ticket(status="cancelled", called_at=None),
    ]
    summary = summarise(tickets, {1: 600})
    assert (summary.tickets, summary.served, summary.no_shows, summary.cancelled) == (5, 2, 1, 1)
    assert summary.within_target == 0.5  # of the served: 100 s within 600, 700 s not
    assert summary.wait is not None and summary.wait.mean == round((100 + 700 + 200) / 3)
    assert summary.service_time is not None and summary.service_time.p50 == 240  # the no-show was never served
    assert summary.feedback_mean == 4 and summary.feedback_count == 2
    assert summarise([], {}).to_dict()["wait"] is None


def test_grouping_leaves_out_tickets_without_a_key():
    groups = grouped([ticket(served_by=3), ticket(served_by=None), ticket(served_by=3)], lambda t: t.served_by)
    assert list(groups) == [3] and len(groups[3]) == 2
