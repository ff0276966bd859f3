"""Repositories over SQLAlchemy Core: explicit statements, records out."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite

from server.domain.classes import CustomerClass, TicketStatus
from server.domain.policy import Candidate
from server.domain.records import Branch, Counter, Device, Service, Ticket, User
from server.store import mapping
from server.store.tables import (
    AuditRow,
    BranchRow,
    CounterRow,
    DeviceRow,
    EventRow,
    FeedbackRow,
    NumberSequenceRow,
    ServiceRow,
    TicketRow,
    TokenRow,
    UserRow,
)

B: Table = BranchRow.__table__  # type: ignore[attr-defined]
S: Table = ServiceRow.__table__  # type: ignore[attr-defined]
C: Table = CounterRow.__table__  # type: ignore[attr-defined]
U: Table = UserRow.__table__  # type: ignore[attr-defined]
D: Table = DeviceRow.__table__  # type: ignore[attr-defined]
K: Table = TokenRow.__table__  # type: ignore[attr-defined]
T: Table = TicketRow.__table__  # type: ignore[attr-defined]
N: Table = NumberSequenceRow.__table__  # type: ignore[attr-defined]
E: Table = EventRow.__table__  # type: ignore[attr-defined]
A: Table = AuditRow.__table__  # type: ignore[attr-defined]
F: Table = FeedbackRow.__table__  # type: ignore[attr-defined]


class _Repo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _insert(self, table: Any, values: dict[str, Any]) -> Any:
        return self.conn.execute(_insert_statement(table.name, tuple(sorted(values))), values).one()

    def _update(self, table: Any, row_id: int, values: dict[str, Any]) -> Any:
        stmt = _update_statement(table.name, tuple(sorted(values)), ())
        return self.conn.execute(stmt, {"_id": row_id} | {f"v_{k}": v for k, v in values.items()}).one()

    def _by_id(self, table: Any, row_id: int) -> Any:
        return self.conn.execute(_by_id_statement(table.name), {"_id": row_id}).one_or_none()


class Branches(_Repo):
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

    def seq(self, branch_id: int) -> int:
        return int(self.conn.execute(select(B.c.last_seq).where(B.c.id == branch_id)).scalar_one())

    def published_seq(self, branch_id: int) -> int:
        return int(self.conn.execute(select(B.c.published_seq).where(B.c.id == branch_id)).scalar_one())


class Services(_Repo):
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


class Counters(_Repo):
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


class Users(_Repo):
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


class Devices(_Repo):
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


class Tokens(_Repo):
    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(K).values(**values))

    def lookup(self, digest: str) -> Any:
        return self.conn.execute(select(K).where(K.c.digest == digest)).one_or_none()

    def revoke(self, digest: str) -> None:
        self.conn.execute(update(K).where(K.c.digest == digest).values(revoked=True))

    def revoke_for_device(self, device_id: int) -> None:
        self.conn.execute(update(K).where(K.c.device_id == device_id).values(revoked=True))


class Tickets(_Repo):
    def next_sequence(self, branch_id: int, service_id: int, day: date) -> int:
        """Atomically take the next number: one upsert, row-locked until commit."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(N).values(branch_id=branch_id, service_id=service_id, business_date=day, last=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[N.c.branch_id, N.c.service_id, N.c.business_date], set_={"last": N.c.last + 1}
        ).returning(N.c.last)
        return int(self.conn.execute(stmt).scalar_one())

    def add(self, values: dict[str, Any]) -> Ticket:
        return mapping.ticket(self._insert(T, values))

    def get(self, ticket_id: int) -> Ticket | None:
        row = self._by_id(T, ticket_id)
        return mapping.ticket(row) if row else None

    def transition(self, ticket_id: int, sources: Iterable[TicketStatus], values: dict[str, Any]) -> Ticket | None:
        """Conditional update: only applies while the ticket is still in one of ``sources``."""
        stmt = _update_statement(T.name, tuple(sorted(values)), tuple(sorted(s.value for s in sources)))
        row = self.conn.execute(stmt, {"_id": ticket_id} | {f"v_{k}": v for k, v in values.items()}).one_or_none()
        return mapping.ticket(row) if row else None

    def heads(self, service_ids: Sequence[int], *, by_arrival: bool = False) -> list[Candidate]:
        """The first waiting ticket of each (service, class) queue, in one statement."""
        if not service_ids:
            return []
        stmt = _heads_statement(len(service_ids), by_arrival)
        rows = self.conn.execute(stmt, {f"s{i}": sid for i, sid in enumerate(service_ids)}).all()
        return [
            Candidate(r.id, r.service_id, CustomerClass(r.customer_class), _ts(r.anchor_at), _ts(r.issued_at))
            for r in rows
        ]

    def count_ahead(self, ticket: Ticket, thresholds: dict[CustomerClass, float]) -> int:
        """Waiting tickets of the service ahead of ``ticket``: anchor before their class's threshold.

        In the ticket's own class the queue order itself decides (anchor, then id).
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
        return int(sum(self.conn.execute(_count_ahead_statement(shape), params).one()))

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
        return {r[0]: (int(r[1]), _aware(r[2])) for r in rows}

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


@functools.cache
def _table(name: str) -> Table:
    return {t.name: t for t in (B, S, C, U, D, K, T, N, E, A, F)}[name]


@functools.cache
def _insert_statement(table_name: str, keys: tuple[str, ...]) -> Any:
    table = _table(table_name)
    return insert(table).values({k: bindparam(k, type_=table.c[k].type) for k in keys}).returning(*table.c)


@functools.cache
def _update_statement(table_name: str, keys: tuple[str, ...], sources: tuple[str, ...]) -> Any:
    """UPDATE … WHERE id = :_id [AND status IN sources] RETURNING *, built once per shape."""
    table = _table(table_name)
    stmt = update(table).where(table.c.id == bindparam("_id"))
    if sources:
        stmt = stmt.where(table.c.status.in_(sources))
    return stmt.values({k: bindparam(f"v_{k}", type_=table.c[k].type) for k in keys}).returning(*table.c)


@functools.cache
def _by_id_statement(table_name: str) -> Any:
    table = _table(table_name)
    return select(table).where(table.c.id == bindparam("_id"))


_NEXT_SEQ = update(B).where(B.c.id == bindparam("_id")).values(last_seq=B.c.last_seq + 1).returning(B.c.last_seq)
_ADD_EVENT = insert(E).values(
    {k: bindparam(k, type_=E.c[k].type) for k in ("branch_id", "seq", "name", "payload", "created_at")}
)


@functools.cache
def _count_ahead_statement(shape: tuple[tuple[str, str], ...]) -> Any:
    counts = []
    for cls, kind in shape:
        query = select(func.count()).where(
            T.c.service_id == bindparam("sid"),
            T.c.status == TicketStatus.WAITING.value,
            T.c.customer_class == cls,
            T.c.id != bindparam("tid"),
        )
        own = bindparam("own_anchor", type_=T.c.anchor_at.type)
        if kind == "own":
            query = query.where((T.c.anchor_at < own) | ((T.c.anchor_at == own) & (T.c.id < bindparam("tid"))))
        elif kind == "before":
            query = query.where(T.c.anchor_at < bindparam(f"t_{cls}", type_=T.c.anchor_at.type))
        counts.append(query.scalar_subquery())
    return select(*counts)


@functools.cache
def _heads_statement(services: int, by_arrival: bool) -> Any:
    """Built once per shape: a UNION ALL of LIMIT 1 index probes, one per (service, class)."""
    order = T.c.issued_at if by_arrival else T.c.anchor_at
    parts = [
        select(T.c.id, T.c.service_id, T.c.customer_class, T.c.anchor_at, T.c.issued_at)
        .where(
            T.c.service_id == bindparam(f"s{i}"),
            T.c.status == TicketStatus.WAITING.value,
            T.c.customer_class == cls.value,
            T.c.target_counter_id.is_(None),
        )
        .order_by(order, T.c.id)
        .limit(1)
        .subquery()
        .select()
        for i in range(services)
        for cls in CustomerClass
    ]
    return union_all(*parts)


class Events(_Repo):
    def append(self, branch_id: int, name: str, payload: dict[str, Any], at: datetime) -> int:
        """Take the branch's next seq (locking the branch row until commit) and log the event."""
        seq = int(self.conn.execute(_NEXT_SEQ, {"_id": branch_id}).scalar_one())
        self.conn.execute(
            _ADD_EVENT,
            {"branch_id": branch_id, "seq": seq, "name": name, "payload": payload | {"seq": seq}, "created_at": at},
        )
        return seq

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


class Audit(_Repo):
    def record(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(A).values(**values))

    def for_ticket(self, ticket_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(A).where(A.c.ticket_id == ticket_id).order_by(A.c.id))
        return [dict(r._mapping) for r in rows]


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite aggregate results skip the column type
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _ts(value: datetime) -> float:
    return _aware(value).timestamp()  # type: ignore[union-attr]


__all__ = ["Audit", "Branches", "Counters", "Devices", "Events", "Services", "Tickets", "Tokens", "Users", "literal"]
