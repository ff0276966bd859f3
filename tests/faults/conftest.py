"""Fault tests: their own PostgreSQL cluster and Redis, and branches built before a server starts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.support.builders import BranchFixture, build_branch
from tests.support.own_services import OwnPostgres, OwnRedis


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    cluster = OwnPostgres().start()
    yield cluster
    cluster.close()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path / "redis").start()
    yield server
    server.close()


def prepared_branch(tmp_path: Path, database_url: str, **branch: Any) -> BranchFixture:
    """Migrate the database and build a branch in it, then let go of every connection."""
    app = create_app(make_settings(tmp_path / "setup", database_url))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    fixture = build_branch(deps, **branch)
    deps.store.engine.dispose()
    return fixture
