"""The check-in window: early, on time, late, too late, used twice, cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.appointments import AppointmentStatus
from server.domain.booking_codes import ALPHABET, LENGTH, new_code, normalise_code, normalise_phone
from server.domain.checkin import Outcome, decide
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.slots import BookingRules
from server.i18n import render_all

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
RULES = BookingRules(early_s=1800, late_s=600, grace_s=1800)
BOOKED = AppointmentStatus.BOOKED


def at(minutes: float, status: AppointmentStatus = BOOKED):  # type: ignore[no-untyped-def]
    return decide(status, START, START + timedelta(minutes=minutes), RULES, "Asia/Shanghai")


@pytest.mark.parametrize("minutes", [-30, -5, 0, 10])
def test_within_the_window_the_ticket_is_an_appointment_anchored_at_the_slot_start(minutes: float) -> None:
    result = at(minutes)
    assert result.outcome is Outcome.APPOINTMENT
    assert result.anchor == START


def test_late_but_within_grace_gets_a_walk_in_ticket_and_is_told_why() -> None:
    result = at(10.5)
    assert result.outcome is Outcome.WALK_IN
    assert result.anchor is None
    told = render_all(result.message)
    assert "walk-in" in told["en"] and "普通" in told["zh"] and "普通" in told["yue"] and "10" in told["yue"]


def test_after_the_grace_the_booking_is_too_late() -> None:
    with pytest.raises(Conflict) as error:
        at(31)
    assert error.value.code == "too_late"
    with pytest.raises(Conflict):
        at(15, AppointmentStatus.NO_SHOW)


def test_too_early_says_when_check_in_opens_in_local_time() -> None:
    with pytest.raises(Conflict) as error:
        at(-31)
    assert error.value.code == "too_early"
    assert "09:30" in error.value.message


def test_too_early_on_another_day_gives_the_date_too() -> None:
    with pytest.raises(Conflict) as error:
        at(-24 * 60)
    assert "2026-11-24T09:30" in error.value.message


def test_a_used_or_cancelled_booking_is_refused() -> None:
    with pytest.raises(Conflict) as used:
        at(0, AppointmentStatus.CHECKED_IN)
    assert used.value.code == "appointment_used"
    with pytest.raises(Conflict) as cancelled:
        at(0, AppointmentStatus.CANCELLED)
    assert cancelled.value.code == "appointment_cancelled"


def test_codes_are_random_from_an_unambiguous_alphabet() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)
    assert normalise_code(" abcd-efgh ".replace("a", "2")) == "2BCDEFGH"
    with pytest.raises(NotFound):
        normalise_code("0000")


def test_phones_are_stored_in_e164_with_china_as_the_default_region() -> None:
    assert normalise_phone("138 1234 5678") == "+8613812345678"
    assert normalise_phone("+49 30 901820") == "+4930901820"
    for bad in ("12345", "abc", "+86 138"):
        with pytest.raises(InvalidInput):
            normalise_phone(bad)
