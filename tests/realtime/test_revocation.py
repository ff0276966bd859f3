"""Revoke, deactivate, log out and password reset bite within a second: on HTTP in every
process, and on open sockets, which are disconnected. Real server processes, real clients."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.realtime.support import Screen
from tests.support.builders import PASSWORD, BranchFixture, admin_token, build_branch
from tests.support.databases import REDIS_URL, fresh_postgres, redis_reason
from tests.support.live import LiveServer

pytestmark = pytest.mark.slow

WITHIN = 1.0  # seconds


class Site:
    """A branch served by one or more processes, with an admin token."""

    def __init__(self, branch: BranchFixture, admin: str, servers: list[LiveServer]) -> None:
        self.b, self.admin, self.servers = branch, admin, servers

    def as_admin(self, method: str, path: str, server: int = 0, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.admin}"}
        return requests.request(method, self.servers[server].url + path, headers=headers, timeout=10, **kwargs)

    def status_with(self, token: str, server: int) -> int:
        url = f"{self.servers[server].url}/api/v1/branches/{self.b.id}/queue"
        return requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code

    def login(self, username: str, password: str = PASSWORD) -> str:
        r = requests.post(
            self.servers[0].url + "/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
        )
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def screen(self, token: str, server: int = 0) -> Screen:
        return Screen(self.servers[server].url, token, self.b.id).connect()


def seeded(tmp_path: Path, database_url: str) -> tuple[BranchFixture, str]:
    app = create_app(make_settings(tmp_path / "seed", database_url))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    branch = build_branch(deps)
    admin = admin_token(deps)
    deps.store.engine.dispose()
    return branch, admin


@contextmanager
def one_process(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    branch, admin = seeded(tmp_path, url)
    server = LiveServer(tmp_path / "one", url).start()
    try:
        yield Site(branch, admin, [server])
    finally:
        server.stop()


@contextmanager
def two_processes(tmp_path: Path) -> Iterator[Site]:
    if reason := redis_reason():
        pytest.skip(reason)
    with fresh_postgres() as url:
        branch, admin = seeded(tmp_path, url)
        env = {"SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "BRANCHQ_RATELIMIT_STORAGE": REDIS_URL}
        one = LiveServer(tmp_path / "one", url, extra_env=env).start()
        two = LiveServer(tmp_path / "two", url, extra_env=env | {"BRANCHQ_SCHEDULER": "0"}).start()
        try:
            yield Site(branch, admin, [one, two])
        finally:
            one.stop()
            two.stop()


def seconds_until(condition: Callable[[], bool], limit: float = 10.0) -> float:
    """How long until ``condition`` held (polled every 20 ms), or ``limit`` if it never did."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if condition():
            return time.monotonic() - start
        time.sleep(0.02)
    return limit


def assert_cut_off(site: Site, token: str, screen: Screen, change: Callable[[], None]) -> None:
    """Before ``change`` the token works everywhere (and is cached); after it, within a second,
    every process answers 401 and the screen is disconnected and hears no more events."""
    for server in range(len(site.servers)):
        assert site.status_with(token, server) == 200
    assert screen.client.connected
    change()
    for server in range(len(site.servers)):
        assert seconds_until(lambda s=server: site.status_with(token, s) == 401) < WITHIN, f"process {server}"
    assert seconds_until(lambda: not screen.client.connected) < WITHIN
    heard = len(screen.events)
    r = site.as_admin("POST", f"/api/v1/branches/{site.b.id}/tickets", json={"service_id": site.b.services["A"]})
    assert r.status_code == 201
    time.sleep(0.5)
    assert len(screen.events) == heard
    assert not screen.client.connected  # and it was not let back in


def revoke_device(site: Site, kind: str) -> Callable[[], None]:
    def change() -> None:
        path = f"/api/v1/branches/{site.b.id}/devices/{site.b.devices[kind]}"
        assert site.as_admin("DELETE", path, server=len(site.servers) - 1).status_code == 204

    return change


def patch_user(site: Site, username: str, body: dict[str, Any], server: int = -1) -> Callable[[], None]:
    def change() -> None:
        users = site.as_admin("GET", "/api/v1/users").json()
        user_id = next(u["id"] for u in users if u["username"] == username)
        assert site.as_admin("PATCH", f"/api/v1/users/{user_id}", server=server, json=body).status_code == 200

    return change


@pytest.mark.parametrize("processes", [one_process, pytest.param(two_processes, marks=[pytest.mark.postgres])])
def test_a_revoked_display_is_cut_off_at_once(tmp_path, processes):
    with processes(tmp_path) as site:
        token = site.b.tokens["display"]
        assert_cut_off(site, token, site.screen(token), revoke_device(site, "display"))


@pytest.mark.parametrize("processes", [one_process, pytest.param(two_processes, marks=[pytest.mark.postgres])])
def test_a_deactivated_teller_is_cut_off_at_once(tmp_path, processes):
    with processes(tmp_path) as site:
        token = site.b.tokens["teller"]
        assert_cut_off(site, token, site.screen(token), patch_user(site, "teller-b1", {"active": False}))


@pytest.mark.parametrize("processes", [one_process, pytest.param(two_processes, marks=[pytest.mark.postgres])])
def test_a_password_reset_ends_the_users_other_sessions(tmp_path, processes):
    with processes(tmp_path) as site:
        old = site.b.tokens["teller"]
        other = site.login("teller-b1")
        screen = site.screen(other)
        assert_cut_off(site, old, screen, patch_user(site, "teller-b1", {"password": "brand-new-pass-7"}))
        assert site.status_with(other, 0) == 401
        new = site.login("teller-b1", "brand-new-pass-7")
        assert site.status_with(new, len(site.servers) - 1) == 200


def test_changing_ones_own_password_keeps_this_session_only(tmp_path):
    with one_process(tmp_path) as site:
        elsewhere = site.login("root-admin")
        me = site.as_admin("GET", "/api/v1/auth/me").json()
        r = site.as_admin("PATCH", f"/api/v1/users/{me['id']}", json={"password": "another-pass-8"})
        assert r.status_code == 200
        assert site.as_admin("GET", "/api/v1/auth/me").status_code == 200
        assert site.status_with(elsewhere, 0) == 401


@pytest.mark.parametrize("processes", [one_process, pytest.param(two_processes, marks=[pytest.mark.postgres])])
def test_logging_out_cuts_off_that_session_and_its_socket_only(tmp_path, processes):
    with processes(tmp_path) as site:
        token, kept = site.b.tokens["manager"], site.login("manager-b1")
        kept_screen = site.screen(kept, server=len(site.servers) - 1)

        def log_out() -> None:
            url = site.servers[-1].url + "/api/v1/auth/logout"
            r = requests.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert r.status_code == 204

        assert_cut_off(site, token, site.screen(token), log_out)
        assert kept_screen.client.connected
        assert site.status_with(kept, 0) == 200
        kept_screen.close()


def test_a_teller_moved_to_another_branch_stops_hearing_the_old_one(tmp_path):
    with one_process(tmp_path) as site:
        token = site.b.tokens["teller"]
        screen = site.screen(token)
        other = site.as_admin(
            "POST",
            "/api/v1/branches",
            json={"code": "B2", "name": {"zh": "二", "en": "Two"}, "timezone": "UTC", "opening_hours": {}},
        ).json()
        patch_user(site, "teller-b1", {"branch_ids": [other["id"]]}, server=0)()
        heard = len(screen.events)
        r = site.as_admin("POST", f"/api/v1/branches/{site.b.id}/tickets", json={"service_id": site.b.services["A"]})
        assert r.status_code == 201
        time.sleep(0.5)
        assert len(screen.events) == heard
        assert site.status_with(token, 0) == 403
        screen.close()
