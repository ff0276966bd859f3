"""Alerts of a branch: raised by the rules, acknowledged by a manager, cleared when the cause ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from server.store.tables import utc_column


class AlertRow(SQLModel, table=True):
    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_branch_open", "branch_id", "cleared_at"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    kind: str = Field(max_length=32)
    # kind and subject ids as one string: at most one open alert per key
    subject_key: str = Field(max_length=120)
    subject: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    severity: str = Field(max_length=16)
    message: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    raised_at: datetime | None = utc_column(nullable=False)
    acknowledged_by: str | None = Field(default=None, max_length=80)
    acknowledged_at: datetime | None = utc_column()
    cleared_at: datetime | None = utc_column()
