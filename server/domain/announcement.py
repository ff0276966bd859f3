"""The words a display shows and speaks when a ticket is called, as catalogue keys.

Shown: the number as printed (请 A017 号到 3 号窗口). Spoken: per language, as that
language reads numbers (``languages.spoken_ticket`` / ``spoken_counter``): Mandarin and
Cantonese say counter 12 as 十二 and the ticket letter by letter, digit by digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from server.domain.languages import DEFAULT, customer_first, is_known, spoken_counter, spoken_ticket
from server.domain.text import Text

PROMPTS = ("choose_service", "enter_code", "your_number")
# A branch that chose nothing: screens alternate, and the voice speaks, Chinese then English.
DEFAULT_LANGUAGES: tuple[str, ...] = (DEFAULT, "en")


def announcement_text(number: str, counter_number: int) -> Text:
    """What the screens show, e.g. 请 A017 号到 3 号窗口 / Ticket A017, please go to counter 3."""
    return Text("announce.call", {"number": number, "counter": counter_number})


def speech_text(number: str, counter_number: int, code: str) -> Text:
    """What the voice reads in ``code``."""
    return Text(
        "announce.spoken",
        {"number": spoken_ticket(number, code), "counter": spoken_counter(counter_number, code)},
    )


def prompt_text(key: str, code: str, number: str | None = None, ahead: int = 0) -> Text:
    """Spoken prompts of the kiosk, for customers who cannot read the screen well."""
    if key not in PROMPTS or (key == "your_number" and not number):
        raise ValueError(f"unknown prompt {key!r}" if key not in PROMPTS else "your_number needs a number")
    params: dict[str, Any] = {"ahead": ahead}
    if number:
        params["number"] = spoken_ticket(number, code)
    return Text(f"announce.{key}", params)


def branch_languages(settings: Mapping[str, Any], kind: str) -> tuple[str, ...]:
    """A branch's ``screen_languages`` (what its screens alternate) or ``voice_languages``.

    Unknown codes are skipped (a language removed from the registry); none left is the
    default. ``announce_languages`` (a comma string or list) is the older name of the voice's.
    """
    configured: Any = settings.get(f"{kind}_languages")
    if configured is None and kind == "voice":
        configured = settings.get("announce_languages")
    if isinstance(configured, str):
        configured = configured.split(",")
    chosen = tuple(dict.fromkeys(code for code in configured or () if is_known(code)))
    return chosen or DEFAULT_LANGUAGES


def voice_order(ticket_language: str | None, voice_languages: Iterable[str]) -> tuple[str, ...]:
    """The holder hears their own language first, then the branch's voice languages."""
    return customer_first(ticket_language, voice_languages)
