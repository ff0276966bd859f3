"""Closed-form mean waits the simulator must reproduce on long Poisson runs."""

from __future__ import annotations

import math
from collections.abc import Sequence


def erlang_c_wait(counters: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue of M/M/c FIFO (Erlang C): ``P(wait) / (c*mu - lambda)``."""
    offered = arrival_rate * mean_service
    if offered >= counters:
        raise ValueError("load must be below the number of counters")
    term, total = 1.0, 1.0
    for k in range(1, counters):
        term *= offered / k
        total += term
    tail = term * offered / counters * counters / (counters - offered)
    p_wait = tail / (total + tail)
    return p_wait / (counters / mean_service - arrival_rate)


def kleinrock_apq_waits(rates: Sequence[float], loads: Sequence[float], residual: float) -> list[float]:
    """Mean waits per class of Kleinrock's single-server accumulating-priority queue.

    Class p accumulates priority at ``rates[p]`` (no head start, no hard limit) and
    brings load ``loads[p]``; ``residual`` is W0 = sum(lambda_p * E[S_p^2]) / 2 (for
    exponential service of mean m and total load rho, W0 = rho * m). With classes sorted
    by rate b_1 <= ... <= b_P (Kleinrock 1964):

        W_p = (W0 / (1 - rho) - sum_{i<p} rho_i W_i (1 - b_i/b_p)) / (1 - sum_{i>p} rho_i (1 - b_p/b_i))
    """
    order = sorted(range(len(rates)), key=lambda i: rates[i])
    rho = sum(loads)
    if rho >= 1:
        raise ValueError("load must be below 1")
    waits = [0.0] * len(rates)
    for pos, p in enumerate(order):
        lower = sum(loads[i] * waits[i] * (1 - rates[i] / rates[p]) for i in order[:pos])
        higher = sum(loads[i] * (1 - rates[p] / rates[i]) for i in order[pos + 1 :])
        waits[p] = (residual / (1 - rho) - lower) / (1 - higher)
    return waits


def batch_means(values: Sequence[float], batches: int = 20) -> tuple[float, float]:
    """Mean of ``values`` and the standard error from ``batches`` consecutive batch means.

    Waits of successive customers are correlated; means of long consecutive batches are
    nearly independent, so their spread gives an honest confidence interval.
    """
    size = len(values) // batches
    if size < 2:
        raise ValueError("too few values for batch means")
    means = [math.fsum(values[b * size : (b + 1) * size]) / size for b in range(batches)]
    grand = math.fsum(means) / batches
    variance = math.fsum((m - grand) ** 2 for m in means) / (batches - 1)
    return grand, math.sqrt(variance / batches)


# Two-sided Student t quantiles for 19 degrees of freedom (20 batches).
T19 = {0.95: 2.093, 0.99: 2.861, 0.999: 3.883}
