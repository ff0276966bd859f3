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


PROMPTS = ("choose_service", "enter_code", "your_number")


def prompt_text(key: str, number: str | None = None, ahead: int = 0) -> dict[str, str]:
    """Spoken prompts of the kiosk, for customers who cannot read the screen well."""
    if key == "choose_service":
        return {"zh": "请选择您要办理的业务", "en": "Please choose a service"}
    if key == "enter_code":
        return {"zh": "请输入或扫描您的预约码", "en": "Please type or scan your booking code"}
    if key == "your_number" and number:
        zh_number = " ".join(_ZH_DIGITS.get(ch, ch) for ch in number)
        return {
            "zh": f"您的号码是 {zh_number} 号, 前面还有 {ahead} 人",
            "en": f"Your number is {spoken_digits(number)}. {ahead} people are ahead of you",
        }
    raise ValueError(f"unknown prompt {key!r}")
