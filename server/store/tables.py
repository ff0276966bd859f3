"""The tables. Every change to them comes with an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.store.types import UTCDateTime


def utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class BranchRow(SQLModel, table=True):
    __tablename__ = "branch"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    # {language code: text}, see server.domain.names
    name: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    timezone: str = Field(max_length=64)
    opening_hours: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    policy: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # seq of the last event written, and of the last one pushed to clients (the outbox cursor)
    last_seq: int = Field(default=0)
    published_seq: int = Field(default=0)


class ServiceRow(SQLModel, table=True):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("branch_id", "prefix", name="uq_service_branch_prefix"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    # {language code: text}, see server.domain.names
    name: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prefix: str = Field(max_length=3)
    target_wait: int
    expected_service: int
    active: bool = Field(default=True)


class CounterRow(SQLModel, table=True):
    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("branch_id", "number", name="uq_counter_branch_number"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    number: int
    # {language code: text}, see server.domain.names
    name: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    service_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="closed", max_length=16)
    # when the status last changed (a long pause raises an alert)
    status_since: datetime | None = utc_column()
    # why a paused counter is paused (break, meeting, training); None otherwise
    pause_reason: str | None = Field(default=None, max_length=16)


class UserRow(SQLModel, table=True):
    __tablename__ = "staff_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16)
    branch_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)


class LoginFailureRow(SQLModel, table=True):
    """Failed logins in a row per login name, known or not (so a lock says nothing about who exists).

    Keyed by the name's SHA-256: a password typed into the name field is never stored.
    """

    __tablename__ = "login_failure"
    name_digest: str = Field(max_length=64, primary_key=True)
    failures: int = Field(default=0)
    last_failed_at: datetime | None = utc_column(nullable=False)
    locked_until: datetime | None = utc_column()


class DeviceRow(SQLModel, table=True):
    __tablename__ = "device"
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=120)
    # the counter a window screen or rating pad belongs to (None for kiosks and displays)
    counter_id: int | None = Field(default=None, foreign_key="counter.id")
    revoked: bool = Field(default=False)
    status: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime | None = utc_column()
    last_seen_at: datetime | None = utc_column()


class TokenRow(SQLModel, table=True):
    """Bearer tokens, stored as SHA-256 digests only."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    device_id: int | None = Field(default=None, foreign_key="device.id", index=True)
    created_at: datetime | None = utc_column()
    expires_at: datetime | None = utc_column()
    revoked: bool = Field(default=False)


class NumberSequenceRow(SQLModel, table=True):
    """Last number issued per (branch, service, business day): the reset is the date changing."""

    __tablename__ = "number_sequence"
    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    business_date: date = Field(primary_key=True)
    last: int = Field(default=0)


class TicketRow(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        # The number stays with the ticket through transfers; prefixes are unique per branch.
        UniqueConstraint("branch_id", "business_date", "number", name="uq_ticket_number"),
        # Heads of each (service, class) queue come straight off this index.
        Index("ix_ticket_queue", "service_id", "status", "customer_class", "anchor_at", "id"),
        Index("ix_ticket_branch_status", "branch_id", "status"),
        # Tickets transferred to a counter, looked up on every call-next.
        Index("ix_ticket_target_counter", "target_counter_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    service_id: int = Field(foreign_key="service.id")
    number: str = Field(max_length=12)
    sequence: int
    business_date: date
    customer_class: str = Field(max_length=16)
    status: str = Field(max_length=16)
    language: str = Field(default="zh", max_length=8)
    issued_at: datetime | None = utc_column(nullable=False)
    anchor_at: datetime | None = utc_column(nullable=False)
    called_at: datetime | None = utc_column()
    started_at: datetime | None = utc_column()
    finished_at: datetime | None = utc_column()
    counter_id: int | None = Field(default=None, foreign_key="counter.id", index=True)
    target_counter_id: int | None = Field(default=None, foreign_key="counter.id")
    recall_count: int = Field(default=0)
    call_reason: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    served_by: int | None = Field(default=None, foreign_key="staff_user.id")
    tracking_token: str = Field(max_length=64, index=True)
    appointment_code: str | None = Field(default=None, max_length=32, index=True)
    transferred_from: int | None = Field(default=None)
    # the kiosk that issued it, so a reprint goes back to the same printer
    device_id: int | None = Field(default=None, foreign_key="device.id")


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    score: int
    comment: str = Field(default="", max_length=500)
    # the teller and counter that served the ticket, kept with the rating
    served_by: int | None = Field(default=None)
    counter_id: int | None = Field(default=None)
    created_at: datetime | None = utc_column()


class EventRow(SQLModel, table=True):
    """Every branch event, numbered by seq: the outbox and the resync log."""

    __tablename__ = "branch_event"
    __table_args__ = (UniqueConstraint("branch_id", "seq", name="uq_event_branch_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    seq: int
    name: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime | None = utc_column()


class AuditRow(SQLModel, table=True):
    """Decisions staff should be able to explain later (out-of-order calls, transfers)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    at: datetime | None = utc_column(nullable=False)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=32)
    ticket_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
