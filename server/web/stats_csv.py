"""The statistics as a spreadsheet file: UTF-8 with a BOM (so Excel reads Chinese), headers in
the reader's language with their units, and cells a spreadsheet would run as formulas made text."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from server.i18n import say
from server.services.stats import csv_rows

BOM = "\ufeff"
# machine column -> catalogue key; "within_target" is written as a percentage
PERCENT = "within_target"

# A text cell starting with one of these is a formula to Excel, LibreOffice and Sheets
# (=HYPERLINK(…) in a service name would run in the manager's spreadsheet).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe (shown as text).
    Numbers stay numbers, a negative one included."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def stats_csv(report: Mapping[str, Any], lang: str) -> str:
    header, *rows = csv_rows(report, lang)
    percent = header.index(PERCENT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([say(f"csv.col_{name}", lang) for name in header])
    for row in rows:
        group, key, label = row[0], row[1], row[2]
        if group == "class":
            label = say(f"class.{key}", lang)
        elif group == "total":
            label = say("csv.group_total", lang)
        cells = [say(f"csv.group_{group}", lang), key, label, *row[3:]]
        if isinstance(cells[percent], float):
            cells[percent] = round(cells[percent] * 100, 1)
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return BOM + out.getvalue()


def filename(report: Mapping[str, Any], code: str) -> str:
    """``branchq-<branch>-<from>_<to>.csv``: the range is in the name (ASCII, safe in a header)."""
    safe = "".join(c for c in code if c.isalnum() or c in "-_") or str(report["branch_id"])
    return f"branchq-{safe}-stats-{report['from']}_{report['to']}.csv"
