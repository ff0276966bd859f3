"""The walk-in journey through the JSON API, on a real database."""

from __future__ import annotations

from typing import Any

from tests.support.databases import ON_BOTH_DATABASES

# Every rule here holds on both databases.
pytestmark = ON_BOTH_DATABASES


def issue(client: Any, branch: Any, prefix: str = "A", cls: str = "regular", who: str = "kiosk") -> Any:
    return client.post(
        f"/api/v1/branches/{branch.id}/tickets",
        json={"service_id": branch.services[prefix], "customer_class": cls, "language": "en"},
        headers=branch.headers(who),
    )


def test_kiosk_issues_numbered_tickets_with_estimate_and_tracking(client, branch):
    first, second = issue(client, branch), issue(client, branch)
    assert first.status_code == 201, first.json
    assert [first.json["number"], second.json["number"]] == ["A001", "A002"]
    assert second.json["people_ahead"] == 1
    # No counter is open: no range pretending someone will call them (tests/api/test_honest_waits.py).
    assert second.json["estimated_wait"] is None
    assert second.json["track_url"].startswith(f"/track/{second.json['id']}?token=")
    other_service = issue(client, branch, "B")
    assert other_service.json["number"] == "B001"


def test_teller_calls_starts_and_finishes(client, branch):
    ticket = issue(client, branch).json
    counter = branch.counters[1]
    assert client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers()).status_code == 200
    called = client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    assert called.status_code == 200
    assert called.json["id"] == ticket["id"]
    assert called.json["status"] == "called" and called.json["counter_number"] == 1
    assert called.json["call_reason"]["code"] == "only_waiting"
    started = client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=branch.headers())
    assert started.json["status"] == "serving"
    done = client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=branch.headers())
    assert done.json["status"] == "done" and done.json["finished_at"]
    assert client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers()).status_code == 204


def test_holder_follows_ticket_with_token_only(client, branch):
    ticket = issue(client, branch).json
    token = ticket["track_url"].split("token=")[1]
    seen = client.get(f"/api/v1/tickets/{ticket['id']}?token={token}")
    assert seen.status_code == 200 and seen.json["number"] == "A001"
    assert seen.json["service"]["name"]["en"] == "Service A"
    wrong = client.get(f"/api/v1/tickets/{ticket['id']}?token=guess")
    assert wrong.status_code == 404 and wrong.json["error"]["code"] == "ticket_not_found"


def test_times_are_shown_in_the_branch_time_zone(client, branch, clock):
    ticket = issue(client, branch).json
    # the fake clock says 02:00 UTC: 10:00 in Shanghai
    assert ticket["issued_at"].startswith("2026-11-23T10:00:00") and ticket["issued_at"].endswith("+08:00")


def test_numbers_restart_on_the_next_local_business_day(client, branch, clock):
    assert issue(client, branch).json["number"] == "A001"
    clock.advance(13 * 3600)  # 23:00 Shanghai, same local day
    assert issue(client, branch).json["number"] == "A002"
    clock.advance(3600)  # 00:00 Shanghai: a new business day
    assert issue(client, branch).json["number"] == "A001"


def test_paused_or_closed_counter_calls_nothing(client, branch):
    issue(client, branch)
    counter = branch.counters[1]
    closed = client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    assert closed.status_code == 409 and closed.json["error"]["code"] == "counter_closed"
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{counter}/pause", headers=branch.headers())
    paused = client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    assert paused.status_code == 409 and paused.json["error"]["code"] == "counter_paused"


def test_counter_only_calls_services_it_serves(client, deps):
    from tests.support.builders import build_branch

    b = build_branch(deps, code="ONLYB", counters={1: "A", 2: "B"})
    issue(client, b, "B")
    client.post(f"/api/v1/counters/{b.counters[1]}/open", headers=b.headers())
    assert client.post(f"/api/v1/counters/{b.counters[1]}/call-next", headers=b.headers()).status_code == 204
    client.post(f"/api/v1/counters/{b.counters[2]}/open", headers=b.headers())
    assert client.post(f"/api/v1/counters/{b.counters[2]}/call-next", headers=b.headers()).json["number"] == "B001"


def test_transfer_keeps_arrival_and_goes_back_to_waiting(client, branch, clock):
    first = issue(client, branch, "A").json
    clock.advance(600)
    issue(client, branch, "B")
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    moved = client.post(
        f"/api/v1/tickets/{first['id']}/transfer", json={"service_id": branch.services["B"]}, headers=branch.headers()
    ).json
    assert moved["status"] == "waiting" and moved["service_id"] == branch.services["B"]
    assert moved["issued_at"] == first["issued_at"]
    # It arrived before B001, so it is first in B now.
    assert moved["people_ahead"] == 0


def test_transfer_to_a_counter_is_called_there_first(client, branch):
    a = issue(client, branch, "A").json
    issue(client, branch, "A")
    c1, c2 = branch.counters[1], branch.counters[2]
    for c in (c1, c2):
        client.post(f"/api/v1/counters/{c}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{c1}/call-next", headers=branch.headers())
    client.post(f"/api/v1/tickets/{a['id']}/transfer", json={"counter_id": c2}, headers=branch.headers())
    # Counter 1 is free again and would take A001 first by arrival, but it is reserved for counter 2.
    got = client.post(f"/api/v1/counters/{c1}/call-next", headers=branch.headers()).json
    assert got["number"] == "A002"
    at_two = client.post(f"/api/v1/counters/{c2}/call-next", headers=branch.headers()).json
    assert at_two["number"] == "A001" and at_two["call_reason"]["code"] == "transferred"


def test_out_of_order_call_is_audited(client, branch, deps):
    issue(client, branch)
    second = issue(client, branch).json
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    got = client.post(f"/api/v1/counters/{counter}/call", json={"ticket_id": second["id"]}, headers=branch.headers())
    assert got.json["number"] == "A002" and got.json["call_reason"]["code"] == "chosen_by_teller"
    with deps.store.read() as uow:
        audit = uow.audit.for_ticket(second["id"])
    assert [a["action"] for a in audit] == ["call_out_of_order"]
    assert audit[0]["actor"] == "teller-b1"


def test_recall_counts_and_no_show_ends_the_ticket(client, branch):
    ticket = issue(client, branch).json
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    recalled = client.post(f"/api/v1/tickets/{ticket['id']}/recall", headers=branch.headers()).json
    assert recalled["recall_count"] == 1 and recalled["status"] == "called"
    gone = client.post(f"/api/v1/tickets/{ticket['id']}/no-show", headers=branch.headers()).json
    assert gone["status"] == "no_show"


def test_holder_cancels_and_rates(client, branch):
    ticket = issue(client, branch).json
    token = ticket["track_url"].split("token=")[1]
    cancelled = client.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"token": token})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    served = issue(client, branch).json
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())
    client.post(f"/api/v1/tickets/{served['id']}/start", headers=branch.headers())
    client.post(f"/api/v1/tickets/{served['id']}/finish", headers=branch.headers())
    token = served["track_url"].split("token=")[1]
    rated = client.post(f"/api/v1/tickets/{served['id']}/feedback", json={"score": 5, "token": token})
    assert rated.status_code == 201 and rated.json["score"] == 5
    again = client.post(f"/api/v1/tickets/{served['id']}/feedback", json={"score": 1, "token": token})
    assert again.status_code == 409 and again.json["error"]["code"] == "feedback_exists"


def test_queue_snapshot_shows_waiting_counts_and_counters(client, branch):
    issue(client, branch, "A")
    issue(client, branch, "A")
    snap = client.get(f"/api/v1/branches/{branch.id}/queue", headers=branch.headers("display")).json
    by_prefix = {s["prefix"]: s for s in snap["services"]}
    assert by_prefix["A"]["waiting"] == 2 and by_prefix["B"]["waiting"] == 0
    assert snap["seq"] >= 2
    assert {c["number"] for c in snap["counters"]} == {1, 2}


def test_tracking_lookups_are_rate_limited_for_anonymous_clients(client, branch):
    ticket = issue(client, branch).json
    codes = [client.get(f"/api/v1/tickets/{ticket['id']}?token=guess").status_code for _ in range(125)]
    assert codes[:120] == [404] * 120
    assert codes[-1] == 429
    limited = client.get(f"/api/v1/tickets/{ticket['id']}?token=guess").json
    assert limited["error"]["code"] == "too_many_requests"
    # staff are never limited this low
    staff = client.get(f"/api/v1/tickets/{ticket['id']}", headers=branch.headers())
    assert staff.status_code == 200


def test_login_is_rate_limited(client, branch):
    codes = [
        client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"}).status_code for _ in range(11)
    ]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_a_counter_shows_the_ticket_it_has_called_until_it_is_finished(client, branch):
    ticket = issue(client, branch).json
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    assert client.get(f"/api/v1/counters/{counter}", headers=branch.headers()).json["ticket"] is None
    client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers())

    shown = client.get(f"/api/v1/counters/{counter}", headers=branch.headers()).json["ticket"]
    assert (shown["id"], shown["number"], shown["status"], shown["counter_number"]) == (
        ticket["id"],
        "A001",
        "called",
        1,
    )
    listed = client.get(f"/api/v1/branches/{branch.id}/counters", headers=branch.headers()).json
    assert [(c["number"], c["ticket"] and c["ticket"]["number"]) for c in listed] == [(1, "A001"), (2, None)]
    paused = client.post(f"/api/v1/counters/{counter}/pause", headers=branch.headers()).json
    assert paused["ticket"]["number"] == "A001"

    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=branch.headers())
    serving = client.get(f"/api/v1/counters/{counter}", headers=branch.headers()).json["ticket"]
    assert serving["status"] == "serving"
    finished = client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=branch.headers())
    assert finished.json["status"] == "done"
    assert client.get(f"/api/v1/counters/{counter}", headers=branch.headers()).json["ticket"] is None
