"""names in any language: one JSON ``name`` {code: text} for branches, services and counters

Branch and service names move from name_zh/name_en into {"zh", "en"}; a counter's plain string
becomes the same text in both (an empty one, the counter's number, as new counters are named).
The downgrade keeps the zh and en texts, each by the fallback rule (en, then zh).

Revision ID: 3c5d7e9f1a2b
Revises: 8e621ffc61a5
Create Date: 2026-12-01 12:50:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "3c5d7e9f1a2b"
down_revision: str | None = "8e621ffc61a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BILINGUAL = ("branch", "service")
OLD_LENGTH = 120

# Columns are added NOT NULL with a default (SQLite cannot change nullability in place, and a
# batch copy of ``counter`` would trip the tickets' foreign keys); the default goes afterwards.
EMPTY_NAME = sa.text("'{}'")


def _table(name: str, *columns: str, json_name: str = "name") -> sa.TableClause:
    return sa.table(name, sa.column("id"), sa.column(json_name, sa.JSON()), *(sa.column(c) for c in columns))


def _fill(table: sa.TableClause, values_of: Any) -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(table)).mappings().all():
        conn.execute(table.update().where(table.c.id == row["id"]).values(values_of(row)))


def _drop_default(table: str, column: str, type_: Any) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, column, server_default=None, existing_type=type_, existing_nullable=False)


def upgrade() -> None:
    for name in BILINGUAL:
        op.add_column(name, sa.Column("name", sa.JSON(), nullable=False, server_default=EMPTY_NAME))
        table = _table(name, "name_zh", "name_en")
        _fill(table, lambda row: {"name": _bilingual(row["name_zh"], row["name_en"])})
        op.drop_column(name, "name_zh")
        op.drop_column(name, "name_en")
        _drop_default(name, "name", sa.JSON())
    op.add_column("counter", sa.Column("name_json", sa.JSON(), nullable=False, server_default=EMPTY_NAME))
    counters = _table("counter", "name", "number", json_name="name_json")
    _fill(counters, lambda row: {"name_json": _one_text(row["name"] or str(row["number"]))})
    op.drop_column("counter", "name")
    op.alter_column("counter", "name_json", new_column_name="name")
    _drop_default("counter", "name", sa.JSON())


def downgrade() -> None:
    text = sa.String(length=OLD_LENGTH)
    for name in BILINGUAL:
        op.add_column(name, sa.Column("name_zh", text, nullable=False, server_default=""))
        op.add_column(name, sa.Column("name_en", text, nullable=False, server_default=""))
        table = _table(name, "name_zh", "name_en")
        _fill(table, lambda row: {"name_zh": _in(row["name"], "zh"), "name_en": _in(row["name"], "en")})
        op.drop_column(name, "name")
        _drop_default(name, "name_zh", text)
        _drop_default(name, "name_en", text)
    op.add_column("counter", sa.Column("name_text", text, nullable=False, server_default=""))
    counters = _table("counter", "name_text")
    _fill(counters, lambda row: {"name_text": _in(row["name"], "zh")})
    op.drop_column("counter", "name")
    op.alter_column("counter", "name_text", new_column_name="name")
    _drop_default("counter", "name", text)


def _bilingual(zh: str | None, en: str | None) -> dict[str, str]:
    return {"zh": zh or en or "", "en": en or zh or ""}


def _one_text(text: str) -> dict[str, str]:
    return {"zh": text, "en": text}


def _in(name: dict[str, str] | None, code: str) -> str:
    """The fallback rule as it stood here: the language, then en, then zh, then anything."""
    name = name or {}
    for candidate in (code, "en", "zh"):
        if name.get(candidate):
            return name[candidate][:OLD_LENGTH]
    return next((t for t in name.values() if t), "")[:OLD_LENGTH]
