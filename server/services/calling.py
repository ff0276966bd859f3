"""Counters: open, pause, close, call next, call a chosen ticket, transfer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import protocol
from server.domain import lifecycle
from server.domain.announcement import announcement_text, branch_languages, voice_order
from server.domain.classes import CounterStatus, CustomerClass, TicketStatus
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.policy import CallReason, PolicyKind, pick_next, reason_for
from server.domain.records import Branch, Counter, Principal, Ticket
from server.i18n import render_all
from server.services.context import STAFF_ROLES, Deps, audit, changed_at, found, require
from server.services.ports import UnitOfWork
from server.services.remote_join import MAX_DEFERRALS, defer_held
from server.services.views import brief, counters_now, ticket_view

# A claim can lose a race with another teller on PostgreSQL; pick again a few times.
CLAIM_ATTEMPTS = 8


def audio_url(number: str, counter_number: int, languages: tuple[str, ...]) -> str:
    """The spoken call; ``lang`` is the speaking order (the holder's own language first)."""
    return f"/api/v1/announcements/audio.wav?number={number}&counter={counter_number}&lang={','.join(languages)}"


def call_reason(reason: CallReason) -> dict[str, Any]:
    """A call reason as stored and shown: its code, priority and text in every language."""
    return reason.to_dict() | {"text": render_all(reason.text)}


def emit_called(
    uow: UnitOfWork,
    branch: Branch,
    ticket: Ticket,
    now: datetime,
    *,
    recall: bool = False,
    counter: Counter | None = None,
) -> None:
    counter = counter or found(uow.counters.get(found(ticket.counter_id, "counter")), "counter")
    spoken = voice_order(ticket.language, branch_languages(branch.settings, "voice"))
    uow.emit(
        branch.id,
        protocol.TICKET_CALLED,
        {
            "ticket": brief(ticket, counter, branch.timezone),
            "ticket_id": ticket.id,
            "number": ticket.number,
            "service_id": ticket.service_id,
            "counter_id": counter.id,
            "counter_number": counter.number,
            "recall": recall,
            "announcement": {
                "text": render_all(announcement_text(ticket.number, counter.number)),
                "audio_url": audio_url(ticket.number, counter.number, spoken),
                "languages": list(spoken),
            },
        },
        now,
    )


def _load_counter(uow: UnitOfWork, principal: Principal | None, counter_id: int) -> Counter:
    counter: Counter = found(uow.counters.get(counter_id), "counter")
    require(principal, STAFF_ROLES, counter.branch_id)
    return counter


PAUSE_REASONS = ("break", "meeting", "training")


def set_counter_status(
    deps: Deps, principal: Principal | None, counter_id: int, status: str, reason: str | None = None
) -> dict[str, Any]:
    """open / pause (with a reason) / close. Closing with a ticket still called or in service is refused."""
    if reason is not None and (status != "paused" or reason not in PAUSE_REASONS):
        raise InvalidInput("invalid_pause_reason", f"a pause reason is one of {', '.join(PAUSE_REASONS)}", "reason")
    with deps.store.write() as uow:
        counter = _load_counter(uow, principal, counter_id)
        now = changed_at(deps, uow, counter.branch_id)
        new = CounterStatus(status)
        if new is CounterStatus.CLOSED and uow.tickets.current_at_counter(counter_id):
            raise Conflict("counter_busy", "finish, transfer or mark no-show the current ticket first", None)
        before = counter.status.value
        values: dict[str, Any] = {"status": new.value, "pause_reason": reason}
        if counter.status is not new:
            values["status_since"] = now  # how long a counter has been paused raises alerts
        counter = uow.counters.update(counter_id, values)
        branch = found(uow.branches.get(counter.branch_id), "branch")
        if before != new.value:
            detail = {"counter_id": counter_id, "number": counter.number, "from": before, "to": new.value}
            detail |= {"reason": reason} if reason else {}
            audit(uow, branch.id, principal, now, "counter_status", detail)
        (view,) = counters_now(uow, [counter])
        uow.emit(branch.id, protocol.COUNTER_CHANGED, {"counter": view}, now)
    deps.commit_and_publish(uow)
    return view


def _claim(
    uow: UnitOfWork, counter: Counter, ticket_id: int, reason: dict[str, Any], now: datetime, by: int | None
) -> Ticket | None:
    return uow.tickets.transition(
        ticket_id,
        lifecycle.allowed_from("call"),
        {
            "status": TicketStatus.CALLED.value,
            "counter_id": counter.id,
            "target_counter_id": None,
            "called_at": now,
            "call_reason": reason,
            "served_by": by,
        },
    )


def _ensure_can_call(uow: UnitOfWork, counter: Counter) -> None:
    if counter.status is not CounterStatus.OPEN:
        raise Conflict(f"counter_{counter.status.value}", f"the counter is {counter.status.value}; open it first", None)
    current = uow.tickets.current_at_counter(counter.id)
    if current is not None:
        raise Conflict("counter_busy", f"ticket {current.number} is still {current.status.value} at this counter", None)


def call_next(deps: Deps, principal: Principal | None, counter_id: int) -> dict[str, Any] | None:
    """The policy's choice among the services this counter serves, claimed atomically; None if empty."""
    with deps.store.write() as uow:
        counter = _load_counter(uow, principal, counter_id)
        now = changed_at(deps, uow, counter.branch_id)
        _ensure_can_call(uow, counter)
        branch = found(uow.branches.get(counter.branch_id), "branch")
        ticket = _claim_next(uow, branch, counter, now, principal.id if principal else None)
        if ticket is None:
            return None
        emit_called(uow, branch, ticket, now, counter=counter)
        view = ticket_view(uow, branch, ticket, now, counter=counter, forecasts=deps.forecasts.cached)
    deps.commit_and_publish(uow)
    return view


def _claim_next(uow: UnitOfWork, branch: Branch, counter: Counter, now: datetime, by: int | None) -> Ticket | None:
    passed: set[int] = set()  # remote tickets still held, passed over in this call
    for _ in range(CLAIM_ATTEMPTS + MAX_DEFERRALS):
        transferred = uow.tickets.transferred_to(counter.id)
        if transferred is not None:
            ticket_id, reason = transferred, call_reason(reason_for("transferred", _class_of(uow, transferred)))
        else:
            heads = uow.tickets.heads(counter.service_ids, by_arrival=branch.policy.kind is PolicyKind.FIFO)
            heads = [h for h in heads if h.ticket_id not in passed]
            choice = pick_next(heads, counter.service_ids, now.timestamp(), branch.policy)
            if choice is None:
                return None
            ticket_id, reason = choice.candidate.ticket_id, call_reason(choice.reason)
            if defer_held(uow, branch, ticket_id, now, passed):
                continue
        claimed = _claim(uow, counter, ticket_id, reason, now, by)
        if claimed is not None:
            return claimed
    raise Conflict("busy_try_again", "other counters are calling at the same moment; try again", None)


def _class_of(uow: UnitOfWork, ticket_id: int) -> CustomerClass:
    return found(uow.tickets.get(ticket_id), "ticket").customer_class


def call_ticket(deps: Deps, principal: Principal | None, counter_id: int, ticket_id: int) -> dict[str, Any]:
    """Serve a specific waiting ticket out of order; recorded in the audit log."""
    with deps.store.write() as uow:
        counter = _load_counter(uow, principal, counter_id)
        now = changed_at(deps, uow, counter.branch_id)
        _ensure_can_call(uow, counter)
        ticket: Ticket = found(uow.tickets.get(ticket_id), "ticket", "ticket_id")
        if ticket.branch_id != counter.branch_id:
            raise NotFound("ticket_not_found", "no such ticket in this branch", "ticket_id")
        lifecycle.target_status("call", ticket.status)
        reason = call_reason(reason_for("chosen_by_teller", ticket.customer_class))
        claimed = _claim(uow, counter, ticket_id, reason, now, principal.id if principal else None)
        if claimed is None:
            raise Conflict("ticket_not_waiting", "another counter took this ticket", "ticket_id")
        branch = found(uow.branches.get(counter.branch_id), "branch")
        detail = {"counter_id": counter_id, "number": ticket.number, "reason": reason}
        audit(uow, branch.id, principal, now, "call_out_of_order", detail, ticket_id)
        emit_called(uow, branch, claimed, now, counter=counter)
        view = ticket_view(uow, branch, claimed, now, counter=counter, forecasts=deps.forecasts.cached)
    deps.commit_and_publish(uow)
    return view


def transfer_ticket(
    deps: Deps,
    principal: Principal | None,
    ticket_id: int,
    *,
    service_id: int | None = None,
    counter_id: int | None = None,
) -> dict[str, Any]:
    """Back to waiting for another service or a specific counter, keeping its original arrival."""
    if (service_id is None) == (counter_id is None):
        raise InvalidInput("transfer_target", "give exactly one of service_id or counter_id", "service_id")
    with deps.store.write() as uow:
        ticket: Ticket = found(uow.tickets.get(ticket_id), "ticket")
        require(principal, STAFF_ROLES, ticket.branch_id)
        now = changed_at(deps, uow, ticket.branch_id)
        lifecycle.target_status("transfer", ticket.status)
        values = _transfer_values(uow, ticket, service_id, counter_id)
        updated = uow.tickets.transition(ticket_id, lifecycle.allowed_from("transfer"), values)
        if updated is None:
            raise Conflict("ticket_changed", "the ticket changed meanwhile; reload", "status")
        branch = found(uow.branches.get(ticket.branch_id), "branch")
        detail = {
            "number": ticket.number,
            "from_status": ticket.status.value,
            "from_counter": ticket.counter_id,
            "from_service": ticket.service_id,
            "to_service": service_id,
            "to_counter": counter_id,
        }
        audit(uow, branch.id, principal, now, "transfer", detail, ticket_id)
        uow.emit(
            branch.id,
            protocol.TICKET_UPDATED,
            {"ticket": brief(updated, None, branch.timezone), "action": "transfer"},
            now,
        )
        view = ticket_view(uow, branch, updated, now, forecasts=deps.forecasts.cached)
    deps.commit_and_publish(uow)
    return view


def _transfer_values(uow: UnitOfWork, ticket: Ticket, service_id: int | None, counter_id: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "status": TicketStatus.WAITING.value,
        "counter_id": None,
        "called_at": None,
        "started_at": None,
        "transferred_from": ticket.counter_id,
    }
    if service_id is not None:
        service = uow.services.get(service_id)
        if service is None or service.branch_id != ticket.branch_id:
            raise NotFound("service_not_found", "no such service in this branch", "service_id")
        values |= {"service_id": service_id, "target_counter_id": None}
    else:
        counter = uow.counters.get(counter_id) if counter_id is not None else None
        if counter is None or counter.branch_id != ticket.branch_id:
            raise NotFound("counter_not_found", "no such counter in this branch", "counter_id")
        values["target_counter_id"] = counter.id
    return values
