"""Repositories over SQLAlchemy Core: explicit statements, records out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update

from server.domain.records import Branch, Counter, Device, Service, User
from server.store import mapping
from server.store.statements import (
    ADD_EVENT,
    NEXT_SEQ,
    A,
    B,
    C,
    D,
    E,
    K,
    Repo,
    S,
    U,
)


class Branches(Repo):
    def add(self, values: dict[str, Any]) -> Branch:
        return mapping.branch(self._insert(B, values))

    def get(self, branch_id: int) -> Branch | None:
        row = self._by_id(B, branch_id)
        return mapping.branch(row) if row else None

    def by_code(self, code: str) -> Branch | None:
        row = self.conn.execute(select(B).where(B.c.code == code)).one_or_none()
        return mapping.branch(row) if row else None

    def all(self, ids: Iterable[int] | None = None) -> list[Branch]:
        query = select(B).order_by(B.c.id)
        if ids is not None:
            query = query.where(B.c.id.in_(list(ids)))
        return [mapping.branch(r) for r in self.conn.execute(query)]

    def update(self, branch_id: int, values: dict[str, Any]) -> Branch:
        return mapping.branch(self._update(B, branch_id, values))

    def lock(self, branch_id: int) -> None:
        """Hold the branch's write lock until commit: SQLite's BEGIN IMMEDIATE already does."""
        if self.conn.dialect.name != "sqlite":
            self.conn.execute(select(B.c.id).where(B.c.id == branch_id).with_for_update())

    def seq(self, branch_id: int) -> int:
        return int(self.conn.execute(select(B.c.last_seq).where(B.c.id == branch_id)).scalar_one())

    def seqs(self) -> dict[int, int]:
        """Every branch's last event seq: what moved since a caller last looked."""
        return {int(i): int(seq) for i, seq in self.conn.execute(select(B.c.id, B.c.last_seq))}

    def published_seq(self, branch_id: int) -> int:
        return int(self.conn.execute(select(B.c.published_seq).where(B.c.id == branch_id)).scalar_one())


class Services(Repo):
    def add(self, values: dict[str, Any]) -> Service:
        return mapping.service(self._insert(S, values))

    def get(self, service_id: int) -> Service | None:
        row = self._by_id(S, service_id)
        return mapping.service(row) if row else None

    def for_branch(self, branch_id: int) -> list[Service]:
        rows = self.conn.execute(select(S).where(S.c.branch_id == branch_id).order_by(S.c.prefix, S.c.id))
        return [mapping.service(r) for r in rows]

    def prefix_taken(self, branch_id: int, prefix: str, except_id: int | None = None) -> bool:
        query = select(S.c.id).where(S.c.branch_id == branch_id, S.c.prefix == prefix)
        if except_id is not None:
            query = query.where(S.c.id != except_id)
        return self.conn.execute(query).first() is not None

    def update(self, service_id: int, values: dict[str, Any]) -> Service:
        return mapping.service(self._update(S, service_id, values))


class Counters(Repo):
    def add(self, values: dict[str, Any]) -> Counter:
        return mapping.counter(self._insert(C, values))

    def get(self, counter_id: int) -> Counter | None:
        row = self._by_id(C, counter_id)
        return mapping.counter(row) if row else None

    def for_branch(self, branch_id: int) -> list[Counter]:
        rows = self.conn.execute(select(C).where(C.c.branch_id == branch_id).order_by(C.c.number))
        return [mapping.counter(r) for r in rows]

    def number_taken(self, branch_id: int, number: int, except_id: int | None = None) -> bool:
        query = select(C.c.id).where(C.c.branch_id == branch_id, C.c.number == number)
        if except_id is not None:
            query = query.where(C.c.id != except_id)
        return self.conn.execute(query).first() is not None

    def update(self, counter_id: int, values: dict[str, Any]) -> Counter:
        return mapping.counter(self._update(C, counter_id, values))


class Users(Repo):
    def add(self, values: dict[str, Any]) -> User:
        return mapping.user(self._insert(U, values))

    def get(self, user_id: int) -> User | None:
        row = self._by_id(U, user_id)
        return mapping.user(row) if row else None

    def credentials(self, username: str) -> tuple[User, str] | None:
        row = self.conn.execute(select(U).where(U.c.username == username)).one_or_none()
        return (mapping.user(row), row.password_hash) if row else None

    def all(self) -> list[User]:
        return [mapping.user(r) for r in self.conn.execute(select(U).order_by(U.c.id))]

    def update(self, user_id: int, values: dict[str, Any]) -> User:
        return mapping.user(self._update(U, user_id, values))


class Devices(Repo):
    def add(self, values: dict[str, Any]) -> Device:
        return mapping.device(self._insert(D, values))

    def get(self, device_id: int) -> Device | None:
        row = self._by_id(D, device_id)
        return mapping.device(row) if row else None

    def for_branch(self, branch_id: int) -> list[Device]:
        rows = self.conn.execute(select(D).where(D.c.branch_id == branch_id).order_by(D.c.id))
        return [mapping.device(r) for r in rows]

    def update(self, device_id: int, values: dict[str, Any]) -> Device:
        return mapping.device(self._update(D, device_id, values))

    def seen(self, device_ids: list[int], at: datetime) -> None:
        self.conn.execute(update(D).where(D.c.id.in_(device_ids)).values(last_seen_at=at))


class Tokens(Repo):
    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(K).values(**values))

    def lookup(self, digest: str) -> Any:
        return self.conn.execute(select(K).where(K.c.digest == digest)).one_or_none()

    def revoke(self, digest: str) -> None:
        self.conn.execute(update(K).where(K.c.digest == digest).values(revoked=True))

    def revoke_for_device(self, device_id: int) -> None:
        self.conn.execute(update(K).where(K.c.device_id == device_id).values(revoked=True))

    def revoke_for_user(self, user_id: int, *, keep: str | None = None) -> None:
        """Every session of the user, except the one whose digest is ``keep``."""
        query = update(K).where(K.c.user_id == user_id)
        if keep is not None:
            query = query.where(K.c.digest != keep)
        self.conn.execute(query.values(revoked=True))


class Events(Repo):
    def append(self, branch_id: int, name: str, payload: dict[str, Any], at: datetime) -> tuple[int, dict[str, Any]]:
        """Take the branch's next seq (locking the branch row until commit) and log the event:
        its seq and its payload as stored."""
        seq = int(self.conn.execute(NEXT_SEQ, {"_id": branch_id}).scalar_one())
        stored = payload | {"seq": seq}
        self.conn.execute(
            ADD_EVENT, {"branch_id": branch_id, "seq": seq, "name": name, "payload": stored, "created_at": at}
        )
        return seq, stored

    def after(self, branch_id: int, since_seq: int, upto: int | None = None) -> list[tuple[int, str, dict[str, Any]]]:
        query = select(E.c.seq, E.c.name, E.c.payload).where(E.c.branch_id == branch_id, E.c.seq > since_seq)
        if upto is not None:
            query = query.where(E.c.seq <= upto)
        return [(r.seq, r.name, r.payload) for r in self.conn.execute(query.order_by(E.c.seq))]

    def oldest_kept(self, branch_id: int) -> int | None:
        return self.conn.execute(select(func.min(E.c.seq)).where(E.c.branch_id == branch_id)).scalar_one_or_none()

    def claim_unpublished(self, branch_id: int) -> tuple[int, int]:
        """Lock the outbox cursor: (published_seq, last_seq). SQLite's write lock already serialises."""
        query = select(B.c.published_seq, B.c.last_seq).where(B.c.id == branch_id)
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.conn.execute(query).one()
        return int(row.published_seq), int(row.last_seq)

    def mark_published(self, branch_id: int, seq: int) -> None:
        self.conn.execute(update(B).where(B.c.id == branch_id).values(published_seq=seq))

    def prune(self, branch_id: int, keep: int) -> int:
        last = self.conn.execute(select(B.c.last_seq).where(B.c.id == branch_id)).scalar_one()
        result = self.conn.execute(E.delete().where(and_(E.c.branch_id == branch_id, E.c.seq <= last - keep)))
        return int(result.rowcount or 0)


class Audit(Repo):
    def record(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(A).values(**values))

    def for_ticket(self, ticket_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(A).where(A.c.ticket_id == ticket_id).order_by(A.c.id))
        return [dict(r._mapping) for r in rows]

    def for_branch(self, branch_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(A).where(A.c.branch_id == branch_id).order_by(A.c.id))
        return [dict(r._mapping) for r in rows]
