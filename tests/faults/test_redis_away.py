"""Redis away: public routes keep answering (rate limits counted in the process), /healthz says
"degraded", and everything is back to normal once Redis returns, with no server restart."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.faults.conftest import prepared_branch
from tests.support.builders import PASSWORD, BranchFixture
from tests.support.live import LiveServer

pytestmark = pytest.mark.faults


def public_answers(server: LiveServer, b: BranchFixture, ticket: dict[str, Any], phone: str) -> dict[str, int]:
    """Status of each public route: login, tracking, slots, booking, audio."""
    api = server.url + "/api/v1"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    slots = requests.get(
        f"{api}/branches/{b.id}/slots", params={"service_id": b.services["A"], "date": tomorrow}, timeout=10
    )
    free = [slot["start"] for slot in slots.json() if slot["available"]] if slots.ok else []
    booking = {
        "branch_id": b.id,
        "service_id": b.services["A"],
        "start": free[0] if free else "",
        "name": "王小明",
        "phone": phone,
        "language": "zh",
        "consent": True,
    }
    token = ticket["track_url"].split("token=")[1]
    return {
        "login": requests.post(
            f"{api}/auth/login", json={"username": "teller-b1", "password": PASSWORD}, timeout=10
        ).status_code,
        "tracking": requests.get(f"{api}/tickets/{ticket['id']}", params={"token": token}, timeout=10).status_code,
        "slots": slots.status_code,
        "booking": requests.post(f"{api}/appointments", json=booking, timeout=10).status_code,
        "audio": requests.get(
            f"{api}/announcements/audio.wav", params={"number": "A001", "counter": 1}, timeout=30
        ).status_code,
    }


EVERY_ROUTE_WORKS = {"login": 200, "tracking": 200, "slots": 200, "booking": 201, "audio": 200}


def test_public_routes_answer_while_redis_is_away_and_health_says_degraded(tmp_path, own_redis):
    url = f"sqlite:///{tmp_path / 'branchq.sqlite3'}"
    b = prepared_branch(tmp_path, url)
    env = {"SOCKETIO_MESSAGE_QUEUE": own_redis.url, "BRANCHQ_RATELIMIT_STORAGE": own_redis.url}
    server = LiveServer(tmp_path / "server", url, extra_env=env).start()
    try:
        r = requests.patch(
            f"{server.url}/api/v1/branches/{b.id}/services/{b.services['A']}/booking-settings",
            json={"reserved_share": 0.5},
            headers=b.headers("manager"),
            timeout=10,
        )
        assert r.status_code == 200, r.text
        ticket = requests.post(
            f"{server.url}/api/v1/branches/{b.id}/tickets",
            json={"service_id": b.services["A"]},
            headers=b.headers("kiosk"),
            timeout=10,
        ).json()
        assert public_answers(server, b, ticket, "13812345671") == EVERY_ROUTE_WORKS
        body = requests.get(server.url + "/healthz", timeout=10).json()
        assert (body["status"], body["message_queue"], body["rate_limit"]) == ("ok", "ok", "ok")

        own_redis.stop()
        assert public_answers(server, b, ticket, "13812345672") == EVERY_ROUTE_WORKS
        r = requests.get(server.url + "/healthz", timeout=10)
        assert r.status_code == 200
        assert r.json() | {"websockets": 0, "connections": 0} == {
            "status": "degraded",
            "db": "ok",
            "message_queue": "unavailable",
            "rate_limit": "fallback",
            "websockets": 0,
            "connections": 0,
        }
        assert "falling back to in-memory storage" in server.log.read_text()

        own_redis.start()
        started = time.monotonic()
        while requests.get(server.url + "/healthz", timeout=10).json()["status"] != "ok":
            assert time.monotonic() - started < 10, "health did not recover"
            time.sleep(0.2)
        assert public_answers(server, b, ticket, "13812345673") == EVERY_ROUTE_WORKS
    finally:
        server.stop()
