"""Bookable slots: opening hours cut into slots, a share of counter capacity reserved for appointments.

Slots are generated in absolute time from the branch-local opening hours, so on a
daylight-saving day a branch open 00:00-24:00 has 23 or 25 hours of slots, and a slot
is always ``slot_s`` long. Slots are shown in local time and stored in UTC.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.errors import InvalidInput
from server.domain.hours import DAYS, Intervals

MAX_SLOT_S = 4 * 3600


@dataclass(frozen=True, slots=True)
class BookingRules:
    """What a manager sets per service. Seconds, except where the name says otherwise."""

    reserved_share: float = 0.3  # of the counters serving the service; the rest stays for walk-ins
    slot_s: int | None = None  # None: the service's expected service time
    horizon_days: int = 14
    early_s: int = 1800  # check-in opens this long before the slot start
    late_s: int = 600  # checked in up to this long after the start: still the appointment class
    grace_s: int = 1800  # after this, never checked in means no-show (later than late_s: walk-in)
    per_phone_per_day: int = 2
    enabled: bool = True

    def slot_length(self, expected_service: int) -> int:
        return self.slot_s or max(300, expected_service)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: BookingRules | None = None) -> BookingRules:
        """Validated rules; keys left out keep ``base`` (or the defaults)."""
        rules = base or cls()
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidInput("unknown_setting", f"unknown booking setting {name!r}", name)
        values = {key: _check(key, value) for key, value in data.items()}
        rules = replace(rules, **values)
        if rules.grace_s < rules.late_s:
            raise InvalidInput("invalid_setting", "grace_s must be at least late_s", "grace_s")
        return rules


_LIMITS: dict[str, tuple[int, int]] = {
    "slot_s": (300, MAX_SLOT_S),
    "horizon_days": (1, 365),
    "early_s": (0, 6 * 3600),
    "late_s": (0, 4 * 3600),
    "grace_s": (0, 8 * 3600),
    "per_phone_per_day": (1, 50),
}


def _check(key: str, value: Any) -> Any:
    if key == "enabled":
        if not isinstance(value, bool):
            raise InvalidInput("invalid_setting", "enabled must be true or false", key)
        return value
    if key == "reserved_share":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
        if not ok:
            raise InvalidInput("invalid_setting", "reserved_share must be a number from 0 to 1", key)
        return float(value)
    if key == "slot_s" and value is None:
        return None
    low, high = _LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput("invalid_setting", f"{key} must be a whole number from {low} to {high}", key)
    return value


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    capacity: int


def slot_starts(day: date, timezone: str, hours: Mapping[str, Intervals], length_s: int) -> Iterator[datetime]:
    """UTC starts of the slots that fit wholly inside the day's opening intervals."""
    tz = ZoneInfo(timezone)
    step = timedelta(seconds=length_s)
    for opens, closes in hours.get(DAYS[day.weekday()], ()):
        start = datetime.combine(day, opens, tz).astimezone(UTC)
        if closes == time.max:
            end = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
        else:
            end = datetime.combine(day, closes, tz).astimezone(UTC)
        at = start
        while at + step <= end:
            yield at
            at += step


def day_slots(
    day: date,
    timezone: str,
    hours: Mapping[str, Intervals],
    *,
    counters: int,
    rules: BookingRules,
    expected_service: int,
    closed_days: Collection[date] = (),
) -> list[Slot]:
    """The day's slots with their appointment capacity (before bookings).

    A counter serves one booked customer per slot, so a slot's capacity is
    ``counters x reserved_share``. Fractions carry over to the next slot instead of being
    lost: 2 counters at 30% give 0, 1, 0, 1, 1, 0, … (3 places per 5 slots).
    """
    if day in closed_days or not rules.enabled:
        return []
    length = rules.slot_length(expected_service)
    per_slot = counters * rules.reserved_share
    slots = []
    for index, start in enumerate(slot_starts(day, timezone, hours, length)):
        capacity = _whole(per_slot * (index + 1)) - _whole(per_slot * index)
        slots.append(Slot(start, start + timedelta(seconds=length), capacity))
    return slots


def _whole(value: float) -> int:
    # 0.3 * 10 is 2.9999999999999996 in floating point: round off the noise first
    return math.floor(round(value, 9))


def check_bookable_day(day: date, today: date, rules: BookingRules) -> None:
    """Past days and days beyond the booking horizon are refused (today is allowed)."""
    if day < today:
        raise InvalidInput("date_in_past", f"{day.isoformat()} is in the past", "date")
    last = today + timedelta(days=rules.horizon_days)
    if day > last:
        raise InvalidInput(
            "beyond_horizon", f"bookings open {rules.horizon_days} days ahead (until {last.isoformat()})", "date"
        )
