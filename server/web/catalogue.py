"""The pages' catalogues (static/i18n/<lang>.json) read on the server, for what it writes for
people itself (CSV headers): one set of words for the screens and the files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent / "static" / "i18n"
FALLBACK = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    path = FOLDER / f"{lang}.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data


def text(lang: str, key: str) -> str:
    """The text of ``key`` in ``lang``; English, then the key itself, when it has none."""
    return catalogue(lang).get(key) or catalogue(FALLBACK).get(key) or key
