"""What booked customers are told, and when a failed message is tried again."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.domain.names import local_name


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


_TEXT = {
    NoticeKind.CONFIRMED: (
        "预约成功：{branch} {service}，{when}，预约码 {code}",
        "Booked: {branch}, {service}, {when}. Code {code}",
    ),
    NoticeKind.RESCHEDULED: (
        "预约已改期：{branch} {service}，{when}，预约码 {code}",
        "Moved: {branch}, {service}, now {when}. Code {code}",
    ),
    NoticeKind.CANCELLED: ("预约已取消：{branch} {service}，{when}", "Cancelled: {branch}, {service}, {when}"),
    NoticeKind.REMINDER_DAY: (
        "提醒：明天 {when} 在 {branch} 办理 {service}，预约码 {code}",
        "Reminder: {service} at {branch} tomorrow, {when}. Code {code}",
    ),
    NoticeKind.REMINDER_HOUR: (
        "提醒：一小时后 {when} 在 {branch} 办理 {service}，预约码 {code}",
        "Reminder: {service} at {branch} in an hour, {when}. Code {code}",
    ),
}


def notice_text(
    kind: NoticeKind,
    language: str,
    *,
    branch: dict[str, str],
    service: dict[str, str],
    start: datetime,
    timezone: str,
    code: str,
) -> str:
    """One short message (fits an SMS) in the customer's language, times in the branch's zone."""
    lang = "zh" if language == "zh" else "en"
    when = start.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    template = _TEXT[kind][0 if lang == "zh" else 1]
    return template.format(branch=local_name(branch, lang), service=local_name(service, lang), when=when, code=code)
