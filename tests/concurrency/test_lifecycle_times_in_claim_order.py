"""Lifecycle times are stamped once the change holds the branch's write lock, so their order is
the order in which the changes were made (the branch event seq), even for a teller who waited.

Real threads, the real clock, SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest

from server.domain.errors import Conflict
from server.services import auth, calling, tickets
from tests.concurrency.test_many_kiosks_and_tellers import run_threads
from tests.support.builders import build_branch
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES


@pytest.fixture
def clock() -> Any:
    return lambda: datetime.now(UTC)


def inversions(times: list[datetime]) -> int:
    return sum(1 for earlier, later in pairwise(times) if later < earlier)


def events(deps: Any, branch_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    with deps.store.read() as uow:
        return uow.events.after(branch_id, 0)


def test_three_tellers_calling_at_once_stamp_called_at_in_claim_order(deps):
    b = build_branch(deps, counters={1: "A", 2: "A", 3: "A"})
    teller = auth.authenticate(deps, b.tokens["teller"])
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])
    total = 150
    for _ in range(total):
        tickets.issue_ticket(deps, kiosk, b.id, b.services["A"])
    for counter_id in b.counters.values():
        calling.set_counter_status(deps, teller, counter_id, "open")

    def teller_run(i: int) -> int:
        served = 0
        while True:
            try:
                ticket = calling.call_next(deps, teller, b.counters[i + 1])
            except Conflict:
                continue
            if ticket is None:
                return served
            tickets.change_ticket(deps, teller, ticket["id"], "start")
            tickets.change_ticket(deps, teller, ticket["id"], "finish")
            served += 1

    assert sum(run_threads(3, teller_run)) == total
    log = events(deps, b.id)
    called = [data["ticket_id"] for _seq, name, data in log if name == "ticket_called"]
    with deps.store.read() as uow:
        stored = [uow.tickets.get(ticket_id) for ticket_id in called]
    assert [t.number for t in stored] == [f"A{i:03d}" for i in range(1, total + 1)], "claims in FIFO order"
    assert inversions([t.called_at for t in stored]) == 0
    started = [data["ticket"]["id"] for _s, name, data in log if name == "ticket_updated" and data["action"] == "start"]
    with deps.store.read() as uow:
        assert inversions([uow.tickets.get(ticket_id).started_at for ticket_id in started]) == 0


def test_kiosks_issuing_at_once_stamp_issued_at_in_number_order(deps):
    b = build_branch(deps)
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])

    def kiosk_run(_: int) -> list[int]:
        return [tickets.issue_ticket(deps, kiosk, b.id, b.services["A"])["id"] for _ in range(40)]

    ids = [i for batch in run_threads(4, kiosk_run) for i in batch]
    with deps.store.read() as uow:
        issued = sorted((uow.tickets.get(i) for i in ids), key=lambda t: t.sequence)
    assert inversions([t.issued_at for t in issued]) == 0
    created = [data["ticket"]["issued_at"] for _s, name, data in events(deps, b.id) if name == "ticket_issued"]
    assert len(created) == len(ids)
    assert created == sorted(created)
