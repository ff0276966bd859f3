"""Revocation inside one process, with a long token cache: the change is forgotten at once,
and a socket is re-checked on every event even when no announcement reached it."""

from __future__ import annotations

from typing import Any

import pytest

from server.services import setup
from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.support.builders import ROOT, admin_token, build_branch


@pytest.fixture
def cached_app(tmp_path, clock) -> Any:
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'c.sqlite3'}", principal_cache_seconds=60.0))
    migrate.upgrade(app.extensions["branchq"].deps.store.engine)
    yield app
    app.extensions["branchq"].deps.store.engine.dispose()


def test_deactivating_a_user_is_not_served_from_the_cache(cached_app):
    deps = cached_app.extensions["branchq"].deps
    b = build_branch(deps)
    client = cached_app.test_client()
    queue = f"/api/v1/branches/{b.id}/queue"
    assert client.get(queue, headers=b.headers("teller")).status_code == 200  # now cached
    admin = {"Authorization": f"Bearer {admin_token(deps)}"}
    teller_id = next(u["id"] for u in client.get("/api/v1/users", headers=admin).json if u["role"] == "teller")
    assert client.patch(f"/api/v1/users/{teller_id}", json={"active": False}, headers=admin).status_code == 200
    response = client.get(queue, headers=b.headers("teller"))
    assert response.status_code == 401 and response.json["error"]["code"] == "invalid_token"


def test_a_socket_is_rechecked_on_every_event(cached_app):
    """The device is revoked behind the server's back (no announcement), so only the cache's
    expiry and the per-event check stand between it and the branch's data."""
    deps = cached_app.extensions["branchq"].deps
    b = build_branch(deps)
    display = cached_app.extensions["socketio"].test_client(cached_app, auth={"token": b.tokens["display"]})
    assert "snapshot" in display.emit("subscribe", {"branch_id": b.id}, callback=True)
    setup.revoke_device(deps, ROOT, b.id, b.devices["display"])
    cached_app.extensions["branchq_principals"].forget_principal("device", b.devices["display"])  # the TTL passed
    ack = display.emit("sync", {"branch_id": b.id, "since_seq": 0}, callback=True)
    assert not display.is_connected()
    assert ack == {
        "error": {"code": "invalid_token", "message": "unknown or revoked token", "field": None},
        "status": 401,
    }
