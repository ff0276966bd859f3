"""Who may hold a live connection, so that no one client can crowd out the rest.

- A client address holds at most ``max_per_ip`` Engine.IO sessions that are not staff or
  devices (phones following tickets, pages before they log in, refused connects); past it
  the handshake itself is refused (401), before any session state exists.
- A staff or device credential holds at most ``max_per_credential`` connections.
- A session must join the namespace within ``join_timeout`` seconds, and one whose
  connect is refused is closed at once: a refused or silent client never keeps a socket.

The counts are kept from Engine.IO's own connect and disconnect events, wrapped around
python-socketio's handlers the way python-socketio's admin instrumentation does it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

log = logging.getLogger(__name__)


def client_address(environ: dict[str, Any]) -> str:
    return str(environ.get("REMOTE_ADDR") or "?")


class Admission:
    def __init__(self, socketio: Any, *, max_per_ip: int, max_per_credential: int, join_timeout: float) -> None:
        self.socketio = socketio
        self.max_per_ip = max_per_ip
        self.max_per_credential = max_per_credential
        self.join_timeout = join_timeout
        self.lock = threading.Lock()
        self.by_ip: Counter[str] = Counter()
        self.by_credential: Counter[str] = Counter()
        self.address: dict[str, str] = {}  # eio sid -> client address, while it counts there
        self.credential: dict[str, str] = {}  # eio sid -> credential key, once joined as staff/device
        self.joining: dict[str, float] = {}  # eio sid -> when it opened, until it joins
        self.refused_handshakes = 0

    def install(self) -> None:
        eio = self.socketio.server.eio
        inner_connect, inner_disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

        def connect(eio_sid: str, environ: dict[str, Any]) -> Any:
            if not self.admit(eio_sid, client_address(environ)):
                return False
            return inner_connect(eio_sid, environ)

        def disconnect(eio_sid: str, reason: Any = None) -> Any:
            self.forget(eio_sid)
            return inner_disconnect(eio_sid, reason)

        eio.on("connect", connect)
        eio.on("disconnect", disconnect)

    # --- Engine.IO sessions -------------------------------------------------------------
    def admit(self, eio_sid: str, address: str) -> bool:
        with self.lock:
            if self.max_per_ip and self.by_ip[address] >= self.max_per_ip:
                self.refused_handshakes += 1
                if self.refused_handshakes % 1000 == 1:
                    log.warning(
                        "refusing connections from %s: %d held (cap %d)", address, self.by_ip[address], self.max_per_ip
                    )
                return False
            self.by_ip[address] += 1
            self.address[eio_sid] = address
            self.joining[eio_sid] = time.monotonic()
        return True

    def forget(self, eio_sid: str) -> None:
        with self.lock:
            self.joining.pop(eio_sid, None)
            address = self.address.pop(eio_sid, None)
            if address is not None:
                self._decrement(self.by_ip, address)
            credential = self.credential.pop(eio_sid, None)
            if credential is not None:
                self._decrement(self.by_credential, credential)

    @staticmethod
    def _decrement(counter: Counter[str], key: str) -> None:
        counter[key] -= 1
        if counter[key] <= 0:
            del counter[key]

    # --- namespace joins ----------------------------------------------------------------
    def joined_as_holder(self, eio_sid: str) -> None:
        with self.lock:
            self.joining.pop(eio_sid, None)

    def join_credential(self, eio_sid: str, credential: str) -> bool:
        """A staff or device connection: counted per credential instead of per address."""
        with self.lock:
            if self.max_per_credential and self.by_credential[credential] >= self.max_per_credential:
                return False
            self.joining.pop(eio_sid, None)
            address = self.address.pop(eio_sid, None)
            if address is not None:
                self._decrement(self.by_ip, address)
            self.credential[eio_sid] = credential
            self.by_credential[credential] += 1
        return True

    def close(self, eio_sid: str) -> None:
        """Close a session whose connect was refused, once the refusal has been queued to it."""

        def later() -> None:
            try:
                self.socketio.server.eio.disconnect(eio_sid)
            except Exception:  # already gone
                log.debug("closing %s failed", eio_sid, exc_info=True)

        self.socketio.start_background_task(later)

    # --- the sweeper --------------------------------------------------------------------
    def stale(self, now: float) -> list[str]:
        with self.lock:
            return [sid for sid, opened in self.joining.items() if now - opened > self.join_timeout]

    def sweep_forever(self, interval: float = 2.0) -> None:
        while True:
            self.socketio.sleep(interval)
            for eio_sid in self.stale(time.monotonic()):
                log.info("closing a connection that never joined within %.0f s", self.join_timeout)
                self.forget(eio_sid)
                try:
                    self.socketio.server.eio.disconnect(eio_sid)
                except Exception:
                    log.debug("closing %s failed", eio_sid, exc_info=True)

    def figures(self) -> dict[str, int]:
        with self.lock:
            return {
                "connections": len(self.address) + len(self.credential),
                "addresses": len(self.by_ip),
                "refused_handshakes": self.refused_handshakes,
            }
