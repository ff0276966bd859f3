"""Who may hold a live connection, so that no one client can crowd out the rest.

- A client address holds at most ``max_per_ip`` sessions that are not staff or devices:
  phones following tickets, and sessions that have not joined yet (past that, the
  handshake itself is refused with a 401, before any session state exists). Staff and
  devices are counted apart, so a branch's display still connects from the address its
  customers' phones share.
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
        self.pending_by_ip: Counter[str] = Counter()  # sessions that have not joined yet
        self.by_ip: Counter[str] = Counter()  # ticket holders
        self.by_credential: Counter[str] = Counter()
        self.address: dict[str, str] = {}  # eio sid -> client address, while it counts there
        self.holder: set[str] = set()  # eio sids joined as ticket holders
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
    def _full(self, counter: Counter[str], address: str) -> bool:
        if not self.max_per_ip or counter[address] < self.max_per_ip:
            return False
        self.refused_handshakes += 1
        if self.refused_handshakes % 1000 == 1:
            log.warning("refusing connections from %s: %d held (cap %d)", address, counter[address], self.max_per_ip)
        return True

    def admit(self, eio_sid: str, address: str) -> bool:
        with self.lock:
            if self._full(self.pending_by_ip, address):
                return False
            self.pending_by_ip[address] += 1
            self.address[eio_sid] = address
            self.joining[eio_sid] = time.monotonic()
        return True

    def _leave_pending(self, eio_sid: str) -> str | None:
        address = self.address.get(eio_sid)
        if self.joining.pop(eio_sid, None) is not None and address is not None:
            self._decrement(self.pending_by_ip, address)
        return address

    def forget(self, eio_sid: str) -> None:
        with self.lock:
            self._leave_pending(eio_sid)
            address = self.address.pop(eio_sid, None)
            if eio_sid in self.holder and address is not None:
                self._decrement(self.by_ip, address)
            self.holder.discard(eio_sid)
            credential = self.credential.pop(eio_sid, None)
            if credential is not None:
                self._decrement(self.by_credential, credential)

    @staticmethod
    def _decrement(counter: Counter[str], key: str) -> None:
        counter[key] -= 1
        if counter[key] <= 0:
            del counter[key]

    # --- namespace joins ----------------------------------------------------------------
    def join_holder(self, eio_sid: str) -> bool:
        """A ticket holder: counted against its address."""
        with self.lock:
            address = self.address.get(eio_sid)
            if address is None:  # a session that never came through the handshake (an in-process test client)
                return True
            if eio_sid in self.holder or self._full(self.by_ip, address):
                return False
            self._leave_pending(eio_sid)
            self.by_ip[address] += 1
            self.holder.add(eio_sid)
        return True

    def join_credential(self, eio_sid: str, credential: str) -> bool:
        """A staff or device connection: counted per credential instead of per address."""
        with self.lock:
            if self.max_per_credential and self.by_credential[credential] >= self.max_per_credential:
                return False
            self._leave_pending(eio_sid)
            self.address.pop(eio_sid, None)
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
                "holders": len(self.holder),
                "addresses": len(self.by_ip),
                "refused_handshakes": self.refused_handshakes,
            }
