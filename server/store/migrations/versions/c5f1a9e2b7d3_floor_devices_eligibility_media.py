"""floor: window and rating devices bound to a counter, the VIP/green-channel list, display media

Revision ID: c5f1a9e2b7d3
Revises: 3c5d7e9f1a2b
Create Date: 2026-12-01 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "c5f1a9e2b7d3"
down_revision: str | None = "3c5d7e9f1a2b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counter_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_device_counter_id_counter", "counter", ["counter_id"], ["id"])
    op.create_table(
        "eligibility_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("masked", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("number_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("classes", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "digest", name="uq_eligibility_branch_digest"),
    )
    with op.batch_alter_table("eligibility_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_eligibility_entry_branch_id"), ["branch_id"], unique=False)
    op.create_table(
        "media_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("media_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_item_branch_id"), ["branch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_item_branch_id"))
    op.drop_table("media_item")
    with op.batch_alter_table("eligibility_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eligibility_entry_branch_id"))
    op.drop_table("eligibility_entry")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_constraint("fk_device_counter_id_counter", type_="foreignkey")
        batch_op.drop_column("counter_id")
