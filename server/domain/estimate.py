"""The Erlang wait estimate customers were shown before the forecast (``server/domain/forecast.py``).

Kept as the comparison the forecast's accuracy bench reports against (``docs/honest-waits.md``).

With n people served first, s counters and a mean service time m, the wait is
approximately Erlang(n + 1, s / m) (Ibrahim & Whitt). Small n: exact quantiles by
bisection on the Erlang CDF; large n: Wilson-Hilferty normal approximation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_Z = {0.1: -1.2815515655446004, 0.5: 0.0, 0.9: 1.2815515655446004}


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    p10: int
    p50: int
    p90: int

    def to_dict(self) -> dict[str, int]:
        return {"p10": self.p10, "p50": self.p50, "p90": self.p90}


def erlang_cdf(k: int, rate: float, x: float) -> float:
    if x <= 0:
        return 0.0
    lx = rate * x
    term = math.exp(-lx)
    total = term
    for i in range(1, k):
        term *= lx / i
        total += term
    return max(0.0, 1.0 - total)


def erlang_quantile(k: int, rate: float, q: float) -> float:
    if k > 40:
        # Wilson-Hilferty: (X / mean)^(1/3) is nearly normal.
        a = float(k)
        z = _Z.get(q)
        if z is None:
            raise ValueError("quantile must be 0.1, 0.5 or 0.9")
        return a / rate * (1 - 1 / (9 * a) + z * math.sqrt(1 / (9 * a))) ** 3
    lo, hi = 0.0, (k + 10 * math.sqrt(k) + 10) / rate
    while hi - lo > 0.5:  # half a second is finer than any wait shown
        mid = (lo + hi) / 2
        if erlang_cdf(k, rate, mid) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def estimate_wait(people_ahead: int, counters: int, mean_service: float) -> WaitEstimate:
    """Range for the wait of a customer with ``people_ahead`` served before them.

    ``counters`` is how many counters serve them now (at least one is assumed, so a
    closed service still gets a range rather than infinity).
    """
    if mean_service <= 0:
        return WaitEstimate(0, 0, 0)
    rate = max(counters, 1) / mean_service
    k = people_ahead + 1
    return WaitEstimate(
        p10=round(erlang_quantile(k, rate, 0.1)),
        p50=round(erlang_quantile(k, rate, 0.5)),
        p90=round(erlang_quantile(k, rate, 0.9)),
    )
