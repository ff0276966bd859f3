"""How good the shown waits were: per class, the forecast's error and calibration next to the older estimates."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from server.domain.forecast import NOW_WITHIN_S
from server.simulation.estimates import EstimateRow

# A class with fewer customers than this is reported but not judged.
ENOUGH = 30


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Errors over every customer; the range's calibration over those shown a range (not "now")."""

    n: int
    mae: float  # seconds, forecast p50
    inside_all: float  # share of all real waits within [p10, p90] ("now" counts as [0, 0])
    ranged: int  # customers shown a range
    inside: float  # of those, share of real waits within [p10, p90]
    below: float  # share below p10 (waited less than promised)
    above: float  # share above p90 (waited longer: under-promised)
    said_now: int
    now_kept: float  # of those told "now", share called within NOW_WITHIN_S
    naive_mae: float
    erlang_mae: float
    erlang_inside: float

    @property
    def gain_over_naive(self) -> float:
        return 1.0 - self.mae / self.naive_mae if self.naive_mae else 0.0


def accuracy(rows: Iterable[EstimateRow]) -> Accuracy:
    rows = list(rows)
    n = len(rows)
    ranged = [r for r in rows if r.p90 > NOW_WITHIN_S]
    now = [r for r in rows if r.p90 <= NOW_WITHIN_S]

    def share(hits: Iterable[bool], among: list[EstimateRow]) -> float:
        return sum(hits) / len(among) if among else 0.0

    def mean(values: Iterable[float]) -> float:
        return math.fsum(values) / n if n else 0.0

    return Accuracy(
        n=n,
        mae=mean(abs(r.p50 - r.wait) for r in rows),
        inside_all=share((r.p10 <= r.wait <= r.p90 for r in rows), rows),
        ranged=len(ranged),
        inside=share((r.p10 <= r.wait <= r.p90 for r in ranged), ranged),
        below=share((r.wait < r.p10 for r in ranged), ranged),
        above=share((r.wait > r.p90 for r in ranged), ranged),
        said_now=len(now),
        now_kept=share((r.wait <= NOW_WITHIN_S for r in now), now),
        naive_mae=mean(abs(r.naive - r.wait) for r in rows),
        erlang_mae=mean(abs(r.erlang[1] - r.wait) for r in rows),
        erlang_inside=share((r.erlang[0] <= r.wait <= r.erlang[2] for r in rows), rows),
    )


def by_class(rows: Iterable[EstimateRow]) -> dict[str, Accuracy]:
    groups: dict[str, list[EstimateRow]] = {}
    for row in rows:
        groups.setdefault(row.cls.value, []).append(row)
    order = ("regular", "vip", "priority", "appointment")
    return {cls: accuracy(groups[cls]) for cls in sorted(groups, key=order.index)}


def accuracy_table(figures: Mapping[str, Accuracy]) -> str:
    """Markdown: one row per class (and "all"), minutes for errors, shares in percent.

    Inside / below / above are over the customers shown a range; "now" is how many were
    told "now" and the share of them called within a minute.
    """
    lines = [
        "| class | n | MAE p50 (min) | naive MAE | Erlang MAE | vs naive | shown a range | inside [p10, p90] "
        "| below p10 | above p90 | told now (kept) | inside, all | Erlang inside, all |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cls, a in figures.items():
        lines.append(
            f"| {cls} | {a.n} | {a.mae / 60:.1f} | {a.naive_mae / 60:.1f} | {a.erlang_mae / 60:.1f} "
            f"| {-a.gain_over_naive:+.0%} | {a.ranged} | {a.inside:.0%} | {a.below:.0%} | {a.above:.0%} "
            f"| {a.said_now} ({a.now_kept:.0%}) | {a.inside_all:.0%} | {a.erlang_inside:.0%} |"
        )
    return "\n".join(lines) + "\n"
