"""The in-memory store answers the services as the SQLite store does, for the queue's core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.domain.errors import Conflict, InvalidInput
from server.domain.records import Principal
from server.services import calling, queue, setup, tickets
from server.services.context import Deps
from server.store import migrate
from server.store.database import make_engine
from server.store.memory import MemoryStore, memory_store
from server.store.uow import SqlStore
from tests.support.builders import ROOT
from tests.support.clock import FakeClock

NAMES = {"zh": "一号窗口", "en": "Counter one", "yue": "一號櫃位"}


def _memory_deps() -> Deps:
    return Deps(store=memory_store(), clock=FakeClock(), publish=lambda branches: None)


@pytest.fixture
def sqlite_deps(tmp_path: Path) -> Iterator[Deps]:
    engine = make_engine(f"sqlite:///{tmp_path / 'branchq.sqlite3'}")
    migrate.upgrade(engine)
    yield Deps(store=SqlStore(engine), clock=FakeClock(), publish=lambda branches: None)
    engine.dispose()


def _branch(deps: Deps) -> tuple[int, dict[str, int], list[int]]:
    body = {"code": "M1", "name": {"zh": "测试支行", "en": "Test"}, "timezone": "UTC"}
    branch = setup.create_branch(deps, ROOT, body)
    services = {
        prefix: setup.create_service(
            deps, ROOT, branch["id"], {"name": prefix, "prefix": prefix, "target_wait": 600, "expected_service": 300}
        )["id"]
        for prefix in "AB"
    }
    counters = [
        setup.create_counter(deps, ROOT, branch["id"], {"number": 1, "name": NAMES, "service_ids": [services["A"]]}),
        setup.create_counter(deps, ROOT, branch["id"], {"number": 2, "service_ids": [services["B"], services["A"]]}),
    ]
    for counter in counters:
        calling.set_counter_status(deps, ROOT, counter["id"], "open")
    return branch["id"], services, [c["id"] for c in counters]


def _teller(deps: Deps, branch_id: int) -> Principal:
    """A real staff user: the tickets they serve point at them."""
    body = {"username": "teller", "password": "long-enough-1", "role": "teller", "branch_ids": [branch_id]}
    user = setup.create_user(deps, ROOT, body)
    return Principal("user", user["id"], "teller", (branch_id,), "teller")


def _story(deps: Deps) -> list[Any]:
    """Issue, call (a VIP, a transfer), serve and finish; what the services answered, minus secrets."""
    clock: FakeClock = deps.clock  # type: ignore[assignment]
    branch_id, services, counters = _branch(deps)
    teller = _teller(deps, branch_id)
    story: list[Any] = []
    for prefix, cls in ("A", "regular"), ("B", "regular"), ("A", "regular"), ("A", "vip"), ("B", "priority"):
        clock.advance(30)
        ticket = tickets.issue_ticket(deps, ROOT, branch_id, services[prefix], cls)
        story.append((ticket["number"], ticket["status"], ticket["people_ahead"]))
    for counter_id, actions in (
        (counters[0], ("start", "transfer")),
        (counters[1], ("start", "finish")),  # the transferred ticket first
        (counters[0], ("start", "finish")),
        (counters[1], ("no_show",)),
    ):
        clock.advance(60)
        current = calling.call_next(deps, teller, counter_id)
        assert current is not None
        story.append((current["number"], {"code": (current.get("call_reason") or {}).get("code")}))
        for action in actions:
            clock.advance(20)
            if action == "transfer":
                changed = calling.transfer_ticket(deps, teller, current["id"], counter_id=counters[1])
            else:
                changed = tickets.change_ticket(deps, teller, current["id"], action)
            story.append((changed["status"], changed.get("people_ahead")))
    snapshot = queue.snapshot(deps, ROOT, branch_id)
    story.append([(c["number"], c["name"], c["status"]) for c in snapshot["counters"]])
    story.append([(s["prefix"], s["waiting"]) for s in snapshot["services"]])
    story.append(snapshot["seq"])
    return story


def test_the_same_day_at_the_counters_tells_the_same_story(sqlite_deps):
    story = _story(_memory_deps())
    assert story == _story(sqlite_deps)
    assert [s[0] for s in story[:5]] == ["A001", "B001", "A002", "A003", "B002"]
    assert story[5] == ("A003", {"code": "head_start"})  # the VIP's head start, as the policy gives it


def test_a_write_that_fails_changes_nothing():
    deps = _memory_deps()
    branch_id, services, counters = _branch(deps)
    assert isinstance(deps.store, MemoryStore)
    before = deps.store.tables
    with pytest.raises(Conflict):
        setup.create_counter(deps, ROOT, branch_id, {"number": 1, "service_ids": [services["A"]]})
    with deps.store.read() as uow:
        assert [c.number for c in uow.counters.for_branch(branch_id)] == [1, 2]
        assert uow.counters.get(counters[0]).name == NAMES
    assert deps.store.tables.rows.keys() == before.rows.keys()


def test_what_it_does_not_keep_fails_loudly():
    with _memory_deps().store.read() as uow, pytest.raises(NotImplementedError, match="alerts"):
        uow.alerts.for_branch(1, open_only=True)


def test_a_service_given_a_name_in_an_unknown_language_is_refused_on_the_name_field():
    deps = _memory_deps()
    branch_id, _, _ = _branch(deps)
    body = {"name": {"fr": "Caisse"}, "prefix": "C", "target_wait": 600, "expected_service": 300}
    with pytest.raises(InvalidInput) as refused:
        setup.create_service(deps, ROOT, branch_id, body)
    assert (refused.value.code, refused.value.field) == ("invalid_name", "name")
    with deps.store.read() as uow:
        assert [s.prefix for s in uow.services.for_branch(branch_id)] == ["A", "B"]
