from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class FakeClock:
    """Time as an input: tests move it, nothing sleeps."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self.now += timedelta(seconds=seconds)
            return self.now

    def set(self, when: datetime) -> None:
        with self._lock:
            self.now = when
