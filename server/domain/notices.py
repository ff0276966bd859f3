"""What booked customers are told, and when a failed message is tried again."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.domain.text import Text


class NoticeKind(StrEnum):
    CONFIRMED = "confirmed"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    REMINDER_DAY = "reminder_day"
    REMINDER_HOUR = "reminder_hour"


class NoticeStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender; retried if the lease runs out
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; a manager can retry it


MAX_ATTEMPTS = 8
FIRST_RETRY_S = 60
LAST_RETRY_S = 6 * 3600


def retry_delay(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: 1, 2, 4 … minutes, at most 6 hours."""
    return int(min(LAST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


def local_when(start: datetime, timezone: str) -> str:
    """A slot's start as a message says it: the branch's local date and time."""
    return start.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def notice_text(
    kind: NoticeKind, *, branch: dict[str, str], service: dict[str, str], start: datetime, timezone: str, code: str
) -> Text:
    """One short message (fits an SMS), times in the branch's zone; names stay per language."""
    when = local_when(start, timezone)
    return Text(f"notice.{kind.value}", {"branch": branch, "service": service, "when": when, "code": code})
