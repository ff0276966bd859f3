"""Discrete-event replay of one branch day through the real :func:`pick_next`.

Rules, so that two correct simulators agree on the same trace:

* a counter that frees up (or opens) calls at once, with no walking time; it makes no
  call at or after its ``close_s``;
* an arriving customer who finds several idle counters serving their service goes to
  the lowest-numbered one;
* the counter's choice is :func:`server.domain.policy.pick_next` over the heads of its
  (service, class) queues, so ``fifo`` is the earliest arrival among the services it
  serves and ties go to its earlier-listed service, then to the earliest arrival;
* at the same instant, counters free up (in number order) before customers arrive (in
  trace order);
* an appointment is anchored at its slot start if the customer checks in at most
  :data:`LATE_CHECK_IN_S` after it; later, they join as a regular walk-in. Waits count
  from the slot start, or the arrival if later; a customer called before that waited 0.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from server.domain.classes import CustomerClass
from server.domain.forecast import BranchState, Desk, Waiting
from server.domain.policy import Candidate, PolicyKind, QueuePolicy, pick_next
from server.simulation.counters import Counter
from server.simulation.trace import Arrival

LATE_CHECK_IN_S = 600.0

_CLASSES = tuple(CustomerClass)


@dataclass(frozen=True, slots=True)
class Call:
    """One served customer: when their wait began, when and where they were called, and why."""

    ticket: int
    arrival: Arrival
    cls: CustomerClass
    wait_from: float
    called_s: float
    counter: int
    reason: str

    @property
    def wait(self) -> float:
        return max(0.0, self.called_s - self.wait_from)


@dataclass(slots=True)
class DayResult:
    policy: QueuePolicy
    counters: list[Counter]
    calls: list[Call] = field(default_factory=list)
    unserved: list[Arrival] = field(default_factory=list)
    no_shows: int = 0
    busy_s: dict[int, float] = field(default_factory=dict)
    end_s: float = 0.0


@dataclass(slots=True)
class _Desk:
    index: int
    counter: Counter
    service_ids: list[int]
    queues: list[list[tuple[float, int, Candidate]]]
    idle: bool = False
    busy_since: float | None = None
    busy_service: int | None = None

    def may_call(self, now: float) -> bool:
        return self.counter.close_s is None or now < self.counter.close_s


# Told of each customer as they join the queue (ticket, arrival, the branch as it is then),
# before an idle counter calls them: what a forecast shown at check-in would have seen.
ArrivalObserver = Callable[[int, Arrival, BranchState], None]


def service_index(arrivals: Sequence[Arrival], counters: Sequence[Counter]) -> dict[str, int]:
    """The simulator's id of each service name: its position in name order."""
    names = sorted({a.service for a in arrivals} | {s for c in counters for s in c.services})
    return {name: i for i, name in enumerate(names)}


class _Day:
    def __init__(
        self,
        arrivals: Sequence[Arrival],
        counters: Sequence[Counter],
        policy: QueuePolicy,
        observer: ArrivalObserver | None = None,
    ) -> None:
        self.service_ids = service_index(arrivals, counters)
        self.policy = policy
        self.observer = observer
        self.by_arrival = policy.kind is PolicyKind.FIFO
        self.queues: dict[tuple[int, CustomerClass], list[tuple[float, int, Candidate]]] = {
            (sid, cls): [] for sid in self.service_ids.values() for cls in _CLASSES
        }
        ordered = sorted(counters, key=lambda c: c.number)
        self.desks = [self._desk(i, c) for i, c in enumerate(ordered)]
        self.desks_for: dict[int, list[_Desk]] = {sid: [] for sid in self.service_ids.values()}
        for desk in self.desks:
            for sid in desk.service_ids:
                self.desks_for[sid].append(desk)
        self.result = DayResult(policy, list(counters), busy_s={c.number: 0.0 for c in counters})
        self.events: list[tuple[float, int]] = [(d.counter.open_s, i) for i, d in enumerate(self.desks)]
        heapq.heapify(self.events)
        self.waiting: dict[int, tuple[Arrival, CustomerClass, float]] = {}

    def _desk(self, index: int, counter: Counter) -> _Desk:
        sids = [self.service_ids[s] for s in counter.services]
        return _Desk(index, counter, sids, [self.queues[(sid, cls)] for sid in sids for cls in _CLASSES])

    def run(self, arrivals: Sequence[Arrival]) -> DayResult:
        order = sorted(range(len(arrivals)), key=lambda i: arrivals[i].arrival_s)
        for ticket, index in enumerate(order):
            arrival = arrivals[index]
            while self.events and self.events[0][0] <= arrival.arrival_s:
                self._free(*heapq.heappop(self.events))
            self._arrive(ticket, arrival)
        while self.events:
            self._free(*heapq.heappop(self.events))
        self.result.unserved = [a for a, _, _ in self.waiting.values()]
        return self.result

    def _arrive(self, ticket: int, arrival: Arrival) -> None:
        now = arrival.arrival_s
        self.result.end_s = max(self.result.end_s, now)
        if not arrival.showed:
            self.result.no_shows += 1
            return
        cls, anchor, wait_from = _check_in(arrival)
        sid = self.service_ids[arrival.service]
        candidate = Candidate(ticket, sid, cls, anchor, now)
        heapq.heappush(self.queues[(sid, cls)], (now if self.by_arrival else anchor, ticket, candidate))
        self.waiting[ticket] = (arrival, cls, wait_from)
        if self.observer is not None:
            self.observer(ticket, arrival, self.state(now))
        for desk in self.desks_for[sid]:
            if desk.idle and desk.may_call(now):
                self._call(desk, now)
                return

    def state(self, now: float) -> BranchState:
        """The branch at ``now`` as the forecast sees it: waiting tickets and the counters still calling."""
        waiting = tuple(
            Waiting(c.ticket_id, c.service_id, c.customer_class, c.anchor, c.arrival)
            for queue in self.queues.values()
            for _, _, c in queue
        )
        desks = tuple(
            Desk(d.counter.number, tuple(d.service_ids), d.busy_since, d.busy_service)
            for d in self.desks
            if d.counter.open_s <= now and d.may_call(now)
        )
        return BranchState(now, waiting, desks, self.policy)

    def _free(self, now: float, desk_index: int) -> None:
        desk = self.desks[desk_index]
        desk.busy_since = desk.busy_service = None
        self.result.end_s = max(self.result.end_s, now)
        if desk.may_call(now):
            self._call(desk, now)
        else:
            desk.idle = False

    def _call(self, desk: _Desk, now: float) -> None:
        heads = [queue[0][2] for queue in desk.queues if queue]
        choice = pick_next(heads, desk.service_ids, now, self.policy) if heads else None
        desk.idle = choice is None
        if choice is None:
            return
        chosen = choice.candidate
        heapq.heappop(self.queues[(chosen.service_id, chosen.customer_class)])
        arrival, cls, wait_from = self.waiting.pop(chosen.ticket_id)
        number = desk.counter.number
        self.result.calls.append(Call(chosen.ticket_id, arrival, cls, wait_from, now, number, choice.reason.code))
        self.result.busy_s[number] += arrival.service_s
        desk.busy_since, desk.busy_service = now, chosen.service_id
        heapq.heappush(self.events, (now + arrival.service_s, desk.index))


def _check_in(arrival: Arrival) -> tuple[CustomerClass, float, float]:
    """Class served as, priority anchor, and the time the wait counts from."""
    slot = arrival.slot_s
    if arrival.cls is not CustomerClass.APPOINTMENT or slot is None:
        return arrival.cls, arrival.arrival_s, arrival.arrival_s
    if arrival.arrival_s > slot + LATE_CHECK_IN_S:
        return CustomerClass.REGULAR, arrival.arrival_s, arrival.arrival_s
    return CustomerClass.APPOINTMENT, slot, max(slot, arrival.arrival_s)


def simulate(
    arrivals: Sequence[Arrival],
    counters: Sequence[Counter],
    policy: QueuePolicy,
    observer: ArrivalObserver | None = None,
) -> DayResult:
    """Replay ``arrivals`` through ``counters`` under ``policy``; calls come out in call order."""
    return _Day(arrivals, counters, policy, observer).run(arrivals)


def open_seconds(counter: Counter, end_s: float) -> float:
    """How long the counter was open: until ``close_s``, or the end of the day if it has none."""
    close = end_s if counter.close_s is None else counter.close_s
    return max(0.0, close - counter.open_s) if math.isfinite(close) else 0.0
