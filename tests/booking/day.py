"""A simulated branch day with walk-ins and appointments through the real policy (issue 5's rule).

* Punctuality: appointment customers who arrive by their slot start are called within
  their class target of the slot start.
* Fairness: walk-ins' mean wait rises by no more than the capacity the appointments took
  would predict. The bound is the same day with that capacity given away outright: every
  booked customer served before any walk-in (the ``strict`` policy), so the walk-ins get
  only the counter time the appointments leave. A steady-state estimate scales the
  measured walk-in-only days by Erlang C, from
  the rates pooled over all the days (one day can be briefly overloaded):
  W_pred = W_alone x C(s x c / (c - a)) / C(s), where a is the appointments' offered
  load in counters and C(s) the M/M/c (Erlang C) mean wait of the walk-ins with mean
  service time s: the appointments' work spread over the c counters as if each had
  only (c - a)/c of its time left for walk-ins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from server.domain.classes import CustomerClass
from server.domain.policy import PolicyKind, QueuePolicy
from server.simulation.engine import DayResult, simulate
from server.simulation.generator import DayShape, branch_counters, generate_day
from server.simulation.theory import erlang_c_wait

APPOINTMENT = CustomerClass.APPOINTMENT
SHAPE = DayShape(counters=5, load=0.85, appointment_share=0.15, no_show_rate=0.04)


@dataclass(frozen=True)
class BookingDay:
    on_time: int
    on_time_within_target: int
    walk_in_wait: float  # mean, seconds, with appointments
    walk_in_wait_alone: float  # the same walk-ins on a day without appointments
    walk_in_wait_given_away: float  # the same day with appointments always served first
    appointment_load: float  # counters' worth of appointment work
    walk_in_rate: float  # per second
    walk_in_service_s: float

    @property
    def punctual_share(self) -> float:
        return self.on_time_within_target / self.on_time if self.on_time else 1.0


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def booking_day(seed: int, shape: DayShape = SHAPE, policy: QueuePolicy | None = None) -> BookingDay:
    policy = policy or QueuePolicy()
    target = policy.rule(APPOINTMENT).target
    arrivals = generate_day(shape, seed)
    counters = branch_counters(shape)
    mixed = simulate(arrivals, counters, policy)
    alone = simulate([a for a in arrivals if a.cls is not APPOINTMENT], counters, policy)
    given_away = simulate(arrivals, counters, replace(policy, kind=PolicyKind.STRICT))
    booked = [c for c in mixed.calls if c.arrival.cls is APPOINTMENT and c.arrival.arrival_s <= (c.arrival.slot_s or 0)]
    within = sum(1 for c in booked if c.called_s - (c.arrival.slot_s or 0) <= target)
    walk_ins_alone = [c.wait for c in alone.calls]
    day_s = shape.hours * 3600
    served = [a for a in arrivals if a.showed]
    appointment_load = math.fsum(a.service_s for a in served if a.cls is APPOINTMENT) / day_s
    walk_in_work = [a.service_s for a in served if a.cls is not APPOINTMENT]
    return BookingDay(
        len(booked),
        within,
        _walk_in_mean(mixed),
        _mean(walk_ins_alone),
        _walk_in_mean(given_away),
        appointment_load,
        len(walk_in_work) / day_s,
        _mean(walk_in_work),
    )


def predicted_walk_in_wait(days: list[BookingDay], counters: int = SHAPE.counters) -> float:
    """Mean walk-in wait the capacity given up to appointments predicts (see the module doc)."""
    load = _mean([d.appointment_load for d in days])
    rate = _mean([d.walk_in_rate for d in days])
    service_s = _mean([d.walk_in_service_s for d in days])
    slowed = service_s * counters / (counters - load)
    factor = erlang_c_wait(counters, rate, slowed) / erlang_c_wait(counters, rate, service_s)
    return _mean([d.walk_in_wait_alone for d in days]) * factor


def _walk_in_mean(day: DayResult) -> float:
    return _mean([c.wait for c in day.calls if c.arrival.cls is not APPOINTMENT])


def booking_days(seeds: range, shape: DayShape = SHAPE) -> list[BookingDay]:
    return [booking_day(seed, shape) for seed in seeds]


def no_show_share(seeds: range, shape: DayShape = SHAPE) -> float:
    booked = [a for seed in seeds for a in generate_day(shape, seed) if a.cls is APPOINTMENT]
    return sum(1 for a in booked if not a.showed) / len(booked)


__all__ = ["SHAPE", "BookingDay", "booking_day", "booking_days", "no_show_share", "predicted_walk_in_wait"]
