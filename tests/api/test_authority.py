"""Who may change whom: only admins touch admins, a manager only staff wholly inside their branches,
and a manager of another branch is refused on every set-up and admin route."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_walk_in_flow import issue
from tests.support.builders import PASSWORD, BranchFixture, build_branch
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES

NEW_PASSWORD = "taken-over-77"


@pytest.fixture
def other(deps: Any, branch: BranchFixture) -> BranchFixture:
    return build_branch(deps, code="B2")


def login(client: Any, username: str, password: str) -> int:
    return int(client.post("/api/v1/auth/login", json={"username": username, "password": password}).status_code)


def user_named(client: Any, admin_headers: dict[str, str], username: str) -> dict[str, Any]:
    users = client.get("/api/v1/users", headers=admin_headers).json
    return next(u for u in users if u["username"] == username)


def make_user(client: Any, admin_headers: dict[str, str], username: str, role: str, branch_ids: list[int]) -> int:
    body = {"username": username, "password": PASSWORD, "role": role, "branch_ids": branch_ids}
    response = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def assert_out_of_scope(response: Any) -> None:
    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == "forbidden_scope"


@pytest.mark.parametrize(
    "change",
    [
        {"branch_ids": "mine", "password": NEW_PASSWORD},  # move them over and take the account
        {"password": NEW_PASSWORD},  # reset the password where they are
        {"active": False},  # lock them out
    ],
)
def test_a_manager_cannot_take_over_a_teller_of_another_branch(client, branch, other, admin_headers, change):
    teller = user_named(client, admin_headers, "teller-b1")
    body = {k: ([other.id] if v == "mine" else v) for k, v in change.items()}
    assert_out_of_scope(client.patch(f"/api/v1/users/{teller['id']}", json=body, headers=other.headers("manager")))
    assert user_named(client, admin_headers, "teller-b1") == teller
    assert login(client, "teller-b1", PASSWORD) == 200
    assert login(client, "teller-b1", NEW_PASSWORD) == 401


@pytest.mark.parametrize(
    "change",
    [
        {"role": "manager", "branch_ids": "mine"},  # demote them into the manager's own branch
        {"active": False},
        {"password": NEW_PASSWORD},
    ],
)
def test_a_manager_cannot_touch_an_admin(client, branch, admin_headers, change):
    admin_id = make_user(client, admin_headers, "second-admin", "admin", [])
    body = {k: ([branch.id] if v == "mine" else v) for k, v in change.items()}
    assert_out_of_scope(client.patch(f"/api/v1/users/{admin_id}", json=body, headers=branch.headers("manager")))
    stored = user_named(client, admin_headers, "second-admin")
    assert (stored["role"], stored["branch_ids"], stored["active"]) == ("admin", [], True)
    assert login(client, "second-admin", PASSWORD) == 200


def test_a_manager_cannot_change_staff_who_also_work_in_a_branch_they_do_not_manage(
    client, branch, other, admin_headers
):
    shared = make_user(client, admin_headers, "floater", "teller", [branch.id, other.id])
    for body in ({"password": NEW_PASSWORD}, {"branch_ids": [branch.id]}, {"active": False}):
        assert_out_of_scope(client.patch(f"/api/v1/users/{shared}", json=body, headers=branch.headers("manager")))
    assert user_named(client, admin_headers, "floater")["branch_ids"] == [branch.id, other.id]
    assert login(client, "floater", PASSWORD) == 200


def test_a_manager_cannot_give_out_more_than_they_hold(client, branch, other, admin_headers):
    mine = make_user(client, admin_headers, "my-teller", "teller", [branch.id])
    manager = branch.headers("manager")
    assert_out_of_scope(client.patch(f"/api/v1/users/{mine}", json={"role": "admin"}, headers=manager))
    assert_out_of_scope(
        client.patch(f"/api/v1/users/{mine}", json={"branch_ids": [branch.id, other.id]}, headers=manager)
    )
    assert_out_of_scope(client.patch(f"/api/v1/users/{mine}", json={"branch_ids": []}, headers=manager))
    for role, branch_ids in (("admin", []), ("teller", [other.id]), ("teller", [])):
        body = {
            "username": f"new-{role}-{len(branch_ids)}",
            "password": PASSWORD,
            "role": role,
            "branch_ids": branch_ids,
        }
        assert_out_of_scope(client.post("/api/v1/users", json=body, headers=manager))
    assert user_named(client, admin_headers, "my-teller")["branch_ids"] == [branch.id]
    assert [
        u["username"] for u in client.get("/api/v1/users", headers=admin_headers).json if "new-" in u["username"]
    ] == []


def test_a_manager_manages_staff_of_their_own_branch(client, branch, admin_headers):
    mine = make_user(client, admin_headers, "my-teller", "teller", [branch.id])
    manager = branch.headers("manager")
    response = client.patch(
        f"/api/v1/users/{mine}", json={"password": NEW_PASSWORD, "role": "manager"}, headers=manager
    )
    assert response.status_code == 200 and response.json["role"] == "manager"
    assert login(client, "my-teller", NEW_PASSWORD) == 200
    body = {"username": "hired", "password": PASSWORD, "role": "teller", "branch_ids": [branch.id]}
    assert client.post("/api/v1/users", json=body, headers=manager).status_code == 201


def test_an_admin_may_change_anyone(client, branch, other, admin_headers):
    teller = user_named(client, admin_headers, "teller-b1")
    second = make_user(client, admin_headers, "second-admin", "admin", [])
    moved = client.patch(
        f"/api/v1/users/{teller['id']}",
        json={"branch_ids": [other.id], "password": NEW_PASSWORD},
        headers=admin_headers,
    )
    assert moved.status_code == 200 and moved.json["branch_ids"] == [other.id]
    assert login(client, "teller-b1", NEW_PASSWORD) == 200
    demoted = client.patch(
        f"/api/v1/users/{second}", json={"role": "manager", "branch_ids": [branch.id]}, headers=admin_headers
    )
    assert demoted.status_code == 200 and demoted.json["role"] == "manager"
    assert (
        client.patch(f"/api/v1/users/{second}", json={"active": False}, headers=admin_headers).json["active"] is False
    )
    assert login(client, "second-admin", PASSWORD) == 401


# --- a manager of another branch, on every set-up and admin route -------------------------

DAY = "2026-12-25"
# Routes about the caller only, the same for everyone who holds a token (a screen's pairing
# link is spent by the screen itself); acknowledging an alert needs one raised: both are in
# the whole matrix (tests/authority), cell by cell.
ABOUT_THE_CALLER = {
    ("GET", "/api/v1/auth/me"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/devices/pair"),
    ("POST", "/api/v1/alerts/{alert_id}/ack"),
    ("GET", "/api/v1/rating-pad"),
}
# Lists everyone may ask for, filtered to what the caller manages (checked at the end).
FILTERED_LISTS = {("GET", "/api/v1/branches"), ("GET", "/api/v1/users")}


def routes_of_branch(b: BranchFixture, ids: dict[str, int]) -> list[tuple[str, str, str, dict[str, Any] | None, int]]:
    """(method, OpenAPI path, URL, JSON body, status a manager of another branch gets)."""
    c, t, s, d, u = ids["counter"], ids["ticket"], b.services["A"], b.devices["kiosk"], ids["user"]
    br = f"/api/v1/branches/{b.id}"
    service = {"name": "x", "prefix": "Q", "target_wait": 600, "expected_service": 300}
    why = {"reason": "known customer"}
    on_behalf = {"service_id": s, "customer_class": "vip"} | why
    return [
        ("POST", "/api/v1/branches", "/api/v1/branches", {"code": "X9", "name": "x"}, 403),
        ("GET", "/api/v1/branches/{branch_id}", br, None, 403),
        ("PATCH", "/api/v1/branches/{branch_id}", br, {"name": "taken"}, 403),
        ("GET", "/api/v1/branches/{branch_id}/policy", f"{br}/policy", None, 403),
        ("PUT", "/api/v1/branches/{branch_id}/policy", f"{br}/policy", {}, 403),
        ("POST", "/api/v1/branches/{branch_id}/policy/preview", f"{br}/policy/preview", {}, 403),
        ("GET", "/api/v1/branches/{branch_id}/services", f"{br}/services", None, 403),
        ("POST", "/api/v1/branches/{branch_id}/services", f"{br}/services", service, 403),
        ("GET", "/api/v1/services/{service_id}", f"/api/v1/services/{s}", None, 403),
        ("PATCH", "/api/v1/services/{service_id}", f"/api/v1/services/{s}", {"active": False}, 403),
        ("GET", "/api/v1/branches/{branch_id}/counters", f"{br}/counters", None, 403),
        ("POST", "/api/v1/branches/{branch_id}/counters", f"{br}/counters", {"number": 9, "service_ids": [s]}, 403),
        ("GET", "/api/v1/counters/{counter_id}", f"/api/v1/counters/{c}", None, 403),
        ("PATCH", "/api/v1/counters/{counter_id}", f"/api/v1/counters/{c}", {"name": "taken"}, 403),
        ("POST", "/api/v1/counters/{counter_id}/open", f"/api/v1/counters/{c}/open", None, 403),
        ("POST", "/api/v1/counters/{counter_id}/pause", f"/api/v1/counters/{c}/pause", None, 403),
        ("POST", "/api/v1/counters/{counter_id}/close", f"/api/v1/counters/{c}/close", None, 403),
        ("POST", "/api/v1/counters/{counter_id}/call-next", f"/api/v1/counters/{c}/call-next", None, 403),
        ("POST", "/api/v1/counters/{counter_id}/call", f"/api/v1/counters/{c}/call", {"ticket_id": t}, 403),
        ("GET", "/api/v1/users/{user_id}", f"/api/v1/users/{u}", None, 404),  # existence hidden, as for reads
        ("PATCH", "/api/v1/users/{user_id}", f"/api/v1/users/{u}", {"password": NEW_PASSWORD}, 403),
        ("POST", "/api/v1/users/{user_id}/unlock", f"/api/v1/users/{u}/unlock", None, 403),
        (
            "POST",
            "/api/v1/users",
            "/api/v1/users",
            {"username": "x-b1", "password": PASSWORD, "role": "teller", "branch_ids": [b.id]},
            403,
        ),
        ("GET", "/api/v1/branches/{branch_id}/devices", f"{br}/devices", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/alerts", f"{br}/alerts", None, 403),
        ("POST", "/api/v1/branches/{branch_id}/devices", f"{br}/devices", {"kind": "kiosk", "name": "x"}, 403),
        ("DELETE", "/api/v1/branches/{branch_id}/devices/{device_id}", f"{br}/devices/{d}", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/queue", f"{br}/queue", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/tickets", f"{br}/tickets", None, 403),
        ("POST", "/api/v1/branches/{branch_id}/tickets", f"{br}/tickets", {"service_id": s}, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/start", f"/api/v1/tickets/{t}/start", None, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/recall", f"/api/v1/tickets/{t}/recall", None, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/finish", f"/api/v1/tickets/{t}/finish", None, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/no-show", f"/api/v1/tickets/{t}/no-show", None, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/cancel", f"/api/v1/tickets/{t}/cancel", {}, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/transfer", f"/api/v1/tickets/{t}/transfer", {"service_id": s}, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/reprint", f"/api/v1/tickets/{t}/reprint", None, 403),
        ("GET", "/api/v1/counters/{counter_id}/waiting", f"/api/v1/counters/{c}/waiting", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/my-day", f"{br}/my-day", None, 403),
        ("POST", "/api/v1/branches/{branch_id}/lobby/tickets", f"{br}/lobby/tickets", on_behalf, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/move", f"/api/v1/tickets/{t}/move", {"customer_class": "vip"} | why, 403),
        ("GET", "/api/v1/branches/{branch_id}/stats", f"{br}/stats?from={DAY}&to={DAY}", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/stats.csv", f"{br}/stats.csv?from={DAY}&to={DAY}", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/closures", f"{br}/closures", None, 403),
        ("PUT", "/api/v1/branches/{branch_id}/closures/{day}", f"{br}/closures/{DAY}", {"reason": "x"}, 403),
        ("DELETE", "/api/v1/branches/{branch_id}/closures/{day}", f"{br}/closures/{DAY}", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/booking-settings", f"{br}/booking-settings", None, 403),
        (
            "PATCH",
            "/api/v1/branches/{branch_id}/services/{service_id}/booking-settings",
            f"{br}/services/{s}/booking-settings",
            {"horizon_days": 3},
            403,
        ),
        ("GET", "/api/v1/branches/{branch_id}/appointments", f"{br}/appointments?date={DAY}", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/notifications", f"{br}/notifications", None, 403),
        (
            "POST",
            "/api/v1/branches/{branch_id}/notifications/{notification_id}/retry",
            f"{br}/notifications/1/retry",
            None,
            403,
        ),
        ("GET", "/api/v1/branches/{branch_id}/eligibility", f"{br}/eligibility", None, 403),
        ("PUT", "/api/v1/branches/{branch_id}/eligibility/rules", f"{br}/eligibility/rules", {"vip": "anyone"}, 403),
        (
            "POST",
            "/api/v1/branches/{branch_id}/eligibility/entries",
            f"{br}/eligibility/entries",
            {"number": "13812345678", "classes": ["vip"]},
            403,
        ),
        (
            "DELETE",
            "/api/v1/branches/{branch_id}/eligibility/entries/{entry_id}",
            f"{br}/eligibility/entries/1",
            None,
            403,
        ),
        ("POST", "/api/v1/branches/{branch_id}/media", f"{br}/media", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/media", f"{br}/media", None, 403),
        ("DELETE", "/api/v1/branches/{branch_id}/media/{media_id}", f"{br}/media/1", None, 403),
        ("POST", "/api/v1/tickets/{ticket_id}/arrived", f"/api/v1/tickets/{t}/arrived", {}, 403),
        ("GET", "/api/v1/branches/{branch_id}/remote-settings", f"{br}/remote-settings", None, 403),
        ("PATCH", "/api/v1/branches/{branch_id}/remote-settings", f"{br}/remote-settings", {"enabled": False}, 403),
        ("GET", "/api/v1/branches/{branch_id}/remote-figures", f"{br}/remote-figures", None, 403),
        (
            "POST",
            "/api/v1/branches/{branch_id}/webhooks",
            f"{br}/webhooks",
            {"url": "http://127.0.0.1:9/x", "events": ["ticket_called"]},
            403,
        ),
        ("GET", "/api/v1/branches/{branch_id}/webhooks", f"{br}/webhooks", None, 403),
        ("DELETE", "/api/v1/branches/{branch_id}/webhooks/{webhook_id}", f"{br}/webhooks/1", None, 403),
        ("GET", "/api/v1/branches/{branch_id}/webhook-deliveries", f"{br}/webhook-deliveries", None, 403),
    ]


def test_a_manager_of_another_branch_is_refused_on_every_staff_route(client, branch, other, admin_headers):
    ticket = issue(client, branch).json
    closed = client.put(
        f"/api/v1/branches/{branch.id}/closures/{DAY}", json={"reason": "holiday"}, headers=admin_headers
    )
    assert closed.status_code == 200
    ids = {
        "counter": branch.counters[1],
        "ticket": ticket["id"],
        "user": user_named(client, admin_headers, "teller-b1")["id"],
    }
    table = routes_of_branch(branch, ids)

    secured = {
        (method.upper(), path)
        for path, operations in client.get("/api/v1/openapi.json").json["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    }
    assert secured - ABOUT_THE_CALLER - FILTERED_LISTS == {(method, path) for method, path, *_ in table}, (
        "classify every new route"
    )

    outsider = other.headers("manager")
    for method, _path, url, body, status in table:
        response = client.open(url, method=method, json=body, headers=outsider)
        assert response.status_code == status, (method, url, response.get_json(silent=True))
    # nothing of the branch moved
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=admin_headers).json["status"] == "waiting"
    assert client.get(f"/api/v1/branches/{branch.id}/closures", headers=admin_headers).json == [
        {"day": DAY, "reason": "holiday"}
    ]
    assert login(client, "teller-b1", PASSWORD) == 200
    # lists show only the manager's own branch and staff
    assert [b["id"] for b in client.get("/api/v1/branches", headers=outsider).json] == [other.id]
    assert {u["username"] for u in client.get("/api/v1/users", headers=outsider).json} == {"manager-b2", "teller-b2"}
