"""Plain-text tables and the JSON document of one or more simulated policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from server.simulation.metrics import DayFigures, WaitSummary

_COLUMNS = ("n", "mean", "p50", "p90", "p95", "within")


def figures_json(figures: Mapping[str, DayFigures], estimates: Mapping[str, list[dict[str, Any]]] | None = None) -> str:
    """``{"policies": {NAME: {"classes", "services", "utilisation", ...}}}``, waits in seconds.

    With ``estimates``, each policy also gets its ``"estimates"`` rows (CONTRACT 1.1).
    """
    document: dict[str, Any] = {"policies": {name: f.to_dict() for name, f in figures.items()}}
    for name, rows in (estimates or {}).items():
        document["policies"][name]["estimates"] = rows
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}"


def _row(label: str, s: WaitSummary) -> str:
    cells = (str(s.n), _minutes(s.mean), _minutes(s.p50), _minutes(s.p90), _minutes(s.p95), f"{s.within_target:.0%}")
    return f"{label:<12}" + "".join(f"{c:>8}" for c in cells)


def policy_table(name: str, f: DayFigures) -> str:
    head = f"{'':<12}" + "".join(f"{c:>8}" for c in _COLUMNS)
    lines = [
        f"policy {name}: served {f.served}, unserved {f.unserved}, no-shows {f.no_shows} (waits in minutes)",
        head.replace(" " * 12, "class".ljust(12), 1),
        *(_row(k, s) for k, s in f.classes.items()),
        head.replace(" " * 12, "service".ljust(12), 1),
        *(_row(k, s) for k, s in f.services.items()),
        "utilisation " + "  ".join(f"#{k} {v:.0%}" for k, v in f.utilisation.items()),
    ]
    return "\n".join(lines) + "\n"


def comparison_table(figures: Mapping[str, DayFigures]) -> str:
    """Classes down, policies across: mean / p90 wait in minutes and the share within target."""
    names = list(figures)
    classes = list(dict.fromkeys(k for f in figures.values() for k in f.classes))
    width = 22
    lines = [f"{'mean / p90 min, within':<14}" + "".join(f"{n:>{width}}" for n in names)]
    for cls in classes:
        cells = []
        for name in names:
            s = figures[name].classes.get(cls)
            text = "-" if s is None else f"{_minutes(s.mean)} / {_minutes(s.p90)}, {s.within_target:.0%}"
            cells.append(f"{text:>{width}}")
        lines.append(f"{cls:<14}" + "".join(cells))
    return "\n".join(lines) + "\n"


def text_report(figures: Mapping[str, DayFigures]) -> str:
    parts = [policy_table(name, f) for name, f in figures.items()]
    if len(figures) > 1:
        parts.append(comparison_table(figures))
    return "\n".join(parts)
