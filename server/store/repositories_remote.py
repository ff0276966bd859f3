"""Repositories of remote join and webhooks over SQLAlchemy Core."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import aliased

from server.domain.webhooks import ordering_key
from server.store.statements import T, aware
from server.store.tables_booking import NotificationRow
from server.store.tables_remote import (
    RemoteTicketRow,
    RemoteVerificationRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)

RV: Table = RemoteVerificationRow.__table__  # type: ignore[attr-defined]
RT: Table = RemoteTicketRow.__table__  # type: ignore[attr-defined]
WE: Table = WebhookEndpointRow.__table__  # type: ignore[attr-defined]
WD: Table = WebhookDeliveryRow.__table__  # type: ignore[attr-defined]
NO: Table = NotificationRow.__table__  # type: ignore[attr-defined]

ON_THE_WAY = ("pending", "sending")
# built once: every write that emits an event runs it
ACTIVE_ENDPOINTS = select(WE.c.id, WE.c.events).where(WE.c.branch_id == bindparam("branch_id"), WE.c.active.is_(True))


def _dicts(result: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in result]


class Verifications:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(RV).values(**values))

    def get(self, verification_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(RV).where(RV.c.id == verification_id)).one_or_none()
        return dict(row._mapping) if row else None

    def count_today(self, branch_id: int, day: date, *, phone: str | None = None, address: str | None = None) -> int:
        query = select(func.count()).select_from(RV).where(RV.c.branch_id == branch_id, RV.c.local_date == day)
        if phone is not None:
            query = query.where(RV.c.phone == phone)
        if address is not None:
            query = query.where(RV.c.address == address)
        return int(self.conn.execute(query).scalar_one())

    def prune(self, before: datetime) -> int:
        """Code requests older than the daily caps look at are not needed any more."""
        return int(self.conn.execute(delete(RV).where(RV.c.created_at < before)).rowcount or 0)

    def count_attempt(self, verification_id: str) -> None:
        self.conn.execute(update(RV).where(RV.c.id == verification_id).values(attempts=RV.c.attempts + 1))

    def spend(self, verification_id: str, now: datetime) -> bool:
        """Conditional: only the first verify of a code gets True (the row stays locked until commit)."""
        result = self.conn.execute(
            update(RV).where(RV.c.id == verification_id, RV.c.used_at.is_(None)).values(used_at=now)
        )
        return bool(result.rowcount)

    def link(self, verification_id: str, ticket_id: int) -> None:
        self.conn.execute(update(RV).where(RV.c.id == verification_id).values(ticket_id=ticket_id))


class RemoteTickets:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(RT).values(**values))

    def get(self, ticket_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(RT).where(RT.c.ticket_id == ticket_id)).one_or_none()
        return dict(row._mapping) if row else None

    def mark(self, ticket_id: int, column: str, now: datetime, **values: Any) -> bool:
        """Set a once-only time (``arrived_at``, ``stepped_back_at``, ``…_sent_at``); True if it was unset."""
        result = self.conn.execute(
            update(RT).where(RT.c.ticket_id == ticket_id, RT.c[column].is_(None)).values({column: now, **values})
        )
        return bool(result.rowcount)

    def count_for_service(self, service_id: int, day: date) -> int:
        query = select(func.count()).select_from(RT).where(RT.c.service_id == service_id, RT.c.local_date == day)
        return int(self.conn.execute(query).scalar_one())

    def share(self, branch_id: int, day: date) -> dict[str, int]:
        """Tickets of the business day, how many were remote, and how many of those arrived."""
        total = self.conn.execute(
            select(func.count()).select_from(T).where(T.c.branch_id == branch_id, T.c.business_date == day)
        ).scalar_one()
        remote, arrived = self.conn.execute(
            select(func.count(), func.count(RT.c.arrived_at)).where(RT.c.branch_id == branch_id, RT.c.local_date == day)
        ).one()
        return {"tickets": int(total), "remote": int(remote), "arrived": int(arrived)}

    def anchors_behind(self, ticket: Any, places: int) -> list[datetime]:
        """Queue places of the next ``places`` waiting tickets behind ``ticket`` in its (service, class) queue."""
        after = (T.c.anchor_at > ticket.anchor_at) | and_(T.c.anchor_at == ticket.anchor_at, T.c.id > ticket.id)
        query = (
            select(T.c.anchor_at)
            .where(
                T.c.service_id == ticket.service_id,
                T.c.status == "waiting",
                T.c.customer_class == ticket.customer_class.value,
                after,
            )
            .order_by(T.c.anchor_at, T.c.id)
            .limit(places)
        )
        return [aware(r.anchor_at) or r.anchor_at for r in self.conn.execute(query)]

    def message_counts(self, branch_id: int) -> dict[str, int]:
        """The branch's messages by status; ``retried``: still pending after a failed attempt."""
        retried = and_(NO.c.status == "pending", NO.c.attempts > 0)
        rows = self.conn.execute(
            select(NO.c.status, retried.label("retried"), func.count())
            .where(NO.c.branch_id == branch_id)
            .group_by(NO.c.status, retried)
        )
        counts: dict[str, int] = {}
        for status, was_retried, n in rows:
            key = "retried" if was_retried else status
            counts[key] = counts.get(key, 0) + int(n)
        return counts

    def needing_messages(self, limit: int = 200) -> list[dict[str, Any]]:
        """Remote tickets of open business (waiting, called, done) with a message not yet queued."""
        query = (
            select(RT, T.c.status, T.c.number, T.c.counter_id, T.c.tracking_token)
            .join(T, T.c.id == RT.c.ticket_id)
            .where(
                (and_(T.c.status == "waiting", RT.c.near_sent_at.is_(None)))
                | (and_(T.c.status.in_(["called", "serving"]), RT.c.called_sent_at.is_(None)))
                | (and_(T.c.status == "done", RT.c.follow_up_sent_at.is_(None)))
            )
            .order_by(RT.c.ticket_id)
            .limit(limit)
        )
        return _dicts(self.conn.execute(query))


class WebhookEndpoints:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._active: dict[int, list[dict[str, Any]]] = {}

    def add(self, values: dict[str, Any]) -> dict[str, Any]:
        return dict(self.conn.execute(insert(WE).values(**values).returning(*WE.c)).one()._mapping)

    def for_branch(self, branch_id: int) -> list[dict[str, Any]]:
        return _dicts(self.conn.execute(select(WE).where(WE.c.branch_id == branch_id).order_by(WE.c.id)))

    def get(self, endpoint_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(WE).where(WE.c.id == endpoint_id)).one_or_none()
        return dict(row._mapping) if row else None

    def remove(self, branch_id: int, endpoint_id: int) -> bool:
        self.conn.execute(delete(WD).where(WD.c.endpoint_id == endpoint_id, WD.c.branch_id == branch_id))
        result = self.conn.execute(delete(WE).where(WE.c.id == endpoint_id, WE.c.branch_id == branch_id))
        return bool(result.rowcount)

    def active(self, branch_id: int) -> list[dict[str, Any]]:
        """The branch's endpoints, read once per transaction (every event of it asks)."""
        if branch_id not in self._active:
            self._active[branch_id] = _dicts(self.conn.execute(ACTIVE_ENDPOINTS, {"branch_id": branch_id}))
        return self._active[branch_id]


class WebhookDeliveries:
    def __init__(self, conn: Connection, endpoints: WebhookEndpoints) -> None:
        self.conn = conn
        self.endpoints = endpoints

    def queue(self, branch_id: int, event: str, payload: dict[str, Any], at: datetime) -> int:
        """A delivery per endpoint of the branch that asked for ``event``, in the caller's transaction."""
        rows = [
            {
                "endpoint_id": endpoint["id"],
                "branch_id": branch_id,
                "delivery_id": str(uuid.uuid4()),
                "event": event,
                "ordering_key": ordering_key(event, payload)[:64],
                "payload": payload,
                "status": "pending",
                "next_attempt_at": at,
                "created_at": at,
            }
            for endpoint in self.endpoints.active(branch_id)
            if event in endpoint["events"]
        ]
        if rows:
            self.conn.execute(insert(WD), rows)
        return len(rows)

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[dict[str, Any]]:
        """Due deliveries that no earlier one of the same endpoint and subject still holds back.

        An earlier delivery still pending or being sent keeps the later ones waiting, so a
        receiver sees a ticket's events in order even across retries; one that gave up
        (``failed``) no longer holds anything back.
        """
        earlier = aliased(WD)
        blocked = (
            select(earlier.c.id)
            .where(
                earlier.c.endpoint_id == WD.c.endpoint_id,
                earlier.c.ordering_key == WD.c.ordering_key,
                earlier.c.id < WD.c.id,
                earlier.c.status.in_(ON_THE_WAY),
            )
            .exists()
        )
        due = (
            select(WD.c.id)
            .where(WD.c.status.in_(ON_THE_WAY), WD.c.next_attempt_at <= now, ~blocked)
            .order_by(WD.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(WD)
            .where(WD.c.id.in_(due.scalar_subquery()))
            .values(status="sending", attempts=WD.c.attempts + 1, next_attempt_at=lease_until)
            .returning(*WD.c)
        )
        claimed = _dicts(self.conn.execute(stmt))
        if not claimed:
            return []
        ids = {c["endpoint_id"] for c in claimed}
        endpoints = {r.id: r for r in self.conn.execute(select(WE.c.id, WE.c.url, WE.c.secret).where(WE.c.id.in_(ids)))}
        return [
            c | {"url": endpoints[c["endpoint_id"]].url, "secret": endpoints[c["endpoint_id"]].secret} for c in claimed
        ]

    def any_due(self, now: datetime) -> bool:
        """A read that lets the sender skip its write transaction when nothing is due."""
        query = select(WD.c.id).where(WD.c.status.in_(ON_THE_WAY), WD.c.next_attempt_at <= now).limit(1)
        return self.conn.execute(query).first() is not None

    def settle(self, row_id: int, values: dict[str, Any]) -> None:
        self.conn.execute(update(WD).where(WD.c.id == row_id, WD.c.status == "sending").values(**values))

    def for_branch(self, branch_id: int, status: str | None, limit: int) -> list[dict[str, Any]]:
        query = select(WD).where(WD.c.branch_id == branch_id)
        if status:
            query = query.where(WD.c.status == status)
        return _dicts(self.conn.execute(query.order_by(WD.c.id.desc()).limit(limit)))

    def prune(self, before: datetime) -> int:
        """Forget deliveries that were settled (sent or given up) before ``before``."""
        result = self.conn.execute(delete(WD).where(WD.c.status.in_(["sent", "failed"]), WD.c.created_at < before))
        return int(result.rowcount or 0)

    def counts(self, branch_id: int) -> dict[str, int]:
        rows = self.conn.execute(
            select(WD.c.status, func.count()).where(WD.c.branch_id == branch_id).group_by(WD.c.status)
        )
        return {r[0]: int(r[1]) for r in rows}
