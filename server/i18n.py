"""The catalogues, rendered on the server: the same files the pages load.

``server/web/static/i18n/<code>.json`` holds one flat ``key -> text`` map per registry
language; ``{name}`` placeholders are filled as ``t()`` fills them in ``common.js``. A key
missing in a language falls back as names do (the language, English, Chinese); a key missing
everywhere is a defect that ``tests/domain/test_catalogues.py`` catches before a customer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from server.domain.languages import CODES, fallback_order, pick
from server.domain.text import Text

CATALOGUE_DIR = Path(__file__).parent / "web" / "static" / "i18n"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def catalogue(code: str) -> dict[str, str]:
    path = CATALOGUE_DIR / f"{code}.json"
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return loaded


def template(key: str, code: str) -> str:
    for candidate in fallback_order(code):
        found = catalogue(candidate).get(key)
        if found is not None:
            return found
    raise KeyError(f"no catalogue has {key!r}")


def render(message: Text, code: str) -> str:
    """``message`` in ``code``; its parameters are rendered in the same language first."""
    values = {name: _value(value, code) for name, value in message.params.items()}
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), template(message.key, code))


def render_all(message: Text, codes: Iterable[str] = CODES) -> dict[str, str]:
    """One text per language: what the wire carries wherever the CONTRACT says ``{"zh", "en", …}``."""
    return {code: render(message, code) for code in codes}


def say(key: str, language: str, /, **params: Any) -> str:
    """One text by key (``code`` is a fine parameter name: the language is positional)."""
    return render(Text(key, params), language)


def _value(value: Any, code: str) -> str:
    if isinstance(value, Text):
        return render(value, code)
    if isinstance(value, Mapping):
        return pick(value, code)
    return str(value)
