"""Tables of online booking: appointments, slot capacity, settings, closures, notification outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.store.tables import utc_column
from server.store.types import UTCDateTime


class AppointmentRow(SQLModel, table=True):
    __tablename__ = "appointment"
    __table_args__ = (
        # the no-show and reminder jobs scan booked appointments by start
        Index("ix_appointment_status_start", "status", "slot_start"),
        # the bookings-per-phone-per-day limit
        Index("ix_appointment_phone_day", "branch_id", "phone", "local_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    branch_id: int = Field(foreign_key="branch.id")
    service_id: int = Field(foreign_key="service.id", index=True)
    slot_start: datetime | None = utc_column(nullable=False)
    slot_end: datetime | None = utc_column(nullable=False)
    local_date: date
    name: str = Field(max_length=80)
    phone: str = Field(max_length=20)
    email: str | None = Field(default=None, max_length=254)
    language: str = Field(default="zh", max_length=8)
    status: str = Field(max_length=16)
    created_at: datetime | None = utc_column(nullable=False)
    checked_in_at: datetime | None = utc_column()
    cancelled_at: datetime | None = utc_column()
    no_show_at: datetime | None = utc_column()
    reminded_day_at: datetime | None = utc_column()
    reminded_hour_at: datetime | None = utc_column()
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")


class SlotCapacityRow(SQLModel, table=True):
    """Places taken per (service, slot): the row every booking of that slot updates atomically."""

    __tablename__ = "slot_capacity"
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    slot_start: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), primary_key=True))
    branch_id: int = Field(foreign_key="branch.id", index=True)
    capacity: int
    booked: int = Field(default=0)


class BookingSettingRow(SQLModel, table=True):
    __tablename__ = "booking_setting"
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime | None = utc_column()


class ClosureRow(SQLModel, table=True):
    """A day the branch takes no bookings (holiday, works), in the branch's calendar."""

    __tablename__ = "closure"
    __table_args__ = (UniqueConstraint("branch_id", "day", name="uq_closure_branch_day"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    day: date
    reason: str = Field(default="", max_length=200)


class NotificationRow(SQLModel, table=True):
    """The notification outbox: written with the change, sent (and retried) by the scheduler."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", index=True)
    # one message per (appointment, kind, slot): a job that runs twice cannot send twice
    dedupe_key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=24)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    language: str = Field(default="zh", max_length=8)
    body: str = Field(max_length=500)
    status: str = Field(max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = utc_column(nullable=False)
    last_error: str | None = Field(default=None, max_length=500)
    channel: str | None = Field(default=None, max_length=16)
    created_at: datetime | None = utc_column(nullable=False)
    sent_at: datetime | None = utc_column()
