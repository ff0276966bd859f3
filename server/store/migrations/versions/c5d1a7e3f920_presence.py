"""presence: heartbeats of device pages and agents and of counter terminals

Revision ID: c5d1a7e3f920
Revises: c4f1a2b3d5e6
Create Date: 2026-12-01 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "c5d1a7e3f920"
down_revision: str | None = "c4f1a2b3d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("part", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("last_seen_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject", "subject_id", "part", name="uq_presence_part"),
    )
    op.create_index(op.f("ix_presence_branch_id"), "presence", ["branch_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_presence_branch_id"), table_name="presence")
    op.drop_table("presence")
