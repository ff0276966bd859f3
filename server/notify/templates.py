"""Message texts (SMS and the other channels) from the shared catalogues, keys ``sms.*``.

One place for every language's wording (``server/i18n.py`` renders the files the pages load):
a translator who fixes a catalogue fixes the SMS too.
"""

from __future__ import annotations

from typing import Any

from server.i18n import say


def message_text(key: str, language: str, **values: Any) -> str:
    """``sms.<key>`` in ``language`` (else English, else Chinese), with ``{name}`` filled in."""
    return say(f"sms.{key}", language, **values)
