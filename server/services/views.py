"""JSON-ready views of tickets, counters and the branch queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.announcement import branch_languages
from server.domain.classes import CounterStatus, TicketStatus
from server.domain.forecast import Forecast, WaitForecast
from server.domain.hours import dump_opening_hours, is_open
from server.domain.opening import next_opening
from server.domain.policy import ahead_thresholds
from server.domain.records import Branch, Counter, Service, Ticket
from server.domain.wait_label import estimate_body, wait_text
from server.i18n import render_all
from server.services.context import found
from server.services.ports import UnitOfWork

# "Your turn is near": the forecast gives at least this chance of a call within this time.
TURN_NEAR_S = 5 * 60
TURN_NEAR_CHANCE = 0.5
JUST_ISSUED = timedelta(seconds=60)


def iso(value: datetime | None, timezone: str) -> str | None:
    """UTC in the store, the branch's local time (with offset) on the wire."""
    return value.astimezone(ZoneInfo(timezone)).isoformat() if value else None


def track_url(ticket: Ticket) -> str:
    return f"/track/{ticket.id}?token={ticket.tracking_token}"


def branch_view(branch: Branch, now: datetime | None = None) -> dict[str, Any]:
    view = {
        "id": branch.id,
        "code": branch.code,
        "name": branch.name,
        "timezone": branch.timezone,
        "opening_hours": dump_opening_hours(branch.opening_hours),
        "settings": branch.settings,
        # what its screens alternate and its voice speaks, defaults applied (settings say what was chosen)
        "languages": {kind: list(branch_languages(branch.settings, kind)) for kind in ("screen", "voice")},
    }
    if now is not None:
        local = now.astimezone(ZoneInfo(branch.timezone))
        view["open_now"] = is_open(branch.opening_hours, local)
        if not view["open_now"]:
            opening = next_opening(branch.opening_hours, local)
            view["next_opening"] = opening.isoformat() if opening else None
    return view


def service_view(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "branch_id": service.branch_id,
        "name": service.name,
        "prefix": service.prefix,
        "target_wait": service.target_wait,
        "expected_service": service.expected_service,
        "active": service.active,
    }


def counter_view(counter: Counter, ticket: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": counter.id,
        "branch_id": counter.branch_id,
        "number": counter.number,
        "name": counter.name,
        "service_ids": counter.service_ids,
        "status": counter.status.value,
        "pause_reason": counter.pause_reason,
        "ticket": ticket,
    }


def counters_now(uow: UnitOfWork, counters: list[Counter]) -> list[dict[str, Any]]:
    """Counters with the ticket each one has called or is serving (None when free)."""
    if not counters:
        return []
    branch = found(uow.branches.get(counters[0].branch_id), "branch")
    current = {t.counter_id: t for t in uow.tickets.open_for_branch(branch.id)}
    return [counter_view(c, brief(current[c.id], c, branch.timezone) if c.id in current else None) for c in counters]


def people_ahead(uow: UnitOfWork, branch: Branch, ticket: Ticket, now: datetime) -> int:
    thresholds = ahead_thresholds(branch.policy, ticket.customer_class, ticket.anchor_at.timestamp(), now.timestamp())
    # a ticket just issued has (nearly) nobody behind it: counting from the tail walks less
    just_issued = now - ticket.issued_at < JUST_ISSUED
    return int(uow.tickets.count_ahead(ticket, thresholds, from_tail=just_issued))


def serving_counters(counters: list[Counter], service_id: int) -> int:
    return sum(1 for c in counters if c.status is CounterStatus.OPEN and service_id in c.service_ids)


def estimate_view(band: WaitForecast | None) -> dict[str, Any] | None:
    """``estimated_wait`` on the wire; None when no open counter serves the service."""
    if band is None:
        return None
    return estimate_body(band.p10, band.p50, band.p90, band.now) | {"label": wait_label(band.p10, band.p90, band.now)}


def wait_label(p10: float, p90: float, now: bool = False) -> dict[str, str]:
    """The range in every language, as screens, paper, voice and messages print it."""
    return render_all(wait_text(p10, p90, now))


def forecast_fields(latest: Forecast, ticket: Ticket) -> dict[str, Any]:
    """``estimated_wait`` and ``turn_near`` of a waiting ticket from the branch's forecast.

    A ticket issued since that forecast gets what it said of a ticket issued now.
    """
    band = latest.tickets.get(ticket.id) or latest.services.get(ticket.service_id)
    near = band is not None and band.chance_within(TURN_NEAR_S) >= TURN_NEAR_CHANCE
    return {"estimated_wait": estimate_view(band), "turn_near": near}


def ticket_view(
    uow: UnitOfWork,
    branch: Branch,
    ticket: Ticket,
    now: datetime,
    *,
    with_track_url: bool = False,
    counter: Counter | None = None,
    forecasts: Any = None,
) -> dict[str, Any]:
    """A ticket; a waiting one gets its forecast from ``forecasts`` (``BranchForecasts``)."""
    tz = branch.timezone
    view: dict[str, Any] = {
        "id": ticket.id,
        "branch_id": ticket.branch_id,
        "service_id": ticket.service_id,
        "number": ticket.number,
        "customer_class": ticket.customer_class.value,
        "status": ticket.status.value,
        "counter_id": ticket.counter_id,
        "counter_number": None,
        "language": ticket.language,
        "issued_at": iso(ticket.issued_at, tz),
        "called_at": iso(ticket.called_at, tz),
        "started_at": iso(ticket.started_at, tz),
        "finished_at": iso(ticket.finished_at, tz),
        "recall_count": ticket.recall_count,
        "call_reason": ticket.call_reason,
        "appointment_code": ticket.appointment_code,
        "people_ahead": 0,
        "estimated_wait": None,
        "turn_near": False,
    }
    if ticket.counter_id is not None:
        if counter is None or counter.id != ticket.counter_id:
            counter = uow.counters.get(ticket.counter_id)
        view["counter_number"] = counter.number if counter else None
    if ticket.status is TicketStatus.WAITING:
        view["people_ahead"] = people_ahead(uow, branch, ticket, now)
        if forecasts is not None:
            view |= forecast_fields(forecasts.of(uow, branch, now), ticket)
    if with_track_url:
        view["track_url"] = track_url(ticket)
    return view


def queue_snapshot(uow: UnitOfWork, branch: Branch, now: datetime, forecasts: Any) -> dict[str, Any]:
    """Everything a screen needs to draw the branch, consistent with ``seq``.

    A service's ``estimated_wait`` is the forecast for a regular ticket issued now.
    """
    seq = uow.branches.seq(branch.id)
    forecast: Forecast = forecasts.of(uow, branch, now)
    services = uow.services.for_branch(branch.id)
    counters = uow.counters.for_branch(branch.id)
    summary = uow.tickets.waiting_summary(branch.id)
    service_rows = []
    for s in services:
        waiting, earliest = summary.get(s.id, (0, None))
        open_counters = serving_counters(counters, s.id)
        service_rows.append(
            service_view(s)
            | {
                "waiting": waiting,
                "longest_wait": int((now - earliest).total_seconds()) if earliest else 0,
                "open_counters": open_counters,
                "estimated_wait": estimate_view(forecast.services.get(s.id)),
            }
        )
    return {
        "seq": seq,
        "branch": branch_view(branch, now),
        "now": iso(now, branch.timezone),
        "services": service_rows,
        "counters": counters_now(uow, counters),
        "recent_calls": [call_view(t, counters, branch.timezone) for t in uow.tickets.recent_calls(branch.id)],
    }


def brief(ticket: Ticket, counter: Counter | None, tz: str) -> dict[str, Any]:
    """The short form screens show: no tracking token, no personal data."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service_id": ticket.service_id,
        "customer_class": ticket.customer_class.value,
        "status": ticket.status.value,
        "counter_id": ticket.counter_id,
        "counter_number": counter.number if counter else None,
        "issued_at": iso(ticket.issued_at, tz),
        "called_at": iso(ticket.called_at, tz),
        "started_at": iso(ticket.started_at, tz),
        "call_reason": ticket.call_reason,
        "recall_count": ticket.recall_count,
    }


def call_view(ticket: Ticket, counters: list[Counter], tz: str) -> dict[str, Any]:
    by_id = {c.id: c for c in counters}
    return brief(ticket, by_id.get(ticket.counter_id or -1), tz)
