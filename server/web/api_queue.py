"""Walk-in queue routes: issue, follow, call, serve, transfer."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from server.services import calling, queue, tickets
from server.web import schemas as s
from server.web.context import deps, wiring
from server.web.security import current_principal

bp = APIBlueprint("queue", __name__, url_prefix="/api/v1", tag="Walk-in queue")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


@bp.post("/branches/<int:branch_id>/tickets")
@bp.input(s.TicketIn, arg_name="body")
@bp.output(s.TicketOut, status_code=201)
@bp.doc(**SECURED, responses={409: "branch or service closed"})
def issue_ticket(branch_id: int, body: dict[str, Any]) -> Any:
    principal = current_principal()
    ticket = tickets.issue_ticket(
        deps(),
        principal,
        branch_id,
        body["service_id"],
        body["customer_class"],
        body["language"],
        eligibility_number=body.get("eligibility_number"),
    )
    wiring().print_jobs.at_kiosk(principal, ticket)
    return ticket


@bp.get("/branches/<int:branch_id>/tickets")
@bp.input(s.TicketListQuery, location="query", arg_name="query")
@bp.output(s.TicketBriefOut(many=True))
@bp.doc(**SECURED, summary="Today's tickets (staff): by status, number or service, in issue order")
def list_tickets(branch_id: int, query: dict[str, Any]) -> Any:
    filters: dict[str, Any] = {k: query[k] for k in ("status", "number", "service_id") if k in query}
    return tickets.list_tickets(deps(), current_principal(), branch_id, filters, query["limit"])


@bp.get("/tickets/<int:ticket_id>")
@bp.input(s.TokenQuery, location="query", arg_name="query")
@bp.output(s.TicketOut)
@bp.doc(description="Public with the ticket's tracking token, or staff of its branch")
def get_ticket(ticket_id: int, query: dict[str, Any]) -> Any:
    token = query.get("token")
    principal = None if token else current_principal()
    return tickets.get_ticket(deps(), principal, ticket_id, token)


@bp.get("/branches/<int:branch_id>/queue")
@bp.output(s.QueueOut)
@bp.doc(**SECURED)
def get_queue(branch_id: int) -> Any:
    return queue.snapshot(deps(), current_principal(), branch_id)


def _counter_action(status: str) -> Any:
    def view(counter_id: int) -> Any:
        return calling.set_counter_status(deps(), current_principal(), counter_id, status)

    return view


for _action, _status in (("open", "open"), ("close", "closed")):
    bp.post(f"/counters/<int:counter_id>/{_action}", endpoint=f"counter_{_action}")(
        bp.output(s.CounterOut)(bp.doc(**SECURED, summary=f"{_action.title()} the counter")(_counter_action(_status)))
    )


@bp.post("/counters/<int:counter_id>/pause")
@bp.input(s.PauseIn, arg_name="body", location="json")
@bp.output(s.CounterOut)
@bp.doc(**SECURED, summary="Pause the counter", description='Optionally with {"reason": "break"|"meeting"|"training"}')
def counter_pause(counter_id: int, body: dict[str, Any]) -> Any:
    return calling.set_counter_status(deps(), current_principal(), counter_id, "paused", body.get("reason"))


@bp.post("/counters/<int:counter_id>/call-next")
@bp.output(s.TicketOut)
@bp.doc(**SECURED, responses={204: "nothing this counter serves is waiting", 409: "counter not open or busy"})
def call_next(counter_id: int) -> Any:
    ticket = calling.call_next(deps(), current_principal(), counter_id)
    if ticket is None:
        return "", 204
    return ticket


@bp.post("/counters/<int:counter_id>/call")
@bp.input(s.CallIn, arg_name="body")
@bp.output(s.TicketOut)
@bp.doc(**SECURED, summary="Serve a specific ticket out of order (audited)")
def call_ticket(counter_id: int, body: dict[str, Any]) -> Any:
    return calling.call_ticket(deps(), current_principal(), counter_id, body["ticket_id"])


def _ticket_action(action: str) -> Any:
    def view(ticket_id: int) -> Any:
        return tickets.change_ticket(deps(), current_principal(), ticket_id, action)

    return view


for _path, _action in (("recall", "recall"), ("start", "start"), ("finish", "finish"), ("no-show", "no_show")):
    bp.post(f"/tickets/<int:ticket_id>/{_path}", endpoint=f"ticket_{_action}")(
        bp.output(s.TicketOut)(bp.doc(**SECURED, summary=f"{_path.title()} the ticket")(_ticket_action(_action)))
    )


@bp.post("/tickets/<int:ticket_id>/cancel")
@bp.input(s.CancelIn, arg_name="body", location="json")
@bp.output(s.TicketOut)
@bp.doc(**SECURED, description='Staff, or the holder with {"token": tracking token}')
def cancel_ticket(ticket_id: int, body: dict[str, Any]) -> Any:
    token = body.get("token")
    principal = None if token else current_principal()
    return tickets.change_ticket(deps(), principal, ticket_id, "cancel", holder_token=token)


@bp.post("/tickets/<int:ticket_id>/transfer")
@bp.input(s.TransferIn, arg_name="body")
@bp.output(s.TicketOut)
@bp.doc(**SECURED)
def transfer_ticket(ticket_id: int, body: dict[str, Any]) -> Any:
    return calling.transfer_ticket(
        deps(), current_principal(), ticket_id, service_id=body.get("service_id"), counter_id=body.get("counter_id")
    )


@bp.post("/tickets/<int:ticket_id>/feedback")
@bp.input(s.FeedbackIn, arg_name="body")
@bp.output(s.FeedbackOut, status_code=201)
@bp.doc(description="The holder (with token) or the counter's feedback pad")
def feedback(ticket_id: int, body: dict[str, Any]) -> Any:
    token = body.get("token")
    principal = None if token else current_principal()
    return tickets.leave_feedback(deps(), principal, ticket_id, body["score"], body["comment"], token)
