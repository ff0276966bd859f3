"""What of a customer's contact details staff lists and logs may show."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``: enough to tell two customers apart, not to call one."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) >= 10 else 1
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"
