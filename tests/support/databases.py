"""Database tiers: SQLite always; PostgreSQL when the server at 127.0.0.1:5432 answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = os.environ.get("BRANCHQ_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BRANCHQ_TEST_REDIS", "redis://127.0.0.1:6379/0")


def postgres_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=2):
            return None
    except Exception as error:  # pragma: no cover - depends on the machine
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable ({type(error).__name__}: {error})"


def redis_reason() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
        return None
    except Exception as error:  # pragma: no cover
        return f"Redis at 127.0.0.1:6379 is not reachable ({type(error).__name__}: {error})"


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty database for one test (dropped afterwards), so parallel runs never collide."""
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"bq_{uuid.uuid4().hex[:12]}"
    admin = PG_ADMIN_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Run a test (or, as ``pytestmark``, a module) on SQLite and on PostgreSQL.
ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
