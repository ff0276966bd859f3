"""The display PC agent: speaks calls through the PC's speakers (the browser page is the main path).

It subscribes to its branch, and for every live ``ticket_called`` fetches the announcement
WAV and plays it with ``aplay``, one at a time. Each branch event carries ``seq``: an event at
or below the last seen ``seq`` is a repeat and is not announced again (a recall is a new
event with its own ``seq``). After a reconnect the agent resyncs; calls it missed while away
are stale by then and are not announced.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import tempfile
import threading
from typing import Any, Protocol
from urllib.parse import urljoin

import requests
import socketio

from server import protocol

log = logging.getLogger(__name__)


class Player(Protocol):
    def play(self, wav: bytes) -> None: ...


class AplayPlayer:
    """Plays through ALSA's ``aplay``; missing ``aplay`` is reported, not fatal."""

    def __init__(self, command: str = "aplay") -> None:
        self.path = shutil.which(command)

    @property
    def reason(self) -> str:
        return "" if self.path else "aplay not found: install alsa-utils"

    def play(self, wav: bytes) -> None:
        if not self.path:
            return
        with tempfile.NamedTemporaryFile(suffix=".wav") as audio:
            audio.write(wav)
            audio.flush()
            subprocess.run([self.path, "-q", audio.name], check=False, timeout=60)


class DisplayAgent:
    def __init__(self, server_url: str, token: str, branch_id: int, player: Player) -> None:
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.branch_id = branch_id
        self.player = player
        self.seq: int | None = None
        self.sio = socketio.Client(reconnection=True, reconnection_attempts=0, reconnection_delay_max=30)
        self._calls: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._seq_lock = threading.Lock()
        self.sio.on("connect", self._on_connect)
        self.sio.on(protocol.TICKET_CALLED, self.on_ticket_called)

    def start(self) -> None:
        threading.Thread(target=self._speak_loop, name="display-agent-speaker", daemon=True).start()
        self.sio.connect(self.server_url, auth={"token": self.token, "agent": True}, wait_timeout=5, retry=True)

    def run_forever(self) -> None:
        self.start()
        try:
            self.sio.wait()
        finally:
            self.stop()

    def stop(self) -> None:
        self._calls.put(None)
        threading.Thread(target=self.sio.shutdown, daemon=True).start()

    def _on_connect(self) -> None:
        reason = getattr(self.player, "reason", "")
        status = {"status": "unavailable" if reason else "ok", "detail": reason}
        self.sio.emit(protocol.SPEECH_STATUS, status)
        if self.seq is None:
            self.sio.emit(protocol.SUBSCRIBE, {"branch_id": self.branch_id}, callback=self._on_snapshot)
        else:
            since = {"branch_id": self.branch_id, "since_seq": self.seq}
            self.sio.emit(protocol.SYNC, since, callback=self._on_sync)

    def _on_snapshot(self, ack: dict[str, Any]) -> None:
        self._advance(int(ack.get("snapshot", {}).get("seq", 0)))

    def _on_sync(self, ack: dict[str, Any]) -> None:
        seqs = [int(event["data"].get("seq", 0)) for event in ack.get("events", [])]
        seqs.append(int(ack.get("snapshot", {}).get("seq", 0)))
        self._advance(max(seqs))

    def _advance(self, seq: int) -> bool:
        """Record ``seq``; False when it is not newer than what was already seen."""
        with self._seq_lock:
            if self.seq is not None and seq <= self.seq:
                return False
            self.seq = seq
            return True

    def on_ticket_called(self, event: dict[str, Any]) -> None:
        if event.get("branch_id") != self.branch_id or not self._advance(int(event.get("seq", 0))):
            return
        self._calls.put(event)

    def _speak_loop(self) -> None:
        while (event := self._calls.get()) is not None:
            try:
                self.player.play(self.fetch_audio(event))
            except (requests.RequestException, OSError, subprocess.SubprocessError) as exc:
                log.warning("could not announce %s: %s", event.get("number"), exc)

    def fetch_audio(self, event: dict[str, Any]) -> bytes:
        url = urljoin(self.server_url + "/", event["announcement"]["audio_url"])
        response = requests.get(url, headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        response.raise_for_status()
        return response.content
