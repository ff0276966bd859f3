"""What a proposed queue policy would do: the branch's recent days replayed under it and under the current one.

The branch-day simulator (:mod:`server.simulation`) replays the branch's last business days
that had tickets (up to :data:`DAYS_REPLAYED` of the last :data:`LOOK_BACK_DAYS`), each through
the counters that called customers that day (from their first call, serving the services they
serve now), once under the stored policy and once under the proposed one; with no history it
generates a day shaped by the branch's services and counters, all open (same seed, same day, so
the two sides differ only by the policy). The answer is each class's waits side by side.

Cost is bounded: at most :data:`MAX_ARRIVALS` customers per replay, at most
:data:`MAX_RUNNING` previews at once in a process and :data:`PER_CALLER_PER_MINUTE` replays per
caller (beyond either, :class:`PreviewBusy`, a 429), and answers kept by their inputs, so asking
again for the same policies over the same days costs nothing (and counts against no limit).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from server.domain.classes import CustomerClass
from server.domain.errors import Conflict, DomainError
from server.domain.numbering import business_date
from server.domain.policy import QueuePolicy
from server.domain.records import Principal
from server.domain.statistics import TicketTimes
from server.services.context import Deps, found, require
from server.simulation import engine
from server.simulation.counters import Counter
from server.simulation.generator import DayShape, Service, generate_day
from server.simulation.history import trace_from_history
from server.simulation.metrics import summarise
from server.simulation.trace import Arrival, SimulationInputError

MANAGERS = ("admin", "manager")
LOOK_BACK_DAYS = 28
DAYS_REPLAYED = 7
MAX_ARRIVALS = 6000  # a very busy branch's week; replaying it twice takes well under a second
MAX_RUNNING = 2
PER_CALLER_PER_MINUTE = 20  # a manager trying values by hand asks a few times a minute
CACHED = 64
GENERATED_HOURS = 8.0
GENERATED_LOAD = 0.85


@dataclass(frozen=True, slots=True)
class _Day:
    """One day to replay: its customers and the counters that served them."""

    arrivals: list[Arrival]
    counters: list[Counter]


class PreviewBusy(DomainError):
    """Previews are already running at the process's limit: ask again in a moment."""

    kind = "conflict"


_running = threading.BoundedSemaphore(MAX_RUNNING)
_answers: OrderedDict[str, dict[str, Any]] = OrderedDict()
_answers_lock = threading.Lock()
_recent: dict[tuple[int, str, int], deque[datetime]] = {}  # (store, caller) -> when their replays ran


def preview_policy(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """p50/p90 per class under the current and the proposed policy, over the same customers."""
    who = require(principal, MANAGERS, branch_id)
    proposed = QueuePolicy.from_dict(data)
    now = deps.clock()
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        services = [s for s in uow.services.for_branch(branch_id) if s.active]
        counters = _counters(uow.counters.for_branch(branch_id), {s.id: s.prefix for s in services})
        today = business_date(now, branch.timezone)
        rows = uow.stats.ticket_times(branch_id, today - timedelta(days=LOOK_BACK_DAYS), today - timedelta(days=1))
    if not counters:
        raise Conflict("preview_needs_counters", "no counter serves an active service yet", None)
    try:
        days, source = _recent_days(rows, services, counters), "history"
    except SimulationInputError as exc:  # a stored day the replay cannot read: say so, never a 500
        raise Conflict("preview_unavailable", str(exc), None) from None
    if not days:
        arrivals = _generated_day(services, len(counters), branch_id)
        days, source = {"generated": _Day(arrivals, list(counters.values()))}, "generated"
    current = branch.policy
    key = _key(days, current, proposed)
    with _answers_lock:
        if key in _answers:
            _answers.move_to_end(key)
            return _answers[key]
    _count_replay(deps, who, now)
    if not _running.acquire(blocking=False):
        raise PreviewBusy("preview_busy", "other previews are running; try again in a moment", None)
    try:
        answer: dict[str, Any] = deps.offload(_compare, list(days.values()), current, proposed) | {"source": source}
    finally:
        _running.release()
    answer["days"] = sorted(d for d in days if d != "generated")
    with _answers_lock:
        _answers[key] = answer
        while len(_answers) > CACHED:
            _answers.popitem(last=False)
    return answer


def _count_replay(deps: Deps, who: Principal, now: datetime) -> None:
    """At most PER_CALLER_PER_MINUTE replays a minute for one caller (of this store: tests run many)."""
    key = (id(deps.store), who.kind, who.id)
    with _answers_lock:
        times = _recent.setdefault(key, deque())
        while times and (now - times[0]).total_seconds() >= 60:
            times.popleft()
        if len(times) >= PER_CALLER_PER_MINUTE:
            raise PreviewBusy("too_many_previews", "too many previews this minute; try again shortly", None)
        times.append(now)


def _counters(rows: Iterable[Any], prefixes: dict[int, str]) -> dict[int, Counter]:
    """The branch's counters (by id, in number order) with the active services they serve, primary first."""
    counters = {c.id: Counter(c.number, tuple(prefixes[s] for s in c.service_ids if s in prefixes)) for c in rows}
    serving = {cid: c for cid, c in counters.items() if c.services}
    return dict(sorted(serving.items(), key=lambda item: item[1].number))


def _recent_days(rows: Sequence[TicketTimes], services: Sequence[Any], counters: dict[int, Counter]) -> dict[str, _Day]:
    """The last days that had tickets, each as a trace with its counters, newest first, within the arrivals bound."""
    prefixes = {s.id: s.prefix for s in services}
    expected = {s.id: float(s.expected_service) for s in services}
    by_day: dict[str, list[TicketTimes]] = {}
    for t in rows:
        if t.service_id in prefixes:
            by_day.setdefault(t.business_date.isoformat(), []).append(t)
    days: dict[str, _Day] = {}
    total = 0
    for day in sorted(by_day, reverse=True)[:DAYS_REPLAYED]:
        tickets = by_day[day]
        if days and total + len(tickets) > MAX_ARRIVALS:
            break
        opening = min(t.issued_at for t in tickets)
        arrivals = trace_from_history([_trace_row(t, prefixes, expected) for t in tickets], opening)
        days[day] = _Day(arrivals[:MAX_ARRIVALS], _staffed(tickets, counters, opening))
        total += len(tickets)
    return days


def _staffed(tickets: Sequence[TicketTimes], counters: dict[int, Counter], opening: datetime) -> list[Counter]:
    """The counters that called someone that day, each open from its first call until the queue is empty
    (so a different order can never leave anyone unserved); every counter if none called anyone."""
    first: dict[int, datetime] = {}
    for t in tickets:
        if t.counter_id in counters and t.called_at is not None:
            first[t.counter_id] = min(first.get(t.counter_id, t.called_at), t.called_at)
    if not first:
        return list(counters.values())
    return [
        replace(c, open_s=round((first[cid] - opening).total_seconds(), 3))
        for cid, c in counters.items()
        if cid in first
    ]


def _trace_row(t: TicketTimes, prefixes: dict[int, str], expected: dict[int, float]) -> dict[str, Any]:
    booked = t.customer_class == CustomerClass.APPOINTMENT.value
    return {
        "issued_at": t.issued_at,
        "service": prefixes[t.service_id],
        "customer_class": t.customer_class,
        "status": t.status,
        "expected_service": expected[t.service_id],
        "called_at": t.called_at,
        "started_at": t.started_at,
        "finished_at": t.finished_at,
        "slot_start": t.anchor_at if booked else None,
    }


def _generated_day(services: Sequence[Any], counters: int, seed: int) -> list[Arrival]:
    """A busy ordinary day for these services and counters (seeded by the branch: the same each time)."""
    shape = DayShape(
        counters=counters,
        hours=GENERATED_HOURS,
        load=GENERATED_LOAD,
        services=tuple(Service(s.prefix, 1.0, float(s.expected_service)) for s in services),
    )
    return generate_day(shape, seed)[:MAX_ARRIVALS]


def _key(days: dict[str, _Day], *policies: QueuePolicy) -> str:
    text = repr((sorted(days.items()), [p.to_dict() for p in policies]))
    return hashlib.sha256(text.encode()).hexdigest()


def _compare(days: list[_Day], current: QueuePolicy, proposed: QueuePolicy) -> dict[str, Any]:
    sides = {name: _replay(days, policy) for name, policy in (("current", current), ("proposed", proposed))}
    classes = []
    for cls in CustomerClass:
        row: dict[str, Any] = {"class": cls.value}
        for name, (policy, calls) in sides.items():
            target = policy.rule(cls).target
            waits = summarise((c for c in calls if c.cls is cls), _fixed(target))
            row[name] = {
                "n": waits.n,
                "p50": round(waits.p50),
                "p90": round(waits.p90),
                "within_target": round(waits.within_target, 4),
                "target": target,
            }
        classes.append(row)
    customers = sum(len(day.arrivals) for day in days)
    return {"customers": customers, "classes": classes, "current": current.to_dict(), "proposed": proposed.to_dict()}


def _fixed(target: int) -> Callable[[engine.Call], float]:
    return lambda _call: float(target)


def _replay(days: list[_Day], policy: QueuePolicy) -> tuple[QueuePolicy, list[engine.Call]]:
    calls: list[engine.Call] = []
    for day in days:
        calls.extend(engine.simulate(day.arrivals, day.counters, policy).calls)
    return policy, calls
