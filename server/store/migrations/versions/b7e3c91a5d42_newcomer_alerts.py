"""alerts, and when a counter's status last changed

Revision ID: b7e3c91a5d42
Revises: a41c2f7e9d10
Create Date: 2026-12-01 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "b7e3c91a5d42"
down_revision: str | None = "a41c2f7e9d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("counter", sa.Column("status_since", server.store.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("subject_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("raised_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("acknowledged_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_branch_open", "alert", ["branch_id", "cleared_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_branch_open", table_name="alert")
    op.drop_table("alert")
    op.drop_column("counter", "status_since")
