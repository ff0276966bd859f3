"""Text the database could not store is refused up front, the same on every database.

PostgreSQL's text types cannot hold the NUL character (SQLite's can): a name or a query
value containing one failed deep in the driver, as a 500. Checked once per request, before
any view, over the path, the query string, form fields and the JSON body.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import request

from server.domain.errors import InvalidInput

NUL = "\x00"


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(field path, text) for every key and string inside a parsed JSON value."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            yield path, str(key)
            yield from _strings(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}.{index}" if where else str(index))


def _refuse(field: str | None) -> None:
    raise InvalidInput("invalid_text", "text must not contain the NUL character", field or None)


def refuse_nul_characters() -> None:
    if NUL in request.path:
        _refuse(None)
    for source in (request.args, request.form):
        for key, values in source.lists():
            if NUL in key or any(NUL in value for value in values):
                _refuse(key.replace(NUL, ""))
    if request.is_json:
        body = request.get_json(silent=True)  # cached; malformed JSON is the view's 400
        for field, text in _strings(body, ""):
            if NUL in text:
                _refuse(field.replace(NUL, ""))
