"""Requests generated from the served OpenAPI document (Schemathesis): none gets a 5xx, and
every refusal has the CONTRACT error shape. Requests that fit the document and requests
that break it (wrong types, missing fields, out-of-range ids), with an admin's token
against a branch that has services, counters and tickets."""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.support.builders import BranchFixture
from tests.support.databases import ON_BOTH_DATABASES

# On both databases: PostgreSQL refuses some strings SQLite takes (NUL characters).
pytestmark = ON_BOTH_DATABASES

EXAMPLES_PER_OPERATION = 25


def check(case: Any, headers: dict[str, str]) -> None:
    response = case.call(headers=headers)
    where = (
        f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:200]} "
        f"-> {response.status_code}: {response.content[:300]!r}"
    )
    assert response.status_code < 500, where
    if response.status_code >= 400 and "json" in response.headers.get("Content-Type", [""])[0]:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "field"} and error["code"] and error["message"], where


def test_no_generated_request_gets_a_server_error(app: Any, branch: BranchFixture, admin_headers: dict[str, str]):
    client = app.test_client()
    for _ in range(3):
        client.post(
            f"/api/v1/branches/{branch.id}/tickets",
            json={"service_id": branch.services["A"]},
            headers=branch.headers("kiosk"),
        )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30, "the document lists the API"
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            check(case, admin_headers)

        try:
            run()
        except Unsatisfiable:
            # Nothing to break in an operation without parameters or body.
            assert mode is GenerationMode.NEGATIVE, operation.label
