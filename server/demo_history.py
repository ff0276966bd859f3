"""Four weeks of a demo branch's past, made by the real services on a simulated clock.

The simulator's generator (``server.simulation.generator``) makes each business day's
customers: Poisson arrivals that peak mid-morning and at lunch, log-normal service times, a
class mix. A small event loop then plays the day through the same service calls a kiosk and
tellers make (issue, open/pause counters, call next, start, finish, no-show, feedback) with
the clock set to each moment, so the stored tickets, audit log and figures are the ones the
real system would have written.

Each day is one database transaction, played only if the day has no tickets yet: an
interrupted start leaves no half day, the next one plays the days still missing, and a
branch with its past complete is left alone (a second start adds nothing). It runs in a
process of its own next to the demo server (``python -m server.demo_history``), so the
server answers from its first second and the history fills in behind it.
"""

from __future__ import annotations

import heapq
import itertools
import random
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from server.domain.forecast import Forecast
from server.domain.records import Principal
from server.services import calling, tickets
from server.services.context import Deps, found
from server.services.forecasting import BranchForecasts
from server.simulation.generator import DayShape, Service, generate_day
from server.store.statements import A, F, T
from server.store.uow import SqlStore, UnitOfWork

DAYS = 28
OPENS, CLOSES = time(9, 0), time(17, 0)
# the demo's services by prefix: share of customers and mean service time (matches server.demo)
SHAPE_SERVICES = (Service("A", 0.63, 300.0), Service("B", 0.25, 600.0), Service("C", 0.12, 480.0))
# Monday..Saturday: how busy, and how much busier at lunch; Sunday closed
WEEKDAY_LOAD = {0: (0.6, 1.15), 1: (0.5, 1.1), 2: (0.45, 1.1), 3: (0.5, 1.1), 4: (0.55, 1.2), 5: (0.45, 1.0)}
WALK_UP_S = 40.0  # from the call to the desk
NO_SHOW_SHARE = 0.05  # walk-ins who left before their call
NO_SHOW_AFTER_S = 120.0
FEEDBACK_SHARE = 0.3
SCORES = (5, 5, 5, 4, 4, 4, 3, 2)


@dataclass(frozen=True)
class Desk:
    """A counter and who works it; ``lunch`` is the local hour it pauses for an hour (None: never)."""

    counter_id: int
    teller: Principal
    opens: time = OPENS
    lunch: int | None = None


class _NoForecasts(BranchForecasts):
    """The past needs no wait forecasts (they are what customers were told, not what happened)."""

    def of(self, uow: Any, branch: Any, now: datetime, *, recompute: bool = True, max_age: float = 0) -> Forecast:
        return Forecast({}, {}, 0)

    @property
    def cached(self) -> Any:
        return self


class _OneTransaction:
    """A store whose every unit of work is the same open transaction."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        yield UnitOfWork(self.conn)

    read = write

    def probe(self) -> str:
        return "ok"

    def checkpoint(self) -> None:
        return None


def _sql(deps: Deps) -> SqlStore:
    """The demo's history is played and copied in SQL (a backup of the SQLite file, rows in bulk)."""
    assert isinstance(deps.store, SqlStore), "the demo history needs the SQL store"
    return deps.store


def day_played(uow: Any, branch_id: int, day: date) -> bool:
    return bool(uow.stats.ticket_times(branch_id, day, day))


def days_missing(deps: Deps, branch_id: int, days: int = DAYS) -> list[date]:
    """The branch's business days of the past ``days`` that have no tickets."""
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        today = deps.clock().astimezone(ZoneInfo(branch.timezone)).date()
        past = [today - timedelta(days=n) for n in range(1, days + 1)]
        return [d for d in past if d.weekday() in WEEKDAY_LOAD and not day_played(uow, branch_id, d)]


def seed_history(
    deps: Deps,
    branch_id: int,
    kiosk: Principal,
    desks: list[Desk],
    services: dict[str, int],
    *,
    days: int = DAYS,
    seed: int = 2026,
    scratch: Path | None = None,
    only: int | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Play the last ``days`` business days into the branch, newest first; returns how many
    tickets were made.

    Each day is played into a scratch copy of the database, then its rows (tickets, feedback,
    audit) are copied into the branch's database in one short transaction, only if the day
    has no tickets there yet. So the live branch never waits long for its write lock, its
    counters and event sequence are never touched, and no screen is pushed a past event.
    """
    with tempfile.TemporaryDirectory() as folder:
        scratch_deps = _scratch(deps, scratch or Path(folder) / "history.sqlite3")
        made = 0
        try:
            for offset in [only] if only else range(1, days + 1):
                if not keep_going():
                    break
                made += _day(deps, scratch_deps, branch_id, kiosk, desks, services, offset, seed)
            return made
        finally:
            _sql(scratch_deps).engine.dispose()


def seed_history_day(
    deps: Deps,
    branch_id: int,
    kiosk: Principal,
    desks: list[Desk],
    services: dict[str, int],
    offset: int,
    seed: int = 2026,
) -> int:
    """The business day ``offset`` days before today, unless it is closed or played already."""
    return seed_history(deps, branch_id, kiosk, desks, services, days=offset, seed=seed, only=offset)


def _scratch(deps: Deps, path: Path) -> Deps:
    """A copy of the live SQLite database to play the past in (SQLite's online backup)."""
    from server.store.database import make_engine

    live = _sql(deps).engine.url.database or ""
    with sqlite3.connect(live) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    engine = make_engine(f"sqlite:///{path}")
    return Deps(store=SqlStore(engine), clock=deps.clock, publish=lambda branches: None, forecasts=_NoForecasts())


def _day(
    deps: Deps,
    scratch: Deps,
    branch_id: int,
    kiosk: Principal,
    desks: list[Desk],
    services: dict[str, int],
    offset: int,
    seed: int,
) -> int:
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        tz = ZoneInfo(branch.timezone)
        day = deps.clock().astimezone(tz).date() - timedelta(days=offset)
        if day.weekday() not in WEEKDAY_LOAD or day_played(uow, branch_id, day):
            return 0
    rng = random.Random(f"{seed}:{day.isoformat()}")  # the same day always plays the same
    engine = _sql(scratch).engine
    with engine.connect() as conn, conn.execution_options(sqlite_begin="IMMEDIATE").begin():
        store = _OneTransaction(conn)
        clock = _Clock(datetime.combine(day, OPENS, tz))
        past = Deps(store=store, clock=clock, publish=lambda branches: None, forecasts=_NoForecasts())
        _Day(past, clock, branch_id, kiosk, desks, services, rng).play(day, tz)
        rows = _rows_of_day(conn, branch_id, day, tz)
    with deps.store.write() as uow:
        if day_played(uow, branch_id, day):  # another start got there first
            return 0
        return _copy_in(cast(UnitOfWork, uow).conn, *rows)


def _rows_of_day(conn: Any, branch_id: int, day: date, tz: ZoneInfo) -> tuple[list[Any], list[Any], list[Any]]:
    start = datetime.combine(day, time(0), tz)
    of_day = select(T).where(T.c.branch_id == branch_id, T.c.business_date == day)
    tickets_ = [dict(r._mapping) for r in conn.execute(of_day)]
    ids = [t["id"] for t in tickets_]
    feedback = [dict(r._mapping) for r in conn.execute(select(F).where(F.c.ticket_id.in_(ids)))] if ids else []
    window = (A.c.at >= start) & (A.c.at < start + timedelta(days=1))
    audit = [dict(r._mapping) for r in conn.execute(select(A).where((A.c.branch_id == branch_id) & window))]
    return tickets_, feedback, audit


def _copy_in(conn: Any, tickets_: list[Any], feedback: list[Any], audit: list[Any]) -> int:
    """The day's rows under new ids (the live branch has issued its own since the copy)."""
    new_id = {}
    for row in tickets_:
        old = row.pop("id")
        new_id[old] = conn.execute(insert(T).values(**row).returning(T.c.id)).scalar_one()
    for row in feedback:
        row.pop("id")
        conn.execute(insert(F).values(**row | {"ticket_id": new_id[row["ticket_id"]]}))
    for row in audit:
        row.pop("id")
        conn.execute(insert(A).values(**row | {"ticket_id": new_id.get(row["ticket_id"])}))
    return len(tickets_)


@dataclass
class _Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class _Day:
    deps: Deps
    clock: _Clock
    branch_id: int
    kiosk: Principal
    desks: list[Desk]
    services: dict[str, int]
    rng: random.Random
    queue: list[tuple[datetime, int, Callable[[], None]]] = field(default_factory=list)
    order: Iterator[int] = field(default_factory=itertools.count)
    # counter id -> the ticket it is busy with (None: free)
    busy: dict[int, int | None] = field(default_factory=dict)
    paused: set[int] = field(default_factory=set)
    lunch_due: set[int] = field(default_factory=set)
    customers: dict[int, tuple[float, bool]] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)
    made: int = 0

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (when, next(self.order), action))

    def play(self, day: date, tz: ZoneInfo) -> int:
        load, lunch_peak = WEEKDAY_LOAD[day.weekday()]
        opens = datetime.combine(day, OPENS, tz)
        hours = (datetime.combine(day, CLOSES, tz) - opens).total_seconds() / 3600
        shape = DayShape(
            counters=len(self.desks),
            hours=hours,
            load=load,
            lunch_peak=lunch_peak,
            appointment_share=0.0,
            services=SHAPE_SERVICES,
        )
        for desk in self.desks:
            self.at(datetime.combine(day, desk.opens, tz), partial(self._open, desk))
            if desk.lunch is not None:
                self.at(datetime.combine(day, time(desk.lunch), tz), partial(self._lunch, desk))
                self.at(datetime.combine(day, time(desk.lunch + 1), tz), partial(self._back, desk))
        for arrival in generate_day(shape, self.rng.randrange(2**31)):
            when = opens + timedelta(seconds=arrival.arrival_s)
            self.at(when, partial(self._arrive, arrival.service, arrival.cls.value, arrival.service_s))
        while self.queue:
            when, _, action = heapq.heappop(self.queue)
            self.clock.now = when  # the heap gives them in time order
            action()
        for desk in self.desks:  # everyone was served: the day ends
            calling.set_counter_status(self.deps, desk.teller, desk.counter_id, "closed")
        return self.made

    # --- the kiosk ---------------------------------------------------------------------
    def _arrive(self, prefix: str, cls: str, service_s: float) -> None:
        language = "en" if self.rng.random() < 0.15 else "zh"
        ticket = tickets.issue_ticket(self.deps, self.kiosk, self.branch_id, self.services[prefix], cls, language)
        self.customers[ticket["id"]] = (service_s, self.rng.random() < NO_SHOW_SHARE)
        # the holder rates from the phone with the ticket's tracking token, as customers do
        self.tokens[ticket["id"]] = parse_qs(urlsplit(ticket["track_url"]).query)["token"][0]
        self.made += 1
        self._call_free()

    # --- the tellers -------------------------------------------------------------------
    def _open(self, desk: Desk) -> None:
        calling.set_counter_status(self.deps, desk.teller, desk.counter_id, "open")
        self.busy[desk.counter_id] = None
        self._call_free()

    def _lunch(self, desk: Desk) -> None:
        self.lunch_due.add(desk.counter_id)
        if self.busy.get(desk.counter_id) is None:
            self._pause(desk)

    def _pause(self, desk: Desk) -> None:
        self.lunch_due.discard(desk.counter_id)
        self.paused.add(desk.counter_id)
        calling.set_counter_status(self.deps, desk.teller, desk.counter_id, "paused")

    def _back(self, desk: Desk) -> None:
        if desk.counter_id in self.lunch_due:  # still serving when lunch came: a short one
            self.lunch_due.discard(desk.counter_id)
            return
        self.paused.discard(desk.counter_id)
        calling.set_counter_status(self.deps, desk.teller, desk.counter_id, "open")
        self._call_free()

    def _call_free(self) -> None:
        for desk in self.desks:
            if (
                desk.counter_id in self.busy
                and self.busy[desk.counter_id] is None
                and desk.counter_id not in self.paused
            ):
                self._call(desk)

    def _call(self, desk: Desk) -> None:
        called = calling.call_next(self.deps, desk.teller, desk.counter_id)
        if called is None:
            return
        ticket_id = called["id"]
        self.busy[desk.counter_id] = ticket_id
        service_s, left = self.customers.pop(ticket_id, (300.0, False))
        now = self.clock.now
        if left:
            self.at(now + timedelta(seconds=NO_SHOW_AFTER_S), lambda: self._done(desk, ticket_id, "no_show"))
            return
        started = now + timedelta(seconds=self.rng.uniform(0.3, 1.5) * WALK_UP_S)
        self.at(started, lambda: self._change(desk, ticket_id, "start"))
        self.at(started + timedelta(seconds=service_s), lambda: self._done(desk, ticket_id, "finish"))

    def _change(self, desk: Desk, ticket_id: int, action: str) -> None:
        tickets.change_ticket(self.deps, desk.teller, ticket_id, action)

    def _done(self, desk: Desk, ticket_id: int, action: str) -> None:
        self._change(desk, ticket_id, action)
        if action == "finish" and self.rng.random() < FEEDBACK_SHARE:
            tickets.leave_feedback(self.deps, None, ticket_id, self.rng.choice(SCORES), "", self.tokens[ticket_id])
        self.busy[desk.counter_id] = None
        if desk.counter_id in self.lunch_due:
            self._pause(desk)
        else:
            self._call(desk)


def main(argv: list[str] | None = None, clock: Callable[[], datetime] | None = None) -> int:
    """``python -m server.demo_history DATABASE_URL [PARENT_PID]``: the demo branch's missing past days.

    Started by ``branchq serve --demo`` next to the server; it stops between days once the
    server that started it is gone."""
    import os
    import sys
    import time as clock_time
    from datetime import UTC

    from server.demo import DEMO_CODE, history_plan
    from server.store.database import make_engine

    args = sys.argv[1:] if argv is None else argv
    parent = int(args[1]) if len(args) > 1 else None
    engine = make_engine(args[0])
    deps = Deps(store=SqlStore(engine), clock=clock or (lambda: datetime.now(UTC)), publish=lambda b: None)
    with deps.store.read() as uow:
        branch = uow.branches.by_code(DEMO_CODE)
    if branch is None:
        return 1
    kiosk, desks, services = history_plan(deps, branch.id)
    started = clock_time.monotonic()
    alive = (lambda: os.getppid() == parent) if parent is not None else (lambda: True)
    made = seed_history(deps, branch.id, kiosk, desks, services, keep_going=alive)
    if made:
        print(f"demo history: {made} past tickets added in {clock_time.monotonic() - started:.0f} s", flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
