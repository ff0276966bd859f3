"""The branch floor's own data: who may take a VIP or green-channel ticket, and the display's media."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.store.tables import utc_column


class EligibilityRow(SQLModel, table=True):
    """A phone or card number the manager listed: its keyed digest and a masked form, never the number."""

    __tablename__ = "eligibility_entry"
    __table_args__ = (UniqueConstraint("branch_id", "digest", name="uq_eligibility_branch_digest"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    digest: str = Field(max_length=64)
    masked: str = Field(max_length=32)
    number_kind: str = Field(max_length=8)
    classes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=120)
    created_at: datetime | None = utc_column(nullable=False)


class MediaRow(SQLModel, table=True):
    """An image the manager uploaded for the call display; the file lives in the instance folder."""

    __tablename__ = "media_item"
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    # random file name (hex + extension): what the public URL carries
    name: str = Field(max_length=64, unique=True)
    content_type: str = Field(max_length=32)
    size: int
    title: str = Field(default="", max_length=120)
    created_at: datetime | None = utc_column(nullable=False)
