"""The ticket repository: numbering, conditional transitions, queue heads, people ahead."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select

from server.domain.classes import CustomerClass, TicketStatus
from server.domain.policy import Candidate
from server.domain.records import Ticket
from server.store import mapping
from server.store.statements import (
    F,
    Repo,
    T,
    aware,
    count_ahead_statement,
    heads_statement,
    next_number_statement,
    timestamp,
    update_statement,
)


class Tickets(Repo):
    def next_sequence(self, branch_id: int, service_id: int, day: date) -> int:
        """Atomically take the next number: one upsert, row-locked until commit."""
        stmt = next_number_statement(self.conn.dialect.name)
        params = {"branch_id": branch_id, "service_id": service_id, "business_date": day}
        return int(self.conn.execute(stmt, params).scalar_one())

    def add(self, values: dict[str, Any]) -> Ticket:
        return mapping.ticket(self._insert(T, values))

    def get(self, ticket_id: int) -> Ticket | None:
        row = self._by_id(T, ticket_id)
        return mapping.ticket(row) if row else None

    def transition(self, ticket_id: int, sources: Iterable[TicketStatus], values: dict[str, Any]) -> Ticket | None:
        """Conditional update: only applies while the ticket is still in one of ``sources``."""
        stmt = update_statement(T.name, tuple(sorted(values)), tuple(sorted(s.value for s in sources)))
        row = self.conn.execute(stmt, {"_id": ticket_id} | {f"v_{k}": v for k, v in values.items()}).one_or_none()
        return mapping.ticket(row) if row else None

    def heads(self, service_ids: Sequence[int], *, by_arrival: bool = False) -> list[Candidate]:
        """The first waiting ticket of each (service, class) queue, in one statement."""
        if not service_ids:
            return []
        stmt = heads_statement(len(service_ids), by_arrival)
        rows = self.conn.execute(stmt, {f"s{i}": sid for i, sid in enumerate(service_ids)}).all()
        return [
            Candidate(
                r.id, r.service_id, CustomerClass(r.customer_class), timestamp(r.anchor_at), timestamp(r.issued_at)
            )
            for r in rows
        ]

    def count_ahead(self, ticket: Ticket, thresholds: dict[CustomerClass, float], *, from_tail: bool = False) -> int:
        """Waiting tickets of the service ahead of ``ticket``: anchor before their class's threshold.

        In the ticket's own class the queue order itself decides (anchor, then id). ``from_tail``
        only changes how it is counted (cheaper for a ticket near the end of the line).
        """
        shape = tuple(
            (
                cls.value,
                "own"
                if cls is ticket.customer_class and limit != float("inf")
                else "all"
                if limit == float("inf")
                else "before",
            )
            for cls, limit in thresholds.items()
            if limit != float("-inf")
        )
        if not shape:
            return 0
        params: dict[str, Any] = {"sid": ticket.service_id, "tid": ticket.id, "own_anchor": ticket.anchor_at}
        for cls, limit in thresholds.items():
            if limit not in (float("inf"), float("-inf")):
                params[f"t_{cls.value}"] = datetime.fromtimestamp(limit, UTC)
        return int(sum(self.conn.execute(count_ahead_statement(shape, from_tail), params).one()))

    def transferred_to(self, counter_id: int) -> int | None:
        row = self.conn.execute(
            select(T.c.id)
            .where(T.c.target_counter_id == counter_id, T.c.status == TicketStatus.WAITING.value)
            .order_by(T.c.anchor_at, T.c.id)
            .limit(1)
        ).first()
        return int(row.id) if row else None

    def current_at_counter(self, counter_id: int) -> Ticket | None:
        row = self.conn.execute(
            select(T)
            .where(T.c.counter_id == counter_id, T.c.status.in_(["called", "serving"]))
            .order_by(T.c.called_at.desc())
            .limit(1)
        ).one_or_none()
        return mapping.ticket(row) if row else None

    def waiting_candidates(self, branch_id: int) -> list[Candidate]:
        """Every waiting ticket of the branch as the policy sees it: what the wait forecast starts from."""
        rows = self.conn.execute(
            select(T.c.id, T.c.service_id, T.c.customer_class, T.c.anchor_at, T.c.issued_at).where(
                T.c.branch_id == branch_id, T.c.status == TicketStatus.WAITING.value
            )
        )
        return [
            Candidate(
                r.id, r.service_id, CustomerClass(r.customer_class), timestamp(r.anchor_at), timestamp(r.issued_at)
            )
            for r in rows
        ]

    def waiting(self, branch_id: int) -> list[Ticket]:
        rows = self.conn.execute(
            select(T).where(T.c.branch_id == branch_id, T.c.status == "waiting").order_by(T.c.anchor_at, T.c.id)
        )
        return [mapping.ticket(r) for r in rows]

    def waiting_summary(self, branch_id: int) -> dict[int, tuple[int, datetime | None]]:
        """Per service: how many wait and the earliest issue time among them."""
        rows = self.conn.execute(
            select(T.c.service_id, func.count(), func.min(T.c.issued_at))
            .where(T.c.branch_id == branch_id, T.c.status == "waiting")
            .group_by(T.c.service_id)
        )
        return {r[0]: (int(r[1]), aware(r[2])) for r in rows}

    def open_for_branch(self, branch_id: int) -> list[Ticket]:
        rows = self.conn.execute(select(T).where(T.c.branch_id == branch_id, T.c.status.in_(["called", "serving"])))
        return [mapping.ticket(r) for r in rows]

    def recent_calls(self, branch_id: int, limit: int = 10) -> list[Ticket]:
        rows = self.conn.execute(
            select(T)
            .where(T.c.branch_id == branch_id, T.c.called_at.is_not(None))
            .order_by(T.c.called_at.desc(), T.c.id.desc())
            .limit(limit)
        )
        return [mapping.ticket(r) for r in rows]

    def of_day(
        self,
        branch_id: int,
        day: date,
        *,
        status: str | None = None,
        number: str | None = None,
        service_id: int | None = None,
        limit: int = 100,
    ) -> list[Ticket]:
        """A business day's tickets in issue order, optionally narrowed (the number is unique per day)."""
        query = select(T).where(T.c.branch_id == branch_id, T.c.business_date == day)
        for column, value in ((T.c.status, status), (T.c.number, number), (T.c.service_id, service_id)):
            if value is not None:
                query = query.where(column == value)
        rows = self.conn.execute(query.order_by(T.c.issued_at, T.c.id).limit(limit))
        return [mapping.ticket(r) for r in rows]

    def add_feedback(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(F).values(**values))

    def has_feedback(self, ticket_id: int) -> bool:
        return self.conn.execute(select(F.c.id).where(F.c.ticket_id == ticket_id)).first() is not None
