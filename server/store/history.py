"""Read-only export of one past business day of a branch, for replaying it in the simulator.

:func:`load_branch_day` returns the day's tickets as the plain rows
:func:`server.simulation.history.trace_from_history` reads, the branch's counters with the
service codes they serve (primary first), and the opening instant the trace's seconds
count from: the start of the day's first opening interval in the branch's time zone
(local midnight if the branch was closed that weekday). A booked ticket's slot start comes
from its appointment (``appointment_code``), or from its anchor if that booking is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from server.domain.hours import DAYS, parse_opening_hours
from server.store.tables import BranchRow, CounterRow, ServiceRow, TicketRow
from server.store.tables_booking import AppointmentRow

_B = BranchRow.__table__.c  # type: ignore[attr-defined]
_C = CounterRow.__table__.c  # type: ignore[attr-defined]
_S = ServiceRow.__table__.c  # type: ignore[attr-defined]
_T = TicketRow.__table__.c  # type: ignore[attr-defined]
_APPOINTMENT = AppointmentRow.__table__  # type: ignore[attr-defined]
_A = _APPOINTMENT.c


class BranchNotFound(LookupError):
    """No branch with that code or id."""


@dataclass(frozen=True, slots=True)
class HistoryCounter:
    number: int
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BranchDay:
    branch_id: int
    code: str
    timezone: str
    day: date
    opening: datetime
    policy: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    counters: list[HistoryCounter] = field(default_factory=list)


def load_branch_day(engine: Engine, branch: str, day: date) -> BranchDay:
    """Tickets (in issue order) and counters of ``branch`` (its code, or its id) on ``day``."""
    with engine.connect() as conn:
        found = conn.execute(select(_B.id, _B.code, _B.timezone, _B.opening_hours, _B.policy).where(_branch_is(branch)))
        row = found.first()
        if row is None:
            raise BranchNotFound(f"no branch with code or id {branch!r}")
        services = conn.execute(select(_S.id, _S.prefix, _S.expected_service).where(_S.branch_id == row.id)).all()
        codes = {s.id: s.prefix for s in services}
        expected = {s.id: float(s.expected_service) for s in services}
        tickets = conn.execute(
            select(
                _T.issued_at,
                _T.service_id,
                _T.customer_class,
                _T.status,
                _T.called_at,
                _T.started_at,
                _T.finished_at,
                _T.appointment_code,
                _T.anchor_at,
                _A.slot_start,
            )
            .outerjoin(_APPOINTMENT, _A.code == _T.appointment_code)
            .where(_T.branch_id == row.id, _T.business_date == day)
            .order_by(_T.issued_at, _T.id)
        ).all()
        counters = conn.execute(select(_C.number, _C.service_ids).where(_C.branch_id == row.id).order_by(_C.number))
        served = [HistoryCounter(n, tuple(codes[s] for s in sids if s in codes)) for n, sids in counters]
    return BranchDay(
        branch_id=row.id,
        code=row.code,
        timezone=row.timezone,
        day=day,
        opening=opening_instant(row.opening_hours, row.timezone, day),
        policy=dict(row.policy or {}),
        rows=[_ticket(t, codes, expected) for t in tickets],
        counters=[c for c in served if c.services],
    )


def _branch_is(branch: str) -> Any:
    return or_(_B.code == branch, _B.id == int(branch)) if branch.isdigit() else _B.code == branch


def _ticket(t: Any, codes: dict[int, str], expected: dict[int, float]) -> dict[str, Any]:
    return {
        "issued_at": t.issued_at,
        "service": codes.get(t.service_id, str(t.service_id)),
        "customer_class": t.customer_class,
        "status": t.status,
        "expected_service": expected.get(t.service_id),
        "called_at": t.called_at,
        "started_at": t.started_at,
        "finished_at": t.finished_at,
        "appointment_code": t.appointment_code,
        # a checked-in booking is anchored at its slot start, even if the booking row is gone
        "slot_start": t.slot_start or (t.anchor_at if t.appointment_code else None),
    }


def opening_instant(opening_hours: Any, timezone: str, day: date) -> datetime:
    """The first opening time of ``day`` in ``timezone`` (midnight if closed that day), as an aware instant."""
    spans = parse_opening_hours(opening_hours or {}).get(DAYS[day.weekday()], ())
    start = spans[0][0] if spans else time(0, 0)
    return datetime.combine(day, start, tzinfo=ZoneInfo(timezone))
