"""Queries for the counter's floor: the rating pad's ticket, low ratings, a teller's day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from server.domain.records import Ticket
from server.store import mapping
from server.store.statements import F, Repo, T, aware


class CounterFloor(Repo):
    def last_finished_at(self, counter_id: int) -> Ticket | None:
        """The ticket this counter finished last (what its rating pad asks about)."""
        row = self.conn.execute(
            select(T)
            .where(T.c.counter_id == counter_id, T.c.status == "done")
            .order_by(T.c.finished_at.desc(), T.c.id.desc())
            .limit(1)
        ).one_or_none()
        return mapping.ticket(row) if row else None

    def called_since(self, counter_id: int, since: datetime, other_than: int) -> bool:
        """Whether the counter called anyone but ``other_than`` at or after ``since`` (whatever
        became of them)."""
        row = self.conn.execute(
            select(T.c.id).where(T.c.counter_id == counter_id, T.c.called_at >= since, T.c.id != other_than).limit(1)
        ).first()
        return row is not None

    def low_feedback_since(self, branch_id: int, since: datetime, max_score: int) -> list[dict[str, Any]]:
        """Ratings of ``max_score`` or less given since ``since``, with the ticket's number."""
        rows = self.conn.execute(
            select(F.c.ticket_id, F.c.score, F.c.counter_id, F.c.served_by, F.c.created_at, T.c.number)
            .join(T, T.c.id == F.c.ticket_id)
            .where(F.c.branch_id == branch_id, F.c.score <= max_score, F.c.created_at >= since)
            .order_by(F.c.id)
        )
        return [dict(r._mapping) | {"created_at": aware(r.created_at)} for r in rows]

    def teller_day(self, user_id: int, branch_id: int, day: date) -> dict[str, Any]:
        """What one teller did on a business day: served, no-shows, service seconds, ratings."""
        mine = (T.c.branch_id == branch_id, T.c.business_date == day, T.c.served_by == user_id)
        counts: dict[str, int] = dict(
            self.conn.execute(
                select(T.c.status, func.count()).where(*mine, T.c.status.in_(["done", "no_show"])).group_by(T.c.status)
            ).all()
        )
        served = self.conn.execute(
            select(T.c.started_at, T.c.finished_at).where(*mine, T.c.status == "done", T.c.started_at.is_not(None))
        ).all()
        seconds = [(aware(r.finished_at) - aware(r.started_at)).total_seconds() for r in served]  # type: ignore[operator]
        scores = [
            int(s) for (s,) in self.conn.execute(select(F.c.score).join(T, T.c.id == F.c.ticket_id).where(*mine)).all()
        ]
        return {
            "served": int(counts.get("done", 0)),
            "no_show": int(counts.get("no_show", 0)),
            "service_seconds": [int(s) for s in seconds],
            "scores": scores,
        }
