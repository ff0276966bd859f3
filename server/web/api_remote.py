"""Remote join routes: take a ticket from the phone, verify it, say "I'm here"; manager settings."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import request
from flask_limiter import Limiter

from server.services import remote_join
from server.web import schemas_remote as s
from server.web.context import deps
from server.web.security import current_principal

bp = APIBlueprint("remote", __name__, url_prefix="/api/v1", tag="Remote join")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


def client_address() -> str:
    return request.remote_addr or ""


@bp.get("/join/<branch_code>")
@bp.output(s.JoinBranchOut)
@bp.doc(summary="A branch by its code, for the door poster's page: open now?, services (public)")
def join_branch(branch_code: str) -> Any:
    return remote_join.join_branch(deps(), branch_code)


@bp.post("/branches/<int:branch_id>/remote-tickets")
@bp.input(s.RemoteJoinIn, arg_name="body")
@bp.output(s.RemoteJoinOut, status_code=202)
@bp.doc(
    summary="Ask for a remote ticket: a one-time code goes to the phone (public)",
    responses={409: "branch_closed, service_closed, remote_service_full, remote_join_off", 429: "daily caps"},
)
def request_remote_ticket(branch_id: int, body: dict[str, Any]) -> Any:
    return remote_join.request_code(deps(), branch_id, body, client_address())


@bp.post("/remote-tickets/<verification_id>/verify")
@bp.input(s.VerifyIn, arg_name="body")
@bp.output(s.RemoteTicketOut, status_code=201)
@bp.doc(
    summary="Verify the code: the ticket, held until its holder arrives (public)",
    responses={409: "code_used or code_expired", 422: "wrong_code", 429: "too_many_attempts"},
)
def verify_remote_ticket(verification_id: str, body: dict[str, Any]) -> Any:
    return remote_join.verify(deps(), verification_id[:64], body["code"])


@bp.post("/tickets/<int:ticket_id>/arrived")
@bp.input(s.ArrivedIn, arg_name="body")
@bp.output(s.RemoteTicketOut)
@bp.doc(
    **SECURED,
    description="The holder (its tracking token; from the branch's Wi-Fi when the branch set networks), "
    "or a kiosk or staff of the branch checking the customer in",
    summary="A remote ticket's holder is in the branch: it may be called from now on",
    responses={409: "not_remote or ticket_not_waiting", 403: "not_in_branch"},
)
def ticket_arrived(ticket_id: int, body: dict[str, Any]) -> Any:
    token = body.get("token")
    principal = None if token else current_principal()
    return remote_join.arrived(deps(), principal, ticket_id, token, client_address())


@bp.post("/tickets/<int:ticket_id>/remote")
@bp.input(s.TokenBody, arg_name="body")
@bp.output(s.RemoteStatusOut)
@bp.doc(summary="The remote part of a ticket for its holder: held or arrived, come back by (token)")
def remote_status(ticket_id: int, body: dict[str, Any]) -> Any:
    return remote_join.remote_status(deps(), ticket_id, body["token"])


@bp.get("/branches/<int:branch_id>/remote-settings")
@bp.output(s.RemoteSettings)
@bp.doc(**SECURED, summary="The branch's remote join rules (manager)")
def get_remote_settings(branch_id: int) -> Any:
    return remote_join.remote_settings(deps(), current_principal(), branch_id)


@bp.patch("/branches/<int:branch_id>/remote-settings")
@bp.input(s.RemoteSettings(partial=True), arg_name="body")
@bp.output(s.RemoteSettings)
@bp.doc(**SECURED, summary="Change remote join rules: caps, step back, next-in-line, Wi-Fi networks (manager)")
def update_remote_settings(branch_id: int, body: dict[str, Any]) -> Any:
    return remote_join.update_remote_settings(deps(), current_principal(), branch_id, body)


@bp.get("/branches/<int:branch_id>/remote-figures")
@bp.output(s.RemoteFiguresOut)
@bp.doc(**SECURED, summary="Today's share of remote tickets, and messages and webhooks by status (manager)")
def remote_figures(branch_id: int) -> Any:
    return remote_join.remote_figures(deps(), current_principal(), branch_id)


def register_remote(app: APIFlask, limiter: Limiter, exempt: Any) -> None:
    """Remote join, webhooks and the door poster's pages. Public routes are limited per client:
    codes cost an SMS each, so a few per address, on top of the daily caps per phone and address."""
    from server.web import api_webhooks, pages_remote

    for blueprint in (bp, api_webhooks.bp, pages_remote.bp):
        app.register_blueprint(blueprint)
    for endpoint, rule in (
        ("remote.request_remote_ticket", "5/minute;30/hour"),
        ("remote.verify_remote_ticket", "10/minute"),
        ("remote.ticket_arrived", "30/minute"),
        ("remote.remote_status", "120/minute"),
        ("remote.join_branch", "120/minute"),
    ):
        wrapped = limiter.limit(rule, exempt_when=exempt)(app.view_functions[endpoint])
        app.view_functions[endpoint] = wrapped  # type: ignore[assignment]
