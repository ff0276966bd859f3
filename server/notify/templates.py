"""Message texts from the screens' catalogues (``static/i18n/{zh,en}.json``, keys ``sms.*``).

One place for every language's wording: a translator who fixes a catalogue fixes the SMS too.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

CATALOGUES = Path(__file__).resolve().parents[1] / "web" / "static" / "i18n"
FALLBACK = "en"


@functools.cache
def _catalogue(language: str) -> dict[str, str]:
    if not language.isalpha():
        return {}
    path = CATALOGUES / f"{language}.json"
    if not path.is_file():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k.startswith("sms.")}


def message_text(key: str, language: str, **values: Any) -> str:
    """``sms.<key>`` in ``language`` (else English, else Chinese), with ``{name}`` filled in."""
    for lang in (language, FALLBACK, "zh"):
        if template := _catalogue(lang).get(f"sms.{key}"):
            return template.format(**values)
    raise KeyError(f"no catalogue has sms.{key}")
