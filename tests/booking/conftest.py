"""A weekday branch in Shanghai that takes bookings, and helpers to book through the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.services import booking_admin
from tests.support.builders import ROOT, BranchFixture, build_branch

WEEKDAYS = {day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
TUESDAY = date(2026, 11, 24)  # the fake clock starts on Monday 2026-11-23, 10:00 in Shanghai
PHONE = "13812345678"


@pytest.fixture
def bookable(deps: Any) -> BranchFixture:
    """Service A (10 min slots) at 3 counters, half of them for appointments: 1 or 2 places a slot."""
    fixture = build_branch(
        deps,
        opening_hours=WEEKDAYS,
        services={"A": {"expected_service": 600}, "B": {}},
        counters={1: "A", 2: "AB", 3: "BA"},
    )
    booking_admin.set_service_rules(deps, ROOT, fixture.id, fixture.services["A"], {"reserved_share": 0.5})
    return fixture


def book_body(branch: BranchFixture, start: str, phone: str = PHONE, **extra: Any) -> dict[str, Any]:
    return {
        "branch_id": branch.id,
        "service_id": branch.services["A"],
        "start": start,
        "name": "王小明",
        "phone": phone,
        "language": "zh",
        "consent": True,
    } | extra


def book(client: Any, branch: BranchFixture, start: str, phone: str = PHONE, **extra: Any) -> Any:
    return client.post("/api/v1/appointments", json=book_body(branch, start, phone, **extra))
