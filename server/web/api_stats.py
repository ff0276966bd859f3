"""Statistics routes: a branch's figures over business days, as JSON or CSV (managers)."""

from __future__ import annotations

import csv
import io
from typing import Any

from apiflask import APIBlueprint
from flask import Response

from server.services import stats
from server.web import schemas as s
from server.web.context import deps
from server.web.security import current_principal

bp = APIBlueprint("stats", __name__, url_prefix="/api/v1", tag="Statistics")
SECURED: dict[str, Any] = {"security": "BearerAuth"}
RANGE_ERRORS = {422: "bad dates, from after to, or more than 366 days"}


# A text cell starting with one of these is a formula to Excel, LibreOffice and Sheets
# (=HYPERLINK(…) in a service name would run in the manager's spreadsheet).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe (shown as text).
    Numbers stay numbers, a negative one included."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


@bp.get("/branches/<int:branch_id>/stats")
@bp.input(s.StatsQuery, location="query", arg_name="query")
@bp.output(s.StatsOut)
@bp.doc(**SECURED, summary="Figures per service, class, teller and hour, and staffing advice", responses=RANGE_ERRORS)
def branch_stats(branch_id: int, query: dict[str, Any]) -> Any:
    return stats.branch_stats(deps(), current_principal(), branch_id, query["from_"], query["to"])


@bp.get("/branches/<int:branch_id>/stats.csv")
@bp.input(s.StatsQuery, location="query", arg_name="query")
@bp.doc(**SECURED, summary="The same figures as CSV", responses={200: "text/csv", **RANGE_ERRORS})
def branch_stats_csv(branch_id: int, query: dict[str, Any]) -> Any:
    report = stats.branch_stats(deps(), current_principal(), branch_id, query["from_"], query["to"])
    out = io.StringIO()
    csv.writer(out).writerows([spreadsheet_safe(cell) for cell in row] for row in stats.csv_rows(report))
    name = f"branch-{branch_id}-stats-{report['from']}-{report['to']}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), mimetype="text/csv", headers=headers)
