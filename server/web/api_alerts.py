"""Alert routes: a branch's alerts, and a manager acknowledging one."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from server.services import alerts
from server.web import schemas as s
from server.web.context import deps
from server.web.security import current_principal

bp = APIBlueprint("alerts", __name__, url_prefix="/api/v1", tag="Alerts")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


@bp.get("/branches/<int:branch_id>/alerts")
@bp.input(s.AlertQuery, location="query", arg_name="query")
@bp.output(s.AlertOut(many=True))
@bp.doc(**SECURED, summary="The branch's alerts, newest first: open ones, or all")
def list_alerts(branch_id: int, query: dict[str, Any]) -> Any:
    return alerts.list_alerts(deps(), current_principal(), branch_id, query["state"])


@bp.post("/alerts/<int:alert_id>/ack")
@bp.output(s.AlertOut)
@bp.doc(**SECURED, summary="Acknowledge an alert (who and when are kept; it stays open until its cause ends)")
def acknowledge(alert_id: int) -> Any:
    return alerts.acknowledge(deps(), current_principal(), alert_id)
