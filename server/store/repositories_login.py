"""Failed logins per login name, counted in the database so every server process sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from server.store.tables import LoginFailureRow

LF: Table = LoginFailureRow.__table__  # type: ignore[attr-defined]


class LoginFailures:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def locked_until(self, name_digest: str) -> datetime | None:
        row = self.conn.execute(select(LF.c.locked_until).where(LF.c.name_digest == name_digest)).first()
        return row.locked_until if row else None

    def count(self, name_digest: str, now: datetime) -> int:
        """One more failure in a row, in one atomic upsert; returns how many there are now."""
        dialect: Any = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(LF).values(name_digest=name_digest, failures=1, last_failed_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[LF.c.name_digest], set_={"failures": LF.c.failures + 1, "last_failed_at": now}
        ).returning(LF.c.failures)
        return int(self.conn.execute(stmt).scalar_one())

    def lock(self, name_digest: str, until: datetime) -> None:
        self.conn.execute(update(LF).where(LF.c.name_digest == name_digest).values(locked_until=until))

    def clear(self, name_digest: str) -> None:
        self.conn.execute(delete(LF).where(LF.c.name_digest == name_digest))
