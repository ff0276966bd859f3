"""Two (or eight) people booking the last place, or checking in one code, at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from server.domain.errors import Conflict
from server.services import booking, check_in
from tests.booking.conftest import TUESDAY, book_body
from tests.support.builders import ROOT, BranchFixture
from tests.support.databases import ON_BOTH_DATABASES

PEOPLE = 8


def at_once(work: Callable[[int], Any], n: int = PEOPLE) -> tuple[list[Any], list[Exception]]:
    """Run ``work(i)`` on n threads released together; the results and the errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[Exception] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(work(i))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@ON_BOTH_DATABASES
def test_exactly_one_of_eight_gets_the_last_place(deps: Any, bookable: BranchFixture) -> None:
    start = "2026-11-24T09:00:00+08:00"  # one place in this slot
    body = book_body(bookable, start)

    def attempt(i: int) -> Any:
        return booking.book(deps, body | {"phone": f"1391234{i:04d}", "start": datetime.fromisoformat(start)})

    results, errors = at_once(attempt)
    assert len(results) == 1
    assert len(errors) == PEOPLE - 1 and all(isinstance(e, Conflict) and e.code == "slot_full" for e in errors)
    assert booking.list_slots(deps, bookable.id, bookable.services["A"], TUESDAY)[0]["available"] == 0


@ON_BOTH_DATABASES
def test_a_code_checked_in_at_two_kiosks_at_once_gives_one_ticket(deps: Any, bookable: BranchFixture) -> None:
    body = book_body(bookable, "") | {"start": datetime.fromisoformat("2026-11-23T10:20:00+08:00")}
    code = booking.book(deps, body)["code"]
    results, errors = at_once(lambda _: check_in.check_in(deps, ROOT, bookable.id, code), n=4)
    assert len(results) == 1 and results[0]["customer_class"] == "appointment"
    assert all(isinstance(e, Conflict) and e.code == "appointment_used" for e in errors)


@ON_BOTH_DATABASES
def test_one_phone_booking_eight_slots_at_once_gets_only_its_daily_limit(deps: Any, bookable: BranchFixture) -> None:
    starts = [datetime.fromisoformat(f"2026-11-24T{9 + i // 6:02d}:{(i % 6) * 10:02d}:00+08:00") for i in range(PEOPLE)]

    def attempt(i: int) -> Any:
        return booking.book(deps, book_body(bookable, "") | {"start": starts[i]})

    results, errors = at_once(attempt)
    assert len(results) == 2  # the default limit per phone and day
    assert len(errors) == PEOPLE - 2
    assert all(isinstance(e, Conflict) and e.code == "too_many_bookings" for e in errors)
