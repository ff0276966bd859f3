"""The one wording of a wait range, sent with every estimate so every surface says the same.

Whole minutes: the low end rounds down and the high end up (a range, never a promise), and
the high end is at least a minute. Both ends equal read "about N min"; a forecast whose call
is imminent says "now". ``waitLabel`` in ``static/js/common.js`` is the same rule for pages
that only have the seconds (``tests/browser/test_wait_wording.py`` holds them together).
"""

from __future__ import annotations

import math
from typing import Any

from server.domain.text import Text


def minutes_range(p10: float, p90: float) -> tuple[int, int]:
    low = max(0, math.floor(p10 / 60))
    return low, max(low, math.ceil(p90 / 60), 1)


def wait_text(p10: float, p90: float, now: bool = False) -> Text:
    if now:
        return Text("wait.now")
    low, high = minutes_range(p10, p90)
    if low == high:
        return Text("wait.about", {"min": high})
    return Text("wait.range", {"low": low, "high": high})


def estimate_body(p10: int, p50: int, p90: int, now: bool) -> dict[str, Any]:
    """``estimated_wait`` on the wire without its label: seconds and the "now" flag."""
    return {"p10": p10, "p50": p50, "p90": p90, "now": now}
