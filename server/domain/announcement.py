"""The words a display shows and speaks when a ticket is called."""

from __future__ import annotations

from server.domain.numbering import spoken_digits

_ZH_DIGITS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


def announcement_text(number: str, counter_number: int) -> dict[str, str]:
    """Display text, e.g. 请 A017 号到 3 号窗口 / Ticket A 0 1 7, please go to counter 3."""
    return {
        "zh": f"请 {number} 号到 {counter_number} 号窗口",
        "en": f"Ticket {spoken_digits(number)}, please go to counter {counter_number}",
    }


def speech_text(number: str, counter_number: int) -> dict[str, str]:
    """What the voice engine reads: digits one by one in each language."""
    zh_number = " ".join(_ZH_DIGITS.get(ch, ch) for ch in number)
    zh_counter = "".join(_ZH_DIGITS[ch] for ch in str(counter_number))
    return {
        "zh": f"请 {zh_number} 号, 到 {zh_counter} 号窗口",
        "en": f"Ticket {spoken_digits(number)}, please go to counter {counter_number}",
    }
