"""Online booking: free slots, book, and look up / reschedule / cancel with code and phone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.appointments import HOLDING, Appointment, AppointmentStatus
from server.domain.booking_codes import new_code, normalise_code, normalise_phone
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.languages import DEFAULT, check_language, pick
from server.domain.notices import NoticeKind
from server.domain.records import Branch, Service
from server.domain.secret_match import same_secret
from server.domain.slots import BookingRules, Slot, check_bookable_day, day_slots
from server.i18n import say
from server.services.context import Deps, changed_at, found
from server.services.notifications import enqueue
from server.services.ports import UnitOfWork
from server.services.views import iso


def branch_and_service_of(uow: UnitOfWork, appointment: Appointment) -> tuple[Branch, Service]:
    """The branch and service an appointment was booked at (kept even if the service is retired)."""
    return found(uow.branches.get(appointment.branch_id), "branch"), found(
        uow.services.get(appointment.service_id), "service"
    )


def rules_for(uow: UnitOfWork, service: Service) -> BookingRules:
    return BookingRules.from_dict(uow.booking_settings.get(service.id) or {})


def branch_and_service(uow: UnitOfWork, branch_id: int, service_id: int) -> tuple[Branch, Service]:
    branch = found(uow.branches.get(branch_id), "branch", "branch_id")
    service = uow.services.get(service_id)
    if service is None or service.branch_id != branch_id or not service.active:
        raise NotFound("service_not_found", "no such service in this branch", "service_id")
    return branch, service


def slots_of_day(uow: UnitOfWork, branch: Branch, service: Service, rules: BookingRules, day: date) -> list[Slot]:
    counters = sum(1 for c in uow.counters.for_branch(branch.id) if service.id in c.service_ids)
    return day_slots(
        day,
        branch.timezone,
        branch.opening_hours,
        counters=counters,
        rules=rules,
        expected_service=service.expected_service,
        closed_days=uow.closures.between(branch.id, day, day),
    )


def _today(branch: Branch, now: datetime) -> date:
    return now.astimezone(ZoneInfo(branch.timezone)).date()


def list_slots(deps: Deps, branch_id: int, service_id: int, day: date) -> list[dict[str, Any]]:
    """The day's slots still ahead, in branch-local time, with the places left."""
    now = deps.clock()
    with deps.store.read() as uow:
        branch, service = branch_and_service(uow, branch_id, service_id)
        rules = rules_for(uow, service)
        check_bookable_day(day, _today(branch, now), rules)
        slots = [s for s in slots_of_day(uow, branch, service, rules, day) if s.start > now]
        booked = uow.slots.booked(service.id, [s.start for s in slots])
    return [
        {
            "start": iso(s.start, branch.timezone),
            "end": iso(s.end, branch.timezone),
            "available": max(0, s.capacity - booked.get(s.start, 0)),
        }
        for s in slots
    ]


def _slot_at(
    uow: UnitOfWork, branch: Branch, service: Service, rules: BookingRules, start: datetime, now: datetime
) -> Slot:
    """The bookable slot that starts exactly at ``start``, or a clear 422."""
    if start.tzinfo is None:
        raise InvalidInput("invalid_start", "start needs a UTC offset, e.g. 2026-11-24T09:00:00+08:00", "start")
    # Decided before any time-zone conversion: one near year 1 or 9999 would overflow.
    if start <= now:
        raise InvalidInput("start_in_past", "this time has already passed", "start")
    if start - now > timedelta(days=rules.horizon_days + 2):
        raise InvalidInput("beyond_horizon", f"bookings open {rules.horizon_days} days ahead", "start")
    start = start.astimezone(UTC)
    day = start.astimezone(ZoneInfo(branch.timezone)).date()
    check_bookable_day(day, _today(branch, now), rules)
    for slot in slots_of_day(uow, branch, service, rules, day):
        if slot.start == start:
            return slot
    raise InvalidInput(
        "not_a_slot", "no slot starts then (outside opening hours, a closure, or not a slot start)", "start"
    )


def _take(uow: UnitOfWork, branch: Branch, service: Service, slot: Slot) -> None:
    if not uow.slots.take(branch.id, service.id, slot.start, slot.capacity):
        raise Conflict("slot_full", "this time is fully booked; please pick another", "start")


def _check_phone_limit(
    uow: UnitOfWork, branch: Branch, rules: BookingRules, phone: str, day: date, except_id: int | None = None
) -> None:
    uow.appointments.lock_phone_day(branch.id, phone, day)
    if uow.appointments.count_for_phone(branch.id, phone, day, except_id) >= rules.per_phone_per_day:
        raise Conflict(
            "too_many_bookings", f"at most {rules.per_phone_per_day} bookings per phone number per day", "phone"
        )


def _unused_code(uow: UnitOfWork) -> str:
    code = new_code()
    while uow.appointments.code_taken(code):  # about one in 10**11 per booking
        code = new_code()
    return code


def book(deps: Deps, data: dict[str, Any]) -> dict[str, Any]:
    """A booked place in a slot, or 409 ``slot_full`` when the last place went to someone else."""
    phone = normalise_phone(data["phone"])
    language = check_language(data.get("language", DEFAULT))
    with deps.store.write() as uow:
        branch, service = branch_and_service(uow, data["branch_id"], data["service_id"])
        now = changed_at(deps, uow, branch.id)
        rules = rules_for(uow, service)
        slot = _slot_at(uow, branch, service, rules, data["start"], now)
        day = slot.start.astimezone(ZoneInfo(branch.timezone)).date()
        _check_phone_limit(uow, branch, rules, phone, day)
        _take(uow, branch, service, slot)
        appointment = uow.appointments.add(
            {
                "code": _unused_code(uow),
                "branch_id": branch.id,
                "service_id": service.id,
                "slot_start": slot.start,
                "slot_end": slot.end,
                "local_date": day,
                "name": data["name"].strip(),
                "phone": phone,
                "email": data.get("email") or None,
                "language": language,
                "status": AppointmentStatus.BOOKED.value,
                "created_at": now,
            }
        )
        enqueue(uow, NoticeKind.CONFIRMED, appointment, branch, service, now)
        return appointment_view(appointment, branch, service)


def holder_appointment(uow: UnitOfWork, code: str, phone: str) -> Appointment:
    """The appointment for this code and phone; any mismatch is the same 404 as an unknown code."""
    appointment: Appointment | None = uow.appointments.by_code(normalise_code(code))
    try:
        given = normalise_phone(phone)
    except InvalidInput:
        given = ""
    if appointment is None or not same_secret(given, appointment.phone):
        raise NotFound("appointment_not_found", "no booking with this code and phone", "code")
    return appointment


def get_appointment(deps: Deps, code: str, phone: str) -> dict[str, Any]:
    with deps.store.read() as uow:
        appointment = holder_appointment(uow, code, phone)
        branch, service = branch_and_service_of(uow, appointment)
        return appointment_view(appointment, branch, service)


def cancel(deps: Deps, code: str, phone: str) -> dict[str, Any]:
    with deps.store.write() as uow:
        appointment = holder_appointment(uow, code, phone)
        now = changed_at(deps, uow, appointment.branch_id)
        changed = uow.appointments.transition(
            appointment.id,
            (AppointmentStatus.BOOKED,),
            {"status": AppointmentStatus.CANCELLED.value, "cancelled_at": now},
        )
        if changed is None:
            raise Conflict("appointment_not_booked", f"this booking is {appointment.status.value}", "code")
        uow.slots.release(changed.service_id, changed.slot_start)
        branch, service = branch_and_service_of(uow, changed)
        enqueue(uow, NoticeKind.CANCELLED, changed, branch, service, now)
        return appointment_view(changed, branch, service)


def reschedule(deps: Deps, code: str, phone: str, start: datetime) -> dict[str, Any]:
    """Move to another slot of the same service: the new place is taken before the old is freed."""
    with deps.store.write() as uow:
        appointment = holder_appointment(uow, code, phone)
        now = changed_at(deps, uow, appointment.branch_id)
        if appointment.status is not AppointmentStatus.BOOKED:
            raise Conflict("appointment_not_booked", f"this booking is {appointment.status.value}", "code")
        branch, service = branch_and_service(uow, appointment.branch_id, appointment.service_id)
        rules = rules_for(uow, service)
        slot = _slot_at(uow, branch, service, rules, start, now)
        if slot.start == appointment.slot_start:
            return appointment_view(appointment, branch, service)
        day = slot.start.astimezone(ZoneInfo(branch.timezone)).date()
        _check_phone_limit(uow, branch, rules, appointment.phone, day, except_id=appointment.id)
        _take(uow, branch, service, slot)
        uow.slots.release(service.id, appointment.slot_start)
        moved = uow.appointments.transition(
            appointment.id,
            (AppointmentStatus.BOOKED,),
            {
                "slot_start": slot.start,
                "slot_end": slot.end,
                "local_date": day,
                "reminded_day_at": None,
                "reminded_hour_at": None,
            },
        )
        if moved is None:  # cancelled meanwhile by a request that does not take the branch's lock
            raise Conflict("appointment_not_booked", "this booking changed meanwhile", "code")
        enqueue(uow, NoticeKind.RESCHEDULED, moved, branch, service, now)
        return appointment_view(moved, branch, service)


def holder_links(appointment: Appointment) -> dict[str, str]:
    """Fetched with the phone in the X-Phone header: a phone in a URL ends up in logs."""
    base = f"/api/v1/appointments/{appointment.code}"
    return {"ics_url": f"{base}.ics", "qr_url": f"{base}/qr.svg"}


def appointment_view(appointment: Appointment, branch: Branch, service: Service) -> dict[str, Any]:
    tz = branch.timezone
    return {
        "code": appointment.code,
        "branch_id": appointment.branch_id,
        "service_id": appointment.service_id,
        "start": iso(appointment.slot_start, tz),
        "end": iso(appointment.slot_end, tz),
        "status": appointment.status.value,
        "name": appointment.name,
        "phone": appointment.phone,
        "language": appointment.language,
        "checked_in_at": iso(appointment.checked_in_at, tz),
        "ticket_id": appointment.ticket_id,
        "branch": {"id": branch.id, "name": branch.name, "timezone": tz},
        "service": {"id": service.id, "name": service.name},
        "active": appointment.status in HOLDING,
        **holder_links(appointment),
    }


def public_branches(deps: Deps) -> list[dict[str, Any]]:
    """Branches and the services that take bookings, for the public booking page."""
    with deps.store.read() as uow:
        result = []
        for branch in uow.branches.all():
            services = [
                {"id": s.id, "name": s.name, "slot_s": rules_for(uow, s).slot_length(s.expected_service)}
                for s in uow.services.for_branch(branch.id)
                if s.active and rules_for(uow, s).enabled
            ]
            if services:
                result.append({"id": branch.id, "name": branch.name, "timezone": branch.timezone, "services": services})
        return result


def calendar_entry(deps: Deps, code: str, phone: str) -> dict[str, Any]:
    """What an ``.ics`` file needs: UTC times, the summary and the place."""
    with deps.store.read() as uow:
        appointment = holder_appointment(uow, code, phone)
        branch, service = branch_and_service_of(uow, appointment)
    lang = appointment.language
    return {
        "uid": f"{appointment.code}@branchq",
        "start": appointment.slot_start,
        "end": appointment.slot_end,
        "summary": f"{pick(service.name, lang)} · {pick(branch.name, lang)}",
        "description": say("mail.calendar_code", lang, code=appointment.code),
        "location": pick(branch.name, lang),
        "status": appointment.status.value,
        "code": appointment.code,
        "created_at": appointment.created_at,
        "reminder": "预约时间快到了" if lang == "zh" else "Your branch visit is soon",
    }
