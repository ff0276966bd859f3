"""Checking in at the kiosk, the counter or by the holder: the ticket class and its anchor."""

from __future__ import annotations

from typing import Any

from tests.booking.conftest import PHONE, book
from tests.support.builders import BranchFixture
from tests.support.clock import FakeClock

TODAY_1020 = "2026-11-23T10:20:00+08:00"  # the clock says 10:00


def check_in(client: Any, branch: BranchFixture, code: str, who: str | None = "kiosk", **body: Any) -> Any:
    headers = branch.headers(who) if who else {}
    return client.post(f"/api/v1/branches/{branch.id}/check-in", json={"code": code, **body}, headers=headers)


def test_on_time_check_in_at_the_kiosk_gives_an_appointment_ticket_that_is_called(
    client: Any, bookable: BranchFixture, clock: FakeClock
) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    walk_in = client.post(
        f"/api/v1/branches/{bookable.id}/tickets",
        json={"service_id": bookable.services["A"], "customer_class": "regular", "language": "zh"},
        headers=bookable.headers("kiosk"),
    ).json
    response = check_in(client, bookable, code.lower())
    assert response.status_code == 201, response.json
    ticket = response.json
    assert ticket["customer_class"] == "appointment" and ticket["appointment_code"] == code
    assert ticket["check_in"]["outcome"] == "appointment" and ticket["track_url"]
    teller = bookable.headers("teller")
    counter = bookable.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=teller)
    # at 10:00 the walk-in who came first is called; the booked customer comes up near 10:20
    assert client.post(f"/api/v1/counters/{counter}/call-next", headers=teller).json["id"] == walk_in["id"]
    for step in ("start", "finish"):
        client.post(f"/api/v1/tickets/{walk_in['id']}/{step}", headers=teller)
    clock.advance(15 * 60)  # 10:15: another walk-in arrives
    later = client.post(
        f"/api/v1/branches/{bookable.id}/tickets",
        json={"service_id": bookable.services["A"], "customer_class": "regular", "language": "zh"},
        headers=bookable.headers("kiosk"),
    ).json
    clock.advance(10 * 60)  # 10:25: the booked customer's priority has overtaken the walk-in's
    called = client.post(f"/api/v1/counters/{counter}/call-next", headers=teller).json
    assert called["id"] == ticket["id"] != later["id"]
    booked = client.get(f"/api/v1/appointments/{code}", query_string={"phone": PHONE}).json
    assert booked["status"] == "checked_in" and booked["ticket_id"] == ticket["id"]


def test_checking_in_twice_is_refused(client: Any, bookable: BranchFixture) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    assert check_in(client, bookable, code).status_code == 201
    again = check_in(client, bookable, code, who="teller")
    assert again.status_code == 409 and again.json["error"]["code"] == "appointment_used"


def test_too_early_says_when_check_in_opens(client: Any, bookable: BranchFixture) -> None:
    code = book(client, bookable, "2026-11-23T11:00:00+08:00").json["code"]
    early = check_in(client, bookable, code)
    assert early.status_code == 409 and early.json["error"]["code"] == "too_early"
    assert "10:30" in early.json["error"]["message"]


def test_late_check_in_gets_a_walk_in_ticket_and_says_so(
    client: Any, bookable: BranchFixture, clock: FakeClock
) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    clock.advance(35 * 60)  # 15 minutes after the slot start
    response = check_in(client, bookable, code)
    assert response.status_code == 201
    assert response.json["customer_class"] == "regular"
    assert response.json["check_in"]["outcome"] == "walk_in"
    assert "walk-in" in response.json["check_in"]["message"]["en"]


def test_after_the_grace_it_is_too_late(client: Any, bookable: BranchFixture, clock: FakeClock) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    clock.advance(51 * 60)
    late = check_in(client, bookable, code)
    assert late.status_code == 409 and late.json["error"]["code"] == "too_late"


def test_the_holder_checks_in_with_code_and_phone(client: Any, bookable: BranchFixture) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    assert check_in(client, bookable, code, who=None).status_code == 404  # no phone
    assert check_in(client, bookable, code, who=None, phone="13900000000").status_code == 404
    response = check_in(client, bookable, code, who=None, phone=PHONE)
    assert response.status_code == 201 and response.json["customer_class"] == "appointment"


def test_a_cancelled_or_unknown_booking_cannot_check_in(client: Any, bookable: BranchFixture) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    client.delete(f"/api/v1/appointments/{code}", query_string={"phone": PHONE})
    assert check_in(client, bookable, code).json["error"]["code"] == "appointment_cancelled"
    assert check_in(client, bookable, "ZZZZZZZZ").status_code == 404
    assert check_in(client, bookable, code, who="display").status_code == 403


def test_a_booking_of_another_branch_is_unknown_here(client: Any, bookable: BranchFixture, deps: Any) -> None:
    from tests.support.builders import build_branch

    other = build_branch(deps, code="B2")
    code = book(client, bookable, TODAY_1020).json["code"]
    response = client.post(f"/api/v1/branches/{other.id}/check-in", json={"code": code}, headers=other.headers("kiosk"))
    assert response.status_code == 404


def test_a_closed_branch_keeps_the_booking_usable(client: Any, bookable: BranchFixture, clock: FakeClock) -> None:
    code = book(client, bookable, "2026-11-23T11:50:00+08:00").json["code"]
    clock.advance(2 * 3600 + 5 * 60)  # 12:05: lunch break, closed; within the grace
    closed = check_in(client, bookable, code)
    assert closed.status_code == 409 and closed.json["error"]["code"] == "branch_closed"
    booked = client.get(f"/api/v1/appointments/{code}", query_string={"phone": PHONE}).json
    assert booked["status"] == "booked"
