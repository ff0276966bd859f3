"""Socket.IO: branch subscriptions with snapshot + seq resync, ticket holders, devices."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import current_app, request
from flask_socketio import Namespace, join_room

from server import protocol
from server.domain.errors import DomainError, Unauthorized
from server.domain.records import Principal
from server.services import auth, devices, presence, queue, tickets
from server.store.faults import StoreFault
from server.web.context import Wiring
from server.web.errors import STATUS, error_body, store_fault_body
from server.web.input_guard import SURROGATES, refuse_bad_value
from server.web.presence import PresenceRegistry

log = logging.getLogger(__name__)


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
        # sid -> the token it connected with; (kind, id) -> its sids: re-checked on revocation
        self.tokens: dict[str, str] = {}
        self.sids_of: dict[tuple[str, int], set[str]] = {}
        # ticket id -> sids of holders connected to this process
        self.holders: dict[int, set[str]] = {}
        self.lock = threading.Lock()
        self.presence = PresenceRegistry()

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
    def _eio_sid(self) -> str:
        eio_sid: str = self.socketio.server.manager.eio_sid_from_sid(_sid(), self.namespace)
        return eio_sid

    def on_connect(self, auth_data: dict[str, Any] | None = None) -> bool:
        if self._admit(auth_data if isinstance(auth_data, dict) else {}):
            return True
        # A refused client keeps no socket: the refusal goes out, then the transport closes.
        self.wiring.admission.close(self._eio_sid())
        return False

    def _admit(self, data: dict[str, Any]) -> bool:
        admission = self.wiring.admission
        try:
            if "ticket" in data:
                if not admission.join_holder(self._eio_sid()):
                    log.info("socket refused: too many ticket holders from one address")
                    return False
                return self._connect_holder(data)
            token = str(data.get("token", ""))
            principal = auth.authenticate(self.wiring.deps, token)
        except DomainError as error:
            log.info("socket refused: %s", error.message)
            return False
        if not admission.join_credential(self._eio_sid(), f"{principal.kind}:{principal.id}"):
            log.info("socket refused: %s %s holds too many connections", principal.kind, principal.id)
            return False
        self._remember(_sid(), token, principal)
        if principal.kind == "device":
            join_room(protocol.device_room(principal.id))
            devices.seen(self.wiring.deps, [principal.id])
            self._hold_device_part(principal, "agent" if data.get("agent") is True else "page")
        return True

    def _hold_device_part(self, principal: Principal, part: str) -> None:
        held = (principal.branch_ids[0] if principal.branch_ids else 0, "device", principal.id, part)
        self.presence.hold(_sid(), held)
        presence.beat(self.wiring.deps, [held])
        if part == "agent":
            self._agent_status(principal.id, True)

    def _agent_status(self, device_id: int, online: bool) -> None:
        """Tell the device's page at once that its agent came or went."""
        room = protocol.device_room(device_id)
        self.socketio.emit(protocol.AGENT_STATUS, {"device_id": device_id, "online": online}, to=room)

    def connected_parts(self) -> list[tuple[int, str, int, str]]:
        return self.presence.held()

    def connected_devices(self) -> list[int]:
        """Devices with a live socket to this process: Socket.IO's pings keep it only while they answer."""
        return sorted({p.id for p in list(self.principals.values()) if p.kind == "device"})

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
        self._forget(sid)
        part = self.presence.release(sid)
        if part is None:
            return
        try:
            presence.beat(self.wiring.deps, [part])  # alive until now: its silence starts here
        except StoreFault:
            log.warning("last heartbeat of %s not stored", part)
        if part[3] == "agent" and not self.presence.agent_here(part[2]):
            self._agent_status(part[2], False)
        with self.lock:
            for ticket_id in [t for t, sids in self.holders.items() if sid in sids]:
                self.holders[ticket_id].discard(sid)
                if not self.holders[ticket_id]:
                    del self.holders[ticket_id]

    # --- who holds each socket ----------------------------------------------------------
    def _remember(self, sid: str, token: str, principal: Principal) -> None:
        with self.lock:
            self.principals[sid], self.tokens[sid] = principal, token
            self.sids_of.setdefault((principal.kind, principal.id), set()).add(sid)

    def _forget(self, sid: str) -> None:
        with self.lock:
            principal = self.principals.pop(sid, None)
            self.tokens.pop(sid, None)
            if principal is not None:
                sids = self.sids_of.get((principal.kind, principal.id), set())
                sids.discard(sid)
                if not sids:
                    self.sids_of.pop((principal.kind, principal.id), None)

    def recheck_principal(self, kind: str, principal_id: int) -> None:
        """A credential changed: drop this process's sockets whose token no longer works,
        and take those whose principal now sees fewer branches out of the others' rooms."""
        with self.lock:
            held = [(sid, self.tokens[sid]) for sid in self.sids_of.get((kind, principal_id), ())]
        for sid, token in held:
            try:
                principal = auth.authenticate(self.wiring.deps, token)
            except Unauthorized:
                self._drop(sid)
                continue
            with self.lock:
                if sid in self.principals:
                    self.principals[sid] = principal
            self._leave_unseen_rooms(sid, principal)

    def _leave_unseen_rooms(self, sid: str, principal: Principal) -> None:
        server = self.socketio.server
        for room in server.rooms(sid, namespace=self.namespace):
            branch_id = protocol.branch_of_room(room)
            if branch_id is not None and not principal.can_see(branch_id):
                server.leave_room(sid, room, namespace=self.namespace)

    def _drop(self, sid: str) -> None:
        log.info("socket %s disconnected: its credential was revoked", sid)
        self._forget(sid)
        self.socketio.server.disconnect(sid, namespace=self.namespace, ignore_queue=True)

    def _caller(self) -> Principal | None:
        """The socket's principal, checked again (through the short-lived token cache) on
        every event, so a revocation whose announcement was lost still bites here."""
        sid = _sid()
        token = self.tokens.get(sid)
        if token is None:
            return None
        try:
            principal: Principal = current_app.extensions["branchq_principals"].authenticate(self.wiring.deps, token)
        except Unauthorized:
            self._drop(sid)
            raise
        return principal

    # --- branch subscriptions ---------------------------------------------------------
    def on_subscribe(self, data: Any) -> dict[str, Any]:
        def run(principal: Principal | None, branch_id: int) -> dict[str, Any]:
            # Join first, then read: any event after the snapshot's seq reaches us live.
            queue.check_screen(self.wiring.deps, principal, branch_id)  # authorises before joining
            join_room(protocol.branch_room(branch_id))
            return {"snapshot": queue.snapshot(self.wiring.deps, principal, branch_id)}

        return self._branch_call(data, run)

    def on_sync(self, data: Any) -> dict[str, Any]:
        try:
            since = int(data.get("since_seq"))
        except (AttributeError, TypeError, ValueError):
            return error_body("validation_error", "since_seq must be an integer", "since_seq")

        def run(principal: Principal | None, branch_id: int) -> dict[str, Any]:
            queue.check_screen(self.wiring.deps, principal, branch_id)
            join_room(protocol.branch_room(branch_id))
            return queue.missed_events(self.wiring.deps, principal, branch_id, since)

        return self._branch_call(data, run)

    def _branch_call(self, data: Any, run: Any) -> dict[str, Any]:
        try:
            branch_id = int(data.get("branch_id"))
        except (AttributeError, TypeError, ValueError):
            return error_body("validation_error", "branch_id must be an integer", "branch_id")
        try:
            return run(self._caller(), branch_id)  # type: ignore[no-any-return]
        except DomainError as error:
            return error_body(error.code, error.message, error.field) | {"status": STATUS[error.kind]}
        except StoreFault as fault:
            return _fault_ack(fault)

    # --- presence ----------------------------------------------------------------------
    def on_counter_terminal(self, data: Any) -> dict[str, Any]:
        """A teller's /counter page works this counter: its socket is the counter's heartbeat."""
        try:
            principal = self._caller()
            counter_id = data.get("counter_id") if isinstance(data, dict) else None
            branch_id, counter_id = presence.claim_terminal(self.wiring.deps, principal, counter_id)
            held = (branch_id, "counter", counter_id, "terminal")
            self.presence.hold(_sid(), held)
            presence.beat(self.wiring.deps, [held])
        except DomainError as error:
            return error_body(error.code, error.message, error.field) | {"status": STATUS[error.kind]}
        except StoreFault as fault:
            return _fault_ack(fault)
        return {"ok": True}

    def on_agent_status(self, data: Any = None) -> dict[str, Any]:
        """A device's page asks whether its agent is connected (here, or lately to any process)."""
        try:
            principal = self._caller()
            if principal is None or principal.kind != "device":
                return error_body("forbidden", "only a device has an agent", None) | {"status": 403}
            # One process (no message queue) holds every socket: its own sockets are the whole truth.
            # With several, the agent may be held elsewhere: then its latest stored heartbeat says.
            several = bool(self.wiring.settings.message_queue)
            online = self.presence.agent_here(principal.id) or (
                several and presence.agent_alive(self.wiring.deps, principal.id)
            )
        except DomainError as error:
            return error_body(error.code, error.message, error.field) | {"status": STATUS[error.kind]}
        except StoreFault as fault:
            return _fault_ack(fault)
        return {"device_id": principal.id, "online": online}

    # --- device reports ---------------------------------------------------------------
    def on_printer_status(self, data: Any) -> dict[str, Any]:
        return self._device_report("printer", data)

    def on_speech_status(self, data: Any) -> dict[str, Any]:
        return self._device_report("speech", data)

    def on_print_result(self, data: Any) -> dict[str, Any]:
        return self._device_report("print_result", data)

    def _device_report(self, kind: str, data: Any) -> dict[str, Any]:
        try:
            principal = self._caller()
        except Unauthorized as error:
            return error_body(error.code, error.message, error.field) | {"status": STATUS[error.kind]}
        if principal is None or principal.kind != "device":
            return error_body("forbidden", "device reports come from devices", None) | {"status": 403}
        if not isinstance(data, dict):
            return error_body("validation_error", "a report is an object", None)
        try:
            devices.report_status(self.wiring.deps, principal, kind, data)
        except StoreFault as fault:
            return _fault_ack(fault)
        return {"ok": True}


def _fault_ack(fault: StoreFault) -> dict[str, Any]:
    """The HTTP 503 answer as an ack: the client retries after ``retry_after`` seconds."""
    log.warning("socket event answered 503: %s", fault)
    body, retry_after = store_fault_body(fault)
    return body | {"status": 503, "retry_after": retry_after}
