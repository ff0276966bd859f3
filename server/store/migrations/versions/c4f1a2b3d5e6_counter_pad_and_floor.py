"""counter pad and floor: pause reasons, who a rating is for and at which counter

Revision ID: c4f1a2b3d5e6
Revises: 9c422d9532f8
Create Date: 2026-12-01 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c4f1a2b3d5e6"
down_revision: str | None = "9c422d9532f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # device.counter_id (the counter a rating pad belongs to) comes with c5f1a9e2b7d3
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pause_reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("served_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("counter_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("counter_id")
        batch_op.drop_column("served_by")
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.drop_column("pause_reason")
