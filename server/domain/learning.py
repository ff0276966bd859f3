"""What a branch's own history says about its future: arrival rates, service times, no-shows.

Rates are per (weekday, hour, service, class) over the days seen; a weekday seen on fewer
than :data:`MIN_DAYS` days borrows the hour's rate pooled over every day. Service times
are log-normal with the branch's mean and spread, shrunk towards the configured expected
service time by :data:`PRIOR_TICKETS` pseudo-tickets, so a new service starts from its
configuration and moves to what the counters really take.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from server.domain.classes import CustomerClass
from server.domain.forecast import ArrivalPlan, BookedDue, BranchModel, ServiceTime, StreamKey

MIN_DAYS = 3
PRIOR_TICKETS = 20
PRIOR_CV = 0.8
PRIOR_NO_SHOW = 0.05
HOURS_AHEAD = 5


@dataclass(frozen=True, slots=True)
class PastTicket:
    """One ticket of the history. ``service_s`` is None for a ticket never served (no-show, left)."""

    day: Hashable
    weekday: int
    hour: int
    service_id: int
    customer_class: CustomerClass
    service_s: float | None
    no_show: bool = False
    early_s: float | None = None  # booked customers: seconds before their slot they checked in


@dataclass(frozen=True, slots=True)
class History:
    """Counts per (weekday, hour, service, class) and per (hour, service, class), and the days they span."""

    by_weekday: Mapping[tuple[int, int, int, CustomerClass], int] = field(default_factory=dict)
    by_hour: Mapping[tuple[int, int, CustomerClass], int] = field(default_factory=dict)
    days_by_weekday: Mapping[int, int] = field(default_factory=dict)
    days: int = 0
    service_times: Mapping[int, tuple[int, float, float]] = field(default_factory=dict)  # n, sum, sum of squares
    no_shows: Mapping[CustomerClass, tuple[int, int]] = field(default_factory=dict)  # no-shows, called
    early: tuple[int, float, float] = (0, 0.0, 0.0)

    def rate(self, weekday: int, hour: int, sid: int, cls: CustomerClass) -> float:
        """Arrivals per second."""
        seen = self.days_by_weekday.get(weekday, 0)
        if seen >= MIN_DAYS:
            return self.by_weekday.get((weekday, hour, sid, cls), 0) / (seen * 3600.0)
        return self.by_hour.get((hour, sid, cls), 0) / (self.days * 3600.0) if self.days else 0.0

    def service_time(self, sid: int, expected_s: float) -> ServiceTime:
        n, total, squares = self.service_times.get(sid, (0, 0.0, 0.0))
        prior = max(expected_s, 1.0)
        mean = (total + PRIOR_TICKETS * prior) / (n + PRIOR_TICKETS)
        cv2 = PRIOR_CV**2
        if n >= 2 and total > 0:
            sample_mean = total / n
            variance = max(0.0, squares / n - sample_mean**2)
            cv2 = (n * variance / sample_mean**2 + PRIOR_TICKETS * PRIOR_CV**2) / (n + PRIOR_TICKETS)
        return ServiceTime(mean, math.sqrt(cv2))

    def no_show_rate(self, cls: CustomerClass) -> float:
        missed, called = self.no_shows.get(cls, (0, 0))
        return (missed + PRIOR_TICKETS * PRIOR_NO_SHOW) / (called + PRIOR_TICKETS)

    def punctuality(self) -> tuple[float, float]:
        """Mean and spread of how early booked customers come (prior: 5 minutes early, 6 minutes spread)."""
        n, total, squares = self.early
        mean = (total + 5 * 300.0) / (n + 5)
        variance = (max(0.0, squares - n * (total / n) ** 2) if n else 0.0) + 5 * 360.0**2
        return mean, math.sqrt(variance / (n + 5))

    def model(
        self,
        expected: Mapping[int, float],
        weekday: int,
        hour: int,
        hour_start: float,
        booked: Iterable[BookedDue] | None = None,
    ) -> BranchModel:
        """The model from ``hour_start`` (the start of the current hour) on, for :data:`HOURS_AHEAD` hours.

        With the bookings given (even none), booked customers come from them, not from a rate.
        """
        classes = [c for c in CustomerClass if not (booked is not None and c is CustomerClass.APPOINTMENT)]
        rates: list[Mapping[StreamKey, float]] = []
        for ahead in range(HOURS_AHEAD):
            h = (hour + ahead) % 24
            day = (weekday + (hour + ahead) // 24) % 7
            rates.append({(sid, cls): self.rate(day, h, sid, cls) for sid in expected for cls in classes})
        starts = tuple(hour_start + 3600.0 * i for i in range(HOURS_AHEAD))
        return BranchModel(
            service_times={sid: self.service_time(sid, e) for sid, e in expected.items()},
            arrivals=ArrivalPlan(starts, tuple(rates)),
            no_show={cls: self.no_show_rate(cls) for cls in CustomerClass},
            booked=tuple(booked or ()),
        )


def learn(tickets: Iterable[PastTicket]) -> History:
    by_weekday: dict[tuple[int, int, int, CustomerClass], int] = {}
    by_hour: dict[tuple[int, int, CustomerClass], int] = {}
    days: dict[Hashable, int] = {}
    times: dict[int, tuple[int, float, float]] = {}
    no_shows: dict[CustomerClass, tuple[int, int]] = {}
    early = (0, 0.0, 0.0)
    for t in tickets:
        days[t.day] = t.weekday
        key = (t.weekday, t.hour, t.service_id, t.customer_class)
        by_weekday[key] = by_weekday.get(key, 0) + 1
        by_hour[key[1:]] = by_hour.get(key[1:], 0) + 1
        if t.service_s is not None:
            n, total, squares = times.get(t.service_id, (0, 0.0, 0.0))
            times[t.service_id] = (n + 1, total + t.service_s, squares + t.service_s**2)
        missed, called = no_shows.get(t.customer_class, (0, 0))
        if t.no_show or t.service_s is not None:
            no_shows[t.customer_class] = (missed + t.no_show, called + 1)
        if t.early_s is not None:
            early = (early[0] + 1, early[1] + t.early_s, early[2] + t.early_s**2)
    per_weekday: dict[int, int] = {}
    for weekday in days.values():
        per_weekday[weekday] = per_weekday.get(weekday, 0) + 1
    return History(by_weekday, by_hour, per_weekday, len(days), times, no_shows, early)
