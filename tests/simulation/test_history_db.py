"""A real business day, played through the services on a real database, exported and replayed."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from server.domain.classes import CustomerClass
from server.services import calling, tickets
from server.services.auth import authenticate
from server.simulation.command import replay_inputs, simulate
from server.simulation.history import trace_from_history
from server.simulation.trace import Arrival, SimulationInputError, load_trace
from server.store.history import load_branch_day
from tests.support.builders import BranchFixture, build_branch
from tests.support.clock import FakeClock

DAY = date(2026, 11, 23)  # the fake clock starts at 10:00 Shanghai time that day
TEN_O_CLOCK = 10 * 3600.0  # the test branch is always open: its day starts at local midnight


def serve(deps: Any, teller: Any, clock: FakeClock, counter: int, wait_to_start: float, service_s: float) -> int:
    called = calling.call_next(deps, teller, counter)
    assert called is not None
    clock.advance(wait_to_start)
    tickets.change_ticket(deps, teller, called["id"], "start")
    clock.advance(service_s)
    tickets.change_ticket(deps, teller, called["id"], "finish")
    return int(called["id"])


@pytest.fixture
def played_day(deps: Any, clock: FakeClock, branch: BranchFixture) -> BranchFixture:
    """One counter; a regular, a VIP, a booked customer, one who never came up, and noise around them."""
    teller = authenticate(deps, branch.tokens["teller"])
    calling.set_counter_status(deps, teller, branch.counters[1], "open")
    slot = clock() + timedelta(seconds=60)
    tickets.issue_ticket(deps, teller, branch.id, branch.services["A"], "regular")  # 10:00:00
    clock.advance(60)
    tickets.issue_ticket(deps, teller, branch.id, branch.services["B"], "vip")  # 10:01:00
    tickets.issue_ticket(deps, teller, branch.id, branch.services["A"], appointment={"code": "BK1", "anchor_at": slot})
    clock.advance(60)
    serve(deps, teller, clock, branch.counters[1], 10, 300)  # 10:02 called, service 300 s
    serve(deps, teller, clock, branch.counters[1], 0, 200)
    serve(deps, teller, clock, branch.counters[1], 5, 120)
    tickets.issue_ticket(deps, teller, branch.id, branch.services["B"], "priority")  # never called
    other = build_branch(deps, code="B2")
    tickets.issue_ticket(deps, authenticate(deps, other.tokens["teller"]), other.id, other.services["A"], "regular")
    clock.advance(24 * 3600)
    tickets.issue_ticket(deps, teller, branch.id, branch.services["A"], "regular")  # the next day
    return branch


def test_a_branch_day_exports_relative_to_its_local_opening_and_replays_as_it_was(
    deps: Any, played_day: BranchFixture
) -> None:
    day = load_branch_day(deps.store.engine, "B1", DAY)
    assert day.opening == datetime(2026, 11, 23, 0, 0, tzinfo=day.opening.tzinfo)
    assert day.opening.utcoffset() == timedelta(hours=8)
    assert [(c.number, c.services) for c in day.counters] == [(1, ("A", "B")), (2, ("B", "A"))]
    assert load_branch_day(deps.store.engine, str(played_day.id), DAY).rows == day.rows  # by id too
    start = TEN_O_CLOCK
    # Only this branch's day; called in priority order: the booked customer (slot 10:01), the VIP, the regular.
    assert trace_from_history(day.rows, day.opening) == [
        Arrival(start, "A", CustomerClass.REGULAR, 120.0),
        Arrival(start + 60, "B", CustomerClass.VIP, 200.0),
        Arrival(start + 60, "A", CustomerClass.APPOINTMENT, 300.0, slot_s=start + 60),
        # still waiting when the day was exported: a customer who came, at the service's expected 300 s
        Arrival(start + 755, "B", CustomerClass.PRIORITY, 300.0),
    ]


def test_simulate_from_db_writes_the_trace_and_reports_the_day(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, played_day: BranchFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BRANCHQ_INSTANCE", str(tmp_path / "instance"))
    out = tmp_path / "day.csv"
    args = ["--from-db", "--branch", "B1", "--date", "2026-11-23", "--out", str(out), "--policy", "apq,fifo"]
    result = CliRunner().invoke(simulate, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["policies"]
    assert set(figures) == {"apq", "fifo"}
    assert {cls: row["n"] for cls, row in figures["apq"]["classes"].items()} == {
        "regular": 1,
        "vip": 1,
        "appointment": 1,
        "priority": 1,
    }
    assert figures["apq"]["no_shows"] == 0
    assert len(load_trace(out)) == 4
    with pytest.raises(SimulationInputError, match="no branch with code or id 'NOPE'"):
        replay_inputs("NOPE", DAY, database_url)
    result = CliRunner().invoke(simulate, ["--from-db", "--branch", "B1"])
    assert result.exit_code != 0 and "--date YYYY-MM-DD" in result.output
