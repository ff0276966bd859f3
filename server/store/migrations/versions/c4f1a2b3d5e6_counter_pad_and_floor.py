"""counter pad and floor: rating pads bound to a counter, pause reasons, who a rating is for

Revision ID: c4f1a2b3d5e6
Revises: 8e621ffc61a5
Create Date: 2026-12-01 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c4f1a2b3d5e6"
down_revision: str | None = "8e621ffc61a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counter_id", sa.Integer(), nullable=True))
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
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("counter_id")
