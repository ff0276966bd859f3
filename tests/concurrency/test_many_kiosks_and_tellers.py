"""Two kiosks never get the same number; two tellers never call the same ticket.

Real threads against the real database, SQLite (WAL, BEGIN IMMEDIATE) and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from server.domain.errors import Conflict
from server.services import auth, calling, tickets
from tests.support.builders import build_branch
from tests.support.databases import ON_BOTH_DATABASES


def run_threads(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    return results


@ON_BOTH_DATABASES
def test_eight_kiosks_issuing_at_once_never_share_a_number(deps):
    b = build_branch(deps)
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])
    per_kiosk = 40

    def kiosk_run(_: int) -> list[str]:
        return [tickets.issue_ticket(deps, kiosk, b.id, b.services["A"])["number"] for _ in range(per_kiosk)]

    numbers = [n for batch in run_threads(8, kiosk_run) for n in batch]
    assert len(numbers) == 8 * per_kiosk
    duplicates = [n for n, c in Counter(numbers).items() if c > 1]
    assert duplicates == []
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 8 * per_kiosk + 1)]


@ON_BOTH_DATABASES
def test_tellers_pressing_call_next_together_never_get_the_same_ticket(deps):
    counters = {n: "A" for n in range(1, 9)}
    b = build_branch(deps, counters=counters)
    teller = auth.authenticate(deps, b.tokens["teller"])
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])
    total = 120
    for _ in range(total):
        tickets.issue_ticket(deps, kiosk, b.id, b.services["A"])
    for counter_id in b.counters.values():
        calling.set_counter_status(deps, teller, counter_id, "open")

    def teller_run(i: int) -> list[int]:
        counter_id = b.counters[i + 1]
        got = []
        while True:
            try:
                ticket = calling.call_next(deps, teller, counter_id)
            except Conflict as error:
                assert error.code == "busy_try_again"
                continue
            if ticket is None:
                return got
            got.append(ticket["id"])
            tickets.change_ticket(deps, teller, ticket["id"], "start")
            tickets.change_ticket(deps, teller, ticket["id"], "finish")

    called = [t for batch in run_threads(8, teller_run) for t in batch]
    assert len(called) == total
    assert len(set(called)) == total, "a ticket was called twice"
