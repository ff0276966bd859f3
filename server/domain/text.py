"""Words as the domain says them: a catalogue key and its parameters, rendered at the edge.

The domain never holds a sentence in any language; ``server.i18n`` renders a ``Text`` per
language from the catalogues the pages use too. A parameter may itself be a ``Text`` (a
class name inside a call reason) or a name per language (``{"zh", "en", …}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def text(key: str, **params: Any) -> Text:
    return Text(key, params)
