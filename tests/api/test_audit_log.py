"""Every staff action that changes who is served when is in the audit log: who, when, what it
changed from and to, written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from tests.api.test_walk_in_flow import issue


def audit_log(deps: Any, branch_id: int) -> list[tuple[str, str, Any, dict[str, Any], int | None]]:
    with deps.store.read() as uow:
        rows = uow.audit.for_branch(branch_id)
    return [(r["action"], r["actor"], r["at"], r["detail"], r["ticket_id"]) for r in rows]


def test_no_show_recall_cancel_and_counter_status_are_audited_with_who_and_when(client, branch, deps, clock):
    first, second = issue(client, branch).json, issue(client, branch).json
    counter = branch.counters[1]
    teller = branch.headers("teller")
    opened_at = clock.advance(10)
    assert client.post(f"/api/v1/counters/{counter}/open", headers=teller).status_code == 200
    client.post(f"/api/v1/counters/{counter}/call-next", headers=teller)
    recalled_at = clock.advance(30)
    assert client.post(f"/api/v1/tickets/{first['id']}/recall", headers=teller).status_code == 200
    no_show_at = clock.advance(60)
    assert client.post(f"/api/v1/tickets/{first['id']}/no-show", headers=teller).status_code == 200
    cancelled_at = clock.advance(5)
    assert client.post(f"/api/v1/tickets/{second['id']}/cancel", json={}, headers=teller).status_code == 200
    paused_at = clock.advance(5)
    assert client.post(f"/api/v1/counters/{counter}/pause", headers=teller).status_code == 200

    assert audit_log(deps, branch.id) == [
        (
            "counter_status",
            "teller-b1",
            opened_at,
            {"counter_id": counter, "number": 1, "from": "closed", "to": "open"},
            None,
        ),
        (
            "recall",
            "teller-b1",
            recalled_at,
            {"number": "A001", "from_status": "called", "counter_id": counter},
            first["id"],
        ),
        (
            "no_show",
            "teller-b1",
            no_show_at,
            {"number": "A001", "from_status": "called", "counter_id": counter},
            first["id"],
        ),
        (
            "cancel",
            "teller-b1",
            cancelled_at,
            {"number": "A002", "from_status": "waiting", "counter_id": None},
            second["id"],
        ),
        (
            "counter_status",
            "teller-b1",
            paused_at,
            {"counter_id": counter, "number": 1, "from": "open", "to": "paused"},
            None,
        ),
    ]


def test_a_holder_cancelling_their_own_ticket_is_not_a_staff_decision(client, branch, deps):
    ticket = issue(client, branch).json
    token = ticket["track_url"].split("token=")[1]
    assert client.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"token": token}).status_code == 200
    assert audit_log(deps, branch.id) == []


def test_policy_counter_and_service_changes_are_audited_with_before_and_after(client, branch, deps, clock):
    manager = branch.headers("manager")
    before = client.get(f"/api/v1/branches/{branch.id}/policy", headers=manager).json
    at = clock.advance(1)
    r = client.put(f"/api/v1/branches/{branch.id}/policy", json=before | {"kind": "fifo"}, headers=manager)
    assert r.status_code == 200, r.json
    counter, service = branch.counters[1], branch.services["A"]
    r = client.patch(f"/api/v1/counters/{counter}", json={"service_ids": [service]}, headers=manager)
    assert r.status_code == 200, r.json
    r = client.patch(f"/api/v1/services/{service}", json={"active": False}, headers=manager)
    assert r.status_code == 200, r.json

    log = audit_log(deps, branch.id)
    assert [(action, actor, when) for action, actor, when, _d, _t in log] == [
        ("policy_change", "manager-b1", at),
        ("counter_change", "manager-b1", at),
        ("service_change", "manager-b1", at),
    ]
    assert log[0][3] == {"from": before, "to": before | {"kind": "fifo"}}
    assert log[1][3] == {
        "counter_id": counter,
        "from": {"service_ids": [branch.services["A"], branch.services["B"]]},
        "to": {"service_ids": [service]},
    }
    assert log[2][3] == {"service_id": service, "from": {"active": True}, "to": {"active": False}}
