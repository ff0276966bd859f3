"""Booking through the public API: slots, book, look up, reschedule, cancel, and bad input."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar

from tests.booking.conftest import PHONE, TUESDAY, book, book_body
from tests.support.builders import BranchFixture

SLOTS = "/api/v1/branches/{}/slots"


def slots(client: Any, branch: BranchFixture, day: str = TUESDAY.isoformat(), service: str = "A") -> Any:
    return client.get(SLOTS.format(branch.id), query_string={"service_id": branch.services[service], "date": day})


def test_slots_are_shown_in_branch_local_time_with_places_left(client: Any, bookable: BranchFixture) -> None:
    response = slots(client, bookable)
    assert response.status_code == 200
    day = response.json
    assert len(day) == 18 + 24  # 10-minute slots in 09:00-12:00 and 13:00-17:00
    assert day[0] == {"start": "2026-11-24T09:00:00+08:00", "end": "2026-11-24T09:10:00+08:00", "available": 1}
    assert [s["available"] for s in day[:4]] == [1, 2, 1, 2]  # 3 counters x 50%


def test_today_shows_only_slots_still_ahead(client: Any, bookable: BranchFixture) -> None:
    day = slots(client, bookable, "2026-11-23").json  # it is 10:00 on Monday
    assert day[0]["start"] == "2026-11-23T10:10:00+08:00"


def test_booking_returns_a_code_and_takes_a_place(client: Any, bookable: BranchFixture) -> None:
    response = book(client, bookable, "2026-11-24T09:10:00+08:00")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "booked"
    assert body["start"] == "2026-11-24T09:10:00+08:00" and body["end"] == "2026-11-24T09:20:00+08:00"
    assert len(body["code"]) == 8 and body["phone"] == "+8613812345678"
    assert body["ics_url"] == f"/api/v1/appointments/{body['code']}.ics"  # no phone in a URL
    assert body["qr_url"] == f"/api/v1/appointments/{body['code']}/qr.svg"
    assert slots(client, bookable).json[1]["available"] == 1


def test_the_same_instant_in_another_offset_books_the_same_slot(client: Any, bookable: BranchFixture) -> None:
    response = book(client, bookable, "2026-11-24T01:10:00Z")
    assert response.status_code == 201
    assert response.json["start"] == "2026-11-24T09:10:00+08:00"


def test_the_last_place_goes_once_then_409(client: Any, bookable: BranchFixture) -> None:
    assert book(client, bookable, "2026-11-24T09:00:00+08:00").status_code == 201
    full = book(client, bookable, "2026-11-24T09:00:00+08:00", phone="13912345678")
    assert full.status_code == 409
    assert full.json["error"]["code"] == "slot_full"


def test_look_up_reschedule_and_cancel_need_code_and_phone(client: Any, bookable: BranchFixture) -> None:
    code = book(client, bookable, "2026-11-24T09:10:00+08:00").json["code"]
    url = f"/api/v1/appointments/{code}"
    assert client.get(url, query_string={"phone": PHONE}).json["code"] == code
    assert client.get(url.lower(), query_string={"phone": "+86 138 1234 5678"}).status_code == 200
    assert client.get(url, query_string={"phone": "13912345678"}).status_code == 404
    moved = client.patch(url, query_string={"phone": PHONE}, json={"start": "2026-11-24T14:00:00+08:00"})
    assert moved.status_code == 200 and moved.json["start"] == "2026-11-24T14:00:00+08:00"
    assert slots(client, bookable).json[1]["available"] == 2  # the old place is free again
    cancelled = client.delete(url, query_string={"phone": PHONE})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = client.delete(url, query_string={"phone": PHONE})
    assert again.status_code == 409 and again.json["error"]["code"] == "appointment_not_booked"


def test_the_phone_travels_in_a_header_and_old_links_with_it_in_the_query_still_work(
    client: Any, bookable: BranchFixture
) -> None:
    code = book(client, bookable, "2026-11-24T09:10:00+08:00").json["code"]
    url = f"/api/v1/appointments/{code}"
    assert client.get(url, headers={"X-Phone": PHONE}).json["code"] == code
    assert client.get(url, headers={"X-Phone": "13912345678"}).status_code == 404
    assert client.get(url, query_string={"phone": PHONE}).json["code"] == code
    for route in (url, f"{url}.ics", f"{url}/qr.svg"):
        missing = client.get(route)
        assert missing.status_code == 422
        assert missing.json["error"]["code"] == "phone_required" and missing.json["error"]["field"] == "phone"
    moved = client.patch(url, headers={"X-Phone": PHONE}, json={"start": "2026-11-24T14:00:00+08:00"})
    assert moved.status_code == 200 and moved.json["start"] == "2026-11-24T14:00:00+08:00"
    assert client.delete(url, headers={"X-Phone": PHONE}).json["status"] == "cancelled"


def test_the_calendar_file_and_the_qr_code(client: Any, bookable: BranchFixture) -> None:
    created = book(client, bookable, "2026-11-24T09:10:00+08:00").json
    ics = client.get(created["ics_url"], headers={"X-Phone": PHONE})
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtstart").isoformat() == "2026-11-24T01:10:00+00:00"
    assert created["code"] in str(event.get("description"))
    qr = client.get(created["qr_url"], headers={"X-Phone": PHONE})
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def error_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json["error"]["code"]


def test_bad_input_gets_a_clear_4xx(client: Any, bookable: BranchFixture) -> None:
    assert error_of(slots(client, bookable, "2026-11-20")) == (422, "date_in_past")
    assert error_of(slots(client, bookable, "2027-01-20")) == (422, "beyond_horizon")
    assert error_of(book(client, bookable, "2026-11-24T12:30:00+08:00")) == (422, "not_a_slot")  # lunch
    assert error_of(book(client, bookable, "2026-11-24T09:05:00+08:00")) == (422, "not_a_slot")
    assert error_of(book(client, bookable, "2026-11-23T09:30:00+08:00")) == (422, "start_in_past")
    assert error_of(book(client, bookable, "2026-11-24T09:10:00")) == (422, "invalid_start")
    assert error_of(book(client, bookable, "2026-11-24T09:10:00+08:00", phone="12345")) == (422, "invalid_phone")
    unknown = client.post("/api/v1/appointments", json=book_body(bookable, "2026-11-24T09:10:00+08:00", service_id=999))
    assert error_of(unknown) == (404, "service_not_found")
    assert error_of(client.get(SLOTS.format(999), query_string={"service_id": 1, "date": "2026-11-24"}))[0] == 404
    assert client.post("/api/v1/appointments", json={"branch_id": bookable.id}).status_code == 422
    assert client.post("/api/v1/appointments", data="{", content_type="application/json").status_code == 400


def test_one_phone_may_hold_only_so_many_bookings_a_day(client: Any, bookable: BranchFixture) -> None:
    assert book(client, bookable, "2026-11-24T09:10:00+08:00").status_code == 201
    assert book(client, bookable, "2026-11-24T09:30:00+08:00").status_code == 201
    assert error_of(book(client, bookable, "2026-11-24T09:50:00+08:00")) == (409, "too_many_bookings")


def test_guessing_codes_gets_404_then_429(client: Any, bookable: BranchFixture) -> None:
    guesses = [f"ABCD{n:04d}".translate(str.maketrans("01", "23")) for n in range(25)]
    statuses = [client.get(f"/api/v1/appointments/{g}", query_string={"phone": PHONE}).status_code for g in guesses]
    assert set(statuses[:20]) == {404}
    assert statuses[-1] == 429
    # one budget across the routes that take a code
    assert client.get("/api/v1/appointments/ZZZZZZZZ.ics", query_string={"phone": PHONE}).status_code == 429


def test_a_closure_removes_the_day(client: Any, bookable: BranchFixture) -> None:
    manager = bookable.headers("manager")
    url = f"/api/v1/branches/{bookable.id}/closures/2026-11-24"
    assert client.put(url, json={"reason": "holiday"}, headers=manager).status_code == 200
    assert slots(client, bookable).json == []
    listed = client.get(f"/api/v1/branches/{bookable.id}/closures", headers=manager).json
    assert listed == [{"day": "2026-11-24", "reason": "holiday"}]
    assert client.delete(url, headers=manager).status_code == 204
    assert len(slots(client, bookable).json) == 42


def test_managers_set_the_rules_per_service(client: Any, bookable: BranchFixture) -> None:
    manager = bookable.headers("manager")
    url = f"/api/v1/branches/{bookable.id}/services/{bookable.services['A']}/booking-settings"
    changed = client.patch(url, json={"slot_s": 1800, "reserved_share": 1.0}, headers=manager)
    assert changed.status_code == 200
    rules = {s["service_id"]: s for s in changed.json["services"]}[bookable.services["A"]]
    assert rules["slot_length"] == 1800 and rules["rules"]["reserved_share"] == 1.0
    assert slots(client, bookable).json[0]["available"] == 3
    assert client.patch(url, json={"reserved_share": 3}, headers=manager).status_code == 422
    assert client.patch(url, json={"slot_s": 1800}, headers=bookable.headers("teller")).status_code == 403
    assert client.patch(url, json={"slot_s": 1800}).status_code == 401


def test_the_public_booking_page_lists_bookable_branches(client: Any, bookable: BranchFixture) -> None:
    branches = client.get("/api/v1/booking/branches").json
    assert branches[0]["id"] == bookable.id
    assert {s["id"] for s in branches[0]["services"]} == set(bookable.services.values())
    assert client.get("/book").status_code == 200


def test_a_booking_needs_the_customers_consent_to_keep_their_name_and_phone(client, bookable):
    for consent in ({}, {"consent": False}):
        body = book_body(bookable, "2026-11-24T09:10:00+08:00") | consent
        if not consent:
            body.pop("consent")
        refused = client.post("/api/v1/appointments", json=body)
        assert refused.status_code == 422 and refused.json["error"]["field"] == "consent", refused.json


def test_a_moved_booking_updates_the_same_calendar_entry_with_a_reminder(client, bookable, clock):
    created = book(client, bookable, "2026-11-24T09:10:00+08:00").json
    first = Calendar.from_ical(client.get(created["ics_url"], headers={"X-Phone": PHONE}).data).walk("VEVENT")[0]
    [alarm] = first.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger").total_seconds() == -30 * 60
    clock.advance(300)
    url = f"/api/v1/appointments/{created['code']}"
    client.patch(url, headers={"X-Phone": PHONE}, json={"start": "2026-11-24T14:00:00+08:00"})
    moved = Calendar.from_ical(client.get(created["ics_url"], headers={"X-Phone": PHONE}).data).walk("VEVENT")[0]
    assert str(moved["uid"]) == str(first["uid"])  # the calendar replaces its entry rather than adding one
    assert int(moved["sequence"]) > int(first["sequence"])
    assert moved.decoded("dtstart").isoformat() == "2026-11-24T06:00:00+00:00"
