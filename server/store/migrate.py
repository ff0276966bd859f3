"""Schema migrations with Alembic, run from code (``branchq db upgrade`` and at ``serve``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    _on(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Back to ``revision`` (each migration's downgrade keeps the data it can)."""
    _on(engine, command.downgrade, revision)


def _on(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        step(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration from the tables (development)."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)
