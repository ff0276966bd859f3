"""Figures from ticket timestamps: waits, service times, shares within target, feedback.

Nothing here counts as it goes: every figure is recomputed from the tickets' own times, so
it cannot drift from what happened.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TypeVar

from server.domain.classes import CustomerClass, TicketStatus

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class TicketTimes:
    """What the statistics need of one ticket (its feedback score, when given)."""

    service_id: int
    customer_class: str
    status: str
    business_date: date
    issued_at: datetime
    anchor_at: datetime
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    served_by: int | None = None
    counter_id: int | None = None
    score: int | None = None

    @property
    def wait(self) -> int | None:
        """Issue to call; an appointment waits from its slot start when it came early."""
        if self.called_at is None:
            return None
        start = self.issued_at
        if self.customer_class == CustomerClass.APPOINTMENT.value:
            start = max(self.anchor_at, self.issued_at)
        return max(0, round((self.called_at - start).total_seconds()))

    @property
    def service_time(self) -> int | None:
        if self.status != TicketStatus.DONE.value or self.started_at is None or self.finished_at is None:
            return None
        return max(0, round((self.finished_at - self.started_at).total_seconds()))


@dataclass(frozen=True)
class Spread:
    mean: int
    p50: int
    p90: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks of sorted values (q in 0..1)."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: Iterable[float]) -> Spread | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mean = sum(ordered) / len(ordered)
    return Spread(round(mean), round(percentile(ordered, 0.5)), round(percentile(ordered, 0.9)))


@dataclass(frozen=True)
class Summary:
    tickets: int
    served: int
    no_shows: int
    cancelled: int
    wait: Spread | None
    service_time: Spread | None
    within_target: float | None  # share of served tickets called within their service's target
    feedback_mean: float | None
    feedback_count: int

    def to_dict(self) -> dict[str, object]:
        return {
            "tickets": self.tickets,
            "served": self.served,
            "no_shows": self.no_shows,
            "cancelled": self.cancelled,
            "wait": self.wait.to_dict() if self.wait else None,
            "service_time": self.service_time.to_dict() if self.service_time else None,
            "within_target": None if self.within_target is None else round(self.within_target, 3),
            "feedback_mean": None if self.feedback_mean is None else round(self.feedback_mean, 2),
            "feedback_count": self.feedback_count,
        }


def summarise(tickets: Sequence[TicketTimes], target_waits: Mapping[int, int]) -> Summary:
    """One group's figures; ``target_waits`` maps service id to its target wait in seconds."""
    served = [t for t in tickets if t.status == TicketStatus.DONE.value]
    served_waits = [(t.wait, target_waits.get(t.service_id)) for t in served if t.wait is not None]
    within = [wait <= target for wait, target in served_waits if target is not None]
    scores = [t.score for t in tickets if t.score is not None]
    return Summary(
        tickets=len(tickets),
        served=len(served),
        no_shows=sum(1 for t in tickets if t.status == TicketStatus.NO_SHOW.value),
        cancelled=sum(1 for t in tickets if t.status == TicketStatus.CANCELLED.value),
        wait=spread(w for w in (t.wait for t in tickets) if w is not None),
        service_time=spread(s for s in (t.service_time for t in served) if s is not None),
        within_target=sum(within) / len(within) if within else None,
        feedback_mean=sum(scores) / len(scores) if scores else None,
        feedback_count=len(scores),
    )


def grouped(tickets: Iterable[TicketTimes], key: Callable[[TicketTimes], K | None]) -> dict[K, list[TicketTimes]]:
    """Tickets by ``key`` (a ticket whose key is None is left out), in first-seen order."""
    groups: dict[K, list[TicketTimes]] = {}
    for ticket in tickets:
        value = key(ticket)
        if value is not None:
            groups.setdefault(value, []).append(ticket)
    return groups
