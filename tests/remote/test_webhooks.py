"""Signed webhooks against a real HTTP receiver on 127.0.0.1: signature, retries, order per ticket."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from server.domain.errors import InvalidInput
from server.notify.http_post import HttpPoster, checked_url
from server.services import webhooks
from tests.api.test_walk_in_flow import issue
from tests.booking.conftest import PHONE, book, bookable
from tests.support.builders import ROOT
from tests.support.databases import ON_BOTH_DATABASES
from tests.support.receiver import Receiver, receiver

pytestmark = ON_BOTH_DATABASES


def verify(secret: str, headers: dict, raw_body: bytes, tolerance_s: int = 300) -> bool:
    """The example the OpenAPI document gives integrators, word for word."""
    timestamp = headers["X-BranchQ-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False  # an old delivery played again
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-BranchQ-Signature"], "sha256=" + expected)


@pytest.fixture
def rx() -> Any:
    with receiver() as r:
        yield r


@pytest.fixture
def live_clock(clock: Any) -> Any:
    return clock  # starts at the real time (conftest): signatures are checked against now


def register(client: Any, branch: Any, url: str, events: list[str]) -> Any:
    return client.post(
        f"/api/v1/branches/{branch.id}/webhooks", json={"url": url, "events": events}, headers=branch.headers("manager")
    )


def send_round(deps: Any) -> dict[str, int]:
    return webhooks.send_due(deps, HttpPoster(allow_private=True, timeout=(2, 5)))


def test_a_manager_registers_an_endpoint_and_sees_its_secret_once(client, branch, rx):
    created = register(client, branch, rx.url, ["ticket_issued", "ticket_called"])
    assert created.status_code == 201, created.json
    assert created.json["secret"].startswith("whsec_") and len(created.json["secret"]) > 30
    listed = client.get(f"/api/v1/branches/{branch.id}/webhooks", headers=branch.headers("manager")).json
    assert [w["id"] for w in listed] == [created.json["id"]]
    assert "secret" not in listed[0] and listed[0]["events"] == ["ticket_issued", "ticket_called"]
    gone = client.delete(
        f"/api/v1/branches/{branch.id}/webhooks/{created.json['id']}", headers=branch.headers("manager")
    )
    assert gone.status_code == 204
    assert client.get(f"/api/v1/branches/{branch.id}/webhooks", headers=branch.headers("manager")).json == []


@pytest.mark.parametrize(
    ("url", "events", "code"),
    [
        ("ftp://example.com/x", ["ticket_issued"], "invalid_url"),
        ("file:///etc/passwd", ["ticket_issued"], "invalid_url"),
        ("https://user:pw@example.com/", ["ticket_issued"], "invalid_url"),
        ("http://127.0.0.1:9/hook", ["ticket_exploded"], None),
        ("http://127.0.0.1:9/hook", [], "invalid_events"),
    ],
)
def test_bad_endpoints_are_refused_with_a_clear_error(client, branch, url, events, code):
    response = register(client, branch, url, events)
    assert response.status_code == 422, response.json
    if code:
        assert response.json["error"]["code"] == code


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/"])
def test_private_addresses_are_refused_unless_the_setting_allows_them(url, database_url):
    with pytest.raises(InvalidInput) as refused:
        checked_url(url, allow_private=False)
    assert refused.value.code == "url_refused"
    assert checked_url(url, allow_private=True) == url


def test_a_teller_request_only_queues_the_delivery(client, branch, deps, rx):
    register(client, branch, rx.url, ["ticket_issued"])
    assert issue(client, branch).status_code == 201
    assert rx.requests == []  # nothing was sent while the kiosk waited
    queued = client.get(f"/api/v1/branches/{branch.id}/webhook-deliveries", headers=branch.headers("manager")).json
    assert [(d["event"], d["status"]) for d in queued] == [("ticket_issued", "pending")]


def test_each_delivery_is_signed_with_the_endpoint_secret(client, branch, deps, rx, live_clock):
    secret = register(client, branch, rx.url, ["ticket_issued"]).json["secret"]
    ticket = issue(client, branch).json
    assert send_round(deps) == {"sent": 1, "failed": 0}
    (got,) = rx.requests
    assert verify(secret, got.headers, got.body)
    assert not verify("whsec_someone-else", got.headers, got.body)
    assert not verify(secret, got.headers, got.body.replace(b"A001", b"A999"))
    document = got.json()
    assert set(document) == {"event", "data", "delivery_id"}
    assert document["event"] == "ticket_issued" and document["data"]["ticket"]["id"] == ticket["id"]
    assert got.headers["X-BranchQ-Delivery"] == document["delivery_id"]
    assert "tracking_token" not in got.body.decode() and ticket["track_url"].split("=")[1] not in got.body.decode()
    delivered = client.get(f"/api/v1/branches/{branch.id}/webhook-deliveries", headers=branch.headers("manager")).json
    assert delivered[0]["status"] == "sent" and delivered[0]["response_status"] == 200


def test_a_failed_delivery_is_retried_and_holds_back_later_events_of_its_ticket(
    client, branch, deps, rx: Receiver, live_clock
):
    secret = register(client, branch, rx.url, ["ticket_issued", "ticket_called"]).json["secret"]
    rx.answers = [500]  # the receiver fails the first request
    first = issue(client, branch).json
    teller = branch.headers("teller")
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=teller).status_code == 200
    second = issue(client, branch, "B").json
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/call-next", headers=teller).json["id"] == first["id"]

    assert send_round(deps) == {"sent": 1, "failed": 1}  # first's issue failed; second's went; first's call waits
    assert send_round(deps) == {"sent": 0, "failed": 0}  # the retry is not due yet, and the call still waits
    live_clock.advance(11)
    assert send_round(deps) == {"sent": 1, "failed": 0}  # the retry of the issue, alone
    assert send_round(deps) == {"sent": 1, "failed": 0}  # only now the call

    assert all(verify(secret, r.headers, r.body, tolerance_s=60) for r in rx.requests)
    seen = [(r.json()["event"], r.json()["data"]["ticket"]["id"]) for r in rx.requests]
    assert seen == [
        ("ticket_issued", first["id"]),
        ("ticket_issued", second["id"]),
        ("ticket_issued", first["id"]),
        ("ticket_called", first["id"]),
    ]
    ids = [r.json()["delivery_id"] for r in rx.requests]
    assert ids[0] == ids[2] and len(set(ids)) == 3  # a retry keeps its delivery id (receivers drop repeats)
    listed = client.get(f"/api/v1/branches/{branch.id}/webhook-deliveries", headers=branch.headers("manager")).json
    retried = next(d for d in listed if d["delivery_id"] == ids[0])
    assert (retried["status"], retried["attempts"]) == ("sent", 2)


def test_a_delivery_that_keeps_failing_shows_as_retried_then_failed(client, branch, deps, live_clock):
    with receiver() as down:
        down.answers = [503] * 20
        register(client, branch, down.url, ["ticket_issued"])
        issue(client, branch)
        send_round(deps)
        listed = client.get(f"/api/v1/branches/{branch.id}/webhook-deliveries", headers=branch.headers("manager"))
        assert listed.json[0]["status"] == "retried" and listed.json[0]["last_error"] == "HTTP 503"
        for _ in range(12):
            live_clock.advance(3600)
            send_round(deps)
        # the service, not the route: the manager's session has expired by the time the clock got here
        final = webhooks.list_deliveries(deps, ROOT, branch.id, None)
    assert final[0]["status"] == "failed" and final[0]["attempts"] == 10
    assert len(down.requests) == 10


def test_bookings_reach_integrators_without_the_customer_s_contact_details(client, deps, clock, rx):
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai, as the booking tests
    branch = bookable.__wrapped__(deps)
    webhooks.create_endpoint(deps, ROOT, branch.id, {"url": rx.url, "events": ["appointment_booked"]}, str)
    booked = book(client, branch, "2026-11-24T10:00:00+08:00")
    assert booked.status_code == 201, booked.json
    send_round(deps)
    (got,) = rx.requests
    assert got.json()["event"] == "appointment_booked"
    assert got.json()["data"]["appointment_code"] == booked.json["code"]
    assert PHONE[-8:] not in got.body.decode() and "王小明" not in got.body.decode()


def test_settled_deliveries_are_forgotten_after_a_week(client, branch, deps, rx, live_clock):
    register(client, branch, rx.url, ["ticket_issued"])
    issue(client, branch)
    send_round(deps)
    issue(client, branch, "B")  # still pending: kept whatever its age
    live_clock.advance(6 * 86400)
    assert webhooks.prune(deps) == 0
    live_clock.advance(2 * 86400)
    assert webhooks.prune(deps) == 1
    assert [d["status"] for d in webhooks.list_deliveries(deps, ROOT, branch.id, None)] == ["pending"]


def test_the_example_in_the_openapi_document_verifies_a_real_delivery(client, branch, deps, rx, live_clock):
    spec = client.get("/api/v1/openapi.json").json
    description = spec["paths"]["/api/v1/branches/{branch_id}/webhooks"]["post"]["description"]
    example = description.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(example, namespace)  # the integrators' code, as documented
    secret = register(client, branch, rx.url, ["ticket_issued"]).json["secret"]
    issue(client, branch)
    send_round(deps)
    (got,) = rx.requests
    assert namespace["verify"](secret, got.headers, got.body) is True
    assert namespace["verify"](secret, got.headers, got.body + b" ") is False
    for path in ("/api/v1/branches/{branch_id}/remote-tickets", "/api/v1/remote-tickets/{verification_id}/verify"):
        assert path in spec["paths"]
