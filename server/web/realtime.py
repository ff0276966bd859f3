"""Socket.IO: branch subscriptions with snapshot + seq resync, ticket holders, devices."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import request
from flask_socketio import Namespace, join_room

from server import protocol
from server.domain.errors import DomainError
from server.domain.records import Principal
from server.services import auth, queue, tickets
from server.web.context import Wiring
from server.web.errors import STATUS, error_body
from server.web.input_guard import SURROGATES, refuse_bad_value

log = logging.getLogger(__name__)

TURN_NEAR_AHEAD = 3


def _sid() -> str:
    """Flask-SocketIO puts the connection's id on the request."""
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


class BranchNamespace(Namespace):  # type: ignore[misc]
    """Default namespace. Staff and devices subscribe to branches; holders follow one ticket."""

    def __init__(self, wiring: Wiring) -> None:
        super().__init__(protocol.NAMESPACE)
        self.wiring = wiring
        self.principals: dict[str, Principal] = {}
        # ticket id -> sids of holders connected to this process
        self.holders: dict[int, set[str]] = {}
        self.lock = threading.Lock()

    # --- input ------------------------------------------------------------------------
    def trigger_event(self, event: str, *args: Any) -> Any:
        """Every event's data passes the checks HTTP bodies pass (text, numbers, nesting) first."""
        if event not in ("connect", "disconnect"):
            try:
                for data in args[1:]:  # args[0] is the sid
                    refuse_bad_value(data, text=SURROGATES)
            except DomainError as error:
                return error_body(error.code, error.message, error.field) | {"status": STATUS[error.kind]}
        return super().trigger_event(event, *args)

    def on_refused_input(self, data: Any) -> dict[str, Any]:
        """A packet the decoder could not read at all (socket_json); its error goes back in the ack."""
        error = data if isinstance(data, dict) else {}
        return error_body(str(error.get("code", "invalid_json")), str(error.get("message", "not valid JSON")), None)

    # --- connection -------------------------------------------------------------------
    def on_connect(self, auth_data: dict[str, Any] | None = None) -> bool:
        data = auth_data if isinstance(auth_data, dict) else {}
        try:
            if "ticket" in data:
                return self._connect_holder(data)
            principal = auth.authenticate(self.wiring.deps, str(data.get("token", "")))
        except DomainError as error:
            log.info("socket refused: %s", error.message)
            return False
        self.principals[_sid()] = principal
        if principal.kind == "device":
            join_room(protocol.device_room(principal.id))
        return True

    def _connect_holder(self, data: dict[str, Any]) -> bool:
        try:
            ticket_id = int(data["ticket"])
        except (TypeError, ValueError):
            return False
        if not tickets.holder_may(self.wiring.deps, ticket_id, str(data.get("token", ""))):
            return False
        join_room(protocol.ticket_room(ticket_id))
        with self.lock:
            self.holders.setdefault(ticket_id, set()).add(_sid())
        self.socketio.start_background_task(self.wiring.holder_updates.push_now, ticket_id)
        return True

    def on_disconnect(self, *args: Any) -> None:
        sid = _sid()
        self.principals.pop(sid, None)
        with self.lock:
            for ticket_id in [t for t, sids in self.holders.items() if sid in sids]:
                self.holders[ticket_id].discard(sid)
                if not self.holders[ticket_id]:
                    del self.holders[ticket_id]

    # --- branch subscriptions ---------------------------------------------------------
    def on_subscribe(self, data: Any) -> dict[str, Any]:
        def run(principal: Principal | None, branch_id: int) -> dict[str, Any]:
            # Join first, then read: any event after the snapshot's seq reaches us live.
            queue.snapshot(self.wiring.deps, principal, branch_id)  # authorises before joining
            join_room(protocol.branch_room(branch_id))
            return {"snapshot": queue.snapshot(self.wiring.deps, principal, branch_id)}

        return self._branch_call(data, run)

    def on_sync(self, data: Any) -> dict[str, Any]:
        try:
            since = int(data.get("since_seq"))
        except (AttributeError, TypeError, ValueError):
            return error_body("validation_error", "since_seq must be an integer", "since_seq")

        def run(principal: Principal | None, branch_id: int) -> dict[str, Any]:
            queue.snapshot(self.wiring.deps, principal, branch_id)
            join_room(protocol.branch_room(branch_id))
            return queue.missed_events(self.wiring.deps, principal, branch_id, since)

        return self._branch_call(data, run)

    def _branch_call(self, data: Any, run: Any) -> dict[str, Any]:
        try:
            branch_id = int(data.get("branch_id"))
        except (AttributeError, TypeError, ValueError):
            return error_body("validation_error", "branch_id must be an integer", "branch_id")
        try:
            return run(self.principals.get(_sid()), branch_id)  # type: ignore[no-any-return]
        except DomainError as error:
            return error_body(error.code, error.message, error.field) | {"status": STATUS[error.kind]}

    # --- device reports ---------------------------------------------------------------
    def on_printer_status(self, data: Any) -> dict[str, Any]:
        return self._device_report("printer", data)

    def on_speech_status(self, data: Any) -> dict[str, Any]:
        return self._device_report("speech", data)

    def on_print_result(self, data: Any) -> dict[str, Any]:
        return self._device_report("print_result", data)

    def _device_report(self, kind: str, data: Any) -> dict[str, Any]:
        principal = self.principals.get(_sid())
        if principal is None or principal.kind != "device":
            return error_body("forbidden", "device reports come from devices", None)
        if not isinstance(data, dict):
            return error_body("validation_error", "a report is an object", None)
        from server.services import devices

        devices.report_status(self.wiring.deps, principal, kind, data)
        return {"ok": True}
