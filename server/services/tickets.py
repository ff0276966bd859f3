"""Walk-in tickets: issue, follow, and every transition after the call."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server import protocol
from server.domain import lifecycle
from server.domain.classes import WALK_IN_CLASSES, CustomerClass, TicketStatus
from server.domain.errors import Conflict, InvalidInput, NotFound, Unauthorized
from server.domain.hours import is_open
from server.domain.languages import DEFAULT, check_language
from server.domain.numbering import business_date, format_number
from server.domain.records import Branch, Principal, Ticket
from server.domain.secret_match import same_secret
from server.services.context import STAFF_ROLES, Deps, audit, changed_at, found, require
from server.services.eligibility import check_issue
from server.services.forecasting import ISSUE_MAX_AGE_S
from server.services.ports import UnitOfWork
from server.services.views import brief, call_view, forecast_fields, ticket_view


def issue_ticket(
    deps: Deps,
    principal: Principal | None,
    branch_id: int,
    service_id: int,
    customer_class: str = "regular",
    language: str = DEFAULT,
    *,
    appointment: dict[str, Any] | None = None,
    eligibility_number: str | None = None,
    audit_detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new waiting ticket with the next number of its service for the branch's business day.

    ``appointment`` (check-in only) carries ``code`` and ``anchor_at`` (the slot start);
    ``eligibility_number`` the phone or card number a kiosk read for a class the branch checks.
    ``audit_detail`` (issued by staff on a customer's behalf) goes to the audit log with it.
    """
    require(principal, (*STAFF_ROLES, "kiosk"), branch_id)
    cls = _walk_in_class(customer_class) if appointment is None else CustomerClass.APPOINTMENT
    check_language(language)
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        check_issue(deps, uow, branch, principal, cls.value, eligibility_number)
        now = changed_at(deps, uow, branch_id)
        service = uow.services.get(service_id)
        if service is None or service.branch_id != branch_id:
            raise NotFound("service_not_found", "no such service in this branch", "service_id")
        extra = {"device_id": principal.id if principal and principal.kind == "device" else None}
        if appointment:
            extra |= {"anchor_at": appointment["anchor_at"], "appointment_code": appointment["code"]}
        ticket = add_waiting_ticket(uow, branch, service, cls, language, now, extra)
        if audit_detail is not None:
            detail = audit_detail | {"number": ticket.number}
            audit(uow, branch_id, principal, now, "issue_on_behalf", detail, ticket.id)
        view = ticket_view(uow, branch, ticket, now, with_track_url=True)
    deps.commit_and_publish(uow)
    # The wait printed and shown at the kiosk, outside the write lock: from a forecast at most a
    # few seconds old (what it said of a ticket issued now), else one made now.
    latest = deps.forecasts.recent(branch.id, now, ISSUE_MAX_AGE_S)
    if latest is None:
        with deps.store.read() as uow:
            latest = deps.forecasts.of(uow, branch, now, recompute=False, max_age=ISSUE_MAX_AGE_S)
    view |= forecast_fields(latest, ticket)
    return view


def add_waiting_ticket(
    uow: Any, branch: Branch, service: Any, cls: CustomerClass, language: str, now: datetime, extra: dict[str, Any]
) -> Ticket:
    """A new waiting ticket with the next number of its service, announced as issued; ``extra``
    may set ``anchor_at`` (its place in the queue: now unless given), ``appointment_code``, ``device_id``."""
    if not service.active:
        raise Conflict("service_closed", "this service is not offered right now", "service_id")
    if not is_open(branch.opening_hours, now.astimezone(ZoneInfo(branch.timezone))):
        raise Conflict("branch_closed", "the branch is closed now", None)
    day = business_date(now, branch.timezone)
    sequence = uow.tickets.next_sequence(branch.id, service.id, day)
    ticket: Ticket = uow.tickets.add(
        {
            "branch_id": branch.id,
            "service_id": service.id,
            "number": format_number(service.prefix, sequence),
            "sequence": sequence,
            "business_date": day,
            "customer_class": cls.value,
            "status": TicketStatus.WAITING.value,
            "language": language,
            "issued_at": now,
            "anchor_at": now,
            "tracking_token": secrets.token_urlsafe(18),
            "appointment_code": None,
            "device_id": None,
        }
        | extra
    )
    uow.emit(branch.id, protocol.TICKET_ISSUED, {"ticket": brief(ticket, None, branch.timezone)}, now)
    return ticket


def _walk_in_class(value: str) -> CustomerClass:
    try:
        cls = CustomerClass(value)
    except ValueError:
        cls = None
    if cls not in WALK_IN_CLASSES:
        raise InvalidInput(
            "invalid_customer_class", "customer_class must be regular, vip or priority", "customer_class"
        )
    return cls


def get_ticket(
    deps: Deps, principal: Principal | None, ticket_id: int, token: str | None, *, forecast_seq: int | None = None
) -> dict[str, Any]:
    """A ticket for its holder (tracking token) or for staff of its branch.

    Its estimate comes from a forecast of the branch as it is now or, given ``forecast_seq``,
    from one made at that seq or later: a pass over a branch's phones reads the seq once, and
    asking for the branch as of now ran the forecast again for every page after every call.
    """
    now = deps.clock()
    with deps.store.read() as uow:
        ticket = found(uow.tickets.get(ticket_id), "ticket")
        holder = token is not None and same_secret(token, ticket.tracking_token)
        if not holder:
            if principal is None:
                # Same answer as an unknown id: a wrong token reveals nothing.
                raise NotFound("ticket_not_found", "no such ticket", None)
            require(principal, STAFF_ROLES, ticket.branch_id)
        branch = found(uow.branches.get(ticket.branch_id), "branch")
    recent_enough = forecast_seq is not None and deps.forecasts.known_since(branch.id, forecast_seq, now)
    if ticket.status is TicketStatus.WAITING and not recent_enough:
        deps.forecasts.refreshed(deps.store, branch, now)  # waiting for it holds no connection
    with deps.store.read() as uow:
        ticket = found(uow.tickets.get(ticket_id), "ticket")
        view = ticket_view(
            uow, branch, ticket, now, with_track_url=holder or principal is not None, forecasts=deps.forecasts.cached
        )
        view["service"] = _service_name(uow, ticket)
        view["branch"] = {"id": branch.id, "name": branch.name, "timezone": branch.timezone}
        return view


def list_tickets(
    deps: Deps, principal: Principal | None, branch_id: int, filters: dict[str, Any], limit: int = 100
) -> list[dict[str, Any]]:
    """Today's tickets of the branch (its local business day), by ``status``, ``number`` or ``service_id``."""
    require(principal, STAFF_ROLES, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        day = business_date(deps.clock(), branch.timezone)
        if filters.get("number"):
            filters = filters | {"number": filters["number"].upper()}
        found_tickets = uow.tickets.of_day(branch_id, day, limit=limit, **filters)
        counters = uow.counters.for_branch(branch_id) if found_tickets else []
    return [call_view(t, counters, branch.timezone) for t in found_tickets]


def _service_name(uow: UnitOfWork, ticket: Ticket) -> dict[str, Any]:
    service = found(uow.services.get(ticket.service_id), "service")
    return {"id": service.id, "name": service.name, "prefix": service.prefix}


def holder_may(deps: Deps, ticket_id: int, token: str | None) -> bool:
    if not token:
        return False
    with deps.store.read() as uow:
        ticket = uow.tickets.get(ticket_id)
        return ticket is not None and same_secret(token, ticket.tracking_token)


# Staff changes to a ticket that decide who is served when (a holder's own cancel is not audited)
AUDITED_CHANGES = ("recall", "no_show", "cancel")


def _stamp(action: str, now: datetime) -> dict[str, Any]:
    return {
        "start": {"started_at": now},
        "finish": {"finished_at": now},
        "no_show": {"finished_at": now},
        "cancel": {"finished_at": now},
    }.get(action, {})


def change_ticket(
    deps: Deps,
    principal: Principal | None,
    ticket_id: int,
    action: str,
    *,
    holder_token: str | None = None,
) -> dict[str, Any]:
    """recall, start, finish, no_show or cancel, as one conditional update."""
    with deps.store.write() as uow:
        ticket: Ticket = found(uow.tickets.get(ticket_id), "ticket")
        _authorise_change(principal, ticket, action, holder_token)
        now = changed_at(deps, uow, ticket.branch_id)
        target = lifecycle.target_status(action, ticket.status)
        values: dict[str, Any] = {"status": target.value, **_stamp(action, now)}
        if action == "recall":
            _within_recall_limit(found(uow.branches.get(ticket.branch_id), "branch"), ticket)
            values["recall_count"] = ticket.recall_count + 1
            values["called_at"] = now
        updated = uow.tickets.transition(ticket_id, lifecycle.allowed_from(action), values)
        if updated is None:
            raise Conflict("ticket_changed", "the ticket changed meanwhile; reload", "status")
        branch = found(uow.branches.get(ticket.branch_id), "branch")
        if action in AUDITED_CHANGES and holder_token is None:
            detail = {"number": ticket.number, "from_status": ticket.status.value, "counter_id": ticket.counter_id}
            audit(uow, branch.id, principal, now, action, detail, ticket_id)
        _emit_change(uow, branch, updated, action, now)
        view = ticket_view(uow, branch, updated, now, forecasts=deps.forecasts.cached)
    deps.commit_and_publish(uow)
    return view


DEFAULT_RECALL_LIMIT = 3


def recall_limit(settings: dict[str, Any]) -> int:
    """How often a ticket may be called again (``settings.recall_limit`` of the branch, default 3)."""
    value = settings.get("recall_limit")
    return value if isinstance(value, int) and 0 <= value <= 20 else DEFAULT_RECALL_LIMIT


def _within_recall_limit(branch: Branch, ticket: Ticket) -> None:
    limit = recall_limit(branch.settings)
    if ticket.recall_count >= limit:
        raise Conflict("recall_limit", f"called {limit} times again already: mark the ticket no-show", "status")


def _authorise_change(principal: Principal | None, ticket: Ticket, action: str, token: str | None) -> None:
    if action == "cancel" and token is not None:
        if not same_secret(token, ticket.tracking_token):
            raise Unauthorized("invalid_ticket_token", "the tracking token does not match", "token")
        if ticket.status is not TicketStatus.WAITING:
            # once called, the customer is expected at the counter: the teller decides (no-show)
            raise Conflict("ticket_called", "a called ticket can no longer be cancelled from the phone", "status")
        return
    require(principal, STAFF_ROLES, ticket.branch_id)


def _emit_change(uow: UnitOfWork, branch: Branch, ticket: Ticket, action: str, now: datetime) -> None:
    from server.services.calling import emit_called

    if action == "recall":
        emit_called(uow, branch, ticket, now, recall=True)
        return
    counter = uow.counters.get(ticket.counter_id) if ticket.counter_id else None
    uow.emit(
        branch.id,
        protocol.TICKET_UPDATED,
        {"ticket": brief(ticket, counter, branch.timezone), "action": action},
        now,
    )


# Who may rate a served ticket besides its holder and its counter's pad: not the teller who served it.
FEEDBACK_STAFF = ("admin", "manager")


def leave_feedback(
    deps: Deps, principal: Principal | None, ticket_id: int, score: int, comment: str, token: str | None
) -> dict[str, Any]:
    """Stored with the teller and counter that served the ticket; a low score raises ``low_feedback``."""
    from server.services import alerts, rating

    now = deps.clock()
    with deps.store.write() as uow:
        ticket: Ticket = found(uow.tickets.get(ticket_id), "ticket")
        if token is not None:
            if not same_secret(token, ticket.tracking_token):
                raise Unauthorized("invalid_ticket_token", "the tracking token does not match", "token")
        elif principal is not None and principal.role in rating.PAD_ROLES:
            rating.authorise_pad(uow, principal, ticket, now)
        else:
            require(principal, FEEDBACK_STAFF, ticket.branch_id)
        if ticket.status is not TicketStatus.DONE:
            raise Conflict("ticket_not_done", "feedback is for served tickets", "status")
        if uow.tickets.has_feedback(ticket_id):
            raise Conflict("feedback_exists", "feedback was already given for this ticket", None)
        uow.tickets.add_feedback(
            {
                "ticket_id": ticket_id,
                "branch_id": ticket.branch_id,
                "score": score,
                "comment": comment,
                "served_by": ticket.served_by,
                "counter_id": ticket.counter_id,
                "created_at": now,
            }
        )
    alerts.evaluate_branch(deps, ticket.branch_id)  # a low score reaches the manager now, not next round
    return {"ticket_id": ticket_id, "score": score, "comment": comment}
