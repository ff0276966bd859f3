"""Forecast of each waiting customer's call: the branch run forward many times through :func:`pick_next`.

Each run starts from the live state (the waiting tickets with their classes and anchors,
the open counters with what they serve and how long the current customer has been at
them) and goes on with what the branch's history says will happen: arrivals per service
and class at this hour's rates, service times per service, no-shows that cost a counter
a short wait. A counter that frees up calls exactly as the server does, so VIPs,
priority and booked customers overtake at the rates the policy lets them. The spread of
the call times over the runs is the forecast.

A *probe* is a ticket issued now (one per service): it is called like any other ticket
but takes no counter time, so it tells what a customer issued now would wait without
delaying anyone (nobody waiting now is behind it; only later arrivals are).

Times are epoch seconds (or any common origin); every draw comes from one seeded
``random.Random``, so the same inputs give the same forecast.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

from server.domain.classes import CustomerClass
from server.domain.policy import Candidate, PolicyKind, QueuePolicy, pick_next

StreamKey = tuple[int, CustomerClass]  # (service id, class)

# How far ahead a run goes at most: a ticket not called by then counts as called then.
HORIZON_S = 4 * 3600.0
# A range whose p90 is within this many seconds says "now".
NOW_WITHIN_S = 60.0
# Probes carry ids above every real ticket's (ties in the queue go to the lower id, so a
# probe issued the same second as a real ticket is behind it) and below future arrivals'.
_PROBE_BASE = 1 << 39


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """Service-time distribution of one service: log-normal with this mean and coefficient of variation.

    ``cv == 1`` with ``exponential`` set is the textbook exponential (for checks against theory).
    """

    mean: float
    cv: float = 0.8
    exponential: bool = False

    def draw(self, rng: random.Random) -> float:
        if self.exponential:
            return rng.expovariate(1.0 / self.mean)
        sigma2 = math.log(1.0 + self.cv * self.cv)
        return rng.lognormvariate(math.log(self.mean) - sigma2 / 2.0, math.sqrt(sigma2))

    def remaining(self, rng: random.Random, elapsed: float) -> float:
        """Time left of a service already ``elapsed`` long: a draw conditioned on being longer."""
        if self.exponential or elapsed <= 0:
            return self.draw(rng)
        for _ in range(20):
            total = self.draw(rng)
            if total > elapsed:
                return total - elapsed
        # Far in the tail: what is left is about the mean residual of a heavy tail.
        return rng.expovariate(1.0 / max(self.mean * 0.5, 30.0))


@dataclass(frozen=True, slots=True)
class ArrivalPlan:
    """Arrival rates (per second) per (service, class), piecewise constant from each start time on."""

    starts: tuple[float, ...] = ()
    rates: tuple[Mapping[StreamKey, float], ...] = ()

    def rate(self, key: StreamKey, segment: int) -> float:
        return self.rates[segment].get(key, 0.0) if self.rates else 0.0

    def segment_at(self, t: float) -> int:
        index = 0
        while index + 1 < len(self.starts) and self.starts[index + 1] <= t:
            index += 1
        return index


@dataclass(frozen=True, slots=True)
class BookedDue:
    """A booked customer not yet checked in: slot start, how likely they come, their punctuality.

    ``show`` and the punctuality are what the history says of every booked customer,
    before anyone knows whether they have come; :meth:`still_to_come` is what they say
    of one who has not come by a given time.
    """

    service_id: int
    slot_s: float
    show: float = 0.9
    early_mean_s: float = 300.0  # minutes before the slot they usually come
    early_sd_s: float = 360.0

    def still_to_come(self, now: float) -> tuple[float, float]:
        """The chance that a customer not checked in by ``now`` still comes, and the share of comers who come earlier.

        A booked customer comes with chance ``show`` at a normal time around
        ``slot - early_mean`` (spread ``early_sd``). Not having come by ``now`` is news: of
        those who come, the share ``F`` who come before ``now`` are ruled out, so the chance
        of coming is ``show (1 - F) / (1 - show F)`` (Bayes), and a comer comes after ``now``.
        A slot just past, most of whose customers come early, is then most likely a no-show.
        """
        if self.early_sd_s <= 0:
            earlier = 1.0 if self.slot_s - self.early_mean_s <= now else 0.0
        else:
            earlier = NormalDist(self.slot_s - self.early_mean_s, self.early_sd_s).cdf(now)
        rest = 1.0 - self.show * earlier
        return (self.show * (1.0 - earlier) / rest if rest > 0 else 0.0), earlier

    def check_in(self, now: float, rng: random.Random) -> float | None:
        """When, in one run, a booked customer not checked in by ``now`` checks in (None: they do not come)."""
        return _BookedDraw.of(self, now).draw(rng)


class _BookedDraw:
    """:meth:`BookedDue.check_in` with the conditioning worked out once for every run."""

    __slots__ = ("chance", "earlier", "law", "now", "punctual")

    def __init__(self, booked: BookedDue, now: float, chance: float, earlier: float) -> None:
        self.now, self.chance, self.earlier = now, chance, earlier
        self.punctual = booked.slot_s - booked.early_mean_s
        self.law = NormalDist(self.punctual, booked.early_sd_s) if booked.early_sd_s > 0 else None

    @classmethod
    def of(cls, booked: BookedDue, now: float) -> _BookedDraw:
        return cls(booked, now, *booked.still_to_come(now))

    def draw(self, rng: random.Random) -> float | None:
        if self.chance <= 0 or rng.random() >= self.chance:
            return None
        if self.law is None:
            return max(self.now, self.punctual)
        # The normal time, drawn above the share ``earlier`` that came before now.
        u = self.earlier + rng.random() * (1.0 - self.earlier)
        return max(self.now, self.law.inv_cdf(min(max(u, 1e-12), 1.0 - 1e-12)))


@dataclass(frozen=True, slots=True)
class BranchModel:
    """What the branch's history says: service times, arrivals, no-shows, booked customers due."""

    service_times: Mapping[int, ServiceTime]
    arrivals: ArrivalPlan = field(default_factory=ArrivalPlan)
    no_show: Mapping[CustomerClass, float] = field(default_factory=dict)
    no_show_cost_s: float = 60.0  # a counter's time lost calling someone who does not come
    booked: tuple[BookedDue, ...] = ()
    late_check_in_s: float = 600.0  # later than this after the slot, a booked customer joins as regular


@dataclass(frozen=True, slots=True)
class Waiting:
    """A waiting ticket: its (service, class) queue position follows ``anchor`` (``arrival`` under fifo)."""

    ticket_id: int
    service_id: int
    customer_class: CustomerClass
    anchor: float
    arrival: float


@dataclass(frozen=True, slots=True)
class Desk:
    """An open counter: services it calls (primary first); ``busy_since`` when someone is at it."""

    number: int
    service_ids: tuple[int, ...]
    busy_since: float | None = None
    busy_service: int | None = None


@dataclass(frozen=True, slots=True)
class BranchState:
    now: float
    waiting: tuple[Waiting, ...]
    desks: tuple[Desk, ...]
    policy: QueuePolicy


@dataclass(frozen=True, slots=True)
class WaitForecast:
    """Seconds from now until the call: p10 / p50 / p90 over the runs, and the sorted runs themselves."""

    p10: int
    p50: int
    p90: int
    samples: tuple[float, ...] = field(repr=False, compare=False)

    @property
    def now(self) -> bool:
        """The call is imminent: nine runs in ten call within :data:`NOW_WITHIN_S`."""
        return self.p90 <= NOW_WITHIN_S

    def chance_within(self, seconds: float) -> float:
        if not self.samples:
            return 0.0
        return sum(1 for s in self.samples if s <= seconds) / len(self.samples)

    def to_dict(self) -> dict[str, int]:
        return {"p10": self.p10, "p50": self.p50, "p90": self.p90}


@dataclass(frozen=True, slots=True)
class Forecast:
    tickets: Mapping[int, WaitForecast]
    services: Mapping[int, WaitForecast]  # a regular ticket issued now, per service some open counter serves
    runs: int


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics."""
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def wait_forecast(samples: Sequence[float]) -> WaitForecast:
    ordered = tuple(sorted(samples))
    return WaitForecast(
        round(quantile(ordered, 0.1)), round(quantile(ordered, 0.5)), round(quantile(ordered, 0.9)), ordered
    )


def runs_for(waiting: int, budget_calls: int = 4_000, most: int = 200, least: int = 12) -> int:
    """Runs that keep one update near a fixed number of simulated calls, its CPU cost (docs/honest-waits.md).

    A long line needs fewer runs for the same precision: its waits are sums of many
    service times, so their spread is narrow next to their size.
    """
    return max(least, min(most, budget_calls // max(waiting, 1)))


def forecast(
    state: BranchState,
    model: BranchModel,
    *,
    runs: int = 200,
    seed: int = 0,
    track: Sequence[int] | None = None,
    probes: Sequence[int] = (),
) -> Forecast:
    """p10/p50/p90 of the time to the call of every waiting ticket (or those in ``track``).

    ``probes`` are services for which a regular ticket issued now is forecast too. A
    service no desk serves gets no probe and its tickets no forecast: nobody will call them.
    """
    served = {sid for d in state.desks for sid in d.service_ids}
    tracked = [w for w in state.waiting if w.service_id in served and (track is None or w.ticket_id in track)]
    probe_services = [sid for sid in dict.fromkeys(probes) if sid in served]
    if not tracked and not probe_services:
        return Forecast({}, {}, 0)  # no open counter: nothing to forecast
    rng = random.Random(seed)
    samples: dict[int, list[float]] = {w.ticket_id: [] for w in tracked}
    probe_samples: dict[int, list[float]] = {sid: [] for sid in probe_services}
    base = _queues_of(state)
    booked = [_BookedDraw.of(b, state.now) for b in model.booked]
    for _ in range(runs):
        calls = _Run(state, model, rng, base, booked, {w.ticket_id for w in tracked}, probe_services).run()
        for ticket_id, values in samples.items():
            values.append(calls.get(ticket_id, HORIZON_S))
        for i, sid in enumerate(probe_services):
            probe_samples[sid].append(calls.get(_PROBE_BASE + i, HORIZON_S))
    return Forecast(
        tickets={tid: wait_forecast(v) for tid, v in samples.items()},
        services={sid: wait_forecast(v) for sid, v in probe_samples.items()},
        runs=runs,
    )


_FREE, _ARRIVE, _BOOKED = 0, 1, 2
_CLASSES = tuple(CustomerClass)
_Entry = tuple[float, int, Candidate]  # (queue order, ticket id, candidate)


def _queues_of(state: BranchState) -> dict[StreamKey, list[_Entry]]:
    """The waiting tickets in their (service, class) queues, sorted once for every run."""
    fifo = state.policy.kind is PolicyKind.FIFO
    queues: dict[StreamKey, list[_Entry]] = {}
    for w in state.waiting:
        c = Candidate(w.ticket_id, w.service_id, w.customer_class, w.anchor, w.arrival)
        entry = (w.arrival if fifo else w.anchor, w.ticket_id, c)
        queues.setdefault((w.service_id, w.customer_class), []).append(entry)
    for queue in queues.values():
        queue.sort()
    return queues


class _Run:
    """One run forward from the state; returns seconds from now to the call of each watched ticket."""

    def __init__(
        self,
        state: BranchState,
        model: BranchModel,
        rng: random.Random,
        base: Mapping[StreamKey, list[_Entry]],
        booked_draws: Sequence[_BookedDraw],
        watched: set[int],
        probe_services: Sequence[int],
    ) -> None:
        self.state, self.model, self.rng = state, model, rng
        self.policy = state.policy
        self.booked_draws = booked_draws
        self.by_arrival = state.policy.kind is PolicyKind.FIFO
        self.now = state.now
        self.end = state.now + HORIZON_S
        self.queues: dict[StreamKey, list[_Entry]] = {}
        self.events: list[tuple[float, int, int, int]] = []  # (time, order, kind, index)
        self.order = 0
        self.idle: list[bool] = [False] * len(state.desks)
        self.desks_for: dict[int, list[int]] = {}
        self.watched = set(watched)
        self.probes: set[int] = set()
        self.calls: dict[int, float] = {}
        self.next_ticket = 1 << 40  # future arrivals: ids no real ticket has
        for i, desk in enumerate(state.desks):
            for sid in desk.service_ids:
                self.desks_for.setdefault(sid, []).append(i)
                for cls in _CLASSES:
                    self.queues[(sid, cls)] = []
        for key, queue in base.items():
            self.queues[key] = list(queue)  # sorted, so already a heap
        # Each desk's (service, class) queues in its order: the heads it calls from.
        self.desk_queues = [[self.queues[(sid, cls)] for sid in d.service_ids for cls in _CLASSES] for d in state.desks]
        self.draws = {sid: _LogNormal(t) for sid, t in model.service_times.items()}
        self.fallback = _LogNormal(_fallback(model))
        for i, sid in enumerate(probe_services):
            ticket_id = _PROBE_BASE + i
            self.probes.add(ticket_id)
            self.watched.add(ticket_id)
            self._enqueue(Candidate(ticket_id, sid, CustomerClass.REGULAR, self.now, self.now))
        self._schedule_start()

    def _push(self, t: float, kind: int, index: int) -> None:
        self.order += 1
        heapq.heappush(self.events, (t, self.order, kind, index))

    def _enqueue(self, c: Candidate) -> None:
        key = (c.service_id, c.customer_class)
        heapq.heappush(self.queues.setdefault(key, []), (c.arrival if self.by_arrival else c.anchor, c.ticket_id, c))

    def _schedule_start(self) -> None:
        model, rng = self.model, self.rng
        for i, desk in enumerate(self.state.desks):
            if desk.busy_since is None:
                self._push(self.now, _FREE, i)
                continue
            known = None if desk.busy_service is None else model.service_times.get(desk.busy_service)
            time = known or self.fallback.time
            self._push(self.now + time.remaining(rng, self.now - desk.busy_since), _FREE, i)
        self.streams: list[StreamKey] = sorted(
            {k for rates in model.arrivals.rates for k, r in rates.items() if r > 0},
            key=lambda k: (k[0], _CLASSES.index(k[1])),
        )
        for index, key in enumerate(self.streams):
            self._next_arrival(index, key, self.now)
        for index, draw in enumerate(self.booked_draws):
            check_in = draw.draw(rng)
            if check_in is not None:
                self._push(check_in, _BOOKED, index)

    def _next_arrival(self, index: int, key: StreamKey, t: float) -> None:
        plan = self.model.arrivals
        segment = plan.segment_at(t)
        while t < self.end:
            rate = plan.rate(key, segment)
            boundary = plan.starts[segment + 1] if segment + 1 < len(plan.starts) else math.inf
            if rate > 0:
                nxt = t + self.rng.expovariate(rate)
                if nxt < boundary:
                    if nxt < self.end:
                        self._push(nxt, _ARRIVE, index)
                    return
            if boundary == math.inf:
                return
            t, segment = boundary, segment + 1

    def run(self) -> dict[int, float]:
        while self.events and self.watched:
            t, _, kind, index = heapq.heappop(self.events)
            if t > self.end:
                break
            if kind == _FREE:
                self._call(index, t)
            elif kind == _ARRIVE:
                key = self.streams[index]
                self._next_arrival(index, key, t)
                self._arrive(key[0], key[1], t, t)
            else:
                self._booked_arrives(self.model.booked[index], t)
        return self.calls

    def _booked_arrives(self, booked: BookedDue, t: float) -> None:
        if t > booked.slot_s + self.model.late_check_in_s:
            self._arrive(booked.service_id, CustomerClass.REGULAR, t, t)
        else:
            self._arrive(booked.service_id, CustomerClass.APPOINTMENT, booked.slot_s, t)

    def _arrive(self, sid: int, cls: CustomerClass, anchor: float, t: float) -> None:
        self.next_ticket += 1
        self._enqueue(Candidate(self.next_ticket, sid, cls, anchor, t))
        for i in self.desks_for.get(sid, ()):
            if self.idle[i]:
                self._call(i, t)
                return

    def _call(self, i: int, t: float) -> None:
        desk = self.state.desks[i]
        heads = [q[0][2] for q in self.desk_queues[i] if q]
        choice = pick_next(heads, desk.service_ids, t, self.policy) if heads else None
        self.idle[i] = choice is None
        if choice is None:
            return
        chosen = choice.candidate
        heapq.heappop(self.queues[(chosen.service_id, chosen.customer_class)])
        if chosen.ticket_id in self.watched:
            self.watched.discard(chosen.ticket_id)
            self.calls[chosen.ticket_id] = t - self.now
            if chosen.ticket_id in self.probes:
                self._push(t, _FREE, i)  # a probe takes no counter time
                return
        self._push(t + self._busy_for(chosen), _FREE, i)

    def _busy_for(self, c: Candidate) -> float:
        no_show = self.model.no_show.get(c.customer_class)
        if no_show and self.rng.random() < no_show:
            return self.model.no_show_cost_s
        return self.draws.get(c.service_id, self.fallback).draw(self.rng)


class _LogNormal:
    """A service time's draw with its parameters worked out once (draws are the inner loop)."""

    __slots__ = ("exponential", "mu", "sigma", "time")

    def __init__(self, time: ServiceTime) -> None:
        self.time = time
        self.exponential = time.exponential
        sigma2 = math.log(1.0 + time.cv * time.cv)
        self.mu, self.sigma = math.log(time.mean) - sigma2 / 2.0, math.sqrt(sigma2)

    def draw(self, rng: random.Random) -> float:
        if self.exponential:
            return rng.expovariate(1.0 / self.time.mean)
        return rng.lognormvariate(self.mu, self.sigma)


def _fallback(model: BranchModel) -> ServiceTime:
    """A service with no distribution of its own takes the mean of the others (or five minutes)."""
    times = list(model.service_times.values())
    return ServiceTime(sum(s.mean for s in times) / len(times)) if times else ServiceTime(300.0)
