"""Alerts and the figures their rules read (waits, counters' status times, devices)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update

from server.domain.records import MAX_ID
from server.store.statements import C, Repo, aware
from server.store.tables_alerts import AlertRow

AL: Table = AlertRow.__table__  # type: ignore[attr-defined]
_DATES = ("raised_at", "acknowledged_at", "cleared_at")


def _record(row: Any) -> dict[str, Any]:
    values = dict(row._mapping)
    return values | {k: aware(values[k]) for k in _DATES}


class Alerts(Repo):
    def add(self, values: dict[str, Any]) -> dict[str, Any]:
        return _record(self.conn.execute(insert(AL).values(**values).returning(*AL.c)).one())

    def get(self, alert_id: int) -> dict[str, Any] | None:
        if not 1 <= alert_id <= MAX_ID:  # no row has it, and the driver would overflow on it
            return None
        row = self.conn.execute(select(AL).where(AL.c.id == alert_id)).one_or_none()
        return _record(row) if row else None

    def for_branch(self, branch_id: int, *, open_only: bool, limit: int = 500) -> list[dict[str, Any]]:
        query = select(AL).where(AL.c.branch_id == branch_id)
        if open_only:
            query = query.where(AL.c.cleared_at.is_(None))
        rows = self.conn.execute(query.order_by(AL.c.raised_at.desc(), AL.c.id.desc()).limit(limit))
        return [_record(r) for r in rows]

    def change(self, alert_id: int, values: dict[str, Any]) -> dict[str, Any]:
        return _record(self.conn.execute(update(AL).where(AL.c.id == alert_id).values(**values).returning(*AL.c)).one())

    def status_since(self, branch_id: int) -> dict[int, datetime | None]:
        """When each counter of the branch entered its current status."""
        rows = self.conn.execute(select(C.c.id, C.c.status_since).where(C.c.branch_id == branch_id))
        return {r.id: aware(r.status_since) for r in rows}
