"""Small traces and counters for engine tests: defaults for everything not under test."""

from __future__ import annotations

from server.domain.classes import CustomerClass
from server.domain.policy import ClassRule, PolicyKind, QueuePolicy
from server.simulation.counters import Counter
from server.simulation.engine import DayResult, simulate
from server.simulation.trace import Arrival


def walk_in(at: float, service: str = "A", cls: str = "regular", duration: float = 100.0) -> Arrival:
    return Arrival(at, service, CustomerClass(cls), duration)


def booked(at: float, slot: float, service: str = "A", duration: float = 100.0, showed: bool = True) -> Arrival:
    return Arrival(at, service, CustomerClass.APPOINTMENT, duration, slot, showed)


def desks(*services: tuple[str, ...], **times: float) -> list[Counter]:
    return [Counter(n, s, **times) for n, s in enumerate(services, start=1)]


def policy(kind: str = "apq", **targets: int) -> QueuePolicy:
    rules = {cls: ClassRule(target=targets.get(cls.value, 900)) for cls in CustomerClass}
    return QueuePolicy(kind=PolicyKind(kind), rules=rules)


def run(arrivals: list[Arrival], counters: list[Counter], kind: str = "apq", **targets: int) -> DayResult:
    return simulate(arrivals, counters, policy(kind, **targets))


def call_order(result: DayResult) -> list[float]:
    """Arrival times in the order customers were called."""
    return [c.arrival.arrival_s for c in result.calls]
