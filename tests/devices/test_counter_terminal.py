"""A teller's /counter page is the counter's terminal: its socket is the heartbeat. On a fake
clock: silent past the heartbeat raises device_offline; gone past the limit pauses the counter
(audited with the reason), so routing and the forecasts stop counting it.

Flask-SocketIO's test client runs the real namespace in-process (the wire is covered by
test_agent_presence.py against a real server)."""

from __future__ import annotations

from typing import Any

from server.services import alerts, presence
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES


def terminal(app: Any, branch: Any, counter_id: int, who: str = "teller") -> Any:
    socket = app.extensions["socketio"].test_client(app, auth={"token": branch.tokens[who]})
    assert socket.is_connected()
    assert socket.emit("counter_terminal", {"counter_id": counter_id}, callback=True) == {"ok": True}
    return socket


def heartbeats(app: Any, deps: Any) -> None:
    """What the serving process does every 20 s for the sockets it holds."""
    presence.beat(deps, app.extensions["branchq_namespace"].connected_parts())


def open_alerts(deps: Any, branch: Any) -> list[tuple[str, dict[str, int]]]:
    return [(a["kind"], a["subject"]) for a in alerts.list_alerts(deps, _manager(deps, branch), branch.id)]


def _manager(deps: Any, branch: Any) -> Any:
    from server.services import auth

    return auth.authenticate(deps, branch.tokens["manager"])


def counter_status(client: Any, branch: Any, number: int) -> str:
    response = client.get(f"/api/v1/counters/{branch.counters[number]}", headers=branch.headers())
    assert response.status_code == 200
    return str(response.json["status"])


def open_counters(client: Any, branch: Any, prefix: str) -> tuple[int, Any]:
    queue = client.get(f"/api/v1/branches/{branch.id}/queue", headers=branch.headers()).json
    (service,) = [s for s in queue["services"] if s["id"] == branch.services[prefix]]
    return service["open_counters"], service["estimated_wait"]


def test_a_closed_terminal_goes_offline_then_its_counter_is_paused_with_the_reason(app, client, deps, branch, clock):
    counter_id = branch.counters[1]
    assert client.post(f"/api/v1/counters/{counter_id}/open", headers=branch.headers()).status_code == 200
    body = {"service_id": branch.services["A"]}
    issued = client.post(f"/api/v1/branches/{branch.id}/tickets", json=body, headers=branch.headers("kiosk"))
    assert issued.status_code == 201
    page = terminal(app, branch, counter_id)
    clock.advance(30)
    heartbeats(app, deps)
    clock.advance(30)
    page.disconnect()  # the teller closes the browser: its last heartbeat is now
    assert open_counters(client, branch, "A")[0] == 1

    clock.advance(60)
    alerts.evaluate_branch(deps, branch.id)
    assert open_alerts(deps, branch) == []  # 60 s is the limit, not past it
    clock.advance(1)
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert (raised["kind"], raised["subject"]) == ("device_offline", {"counter_id": counter_id})
    assert raised["message"]["en"] == "Counter 1: the teller's terminal has been silent for 61 s"

    clock.advance(5 * 60 - 61)
    assert presence.pause_gone_counters(deps) == 0  # exactly five minutes: not yet
    clock.advance(1)
    assert presence.pause_gone_counters(deps) == 1
    assert presence.pause_gone_counters(deps) == 0  # once
    assert counter_status(client, branch, 1) == "paused"
    assert open_counters(client, branch, "A") == (0, None)  # no longer counted for routing or the forecast
    with deps.store.read() as uow:
        (row,) = [r for r in uow.audit.for_branch(branch.id) if r["detail"].get("reason")]
    assert (row["action"], row["actor"], row["detail"]["reason"], row["detail"]["gone_s"]) == (
        "counter_status",
        "",
        "terminal_gone",
        301,
    )
    assert (row["detail"]["from"], row["detail"]["to"]) == ("open", "paused")
    with deps.store.read() as uow:
        pushed = [data for _, name, data in uow.events.after(branch.id, 0) if name == "counter_changed"]
    assert pushed[-1]["reason"] == "terminal_gone"
    assert pushed[-1]["counter"]["status"] == "paused"

    alerts.evaluate_branch(deps, branch.id)
    assert ("device_offline", {"counter_id": counter_id}) in open_alerts(deps, branch)  # still gone
    back = terminal(app, branch, counter_id)  # the teller is back: the alert clears, the pause stays theirs to end
    alerts.evaluate_branch(deps, branch.id)
    assert ("device_offline", {"counter_id": counter_id}) not in open_alerts(deps, branch)
    assert counter_status(client, branch, 1) == "paused"
    back.disconnect()


def test_a_counter_opened_without_a_terminal_is_never_paused_for_one(app, client, deps, branch, clock):
    page = terminal(app, branch, branch.counters[2])
    page.disconnect()
    clock.advance(3600)  # its terminal went long ago; then the counter is opened some other way
    assert client.post(f"/api/v1/counters/{branch.counters[2]}/open", headers=branch.headers()).status_code == 200
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=branch.headers()).status_code == 200
    clock.advance(3600)
    assert presence.pause_gone_counters(deps) == 0
    assert alerts.evaluate_branch(deps, branch.id) == []
    assert (counter_status(client, branch, 1), counter_status(client, branch, 2)) == ("open", "open")


def test_a_closed_counter_misses_no_terminal(app, client, deps, branch, clock):
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=branch.headers()).status_code == 200
    page = terminal(app, branch, branch.counters[1])
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/close", headers=branch.headers()).status_code == 200
    page.disconnect()
    clock.advance(3600)
    assert presence.pause_gone_counters(deps) == 0
    assert alerts.evaluate_branch(deps, branch.id) == []


def test_the_branch_sets_how_long_a_terminal_may_be_gone(app, client, deps, branch, clock):
    limits = {"settings": {"alerts": {"counter_gone_s": 120, "device_heartbeat_s": 90}}}
    patched = client.patch(f"/api/v1/branches/{branch.id}", json=limits, headers=branch.headers("manager"))
    assert patched.status_code == 200
    assert client.post(f"/api/v1/counters/{branch.counters[1]}/open", headers=branch.headers()).status_code == 200
    terminal(app, branch, branch.counters[1]).disconnect()
    clock.advance(90)
    assert alerts.evaluate_branch(deps, branch.id) == []
    clock.advance(31)
    assert presence.pause_gone_counters(deps) == 1
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert raised["kind"] == "device_offline"


def test_only_staff_of_the_counters_branch_may_be_its_terminal(app, branch, deps):
    from tests.support.builders import build_branch

    other = build_branch(deps, code="B2")
    cases = [
        (branch.tokens["kiosk"], {"counter_id": branch.counters[1]}, "forbidden"),
        (other.tokens["teller"], {"counter_id": branch.counters[1]}, "counter_not_found"),
        (branch.tokens["teller"], {"counter_id": "one"}, "validation_error"),
        (branch.tokens["teller"], {"counter_id": 2**70}, "counter_not_found"),
        (branch.tokens["teller"], "counter 1", "validation_error"),
    ]
    for token, data, code in cases:
        socket = app.extensions["socketio"].test_client(app, auth={"token": token})
        ack = socket.emit("counter_terminal", data, callback=True)
        assert ack["error"]["code"] == code, (data, ack)
        socket.disconnect()
    assert app.extensions["branchq_namespace"].connected_parts() == []
