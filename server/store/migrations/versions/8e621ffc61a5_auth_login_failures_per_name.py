"""auth: failed logins in a row per login name (lockout)

Revision ID: 8e621ffc61a5
Revises: b7e3c91a5d42
Create Date: 2026-12-01 09:57:12.420166
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "8e621ffc61a5"
down_revision: str | None = "b7e3c91a5d42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("name_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name_digest"),
    )


def downgrade() -> None:
    op.drop_table("login_failure")
