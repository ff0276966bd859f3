"""What each caller gets from each Socket.IO event, through Flask-SocketIO's test client
(the real namespace in-process)."""

from __future__ import annotations

from typing import Any

# The events a client may send (column -> event, valid payload): branch "here" unless named.
EVENTS: dict[str, tuple[str, Any]] = {
    "subscribe": ("subscribe", {"branch_id": "{branch_id}"}),
    "subscribe other branch": ("subscribe", {"branch_id": "{other_branch_id}"}),
    "sync": ("sync", {"branch_id": "{branch_id}", "since_seq": 0}),
    "printer_status": ("printer_status", {"status": "ok"}),
    "speech_status": ("speech_status", {"status": "ok"}),
    "print_result": ("print_result", {"job_id": "x", "ok": True}),
    "counter_terminal": ("counter_terminal", {"counter_id": "{counter_id}"}),
    "agent_status": ("agent_status", {}),
}
COLUMNS = ("connect", *EVENTS)


def outcome(ack: Any) -> str:
    """ "ok", or the HTTP-like status an error ack carries (403 when it names none)."""
    if isinstance(ack, dict) and "error" in ack:
        return str(ack.get("status", 403))
    return "ok"


def socket_row(matrix: Any, caller: str) -> list[str]:
    from tests.authority.requests_sent import fill

    world = matrix.world
    if caller == "holder":
        auth = {"ticket": world.ids["ticket_id"], "token": world.ids["ticket_token"]}
    else:
        token = world.tokens[caller]
        auth = {"token": token} if token else {}
    client = matrix.app.extensions["socketio"].test_client(matrix.app, auth=auth)
    if not client.is_connected():
        return ["refused"] + ["-"] * len(EVENTS)
    row = ["ok"]
    for event, payload in EVENTS.values():
        row.append(outcome(client.emit(event, fill(payload, world.ids), callback=True)))
    client.disconnect()
    return row
