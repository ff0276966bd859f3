"""Slot generation: opening hours, capacity share, time zones and daylight saving, closures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain.errors import InvalidInput
from server.domain.hours import parse_opening_hours
from server.domain.slots import BookingRules, check_bookable_day, day_slots

WEEKDAY_HOURS = parse_opening_hours({"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sun": [["00:00", "24:00"]]})
MONDAY = date(2026, 11, 23)


def slots(day: date = MONDAY, timezone: str = "Asia/Shanghai", counters: int = 2, **rules: object) -> list:
    return day_slots(day, timezone, WEEKDAY_HOURS, counters=counters, rules=BookingRules(**rules), expected_service=900)


def test_slots_fill_each_opening_interval_and_default_to_the_expected_service_time() -> None:
    day = slots(reserved_share=1.0)
    assert len(day) == 12 + 16  # 3 h and 4 h of 15-minute slots
    assert day[0].start == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert day[11].end == datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00
    assert day[12].start == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 13:00 after lunch


def test_a_slot_that_does_not_fit_before_closing_is_left_out() -> None:
    day = slots(slot_s=2400)  # 40 minutes: 4 fit in 09:00-12:00, 6 in 13:00-17:00
    assert len(day) == 4 + 6
    assert day[3].end == datetime(2026, 11, 23, 3, 40, tzinfo=UTC)


def test_capacity_is_counters_times_reserved_share_with_fractions_carried() -> None:
    day = slots(counters=2, reserved_share=0.3)  # 0.6 places a slot
    assert [s.capacity for s in day[:5]] == [0, 1, 0, 1, 1]
    assert sum(s.capacity for s in day) == int(len(day) * 0.6)
    assert {s.capacity for s in slots(counters=4, reserved_share=0.5)} == {2}


def test_no_counter_or_no_share_means_no_place() -> None:
    assert all(s.capacity == 0 for s in slots(counters=0))
    assert all(s.capacity == 0 for s in slots(reserved_share=0.0))


def test_closed_days_and_closures_have_no_slots() -> None:
    assert slots(day=date(2026, 11, 24)) == []  # tuesday: not in the hours
    assert (
        day_slots(
            MONDAY, "UTC", WEEKDAY_HOURS, counters=2, rules=BookingRules(), expected_service=900, closed_days={MONDAY}
        )
        == []
    )
    assert slots(enabled=False) == []


def test_berlin_slots_follow_the_local_clock_across_the_spring_change() -> None:
    saturday, sunday = date(2026, 3, 28), date(2026, 3, 29)  # clocks go 02:00 -> 03:00 on Sunday
    hours = parse_opening_hours({"sat": [["09:00", "17:00"]], "sun": [["00:00", "24:00"]]})
    rules = BookingRules(slot_s=3600)
    before = day_slots(saturday, "Europe/Berlin", hours, counters=1, rules=rules, expected_service=600)
    assert before[0].start == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 CET = UTC+1
    on_the_day = day_slots(sunday, "Europe/Berlin", hours, counters=1, rules=rules, expected_service=600)
    assert len(on_the_day) == 23  # the day has 23 hours
    local = [s.start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") for s in on_the_day]
    assert local[:4] == ["00:00", "01:00", "03:00", "04:00"]  # 02:00 does not exist
    assert on_the_day[9].start == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 10:00 CEST = UTC+2


def test_berlin_autumn_change_gives_a_25_hour_day() -> None:
    hours = parse_opening_hours({"sun": [["00:00", "24:00"]]})
    day = day_slots(
        date(2026, 10, 25), "Europe/Berlin", hours, counters=1, rules=BookingRules(slot_s=3600), expected_service=600
    )
    assert len(day) == 25


def test_shanghai_has_no_daylight_saving_so_every_day_starts_at_01_utc() -> None:
    for day in (date(2026, 3, 30), date(2026, 11, 23)):
        assert slots(day=day)[0].start == datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


def test_past_days_and_days_beyond_the_horizon_are_refused() -> None:
    rules = BookingRules(horizon_days=14)
    check_bookable_day(MONDAY, MONDAY, rules)
    check_bookable_day(date(2026, 12, 7), MONDAY, rules)
    with pytest.raises(InvalidInput) as past:
        check_bookable_day(date(2026, 11, 22), MONDAY, rules)
    assert past.value.code == "date_in_past"
    with pytest.raises(InvalidInput) as far:
        check_bookable_day(date(2026, 12, 8), MONDAY, rules)
    assert far.value.code == "beyond_horizon"


def test_rules_are_validated_and_keep_what_is_not_given() -> None:
    rules = BookingRules.from_dict({"reserved_share": 0.5}, BookingRules(horizon_days=7))
    assert (rules.reserved_share, rules.horizon_days) == (0.5, 7)
    for bad in ({"reserved_share": 2}, {"slot_s": 10}, {"late_s": 900, "grace_s": 600}, {"nope": 1}, {"enabled": 1}):
        with pytest.raises(InvalidInput):
            BookingRules.from_dict(bad)
