"""Closed-form mean waits the simulator must reproduce on long Poisson runs."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from server.domain.classes import CustomerClass
from server.domain.policy import ClassRule, PolicyKind, QueuePolicy
from server.simulation.counters import Counter
from server.simulation.engine import Call, simulate
from server.simulation.generator import exponential_day


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


@dataclass(frozen=True, slots=True)
class TheoryCheck:
    """A simulated mean wait (seconds) with its batch-means standard error, and the theory's."""

    label: str
    simulated: float
    stderr: float
    theory: float

    @property
    def relative_error(self) -> float:
        return abs(self.simulated - self.theory) / self.theory

    def half_width(self, confidence: float = 0.99) -> float:
        return T19[confidence] * self.stderr


def erlang_c_check(counters: int, load: float, customers: int, seed: int, mean_s: float = 100.0) -> TheoryCheck:
    """M/M/c FIFO, one class: simulated mean wait against Erlang C."""
    rate = load * counters / mean_s
    arrivals = exponential_day(random.Random(seed), rate, mean_s, customers / rate, [(CustomerClass.REGULAR, 1.0)])
    desks = [Counter(n, ("A",)) for n in range(1, counters + 1)]
    result = simulate(arrivals, desks, QueuePolicy(kind=PolicyKind.FIFO))
    mean, stderr = batch_means(_waits_in_arrival_order(result.calls))
    return TheoryCheck(
        f"Erlang C, {counters} counters, load {load}", mean, stderr, erlang_c_wait(counters, rate, mean_s)
    )


def kleinrock_check(
    loads: tuple[float, float], targets: tuple[int, int], customers: int, seed: int, mean_s: float = 100.0
) -> list[TheoryCheck]:
    """One counter, regular and priority under plain accumulating priority (no head start, no hard limit)."""
    classes = (CustomerClass.REGULAR, CustomerClass.PRIORITY)
    rate = sum(loads) / mean_s
    mix = [(cls, load / sum(loads)) for cls, load in zip(classes, loads, strict=True)]
    arrivals = exponential_day(random.Random(seed), rate, mean_s, customers / rate, mix)
    rules = dict.fromkeys(CustomerClass, ClassRule(target=max(targets)))
    rules.update({cls: ClassRule(target=t) for cls, t in zip(classes, targets, strict=True)})
    result = simulate(arrivals, [Counter(1, ("A",))], QueuePolicy(kind=PolicyKind.APQ_PLAIN, rules=rules))
    theory = kleinrock_apq_waits([1 / t for t in targets], loads, sum(loads) * mean_s)
    checks = []
    for cls, expected in zip(classes, theory, strict=True):
        mean, stderr = batch_means(_waits_in_arrival_order(c for c in result.calls if c.cls is cls))
        checks.append(TheoryCheck(f"Kleinrock APQ {cls.value}, load {sum(loads)}", mean, stderr, expected))
    return checks


def _waits_in_arrival_order(calls: Iterable[Call]) -> list[float]:
    return [c.wait for c in sorted(calls, key=lambda c: c.ticket)]
