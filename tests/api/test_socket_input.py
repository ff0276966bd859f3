"""Bad input over Socket.IO: an error in the ack, or a refused connection; never an exception.

Flask-SocketIO's test client runs the real namespace in-process; the wire itself is
covered by the real-client tests in tests/realtime.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES


def socket(app: Any, auth: dict[str, Any]) -> Any:
    return app.extensions["socketio"].test_client(app, auth=auth)


@pytest.mark.parametrize(
    "auth",
    [
        {"ticket": 2**70, "token": "x"},  # past any database integer
        {"ticket": 0, "token": "x"},
        {"ticket": "one", "token": "x"},
        {"ticket": 1, "token": "\x80"},  # not ASCII
        {"ticket": 1},
        {"token": 5},
    ],
)
def test_a_holder_with_a_bad_ticket_or_token_is_refused(app, branch, auth):
    assert not socket(app, auth).is_connected()


@pytest.mark.parametrize(
    ("event", "data", "code"),
    [
        ("subscribe", "one", "validation_error"),
        ("subscribe", None, "validation_error"),
        ("subscribe", {"branch_id": "1\x00"}, "validation_error"),
        ("subscribe", {"branch_id": 2**70}, "forbidden_branch"),
        ("sync", {"branch_id": 1, "since_seq": "x"}, "validation_error"),
        ("sync", {"branch_id": 2**64, "since_seq": 0}, "forbidden_branch"),
        ("printer_status", "paper out", "validation_error"),
    ],
)
def test_bad_events_get_an_error_ack(app, branch, event, data, code):
    kiosk = socket(app, {"token": branch.tokens["kiosk"]})
    assert kiosk.is_connected()
    ack = kiosk.emit(event, data, callback=True)
    assert ack["error"]["code"] == code and ack["error"]["message"]


def test_a_device_report_of_odd_shapes_is_stored_as_text(app, branch):
    kiosk = socket(app, {"token": branch.tokens["kiosk"]})
    ack = kiosk.emit("printer_status", {"status": {"nested": 1}, "detail": ["x"] * 500}, callback=True)
    assert ack == {"ok": True}
    ack = kiosk.emit("print_result", {"job_id": {"x": 1}, "ok": "yes", "status": "printed"}, callback=True)
    assert ack == {"ok": True}
    with app.extensions["branchq"].deps.store.read() as uow:
        status = uow.devices.get(branch.devices["kiosk"]).status
    assert status["printer"]["status"] == "{'nested': 1}" and len(status["printer"]["detail"]) == 300
    assert status["print_result"]["job_id"] == "{'x': 1}" and status["print_result"]["ok"] is True


def test_an_id_no_row_can_have_is_simply_not_found(app, branch, admin_headers):
    admin = socket(app, {"token": admin_headers["Authorization"].removeprefix("Bearer ")})
    for event, data in (("subscribe", {"branch_id": 2**70}), ("sync", {"branch_id": 2**64, "since_seq": 0})):
        ack = admin.emit(event, data, callback=True)
        assert ack["status"] == 404 and ack["error"]["code"] == "branch_not_found", ack


# --- the inputs that broke HTTP, sent as events -----------------------------------------


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "auth",
    [{"token": "\ud800"}, {"ticket": 1, "token": "\udfff"}, {"token": float("nan")}, {"ticket": float("inf")}],
)
def test_a_connect_with_text_or_numbers_no_token_has_is_refused(app, branch, auth):
    assert not socket(app, auth).is_connected()


@pytest.mark.parametrize(
    ("event", "data", "code", "field"),
    [
        ("subscribe", {"branch_id": 1, "note": "\ud800"}, "invalid_text", "note"),
        ("sync", {"branch_id": 1, "since_seq": float("nan")}, "invalid_number", "since_seq"),
        ("printer_status", {"status": "paper \udfff out"}, "invalid_text", "status"),
        ("printer_status", {"status": "ok", "detail": [float("inf")]}, "invalid_number", "detail.0"),
        ("speech_status", {"engine": nested(40)}, "nested_too_deep", "engine"),
        ("print_result", {"job_id": 1, "\ud800": True}, "invalid_text", None),
    ],
)
def test_events_with_unstorable_text_or_numbers_get_an_error_ack_naming_the_field(
    app, branch, event, data, code, field
):
    kiosk = socket(app, {"token": branch.tokens["kiosk"]})
    ack = kiosk.emit(event, data, callback=True)
    assert ack["error"] == {"code": code, "message": ack["error"]["message"], "field": field} and ack["status"] == 422
    with app.extensions["branchq"].deps.store.read() as uow:
        assert uow.devices.get(branch.devices["kiosk"]).status == {}  # nothing was stored
    assert kiosk.emit("subscribe", {"branch_id": branch.id}, callback=True)["snapshot"]["seq"] >= 0


def test_packets_the_parser_cannot_read_get_an_error_ack_over_the_wire(tmp_path, database_url):
    """Raw Socket.IO frames on a real server: nesting 5,000 deep, an integer of 5,000 digits."""
    import json

    import websocket

    from server.demo import DEMO_PASSWORD
    from tests.support.live import LiveServer

    server = LiveServer(tmp_path / "server", database_url, demo=True).start()
    try:
        import requests

        token = requests.post(
            f"{server.url}/api/v1/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}, timeout=10
        ).json()["token"]
        wire = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10
        )
        assert wire.recv().startswith("0")  # Engine.IO open
        wire.send("40" + json.dumps({"token": token}))
        assert wire.recv().startswith("40")  # Socket.IO connected

        def ack_of(frame: str, number: int) -> Any:
            wire.send(frame)
            while True:
                message = wire.recv()
                if message == "2":  # a ping while we wait
                    wire.send("3")
                elif message.startswith(f"43{number}"):
                    return json.loads(message[len(f"43{number}") :])[0]

        deep = ack_of('421["subscribe",' + "[" * 5000 + "]" * 5000 + "]", 1)
        assert deep["error"]["code"] == "nested_too_deep"
        digits = ack_of('422["subscribe",{"branch_id":' + "9" * 5000 + "}]", 2)
        assert digits["error"] == {
            "code": "invalid_number",
            "message": digits["error"]["message"],
            "field": "branch_id",
        }
        assert "snapshot" in ack_of('423["subscribe",{"branch_id":1}]', 3)  # the same socket still works
        wire.close()
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text()
