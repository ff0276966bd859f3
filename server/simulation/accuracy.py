"""How good the shown waits were: per class, the forecast's error and calibration next to the older estimates."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from server.simulation.estimates import EstimateRow

# A class with fewer customers than this is reported but not judged.
ENOUGH = 30


@dataclass(frozen=True, slots=True)
class Accuracy:
    n: int
    mae: float  # seconds, forecast p50
    inside: float  # share of real waits within [p10, p90]
    below: float  # share below p10 (waited less than promised)
    above: float  # share above p90 (waited longer: under-promised)
    naive_mae: float
    erlang_mae: float
    erlang_inside: float

    @property
    def gain_over_naive(self) -> float:
        return 1.0 - self.mae / self.naive_mae if self.naive_mae else 0.0


def accuracy(rows: Iterable[EstimateRow]) -> Accuracy:
    rows = list(rows)
    n = len(rows)
    if not n:
        return Accuracy(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    def share(hits: Iterable[bool]) -> float:
        return sum(hits) / n

    return Accuracy(
        n=n,
        mae=math.fsum(abs(r.p50 - r.wait) for r in rows) / n,
        inside=share(r.p10 <= r.wait <= r.p90 for r in rows),
        below=share(r.wait < r.p10 for r in rows),
        above=share(r.wait > r.p90 for r in rows),
        naive_mae=math.fsum(abs(r.naive - r.wait) for r in rows) / n,
        erlang_mae=math.fsum(abs(r.erlang[1] - r.wait) for r in rows) / n,
        erlang_inside=share(r.erlang[0] <= r.wait <= r.erlang[2] for r in rows),
    )


def by_class(rows: Iterable[EstimateRow]) -> dict[str, Accuracy]:
    groups: dict[str, list[EstimateRow]] = {}
    for row in rows:
        groups.setdefault(row.cls.value, []).append(row)
    order = ("regular", "vip", "priority", "appointment")
    return {cls: accuracy(groups[cls]) for cls in sorted(groups, key=order.index)}


def accuracy_table(figures: Mapping[str, Accuracy]) -> str:
    """Markdown: one row per class (and "all"), minutes for errors, shares in percent."""
    lines = [
        "| class | n | MAE p50 (min) | naive MAE | Erlang MAE | vs naive | inside [p10, p90] | below p10 "
        "| above p90 | Erlang inside |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cls, a in figures.items():
        lines.append(
            f"| {cls} | {a.n} | {a.mae / 60:.1f} | {a.naive_mae / 60:.1f} | {a.erlang_mae / 60:.1f} "
            f"| {-a.gain_over_naive:+.0%} | {a.inside:.0%} | {a.below:.0%} | {a.above:.0%} | {a.erlang_inside:.0%} |"
        )
    return "\n".join(lines) + "\n"
