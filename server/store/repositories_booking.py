"""Repositories of online booking over SQLAlchemy Core."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from server.domain.appointments import HOLDING, Appointment, AppointmentStatus
from server.domain.notices import NoticeStatus
from server.store.tables_booking import (
    AppointmentRow,
    BookingSettingRow,
    ClosureRow,
    NotificationRow,
    SlotCapacityRow,
)

AP: Table = AppointmentRow.__table__  # type: ignore[attr-defined]
SC: Table = SlotCapacityRow.__table__  # type: ignore[attr-defined]
BS: Table = BookingSettingRow.__table__  # type: ignore[attr-defined]
CL: Table = ClosureRow.__table__  # type: ignore[attr-defined]
NO: Table = NotificationRow.__table__  # type: ignore[attr-defined]

APPOINTMENT_FIELDS = tuple(f for f in Appointment.__dataclass_fields__ if f != "status")


def _appointment(row: Any) -> Appointment:
    return Appointment(status=AppointmentStatus(row.status), **{f: getattr(row, f) for f in APPOINTMENT_FIELDS})


def _dialect(conn: Connection) -> Any:
    return postgresql if conn.dialect.name == "postgresql" else sqlite


class Appointments:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, values: dict[str, Any]) -> Appointment:
        return _appointment(self.conn.execute(insert(AP).values(**values).returning(*AP.c)).one())

    def by_code(self, code: str) -> Appointment | None:
        row = self.conn.execute(select(AP).where(AP.c.code == code)).one_or_none()
        return _appointment(row) if row else None

    def code_taken(self, code: str) -> bool:
        return self.conn.execute(select(AP.c.id).where(AP.c.code == code)).first() is not None

    def transition(
        self, appointment_id: int, sources: tuple[AppointmentStatus, ...], values: dict[str, Any]
    ) -> Appointment | None:
        """Conditional update: applies only while the status is one of ``sources``."""
        stmt = (
            update(AP)
            .where(AP.c.id == appointment_id, AP.c.status.in_([s.value for s in sources]))
            .values(**values)
            .returning(*AP.c)
        )
        row = self.conn.execute(stmt).one_or_none()
        return _appointment(row) if row else None

    def mark_once(self, appointment_id: int, column: str, now: datetime) -> bool:
        """Set a still-empty timestamp column (a reminder sent); False when someone already did."""
        col = AP.c[column]
        result = self.conn.execute(update(AP).where(AP.c.id == appointment_id, col.is_(None)).values({column: now}))
        return bool(result.rowcount)

    def lock_phone_day(self, branch_id: int, phone: str, day: date) -> None:
        """Serialise bookings of one phone on one day until commit, so the per-phone limit holds.

        SQLite's write transactions are serialised already; PostgreSQL takes an advisory lock.
        """
        if self.conn.dialect.name == "postgresql":
            key = f"booking:{branch_id}:{phone}:{day.isoformat()}"
            self.conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))

    def count_for_phone(self, branch_id: int, phone: str, day: date, except_id: int | None = None) -> int:
        query = select(func.count()).where(
            AP.c.branch_id == branch_id,
            AP.c.phone == phone,
            AP.c.local_date == day,
            AP.c.status.in_([s.value for s in HOLDING]),
        )
        if except_id is not None:
            query = query.where(AP.c.id != except_id)
        return int(self.conn.execute(query).scalar_one())

    def booked_starting(self, after: datetime | None, until: datetime, limit: int = 500) -> list[Appointment]:
        """Still-booked appointments whose slot starts in (after, until], earliest first."""
        query = select(AP).where(AP.c.status == AppointmentStatus.BOOKED.value, AP.c.slot_start <= until)
        if after is not None:
            query = query.where(AP.c.slot_start > after)
        rows = self.conn.execute(query.order_by(AP.c.slot_start, AP.c.id).limit(limit))
        return [_appointment(r) for r in rows]

    def for_branch_day(self, branch_id: int, day: date) -> list[Appointment]:
        rows = self.conn.execute(
            select(AP).where(AP.c.branch_id == branch_id, AP.c.local_date == day).order_by(AP.c.slot_start, AP.c.id)
        )
        return [_appointment(r) for r in rows]


class Slots:
    """Places taken per (service, slot start)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def booked(self, service_id: int, starts: list[datetime]) -> dict[datetime, int]:
        if not starts:
            return {}
        rows = self.conn.execute(
            select(SC.c.slot_start, SC.c.booked).where(SC.c.service_id == service_id, SC.c.slot_start.in_(starts))
        )
        return {r.slot_start: int(r.booked) for r in rows}

    def take(self, branch_id: int, service_id: int, start: datetime, capacity: int) -> bool:
        """Take one place if one is left, in one atomic statement; False when the slot is full.

        An upsert whose update only applies while ``booked < capacity``: PostgreSQL locks the
        row for the conflict check, SQLite's write transaction serialises, so two people
        booking the last place can never both get it.
        """
        if capacity < 1:
            return False
        stmt = (
            _dialect(self.conn)
            .insert(SC)
            .values(branch_id=branch_id, service_id=service_id, slot_start=start, capacity=capacity, booked=1)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[SC.c.service_id, SC.c.slot_start],
            set_={"booked": SC.c.booked + 1, "capacity": stmt.excluded.capacity},
            where=SC.c.booked < stmt.excluded.capacity,
        ).returning(SC.c.booked)
        return self.conn.execute(stmt).first() is not None

    def release(self, service_id: int, start: datetime) -> None:
        self.conn.execute(
            update(SC)
            .where(SC.c.service_id == service_id, SC.c.slot_start == start, SC.c.booked > 0)
            .values(booked=SC.c.booked - 1)
        )


class BookingSettings:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, service_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(BS.c.rules).where(BS.c.service_id == service_id)).first()
        return dict(row.rules) if row else None

    def for_branch(self, branch_id: int) -> dict[int, dict[str, Any]]:
        rows = self.conn.execute(select(BS.c.service_id, BS.c.rules).where(BS.c.branch_id == branch_id))
        return {r.service_id: dict(r.rules) for r in rows}

    def put(self, branch_id: int, service_id: int, rules: dict[str, Any], now: datetime) -> None:
        stmt = (
            _dialect(self.conn)
            .insert(BS)
            .values(branch_id=branch_id, service_id=service_id, rules=rules, updated_at=now)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[BS.c.service_id], set_={"rules": stmt.excluded.rules, "updated_at": now}
        )
        self.conn.execute(stmt)


class Closures:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def between(self, branch_id: int, first: date, last: date) -> dict[date, str]:
        rows = self.conn.execute(
            select(CL.c.day, CL.c.reason).where(CL.c.branch_id == branch_id, CL.c.day >= first, CL.c.day <= last)
        )
        return {r.day: r.reason for r in rows}

    def put(self, branch_id: int, day: date, reason: str) -> None:
        stmt = _dialect(self.conn).insert(CL).values(branch_id=branch_id, day=day, reason=reason)
        self.conn.execute(
            stmt.on_conflict_do_update(index_elements=[CL.c.branch_id, CL.c.day], set_={"reason": reason})
        )

    def remove(self, branch_id: int, day: date) -> bool:
        result = self.conn.execute(CL.delete().where(CL.c.branch_id == branch_id, CL.c.day == day))
        return bool(result.rowcount)


class Notifications:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, values: dict[str, Any]) -> bool:
        """Queue a message unless one with the same ``dedupe_key`` exists; True when queued."""
        stmt = _dialect(self.conn).insert(NO).values(**values).on_conflict_do_nothing(index_elements=[NO.c.dedupe_key])
        return bool(self.conn.execute(stmt).rowcount)

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[dict[str, Any]]:
        """Take due messages (and ones whose sender's lease ran out) for one sender.

        PostgreSQL: ``FOR UPDATE SKIP LOCKED`` so concurrent senders take disjoint rows;
        SQLite: the write transaction already serialises them.
        """
        due = (
            select(NO.c.id)
            .where(
                NO.c.status.in_([NoticeStatus.PENDING.value, NoticeStatus.SENDING.value]), NO.c.next_attempt_at <= now
            )
            .order_by(NO.c.next_attempt_at, NO.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(NO)
            .where(NO.c.id.in_(due.scalar_subquery()))
            .values(status=NoticeStatus.SENDING.value, attempts=NO.c.attempts + 1, next_attempt_at=lease_until)
            .returning(*NO.c)
        )
        return [dict(r._mapping) for r in self.conn.execute(stmt)]

    def any_due(self, now: datetime) -> bool:
        """A read that lets the sender skip its write transaction when nothing is due."""
        due = NO.c.status.in_([NoticeStatus.PENDING.value, NoticeStatus.SENDING.value]), NO.c.next_attempt_at <= now
        return self.conn.execute(select(NO.c.id).where(*due).limit(1)).first() is not None

    def settle(self, notification_id: int, values: dict[str, Any]) -> None:
        """Record the outcome of a claimed message (still ``sending``)."""
        self.conn.execute(
            update(NO).where(NO.c.id == notification_id, NO.c.status == NoticeStatus.SENDING.value).values(**values)
        )

    def retry(self, branch_id: int, notification_id: int, now: datetime) -> dict[str, Any] | None:
        row = self.conn.execute(
            update(NO)
            .where(NO.c.id == notification_id, NO.c.branch_id == branch_id, NO.c.status == NoticeStatus.FAILED.value)
            .values(status=NoticeStatus.PENDING.value, next_attempt_at=now, attempts=0)
            .returning(*NO.c)
        ).one_or_none()
        return dict(row._mapping) if row else None

    def for_branch(self, branch_id: int, status: str | None, limit: int) -> list[dict[str, Any]]:
        query = select(NO).where(NO.c.branch_id == branch_id)
        if status:
            query = query.where(NO.c.status == status)
        rows = self.conn.execute(query.order_by(NO.c.id.desc()).limit(limit))
        return [dict(r._mapping) for r in rows]

    def for_appointment(self, appointment_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(NO).where(NO.c.appointment_id == appointment_id).order_by(NO.c.id))
        return [dict(r._mapping) for r in rows]
