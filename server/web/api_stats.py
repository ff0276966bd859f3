"""Statistics routes: a branch's figures over business days, as JSON or CSV (managers)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response

from server.services import stats
from server.web import schemas as s
from server.web import stats_csv
from server.web.context import deps
from server.web.security import current_principal

bp = APIBlueprint("stats", __name__, url_prefix="/api/v1", tag="Statistics")
SECURED: dict[str, Any] = {"security": "BearerAuth"}
RANGE_ERRORS = {422: "bad dates, from after to, or more than 366 days"}


@bp.get("/branches/<int:branch_id>/stats")
@bp.input(s.StatsQuery, location="query", arg_name="query")
@bp.output(s.StatsOut)
@bp.doc(**SECURED, summary="Figures per service, class, teller and hour, and staffing advice", responses=RANGE_ERRORS)
def branch_stats(branch_id: int, query: dict[str, Any]) -> Any:
    return stats.branch_stats(deps(), current_principal(), branch_id, query["from_"], query["to"])


@bp.get("/branches/<int:branch_id>/stats.csv")
@bp.input(s.StatsQuery, location="query", arg_name="query")
@bp.doc(
    **SECURED,
    summary="The same figures as CSV: UTF-8 with BOM, headers (with units) in ?lang=zh|en",
    responses={200: "text/csv", **RANGE_ERRORS},
)
def branch_stats_csv(branch_id: int, query: dict[str, Any]) -> Any:
    report = stats.branch_stats(deps(), current_principal(), branch_id, query["from_"], query["to"])
    name = stats_csv.filename(report, stats.branch_code(deps(), branch_id))
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    body = stats_csv.stats_csv(report, query["lang"])
    return Response(body, mimetype="text/csv", content_type="text/csv; charset=utf-8", headers=headers)
