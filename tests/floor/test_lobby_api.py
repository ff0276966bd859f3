"""The floor manager's tablet over the JSON API: tickets on a customer's behalf, moves, all audited."""

from __future__ import annotations

from typing import Any

from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES


def on_behalf(client: Any, branch: Any, who: str = "manager", **extra: Any) -> Any:
    body = {"service_id": branch.services["A"], "customer_class": "priority", "language": "zh", "reason": "wheelchair"}
    return client.post(f"/api/v1/branches/{branch.id}/lobby/tickets", json=body | extra, headers=branch.headers(who))


def audit_actions(app: Any, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    with app.extensions["branchq"].deps.store.read() as uow:
        return [(row["action"], row["detail"]) for row in uow.audit.for_ticket(ticket_id)]


def test_a_manager_issues_a_green_channel_ticket_with_a_reason_that_is_audited(app, client, branch):
    made = on_behalf(client, branch)
    assert made.status_code == 201, made.json
    assert made.json["customer_class"] == "priority" and made.json["track_url"]
    [(action, detail)] = audit_actions(app, made.json["id"])
    assert action == "issue_on_behalf" and detail["reason"] == "wheelchair" and detail["number"] == made.json["number"]


def test_tellers_and_kiosks_may_not_issue_on_behalf_and_a_reason_is_required(client, branch):
    assert on_behalf(client, branch, "teller").status_code == 403
    assert on_behalf(client, branch, "kiosk").status_code == 403
    empty = on_behalf(client, branch, reason="")
    assert empty.status_code in (400, 422) and empty.json["error"]["field"] == "reason"


def test_a_waiting_ticket_is_moved_and_reclassed_keeping_its_arrival(app, client, branch):
    ticket = on_behalf(client, branch, customer_class="regular").json
    body = {"service_id": branch.services["B"], "customer_class": "vip", "reason": "wrong service chosen"}
    moved = client.post(f"/api/v1/tickets/{ticket['id']}/move", json=body, headers=branch.headers("manager"))
    assert moved.status_code == 200, moved.json
    assert (moved.json["service_id"], moved.json["customer_class"]) == (branch.services["B"], "vip")
    assert moved.json["issued_at"] == ticket["issued_at"]
    actions = audit_actions(app, ticket["id"])
    assert actions[-1][0] == "move" and actions[-1][1]["from_class"] == "regular"
    assert actions[-1][1]["to_service"] == branch.services["B"]


def test_only_a_waiting_ticket_moves_and_only_for_managers(client, branch):
    ticket = on_behalf(client, branch).json
    body = {"customer_class": "vip", "reason": "x"}
    assert client.post(f"/api/v1/tickets/{ticket['id']}/move", json=body, headers=branch.headers()).status_code == 403
    client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=branch.headers())
    client.post(f"/api/v1/counters/{branch.counters[1]}/call-next", headers=branch.headers())
    late = client.post(f"/api/v1/tickets/{ticket['id']}/move", json=body, headers=branch.headers("manager"))
    assert late.status_code == 409 and late.json["error"]["code"] == "ticket_not_waiting"
    manager = branch.headers("manager")
    nothing = client.post(f"/api/v1/tickets/{ticket['id']}/move", json={"reason": "x"}, headers=manager)
    assert nothing.status_code == 422
