"""Generated days: same seed, same bytes; the shape follows the options."""

from __future__ import annotations

import io

from server.domain.classes import CustomerClass
from server.simulation.generator import DayShape, branch_counters, generate_day
from server.simulation.trace import parse_trace, write_trace


def trace_text(shape: DayShape, seed: int) -> str:
    out = io.StringIO()
    write_trace(generate_day(shape, seed), out)
    return out.getvalue()


def test_same_seed_gives_the_same_trace_to_the_byte() -> None:
    assert trace_text(DayShape(), 7) == trace_text(DayShape(), 7)


def test_other_seed_gives_another_day() -> None:
    assert trace_text(DayShape(), 7) != trace_text(DayShape(), 8)


def test_generated_day_reads_back_unchanged() -> None:
    arrivals = generate_day(DayShape(), 3)
    assert parse_trace(trace_text(DayShape(), 3)) == arrivals


def test_generated_load_matches_the_requested_load() -> None:
    shape = DayShape(counters=8, load=0.8)
    arrivals = [a for seed in range(5) for a in generate_day(shape, seed)]
    offered = sum(a.service_s for a in arrivals) / (5 * shape.counters * shape.hours * 3600)
    assert abs(offered - 0.8) < 0.05


def test_lunch_peak_brings_more_customers_between_twelve_and_two() -> None:
    def lunch_count(peak: float) -> int:
        return sum(1 for a in generate_day(DayShape(lunch_peak=peak), 5) if 3 * 3600 <= a.arrival_s < 5 * 3600)

    assert lunch_count(1.5) > 1.3 * lunch_count(1.0)


def test_class_mix_follows_the_shares() -> None:
    shape = DayShape(priority_share=0.2, vip_share=0.0, appointment_share=0.0)
    arrivals = [a for seed in range(5) for a in generate_day(shape, seed)]
    share = sum(1 for a in arrivals if a.cls is CustomerClass.PRIORITY) / len(arrivals)
    assert 0.17 < share < 0.23
    assert not any(a.cls is CustomerClass.VIP for a in arrivals)


def test_booked_customers_have_slots_on_the_quarter_hour_and_some_do_not_come() -> None:
    booked = [
        a for seed in range(5) for a in generate_day(DayShape(appointment_share=0.3), seed) if a.slot_s is not None
    ]
    assert all(a.slot_s is not None and a.slot_s % 900 == 0 for a in booked)
    assert 0.03 < sum(1 for a in booked if not a.showed) / len(booked) < 0.2


def test_generated_counters_serve_every_service_with_primaries_spread_by_share() -> None:
    counters = branch_counters(DayShape(counters=5))
    assert [c.services[0] for c in counters] == ["A", "A", "A", "B", "B"]
    assert all(set(c.services) == {"A", "B"} for c in counters)
