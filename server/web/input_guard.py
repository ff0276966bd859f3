"""Input the server could not store or compute with is refused up front, the same on every database.

Checked once per request, before any view, over the path, the query string, form fields and
the JSON body:

- text must be storable: no NUL (PostgreSQL's text cannot hold it) and no lone UTF-16
  surrogate such as ``\\ud800`` (JSON may escape one; it cannot be encoded as UTF-8, so the
  driver, the password hash and every digest failed on it);
- the JSON body is parsed here once with limits, because the parsers behind the views fail
  on it with errors that are no ValueError: nesting past ``MAX_DEPTH`` (Python's parser
  recurses), integers longer than ``MAX_DIGITS`` (Python refuses to convert past 4,300
  digits) and NaN/Infinity (no database's JSON holds them).

The same checks serve Socket.IO event data (``refuse_bad_value``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from flask import request

from server.domain.errors import InvalidInput

# Deeper than any body the API takes (a policy is four levels).
MAX_DEPTH = 32
# Longer than any id or count the API takes (ids are 32-bit); the text of a number in JSON.
MAX_DIGITS = 32
LARGEST = 10**MAX_DIGITS
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Socket.IO device reports keep their text with NUL dropped (devices.report_status).
SURROGATES = re.compile("[\ud800-\udfff]")
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class _NotANumber:
    """Stands in for a JSON number that is out of bounds, so the walk can name its field."""


NOT_A_NUMBER = _NotANumber()


def _bounded_int(text: str) -> Any:
    return int(text) if len(text) <= MAX_DIGITS else NOT_A_NUMBER


def _finite_float(text: str) -> Any:
    value = float(text)
    return value if math.isfinite(value) else NOT_A_NUMBER


def parse_json(raw: bytes | str) -> Any:
    """The body as JSON, or a 400 when it is not JSON or nests too deep to parse at all."""
    try:
        return json.loads(raw, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=lambda _: NOT_A_NUMBER)
    except RecursionError:
        raise _too_deep(None).as_bad_request() from None
    except ValueError:  # also bytes that are not UTF-8
        raise InvalidInput("invalid_json", "the body is not valid JSON", None).as_bad_request() from None


def _too_deep(field: str | None) -> InvalidInput:
    return InvalidInput("nested_too_deep", f"the data nests deeper than {MAX_DEPTH} levels", field)


def _walk(value: Any, where: str = "") -> Iterator[tuple[str, Any, int]]:
    """(field path, value, depth) for every key and value inside parsed JSON, without recursing."""
    stack: list[tuple[str, Any, int]] = [(where, value, 0)]
    while stack:
        path, item, depth = stack.pop()
        yield path, item, depth
        if isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                yield child_path, str(key), depth + 1
                stack.append((child_path, child, depth + 1))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), child, depth + 1) for i, child in enumerate(item))


def refuse_bad_value(value: Any, where: str = "", text: re.Pattern[str] = UNSTORABLE) -> None:
    """Any text, number or nesting in ``value`` that would fail further in is a 422 naming its field."""
    for path, item, depth in _walk(value, where):
        field = UNSTORABLE.sub("", path).strip(".") or None
        if depth > MAX_DEPTH:
            raise _too_deep(field.split(".")[0] if field else None)
        if isinstance(item, str) and text.search(item):
            _refuse_text(field)
        if item is NOT_A_NUMBER or _out_of_bounds(item):
            raise InvalidInput("invalid_number", f"numbers are finite, with at most {MAX_DIGITS} digits", field)


def _out_of_bounds(item: Any) -> bool:
    if isinstance(item, float):
        return not math.isfinite(item)
    return isinstance(item, int) and abs(item) >= LARGEST


def _refuse_text(field: str | None) -> None:
    raise InvalidInput("invalid_text", "text must be valid Unicode without NUL characters", field)


def refuse_unstorable_input() -> None:
    if UNSTORABLE.search(request.path):
        _refuse_text(None)
    # form fields exist only in form bodies; asking a JSON request for them still runs the parser
    sources = (request.args, request.form) if request.mimetype in FORM_TYPES else (request.args,)
    for source in sources:
        for key, values in source.lists():
            if UNSTORABLE.search(key) or any(UNSTORABLE.search(value) for value in values):
                _refuse_text(UNSTORABLE.sub("", key) or None)
    if request.is_json:
        raw = request.get_data(cache=True)
        if raw.strip():  # an empty body is the view's business (often: no fields given)
            refuse_bad_value(parse_json(raw))
