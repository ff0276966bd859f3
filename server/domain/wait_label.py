"""The one wording of a wait range, sent with every estimate so every surface says the same.

Whole minutes: the low end rounds down and the high end up (a range, never a promise).
A forecast whose call is imminent says "now".
"""

from __future__ import annotations

import math
from typing import Any

NOW_LABEL = {"zh": "现在", "en": "now"}


def minutes_range(p10: float, p90: float) -> tuple[int, int]:
    low = max(0, math.floor(p10 / 60))
    return low, max(low, math.ceil(p90 / 60), 1)


def wait_label(p10: float, p90: float, now: bool = False) -> dict[str, str]:
    if now:
        return dict(NOW_LABEL)
    low, high = minutes_range(p10, p90)
    if low == high:
        return {"zh": f"约 {high} 分钟", "en": f"about {high} min"}
    return {"zh": f"约 {low}–{high} 分钟", "en": f"{low}–{high} min"}


def estimate_body(p10: int, p50: int, p90: int, now: bool) -> dict[str, Any]:
    """``estimated_wait`` on the wire: seconds, the "now" flag and the label per language."""
    return {"p10": p10, "p50": p50, "p90": p90, "now": now, "label": wait_label(p10, p90, now)}
