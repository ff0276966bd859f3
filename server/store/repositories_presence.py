"""Heartbeats per part (a device's page or agent, a counter's terminal), one row each, upserted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from server.store.statements import aware
from server.store.tables_presence import PresenceRow

P: Table = PresenceRow.__table__  # type: ignore[attr-defined]


class Presence:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def beat(self, branch_id: int, subject: str, subject_id: int, part: str, at: datetime) -> None:
        """The part is alive at ``at``: one atomic upsert, so processes beating together never collide."""
        dialect: Any = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        values = {"branch_id": branch_id, "subject": subject, "subject_id": subject_id, "part": part}
        stmt = dialect.insert(P).values(**values, last_seen_at=at, paused_at=None)
        stmt = stmt.on_conflict_do_update(
            index_elements=[P.c.subject, P.c.subject_id, P.c.part],
            set_={"last_seen_at": at, "paused_at": None, "branch_id": branch_id},
        )
        self.conn.execute(stmt)

    def for_branch(self, branch_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(P).where(P.c.branch_id == branch_id).order_by(P.c.id))
        dates = ("last_seen_at", "paused_at")
        return [dict(r._mapping) | {k: aware(getattr(r, k)) for k in dates} for r in rows]

    def mark_paused(self, subject_id: int, at: datetime) -> None:
        where = (P.c.subject == "counter") & (P.c.subject_id == subject_id) & (P.c.part == "terminal")
        self.conn.execute(update(P).where(where).values(paused_at=at))
