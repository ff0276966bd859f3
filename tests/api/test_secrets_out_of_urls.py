"""Secrets out of URLs: a screen's pairing link works once and within a day, and is
exchanged for a token the screen keeps; the instance folder and SQLite file are private."""

from __future__ import annotations

import os
import stat

from sqlalchemy import text

from server.services.auth import PAIRING_SECONDS
from server.settings import Settings
from server.store.database import make_engine
from tests.support.databases import ON_BOTH_DATABASES


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_display(client, branch, admin_headers) -> dict:
    response = client.post(
        f"/api/v1/branches/{branch.id}/devices", json={"kind": "display", "name": "hall"}, headers=admin_headers
    )
    assert response.status_code == 201
    return response.json


@ON_BOTH_DATABASES
def test_a_pairing_link_is_exchanged_once_for_a_token_the_screen_keeps(client, branch, admin_headers):
    device = new_display(client, branch, admin_headers)
    path, _, link_token = device["pair_url"].partition("?device=")
    assert path == "/display" and link_token and link_token != device["token"]
    paired = client.post("/api/v1/devices/pair", headers=bearer(link_token))
    assert paired.status_code == 201
    assert paired.json["device_id"] == device["id"] and paired.json["kind"] == "display"
    kept = paired.json["token"]
    assert kept not in (link_token, device["token"])
    queue = f"/api/v1/branches/{branch.id}/queue"
    assert client.get(queue, headers=bearer(kept)).status_code == 200
    assert client.get(queue, headers=bearer(device["token"])).status_code == 200  # the agent's token
    again = client.post("/api/v1/devices/pair", headers=bearer(link_token))
    assert again.status_code == 401 and again.json["error"]["code"] == "invalid_token"
    assert client.get(queue, headers=bearer(link_token)).status_code == 401


def test_an_unused_pairing_link_expires_after_a_day(client, branch, admin_headers, clock):
    link_token = new_display(client, branch, admin_headers)["pair_url"].partition("?device=")[2]
    clock.advance(PAIRING_SECONDS + 1)
    response = client.post("/api/v1/devices/pair", headers=bearer(link_token))
    assert response.status_code == 401 and response.json["error"]["code"] == "token_expired"


def test_revoking_a_device_ends_its_paired_screens_too(client, branch, admin_headers):
    device = new_display(client, branch, admin_headers)
    kept = client.post("/api/v1/devices/pair", headers=bearer(device["token"])).json["token"]
    assert (
        client.delete(f"/api/v1/branches/{branch.id}/devices/{device['id']}", headers=admin_headers).status_code == 204
    )
    assert client.get(f"/api/v1/branches/{branch.id}/queue", headers=bearer(kept)).status_code == 401


def test_only_a_device_pairs_a_screen(client, branch):
    response = client.post("/api/v1/devices/pair", headers=branch.headers("teller"))
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden_role"
    assert client.post("/api/v1/devices/pair").status_code == 401


def test_the_instance_folder_and_the_sqlite_file_are_private(tmp_path, monkeypatch):
    instance = tmp_path / "fresh" / "instance"
    monkeypatch.setenv("BRANCHQ_INSTANCE", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BRANCHQ_SECRET_KEY", raising=False)
    previous = os.umask(0)  # the modes are explicit, not left to the umask
    try:
        settings = Settings.from_env()
        engine = make_engine(settings.database_url)
        with engine.connect() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.commit()
        engine.dispose()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    database = instance / "branchq.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
