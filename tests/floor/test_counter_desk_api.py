"""The counter desk over the JSON API: rating pads, pause reasons, the recall limit, who waits, the teller's day."""

from __future__ import annotations

from typing import Any

from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES


def issue(client: Any, branch: Any, prefix: str = "A", cls: str = "regular") -> dict[str, Any]:
    body = {"service_id": branch.services[prefix], "customer_class": cls, "language": "en"}
    response = client.post(f"/api/v1/branches/{branch.id}/tickets", json=body, headers=branch.headers("kiosk"))
    assert response.status_code == 201, response.json
    return dict(response.json)


def serve(client: Any, branch: Any, counter: int = 1, clock: Any = None, seconds: int = 0) -> dict[str, Any]:
    teller = branch.headers()
    client.post(f"/api/v1/counters/{branch.counters[counter]}/open", headers=teller)
    called = client.post(f"/api/v1/counters/{branch.counters[counter]}/call-next", headers=teller).json
    client.post(f"/api/v1/tickets/{called['id']}/start", headers=teller)
    if clock is not None:
        clock.advance(seconds)
    done = client.post(f"/api/v1/tickets/{called['id']}/finish", headers=teller)
    assert done.status_code == 200, done.json
    return dict(done.json)


def rating_pad(client: Any, branch: Any, counter: int = 1) -> dict[str, str]:
    body = {"kind": "rating", "name": f"pad {counter}", "counter_id": branch.counters[counter]}
    made = client.post(f"/api/v1/branches/{branch.id}/devices", json=body, headers=branch.headers("manager"))
    assert made.status_code == 201, made.json
    assert made.json["counter_id"] == branch.counters[counter] and made.json["pair_url"].startswith("/rate?device=")
    return {"Authorization": f"Bearer {made.json['token']}"}


def test_a_rating_pad_needs_a_counter_of_its_own_branch(client, branch):
    body = {"kind": "rating", "name": "pad"}
    no_counter = client.post(f"/api/v1/branches/{branch.id}/devices", json=body, headers=branch.headers("manager"))
    assert no_counter.status_code == 422 and no_counter.json["error"]["field"] == "counter_id"


def test_the_pad_asks_about_its_counters_last_ticket_and_a_low_score_alerts_the_manager(client, branch, clock):
    pad = rating_pad(client, branch)
    assert client.get("/api/v1/rating-pad", headers=pad).json["ticket"] is None  # idle
    issue(client, branch)
    done = serve(client, branch)
    state = client.get("/api/v1/rating-pad", headers=pad).json
    assert state["ticket"]["id"] == done["id"] and state["counter"]["number"] == 1
    rated = client.post(f"/api/v1/tickets/{done['id']}/feedback", json={"score": 2, "comment": "slow"}, headers=pad)
    assert rated.status_code == 201 and rated.json["score"] == 2
    assert client.get("/api/v1/rating-pad", headers=pad).json["ticket"] is None
    alerts = client.get(f"/api/v1/branches/{branch.id}/alerts", headers=branch.headers("manager")).json
    low = [a for a in alerts if a["kind"] == "low_feedback"]
    assert len(low) == 1 and low[0]["subject"] == {"ticket_id": done["id"]} and "2/5" in low[0]["message"]["en"]
    stats_teller = client.get(f"/api/v1/branches/{branch.id}/my-day", headers=branch.headers()).json
    assert stats_teller["feedback_count"] == 1 and stats_teller["feedback_mean"] == 2


def test_a_good_score_raises_nothing_and_the_pad_goes_idle_after_its_window(client, branch, clock):
    pad = rating_pad(client, branch)
    issue(client, branch)
    issue(client, branch)
    first = serve(client, branch)
    clock.advance(121)
    assert client.get("/api/v1/rating-pad", headers=pad).json["ticket"] is None
    late = client.post(f"/api/v1/tickets/{first['id']}/feedback", json={"score": 5}, headers=pad)
    assert late.status_code == 409 and late.json["error"]["code"] == "rating_closed"
    second = serve(client, branch)
    assert client.post(f"/api/v1/tickets/{second['id']}/feedback", json={"score": 4}, headers=pad).status_code == 201
    alerts = client.get(f"/api/v1/branches/{branch.id}/alerts", headers=branch.headers("manager")).json
    assert [a for a in alerts if a["kind"] == "low_feedback"] == []


def test_a_pad_cannot_rate_another_counters_ticket_and_a_teller_cannot_rate_at_all(client, branch):
    pad_two = rating_pad(client, branch, 2)
    issue(client, branch)
    done = serve(client, branch, 1)
    other = client.post(f"/api/v1/tickets/{done['id']}/feedback", json={"score": 1}, headers=pad_two)
    assert other.status_code == 403 and other.json["error"]["code"] == "not_this_counter"
    teller = client.post(f"/api/v1/tickets/{done['id']}/feedback", json={"score": 5}, headers=branch.headers())
    assert teller.status_code == 403


def test_a_counter_pauses_with_a_reason_that_screens_see(client, branch):
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    paused = client.post(f"/api/v1/counters/{counter}/pause", json={"reason": "training"}, headers=branch.headers())
    assert paused.status_code == 200 and paused.json["pause_reason"] == "training"
    queue = client.get(f"/api/v1/branches/{branch.id}/queue", headers=branch.headers("display")).json
    assert [c["pause_reason"] for c in queue["counters"] if c["id"] == counter] == ["training"]
    bad = client.post(f"/api/v1/counters/{counter}/pause", json={"reason": "nap"}, headers=branch.headers())
    assert bad.status_code in (400, 422) and bad.json["error"]["field"] == "reason"
    reopened = client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    assert reopened.json["pause_reason"] is None


def test_recalls_stop_at_the_branch_limit_and_the_ticket_can_then_be_marked_no_show(client, branch, admin_headers):
    client.patch(f"/api/v1/branches/{branch.id}", json={"settings": {"recall_limit": 2}}, headers=admin_headers)
    issue(client, branch)
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    called = client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers()).json
    for _ in range(2):
        assert client.post(f"/api/v1/tickets/{called['id']}/recall", headers=branch.headers()).status_code == 200
    third = client.post(f"/api/v1/tickets/{called['id']}/recall", headers=branch.headers())
    assert third.status_code == 409 and third.json["error"]["code"] == "recall_limit"
    gone = client.post(f"/api/v1/tickets/{called['id']}/no-show", headers=branch.headers())
    assert gone.json["status"] == "no_show"


def test_the_waiting_list_shows_this_counters_services_with_class_wait_and_booking(client, branch, clock):
    a = issue(client, branch, "A", "vip")
    clock.advance(60)
    b = issue(client, branch, "B")
    rows = client.get(f"/api/v1/counters/{branch.counters[1]}/waiting", headers=branch.headers()).json
    assert [(r["number"], r["customer_class"], r["booked"]) for r in rows] == [
        (a["number"], "vip", False),
        (b["number"], "regular", False),
    ]
    assert rows[0]["waited_s"] == 60 and rows[1]["waited_s"] == 0
    other = client.get(f"/api/v1/counters/{branch.counters[1]}/waiting", headers=branch.headers("kiosk"))
    assert other.status_code == 403


def test_the_tellers_day_counts_served_no_shows_and_service_time_from_the_tickets(client, branch, clock):
    issue(client, branch)
    issue(client, branch)
    serve(client, branch, 1, clock, 240)
    called = client.post(f"/api/v1/counters/{branch.counters[1]}/call-next", headers=branch.headers()).json
    client.post(f"/api/v1/tickets/{called['id']}/no-show", headers=branch.headers())
    day = client.get(f"/api/v1/branches/{branch.id}/my-day", headers=branch.headers()).json
    assert (day["served"], day["no_show"], day["mean_service_s"]) == (1, 1, 240)
    manager_day = client.get(f"/api/v1/branches/{branch.id}/my-day", headers=branch.headers("manager")).json
    assert manager_day["served"] == 0


def test_the_holder_cannot_cancel_once_called(client, branch):
    ticket = issue(client, branch)
    token = ticket["track_url"].split("token=")[1]
    client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{branch.counters[1]}/call-next", headers=branch.headers())
    refused = client.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"token": token})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "ticket_called"
    assert client.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={}, headers=branch.headers()).status_code == 200


def test_no_turn_near_while_no_open_counter_serves_the_ticket(client, branch):
    ticket = issue(client, branch)
    token = ticket["track_url"].split("token=")[1]
    client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=branch.headers())
    near = client.get(f"/api/v1/tickets/{ticket['id']}", query_string={"token": token}).json
    assert near["turn_near"] is True
    client.post(f"/api/v1/counters/{branch.counters[1]}/close", headers=branch.headers())
    closed = client.get(f"/api/v1/tickets/{ticket['id']}", query_string={"token": token}).json
    assert closed["turn_near"] is False and closed["estimated_wait"] is None


def test_a_rating_pad_may_only_read_the_queue_and_rate_its_counters_ticket(client, branch):
    pad = rating_pad(client, branch)
    ticket = issue(client, branch)
    b, c, t = branch.id, branch.counters[1], ticket["id"]
    refused = [
        ("POST", f"/api/v1/branches/{b}/tickets", {"service_id": branch.services["A"]}),
        ("GET", f"/api/v1/branches/{b}/tickets", None),
        ("POST", f"/api/v1/counters/{c}/open", None),
        ("POST", f"/api/v1/counters/{c}/call-next", None),
        ("POST", f"/api/v1/tickets/{t}/cancel", {}),
        ("GET", f"/api/v1/tickets/{t}", None),
        ("GET", f"/api/v1/counters/{c}/waiting", None),
        ("GET", f"/api/v1/branches/{b}/my-day", None),
        ("POST", f"/api/v1/branches/{b}/lobby/tickets", {"service_id": branch.services["A"], "reason": "x"}),
        ("POST", f"/api/v1/tickets/{t}/move", {"customer_class": "vip", "reason": "x"}),
        ("GET", f"/api/v1/branches/{b}/alerts", None),
        ("POST", f"/api/v1/branches/{b}/devices", {"kind": "kiosk", "name": "x"}),
    ]
    for method, url, body in refused:
        assert client.open(url, method=method, json=body, headers=pad).status_code == 403, (method, url)
    assert client.get(f"/api/v1/branches/{b}/queue", headers=pad).status_code == 200  # what a display sees
    assert client.get("/api/v1/rating-pad", headers=pad).status_code == 200
