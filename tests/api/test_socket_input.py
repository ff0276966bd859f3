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
