"""How many counters an hour needs: Erlang C (M/M/c) on the arrivals and service times seen.

Customers arrive at ``arrivals_per_hour`` and each takes ``mean_service`` seconds at a
counter; with ``c`` counters open, Erlang C gives the chance a customer has to wait at all
and, from it, the share who wait no longer than the target. The advice is the smallest ``c``
whose share meets ``target_share``. Bank queues are not exactly Poisson, so the answer is a
floor to start from, not a promise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_COUNTERS = 200


@dataclass(frozen=True)
class StaffingAdvice:
    counters: int  # the smallest number meeting the target (0 when nobody comes)
    load: float  # offered load in Erlangs: counters kept busy on average
    within_target: float  # expected share waiting no longer than the target with that many
    expected_wait: int  # expected mean wait in seconds with that many
    meets_target: bool  # False only when even MAX_COUNTERS would not do

    def to_dict(self) -> dict[str, object]:
        return {
            "counters": self.counters,
            "load": round(self.load, 2),
            "within_target": round(self.within_target, 3),
            "expected_wait": self.expected_wait,
            "meets_target": self.meets_target,
        }


def offered_load(arrivals_per_hour: float, mean_service: float) -> float:
    """Erlangs: arrivals per second times seconds per customer."""
    return arrivals_per_hour / 3600.0 * mean_service


def erlang_c(counters: int, load: float) -> float:
    """The chance an arriving customer has to wait (1.0 when the counters cannot keep up).

    Computed through the Erlang B recursion, which stays stable for large ``counters``.
    """
    if load <= 0:
        return 0.0
    if counters <= load:
        return 1.0
    blocking = 1.0
    for k in range(1, counters + 1):
        blocking = load * blocking / (k + load * blocking)
    return counters * blocking / (counters - load * (1.0 - blocking))


def share_within(counters: int, load: float, mean_service: float, target_wait: float) -> float:
    """Expected share of customers who wait at most ``target_wait`` seconds."""
    if load <= 0:
        return 1.0
    if counters <= load:
        return 0.0
    waiting = erlang_c(counters, load)
    return 1.0 - waiting * math.exp(-(counters - load) * target_wait / mean_service)


def mean_wait(counters: int, load: float, mean_service: float) -> float:
    """Expected mean wait in seconds (infinite when the counters cannot keep up)."""
    if load <= 0:
        return 0.0
    if counters <= load:
        return math.inf
    return erlang_c(counters, load) * mean_service / (counters - load)


def counters_needed(
    arrivals_per_hour: float, mean_service: float, target_wait: float, target_share: float = 0.8
) -> StaffingAdvice:
    """The smallest number of counters for which ``target_share`` wait at most ``target_wait``."""
    load = offered_load(arrivals_per_hour, mean_service)
    if load <= 0 or mean_service <= 0:
        return StaffingAdvice(0, 0.0, 1.0, 0, True)
    counters = max(1, math.floor(load) + 1)
    while counters < MAX_COUNTERS and share_within(counters, load, mean_service, target_wait) < target_share:
        counters += 1
    share = share_within(counters, load, mean_service, target_wait)
    wait = mean_wait(counters, load, mean_service)
    return StaffingAdvice(counters, load, share, round(wait), share >= target_share)
