"""Presence: heartbeats of device parts and counter terminals, what they say in the device
list and alerts, and the pause of a counter whose teller's terminal is gone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server import protocol
from server.domain.alerts import Thresholds, Wanted
from server.domain.classes import CounterStatus
from server.domain.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from server.domain.presence import Beat, Terminal, counters_to_pause, silent_s, terminal_alerts, worst_part
from server.domain.records import MAX_ID, Branch, Device, Principal
from server.services.context import STAFF_ROLES, Deps, audit, found, require
from server.services.views import counters_now, iso

# Connected parts are marked every 10 s; one not marked for this long has left every process.
AGENT_FRESH_S = 30
AUTO_PAUSE_REASON = "terminal_gone"


def beat(deps: Deps, parts: list[tuple[int, str, int, str]]) -> None:
    """``(branch_id, subject, subject_id, part)`` are alive now."""
    if not parts:
        return
    now = deps.clock()
    with deps.store.write() as uow:
        for branch_id, subject, subject_id, part in sorted(set(parts)):
            uow.presence.beat(branch_id, subject, subject_id, part, now)


def _beats(uow: Any, branch_id: int) -> list[Beat]:
    return [
        Beat(r["subject"], r["subject_id"], r["part"], r["last_seen_at"], r["paused_at"])
        for r in uow.presence.for_branch(branch_id)
    ]


def device_beats(uow: Any, branch_id: int) -> dict[int, list[Beat]]:
    out: dict[int, list[Beat]] = {}
    for b in _beats(uow, branch_id):
        if b.subject == "device":
            out.setdefault(b.subject_id, []).append(b)
    return out


def device_silence(device: Device, beats: list[Beat], now: datetime) -> tuple[int | None, str | None]:
    """Seconds the device's most silent part has been silent (None: never heard from), and that part."""
    worst = worst_part(beats, now)
    if worst is not None:
        return worst[1], worst[0]
    seen = device.last_seen_at
    return (None if seen is None else silent_s(now, seen)), None


def device_presence(device: Device, beats: list[Beat], branch: Branch, now: datetime) -> dict[str, Any]:
    """``online``, ``last_seen`` and each part's own, for the device list."""
    heartbeat = Thresholds.from_settings(branch.settings).device_heartbeat_s
    silent, _ = device_silence(device, beats, now)
    tz = branch.timezone
    parts = {
        b.part: {"online": silent_s(now, b.last_seen_at) <= heartbeat, "last_seen": iso(b.last_seen_at, tz)}
        for b in beats
    }
    return {
        "online": silent is not None and silent <= heartbeat,
        "last_seen": iso(device.last_seen_at, branch.timezone),
        "parts": parts,
    }


def terminals(uow: Any, branch_id: int) -> list[Terminal]:
    beats = {b.subject_id: b for b in _beats(uow, branch_id) if b.subject == "counter" and b.part == "terminal"}
    since = uow.alerts.status_since(branch_id)
    return [
        Terminal(c.id, c.number, c.status.value, since.get(c.id), beats.get(c.id))
        for c in uow.counters.for_branch(branch_id)
    ]


def presence_alerts(uow: Any, branch: Branch, now: datetime) -> dict[str, Wanted]:
    found = terminal_alerts(terminals(uow, branch.id), now, Thresholds.from_settings(branch.settings))
    return {a.key: a for a in found}


def agent_alive(deps: Deps, device_id: int) -> bool:
    """Whether some process heard the device's agent lately (its own process asks its sockets first)."""
    now = deps.clock()
    with deps.store.read() as uow:
        device = uow.devices.get(device_id)
        if device is None:
            return False
        beats = device_beats(uow, device.branch_id).get(device_id, [])
    fresh = now - timedelta(seconds=AGENT_FRESH_S)
    return any(b.part == "agent" and b.last_seen_at >= fresh for b in beats)


def pause_gone_counters(deps: Deps) -> int:
    """Pause every open counter whose teller's terminal has been gone past the branch's limit,
    so routing and the wait forecasts stop counting it; audited with the reason."""
    now = deps.clock()
    with deps.store.read() as uow:
        due = [b.id for b in uow.branches.all() if _gone(uow, b, now)]
    paused = 0
    for branch_id in due:
        with deps.store.write() as uow:
            uow.branches.lock(branch_id)
            branch = found(uow.branches.get(branch_id), "branch")
            changed = []
            for terminal in _gone(uow, branch, now):
                values = {"status": CounterStatus.PAUSED.value, "status_since": now}
                counter = uow.counters.update(terminal.counter_id, values)
                uow.presence.mark_paused(counter.id, now)
                gone_s = silent_s(now, terminal.beat.last_seen_at) if terminal.beat else None
                detail = {"counter_id": counter.id, "number": counter.number, "from": "open", "to": "paused"}
                detail |= {"reason": AUTO_PAUSE_REASON, "gone_s": gone_s}
                audit(uow, branch_id, None, now, "counter_status", detail)
                changed.append(counter)
            for view in counters_now(uow, changed):
                uow.emit(branch_id, protocol.COUNTER_CHANGED, {"counter": view, "reason": AUTO_PAUSE_REASON}, now)
        deps.commit_and_publish(uow)
        paused += len(changed)
    return paused


def _gone(uow: Any, branch: Branch, now: datetime) -> list[Terminal]:
    return counters_to_pause(terminals(uow, branch.id), now, Thresholds.from_settings(branch.settings))


def claim_terminal(deps: Deps, principal: Principal | None, given: Any) -> tuple[int, int]:
    """A teller's ``/counter`` page says it works this counter: ``(branch_id, counter_id)``."""
    try:
        counter_id = int(given)
    except (TypeError, ValueError):
        raise InvalidInput("validation_error", "counter_id must be an integer", "counter_id") from None
    if principal is None:
        raise Unauthorized("unauthorized", "log in first")
    if principal.kind != "user":
        raise Forbidden("forbidden", "a counter terminal is a staff member's page", None)
    with deps.store.read() as uow:
        counter = uow.counters.get(counter_id) if 1 <= counter_id <= MAX_ID else None
        if counter is None or not principal.can_see(counter.branch_id):
            raise NotFound("counter_not_found", "no such counter", "counter_id")
    require(principal, STAFF_ROLES, counter.branch_id)
    return int(counter.branch_id), counter_id
