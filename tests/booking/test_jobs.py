"""Scheduler jobs driven by the fake clock: no-shows, reminders, the outbox with retries."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest

from server.domain.notices import MAX_ATTEMPTS, retry_delay
from server.scheduler import BookingJobs, LeaderLock
from server.services import appointment_jobs, booking_admin, notifications
from server.store.database import make_engine
from tests.booking.conftest import PHONE, book
from tests.support.builders import ROOT, BranchFixture, admin_token
from tests.support.clock import FakeClock
from tests.support.databases import fresh_postgres

TODAY_1020 = "2026-11-23T10:20:00+08:00"


class Recorder:
    channel = "test"

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[Mapping[str, Any]] = []

    def send(self, message: Mapping[str, Any]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("gateway down")
        self.sent.append(message)


def outbox(client: Any, branch: BranchFixture, status: str | None = None) -> list[dict[str, Any]]:
    # the service, not the route: the manager's session has expired by the time the clock got here
    return booking_admin.list_notifications(client.application.extensions["branchq"].deps, ROOT, branch.id, status)


def test_a_booking_never_checked_in_becomes_a_no_show_once_and_frees_its_place(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    code = book(client, bookable, TODAY_1020).json["code"]
    clock.advance(49 * 60)  # 10:49: still within the 30-minute grace
    assert appointment_jobs.mark_no_shows(deps) == 0
    clock.advance(2 * 60)
    assert appointment_jobs.mark_no_shows(deps) == 1
    assert appointment_jobs.mark_no_shows(deps) == 0  # idempotent
    status = client.get(f"/api/v1/appointments/{code}", query_string={"phone": PHONE}).json["status"]
    assert status == "no_show"
    with deps.store.read() as uow:
        start = datetime.fromisoformat(TODAY_1020)
        assert uow.slots.booked(bookable.services["A"], [start]) == {start: 0}


def test_reminders_go_a_day_and_an_hour_before_each_exactly_once(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    book(client, bookable, "2026-11-24T11:00:00+08:00")  # 25 hours ahead
    assert appointment_jobs.queue_reminders(deps) == 0
    clock.advance(3600 + 60)
    assert appointment_jobs.queue_reminders(deps) == 1
    assert appointment_jobs.queue_reminders(deps) == 0
    clock.advance(23 * 3600)  # 10:01 on the day
    assert appointment_jobs.queue_reminders(deps) == 1
    assert appointment_jobs.queue_reminders(deps) == 0
    kinds = [n["kind"] for n in outbox(client, bookable)]
    assert kinds == ["reminder_hour", "reminder_day", "confirmed"]


def test_a_booking_made_the_same_day_gets_no_day_reminder(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    book(client, bookable, "2026-11-23T15:00:00+08:00")
    assert appointment_jobs.queue_reminders(deps) == 0
    clock.advance(4 * 3600 + 5 * 60)
    assert appointment_jobs.queue_reminders(deps) == 1


def test_concurrent_job_runs_change_each_booking_once(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    for minute in ("10:20", "10:30", "10:40"):
        assert (
            book(
                client, bookable, f"2026-11-23T{minute}:00+08:00", phone=f"1381234{minute.replace(':', '')}"
            ).status_code
            == 201
        )
    clock.advance(3 * 3600)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(appointment_jobs.mark_no_shows(deps))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 3


def test_messages_are_sent_and_failed_sends_retried_with_back_off(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    book(client, bookable, TODAY_1020)
    sender = Recorder(failures=2)
    assert notifications.send_due(deps, sender) == {"sent": 0, "failed": 1}
    pending = outbox(client, bookable, status="pending")[0]
    assert pending["attempts"] == 1 and "gateway down" in pending["last_error"]
    assert notifications.send_due(deps, sender) == {"sent": 0, "failed": 0}  # not due yet
    clock.advance(retry_delay(1))
    assert notifications.send_due(deps, sender)["failed"] == 1
    clock.advance(retry_delay(2))
    assert notifications.send_due(deps, sender) == {"sent": 1, "failed": 0}
    assert "预约成功" in sender.sent[0]["body"] and sender.sent[0]["phone"] == "+8613812345678"
    assert outbox(client, bookable)[0]["status"] == "sent"


def test_a_message_that_keeps_failing_is_shown_as_failed_and_can_be_retried(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    book(client, bookable, TODAY_1020)
    sender = Recorder(failures=MAX_ATTEMPTS)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        notifications.send_due(deps, sender)
        clock.advance(retry_delay(attempt))
    failed = outbox(client, bookable, status="failed")
    assert len(failed) == 1 and failed[0]["attempts"] == MAX_ATTEMPTS
    url = f"/api/v1/branches/{bookable.id}/notifications/{failed[0]['id']}/retry"
    assert client.post(url, headers={"Authorization": f"Bearer {admin_token(deps)}"}).json["status"] == "pending"
    assert notifications.send_due(deps, sender)["sent"] == 1


def test_a_sender_that_died_mid_send_loses_its_lease(
    client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock
) -> None:
    book(client, bookable, TODAY_1020)
    with deps.store.write() as uow:
        assert len(uow.notifications.claim_due(clock(), clock(), 10)) == 1  # claimed, then the process died
    sender = Recorder()
    clock.advance(notifications.LEASE_S + 1)
    assert notifications.send_due(deps, sender)["sent"] == 1


def test_the_scheduler_runs_jobs_by_name(client: Any, bookable: BranchFixture, deps: Any, clock: FakeClock) -> None:
    book(client, bookable, TODAY_1020)
    sender = Recorder()
    jobs = BookingJobs(deps, sender, LeaderLock(deps.store.engine))
    assert jobs.run("notifications") == {"sent": 1, "failed": 0}
    clock.advance(3600)
    assert jobs.run("no_shows") == 1
    assert jobs.run("reminders") == 0


@pytest.mark.postgres
def test_only_one_process_leads_on_postgresql() -> None:
    with fresh_postgres() as url:
        first, second = make_engine(url), make_engine(url)
        a, b = LeaderLock(first), LeaderLock(second)
        assert a.held() and a.held()
        assert not b.held()
        a.release()
        assert b.held()
        b.release()
        first.dispose()
        second.dispose()
