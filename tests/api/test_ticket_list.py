"""Staff look up today's tickets: by number for "call a specific number", by status for lists."""

from __future__ import annotations

from typing import Any

from server.services import auth
from tests.api.test_walk_in_flow import issue
from tests.support.builders import PASSWORD


def tickets(client: Any, branch: Any, who: str = "teller", **query: Any) -> Any:
    return client.get(f"/api/v1/branches/{branch.id}/tickets", query_string=query, headers=branch.headers(who))


def test_a_teller_finds_a_waiting_ticket_by_its_number_and_calls_it(client, branch):
    issue(client, branch)
    wanted = issue(client, branch).json
    found = tickets(client, branch, status="waiting", number="a002")
    assert found.status_code == 200, found.json
    [row] = found.json
    assert row["id"] == wanted["id"] and row["number"] == "A002" and "track_url" not in row
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    called = client.post(f"/api/v1/counters/{counter}/call", json={"ticket_id": row["id"]}, headers=branch.headers())
    assert called.status_code == 200 and called.json["number"] == "A002"
    assert tickets(client, branch, status="waiting", number="A002").json == []
    [now_called] = tickets(client, branch, status="called").json
    assert now_called["counter_number"] == 1


def test_the_list_is_todays_in_issue_order_and_filters_by_service(client, deps, branch, clock):
    issue(client, branch)
    clock.advance(14 * 3600)  # 00:00 in Shanghai, the next business day: yesterday's A001 is not listed
    branch.tokens["teller"] = auth.login(deps, "teller-b1", PASSWORD)["token"]  # a new shift, a new login
    numbers = [issue(client, branch, prefix).json["number"] for prefix in "ABA"]
    assert [t["number"] for t in tickets(client, branch).json] == numbers == ["A001", "B001", "A002"]
    assert [t["number"] for t in tickets(client, branch, service_id=branch.services["B"]).json] == ["B001"]
    assert [t["number"] for t in tickets(client, branch, limit=1).json] == ["A001"]


def test_only_staff_of_the_branch_may_list_and_bad_filters_are_refused(client, branch):
    assert tickets(client, branch, who="kiosk").status_code == 403
    assert client.get(f"/api/v1/branches/{branch.id}/tickets").status_code == 401
    assert tickets(client, branch, status="lost").status_code in (400, 422)
    assert tickets(client, branch, number="017").status_code in (400, 422)
    assert tickets(client, branch, limit=0).status_code in (400, 422)
