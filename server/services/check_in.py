"""Checking in for an appointment at the kiosk, the counter, or by the holder at the branch."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from server.domain.appointments import Appointment, AppointmentStatus
from server.domain.booking_codes import normalise_code
from server.domain.checkin import Outcome, decide
from server.domain.errors import Conflict, DomainError, NotFound
from server.domain.records import Principal
from server.i18n import render_all
from server.services.booking import holder_appointment, rules_for
from server.services.context import STAFF_ROLES, Deps, changed_at, found, require
from server.services.ports import UnitOfWork
from server.services.tickets import issue_ticket


def check_in(
    deps: Deps, principal: Principal | None, branch_id: int, code: str, phone: str | None = None
) -> dict[str, Any]:
    """A ticket for a booked customer: the appointment class anchored at the slot start when on
    time, a walk-in ticket when late (with a message saying so), 409 when too early, too late
    or already used. Staff and kiosks need only the code; the holder also gives the phone.
    """
    if principal is None:
        if not phone:
            raise NotFound("appointment_not_found", "no booking with this code and phone", "phone")
        # The holder checks in as the branch's kiosk would: the ticket is theirs alone.
        issuer = Principal("holder", 0, "kiosk", (branch_id,), "check-in")
    else:
        issuer = require(principal, (*STAFF_ROLES, "kiosk"), branch_id)
    with deps.store.write() as uow:
        appointment = _find(uow, principal, code, phone)
        if appointment.branch_id != branch_id:
            raise NotFound("appointment_not_found", "no booking with this code at this branch", "code")
        now = changed_at(deps, uow, branch_id)
        branch = found(uow.branches.get(branch_id), "branch")
        rules = rules_for(uow, found(uow.services.get(appointment.service_id), "service"))
        decision = decide(appointment.status, appointment.slot_start, now, rules, branch.timezone)
        claimed = uow.appointments.transition(
            appointment.id,
            (AppointmentStatus.BOOKED,),
            {"status": AppointmentStatus.CHECKED_IN.value, "checked_in_at": now},
        )
        if claimed is None:  # another check-in of the same code won the race
            raise Conflict("appointment_used", "this booking has already been checked in", "code")
    on_time = decision.outcome is Outcome.APPOINTMENT
    try:
        ticket = issue_ticket(
            deps,
            issuer,
            branch_id,
            appointment.service_id,
            "regular",
            appointment.language,
            appointment={"code": appointment.code, "anchor_at": decision.anchor} if on_time else None,
        )
    except DomainError:
        _undo(deps, appointment)
        raise
    with deps.store.write() as uow:
        uow.appointments.transition(appointment.id, (AppointmentStatus.CHECKED_IN,), {"ticket_id": ticket["id"]})
    slot_local = appointment.slot_start.astimezone(ZoneInfo(branch.timezone))
    ticket["check_in"] = {
        "outcome": decision.outcome.value,
        "message": render_all(decision.message),
        "slot_start": slot_local.isoformat(),
    }
    return ticket


def _find(uow: UnitOfWork, principal: Principal | None, code: str, phone: str | None) -> Appointment:
    if principal is None:
        return holder_appointment(uow, code, phone or "")
    appointment: Appointment | None = uow.appointments.by_code(normalise_code(code))
    if appointment is None:
        raise NotFound("appointment_not_found", "no booking with this code", "code")
    return appointment


def _undo(deps: Deps, appointment: Appointment) -> None:
    """The ticket could not be issued (branch closed, service off): the booking stays usable."""
    with deps.store.write() as uow:
        uow.appointments.transition(
            appointment.id,
            (AppointmentStatus.CHECKED_IN,),
            {"status": AppointmentStatus.BOOKED.value, "checked_in_at": None},
        )
