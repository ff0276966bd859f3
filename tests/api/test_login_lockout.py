"""Guessing passwords: login is always rate limited per address, and a login name is locked
after five failures in a row, whichever addresses they come from; a lock never tells whether
the name exists."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders import PASSWORD, BranchFixture
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES

LOGIN = "/api/v1/auth/login"


def attempt(client: Any, username: str, password: str, address: str = "127.0.0.1", **headers: str) -> Any:
    return client.post(
        LOGIN, json={"username": username, "password": password}, headers=headers, environ_base={"REMOTE_ADDR": address}
    )


def answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json


def addresses(count: int) -> list[str]:
    """As many different client addresses: the per-address limit never comes into play."""
    return [f"10.{i // 65536}.{i // 256 % 256}.{i % 256}" for i in range(1, count + 1)]


def test_a_made_up_bearer_token_does_not_lift_the_login_limit(client, branch):
    codes = [attempt(client, "teller-b1", f"guess-{i}", Authorization="Bearer x").status_code for i in range(11)]
    assert codes == [401] * 10 + [429]


def test_a_made_up_bearer_token_does_not_lift_the_tracking_limit(client, branch):
    ticket = client.post(
        f"/api/v1/branches/{branch.id}/tickets",
        json={"service_id": branch.services["A"]},
        headers=branch.headers("kiosk"),
    ).json
    garbage = {"Authorization": "Bearer made-up"}
    codes = [client.get(f"/api/v1/tickets/{ticket['id']}", headers=garbage).status_code for _ in range(121)]
    assert codes == [401] * 120 + [429]
    # a real token is still never limited this low
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=branch.headers()).status_code == 200


def test_300_wrong_passwords_from_300_addresses_then_the_right_one_is_refused(client, branch, clock):
    first = None
    for number, address in enumerate(addresses(300)):
        response = attempt(client, "teller-b1", f"guess-{number}", address)
        first = first or answer(response)
        assert answer(response) == first
    assert first[0] == 401 and first[1]["error"]["code"] == "invalid_credentials"
    assert answer(attempt(client, "teller-b1", PASSWORD, "192.0.2.1")) == first
    # the lock runs out on its own (30 s after the fifth failure; failures while locked do not count)
    clock.advance(31)
    assert attempt(client, "teller-b1", PASSWORD, "192.0.2.1").status_code == 200


def test_each_failure_past_the_fifth_locks_for_twice_as_long(client, branch, clock):
    for address in addresses(5):
        assert attempt(client, "teller-b1", "wrong", address).status_code == 401
    clock.advance(31)  # the 30 s lock is over: one more failure locks for 60 s
    assert attempt(client, "teller-b1", "wrong", "192.0.2.2").status_code == 401
    clock.advance(59)
    assert attempt(client, "teller-b1", PASSWORD, "192.0.2.3").status_code == 401
    clock.advance(2)
    assert attempt(client, "teller-b1", PASSWORD, "192.0.2.4").status_code == 200
    # a success starts the count again: four more mistakes lock nothing
    for address in addresses(4):
        assert attempt(client, "teller-b1", "wrong", address).status_code == 401
    assert attempt(client, "teller-b1", PASSWORD, "192.0.2.5").status_code == 200


def test_an_unknown_name_gets_exactly_the_same_answers(client, branch):
    def story(username: str) -> list[tuple[int, Any]]:
        guesses = [answer(attempt(client, username, "wrong", address)) for address in addresses(6)]
        return [*guesses, answer(attempt(client, username, PASSWORD, "192.0.2.9"))]

    real, unknown = story("teller-b1"), story("nobody-here")
    assert real == unknown
    assert {status for status, _ in real} == {401}


def test_an_admin_lifts_a_lock(client, branch, other_branch_manager, admin_headers):
    for address in addresses(5):
        attempt(client, "teller-b1", "wrong", address)
    assert attempt(client, "teller-b1", PASSWORD, "192.0.2.1").status_code == 401
    teller = next(u for u in client.get("/api/v1/users", headers=admin_headers).json if u["username"] == "teller-b1")
    refused = client.post(f"/api/v1/users/{teller['id']}/unlock", headers=other_branch_manager)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden_scope"
    assert client.post("/api/v1/users/999/unlock", headers=admin_headers).status_code == 404
    unlocked = client.post(f"/api/v1/users/{teller['id']}/unlock", headers=admin_headers)
    assert unlocked.status_code == 200 and unlocked.json["username"] == "teller-b1"
    assert attempt(client, "teller-b1", PASSWORD, "192.0.2.1").status_code == 200


def test_failures_are_kept_in_the_database_for_every_process(app, client, branch, tmp_path, database_url, clock):
    from server.store import migrate
    from server.web import create_app
    from tests.conftest import make_settings

    for address in addresses(5):
        attempt(client, "teller-b1", "wrong", address)
    second = create_app(make_settings(tmp_path / "second", database_url), clock=clock)
    migrate.upgrade(second.extensions["branchq"].deps.store.engine)
    try:
        assert attempt(second.test_client(), "teller-b1", PASSWORD, "192.0.2.1").status_code == 401
    finally:
        second.extensions["branchq"].deps.store.engine.dispose()


@pytest.fixture
def other_branch_manager(deps: Any, branch: BranchFixture) -> dict[str, str]:
    from tests.support.builders import build_branch

    return build_branch(deps, code="B2").headers("manager")
