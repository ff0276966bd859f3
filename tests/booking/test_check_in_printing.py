"""A check-in at the kiosk prints its ticket like a walk-in; staff can print it again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.booking.conftest import book
from tests.booking.test_check_in import TODAY_1020, check_in
from tests.support.builders import BranchFixture


@pytest.fixture
def printed(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    """Print jobs as (device id, ticket), instead of sending them to a print agent."""
    jobs: list[tuple[int, dict[str, Any]]] = []
    print_jobs = app.extensions["branchq"].print_jobs
    monkeypatch.setattr(print_jobs, "send", lambda device_id, ticket: jobs.append((device_id, ticket)) or "job")
    return jobs


def test_a_check_in_at_the_kiosk_prints_the_ticket_and_staff_can_reprint_it(
    client: Any, bookable: BranchFixture, printed: list[tuple[int, dict[str, Any]]]
) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    ticket = check_in(client, bookable, code).json
    assert printed == [(bookable.devices["kiosk"], ticket)]
    assert ticket["appointment_code"] == code and ticket["track_url"]
    reprint = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=bookable.headers("teller"))
    assert reprint.status_code == 202
    assert [(device, job["number"]) for device, job in printed] == [(bookable.devices["kiosk"], ticket["number"])] * 2


def test_a_check_in_by_staff_prints_nothing(
    client: Any, bookable: BranchFixture, printed: list[tuple[int, dict[str, Any]]]
) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    assert check_in(client, bookable, code, who="teller").status_code == 201
    assert printed == []
