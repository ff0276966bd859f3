"""Every route and every Socket.IO event, under every kind of caller, answers exactly as
the table in table.py says; a route the table does not know fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.authority.requests_sent import REQUESTS
from tests.authority.sockets import socket_row
from tests.authority.table import HTTP, PENDING, SOCKET_CALLERS, SOCKETS, http_cell, markdown, socket_cells
from tests.authority.world import CALLERS

DOC = Path(__file__).parents[2] / "docs" / "reliability.md"


def _cells() -> list[object]:
    cells: list[object] = []
    for route in HTTP:
        for caller in CALLERS:
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if (reason := PENDING.get((route, caller))) else []
            cells.append(pytest.param(route, caller, marks=marks, id=f"{route} as {caller}"))
    return cells


def test_the_table_names_every_route_of_the_served_document(matrix):
    spec = matrix.client.get("/api/v1/openapi.json").json
    served = {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops}
    assert served - set(HTTP) == set(), "add these routes to tests/authority/table.py"
    assert set(HTTP) - served == set(), "these routes are no longer served"
    assert set(REQUESTS) == set(HTTP)
    assert all(len(row.split()) == len(CALLERS) for row in HTTP.values())


@pytest.mark.parametrize(("route", "caller"), _cells())
def test_route_answers_the_caller_as_the_table_says(matrix, route, caller):
    assert matrix.status(route, caller) == http_cell(route, caller)


@pytest.mark.parametrize("caller", SOCKET_CALLERS)
def test_socket_events_answer_the_caller_as_the_table_says(matrix, caller):
    assert set(SOCKETS) == set(SOCKET_CALLERS)
    assert socket_row(matrix, caller) == socket_cells(caller)


def test_the_documented_table_is_the_tested_one():
    text = DOC.read_text()
    section = text.split("## Who may call what", 1)[1]
    assert markdown() in section, "regenerate it: python -m tests.authority.table"
