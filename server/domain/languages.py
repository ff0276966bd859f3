"""The languages the branch network speaks: one registry, plain data.

Every list of languages in the system (API validation, screens, tickets, voice, messages)
derives from ``LANGUAGES``. Adding one is a new entry here plus one catalogue file per
surface (``server/web/static/i18n/<code>.json``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from server.domain.errors import InvalidInput

# How a language reads numbers aloud: "chinese" says counter 12 as 十二 (not 一二) and a
# ticket's digits one by one (零 一 七); "digits" leaves figures to the voice engine.
NumberReading = Literal["chinese", "digits"]


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # what the API's ``language`` fields carry
    tag: str  # BCP-47, for <html lang> and date formatting
    name: str  # in the language itself, for the chooser
    script: str  # ISO 15924: which glyphs tickets and screens need
    voice: str  # espeak-ng voice name; "" when the language is not spoken
    numbers: NumberReading


LANGUAGES: tuple[Language, ...] = (
    # espeak-ng's plain "cmn" spells hanzi out as English letters; the pinyin voice reads them
    Language("zh", "zh-CN", "中文", "Hans", "cmn-latn-pinyin", "chinese"),
    Language("en", "en", "English", "Latn", "en", "digits"),
    Language("yue", "yue-Hant-HK", "粵語", "Hant", "yue", "chinese"),
)
CODES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
DEFAULT = "zh"
# CONTRACT 1.1: a name missing in one language is shown in English, then in Chinese.
FALLBACK: tuple[str, ...] = ("en", "zh")

_BY_CODE = {language.code: language for language in LANGUAGES}


def language(code: str) -> Language:
    return _BY_CODE[code]


def is_known(code: object) -> bool:
    return isinstance(code, str) and code in _BY_CODE


def check_language(code: object, field: str = "language") -> str:
    """``code`` if the registry has it, else a clear 422 naming the codes it accepts."""
    if not is_known(code):
        raise InvalidInput("invalid_language", f"language must be one of {', '.join(CODES)}", field)
    return str(code)


def check_languages(codes: object, field: str) -> list[str]:
    """A non-empty list of distinct registry codes (a branch's screen or voice languages)."""
    if not isinstance(codes, list) or not codes:
        raise InvalidInput("invalid_languages", f"{field} must be a non-empty list of language codes", field)
    checked = [check_language(code, field) for code in codes]
    if len(set(checked)) != len(checked):
        raise InvalidInput("invalid_languages", f"{field} lists a language twice", field)
    return checked


def fallback_order(code: str) -> tuple[str, ...]:
    """Where to look for a text in ``code``: itself, then English, then Chinese."""
    return tuple(dict.fromkeys((code, *FALLBACK)))


def pick(names: Mapping[str, Any] | str | None, code: str) -> str:
    """A name shown to people in ``code``, with the CONTRACT's fallback; "" when there is none."""
    if names is None:
        return ""
    if isinstance(names, str):
        return names
    for candidate in fallback_order(code):
        text = names.get(candidate)
        if text:
            return str(text)
    return next((str(text) for text in names.values() if text), "")


def customer_first(own: str | None, order: Iterable[str]) -> tuple[str, ...]:
    """``order`` with the customer's own language moved (or added) to the front."""
    rest = tuple(code for code in order if code != own)
    return (own, *rest) if own is not None and is_known(own) else rest


def spoken_counter(number: int, code: str) -> str:
    """A counter number as the voice should say it: 12 -> 十二 in Chinese, "12" otherwise."""
    return chinese_numeral(number) if language(code).numbers == "chinese" else str(number)


def spoken_ticket(number: str, code: str) -> str:
    """A ticket number letter by letter, digit by digit: 'A017' -> 'A 零 一 七' / 'A 0 1 7'."""
    if language(code).numbers == "chinese":
        return " ".join(_DIGITS.get(char, char) for char in number)
    return " ".join(number)


_DIGITS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


def chinese_numeral(number: int) -> str:
    """0..9999 in Chinese numerals as said aloud: 10 十, 12 十二, 20 二十, 105 一百零五, 2000 两千."""
    if not 0 <= number <= 9999:
        return str(number)
    if number < 10:
        return _DIGITS[str(number)]
    if number < 20:
        return "十" + (_DIGITS[str(number - 10)] if number > 10 else "")
    words = ""
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += "零"
            pending_zero = False
        words += ("两" if digit == 2 and value >= 1000 else _DIGITS[str(digit)]) + unit
    return words
