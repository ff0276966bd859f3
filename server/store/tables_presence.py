"""Heartbeats of the parts of a branch that must stay alive: a device's page and agent, a counter's terminal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from server.store.tables import utc_column


class PresenceRow(SQLModel, table=True):
    __tablename__ = "presence"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "part", name="uq_presence_part"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    # "device" (part "page" or "agent") or "counter" (part "terminal")
    subject: str = Field(max_length=16)
    subject_id: int
    part: str = Field(max_length=16)
    last_seen_at: datetime | None = utc_column(nullable=False)
    # set when the counter was paused because this terminal was gone; a beat clears it
    paused_at: datetime | None = utc_column()
