"""Who is still there: the heartbeats of device parts and counter terminals, read as silences.

A device has parts that connect on their own: the page (the kiosk or TV screen) and the agent
(the kiosk's printer agent, the display's voice). A part never heard from is not set up, so
it is not missed; one heard from and then silent is. A counter's terminal is the teller's
``/counter`` page; it counts for the counter's current open period only (a terminal last
seen before the counter was opened again by other means is not this period's terminal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from server.domain.alerts import Thresholds, Wanted
from server.domain.text import Text

PARTS = ("page", "agent")


@dataclass(frozen=True)
class Beat:
    subject: str  # "device" | "counter"
    subject_id: int
    part: str  # "page" | "agent" | "terminal"
    last_seen_at: datetime
    paused_at: datetime | None = None


@dataclass(frozen=True)
class Terminal:
    """A counter with the last beat of its teller's terminal."""

    counter_id: int
    number: int
    status: str
    status_since: datetime | None
    beat: Beat | None


def silent_s(now: datetime, then: datetime) -> int:
    return max(0, int((now - then).total_seconds()))


def part_silences(beats: Iterable[Beat], now: datetime) -> dict[str, int]:
    """Seconds each part of one device has been silent."""
    return {b.part: silent_s(now, b.last_seen_at) for b in beats}


def worst_part(beats: Iterable[Beat], now: datetime) -> tuple[str, int] | None:
    """The part silent longest, with its silence; None when no part was ever heard from."""
    silences = part_silences(beats, now)
    if not silences:
        return None
    part = max(silences, key=lambda p: (silences[p], p == "agent"))
    return part, silences[part]


def terminal_silence(terminal: Terminal, now: datetime) -> int | None:
    """How long this counter's terminal has been gone, or None when it has none to miss."""
    beat = terminal.beat
    if beat is None or terminal.status == "closed":
        return None
    since = terminal.status_since
    this_period = since is None or beat.last_seen_at >= since
    # paused because the terminal went: the pause is still its doing
    paused_for_it = terminal.status == "paused" and _same_moment(beat.paused_at, since)
    if not (this_period or paused_for_it):
        return None
    return silent_s(now, beat.last_seen_at)


def counters_to_pause(terminals: Iterable[Terminal], now: datetime, limits: Thresholds) -> list[Terminal]:
    """Open counters whose teller's terminal has been gone past the limit."""
    out = []
    for terminal in terminals:
        gone = terminal_silence(terminal, now)
        if terminal.status == "open" and gone is not None and gone > limits.counter_gone_s:
            out.append(terminal)
    return out


def terminal_alerts(terminals: Iterable[Terminal], now: datetime, limits: Thresholds) -> list[Wanted]:
    """``device_offline`` for every counter whose terminal is silent past the heartbeat."""
    out = []
    for terminal in terminals:
        gone = terminal_silence(terminal, now)
        if gone is None or gone <= limits.device_heartbeat_s:
            continue
        message = Text("alert.message.terminal_offline", {"counter": terminal.number, "s": gone})
        out.append(Wanted("device_offline", {"counter_id": terminal.counter_id}, "critical", message))
    return out


def _same_moment(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs((a - b).total_seconds()) < 1
