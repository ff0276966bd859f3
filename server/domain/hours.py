"""Opening hours: ``{"mon": [["09:00", "17:00"]], …}`` in the branch's local time."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from server.domain.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Intervals = tuple[tuple[time, time], ...]


def _parse_clock(value: Any, where: str) -> time:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise InvalidInput("invalid_opening_hours", f"{where} must be HH:MM", where)
    if value == "24:00":
        return time.max
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_opening_hours", f"{where} must be HH:MM", where) from None


def parse_opening_hours(data: Any) -> dict[str, Intervals]:
    """Validate and normalise; days left out are closed."""
    if not isinstance(data, Mapping):
        raise InvalidInput("invalid_opening_hours", "opening_hours must be an object", "opening_hours")
    result: dict[str, Intervals] = {}
    for day, spans in data.items():
        where = f"opening_hours.{day}"
        if day not in DAYS:
            raise InvalidInput("invalid_opening_hours", f"unknown day {day!r} (use mon…sun)", where)
        if not isinstance(spans, list):
            raise InvalidInput("invalid_opening_hours", f"{where} must be a list of [open, close]", where)
        parsed: list[tuple[time, time]] = []
        for span in spans:
            if not isinstance(span, list | tuple) or len(span) != 2:
                raise InvalidInput("invalid_opening_hours", f"{where} entries must be [open, close]", where)
            start, end = _parse_clock(span[0], where), _parse_clock(span[1], where)
            if start >= end:
                raise InvalidInput("invalid_opening_hours", f"{where}: {span[0]} is not before {span[1]}", where)
            parsed.append((start, end))
        parsed.sort()
        for (_, end), (start, _) in itertools.pairwise(parsed):
            if start < end:
                raise InvalidInput("invalid_opening_hours", f"{where}: intervals overlap", where)
        result[day] = tuple(parsed)
    return result


def dump_opening_hours(hours: Mapping[str, Intervals]) -> dict[str, list[list[str]]]:
    def clock(t: time) -> str:
        return "24:00" if t == time.max else t.strftime("%H:%M")

    return {day: [[clock(a), clock(b)] for a, b in spans] for day, spans in hours.items()}


def is_open(hours: Mapping[str, Intervals], local: datetime) -> bool:
    """Whether the branch is open at the branch-local time ``local``."""
    spans = hours.get(DAYS[local.weekday()], ())
    now = local.time().replace(tzinfo=None)
    return any(start <= now < end for start, end in spans)


ALWAYS_OPEN: dict[str, list[list[str]]] = {day: [["00:00", "24:00"]] for day in DAYS}
