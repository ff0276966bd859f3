"""Which parts this process holds a live socket for: device pages and agents, counter terminals.

Socket.IO's own pings keep a socket only while its client answers, so a held socket is a
heartbeat; every 10 s the periodic flush writes them to the store (``services.presence.beat``) so every
process and the alert rules see them. A device's page learns here, at once, whether its
agent (the kiosk's printer agent) is connected.
"""

from __future__ import annotations

import threading

# (branch_id, subject, subject_id, part)
Part = tuple[int, str, int, str]


class PresenceRegistry:
    def __init__(self) -> None:
        self._parts: dict[str, Part] = {}
        self._lock = threading.Lock()

    def hold(self, sid: str, part: Part) -> None:
        with self._lock:
            self._parts[sid] = part

    def release(self, sid: str) -> Part | None:
        with self._lock:
            return self._parts.pop(sid, None)

    def held(self) -> list[Part]:
        with self._lock:
            return sorted(set(self._parts.values()))

    def agent_here(self, device_id: int) -> bool:
        with self._lock:
            return any(p[1] == "device" and p[2] == device_id and p[3] == "agent" for p in self._parts.values())
