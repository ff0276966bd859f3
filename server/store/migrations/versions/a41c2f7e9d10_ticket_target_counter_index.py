"""index tickets transferred to a counter

Revision ID: a41c2f7e9d10
Revises: dc88d801f033
Create Date: 2026-11-23 20:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a41c2f7e9d10"
down_revision: str | None = "dc88d801f033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_target_counter", "ticket", ["target_counter_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_ticket_target_counter", table_name="ticket")
