"""A branch's figures over a range of its business days, and staffing advice per hour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.classes import CustomerClass
from server.domain.errors import InvalidInput
from server.domain.names import local_name
from server.domain.records import Branch, Principal, Service
from server.domain.staffing import counters_needed
from server.domain.statistics import TicketTimes, grouped, summarise
from server.services.context import Deps, found, require

MANAGERS = ("admin", "manager")
MAX_DAYS = 366
# Share of customers who should wait no longer than their service's target (branch setting "target_share").
DEFAULT_TARGET_SHARE = 0.8


def branch_stats(deps: Deps, principal: Principal | None, branch_id: int, first: date, last: date) -> dict[str, Any]:
    """Per service, class, teller and hour of arrival (branch local time); staffing per hour."""
    require(principal, MANAGERS, branch_id)
    if first > last:
        raise InvalidInput("invalid_range", "from must not be after to", "from")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput("range_too_long", f"a range spans at most {MAX_DAYS} days", "to")
    with deps.store.read() as uow:
        branch: Branch = found(uow.branches.get(branch_id), "branch")
        services: list[Service] = uow.services.for_branch(branch_id)
        tickets: list[TicketTimes] = uow.stats.ticket_times(branch_id, first, last)
        names: dict[int, str] = uow.stats.usernames(t.served_by for t in tickets if t.served_by is not None)
    return build_report(branch, services, tickets, names, first, last)


def build_report(
    branch: Branch,
    services: Sequence[Service],
    tickets: Sequence[TicketTimes],
    names: Mapping[int, str],
    first: date,
    last: date,
) -> dict[str, Any]:
    targets = {s.id: s.target_wait for s in services}
    tz = ZoneInfo(branch.timezone)
    by_service = grouped(tickets, lambda t: t.service_id)
    by_class = grouped(tickets, lambda t: t.customer_class)
    by_teller = grouped(tickets, lambda t: t.served_by)
    by_hour = grouped(tickets, lambda t: t.issued_at.astimezone(tz).hour)
    days = len({t.business_date for t in tickets})
    share = float(branch.settings.get("target_share", DEFAULT_TARGET_SHARE))
    return {
        "branch_id": branch.id,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "timezone": branch.timezone,
        "days": days,
        "target_share": share,
        "total": summarise(tickets, targets).to_dict(),
        "services": [
            {"service_id": s.id, "name": s.name, "prefix": s.prefix, "target_wait": s.target_wait}
            | summarise(by_service.get(s.id, []), targets).to_dict()
            for s in services
        ],
        "classes": [
            {"customer_class": c.value} | summarise(by_class.get(c.value, []), targets).to_dict() for c in CustomerClass
        ],
        "tellers": [
            {"user_id": uid, "username": names.get(uid, f"#{uid}")} | summarise(group, targets).to_dict()
            for uid, group in sorted(by_teller.items())
        ],
        "hours": [{"hour": hour} | summarise(group, targets).to_dict() for hour, group in sorted(by_hour.items())],
        "arrivals": _arrivals(tickets, tz),
        "staffing": _staffing(by_hour, days, services, tickets, share),
    }


def _arrivals(tickets: Sequence[TicketTimes], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The heat map: mean tickets per (weekday, hour of arrival) over the days of that weekday with tickets."""
    days_of: dict[int, set[date]] = {}
    counts: dict[tuple[int, int], int] = {}
    for t in tickets:
        local = t.issued_at.astimezone(tz)
        days_of.setdefault(t.business_date.weekday(), set()).add(t.business_date)
        key = (t.business_date.weekday(), local.hour)
        counts[key] = counts.get(key, 0) + 1
    return [
        {"weekday": wd, "hour": hour, "tickets": n, "per_day": round(n / len(days_of[wd]), 2)}
        for (wd, hour), n in sorted(counts.items())
    ]


def branch_code(deps: Deps, branch_id: int) -> str:
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
    return str(branch.code)


def _staffing(
    by_hour: Mapping[int, list[TicketTimes]],
    days: int,
    services: Sequence[Service],
    tickets: Sequence[TicketTimes],
    share: float,
) -> list[dict[str, Any]]:
    """Erlang C per hour on that hour's mean arrivals per business day with tickets."""
    expected = {s.id: s.expected_service for s in services}
    targets = {s.id: s.target_wait for s in services}
    overall = _mean([t.service_time for t in tickets if t.service_time is not None])
    rows = []
    for hour, group in sorted(by_hour.items()):
        arrivals = len(group) / days
        seen = _mean([t.service_time for t in group if t.service_time is not None])
        service = seen or overall or _mean([expected.get(t.service_id, 0) for t in group])
        target = _mean([targets.get(t.service_id, 0) for t in group])
        advice = counters_needed(arrivals, service, target, share)
        used = {(t.business_date, t.counter_id) for t in group if t.counter_id is not None}
        rows.append(
            {
                "hour": hour,
                "arrivals_per_hour": round(arrivals, 2),
                "mean_service": round(service),
                "target_wait": round(target),
                "counters_used": round(len(used) / days, 1),
            }
            | advice.to_dict()
        )
    return rows


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


CSV_FIGURES = ("tickets", "served", "no_shows", "cancelled")
CSV_SPREADS = ("wait", "service_time")
CSV_TAIL = ("within_target", "feedback_mean", "feedback_count", "advised_counters", "counters_used")


def csv_rows(report: Mapping[str, Any], lang: str = "en") -> list[list[Any]]:
    """The report as one table: a header, then a row per group (hours carry the staffing advice);
    service names in ``lang``."""
    header = ["group", "key", "label", *CSV_FIGURES]
    header += [f"{name}_{part}" for name in CSV_SPREADS for part in ("mean", "p50", "p90")]
    rows: list[list[Any]] = [header + list(CSV_TAIL)]
    advice = {row["hour"]: row for row in report["staffing"]}
    groups = (
        ("total", [("", "", report["total"])]),
        ("service", [(s["prefix"], local_name(s["name"], lang), s) for s in report["services"]]),
        ("class", [(c["customer_class"], "", c) for c in report["classes"]]),
        ("teller", [(t["user_id"], t["username"], t) for t in report["tellers"]]),
        ("hour", [(h["hour"], f"{h['hour']:02d}:00", h) for h in report["hours"]]),
    )
    for group, entries in groups:
        for key, label, figures in entries:
            staffing = advice.get(key, {}) if group == "hour" else {}
            rows.append([group, key, label, *_csv_figures(figures, staffing)])
    return rows


def _csv_figures(figures: Mapping[str, Any], staffing: Mapping[str, Any]) -> list[Any]:
    values: list[Any] = [figures[name] for name in CSV_FIGURES]
    for name in CSV_SPREADS:
        spread = figures[name] or {}
        values += [spread.get(part, "") for part in ("mean", "p50", "p90")]
    values += [_blank(figures["within_target"]), _blank(figures["feedback_mean"]), figures["feedback_count"]]
    return [*values, staffing.get("counters", ""), staffing.get("counters_used", "")]


def _blank(value: Any) -> Any:
    return "" if value is None else value
