"""Waits over the day per class, one panel per policy (matplotlib, imported only here)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from server.domain.classes import CustomerClass
from server.simulation.engine import DayResult
from server.simulation.metrics import percentile

BIN_S = 1800.0


def wait_curves(result: DayResult) -> dict[str, tuple[list[float], list[float]]]:
    """Per class: half-hour bins (hours since opening) and the p90 wait (minutes) of waits begun in each."""
    bins: dict[str, dict[int, list[float]]] = {}
    for call in result.calls:
        bins.setdefault(call.cls.value, {}).setdefault(int(call.wait_from // BIN_S), []).append(call.wait)
    curves = {}
    for cls, by_bin in bins.items():
        keys = sorted(by_bin)
        hours = [(k + 0.5) * BIN_S / 3600 for k in keys]
        curves[cls] = (hours, [percentile(sorted(by_bin[k]), 0.9) / 60 for k in keys])
    return curves


def plot_waits(results: Mapping[str, DayResult], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(5.5 * len(results), 4.2), sharey=True, squeeze=False)
    for ax, (name, result) in zip(axes[0], results.items(), strict=True):
        for cls, (hours, p90) in wait_curves(result).items():
            (line,) = ax.plot(hours, p90, marker="o", markersize=3, label=cls)
            target = result.policy.rules[CustomerClass(cls)].target / 60
            ax.axhline(target, color=line.get_color(), linestyle="--", linewidth=0.8)
        ax.set_title(f"policy {name}")
        ax.set_xlabel("hours since opening (half-hour bins)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("p90 wait (minutes); dashed: class target")
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
