"""Synthetic branch days: non-homogeneous Poisson arrivals, log-normal service, a class mix.

Everything comes from one ``random.Random(seed)``, so the same seed gives the same
trace to the byte. Times are rounded to the millisecond the CSV keeps, so a generated
day and the same day read back from its file simulate identically.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from server.domain.classes import CustomerClass
from server.simulation.counters import Counter
from server.simulation.trace import Arrival

# Relative arrival rate per tenth of the day (09:00-19:00): a morning peak at 10:00
# and a lunch peak at 12:00-14:00. The mean is 1, and no hour passes 1.15, so a day at
# 85% load keeps every hour just below capacity; --lunch-peak makes an overload.
DAY_PROFILE = (0.8, 1.1, 1.05, 1.1, 1.15, 0.95, 0.9, 0.95, 1.0, 1.0)
LUNCH = (3, 4)
SLOT_S = 900.0


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    share: float
    mean_s: float
    cv: float = 0.8


SERVICES = (Service("A", 0.7, 300.0), Service("B", 0.3, 600.0))


@dataclass(frozen=True, slots=True)
class DayShape:
    """A day to generate. ``load`` is offered work over counter time outside the lunch peak."""

    counters: int = 5
    hours: float = 10.0
    load: float = 0.85
    priority_share: float = 0.1
    vip_share: float = 0.05
    appointment_share: float = 0.1
    no_show_rate: float = 0.1
    lunch_peak: float = 1.0
    services: tuple[Service, ...] = SERVICES

    @property
    def mean_service_s(self) -> float:
        return sum(s.share * s.mean_s for s in self.services) / sum(s.share for s in self.services)

    @property
    def mean_rate(self) -> float:
        """Arrivals per second at profile level 1."""
        return self.load * self.counters / self.mean_service_s


def generate_day(shape: DayShape, seed: int) -> list[Arrival]:
    rng = random.Random(seed)
    day_s = shape.hours * 3600.0
    levels = [level * (shape.lunch_peak if i in LUNCH else 1.0) for i, level in enumerate(DAY_PROFILE)]
    times = poisson_times(rng, [shape.mean_rate * level for level in levels], day_s / len(levels))
    arrivals = [_customer(rng, shape, t) for t in times]
    return sorted(arrivals, key=lambda a: a.arrival_s)


def poisson_times(rng: random.Random, rates: Sequence[float], segment_s: float) -> list[float]:
    """Arrival times of a Poisson process whose rate is ``rates[i]`` in the i-th segment.

    Exact for piecewise-constant rates: an exponential gap that overruns its segment
    restarts at the next boundary (memorylessness).
    """
    times = []
    for i, rate in enumerate(rates):
        t, end = i * segment_s, (i + 1) * segment_s
        while rate > 0:
            t += rng.expovariate(rate)
            if t >= end:
                break
            times.append(t)
    return times


def _customer(rng: random.Random, shape: DayShape, t: float) -> Arrival:
    service = _pick_service(rng, shape.services)
    duration = _ms(_lognormal(rng, service.mean_s, service.cv))
    u = rng.random()
    if u < shape.appointment_share:
        return _appointment(rng, shape, t, service.name, duration)
    cls = CustomerClass.REGULAR
    if u < shape.appointment_share + shape.priority_share:
        cls = CustomerClass.PRIORITY
    elif u < shape.appointment_share + shape.priority_share + shape.vip_share:
        cls = CustomerClass.VIP
    return Arrival(_ms(t), service.name, cls, duration)


def _appointment(rng: random.Random, shape: DayShape, t: float, service: str, duration: float) -> Arrival:
    """A booked slot around ``t``: most come a few minutes early, some late, some not at all."""
    slot = math.floor(t / SLOT_S) * SLOT_S
    showed = rng.random() >= shape.no_show_rate
    offset = min(900.0, max(-1800.0, rng.gauss(-300.0, 360.0)))
    arrival = max(0.0, slot + offset) if showed else slot
    return Arrival(_ms(arrival), service, CustomerClass.APPOINTMENT, duration, slot, showed)


def _pick_service(rng: random.Random, services: Sequence[Service]) -> Service:
    u = rng.random() * sum(s.share for s in services)
    for service in services:
        u -= service.share
        if u < 0:
            return service
    return services[-1]


def _lognormal(rng: random.Random, mean: float, cv: float) -> float:
    sigma2 = math.log(1 + cv * cv)
    return rng.lognormvariate(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))


def _ms(seconds: float) -> float:
    return max(0.001, round(seconds, 3))


def branch_counters(shape: DayShape) -> list[Counter]:
    """Counters for a generated day: every counter serves every service, primaries spread by share."""
    names = [s.name for s in shape.services]
    counters = []
    for number in range(1, shape.counters + 1):
        primary = _primary_for(number, shape)
        counters.append(Counter(number, (primary, *[n for n in names if n != primary])))
    return counters


def _primary_for(number: int, shape: DayShape) -> str:
    position = (number - 0.5) / shape.counters
    for service in shape.services:
        position -= service.share / sum(s.share for s in shape.services)
        if position < 0:
            return service.name
    return shape.services[-1].name


def exponential_day(
    rng: random.Random, rate: float, mean_s: float, duration_s: float, mix: Sequence[tuple[CustomerClass, float]]
) -> list[Arrival]:
    """Homogeneous Poisson arrivals, exponential service, one service "A": the textbook queue.

    Times are not rounded (these runs are for theory checks, not for files).
    """
    arrivals = []
    for t in poisson_times(rng, [rate], duration_s):
        u, cls = rng.random(), mix[-1][0]
        for candidate, share in mix:
            u -= share
            if u < 0:
                cls = candidate
                break
        arrivals.append(Arrival(t, "A", cls, rng.expovariate(1 / mean_s)))
    return arrivals
