"""One app and one seeded world for the whole matrix; the database is put back after a write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from server.store import migrate
from server.web import create_app
from tests.authority.requests_sent import REQUESTS, fill
from tests.authority.world import Snapshot, World, build_world
from tests.conftest import make_settings
from tests.support.clock import FakeClock


class Matrix:
    def __init__(self, app: Any, world: World, snapshot: Snapshot) -> None:
        self.app, self.world, self.snapshot = app, world, snapshot
        self.client = app.test_client()

    def status(self, route: str, caller: str) -> int:
        """The status of ``route``'s request sent by ``caller``, on the seeded world."""
        method, path = route.split(" ", 1)
        query, body = REQUESTS[route]
        ids = self.world.ids
        response = self.client.open(
            fill(path, ids),
            method=method,
            query_string=fill(query, ids),
            json=fill(body, ids) if body is not None else None,
            headers=self.world.headers(caller),
        )
        if method != "GET" and response.status_code < 400:
            self.snapshot.restore()
        return response.status_code


@pytest.fixture(scope="package")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    folder = tmp_path_factory.mktemp("matrix")
    live = folder / "matrix.sqlite3"
    app = create_app(make_settings(folder, f"sqlite:///{live}"), clock=FakeClock())
    app.extensions["limiter"].enabled = False  # the matrix sends each public route ten times
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    world = build_world(deps)
    deps.store.engine.dispose()
    yield Matrix(app, world, Snapshot(live, deps.store.engine))
    deps.store.engine.dispose()
