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

from tests.api.test_walk_in_flow import issue
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


# Values that once got past validation to the parsers, the driver or the calendar (a 500 each),
# as raw JSON text so that escapes reach the server's parser. Each goes into every field of
# every request body the document describes: the refusal is exact and names the field.
HOSTILE_FIELD_VALUES = {
    "lone_surrogate": ('"\\ud800"', 422, "invalid_text"),
    "surrogate_inside": ('"ab\\udfffcd"', 422, "invalid_text"),
    "nul": ('"a\\u0000"', 422, "invalid_text"),
    "5000_digits": ("9" * 5000, 422, "invalid_number"),
    "nan": ("NaN", 422, "invalid_number"),
    "overflowing_float": ("1e999", 422, "invalid_number"),
    "nested_40_deep": ("[" * 40 + "]" * 40, 422, "nested_too_deep"),
}
# Dates and times at the ends of the calendar: refused or answered, never a 500.
CALENDAR_ENDS = {
    "date": ["0001-01-01", "9999-12-31", "9999-12-01"],
    "date-time": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59+00:00"],
}


def body_fields(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON body's properties, following $ref into the components."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return {}
    schema = content["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return dict(schema.get("properties", {}))


def concrete_path(path: str, ids: dict[str, Any]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def operations_of(app: Any, branch: BranchFixture, admin: dict[str, str]) -> Any:
    """(method, OpenAPI path, URL with real ids, operation, document) for every operation served."""
    client = app.test_client()
    ids = path_ids(client, branch, admin)
    spec = client.get("/api/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, concrete_path(path, ids), operation, spec


def test_hostile_values_in_every_body_field_are_refused_naming_the_field(
    app: Any, branch: BranchFixture, admin_headers: dict[str, str]
):
    client = app.test_client()
    tried = 0
    for method, _path, url, operation, spec in operations_of(app, branch, admin_headers):
        for field in body_fields(spec, operation):
            for name, (value, status, code) in HOSTILE_FIELD_VALUES.items():
                response = client.open(url, method=method, data=f'{{"{field}": {value}}}', headers=admin_headers | JSON)
                where = f"{method} {url} {field}={name} -> {response.status_code} {response.get_data()[:200]!r}"
                assert response.status_code == status, where
                assert response.json["error"] == response.json["error"] | {"code": code, "field": field}, where
                tried += 1
        # the whole body nested past what the parser can read at all
        if body_fields(spec, operation):
            deep = client.open(url, method=method, data="[" * 5000 + "]" * 5000, headers=admin_headers | JSON)
            assert (deep.status_code, deep.json["error"]["code"]) == (400, "nested_too_deep"), f"{method} {url}"
    assert tried > 100, "the document describes the bodies"


def test_dates_at_the_ends_of_the_calendar_never_get_a_server_error(
    app: Any, branch: BranchFixture, admin_headers: dict[str, str]
):
    client = app.test_client()
    tried = 0
    for method, path, url, operation, spec in operations_of(app, branch, admin_headers):
        fields = {k: v.get("format") for k, v in body_fields(spec, operation).items()}
        queries = {p["name"]: p["schema"].get("format") for p in operation.get("parameters", []) if p["in"] == "query"}
        for where, names in (("json", fields), ("query", queries)):
            for field, kind in names.items():
                for value in CALENDAR_ENDS.get(kind or "", []):
                    given = {field: value}
                    if where == "json":
                        body = base_body(method, path, branch) | given
                        holder = {"phone": "13812345678"} if "{code}" in path else {}  # a booking's holder
                        response = client.open(
                            url, method=method, json=body, query_string=holder, headers=admin_headers
                        )
                    else:
                        response = client.open(url, method=method, query_string=given, headers=admin_headers)
                    label = f"{method} {url} {where} {field}={value} -> {response.status_code}"
                    assert response.status_code < 500, label + f" {response.get_data()[:200]!r}"
                    tried += 1
    assert tried > 10, "the document has dates"


JSON = {"Content-Type": "application/json"}


def base_body(method: str, path: str, branch: BranchFixture) -> dict[str, Any]:
    """The other fields a body needs, so that the date itself is what the server decides on."""
    if (method, path) == ("POST", "/api/v1/appointments"):
        return {
            "branch_id": branch.id,
            "service_id": branch.services["A"],
            "name": "Wang",
            "phone": "13812345678",
            "consent": True,
        }
    return {}


def path_ids(client: Any, branch: BranchFixture, admin: dict[str, str]) -> dict[str, Any]:
    """Real ids for every path parameter, so requests reach the views."""
    ticket = issue(client, branch).json
    booking = client.post(
        "/api/v1/appointments",
        json={
            "branch_id": branch.id,
            "service_id": branch.services["A"],
            "start": "2026-11-23T12:00:00+08:00",
            "name": "Wang",
            "phone": "13812345678",
            "consent": True,
        },
    )
    assert booking.status_code == 201, booking.json
    users = client.get("/api/v1/users", headers=admin).json
    return {
        "branch_id": branch.id,
        "service_id": branch.services["A"],
        "counter_id": branch.counters[1],
        "ticket_id": ticket["id"],
        "user_id": next(u["id"] for u in users if u["username"] == "teller-b1"),
        "device_id": branch.devices["display"],
        "notification_id": 1,
        "code": booking.json["code"],
        "day": "2026-12-24",
    }
