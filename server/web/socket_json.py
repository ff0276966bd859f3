"""The JSON python-socketio decodes packets with: the limits of HTTP bodies apply to events too.

Python's parser fails on nesting about a thousand deep (RecursionError) and on integers past
4,300 digits (ValueError); in python-socketio either was an exception in the handler thread
and no answer. Here such a packet decodes to the ``refused_input`` event, whose handler
answers the sender's ack with the error, like any other bad event.
"""

from __future__ import annotations

import json
from typing import Any

from server.domain.errors import DomainError
from server.web.input_guard import parse_json

REFUSED_EVENT = "refused_input"


def dumps(value: Any, **options: Any) -> str:
    return json.dumps(value, **options)


def loads(text: str | bytes, **_options: Any) -> Any:
    """Numbers out of bounds come back as a marker the event handler refuses, naming the field.

    Text that is not JSON raises ValueError as the standard module does: Engine.IO relies on
    it to tell a plain message (the "probe" of a transport upgrade) from a JSON one.
    """
    try:
        return parse_json(text)
    except DomainError as error:
        if error.code == "invalid_json":
            raise ValueError(error.message) from None
        return [REFUSED_EVENT, {"code": error.code, "message": error.message}]
