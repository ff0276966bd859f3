"""Scale-out: two server processes on PostgreSQL share events through Redis."""

from __future__ import annotations

import pytest
import requests

from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.realtime.support import Screen
from tests.support.builders import build_branch
from tests.support.databases import REDIS_URL, fresh_postgres, redis_reason
from tests.support.live import LiveServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_screen_on_one_process_sees_calls_made_on_another_in_seq_order(tmp_path):
    reason = redis_reason()
    if reason:
        pytest.skip(reason)
    with fresh_postgres() as url:
        app = create_app(make_settings(tmp_path, url))
        deps = app.extensions["branchq"].deps
        migrate.upgrade(deps.store.engine)
        b = build_branch(deps, counters={1: "A", 2: "A"})
        deps.store.engine.dispose()
        env = {"SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "BRANCHQ_RATELIMIT_STORAGE": REDIS_URL}
        one = LiveServer(tmp_path / "one", url, extra_env=env).start()
        two = LiveServer(tmp_path / "two", url, extra_env=env | {"BRANCHQ_SCHEDULER": "0"}).start()
        try:
            assert requests.get(one.url + "/healthz", timeout=5).json()["message_queue"] == "ok"
            screen = Screen(one.url, b.tokens["display"], b.id).connect()
            kiosk = {"Authorization": f"Bearer {b.tokens['kiosk']}"}
            teller = {"Authorization": f"Bearer {b.tokens['teller']}"}
            for i in range(30):
                server = (one, two)[i % 2]
                r = requests.post(
                    f"{server.url}/api/v1/branches/{b.id}/tickets",
                    json={"service_id": b.services["A"]},
                    headers=kiosk,
                    timeout=10,
                )
                assert r.status_code == 201
            called = []
            for counter_id, server in zip(b.counters.values(), (two, one), strict=True):
                requests.post(f"{server.url}/api/v1/counters/{counter_id}/open", headers=teller, timeout=10)
            for i in range(30):
                server, counter_id = ((two, b.counters[1]), (one, b.counters[2]))[i % 2]
                r = requests.post(f"{server.url}/api/v1/counters/{counter_id}/call-next", headers=teller, timeout=10)
                assert r.status_code == 200
                called.append(r.json()["id"])
                requests.post(f"{server.url}/api/v1/tickets/{called[-1]}/no-show", headers=teller, timeout=10)
            final = requests.get(f"{two.url}/api/v1/branches/{b.id}/queue", headers=teller, timeout=10).json()["seq"]
            assert screen.wait_for_seq(final), f"screen at {screen.seq} of {final}"
            assert screen.new_wire_seqs() == list(range(screen.snapshot_seq + 1, final + 1))
            assert sorted(c["ticket_id"] for c in screen.names("ticket_called")) == sorted(called)
            assert len(set(called)) == 30
            screen.close()
        finally:
            one.stop()
            two.stop()
