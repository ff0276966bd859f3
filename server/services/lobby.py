"""The floor manager's tablet: tickets issued on a customer's behalf, and moving a waiting ticket.

Both decide who is served when, so both are audited with the reason the floor manager gave.
"""

from __future__ import annotations

from typing import Any

from server import protocol
from server.domain.classes import TicketStatus
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.records import Principal, Ticket
from server.services import tickets
from server.services.context import Deps, audit, changed_at, found, require
from server.services.views import brief, ticket_view

# Who may work the floor: issue any class on a customer's behalf, re-class and move tickets.
LOBBY_ROLES = ("admin", "manager")


def issue_on_behalf(deps: Deps, principal: Principal | None, branch_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """A ticket of any walk-in class (VIP and green channel too), with the reason kept in the audit log."""
    require(principal, LOBBY_ROLES, branch_id)
    detail = {"reason": body["reason"], "customer_class": body["customer_class"]}
    return tickets.issue_ticket(
        deps,
        principal,
        branch_id,
        body["service_id"],
        body["customer_class"],
        body["language"],
        audit_detail=detail,
    )


def move_ticket(deps: Deps, principal: Principal | None, ticket_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """A waiting ticket to another service and/or class, keeping its place in time (its arrival)."""
    service_id, cls = body.get("service_id"), body.get("customer_class")
    if service_id is None and cls is None:
        raise InvalidInput("move_target", "give service_id, customer_class or both", "service_id")
    with deps.store.write() as uow:
        ticket: Ticket = found(uow.tickets.get(ticket_id), "ticket")
        require(principal, LOBBY_ROLES, ticket.branch_id)
        now = changed_at(deps, uow, ticket.branch_id)
        if ticket.status is not TicketStatus.WAITING:
            raise Conflict("ticket_not_waiting", "only a waiting ticket can be moved", "status")
        values: dict[str, Any] = {}
        if service_id is not None:
            service = uow.services.get(service_id)
            if service is None or service.branch_id != ticket.branch_id:
                raise NotFound("service_not_found", "no such service in this branch", "service_id")
            values |= {"service_id": service_id, "target_counter_id": None}
        if cls is not None:
            values["customer_class"] = cls
        updated = uow.tickets.transition(ticket_id, (TicketStatus.WAITING,), values)
        if updated is None:
            raise Conflict("ticket_changed", "the ticket changed meanwhile; reload", "status")
        branch = found(uow.branches.get(ticket.branch_id), "branch")
        detail = {
            "number": ticket.number,
            "reason": body["reason"],
            "from_service": ticket.service_id,
            "to_service": updated.service_id,
            "from_class": ticket.customer_class.value,
            "to_class": updated.customer_class.value,
        }
        audit(uow, branch.id, principal, now, "move", detail, ticket_id)
        uow.emit(
            branch.id, protocol.TICKET_UPDATED, {"ticket": brief(updated, None, branch.timezone), "action": "move"}, now
        )
        view = ticket_view(uow, branch, updated, now, forecasts=deps.forecasts.cached)
    deps.commit_and_publish(uow)
    return view
