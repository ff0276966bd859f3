"""Shared fixtures: a real app on a real database, a fake clock, builders, live servers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.settings import Settings
from server.store import migrate
from tests.support.builders import BranchFixture, admin_token, build_branch
from tests.support.clock import FakeClock
from tests.support.databases import fresh_postgres


@pytest.fixture(autouse=True)
def _no_real_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test opens a real USB printer or plays sound on the machine's speaker."""
    monkeypatch.setenv("BRANCHQ_NO_AUDIO_OUTPUT", "1")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite file by default; tests marked with both tiers parametrise this fixture indirectly."""
    if request.param == "postgres":
        with fresh_postgres() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'branchq.sqlite3'}"


def make_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    # Tokens are checked on every request here: tests move the clock past expiry.
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret",
        "instance_dir": tmp_path,
        "testing": True,
        "speech_cache_dir": tmp_path / "speech",
        "principal_cache_seconds": 0.0,
        "webhook_allow_private": True,  # the tests' receivers listen on 127.0.0.1
    }
    return Settings(**(values | overrides))


@pytest.fixture
def app(tmp_path: Path, database_url: str, clock: FakeClock) -> Any:
    from server.web import create_app

    application = create_app(make_settings(tmp_path, database_url), clock=clock)
    migrate.upgrade(application.extensions["branchq"].deps.store.engine)
    yield application
    application.extensions["branchq"].deps.store.engine.dispose()


@pytest.fixture
def deps(app: Any) -> Any:
    return app.extensions["branchq"].deps


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def branch(deps: Any) -> BranchFixture:
    return build_branch(deps)


@pytest.fixture
def admin_headers(deps: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token(deps)}"}


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI every tier (PostgreSQL, Redis, browser, voice) must run: a skip fails the run."""
    if os.environ.get("BRANCHQ_REQUIRE_ALL_TIERS") and _skipped:
        print(f"\n{len(_skipped)} tests skipped but every tier must run here:", *_skipped[:20], sep="\n  ")
        session.exitstatus = 1
