"""Window screens and rating pads: devices bound to one counter of their branch."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders import build_branch
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES


def add_device(client: Any, branch: Any, body: dict[str, Any], who: str = "manager") -> Any:
    return client.post(f"/api/v1/branches/{branch.id}/devices", json=body, headers=branch.headers(who))


@pytest.mark.parametrize("kind", ["window", "rating"])
def test_a_counter_device_is_bound_to_its_counter_and_reads_the_queue(client, branch, kind):
    created = add_device(client, branch, {"kind": kind, "name": "over 1", "counter_id": branch.counters[1]})
    assert created.status_code == 201, created.json
    assert created.json["kind"] == kind and created.json["counter_id"] == branch.counters[1]
    page = {"window": "window", "rating": "rate"}[kind]  # the pages CONTRACT 1.1 names
    assert created.json["pair_url"].startswith(f"/{page}?device=")
    headers = {"Authorization": f"Bearer {created.json['token']}"}
    me = client.get("/api/v1/auth/me", headers=headers).json
    assert (me["role"], me["counter_id"]) == (kind, branch.counters[1])
    assert client.get(f"/api/v1/branches/{branch.id}/queue", headers=headers).status_code == 200
    # what it may not do: issue tickets, serve, or change the set-up
    ticket = client.post(
        f"/api/v1/branches/{branch.id}/tickets", json={"service_id": branch.services["A"]}, headers=headers
    )
    assert ticket.status_code == 403
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=headers).status_code == 403
    listed = client.get(f"/api/v1/branches/{branch.id}/devices", headers=branch.headers("manager")).json
    assert {d["kind"]: d["counter_id"] for d in listed}[kind] == branch.counters[1]


def test_a_counter_device_needs_a_counter_of_its_own_branch(client, branch, deps):
    other = build_branch(deps, code="B2")
    missing = add_device(client, branch, {"kind": "window", "name": "w"})
    assert missing.status_code == 422 and missing.json["error"]["field"] == "counter_id"
    foreign = add_device(client, branch, {"kind": "window", "name": "w", "counter_id": other.counters[1]})
    assert foreign.status_code == 404 and foreign.json["error"]["code"] == "counter_not_found"
    kiosk_with_counter = add_device(client, branch, {"kind": "kiosk", "name": "k", "counter_id": branch.counters[1]})
    assert kiosk_with_counter.status_code == 422
    assert (
        add_device(
            client, branch, {"kind": "window", "name": "w", "counter_id": branch.counters[1]}, "teller"
        ).status_code
        == 403
    )


def test_kiosks_and_displays_say_they_have_no_counter(client, branch):
    me = client.get("/api/v1/auth/me", headers=branch.headers("kiosk")).json
    assert me["role"] == "kiosk" and me["counter_id"] is None
