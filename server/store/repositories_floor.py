"""The VIP/green-channel list and the display's media, per branch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, insert, select

from server.domain.records import MAX_ID
from server.store.statements import Repo, aware
from server.store.tables_floor import EligibilityRow, MediaRow

EL: Table = EligibilityRow.__table__  # type: ignore[attr-defined]
ME: Table = MediaRow.__table__  # type: ignore[attr-defined]


def _record(row: Any) -> dict[str, Any]:
    values = dict(row._mapping)
    return values | {"created_at": aware(values["created_at"])}


class BranchRows(Repo):
    """Rows of one table that belong to a branch: add, list, find, remove."""

    table: Table

    def add(self, values: dict[str, Any]) -> dict[str, Any]:
        return _record(self.conn.execute(insert(self.table).values(**values).returning(*self.table.c)).one())

    def for_branch(self, branch_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(self.table).where(self.table.c.branch_id == branch_id).order_by(self.table.c.id)
        )
        return [_record(r) for r in rows]

    def get(self, branch_id: int, row_id: int) -> dict[str, Any] | None:
        if not 1 <= row_id <= MAX_ID:  # no row has it, and the driver would overflow on it
            return None
        query = select(self.table).where(self.table.c.id == row_id, self.table.c.branch_id == branch_id)
        row = self.conn.execute(query).one_or_none()
        return _record(row) if row is not None else None

    def remove(self, row_id: int) -> None:
        self.conn.execute(delete(self.table).where(self.table.c.id == row_id))


class Eligibility(BranchRows):
    table = EL

    def by_digest(self, branch_id: int, digest: str) -> dict[str, Any] | None:
        query = select(EL).where(EL.c.branch_id == branch_id, EL.c.digest == digest)
        row = self.conn.execute(query).one_or_none()
        return _record(row) if row else None


class Media(BranchRows):
    table = ME

    def by_name(self, name: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(ME).where(ME.c.name == name)).one_or_none()
        return _record(row) if row else None
