"""Comparing a secret someone typed or sent with the stored one, in constant time."""

from __future__ import annotations

import hmac


def same_secret(given: str, stored: str) -> bool:
    """Constant-time equality for any text: ``hmac.compare_digest`` refuses non-ASCII str,
    so both sides are compared as UTF-8 bytes (a stray byte in a URL must not be a 500)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), stored.encode("utf-8", "surrogatepass"))
