"""The counter desk's extra reads, the rating pad, and the floor manager's tablet (/lobby)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from server.services import counter_desk, lobby, rating
from server.web import schemas as s
from server.web import schemas_lobby as f
from server.web.context import deps
from server.web.security import current_principal

bp = APIBlueprint("lobby", __name__, url_prefix="/api/v1", tag="Counter desk and floor")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


@bp.get("/rating-pad")
@bp.output(f.RatingPadOut)
@bp.doc(**SECURED, summary="The rating pad's counter and the ticket it asks about (rating device)")
def rating_pad() -> Any:
    return rating.pad_state(deps(), current_principal())


@bp.get("/counters/<int:counter_id>/waiting")
@bp.output(f.WaitingRowOut(many=True))
@bp.doc(**SECURED, summary="Who waits for this counter's services, or was sent to it (staff)")
def counter_waiting(counter_id: int) -> Any:
    return counter_desk.waiting_for_counter(deps(), current_principal(), counter_id)


@bp.get("/branches/<int:branch_id>/my-day")
@bp.output(f.MyDayOut)
@bp.doc(**SECURED, summary="The calling teller's figures for today: served, no-shows, service time, ratings")
def my_day(branch_id: int) -> Any:
    return counter_desk.my_day(deps(), current_principal(), branch_id)


@bp.post("/branches/<int:branch_id>/lobby/tickets")
@bp.input(f.OnBehalfIn, arg_name="body")
@bp.output(s.TicketOut, status_code=201)
@bp.doc(**SECURED, summary="Issue a ticket of any class on a customer's behalf, with a reason (manager; audited)")
def issue_on_behalf(branch_id: int, body: dict[str, Any]) -> Any:
    return lobby.issue_on_behalf(deps(), current_principal(), branch_id, body)


@bp.post("/tickets/<int:ticket_id>/move")
@bp.input(f.MoveIn, arg_name="body")
@bp.output(s.TicketOut)
@bp.doc(**SECURED, summary="Move a waiting ticket to another service or class, with a reason (manager; audited)")
def move_ticket(ticket_id: int, body: dict[str, Any]) -> Any:
    return lobby.move_ticket(deps(), current_principal(), ticket_id, body)
