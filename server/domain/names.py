"""Names shown to people: one text per language code, and the rule for a language a name lacks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from server.domain.languages import CODES as LANGUAGE_CODES
from server.domain.languages import FALLBACK, pick

MAX_NAME_LENGTH = 120

Name = dict[str, str]


def local_name(name: Mapping[str, str], language: str) -> str:
    """The name in ``language``, else in English, else in Chinese, else in whatever it has."""
    return pick(name, language)


def complete_name(name: Mapping[str, str], languages: Iterable[str] = LANGUAGE_CODES) -> Name:
    """The name with every one of ``languages`` filled in by the fallback rule (for readers without it)."""
    return {code: local_name(name, code) for code in languages}


def same_in_every_language(text: str) -> Name:
    """A name given as one string (a counter's "3号窗口"): what every reader falls back to."""
    return dict.fromkeys(FALLBACK, text)


def parse_name(value: Any) -> Name:
    """A name from the API: one string, or {code: text} with known codes and at least zh or en.

    Raises ValueError saying what is wrong; texts come back stripped.
    """
    if isinstance(value, str):
        return same_in_every_language(_text(value, "the name"))
    if not isinstance(value, dict) or not value:
        raise ValueError('must be a string or an object such as {"zh": …, "en": …}')
    unknown = sorted(str(code) for code in value if code not in LANGUAGE_CODES)
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r} (known: {', '.join(LANGUAGE_CODES)})")
    if not any(code in value for code in FALLBACK):
        raise ValueError(f"needs at least one of {' or '.join(FALLBACK)}")
    return {code: _text(text, code) for code, text in value.items()}


def _text(text: Any, what: str) -> str:
    if not isinstance(text, str) or not 1 <= len(text.strip()) <= MAX_NAME_LENGTH:
        raise ValueError(f"{what} must be 1 to {MAX_NAME_LENGTH} characters")
    return text.strip()
