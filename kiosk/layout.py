"""What a printed ticket says, as plain values: a pure function of the print job.

The layout decides words and emphasis only; the printer adapter decides bytes. A print job
(``print_ticket`` event) looks like::

    {"job_id": "j-1",
     "ticket": {"number": "A017", "issued_at": "2024-05-01T01:30:00+00:00", "people_ahead": 3,
                "estimated_wait": {"p10": 240, "p50": 480, "p90": 900, "now": false,
                                   "label": {"zh": "约 4–15 分钟", "en": "4–15 min"}}, "track_url": "/track/1?token=T",
                "appointment_code": null, "language": "zh"},
     "service": {"name": {"zh": "个人业务", "en": "Personal banking"}},
     "branch": {"name": {"zh": "中山路支行", "en": "Zhongshan Road"}, "timezone": "Asia/Shanghai"},
     "languages": ["zh", "en"]}

``languages`` is optional (default: both, the ticket's ``language`` first, else zh first);
the footer is printed in every language whatever the list. Every name is ``{"zh", "en"}``.
A ticket whose ``customer_class`` is not ``regular`` (the green channel, VIP, an appointment)
says so under its number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Size = Literal["normal", "large", "huge"]
LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    size: Size = "normal"
    align: Literal["left", "center"] = "center"
    bold: bool = False


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A separator line across the paper."""


Block = TextLine | QrCode | Rule

_LABELS: dict[str, dict[str, str]] = {
    "your_number": {"zh": "您的号码", "en": "Your number"},
    "issued": {"zh": "取号时间 {time}", "en": "Issued {time}"},
    "ahead": {"zh": "前面还有 {n} 人", "en": "{n} people ahead of you"},
    "ahead_none": {"zh": "前面没有人在等候", "en": "Nobody is ahead of you"},
    "wait": {"zh": "预计等待 {low}-{high} 分钟", "en": "Estimated wait {low}-{high} min"},
    "wait_short": {"zh": "预计很快叫到您", "en": "You will be called shortly"},
    # The server's own wording of the range, as the kiosk screen and the tracking page show it.
    "wait_label": {"zh": "预计等候 {label}", "en": "Estimated wait: {label}"},
    "appointment": {"zh": "预约号 {code}", "en": "Appointment {code}"},
    "scan": {"zh": "扫码查看排队进度", "en": "Scan to follow your turn"},
    "footer": {"zh": "请留意叫号，过号请与工作人员联系", "en": "Please listen for your number"},
}

# The class a ticket is served in, printed under the number when it is not a regular one.
CLASS_NAMES: dict[str, dict[str, str]] = {
    "priority": {"zh": "绿色通道", "en": "Green channel"},
    "vip": {"zh": "贵宾", "en": "VIP"},
    "appointment": {"zh": "预约", "en": "Appointment"},
}


def job_languages(job: Mapping[str, Any]) -> tuple[str, ...]:
    """The languages to print, in order; unknown codes are dropped, none left means both.

    Without a list, both languages print and the customer's own comes first.
    """
    chosen = tuple(code for code in job.get("languages") or () if code in LANGUAGES)
    if chosen:
        return chosen
    first = job.get("ticket", {}).get("language")
    return (first, *(code for code in LANGUAGES if code != first)) if first in LANGUAGES else LANGUAGES


def ticket_layout(job: Mapping[str, Any], *, base_url: str | None = None) -> list[Block]:
    """Turn a print job into printable blocks. ``base_url`` resolves a server-relative track URL."""
    ticket = job["ticket"]
    languages = job_languages(job)
    blocks: list[Block] = []
    blocks += _names(job.get("branch", {}).get("name"), languages, size="normal", bold=True)
    blocks.append(Rule())
    blocks += _labelled("your_number", languages)
    blocks.append(TextLine(ticket["number"], size="huge", bold=True))
    if names := CLASS_NAMES.get(ticket.get("customer_class", "")):
        blocks.append(TextLine(" / ".join(names[code] for code in languages), size="large", bold=True))
    blocks += _names(job.get("service", {}).get("name"), languages, size="large")
    blocks.append(Rule())
    blocks += _details(ticket, job.get("branch", {}).get("timezone"), languages)
    track_url = ticket.get("track_url")
    if track_url:
        blocks.append(QrCode(urljoin(base_url, track_url) if base_url else track_url))
        blocks += _labelled("scan", languages)
    blocks.append(Rule())
    # Whoever holds the paper, and whoever helps them, reads the footer: always every language.
    blocks += _labelled("footer", (*languages, *(code for code in LANGUAGES if code not in languages)))
    return blocks


def _details(ticket: Mapping[str, Any], timezone: str | None, languages: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    issued_at = ticket.get("issued_at")
    if issued_at:
        blocks += _labelled("issued", languages, time=local_time(issued_at, timezone))
    ahead = ticket.get("people_ahead")
    if ahead is not None:
        blocks += _labelled("ahead", languages, n=ahead) if ahead > 0 else _labelled("ahead_none", languages)
    blocks += _wait_lines(ticket.get("estimated_wait"), languages)
    if ticket.get("appointment_code"):
        blocks += _labelled("appointment", languages, code=ticket["appointment_code"])
    return [_left(block) for block in blocks]


def _wait_lines(estimate: Mapping[str, Any] | None, languages: Sequence[str]) -> list[Block]:
    if not estimate:
        return []
    label = estimate.get("label")
    if isinstance(label, Mapping):
        return [
            TextLine(_LABELS["wait_label"][code].format(label=label[code])) for code in languages if label.get(code)
        ]
    # A job from a server that sends no label: the same rounding as its label.
    low, high = wait_minutes(estimate)
    if high <= 1:
        return _labelled("wait_short", languages)
    return _labelled("wait", languages, low=low, high=high)


def wait_minutes(estimate: Mapping[str, Any]) -> tuple[int, int]:
    """p10-p90 seconds as whole minutes: the low end rounds down, the high end up, never a promise."""
    low = int(estimate.get("p10", 0)) // 60
    high = math.ceil(int(estimate.get("p90", estimate.get("p50", 0))) / 60)
    return low, max(low, high)


def local_time(iso: str, timezone: str | None) -> str:
    """The issue time as the customer reads it: branch-local, minutes only."""
    moment = datetime.fromisoformat(iso)
    if timezone and moment.tzinfo is not None:
        # an unknown zone prints the time as sent rather than losing the ticket
        with suppress(ZoneInfoNotFoundError, ValueError):
            moment = moment.astimezone(ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%d %H:%M")


def _names(
    names: Mapping[str, str] | str | None, languages: Sequence[str], *, size: Size, bold: bool = False
) -> list[Block]:
    if not names:
        return []
    if isinstance(names, str):
        return [TextLine(names, size=size, bold=bold)]
    texts = [names[code] for code in languages if names.get(code)]
    return [TextLine(text, size=size, bold=bold) for text in dict.fromkeys(texts)]


def _labelled(key: str, languages: Sequence[str], **values: Any) -> list[Block]:
    return [TextLine(_LABELS[key][code].format(**values)) for code in languages]


def _left(block: Block) -> Block:
    return (
        TextLine(block.text, size=block.size, align="left", bold=block.bold) if isinstance(block, TextLine) else block
    )
