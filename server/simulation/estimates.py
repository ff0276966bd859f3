"""The forecast the server would show each customer at check-in, replayed through a simulated day.

Every customer who joins the queue gets the forecast from the branch as it is at that
moment (people waiting, counters busy and for how long, bookings still to come), with
the branch's history learned from other days (or, without them, from the day itself).
Next to it: the naive "people ahead x mean service / open counters" and the Erlang
estimate of ``server/domain/estimate.py``, on the same customers, for the accuracy bench.
Waits are seconds from check-in to the call: what the forecast predicts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server.domain.classes import CustomerClass
from server.domain.estimate import estimate_wait
from server.domain.forecast import HORIZON_S, BookedDue, BranchModel, BranchState, forecast
from server.domain.learning import History, PastTicket, learn
from server.domain.policy import QueuePolicy, ahead_thresholds
from server.simulation import engine
from server.simulation.counters import Counter
from server.simulation.trace import Arrival

DEFAULT_RUNS = 100
PRIOR_SERVICE_S = 300.0


@dataclass(frozen=True, slots=True)
class EstimateRow:
    arrival_s: float
    service: str
    cls: CustomerClass
    people_ahead: int
    open_counters: int
    p10: int
    p50: int
    p90: int
    wait: float
    naive: float
    erlang: tuple[int, int, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "arrival_s": self.arrival_s,
            "service": self.service,
            "cls": self.cls.value,
            "people_ahead": self.people_ahead,
            "open_counters": self.open_counters,
            "p10": self.p10,
            "p50": self.p50,
            "p90": self.p90,
            "wait": round(self.wait, 3),
        }


def history_of(days: Iterable[Sequence[Arrival]], ids: Mapping[str, int]) -> History:
    """What the counters would have recorded on these days, as the forecast learns it."""
    return learn(
        PastTicket(
            day=n,
            weekday=0,
            hour=int(a.arrival_s // 3600),
            service_id=ids[a.service],
            customer_class=a.cls,
            service_s=a.service_s if a.showed else None,
            early_s=None if a.slot_s is None or not a.showed else a.slot_s - a.arrival_s,
        )
        for n, day in enumerate(days)
        for a in day
        if a.service in ids
    )


def booked_show_rate(days: Iterable[Sequence[Arrival]]) -> float:
    booked = [a.showed for day in days for a in day if a.cls is CustomerClass.APPOINTMENT]
    return (sum(booked) + 9) / (len(booked) + 10)  # prior: nine in ten come


def estimate_day(
    arrivals: Sequence[Arrival],
    counters: Sequence[Counter],
    policy: QueuePolicy,
    history_days: Sequence[Sequence[Arrival]] | None = None,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
) -> tuple[engine.DayResult, list[EstimateRow]]:
    """Simulate the day and, for each served customer, the forecast shown at their check-in."""
    ids = engine.service_index(arrivals, counters)
    days = history_days if history_days is not None else [arrivals]
    history = history_of(days, ids)
    show = booked_show_rate(days)
    early_mean, early_sd = history.punctuality()
    shown: dict[int, tuple[Any, ...]] = {}
    models: dict[int, BranchModel] = {}

    def observe(ticket: int, arrival: Arrival, state: BranchState) -> None:
        hour = int(state.now // 3600)
        if hour not in models:
            expected = dict.fromkeys(ids.values(), PRIOR_SERVICE_S)
            models[hour] = dataclasses.replace(history.model(expected, 0, hour, hour * 3600.0, ()), no_show={})
        bookings = tuple(
            BookedDue(ids[a.service], a.slot_s, show, early_mean, early_sd)
            for a in arrivals
            if a.slot_s is not None
            and (a.arrival_s > state.now or not a.showed)
            and state.now - 600 <= a.slot_s <= state.now + HORIZON_S
        )
        model = dataclasses.replace(models[hour], booked=bookings)
        result = forecast(state, model, runs=runs, seed=seed + ticket, track=[ticket])
        band = result.tickets.get(ticket)
        if band is None:
            return
        shown[ticket] = (*_plain_estimates(state, ticket, model), band)

    day = engine.simulate(arrivals, counters, policy, observe)
    rows = []
    for call in day.calls:
        if call.ticket not in shown:
            continue
        ahead, open_counters, naive, erlang, band = shown[call.ticket]
        a = call.arrival
        rows.append(
            EstimateRow(
                a.arrival_s, a.service, call.cls, ahead, open_counters, band.p10, band.p50, band.p90,
                max(0.0, call.called_s - a.arrival_s), naive, erlang,
            )
        )  # fmt: skip
    return day, rows


def _plain_estimates(state: BranchState, ticket: int, model: BranchModel) -> tuple[int, int, float, tuple[int, ...]]:
    """People ahead (as the server counts them), open counters, and the two estimates the forecast replaces."""
    me = next(w for w in state.waiting if w.ticket_id == ticket)
    limits = ahead_thresholds(state.policy, me.customer_class, me.anchor, state.now)
    ahead = sum(
        1
        for w in state.waiting
        if w.service_id == me.service_id
        and w.ticket_id != ticket
        and (w.anchor < limits[w.customer_class] or (w.customer_class is me.customer_class and w.anchor == me.anchor))
    )
    open_counters = sum(1 for d in state.desks if me.service_id in d.service_ids)
    mean = model.service_times[me.service_id].mean
    naive = ahead * mean / max(open_counters, 1)
    erlang = estimate_wait(ahead, open_counters, mean)
    return ahead, open_counters, naive, (erlang.p10, erlang.p50, erlang.p90)


def estimates_json(rows: Sequence[EstimateRow]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in rows]
