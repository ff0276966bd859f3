"""Policies judged over many generated days: pooled p90 waits per class.

A single day's p90 for a small class (a dozen VIPs) is noise; pooling every customer of
many days, each day under its own seed, gives figures that repeat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from server.domain.classes import CustomerClass
from server.domain.policy import QueuePolicy
from server.simulation.engine import simulate
from server.simulation.generator import DayShape, branch_counters, generate_day
from server.simulation.metrics import percentile


def pooled_p90(policy: QueuePolicy, shape: DayShape, seeds: Iterable[int]) -> dict[str, float]:
    """p90 wait in seconds per class over all customers of the days generated with ``seeds``."""
    waits: dict[CustomerClass, list[float]] = {cls: [] for cls in CustomerClass}
    counters = branch_counters(shape)
    for seed in seeds:
        for call in simulate(generate_day(shape, seed), counters, policy).calls:
            waits[call.cls].append(call.wait)
    return {cls.value: percentile(sorted(w), 0.9) for cls, w in waits.items() if w}


def p90_table(rows: Mapping[str, Mapping[str, float]]) -> str:
    """Markdown table: one row per policy, p90 minutes per class."""
    classes = list(next(iter(rows.values())))
    lines = ["| policy | " + " | ".join(classes) + " |", "|---" * (len(classes) + 1) + "|"]
    for name, p90 in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{p90[c] / 60:.1f}" for c in classes) + " |")
    return "\n".join(lines)
