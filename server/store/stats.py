"""Read-only queries for statistics: ticket timestamps of a range of business days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, select

from server.domain.statistics import TicketTimes
from server.store.tables import FeedbackRow, TicketRow, UserRow

T: Table = TicketRow.__table__  # type: ignore[attr-defined]
F: Table = FeedbackRow.__table__  # type: ignore[attr-defined]
U: Table = UserRow.__table__  # type: ignore[attr-defined]

_COLUMNS = (
    T.c.service_id,
    T.c.customer_class,
    T.c.status,
    T.c.business_date,
    T.c.issued_at,
    T.c.anchor_at,
    T.c.called_at,
    T.c.started_at,
    T.c.finished_at,
    T.c.served_by,
    T.c.counter_id,
)


class TicketStats:
    """Statistics are queries over what the tickets recorded, never running counters."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def ticket_times(self, branch_id: int, first: date, last: date) -> list[TicketTimes]:
        """Every ticket issued on the branch's business days ``first`` .. ``last``, with its feedback score."""
        query = (
            select(*_COLUMNS, F.c.score)
            .select_from(T.outerjoin(F, F.c.ticket_id == T.c.id))
            .where(T.c.branch_id == branch_id, T.c.business_date >= first, T.c.business_date <= last)
            .order_by(T.c.issued_at, T.c.id)
        )
        return [_times(row) for row in self.conn.execute(query)]

    def usernames(self, user_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        return {r.id: r.username for r in self.conn.execute(select(U.c.id, U.c.username).where(U.c.id.in_(ids)))}


def _times(row: Any) -> TicketTimes:
    # the UTCDateTime columns already come back as aware UTC datetimes
    return TicketTimes(**row._mapping)
