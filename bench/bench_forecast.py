"""Wait-forecast bench (on demand, not in CI): how good the shown waits are, and what one update costs.

    python -m bench.bench_forecast                 # from the repository root: everything (a few minutes)
    python -m bench.bench_forecast days            # generated days only; or: db, cost
    python -m bench.bench_forecast days --days 10  # more days per type (3 by default)
    DATABASE_URL=... python -m bench.bench_forecast db --branch B1 --date 2026-11-23

Generated days: the 85%-load day, the lunch-peak overload and a day with 15% booked
customers, each learned from 20 other days of the same kind (seeds 100-119) and judged
on days never learned from (seeds 5000-). The database day: without --branch, a
generated 85% day is played through the real services on a throwaway SQLite database
(tickets issued, called, started and finished at their times), exported from the store
like any past day and replayed; with --branch and --date, that day of DATABASE_URL.
Every customer served is judged against the forecast shown at their check-in, next to
the naive "people ahead x mean service / open counters" and today's Erlang estimate.
Figures go to docs/honest-waits.md.
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from server.domain.classes import CustomerClass
from server.domain.forecast import ArrivalPlan, BranchModel, BranchState, Desk, ServiceTime, Waiting, forecast, runs_for
from server.domain.policy import QueuePolicy
from server.simulation.accuracy import ENOUGH, Accuracy, accuracy, accuracy_table, by_class
from server.simulation.estimates import EstimateRow, estimate_day
from server.simulation.generator import DayShape, branch_counters, generate_day
from server.simulation.trace import Arrival

DAY_TYPES = {
    "85% load": DayShape(load=0.85),
    "lunch-peak overload (x1.4, 12:00-14:00)": DayShape(load=0.85, lunch_peak=1.4),
    "15% booked": DayShape(load=0.85, appointment_share=0.15),
}
HISTORY_SEEDS = range(100, 120)
JUDGED_FROM = 5000


def judged(name: str, rows: list[EstimateRow]) -> None:
    figures = by_class(rows) | {"all": accuracy(rows)}
    print(f"\n### {name}\n")
    print(accuracy_table(figures))
    print(verdict(figures))


def verdict(figures: dict[str, Accuracy]) -> str:
    """The issue's targets, class by class (fewer than ENOUGH customers: not judged)."""
    notes = []
    for cls, a in figures.items():
        if a.n < ENOUGH:
            notes.append(f"{cls}: too few to judge ({a.n})")
            continue
        checks = [f"MAE {a.gain_over_naive:.0%} below naive {'ok' if a.gain_over_naive >= 0.3 else 'MISSED'}"]
        if a.ranged >= ENOUGH:
            checks += [
                f"inside {a.inside:.0%} {'ok' if 0.75 <= a.inside <= 0.85 else 'MISSED'}",
                f"above p90 {a.above:.0%} {'ok' if a.above <= 0.15 else 'UNDER-PROMISED'}",
            ]
        else:
            checks.append(f"too few shown a range to judge it ({a.ranged})")
        notes.append(f"{cls}: " + ", ".join(checks))
    return "\n".join(f"- {n}" for n in notes) + "\n"


def bench_days(days: int, runs: int) -> None:
    for name, shape in DAY_TYPES.items():
        history = [generate_day(shape, seed) for seed in HISTORY_SEEDS]
        rows: list[EstimateRow] = []
        started = time.process_time()
        for seed in range(JUDGED_FROM, JUDGED_FROM + days):
            _, shown = estimate_day(
                generate_day(shape, seed), branch_counters(shape), QueuePolicy(), history, runs=runs
            )
            rows += shown
        took = time.process_time() - started
        judged(
            f"{name}: {days} days (seeds {JUDGED_FROM}-{JUDGED_FROM + days - 1}), {runs} runs, {took:.0f} s CPU", rows
        )


def bench_db(runs: int, branch: str | None, day: date | None) -> None:
    from server.simulation.command import replay_inputs

    shape = DAY_TYPES["85% load"]
    if branch is None or day is None:
        with tempfile.TemporaryDirectory() as tmp:
            url, branch, day = play_into_database(Path(tmp), generate_day(shape, JUDGED_FROM + 100), shape)
            arrivals, counters, policy = replay_inputs(branch, day, url)
            title = f"database day: a generated 85% day (seed {JUDGED_FROM + 100}) played through the services"
    else:
        arrivals, counters, policy = replay_inputs(branch, day)
        title = f"database day: branch {branch}, {day.isoformat()}"
    history = [generate_day(shape, seed) for seed in HISTORY_SEEDS] if branch == "FC" else None
    _, rows = estimate_day(arrivals, counters, policy, history, runs=runs)
    judged(f"{title}, {len(rows)} served, {runs} runs", rows)


def play_into_database(tmp: Path, arrivals: list[Arrival], shape: DayShape) -> tuple[str, str, date]:
    """Issue, call, start and finish the day's tickets through the services on a fresh SQLite database."""
    from server.domain.hours import DAYS
    from server.services import auth, calling, tickets
    from server.store import migrate
    from server.web import create_app
    from tests.conftest import make_settings
    from tests.support.builders import build_branch
    from tests.support.clock import FakeClock

    opening = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    clock = FakeClock(opening)
    url = f"sqlite:///{tmp / 'day.sqlite3'}"
    app = create_app(make_settings(tmp, url), clock=clock)
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    numbers = {c.number: "".join(c.services) for c in branch_counters(shape)}
    # Opens at 09:00 like the generated days, so the day's hours line up with the history's.
    hours = {day: [["09:00", "23:00"]] for day in DAYS}
    fixture = build_branch(deps, code="FC", counters=numbers, opening_hours=hours)
    teller = auth.authenticate(deps, fixture.tokens["teller"])
    for counter_id in fixture.counters.values():
        calling.set_counter_status(deps, teller, counter_id, "open")
    events: list[tuple[float, int, str, Any]] = [(a.arrival_s, i, "arrive", a) for i, a in enumerate(arrivals)]
    heapq.heapify(events)
    order = len(arrivals)
    service_of: dict[int, float] = {}
    serving: dict[int, int | None] = dict.fromkeys(fixture.counters.values())

    def call(counter_id: int) -> None:
        nonlocal order
        view = calling.call_next(deps, teller, counter_id)
        serving[counter_id] = None if view is None else view["id"]
        if view is not None:
            tickets.change_ticket(deps, teller, view["id"], "start")
            order += 1
            heapq.heappush(events, (at + service_of[view["id"]], order, "finish", counter_id))

    while events:
        at, _, kind, item = heapq.heappop(events)
        clock.set(opening + timedelta(seconds=at))
        if kind == "finish":
            tickets.change_ticket(deps, teller, serving[item], "finish")
            call(item)
            continue
        if not item.showed:
            continue
        late = item.slot_s is not None and item.arrival_s > item.slot_s + 600
        booking = None
        if item.slot_s is not None and not late:
            booking = {"code": f"BK{order}", "anchor_at": opening + timedelta(seconds=item.slot_s)}
        cls = CustomerClass.REGULAR if item.cls is CustomerClass.APPOINTMENT else item.cls
        view = tickets.issue_ticket(
            deps, teller, fixture.id, fixture.services[item.service], cls.value, appointment=booking
        )
        service_of[view["id"]] = item.service_s
        for counter_id in [c for c, busy in serving.items() if busy is None]:
            call(counter_id)
            if serving[counter_id] is not None:
                break
    deps.store.engine.dispose()
    return url, "FC", date(2026, 11, 23)


def bench_cost(repeats: int = 5) -> None:
    """CPU of one branch update (every waiting ticket and a ticket issued now per service)."""
    print("\n### cost per update\n")
    print("| waiting | counters | runs | CPU per update (median of 5) | same at 200 runs |")
    print("|---|---|---|---|---|")
    for waiting, counters in ((20, 5), (100, 15), (500, 60)):
        state, model = busy_branch(waiting, counters)
        runs = runs_for(waiting)
        adaptive = _median_cpu(lambda s=state, m=model, r=runs: forecast(s, m, runs=r, probes=(1, 2)), repeats)
        full = _median_cpu(lambda s=state, m=model: forecast(s, m, runs=200, probes=(1, 2)), 3)
        print(f"| {waiting} | {counters} | {runs} | {adaptive * 1000:.0f} ms | {full * 1000:.0f} ms |")


def busy_branch(waiting: int, counters: int) -> tuple[BranchState, BranchModel]:
    """A branch at 95% load with ``waiting`` customers in line (default class mix, services A and B)."""
    rng = random.Random(waiting)
    now = 1_000_000.0
    mix = [CustomerClass.REGULAR] * 15 + [CustomerClass.VIP, CustomerClass.PRIORITY, CustomerClass.PRIORITY]
    since = [now - 1800 * (waiting - i) / waiting for i in range(waiting)]
    tickets = tuple(Waiting(i, 1 if rng.random() < 0.7 else 2, rng.choice(mix), t, t) for i, t in enumerate(since))
    desks = tuple(Desk(n, (1, 2) if n % 10 < 7 else (2, 1), now - rng.uniform(0, 300), 1) for n in range(counters))
    mean = 0.7 * 300 + 0.3 * 600
    rate = 0.95 * counters / mean
    rates = {(1, CustomerClass.REGULAR): 0.7 * 0.85 * rate, (2, CustomerClass.REGULAR): 0.3 * 0.85 * rate}
    rates |= {(1, CustomerClass.PRIORITY): 0.1 * rate, (1, CustomerClass.VIP): 0.05 * rate}
    model = BranchModel({1: ServiceTime(300.0), 2: ServiceTime(600.0)}, ArrivalPlan((0.0,), (rates,)))
    return BranchState(now, tickets, desks, QueuePolicy()), model


def _median_cpu(work: Any, repeats: int) -> float:
    taken = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        taken.append(time.process_time() - started)
    return statistics.median(taken)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_forecast")
    parser.add_argument("parts", nargs="*", help="days, db, cost (default: all)")
    parser.add_argument("--days", type=int, default=3, help="judged days per day type")
    parser.add_argument("--runs", type=int, default=100, help="forecast runs per customer")
    parser.add_argument("--branch", help="db: a branch code of DATABASE_URL")
    parser.add_argument("--date", type=date.fromisoformat, help="db: the day, YYYY-MM-DD")
    args = parser.parse_args(argv)
    parts = args.parts or ["days", "db", "cost"]
    if set(parts) - {"days", "db", "cost"}:
        parser.error("parts are days, db and cost")
    if "days" in parts:
        bench_days(args.days, args.runs)
    if "db" in parts:
        bench_db(args.runs, args.branch, args.date)
    if "cost" in parts:
        bench_cost()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
