"""Waits told to customers come from the branch's forecast: "now", honest ranges, none without a counter."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from server.services import auth, calling, tickets
from server.services.auth import authenticate
from server.services.forecasting import ISSUE_MAX_AGE_S, MAX_AGE_S
from server.services.views import wait_label
from server.web.holders import HolderUpdates
from tests.support.builders import PASSWORD, BranchFixture, build_branch
from tests.support.clock import FakeClock
from tests.support.databases import ON_BOTH_DATABASES
from tests.support.languages import in_languages

pytestmark = ON_BOTH_DATABASES


def issue(client: Any, branch: BranchFixture, prefix: str = "A") -> dict[str, Any]:
    response = client.post(
        f"/api/v1/branches/{branch.id}/tickets", json={"service_id": branch.services[prefix]}, headers=branch.headers()
    )
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def open_counter(client: Any, branch: BranchFixture, number: int = 1) -> None:
    response = client.post(f"/api/v1/counters/{branch.counters[number]}/open", headers=branch.headers())
    assert response.status_code == 200


def test_nobody_ahead_and_a_free_counter_says_now(client: Any, branch: BranchFixture) -> None:
    open_counter(client, branch)
    ticket = issue(client, branch)
    assert ticket["people_ahead"] == 0
    wait = ticket["estimated_wait"]
    assert {k: v for k, v in wait.items() if k != "label"} == {"p10": 0, "p50": 0, "p90": 0, "now": True}
    assert in_languages(wait["label"], "zh", "en", "yue") == {"zh": "现在", "en": "now", "yue": "而家"}
    assert ticket["turn_near"] is True


def test_behind_the_customer_at_the_counter_a_range_and_its_label(
    client: Any, branch: BranchFixture, clock: FakeClock
) -> None:
    open_counter(client, branch)
    issue(client, branch)
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/call-next", headers=branch.headers()).status_code == 200
    # a kiosk takes a forecast up to ISSUE_MAX_AGE_S old; past that the issue makes a fresh one
    clock.advance(ISSUE_MAX_AGE_S + 1)
    ticket = issue(client, branch)
    wait = ticket["estimated_wait"]
    assert wait["now"] is False
    assert 0 < wait["p10"] < wait["p50"] < wait["p90"]
    assert wait["label"] == wait_label(wait["p10"], wait["p90"])
    # The same range from the tracking page's read.
    token = ticket["track_url"].split("token=")[1]
    again = client.get(f"/api/v1/tickets/{ticket['id']}?token={token}").json
    assert again["estimated_wait"] == wait


def test_a_service_no_open_counter_serves_gets_no_range(client: Any, deps: Any) -> None:
    branch = build_branch(deps, services={"A": {}, "B": {}, "C": {}}, counters={1: "AB"})
    open_counter(client, branch)
    ticket = issue(client, branch, "C")
    assert ticket["estimated_wait"] is None and ticket["turn_near"] is False
    queue = client.get(f"/api/v1/branches/{branch.id}/queue", headers=branch.headers("display")).json
    waits = {s["prefix"]: s["estimated_wait"] for s in queue["services"]}
    assert waits["C"] is None
    assert waits["A"]["now"] is True and in_languages(waits["A"]["label"], "zh", "en") == {"zh": "现在", "en": "now"}


def test_service_times_are_learned_from_the_branch_history(
    client: Any, deps: Any, clock: FakeClock, branch: BranchFixture
) -> None:
    # Yesterday service A took 20 minutes a customer at this branch; the other branch has no history.
    teller = authenticate(deps, branch.tokens["teller"])
    calling.set_counter_status(deps, teller, branch.counters[1], "open")
    for _ in range(20):
        tickets.issue_ticket(deps, teller, branch.id, branch.services["A"])
        called = calling.call_next(deps, teller, branch.counters[1])
        assert called is not None
        tickets.change_ticket(deps, teller, called["id"], "start")
        clock.advance(1200)
        tickets.change_ticket(deps, teller, called["id"], "finish")
    clock.advance(24 * 3600)
    branch.tokens["teller"] = auth.login(deps, "teller-b1", PASSWORD)["token"]  # the old one expired
    fresh = build_branch(deps, code="B2")

    def wait_behind_one(b: BranchFixture) -> int:
        open_counter(client, b)
        issue(client, b)
        assert client.post(f"/api/v1/counters/{b.counters[1]}/call-next", headers=b.headers()).status_code == 200
        return int(issue(client, b)["estimated_wait"]["p50"])

    learned, prior = wait_behind_one(branch), wait_behind_one(fresh)
    # Prior alone: the configured 5 minutes; learned: 20 tickets of 20 minutes against 20 of 5.
    assert prior < 360 < 2 * prior < learned


def test_a_burst_of_tickets_takes_the_recent_forecast_of_a_ticket_issued_now(
    client: Any, branch: BranchFixture, clock: FakeClock
) -> None:
    """Kiosks never wait for the forecast's runs while tickets pour in: within ISSUE_MAX_AGE_S
    of a forecast, a new ticket is told what it said of a ticket issued now."""
    open_counter(client, branch)
    first = issue(client, branch)
    clock.advance(1)
    burst = [issue(client, branch) for _ in range(5)]
    assert {str(t["estimated_wait"]) for t in burst} == {str(burst[0]["estimated_wait"])}
    clock.advance(ISSUE_MAX_AGE_S + 1)
    later = issue(client, branch)  # a fresh forecast: seven ahead of it now, not one
    assert later["estimated_wait"]["p50"] > burst[0]["estimated_wait"]["p50"]
    assert first["estimated_wait"]["now"] is True


def test_an_unchanged_branch_is_read_once_per_window_not_per_ticket(
    client: Any, branch: BranchFixture, clock: FakeClock, monkeypatch: Any
) -> None:
    """With no counter open the state the forecast starts from does not change as tickets come:
    once it has been read again and found the same, the next kiosks take the forecast as it is."""
    from server.services import forecasting

    reads: list[int] = []
    real = forecasting.read_state
    monkeypatch.setattr(forecasting, "read_state", lambda *a: reads.append(1) or real(*a))
    issue(client, branch)
    clock.advance(ISSUE_MAX_AGE_S + 1)
    for _ in range(10):
        issue(client, branch)
    assert len(reads) == 2, "the state was read again for every ticket"


def test_tracking_pages_of_a_branch_at_rest_read_its_state_once(
    client: Any, deps: Any, branch: BranchFixture, clock: FakeClock, monkeypatch: Any
) -> None:
    """A pass over a branch's phones asks for the forecast once per page: while the branch's
    seq stands still the state is not read again, and the moment it moves it is."""
    from server.services import forecasting

    reads: list[int] = []
    real = forecasting.read_state
    monkeypatch.setattr(forecasting, "read_state", lambda uow, b, now: reads.append(b.id) or real(uow, b, now))
    open_counter(client, branch)
    held = [issue(client, branch) for _ in range(3)]
    clock.advance(1)
    reads.clear()
    pages = [tickets.get_ticket(deps, None, t["id"], t["track_url"].split("token=")[1]) for t in held]
    assert len(reads) == 1, "the first page reads the state, the others see the seq unmoved"
    assert [p["people_ahead"] for p in pages] == [0, 1, 2]
    issue(client, branch)  # the seq moves: the next page's forecast starts from the new state
    clock.advance(1)
    tickets.get_ticket(deps, None, held[0]["id"], held[0]["track_url"].split("token=")[1])
    assert len(reads) == 2
    clock.advance(forecasting.MAX_AGE_S)  # and at rest, no older than MAX_AGE_S
    tickets.get_ticket(deps, None, held[0]["id"], held[0]["track_url"].split("token=")[1])
    assert len(reads) == 3


def _holder_updates(deps: Any, sent: list[dict[str, Any]]) -> Any:
    socketio = SimpleNamespace(emit=lambda name, data, to: sent.append(data["ticket"]), sleep=lambda _: None)
    return HolderUpdates(SimpleNamespace(deps=deps, socketio=socketio), SimpleNamespace())


def _seq(deps: Any, branch: BranchFixture) -> int:
    with deps.store.read() as uow:
        return int(uow.branches.seq(branch.id))


def test_a_pass_over_a_busy_branchs_phones_runs_the_forecast_once_not_after_every_call(
    client: Any, deps: Any, branch: BranchFixture, clock: FakeClock, monkeypatch: Any
) -> None:
    """A pass reads the branch's seq once; changes between its pages each moved the seq, and
    each next page ran the forecast again (13 ms of CPU each with 400 waiting, every 40 ms
    in the holders bench while a teller called)."""
    from server.services import forecasting

    runs: list[int] = []
    real = forecasting.forecast
    monkeypatch.setattr(forecasting, "forecast", lambda *a, **k: runs.append(1) or real(*a, **k))
    open_counter(client, branch)
    held = [issue(client, branch) for _ in range(6)]
    clock.advance(1)
    runs.clear()
    sent: list[dict[str, Any]] = []
    updates = _holder_updates(deps, sent)
    pass_seq = _seq(deps, branch)
    for ticket in held[2:]:
        updates.push_now(ticket["id"], pass_seq)
        issue(client, branch)  # the branch moves before the next page is read
        clock.advance(0.1)
    assert len(runs) == 1, "the forecast ran again for every page after a change"
    assert [t["people_ahead"] for t in sent] == [2, 3, 4, 5], "positions are read as they are"
    assert all(t["estimated_wait"] is not None for t in sent)


def test_a_page_read_after_a_change_in_its_pass_is_read_again_on_the_next(
    client: Any, deps: Any, branch: BranchFixture, clock: FakeClock
) -> None:
    """Its estimate came from the forecast of the pass's start: the page is not taken as up to
    date with the change, and the next pass reads it with a forecast made after it."""
    open_counter(client, branch)
    first, second = issue(client, branch), issue(client, branch)
    sent: list[dict[str, Any]] = []
    updates = _holder_updates(deps, sent)
    clock.advance(1)
    start = _seq(deps, branch)
    updates.push_now(first["id"], start)  # the forecast is made at the pass's seq
    issue(client, branch)
    updates.push_now(second["id"], start)  # the same forecast, from before the new ticket
    now = _seq(deps, branch)
    assert now > start
    assert updates.due([first["id"], second["id"]], {branch.id: now}, full=False) == [
        (first["id"], now),
        (second["id"], now),
    ]
    updates.push_now(second["id"], now)  # the next pass
    assert deps.forecasts.known_since(branch.id, now, clock())
    assert updates.due([second["id"]], {branch.id: now}, full=False) == []
    clock.advance(MAX_AGE_S)
    assert not deps.forecasts.known_since(branch.id, now, clock()), "at rest, no older than MAX_AGE_S"
