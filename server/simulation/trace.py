"""Arrival traces: one row per customer, exchanged as CSV.

Header ``arrival_s,service,cls,service_s,slot_s,showed``; times are seconds since
opening. ``cls`` is regular, vip, priority or appointment; ``slot_s`` is the booked
slot start (required for appointments, empty for walk-ins); ``showed`` is 1, or 0 for a
customer who never came to a counter (a booking no-show).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from server.domain.classes import CustomerClass

HEADER = ("arrival_s", "service", "cls", "service_s", "slot_s", "showed")


class SimulationInputError(ValueError):
    """A trace, counters or policy file that cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Arrival:
    arrival_s: float
    service: str
    cls: CustomerClass
    service_s: float
    slot_s: float | None = None
    showed: bool = True


def format_seconds(value: float) -> str:
    """Milliseconds, without trailing zeros: the same value always prints the same."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def write_trace(arrivals: Iterable[Arrival], out: TextIO) -> None:
    out.write(",".join(HEADER) + "\n")
    for a in arrivals:
        slot = "" if a.slot_s is None else format_seconds(a.slot_s)
        fields = (format_seconds(a.arrival_s), a.service, a.cls.value, format_seconds(a.service_s), slot)
        out.write(",".join(fields) + f",{int(a.showed)}\n")


def save_trace(arrivals: Iterable[Arrival], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_trace(arrivals, out)


def load_trace(path: Path) -> list[Arrival]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SimulationInputError(f"{path}: cannot read the trace ({exc.strerror})") from None
    return parse_trace(text, str(path))


def parse_trace(text: str, source: str = "trace") -> list[Arrival]:
    """Rows of ``text`` as arrivals; any bad value raises with its file, line and column."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise SimulationInputError(f"{source}: empty file, expected the header {','.join(HEADER)}")
    names = [h.strip() for h in header]
    missing = [h for h in HEADER if h not in names]
    if missing:
        raise SimulationInputError(
            f"{source} line 1: missing column(s) {', '.join(missing)}; the header must be {','.join(HEADER)}"
        )
    where = {name: names.index(name) for name in HEADER}
    arrivals = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            raise SimulationInputError(f"{source} line {line}: {len(row)} fields, expected {len(names)}")
        cells = {name: row[i].strip() for name, i in where.items()}
        arrivals.append(_arrival(cells, f"{source} line {line}"))
    return arrivals


def _arrival(cells: dict[str, str], at: str) -> Arrival:
    if not cells["service"]:
        raise SimulationInputError(f"{at}: service is empty")
    try:
        cls = CustomerClass(cells["cls"])
    except ValueError:
        known = ", ".join(c.value for c in CustomerClass)
        raise SimulationInputError(f"{at}: cls must be one of {known}, not {cells['cls']!r}") from None
    slot = None if cells["slot_s"] == "" else _seconds(cells["slot_s"], "slot_s", at)
    if cls is CustomerClass.APPOINTMENT and slot is None:
        raise SimulationInputError(f"{at}: an appointment needs slot_s (the booked slot start)")
    if cls is not CustomerClass.APPOINTMENT and slot is not None:
        raise SimulationInputError(f"{at}: slot_s is only for cls appointment, leave it empty for {cls.value}")
    if cells["showed"] not in ("0", "1"):
        raise SimulationInputError(f"{at}: showed must be 1 or 0, not {cells['showed']!r}")
    return Arrival(
        arrival_s=_seconds(cells["arrival_s"], "arrival_s", at),
        service=cells["service"],
        cls=cls,
        service_s=_seconds(cells["service_s"], "service_s", at),
        slot_s=slot,
        showed=cells["showed"] == "1",
    )


def _seconds(raw: str, column: str, at: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SimulationInputError(f"{at}: {column} must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise SimulationInputError(f"{at}: {column} must be zero or more seconds, not {raw!r}")
    return value
