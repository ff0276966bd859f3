"""Branch alerts: raised and cleared by the rules in :mod:`server.domain.alerts`, run every few
seconds by the scheduler; listed and acknowledged by managers; pushed as the ``alert`` event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server import protocol
from server.domain.alerts import (
    CounterState,
    DeviceState,
    LowFeedback,
    ServiceLoad,
    Thresholds,
    Wanted,
    wanted_alerts,
)
from server.domain.classes import CounterStatus
from server.domain.errors import InvalidInput, NotFound
from server.domain.forecast import Forecast
from server.domain.records import Branch, Principal
from server.i18n import render_all
from server.services import presence
from server.services.context import Deps, found, require
from server.services.ports import UnitOfWork
from server.services.views import iso, serving_counters

MANAGERS = ("admin", "manager")
# a predicted breach is judged on a forecast at most this old
FORECAST_MAX_AGE_S = 30
STATES = ("open", "all")


def alert_view(alert: dict[str, Any], timezone: str) -> dict[str, Any]:
    return {
        "id": alert["id"],
        "branch_id": alert["branch_id"],
        "kind": alert["kind"],
        "severity": alert["severity"],
        "subject": alert["subject"],
        "message": alert["message"],
        "raised_at": iso(alert["raised_at"], timezone),
        "acknowledged_by": alert["acknowledged_by"],
        "acknowledged_at": iso(alert["acknowledged_at"], timezone),
        "cleared_at": iso(alert["cleared_at"], timezone),
    }


def _seconds(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else max(0, int((now - then).total_seconds()))


def _spare_counter(counters: list[Any], service_id: int) -> int | None:
    """The lowest-numbered counter that serves the service and is not open (to suggest opening)."""
    spare = [c.number for c in counters if service_id in c.service_ids and c.status is not CounterStatus.OPEN]
    return min(spare, default=None)


def _wanted(uow: UnitOfWork, branch: Branch, now: datetime, forecast: Forecast | None) -> dict[str, Wanted]:
    counters = uow.counters.for_branch(branch.id)
    summary = uow.tickets.waiting_summary(branch.id)
    services = []
    for s in uow.services.for_branch(branch.id):
        waiting, earliest = summary.get(s.id, (0, None))
        longest = _seconds(now, earliest) or 0
        ahead = forecast.services.get(s.id) if forecast is not None else None
        load = ServiceLoad(
            s.id,
            s.prefix,
            s.name,
            s.target_wait,
            waiting,
            longest,
            serving_counters(counters, s.id),
            ahead.p50 if ahead is not None else None,
            _spare_counter(counters, s.id),
        )
        services.append(load)
    since = uow.alerts.status_since(branch.id)
    counter_states = [CounterState(c.id, c.number, c.status.value, _seconds(now, since.get(c.id))) for c in counters]
    beats = presence.device_beats(uow, branch.id)
    devices = []
    for d in uow.devices.for_branch(branch.id):
        if not d.revoked:
            silent, part = presence.device_silence(d, beats.get(d.id, []), now)
            printer = (d.status.get("printer") or {}).get("status")
            devices.append(DeviceState(d.id, d.kind, d.name, silent, printer, part))
    limits = Thresholds.from_settings(branch.settings)
    low = _low_ratings(uow, branch, counters, now, limits)
    return wanted_alerts(services, counter_states, devices, limits, low) | presence.presence_alerts(uow, branch, now)


def _low_ratings(uow: Any, branch: Branch, counters: list[Any], now: datetime, limits: Thresholds) -> list[LowFeedback]:
    since = now - timedelta(seconds=limits.low_feedback_open_s)
    numbers = {c.id: c.number for c in counters}
    rows = uow.floor.low_feedback_since(branch.id, since, limits.low_feedback_score)
    return [LowFeedback(r["ticket_id"], r["number"], r["score"], numbers.get(r["counter_id"])) for r in rows]


def _changes(
    uow: UnitOfWork, branch: Branch, now: datetime, forecast: Forecast | None
) -> tuple[list[Wanted], list[dict[str, Any]]]:
    """Alerts to raise (wanted, not open) and open alerts to clear (no longer wanted)."""
    wanted = _wanted(uow, branch, now, forecast)
    open_now = {a["subject_key"]: a for a in uow.alerts.for_branch(branch.id, open_only=True)}
    return [a for key, a in wanted.items() if key not in open_now], [a for k, a in open_now.items() if k not in wanted]


def evaluate_branch(deps: Deps, branch_id: int) -> list[dict[str, Any]]:
    """Raise what the rules want and is not open, clear what is open and no longer wanted."""
    now = deps.clock()
    # Most rounds change nothing: look first, so they take no write lock.
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        # the latest forecast (made by the pages' requests), or one made now: what it predicts
        forecast = deps.forecasts.of(uow, branch, now, recompute=False, max_age=FORECAST_MAX_AGE_S)
        if _changes(uow, branch, now, forecast) == ([], []):
            return []
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        to_raise, to_clear = _changes(uow, branch, now, forecast)
        changed = [uow.alerts.change(a["id"], {"cleared_at": now}) for a in to_clear]
        for alert in to_raise:
            values = {"branch_id": branch_id, "kind": alert.kind, "subject_key": alert.key, "subject": alert.subject}
            values |= {"severity": alert.severity, "message": render_all(alert.message), "raised_at": now}
            changed.append(uow.alerts.add(values))
        views = [alert_view(a, branch.timezone) for a in changed]
        for view in views:
            uow.emit(branch_id, protocol.ALERT, view, now)
    deps.commit_and_publish(uow)
    return views


def evaluate_all(deps: Deps) -> int:
    """One round over every branch; returns how many alerts were raised or cleared."""
    with deps.store.read() as uow:
        branch_ids = [b.id for b in uow.branches.all()]
    return sum(len(evaluate_branch(deps, branch_id)) for branch_id in branch_ids)


def list_alerts(deps: Deps, principal: Principal | None, branch_id: int, state: str = "open") -> list[dict[str, Any]]:
    require(principal, MANAGERS, branch_id)
    if state not in STATES:
        raise InvalidInput("invalid_state", "state must be open or all", "state")
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        rows = uow.alerts.for_branch(branch_id, open_only=state == "open")
    return [alert_view(a, branch.timezone) for a in rows]


def acknowledge(deps: Deps, principal: Principal | None, alert_id: int) -> dict[str, Any]:
    """A manager has seen it: who and when are kept; the alert stays open until its cause ends."""
    now = deps.clock()
    require(principal, MANAGERS)  # who may ack at all, before whether the alert exists is told
    with deps.store.write() as uow:
        alert = uow.alerts.get(alert_id)
        if alert is None:
            raise NotFound("alert_not_found", "no such alert", None)
        who = require(principal, MANAGERS, alert["branch_id"])
        branch = found(uow.branches.get(alert["branch_id"]), "branch")
        if alert["acknowledged_at"] is None:
            alert = uow.alerts.change(alert_id, {"acknowledged_by": who.name, "acknowledged_at": now})
            view = alert_view(alert, branch.timezone)
            uow.emit(branch.id, protocol.ALERT, view, now)
        else:
            view = alert_view(alert, branch.timezone)
    deps.commit_and_publish(uow)
    return view
