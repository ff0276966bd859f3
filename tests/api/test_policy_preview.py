"""The queue-policy preview: the branch's recent days (or a generated one) under the current and the proposed policy."""

from __future__ import annotations

from typing import Any

import pytest

from server.services import auth, calling, policy_preview, tickets
from server.services.auth import authenticate
from tests.support.builders import PASSWORD, BranchFixture
from tests.support.clock import FakeClock

SHORTER_VIP = {"classes": {"vip": {"target": 240, "head_start": 180, "hard_limit": 600}}}


def preview(client: Any, branch: BranchFixture, body: dict[str, Any], who: str = "manager") -> Any:
    return client.post(f"/api/v1/branches/{branch.id}/policy/preview", json=body, headers=branch.headers(who))


def by_class(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["class"]: row for row in answer["classes"]}


def test_with_no_history_a_generated_day_shows_a_shorter_vip_target_cutting_vip_waits(
    client: Any, branch: BranchFixture
) -> None:
    answer = preview(client, branch, SHORTER_VIP)
    assert answer.status_code == 200
    body = answer.json
    assert body["source"] == "generated" and body["days"] == [] and body["customers"] > 100
    vip = by_class(body)["vip"]
    assert vip["current"]["n"] == vip["proposed"]["n"] > 0  # the same customers on both sides
    assert (vip["current"]["target"], vip["proposed"]["target"]) == (600, 240)
    assert vip["proposed"]["p90"] < vip["current"]["p90"]
    assert body["proposed"]["classes"]["vip"] == {"target": 240, "head_start": 180, "hard_limit": 600}
    # nothing was saved
    stored = client.get(f"/api/v1/branches/{branch.id}/policy", headers=branch.headers("manager")).json
    assert stored["classes"]["vip"]["target"] == 600


def test_yesterdays_tickets_are_replayed_under_both_policies(
    client: Any, deps: Any, clock: FakeClock, branch: BranchFixture
) -> None:
    teller = authenticate(deps, branch.tokens["teller"])
    calling.set_counter_status(deps, teller, branch.counters[1], "open")
    for cls in ("regular", "vip", "regular", "priority", "regular"):
        tickets.issue_ticket(deps, teller, branch.id, branch.services["A"], cls)
        clock.advance(30)
    for _ in range(3):
        called = calling.call_next(deps, teller, branch.counters[1])
        tickets.change_ticket(deps, teller, called["id"], "start")
        clock.advance(240)
        tickets.change_ticket(deps, teller, called["id"], "finish")
    clock.advance(20 * 3600)  # the next business day in Shanghai
    branch.tokens["manager"] = auth.login(deps, "manager-b1", PASSWORD)["token"]

    answer = preview(client, branch, {"kind": "fifo"})
    assert answer.status_code == 200
    body = answer.json
    assert (body["source"], body["days"], body["customers"]) == ("history", ["2026-11-23"], 5)
    rows = by_class(body)
    assert sum(r["current"]["n"] for r in rows.values()) == 5  # the two never called come in the replay too
    assert (body["current"]["kind"], body["proposed"]["kind"]) == ("apq", "fifo")


def test_the_same_preview_asked_again_costs_no_second_replay(
    client: Any, branch: BranchFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    replays: list[int] = []
    real = policy_preview.engine.simulate
    monkeypatch.setattr(policy_preview.engine, "simulate", lambda *a, **k: replays.append(1) or real(*a, **k))
    body = {"classes": {"priority": {"target": 300, "head_start": 90, "hard_limit": 900}}}
    first, second = preview(client, branch, body), preview(client, branch, body)
    assert first.status_code == second.status_code == 200 and first.json == second.json
    assert len(replays) == 2  # current and proposed, once


def test_previews_beyond_the_running_limit_are_refused_with_429(client: Any, branch: BranchFixture) -> None:
    held = [policy_preview._running.acquire(blocking=False) for _ in range(policy_preview.MAX_RUNNING)]
    try:
        assert all(held)
        refused = preview(client, branch, {"classes": {"regular": {"target": 1200, "head_start": 0}}})
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
        assert refused.json["error"]["code"] == "preview_busy"
    finally:
        for _ in held:
            policy_preview._running.release()
    assert preview(client, branch, {"classes": {"regular": {"target": 1200, "head_start": 0}}}).status_code == 200


def test_bad_proposals_and_other_callers_are_refused_clearly(client: Any, deps: Any, branch: BranchFixture) -> None:
    bad = preview(client, branch, {"classes": {"vip": {"target": 0}}})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "classes.vip.target"
    assert preview(client, branch, {}, who="teller").status_code == 403
    assert preview(client, branch, {}, who="kiosk").status_code == 403


def test_a_branch_without_a_counter_has_nothing_to_preview(client: Any, deps: Any, admin_headers: Any) -> None:
    made = client.post(
        "/api/v1/branches", json={"code": "EMPTY", "name": {"zh": "空", "en": "Empty"}}, headers=admin_headers
    )
    answer = client.post(f"/api/v1/branches/{made.json['id']}/policy/preview", json={}, headers=admin_headers)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "preview_needs_counters"


def test_one_caller_gets_a_limited_number_of_replays_a_minute_but_cached_answers_stay_free(
    client: Any, branch: BranchFixture, clock: FakeClock
) -> None:
    def target(minutes: int) -> dict[str, Any]:
        return {"classes": {"regular": {"target": minutes * 60 + 7, "head_start": 7}}}  # asked by no other test

    for minutes in range(1, policy_preview.PER_CALLER_PER_MINUTE + 1):
        assert preview(client, branch, target(minutes)).status_code == 200
    refused = preview(client, branch, target(99))
    assert refused.status_code == 429 and refused.json["error"]["code"] == "too_many_previews"
    assert preview(client, branch, target(1)).status_code == 200  # asked before: answered from the cache
    assert preview(client, branch, {}, who="teller").status_code == 403
    clock.advance(60)
    assert preview(client, branch, target(99)).status_code == 200


def test_a_past_day_is_replayed_with_the_counters_that_worked_it_from_their_first_call() -> None:
    from datetime import UTC, date, datetime, timedelta

    from server.domain.records import Service
    from server.domain.statistics import TicketTimes
    from server.simulation.counters import Counter

    day, nine = date(2026, 11, 23), datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    service = Service(id=7, branch_id=1, name={"en": "A"}, prefix="A", target_wait=600, expected_service=300)
    counters = {11: Counter(1, ("A",)), 12: Counter(2, ("A",)), 13: Counter(3, ("A",))}

    def ticket(minute: int, counter: int | None, called: int | None) -> TicketTimes:
        at = nine + timedelta(minutes=minute)
        done = None if called is None else nine + timedelta(minutes=called)
        return TicketTimes(
            service_id=7, customer_class="regular", status="done" if done else "waiting", business_date=day,
            issued_at=at, anchor_at=at, called_at=done, started_at=done,
            finished_at=None if done is None else done + timedelta(minutes=4), counter_id=counter,
        )  # fmt: skip

    rows = [ticket(0, 12, 10), ticket(5, 12, 14), ticket(6, 13, 30), ticket(40, None, None)]
    (replayed,) = policy_preview._recent_days(rows, [service], counters).values()
    assert replayed.counters == [Counter(2, ("A",), open_s=600.0), Counter(3, ("A",), open_s=1800.0)]
    assert [a.arrival_s for a in replayed.arrivals] == [0.0, 300.0, 360.0, 2400.0]
