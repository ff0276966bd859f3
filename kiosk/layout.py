"""What a printed ticket says, as plain values: a pure function of the print job.

The layout decides order and emphasis only; the printer adapter decides bytes, and the
server decides words: a print job (``print_ticket`` event) carries every label already
rendered per language, so this package knows no language of its own::

    {"job_id": "j-1",
     "ticket": {"number": "A017", "track_url": "/track/1?token=T", "language": "yue", ...},
     "service": {"name": {"yue": "個人業務", "en": "Personal banking"}},
     "branch": {"name": {"yue": "中山路支行", "en": "Zhongshan Road"}, "timezone": "Asia/Hong_Kong"},
     "languages": ["yue", "en"],
     "labels": {"yue": {"your_number": "你嘅號碼", "issued": "取號時間 2024-05-01 09:30",
                        "ahead": "前面仲有 3 人", "wait": "預計等候 約 3–11 分鐘",
                        "scan": "...", "footer": "..."}, "en": {...}}}

Labels a ticket has no use for (no appointment, no estimate) are absent.
A ticket whose class is not ``regular`` (the green channel, VIP, an appointment) says so
under its number (the ``class`` label). The footer is printed in every language of the job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

Size = Literal["normal", "large", "huge"]


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


def job_languages(job: Mapping[str, Any]) -> tuple[str, ...]:
    """The languages to print, in the job's order: those it has labels for."""
    labels = job.get("labels") or {}
    chosen = tuple(code for code in job.get("languages") or () if code in labels)
    return chosen or tuple(labels)


def ticket_layout(job: Mapping[str, Any], *, base_url: str | None = None) -> list[Block]:
    """Turn a print job into printable blocks. ``base_url`` resolves a server-relative track URL."""
    ticket = job["ticket"]
    languages = job_languages(job)
    blocks: list[Block] = []
    blocks += _names(job.get("branch", {}).get("name"), languages, size="normal", bold=True)
    blocks.append(Rule())
    blocks += _labelled(job, "your_number", languages)
    blocks.append(TextLine(ticket["number"], size="huge", bold=True))
    if class_names := _texts(job, "class", languages):
        blocks.append(TextLine(" / ".join(class_names), size="large", bold=True))
    blocks += _names(job.get("service", {}).get("name"), languages, size="large")
    blocks.append(Rule())
    blocks += _details(job, languages)
    track_url = ticket.get("track_url")
    if track_url:
        blocks.append(QrCode(urljoin(base_url, track_url) if base_url else track_url))
        blocks += _labelled(job, "scan", languages)
    blocks.append(Rule())
    blocks += _labelled(job, "footer", languages)
    return blocks


def _details(job: Mapping[str, Any], languages: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    for key in ("issued", "ahead", "wait", "appointment"):
        blocks += _labelled(job, key, languages)
    return [_left(block) for block in blocks]


def _names(
    names: Mapping[str, str] | str | None, languages: Sequence[str], *, size: Size, bold: bool = False
) -> list[Block]:
    if not names:
        return []
    if isinstance(names, str):
        return [TextLine(names, size=size, bold=bold)]
    texts = [names[code] for code in languages if names.get(code)]
    return [TextLine(text, size=size, bold=bold) for text in dict.fromkeys(texts)]


def _texts(job: Mapping[str, Any], key: str, languages: Sequence[str]) -> list[str]:
    """The label in each language, each different text once."""
    labels = job.get("labels") or {}
    return list(dict.fromkeys(labels[code][key] for code in languages if labels.get(code, {}).get(key)))


def _labelled(job: Mapping[str, Any], key: str, languages: Sequence[str]) -> list[Block]:
    return [TextLine(text) for text in _texts(job, key, languages)]


def _left(block: Block) -> Block:
    return (
        TextLine(block.text, size=block.size, align="left", bold=block.bold) if isinstance(block, TextLine) else block
    )
