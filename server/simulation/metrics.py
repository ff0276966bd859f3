"""Figures of a simulated day: waits per class and per service, counter utilisation."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from server.simulation.engine import Call, DayResult, open_seconds


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default method)."""
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class WaitSummary:
    n: int
    mean: float
    p50: float
    p90: float
    p95: float
    within_target: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": round(self.mean, 1),
            "p50": round(self.p50, 1),
            "p90": round(self.p90, 1),
            "p95": round(self.p95, 1),
            "within_target": round(self.within_target, 4),
        }


def summarise(calls: Iterable[Call], target_of: Callable[[Call], float]) -> WaitSummary:
    pairs = [(c.wait, target_of(c)) for c in calls]
    if not pairs:
        return WaitSummary(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    waits = sorted(w for w, _ in pairs)
    within = sum(1 for w, t in pairs if w <= t) / len(pairs)
    mean = math.fsum(waits) / len(waits)
    return WaitSummary(
        len(waits), mean, percentile(waits, 0.5), percentile(waits, 0.9), percentile(waits, 0.95), within
    )


@dataclass(frozen=True, slots=True)
class DayFigures:
    classes: dict[str, WaitSummary]
    services: dict[str, WaitSummary]
    utilisation: dict[str, float]
    served: int
    unserved: int
    no_shows: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": {k: v.to_dict() for k, v in self.classes.items()},
            "services": {k: v.to_dict() for k, v in self.services.items()},
            "utilisation": {k: round(v, 4) for k, v in self.utilisation.items()},
            "served": self.served,
            "unserved": self.unserved,
            "no_shows": self.no_shows,
        }


def day_figures(result: DayResult) -> DayFigures:
    rules = result.policy.rules

    def target_of(call: Call) -> float:
        return rules[call.cls].target

    by_class: dict[str, list[Call]] = {}
    by_service: dict[str, list[Call]] = {}
    for call in result.calls:
        by_class.setdefault(call.cls.value, []).append(call)
        by_service.setdefault(call.arrival.service, []).append(call)
    order = [cls.value for cls in rules]
    return DayFigures(
        classes={k: summarise(by_class[k], target_of) for k in sorted(by_class, key=order.index)},
        services={k: summarise(v, target_of) for k, v in sorted(by_service.items())},
        utilisation={str(c.number): _utilisation(result, c.number) for c in result.counters},
        served=len(result.calls),
        unserved=len(result.unserved),
        no_shows=result.no_shows,
    )


def _utilisation(result: DayResult, number: int) -> float:
    counter = next(c for c in result.counters if c.number == number)
    busy = result.busy_s[number]
    window = max(open_seconds(counter, result.end_s), busy)
    return busy / window if window else 0.0
