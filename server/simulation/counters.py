"""The branch's counters for a simulated day, read from TOML.

::

    [[counter]]
    number = 1
    services = ["A", "B"]   # primary service first
    open_s = 0              # optional, seconds since opening (default 0)
    close_s = 36000         # optional: no call after this time (default: serve until empty)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.simulation.trace import SimulationInputError


@dataclass(frozen=True, slots=True)
class Counter:
    number: int
    services: tuple[str, ...]
    open_s: float = 0.0
    close_s: float | None = None


def read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise SimulationInputError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SimulationInputError(f"{path}: not valid TOML ({exc})") from None


def load_counters(path: Path) -> list[Counter]:
    return parse_counters(read_toml(path, "counters"), str(path))


def parse_counters(data: Mapping[str, Any], source: str = "counters") -> list[Counter]:
    """``[[counter]]`` tables as counters, sorted by number; each bad value names its table."""
    tables = data.get("counter")
    if not isinstance(tables, list) or not tables:
        raise SimulationInputError(f"{source}: expected at least one [[counter]] table")
    counters = [_counter(table, f"{source}: [[counter]] #{i}") for i, table in enumerate(tables, start=1)]
    numbers = [c.number for c in counters]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise SimulationInputError(f"{source}: counter number {duplicates[0]} is listed twice")
    return sorted(counters, key=lambda c: c.number)


def _counter(table: Any, at: str) -> Counter:
    if not isinstance(table, Mapping):
        raise SimulationInputError(f"{at}: must be a table")
    number = table.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise SimulationInputError(f"{at}: number must be a whole number from 1, not {number!r}")
    services = table.get("services")
    if services is None or not _names(services):
        raise SimulationInputError(f"{at}: services must be a non-empty list of service names, primary first")
    open_s = _time(table.get("open_s", 0), "open_s", at)
    close_raw = table.get("close_s")
    close_s = None if close_raw is None else _time(close_raw, "close_s", at)
    if close_s is not None and close_s <= open_s:
        raise SimulationInputError(f"{at}: close_s ({close_s:g}) must be after open_s ({open_s:g})")
    return Counter(number=number, services=tuple(services), open_s=open_s, close_s=close_s)


def _names(value: Any) -> bool:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        return False
    return all(isinstance(v, str) and v for v in value) and len(set(value)) == len(value)


def _time(value: Any, key: str, at: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SimulationInputError(f"{at}: {key} must be zero or more seconds, not {value!r}")
    return float(value)


def counters_toml(counters: Sequence[Counter]) -> str:
    """The TOML text that :func:`parse_counters` reads back to ``counters``."""
    blocks = []
    for c in counters:
        services = ", ".join(f'"{s}"' for s in c.services)
        lines = ["[[counter]]", f"number = {c.number}", f"services = [{services}]"]
        if c.open_s:
            lines.append(f"open_s = {c.open_s:g}")
        if c.close_s is not None:
            lines.append(f"close_s = {c.close_s:g}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
