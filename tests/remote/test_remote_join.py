"""Remote join over the API, the one-time code through a real SMS gateway stand-in on 127.0.0.1."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from server.notify.senders import HttpSmsSender
from server.notify.settings import NotifySettings
from server.services import notifications, remote_messages
from tests.api.test_walk_in_flow import issue
from tests.support.databases import ON_BOTH_DATABASES
from tests.support.receiver import Receiver, receiver

PHONE = "13812345678"


@pytest.fixture
def gateway() -> Any:
    with receiver() as rx:
        yield rx


@pytest.fixture
def sms(gateway: Receiver) -> HttpSmsSender:
    settings = NotifySettings(
        channel="sms", channels=("sms",), sms_url=gateway.url, sms_auth_header="Authorization: Bearer gw-secret"
    )
    return HttpSmsSender(settings)


def ask(client: Any, branch: Any, phone: str = PHONE, prefix: str = "A", language: str = "en", **env: Any) -> Any:
    body = {"service_id": branch.services[prefix], "phone": phone, "language": language}
    return client.post(f"/api/v1/branches/{branch.id}/remote-tickets", json=body, environ_base=env)


def code_sent(deps: Any, sms: HttpSmsSender, gateway: Receiver) -> str:
    notifications.send_due(deps, sms)
    text = gateway.requests[-1].json()["text"]
    return re.search(r"\b(\d{6})\b", text).group(1)


def join(client: Any, branch: Any, deps: Any, sms: HttpSmsSender, gateway: Receiver, **kw: Any) -> dict[str, Any]:
    asked = ask(client, branch, **kw)
    assert asked.status_code == 202, asked.json
    code = code_sent(deps, sms, gateway)
    verified = client.post(f"/api/v1/remote-tickets/{asked.json['verification_id']}/verify", json={"code": code})
    assert verified.status_code == 201, verified.json
    return verified.json


def token_of(ticket: dict[str, Any]) -> str:
    return ticket["track_url"].split("token=")[1]


def call_next(client: Any, branch: Any, counter: int = 1) -> Any:
    return client.post(f"/api/v1/counters/{branch.counters[counter]}/call-next", headers=branch.headers("teller"))


def ok(response: Any) -> bool:
    return 200 <= response.status_code < 300


def serve(client: Any, branch: Any, ticket_id: int) -> bool:
    teller = branch.headers("teller")
    started = client.post(f"/api/v1/tickets/{ticket_id}/start", headers=teller)
    return ok(started) and ok(client.post(f"/api/v1/tickets/{ticket_id}/finish", headers=teller))


def open_counter(client: Any, branch: Any, counter: int = 1) -> None:
    assert ok(client.post(f"/api/v1/counters/{branch.counters[counter]}/open", headers=branch.headers("teller")))


@ON_BOTH_DATABASES
def test_the_code_goes_through_the_gateway_and_verifying_it_gives_a_held_remote_ticket(
    client, branch, deps, sms, gateway
):
    open_counter(client, branch)  # a counter serves it: the forecast gives a time to be back by
    asked = ask(client, branch)
    assert asked.status_code == 202 and set(asked.json) == {"verification_id", "expires_at"}
    code = code_sent(deps, sms, gateway)
    (sent,) = gateway.requests
    assert sent.headers["Authorization"] == "Bearer gw-secret"
    assert sent.json()["to"] == "+86" + PHONE and "valid for 10 minutes" in sent.json()["text"]
    verified = client.post(f"/api/v1/remote-tickets/{asked.json['verification_id']}/verify", json={"code": code})
    assert verified.status_code == 201, verified.json
    ticket = verified.json
    assert ticket["remote"] is True and ticket["held"] is True and ticket["status"] == "waiting"
    assert ticket["track_url"].startswith(f"/track/{ticket['id']}?token=") and ticket["come_back_by"]
    again = client.post(f"/api/v1/remote-tickets/{asked.json['verification_id']}/verify", json={"code": code})
    assert again.status_code == 409 and again.json["error"]["code"] == "code_used"


def test_wrong_codes_are_counted_and_the_fifth_ends_the_code(client, branch, deps, sms, gateway):
    verification = ask(client, branch).json["verification_id"]
    code = code_sent(deps, sms, gateway)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = client.post(f"/api/v1/remote-tickets/{verification}/verify", json={"code": wrong})
        assert response.status_code == 422 and response.json["error"]["code"] == "wrong_code"
    late = client.post(f"/api/v1/remote-tickets/{verification}/verify", json={"code": code})
    assert late.status_code == 429 and late.json["error"]["code"] == "too_many_attempts"
    assert client.post("/api/v1/remote-tickets/nope/verify", json={"code": code}).status_code == 404


@ON_BOTH_DATABASES
def test_two_verifies_of_one_code_at_once_give_one_ticket(app, branch, deps, sms, gateway):
    client = app.test_client()
    verification = ask(client, branch).json["verification_id"]
    code = code_sent(deps, sms, gateway)
    start = threading.Barrier(2)
    answers: list[Any] = []

    def verify() -> None:
        mine = app.test_client()
        start.wait()
        answers.append(mine.post(f"/api/v1/remote-tickets/{verification}/verify", json={"code": code}))

    threads = [threading.Thread(target=verify) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [201, 409]
    listed = client.get(f"/api/v1/branches/{branch.id}/tickets", headers=branch.headers("teller")).json
    assert len(listed) == 1


def test_a_daily_cap_per_phone(client, branch, deps):
    for _ in range(3):
        assert ask(client, branch).status_code == 202
    capped = ask(client, branch)
    assert capped.status_code == 429 and capped.json["error"]["code"] == "too_many_codes_phone"
    assert ask(client, branch, phone="13900000001").status_code == 202


def test_a_daily_cap_per_address_and_a_rate_limit_per_minute(client, branch, deps):
    manager = branch.headers("manager")
    patched = client.patch(
        f"/api/v1/branches/{branch.id}/remote-settings", json={"per_address_per_day": 2}, headers=manager
    )
    assert patched.status_code == 200 and patched.json["per_address_per_day"] == 2
    assert ask(client, branch, phone="13900000001").status_code == 202
    assert ask(client, branch, phone="13900000002").status_code == 202
    crowded = ask(client, branch, phone="13900000003")
    assert crowded.status_code == 429 and crowded.json["error"]["code"] == "too_many_codes_address"
    assert ask(client, branch, phone="13900000003", REMOTE_ADDR="10.1.1.1").status_code == 202
    for _ in range(2):
        ask(client, branch, phone="13900000004")
    limited = ask(client, branch, phone="13900000005")  # the sixth from this address within a minute
    assert limited.status_code == 429 and limited.json["error"]["code"] == "too_many_requests"


def test_the_per_service_cap_and_opening_hours_are_respected(client, branch, deps, sms, gateway, clock):
    manager = branch.headers("manager")
    caps = {"service_caps": {str(branch.services["A"]): 1}}
    assert ok(client.patch(f"/api/v1/branches/{branch.id}/remote-settings", json=caps, headers=manager))
    join(client, branch, deps, sms, gateway)
    full = ask(client, branch, phone="13900000009")
    assert full.status_code == 409 and full.json["error"]["code"] == "remote_service_full"
    assert ask(client, branch, phone="13900000009", prefix="B").status_code == 202
    hours = {"opening_hours": {"mon": [["09:00", "17:00"]]}}
    assert ok(client.patch(f"/api/v1/branches/{branch.id}", json=hours, headers=manager))
    clock.set(datetime(2026, 11, 29, 2, 0, tzinfo=UTC))  # a Sunday
    closed = ask(client, branch, phone="13900000008", prefix="B")
    assert closed.status_code == 409 and closed.json["error"]["code"] == "branch_closed"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service_id": 1, "phone": "12", "language": "en"}, 422, None),
        ({"service_id": 1, "phone": "not a phone", "language": "en"}, 422, "invalid_phone"),
        ({"service_id": 999, "phone": PHONE, "language": "en"}, 404, "service_not_found"),
        ({"service_id": 1, "phone": PHONE, "language": "fr"}, 422, None),
    ],
)
def test_bad_requests_get_clear_errors(client, branch, body, status, code):
    response = client.post(f"/api/v1/branches/{branch.id}/remote-tickets", json=body)
    assert response.status_code == status, response.json
    if code:
        assert response.json["error"]["code"] == code


@ON_BOTH_DATABASES
def test_a_held_ticket_steps_back_once_then_is_a_no_show(client, branch, deps, sms, gateway):
    remote = join(client, branch, deps, sms, gateway)
    walk_in = issue(client, branch).json  # after the remote ticket, same service and class
    open_counter(client, branch)
    called = call_next(client, branch)
    assert called.json["id"] == walk_in["id"]  # the remote holder is not here yet
    status = client.post(f"/api/v1/tickets/{remote['id']}/remote", json={"token": token_of(remote)}).json
    assert status["stepped_back"] is True and status["held"] is True
    assert serve(client, branch, walk_in["id"])
    assert call_next(client, branch).status_code == 204  # its turn again, still not here
    gone = client.get(f"/api/v1/tickets/{remote['id']}", headers=branch.headers("teller")).json
    assert gone["status"] == "no_show"


def test_a_held_ticket_alone_in_its_queue_is_passed_over_not_punished(client, branch, deps, sms, gateway):
    remote = join(client, branch, deps, sms, gateway)
    assert remote["come_back_by"] is None  # no counter serves it yet: no time is promised
    open_counter(client, branch)
    assert call_next(client, branch).status_code == 204
    status = client.post(f"/api/v1/tickets/{remote['id']}/remote", json={"token": token_of(remote)}).json
    assert status["stepped_back"] is False and status["held"] is True


def test_once_arrived_it_is_called_in_its_place_ahead_of_later_walk_ins(client, branch, deps, sms, gateway):
    remote = join(client, branch, deps, sms, gateway)
    walk_in = issue(client, branch).json
    here = client.post(f"/api/v1/tickets/{remote['id']}/arrived", json={"token": token_of(remote)})
    assert here.status_code == 200 and here.json["arrived"] is True and here.json["held"] is False
    open_counter(client, branch)
    assert call_next(client, branch).json["id"] == remote["id"]
    assert serve(client, branch, remote["id"])
    assert call_next(client, branch).json["id"] == walk_in["id"]
    twice = client.post(f"/api/v1/tickets/{remote['id']}/arrived", json={"token": token_of(remote)})
    assert twice.status_code == 409 and twice.json["error"]["code"] == "ticket_not_waiting"


def test_i_am_here_only_from_the_branch_wifi_when_networks_are_set_and_the_kiosk_may_check_in(
    client, branch, deps, sms, gateway
):
    manager = branch.headers("manager")
    wifi = {"arrival_networks": ["10.9.0.0/16"]}
    assert ok(client.patch(f"/api/v1/branches/{branch.id}/remote-settings", json=wifi, headers=manager))
    remote = join(client, branch, deps, sms, gateway)
    url = f"/api/v1/tickets/{remote['id']}/arrived"
    outside = client.post(url, json={"token": token_of(remote)})
    assert outside.status_code == 403 and outside.json["error"]["code"] == "not_in_branch"
    assert client.post(url, json={"token": "wrong"}).status_code == 404
    inside = client.post(url, json={"token": token_of(remote)}, environ_base={"REMOTE_ADDR": "10.9.3.4"})
    assert inside.status_code == 200 and inside.json["arrived"] is True
    other = join(client, branch, deps, sms, gateway, phone="13900000001")
    kiosk = client.post(f"/api/v1/tickets/{other['id']}/arrived", json={}, headers=branch.headers("kiosk"))
    assert kiosk.status_code == 200 and kiosk.json["arrived"] is True
    walk_in = issue(client, branch).json
    not_remote = client.post(f"/api/v1/tickets/{walk_in['id']}/arrived", json={}, headers=branch.headers("kiosk"))
    assert not_remote.status_code == 409 and not_remote.json["error"]["code"] == "not_remote"
    bad = client.patch(
        f"/api/v1/branches/{branch.id}/remote-settings", json={"arrival_networks": ["nowhere"]}, headers=manager
    )
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_setting"


def test_the_phone_hears_near_called_and_the_rating_link_in_its_language(client, branch, deps, sms, gateway):
    remote = join(client, branch, deps, sms, gateway, language="zh")
    client.post(f"/api/v1/tickets/{remote['id']}/arrived", json={"token": token_of(remote)})
    assert remote_messages.queue_ticket_messages(deps, "https://q.example.com") == 1  # 0 ahead: near
    assert remote_messages.queue_ticket_messages(deps, "https://q.example.com") == 0  # once
    open_counter(client, branch, 2)
    call_next(client, branch, 2)
    assert remote_messages.queue_ticket_messages(deps) == 1
    assert serve(client, branch, remote["id"])
    assert remote_messages.queue_ticket_messages(deps, "https://q.example.com") == 1
    notifications.send_due(deps, sms)
    texts = [r.json()["text"] for r in gateway.requests[1:]]
    number = remote["number"]
    assert texts[0].startswith("【测试支行】") and number in texts[0] and "https://q.example.com/track/" in texts[0]
    assert f"请 {number} 号到 2 号窗口办理" in texts[1]
    assert "评分" in texts[2] and f"/track/{remote['id']}?token=" in texts[2]

    listed = client.get(f"/api/v1/branches/{branch.id}/notifications", headers=branch.headers("manager")).json
    assert {n["phone"] for n in listed} == {"+86*******5678"}
    code_message = next(n for n in listed if n["kind"] == "remote_code")
    assert code_message["body"] == "******"
    figures = client.get(f"/api/v1/branches/{branch.id}/remote-figures", headers=branch.headers("manager")).json
    assert (figures["tickets"], figures["remote"], figures["remote_arrived"]) == (1, 1, 1)
    assert figures["remote_share"] == 1.0 and figures["messages"] == {"sent": 4}


def test_a_gateway_that_fails_leaves_the_code_queued_and_it_is_retried(client, branch, deps, sms, gateway, clock):
    gateway.answers = [500]
    ask(client, branch)
    assert notifications.send_due(deps, sms) == {"sent": 0, "failed": 1}
    figures = client.get(f"/api/v1/branches/{branch.id}/remote-figures", headers=branch.headers("manager")).json
    assert figures["messages"] == {"retried": 1}
    clock.advance(61)
    assert notifications.send_due(deps, sms) == {"sent": 1, "failed": 0}
    assert len(gateway.requests) == 2 and gateway.requests[0].body == gateway.requests[1].body


def test_the_door_poster_page_data_is_public(client, branch):
    data = client.get("/api/v1/join/B1").json
    assert data["id"] == branch.id and data["open_now"] is True and data["remote_join"] is True
    assert [s["prefix"] for s in data["services"]] == ["A", "B"]
    assert client.get("/api/v1/join/NOPE").status_code == 404


def test_the_kiosk_checks_a_remote_ticket_in_by_its_arrival_code(client, branch, deps, sms, gateway):
    remote = join(client, branch, deps, sms, gateway)
    status = client.post(f"/api/v1/tickets/{remote['id']}/remote", json={"token": token_of(remote)}).json
    code = status["arrival_code"]
    assert code == f"R{remote['id']}-{token_of(remote)[:6]}"
    url = f"/api/v1/branches/{branch.id}/check-in"
    forged = client.post(url, json={"code": f"R{remote['id']}-zzzzzz"}, headers=branch.headers("kiosk"))
    assert forged.status_code == 404
    assert client.post(url, json={"code": code}).status_code == 401  # only the branch's kiosk or staff
    scanned = client.post(url, json={"code": code}, headers=branch.headers("kiosk"))
    assert scanned.status_code == 201 and scanned.json["id"] == remote["id"]
    after = client.post(f"/api/v1/tickets/{remote['id']}/remote", json={"token": token_of(remote)}).json
    assert after["arrived"] is True and after["held"] is False
    open_counter(client, branch)
    assert call_next(client, branch).json["id"] == remote["id"]


def test_staff_lists_of_the_day_s_bookings_show_phones_masked(client, deps, clock):
    from tests.booking.conftest import book, bookable

    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    branch = bookable.__wrapped__(deps)
    booked = book(client, branch, "2026-11-24T10:00:00+08:00")
    assert booked.json["phone"] == "+86" + PHONE  # the holder sees their own number
    listed = client.get(
        f"/api/v1/branches/{branch.id}/appointments",
        query_string={"date": "2026-11-24"},
        headers=branch.headers("teller"),
    ).json
    assert [a["phone"] for a in listed] == ["+86*******5678"]
