"""Bad input anywhere gets the CONTRACT error shape with a 4xx, and changes nothing."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from server.services import auth
from tests.support.databases import ON_BOTH_DATABASES

# Every rule here holds on both databases.
pytestmark = ON_BOTH_DATABASES


def ticket_count(deps) -> int:
    with deps.store.read() as uow:
        return len(uow.tickets.waiting(1))


def issue(client, branch):
    """A walk-in ticket for service A, from the branch's kiosk."""
    return client.post(
        f"/api/v1/branches/{branch.id}/tickets",
        json={"service_id": branch.services["A"]},
        headers=branch.headers("kiosk"),
    )


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert set(error) == {"code", "message", "field"} and error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert error["field"] == field


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "service_id"),
        ({"service_id": "one"}, 422, "service_id"),
        ({"service_id": 1.5}, 422, "service_id"),
        ({"service_id": -3}, 422, "service_id"),
        ({"service_id": 1, "customer_class": "king"}, 422, "customer_class"),
        ({"service_id": 1, "language": "fr"}, 422, "language"),
        ({"service_id": 1, "language": "x" * 10_000}, 422, "language"),
        ({"service_id": 999}, 404, "service_id"),
    ],
)
def test_bad_ticket_requests_are_refused_and_issue_nothing(client, branch, deps, body, status, field):
    response = client.post(f"/api/v1/branches/{branch.id}/tickets", json=body, headers=branch.headers("kiosk"))
    assert_error(response, status, field=field)
    assert ticket_count(deps) == 0


def test_a_body_that_is_not_json_is_a_400(client, branch, deps):
    response = client.post(
        f"/api/v1/branches/{branch.id}/tickets",
        data="{service_id: 1",
        headers=branch.headers("kiosk") | {"Content-Type": "application/json"},
    )
    assert_error(response, 400, "invalid_json")
    assert ticket_count(deps) == 0


def test_unknown_ids_are_404(client, branch):
    assert_error(client.post("/api/v1/counters/999/call-next", headers=branch.headers()), 404, "counter_not_found")
    assert_error(client.post("/api/v1/tickets/999/start", headers=branch.headers()), 404, "ticket_not_found")
    assert_error(client.get("/api/v1/branches/999/queue", headers=branch.headers("manager")), 403)
    assert_error(client.get("/api/v1/no/such/route"), 404, "not_found")


def test_missing_bad_and_expired_credentials_are_401(client, branch, deps, clock):
    url = f"/api/v1/branches/{branch.id}/tickets"
    body = {"service_id": branch.services["A"]}
    assert_error(client.post(url, json=body), 401, "unauthorized")
    assert_error(client.post(url, json=body, headers={"Authorization": "Bearer nope"}), 401, "invalid_token")
    clock.advance(deps.token_ttl_seconds + 1)
    assert_error(client.post(url, json=body, headers=branch.headers("teller")), 401, "token_expired")
    # device tokens do not expire, they are revoked
    assert client.post(url, json=body, headers=branch.headers("kiosk")).status_code == 201


def test_wrong_role_and_other_branch_are_403(client, branch, deps):
    from tests.support.builders import build_branch

    other = build_branch(deps, code="B2")
    url = f"/api/v1/branches/{branch.id}/tickets"
    body = {"service_id": branch.services["A"]}
    assert_error(client.post(url, json=body, headers=other.headers("kiosk")), 403, "forbidden_branch")
    assert_error(client.post(url, json=body, headers=branch.headers("display")), 403, "forbidden_role")
    counter = branch.counters[1]
    assert_error(client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers("kiosk")), 403)
    assert_error(client.post(f"/api/v1/counters/{counter}/open", headers=other.headers("teller")), 403)
    assert_error(
        client.post("/api/v1/branches", json={"code": "X", "name": "x"}, headers=branch.headers("manager")),
        403,
        "forbidden_role",
    )
    assert ticket_count(deps) == 0


def test_revoked_device_token_is_refused(client, branch, admin_headers):
    device = branch.devices["kiosk"]
    assert client.delete(f"/api/v1/branches/{branch.id}/devices/{device}", headers=admin_headers).status_code == 204
    response = issue(client, branch)
    assert_error(response, 401, "invalid_token")


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("start", "ticket_not_called"),
        ("finish", "ticket_not_serving"),
        ("no-show", "ticket_not_called"),
        ("recall", "ticket_not_called"),
    ],
)
def test_illegal_transitions_are_409_and_change_nothing(client, branch, deps, action, code):
    ticket = issue(client, branch).json
    response = client.post(f"/api/v1/tickets/{ticket['id']}/{action}", headers=branch.headers())
    assert_error(response, 409, code, "status")
    with deps.store.read() as uow:
        assert uow.tickets.get(ticket["id"]).status.value == "waiting"


def test_finished_ticket_cannot_be_called_again(client, branch):
    ticket = issue(client, branch).json
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    for step in ("start", "finish"):
        client.post(f"/api/v1/tickets/{ticket['id']}/{step}", headers=branch.headers())
    again = client.post(f"/api/v1/counters/{counter}/call", json={"ticket_id": ticket["id"]}, headers=branch.headers())
    assert_error(again, 409, "ticket_not_waiting")
    cancel = client.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={}, headers=branch.headers())
    assert_error(cancel, 409, "ticket_not_called_or_waiting")


def test_calling_while_a_ticket_is_open_at_the_counter_is_refused(client, branch):
    for _ in range(2):
        client.post(
            f"/api/v1/branches/{branch.id}/tickets",
            json={"service_id": branch.services["A"]},
            headers=branch.headers("kiosk"),
        )
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    assert_error(client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers()), 409, "counter_busy")
    assert_error(client.post(f"/api/v1/counters/{counter}/close", headers=branch.headers()), 409, "counter_busy")


def test_branch_closed_outside_opening_hours(client, deps, clock):
    from tests.support.builders import build_branch

    b = build_branch(deps, code="HOURS", opening_hours={"mon": [["09:00", "17:00"]]})
    clock.set(clock.now.replace(hour=10) - timedelta(days=0))  # Monday 18:00 in Shanghai
    response = client.post(
        f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]}, headers=b.headers("kiosk")
    )
    assert_error(response, 409, "branch_closed")
    clock.set(clock.now.replace(hour=2))  # Monday 10:00 in Shanghai
    assert (
        client.post(
            f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]}, headers=b.headers("kiosk")
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "N1", "name": "x", "timezone": "Mars/Olympus"}, "timezone"),
        ({"code": "N1", "name": "x", "opening_hours": {"mon": [["18:00", "09:00"]]}}, "opening_hours.mon"),
        ({"code": "N1", "name": "x", "opening_hours": {"funday": []}}, "opening_hours.funday"),
        ({"code": "bad code!", "name": "x"}, "code"),
        ({"code": "N1", "name": "x" * 500}, "name"),
        ({"code": "N1"}, "name"),
    ],
)
def test_bad_branch_set_up_is_refused(client, admin_headers, deps, body, field):
    response = client.post("/api/v1/branches", json=body, headers=admin_headers)
    assert_error(response, 422, field=field)
    with deps.store.read() as uow:
        assert uow.branches.by_code("N1") is None


def test_duplicate_prefix_counter_number_and_username_conflict(client, branch, admin_headers):
    dup = client.post(
        f"/api/v1/branches/{branch.id}/services", json={"name": "again", "prefix": "a"}, headers=admin_headers
    )
    assert_error(dup, 409, "prefix_taken", "prefix")
    dup = client.post(
        f"/api/v1/branches/{branch.id}/counters",
        json={"number": 1, "service_ids": [branch.services["A"]]},
        headers=admin_headers,
    )
    assert_error(dup, 409, "counter_number_taken", "number")
    dup = client.post(
        "/api/v1/users",
        json={"username": "teller-b1", "password": "long-enough-1", "role": "teller", "branch_ids": [branch.id]},
        headers=admin_headers,
    )
    assert_error(dup, 409, "username_taken", "username")


def test_bad_policy_is_refused_and_good_policy_applies(client, branch, deps):
    headers = branch.headers("manager")
    bad = client.put(f"/api/v1/branches/{branch.id}/policy", json={"classes": {"vip": {"target": 0}}}, headers=headers)
    assert_error(bad, 422, field="classes.vip.target")
    good = client.put(
        f"/api/v1/branches/{branch.id}/policy",
        json={"kind": "apq", "classes": {"vip": {"target": 240, "head_start": 30, "hard_limit": 900}}},
        headers=headers,
    )
    assert good.status_code == 200 and good.json["classes"]["vip"]["target"] == 240
    teller = client.put(f"/api/v1/branches/{branch.id}/policy", json={"kind": "fifo"}, headers=branch.headers())
    assert_error(teller, 403, "forbidden_role")
    with deps.store.read() as uow:
        assert uow.branches.get(branch.id).policy.rules["vip"].target == 240


def test_session_logout_revokes_the_token(client, branch, deps):
    token = auth.login(deps, "teller-b1", "correct-horse-9")["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=headers).json["username"] == "teller-b1"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/auth/me", headers=headers), 401, "invalid_token")


def test_cached_tokens_are_forgotten_on_revocation(tmp_path, database_url, clock):
    from server.store import migrate
    from server.web import create_app
    from tests.conftest import make_settings
    from tests.support.builders import admin_token, build_branch

    app = create_app(make_settings(tmp_path / "cached", database_url, principal_cache_seconds=60.0), clock=clock)
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    b = build_branch(deps)
    client = app.test_client()
    body = {"service_id": b.services["A"]}
    url = f"/api/v1/branches/{b.id}/tickets"
    assert client.post(url, json=body, headers=b.headers("kiosk")).status_code == 201  # now cached
    admin = {"Authorization": f"Bearer {admin_token(deps)}"}
    assert client.delete(f"/api/v1/branches/{b.id}/devices/{b.devices['kiosk']}", headers=admin).status_code == 204
    assert_error(client.post(url, json=body, headers=b.headers("kiosk")), 401, "invalid_token")


def test_text_with_a_nul_character_is_refused_alike_on_every_database(client, branch, deps):
    """PostgreSQL cannot store NUL in text; the refusal must not depend on the database."""
    response = client.post("/api/v1/auth/login", json={"username": "teller\x00", "password": "x"})
    assert_error(response, 422, "invalid_text", "username")
    response = client.post(
        f"/api/v1/branches/{branch.id}/tickets",
        json={"service_id": branch.services["A"], "language": "zh\x00"},
        headers=branch.headers("kiosk"),
    )
    assert_error(response, 422, "invalid_text", "language")
    assert ticket_count(deps) == 0
    response = client.get(f"/api/v1/branches/{branch.id}/slots?service_id=1&date=2026-12-01%00")
    assert_error(response, 422, "invalid_text", "date")
    assert_error(client.get("/api/v1/appointments/AB%00CD"), 422, "invalid_text")
    # form bodies too, urlencoded and multipart (a media upload is one)
    for form in ({"caption": "a\x00b"}, {"caption": "a\x00b", "file": (io.BytesIO(b"x"), "a.png")}):
        response = client.post(f"/api/v1/branches/{branch.id}/media", data=form, headers=branch.headers("manager"))
        assert_error(response, 422, "invalid_text", "caption")


def test_an_id_too_large_for_the_database_names_nothing(client, branch):
    too_large = 2**63
    assert_error(client.get(f"/api/v1/branches/{too_large}/slots?service_id=1&date=2026-12-01"), 404)
    assert_error(client.get(f"/api/v1/tickets/{too_large}", headers=branch.headers("teller")), 404)


def test_a_tracking_token_with_any_characters_is_just_a_wrong_token(client, branch):
    issued = issue(client, branch).json
    token = issued["track_url"].split("token=")[1]
    for wrong in ("%C2%80", "%E4%B8%AD", "%FF", token[:-1]):
        response = client.get(f"/api/v1/tickets/{issued['id']}?token={wrong}")
        assert response.status_code in (401, 403, 404), (wrong, response.status_code)
        assert set(response.json["error"]) == {"code", "message", "field"}
    assert client.get(f"/api/v1/tickets/{issued['id']}?token={token}").status_code == 200


# --- input that once reached the parsers, the driver or the calendar and came back as a 500 ---

LONE = '"x\\ud800"'  # JSON text: the escape reaches the server's parser as a lone surrogate


def with_raw(body: dict, path: str, raw: str) -> str:
    """``body`` as JSON text with the value at ``path`` (a.b) written as given, e.g. 5,000 digits."""
    *outer, last = path.split(".")
    target = body = json.loads(json.dumps(body))
    for key in outer:
        target = target.setdefault(key, {})
    target[last] = "@raw@"
    return json.dumps(body).replace('"@raw@"', raw)


def send_raw(client, method, url, text, headers=None):
    return client.open(url, method=method, data=text, headers=(headers or {}) | {"Content-Type": "application/json"})


@pytest.mark.parametrize("depth", [33, 1000, 20_000])
def test_json_nested_deeper_than_any_body_is_refused(client, branch, deps, depth):
    url = f"/api/v1/branches/{branch.id}/tickets"
    body = with_raw({"service_id": branch.services["A"]}, "language", "[" * depth + "]" * depth)
    response = send_raw(client, "POST", url, body, branch.headers("kiosk"))
    # nesting the parser still reads names its field; deeper than it can read is a 400
    readable = depth < 500
    assert_error(response, 422 if readable else 400, "nested_too_deep", "language" if readable else None)
    login = send_raw(client, "POST", "/api/v1/auth/login", '{"a":' * depth + "1" + "}" * depth)
    assert_error(login, 422 if readable else 400, "nested_too_deep")
    assert ticket_count(deps) == 0


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "9" * 33, "1e999", "NaN", "-Infinity"])
def test_numbers_no_field_takes_are_refused_with_their_field(client, branch, deps, admin_headers, number):
    url = f"/api/v1/branches/{branch.id}/tickets"
    response = send_raw(client, "POST", url, with_raw({}, "service_id", number), branch.headers("kiosk"))
    assert_error(response, 422, "invalid_number", "service_id")
    response = send_raw(
        client, "PATCH", f"/api/v1/branches/{branch.id}", with_raw({}, "settings.notice", number), admin_headers
    )
    assert_error(response, 422, "invalid_number", "settings.notice")
    assert ticket_count(deps) == 0


def test_a_lone_surrogate_in_any_text_is_refused(client, branch, deps, admin_headers):
    """\\ud800 cannot be encoded as UTF-8: the driver, the password hash and the digests failed on it."""
    service = {"prefix": "Z", "target_wait": 600, "expected_service": 300}
    booking = {
        "branch_id": branch.id,
        "service_id": branch.services["A"],
        "start": "2026-11-23T12:00:00+08:00",
        "phone": "13812345678",
        "consent": True,
    }
    user = {"username": "new-one", "role": "teller", "branch_ids": [branch.id]}
    for method, url, body, field, headers in (
        ("POST", f"/api/v1/branches/{branch.id}/services", service, "name", admin_headers),
        ("POST", "/api/v1/auth/login", {"username": "teller-b1"}, "password", {}),
        ("POST", "/api/v1/auth/login", {"password": "x"}, "username", {}),
        ("POST", "/api/v1/users", user, "password", admin_headers),
        ("POST", "/api/v1/appointments", booking, "name", {}),
        ("PATCH", f"/api/v1/branches/{branch.id}", {}, "settings.notice", admin_headers),
    ):
        assert_error(send_raw(client, method, url, with_raw(body, field, LONE), headers), 422, "invalid_text", field)
    key = send_raw(client, "PATCH", f"/api/v1/branches/{branch.id}", '{"settings": {"x\\ud800": 1}}', admin_headers)
    assert_error(key, 422, "invalid_text", "settings.x")
    names = [s["name"]["en"] for s in client.get(f"/api/v1/branches/{branch.id}/services", headers=admin_headers).json]
    assert names == ["Service A", "Service B"]
    users = client.get("/api/v1/users", headers=admin_headers).json
    assert "new-one" not in {u["username"] for u in users}
    assert client.get(f"/api/v1/branches/{branch.id}/appointments?date=2026-11-23", headers=admin_headers).json == []


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("0001-01-01T00:00:00+14:00", "start_in_past"),  # in UTC, before the calendar's first day
        ("0001-01-01T09:00:00+08:00", "start_in_past"),
        ("9999-12-31T23:59:00+00:00", "beyond_horizon"),
        ("9999-12-31T23:00:00-12:00", "beyond_horizon"),  # in UTC, after the calendar's last day
    ],
)
def test_a_booking_or_reschedule_at_the_ends_of_the_calendar_is_refused(client, branch, start, code):
    body = {"branch_id": branch.id, "service_id": branch.services["A"], "name": "Wang", "phone": "13812345678"}
    body["consent"] = True
    assert_error(client.post("/api/v1/appointments", json=body | {"start": start}), 422, code, "start")
    booked = client.post("/api/v1/appointments", json=body | {"start": "2026-11-23T12:00:00+08:00"})
    assert booked.status_code == 201, booked.json
    moved = client.patch(f"/api/v1/appointments/{booked.json['code']}?phone=13812345678", json={"start": start})
    assert_error(moved, 422, code, "start")
    again = client.get(f"/api/v1/appointments/{booked.json['code']}?phone=13812345678")
    assert again.json["start"] == "2026-11-23T12:00:00+08:00"


def test_closures_from_the_calendars_last_month(client, branch, admin_headers):
    url = f"/api/v1/branches/{branch.id}/closures"
    assert client.put(f"{url}/9999-12-31", json={"reason": "the end"}, headers=admin_headers).status_code == 200
    response = client.get(f"{url}?from=9999-12-01", headers=admin_headers)
    assert response.status_code == 200 and response.json == [{"day": "9999-12-31", "reason": "the end"}]
    assert client.get(f"{url}?from=0001-01-01", headers=admin_headers).json == []
