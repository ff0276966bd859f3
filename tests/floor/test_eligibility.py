"""Who may take a VIP or green-channel ticket: a branch rule the server holds kiosks to."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests.support.builders import build_branch
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES
PHONE = "138 1234 5678"


def issue(client: Any, branch: Any, cls: str, who: str = "kiosk", number: str | None = None) -> Any:
    body: dict[str, Any] = {"service_id": branch.services["A"], "customer_class": cls}
    if number is not None:
        body["eligibility_number"] = number
    return client.post(f"/api/v1/branches/{branch.id}/tickets", json=body, headers=branch.headers(who))


def set_rules(client: Any, branch: Any, rules: dict[str, str], who: str = "manager") -> Any:
    return client.put(f"/api/v1/branches/{branch.id}/eligibility/rules", json=rules, headers=branch.headers(who))


def add_entry(client: Any, branch: Any, body: dict[str, Any], who: str = "manager") -> Any:
    return client.post(f"/api/v1/branches/{branch.id}/eligibility/entries", json=body, headers=branch.headers(who))


def test_by_default_anyone_at_the_kiosk_takes_any_class(client, branch):
    assert client.get(f"/api/v1/branches/{branch.id}/eligibility", headers=branch.headers("manager")).json["rules"] == {
        "vip": "anyone",
        "priority": "anyone",
    }
    assert issue(client, branch, "vip").status_code == 201
    assert issue(client, branch, "priority").status_code == 201


def test_staff_only_refuses_the_kiosk_token_but_not_the_counter(client, branch):
    assert set_rules(client, branch, {"vip": "staff", "priority": "staff"}).json == {
        "vip": "staff",
        "priority": "staff",
    }
    refused = issue(client, branch, "priority")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "class_staff_only"
    assert issue(client, branch, "vip").json["error"]["code"] == "class_staff_only"
    assert issue(client, branch, "regular").status_code == 201  # the rule is for the gated classes only
    assert issue(client, branch, "priority", who="teller").status_code == 201
    kiosk_view = client.get(f"/api/v1/branches/{branch.id}", headers=branch.headers("kiosk")).json
    assert kiosk_view["settings"]["eligibility"]["priority"] == "staff"  # the kiosk learns to hide the button


def test_verified_needs_a_listed_number_for_that_class(client, branch):
    set_rules(client, branch, {"vip": "verified"})
    entry = add_entry(client, branch, {"number": PHONE, "kind": "phone", "classes": ["vip"], "note": "private banking"})
    assert entry.status_code == 201, entry.json
    assert entry.json["masked"] == "138****5678" and "number" not in entry.json
    assert issue(client, branch, "vip").json["error"]["code"] == "eligibility_required"
    assert issue(client, branch, "vip", number="13900000000").json["error"]["code"] == "not_eligible"
    # typed with +86 or scanned as bare digits: the same number
    assert issue(client, branch, "vip", number="+86 13812345678").status_code == 201
    assert issue(client, branch, "vip", number="13812345678").status_code == 201
    assert issue(client, branch, "priority").status_code == 201  # still "anyone"


def test_a_number_listed_for_one_class_does_not_open_the_other(client, branch):
    set_rules(client, branch, {"vip": "verified", "priority": "verified"})
    add_entry(client, branch, {"number": "6222 0000 1111 2222", "kind": "card", "classes": ["priority"]})
    assert issue(client, branch, "priority", number="6222000011112222").status_code == 201
    assert issue(client, branch, "vip", number="6222000011112222").json["error"]["code"] == "not_eligible"


def test_the_list_keeps_no_number_only_a_keyed_digest(client, branch, app):
    add_entry(client, branch, {"number": PHONE, "classes": ["vip"]})
    engine = app.extensions["branchq"].deps.store.engine  # read back what the database holds
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT digest, masked FROM eligibility_entry"))]
    assert len(rows) == 1 and "12345678" not in "".join(rows[0]) and len(rows[0][0]) == 64


def test_only_the_branchs_manager_keeps_the_list(client, branch, deps):
    other = build_branch(deps, code="B2")
    for who in ("teller", "kiosk", "display"):
        assert set_rules(client, branch, {"vip": "anyone"}, who).status_code == 403
        assert add_entry(client, branch, {"number": PHONE, "classes": ["vip"]}, who).status_code == 403
        assert client.get(f"/api/v1/branches/{branch.id}/eligibility", headers=branch.headers(who)).status_code == 403
    foreign = client.post(
        f"/api/v1/branches/{branch.id}/eligibility/entries",
        json={"number": PHONE, "classes": ["vip"]},
        headers=other.headers("manager"),
    )
    assert foreign.status_code == 403
    entry = add_entry(client, branch, {"number": PHONE, "classes": ["vip"]}).json
    path = f"/api/v1/branches/{other.id}/eligibility/entries/{entry['id']}"
    assert client.delete(path, headers=other.headers("manager")).status_code == 404  # not in that branch
    mine = f"/api/v1/branches/{branch.id}/eligibility/entries/{entry['id']}"
    assert client.delete(mine, headers=branch.headers("manager")).status_code == 204
    assert (
        client.get(f"/api/v1/branches/{branch.id}/eligibility", headers=branch.headers("manager")).json["entries"] == []
    )


@pytest.mark.parametrize(
    "body",
    [
        {"number": "12", "classes": ["vip"]},
        {"number": "abc", "classes": ["vip"]},
        {"number": PHONE, "classes": []},
        {"number": PHONE, "classes": ["regular"]},
        {"number": PHONE, "classes": ["vip"], "kind": "passport"},
    ],
)
def test_bad_entries_are_refused_with_a_field(client, branch, body):
    response = add_entry(client, branch, body)
    assert response.status_code in (400, 422) and response.json["error"]["field"], response.json


def test_a_bad_rule_is_refused(client, branch):
    response = set_rules(client, branch, {"vip": "everyone"})
    assert response.status_code == 422 and response.json["error"]["field"] == "vip"
