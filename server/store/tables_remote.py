"""Tables of remote join and webhooks: phone verifications, remote tickets, endpoints, deliveries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from server.store.tables import utc_column


class RemoteVerificationRow(SQLModel, table=True):
    """A one-time code sent to a phone; spent once, by the first verify that matches."""

    __tablename__ = "remote_verification"
    __table_args__ = (
        # the daily caps per phone and per client address
        Index("ix_remote_verification_phone_day", "branch_id", "phone", "local_date"),
        Index("ix_remote_verification_address_day", "branch_id", "address", "local_date"),
    )
    # random and unguessable: the id is what the verify route names
    id: str = Field(max_length=32, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    service_id: int = Field(foreign_key="service.id")
    phone: str = Field(max_length=20)
    language: str = Field(default="zh", max_length=8)
    address: str = Field(max_length=64)
    local_date: date
    # SHA-256 of the id and the code: a database read reveals no code
    code_digest: str = Field(max_length=64)
    attempts: int = Field(default=0)
    created_at: datetime | None = utc_column(nullable=False)
    expires_at: datetime | None = utc_column(nullable=False)
    used_at: datetime | None = utc_column()
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")


class RemoteTicketRow(SQLModel, table=True):
    """A ticket taken from a phone: held until its holder says they are in the branch."""

    __tablename__ = "remote_ticket"
    __table_args__ = (Index("ix_remote_ticket_branch_day", "branch_id", "local_date"),)
    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    service_id: int = Field(foreign_key="service.id")
    phone: str = Field(max_length=20)
    language: str = Field(default="zh", max_length=8)
    local_date: date
    created_at: datetime | None = utc_column(nullable=False)
    arrived_at: datetime | None = utc_column()
    arrived_via: str | None = Field(default=None, max_length=16)
    # stepped back once when its turn came before its holder arrived
    stepped_back_at: datetime | None = utc_column()
    # when each message about it was queued (each goes once)
    near_sent_at: datetime | None = utc_column()
    called_sent_at: datetime | None = utc_column()
    follow_up_sent_at: datetime | None = utc_column()


class WebhookEndpointRow(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # kept to sign with (an HMAC needs the secret itself); shown once, at creation
    secret: str = Field(max_length=64)
    active: bool = Field(default=True)
    created_at: datetime | None = utc_column(nullable=False)


class WebhookDeliveryRow(SQLModel, table=True):
    """One event for one endpoint: queued with the change, sent and retried by the scheduler."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        # an earlier delivery of the same subject still on its way holds the later ones back
        Index("ix_webhook_delivery_order", "endpoint_id", "ordering_key", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id")
    branch_id: int = Field(foreign_key="branch.id", index=True)
    delivery_id: str = Field(max_length=36, unique=True)
    event: str = Field(max_length=32)
    ordering_key: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = utc_column(nullable=False)
    last_error: str | None = Field(default=None, max_length=500)
    response_status: int | None = Field(default=None)
    created_at: datetime | None = utc_column(nullable=False)
    sent_at: datetime | None = utc_column()
