"""When a closed branch opens next, from its weekly opening hours (branch-local times)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta

from server.domain.hours import DAYS, Intervals


def next_opening(hours: Mapping[str, Intervals], local: datetime) -> datetime | None:
    """The first opening strictly after ``local`` within a week; None when the branch never opens."""
    for offset in range(8):
        day = local + timedelta(days=offset)
        for start, _end in hours.get(DAYS[day.weekday()], ()):
            if start == time.max:
                continue
            at = datetime.combine(day.date(), start, tzinfo=local.tzinfo)
            if at > local:
                return at
    return None
