"""Alembic environment: the engine comes from the caller (``branchq db upgrade``)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from server.settings import Settings
        from server.store.database import make_engine

        url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
        with make_engine(url).connect() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
