"""Ticket numbers: a service prefix and a per-business-day sequence.

Numbers run A001 … A999 and then widen (A1000), never wrapping: a number is never
reused within a business day, so a call can never be ambiguous.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def format_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:03d}"


def business_date(now_utc: datetime, timezone: str) -> date:
    """The branch-local calendar day ``now_utc`` falls on: numbering resets with it."""
    return now_utc.astimezone(ZoneInfo(timezone)).date()


def spoken_digits(number: str) -> str:
    """'A017' -> 'A 0 1 7': announcements read numbers digit by digit."""
    return " ".join(number)
