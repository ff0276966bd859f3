"""Booking codes and the phone numbers that go with them.

Codes are 8 characters from 31 that cannot be confused when read aloud or typed
(no 0/O, 1/I/L): 31**8 ≈ 8.5e11 codes, drawn with ``secrets``. A code alone opens
nothing: lookups also need the phone number, and are rate-limited.
"""

from __future__ import annotations

import secrets

import phonenumbers

from server.domain.errors import InvalidInput, NotFound

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
DEFAULT_REGION = "CN"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """Upper case without spaces or dashes; a malformed code is just an unknown one (404)."""
    code = text.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        raise NotFound("appointment_not_found", "no booking with this code and phone", "code")
    return code


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """E.164 (``+8613812345678``); national numbers are read in ``region``."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput("invalid_phone", "not a valid phone number", "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
