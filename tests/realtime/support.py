"""A subscribed screen: a real python-socketio client that records what it receives."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import engineio
import socketio

from server import protocol


class _WireRecorder(engineio.Client):  # type: ignore[misc]
    """Notes each branch event's seq in the order packets come off the socket.

    python-socketio runs every event handler on a new thread, so handler order is not
    wire order; this hook runs in the read loop itself.
    """

    wire_seqs: list[int]
    # seq -> time.perf_counter() when it came off the socket
    wire_times: dict[int, float]

    def _receive_packet(self, pkt: Any) -> None:
        data = pkt.data
        if isinstance(data, str) and data.startswith("2["):
            try:
                payload = json.loads(data[1:])
                if payload[0] in protocol.BRANCH_EVENTS:
                    self.wire_seqs.append(payload[1]["seq"])
                    self.wire_times[payload[1]["seq"]] = time.perf_counter()
            except (ValueError, KeyError, IndexError, TypeError):
                pass
        super()._receive_packet(pkt)


class _RecordingClient(socketio.Client):  # type: ignore[misc]
    def _engineio_client_class(self) -> Any:
        return _WireRecorder


class Screen:
    """Subscribes to a branch, applies events strictly in seq order, resyncs on reconnect."""

    def __init__(self, url: str, token: str, branch_id: int) -> None:
        self.url, self.token, self.branch_id = url, token, branch_id
        self.client = _RecordingClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.eio.wire_seqs = []
        self.client.eio.wire_times = {}
        self.pending: dict[int, tuple[str, dict[str, Any]]] = {}
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self.seq = 0
        self.snapshot_seq = 0
        self.lock = threading.Lock()
        self.resyncs = 0
        self.gap_resyncs = 0
        self.gap_timer: threading.Timer | None = None
        for name in protocol.BRANCH_EVENTS:
            self.client.on(name, self._handler(name))
        self.client.on("connect", self._on_connect)
        self.disconnects = 0
        self.client.on("disconnect", self._on_disconnect)

    def _handler(self, name: str) -> Any:
        def handle(data: dict[str, Any]) -> None:
            self.apply(name, data)

        return handle

    @property
    def wire_seqs(self) -> list[int]:
        return list(self.client.eio.wire_seqs)

    def new_wire_seqs(self) -> list[int]:
        """Wire order of the events after the snapshot (older ones may be pushed again after a
        restart and are ignored by every client)."""
        return [seq for seq in self.wire_seqs if seq > self.snapshot_seq]

    def apply(self, name: str, data: dict[str, Any]) -> None:
        """Apply strictly in seq order: hold early arrivals until the one before them comes."""
        with self.lock:
            seq = data["seq"]
            if seq <= self.seq:
                return  # already seen (e.g. via sync)
            self.pending[seq] = (name, data)
            self._drain()
            if self.pending and not self.gap_timer:
                # A hole in seq: give a late packet a moment, then ask for what is missing.
                self.gap_timer = threading.Timer(0.5, self._gap_check, args=(self.seq,))
                self.gap_timer.start()

    def _gap_check(self, seq_then: int) -> None:
        self.gap_timer = None
        if self.pending and self.seq == seq_then:
            self.gap_resyncs += 1
            self._resync()

    def _drain(self) -> None:
        for old in [s for s in self.pending if s <= self.seq]:
            del self.pending[old]
        while self.seq + 1 in self.pending:
            self.seq += 1
            name, data = self.pending.pop(self.seq)
            self.events.append((self.seq, name, data))

    def _on_disconnect(self, *args: Any) -> None:
        self.disconnects += 1

    def _on_connect(self) -> None:
        if self.seq == 0:
            return
        # Reconnected: fetch what was missed, in order.
        self.resyncs += 1
        self.client.start_background_task(self._resync)

    def _resync(self) -> None:
        answer = self.client.call(protocol.SYNC, {"branch_id": self.branch_id, "since_seq": self.seq}, timeout=10)
        if "snapshot" in answer:
            with self.lock:
                self.seq = answer["snapshot"]["seq"]
            return
        for item in answer["events"]:
            self.apply(item["event"], item["data"])

    def connect(self, transports: tuple[str, ...] = ("websocket",)) -> Screen:
        """``("polling", "websocket")`` starts on long-polling and upgrades, as browsers do."""
        self.client.connect(self.url, auth={"token": self.token}, transports=list(transports), wait_timeout=30)
        answer = self.client.call(protocol.SUBSCRIBE, {"branch_id": self.branch_id}, timeout=30)
        with self.lock:
            self.snapshot_seq = self.seq = answer["snapshot"]["seq"]
            self._drain()
        return self

    def wait_for_seq(self, seq: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.seq >= seq:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        self.client.disconnect()

    def names(self, name: str) -> list[dict[str, Any]]:
        return [data for _seq, n, data in self.events if n == name]
