"""Checking texts given per language without tying a test to how many languages there are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.domain.languages import CODES


def in_languages(texts: Mapping[str, Any], *codes: str) -> dict[str, Any]:
    """``texts`` in ``codes`` only, after checking it has exactly one text per registry language."""
    assert sorted(texts) == sorted(CODES), f"one text per registry language: {sorted(texts)}"
    return {code: texts[code] for code in codes}
