"""Appointment routes: public slots and booking, the holder's code + phone routes, check-in, manager settings."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import segno
from apiflask import APIBlueprint
from flask import Response
from icalendar import Alarm, Calendar, Event

from server.services import booking, booking_admin, check_in, remote_join
from server.web import schemas_booking as s
from server.web.context import deps, wiring
from server.web.security import bearer_token, current_principal

bp = APIBlueprint("booking", __name__, url_prefix="/api/v1", tag="Appointments")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


@bp.get("/booking/branches")
@bp.output(s.PublicBranch(many=True))
@bp.doc(summary="Branches and services that take bookings (public)")
def bookable_branches() -> Any:
    return booking.public_branches(deps())


@bp.get("/branches/<int:branch_id>/slots")
@bp.input(s.SlotsQuery, location="query", arg_name="query")
@bp.output(s.SlotOut(many=True))
@bp.doc(summary="Free slots of a day, in the branch's local time (public)")
def list_slots(branch_id: int, query: dict[str, Any]) -> Any:
    return booking.list_slots(deps(), branch_id, query["service_id"], query["date"])


@bp.post("/appointments")
@bp.input(s.AppointmentIn, arg_name="body")
@bp.output(s.AppointmentOut, status_code=201)
@bp.doc(summary="Book a slot (public)", responses={409: "slot full, or too many bookings for this phone"})
def book(body: dict[str, Any]) -> Any:
    return booking.book(deps(), body)


@bp.get("/appointments/<code>")
@bp.input(s.PhoneQuery, location="query", arg_name="query")
@bp.input(s.PhoneHeader, location="headers", arg_name="headers")
@bp.output(s.AppointmentOut)
@bp.doc(summary="Look up a booking with its code and phone")
def get_appointment(code: str, query: dict[str, Any], headers: dict[str, Any]) -> Any:
    return booking.get_appointment(deps(), code, holder_phone(query, headers))


@bp.delete("/appointments/<code>")
@bp.input(s.PhoneQuery, location="query", arg_name="query")
@bp.input(s.PhoneHeader, location="headers", arg_name="headers")
@bp.output(s.AppointmentOut)
@bp.doc(summary="Cancel a booking (code and phone)")
def cancel_appointment(code: str, query: dict[str, Any], headers: dict[str, Any]) -> Any:
    return booking.cancel(deps(), code, holder_phone(query, headers))


@bp.patch("/appointments/<code>")
@bp.input(s.PhoneQuery, location="query", arg_name="query")
@bp.input(s.PhoneHeader, location="headers", arg_name="headers")
@bp.input(s.RescheduleIn, arg_name="body")
@bp.output(s.AppointmentOut)
@bp.doc(summary="Move a booking to another slot (code and phone)")
def reschedule_appointment(code: str, query: dict[str, Any], headers: dict[str, Any], body: dict[str, Any]) -> Any:
    return booking.reschedule(deps(), code, holder_phone(query, headers), body["start"])


@bp.get("/appointments/<code>.ics")
@bp.input(s.PhoneQuery, location="query", arg_name="query")
@bp.input(s.PhoneHeader, location="headers", arg_name="headers")
@bp.doc(summary="The booking as an iCalendar file", responses={200: "text/calendar"})
def appointment_ics(code: str, query: dict[str, Any], headers: dict[str, Any]) -> Any:
    entry = booking.calendar_entry(deps(), code, holder_phone(query, headers))
    calendar = Calendar()
    calendar.add("prodid", "-//BranchQ//booking//EN")
    calendar.add("version", "2.0")
    event = Event()
    for key in ("uid", "summary", "description", "location"):
        event.add(key, entry[key])
    event.add("dtstart", entry["start"])
    event.add("dtend", entry["end"])
    event.add("dtstamp", deps().clock())
    event.add("status", "CANCELLED" if entry["status"] == "cancelled" else "CONFIRMED")
    # The same UID on every download; a SEQUENCE that only grows makes a calendar replace its
    # entry when the booking was moved (or cancelled) rather than add a second one.
    now = deps().clock()
    event.add("sequence", max(0, int((now - entry["created_at"]).total_seconds() // 60)))
    event.add("last-modified", now)
    if entry["status"] != "cancelled":
        event.add_component(reminder(entry["reminder"]))
    calendar.add_component(event)
    download = {"Content-Disposition": f'attachment; filename="booking-{entry["code"]}.ics"'}
    return Response(calendar.to_ical(), mimetype="text/calendar", headers=download)


REMINDER_BEFORE = timedelta(minutes=30)


def reminder(text: str) -> Alarm:
    """A calendar alarm half an hour before the slot (check-in opens about then)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -REMINDER_BEFORE)
    return alarm


@bp.get("/appointments/<code>/qr.svg")
@bp.input(s.PhoneQuery, location="query", arg_name="query")
@bp.input(s.PhoneHeader, location="headers", arg_name="headers")
@bp.doc(summary="The booking code as a QR code (SVG), for the kiosk's scanner", responses={200: "image/svg+xml"})
def appointment_qr(code: str, query: dict[str, Any], headers: dict[str, Any]) -> Any:
    entry = booking.get_appointment(deps(), code, holder_phone(query, headers))
    out = io.BytesIO()
    segno.make(entry["code"], error="m").save(out, kind="svg", scale=8, border=2, title=entry["code"])
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@bp.post("/branches/<int:branch_id>/check-in")
@bp.input(s.CheckInIn, arg_name="body")
@bp.output(s.CheckInOut, status_code=201)
@bp.doc(
    description="Kiosk or staff with the code; the holder with code and phone",
    responses={409: "too_early, too_late, appointment_used or appointment_cancelled"},
)
def check_in_appointment(branch_id: int, body: dict[str, Any]) -> Any:
    principal = current_principal()
    # a remote ticket's arrival code (its QR on the holder's phone) checks the holder in
    ticket = remote_join.check_in_remote(deps(), principal, branch_id, body["code"])
    if ticket is None:
        ticket = check_in.check_in(deps(), principal, branch_id, body["code"], body.get("phone"))
    wiring().print_jobs.at_kiosk(principal, ticket)
    return ticket


@bp.get("/branches/<int:branch_id>/booking-settings")
@bp.output(s.BookingSettingsOut)
@bp.doc(**SECURED, summary="Booking rules per service (manager)")
def get_booking_settings(branch_id: int) -> Any:
    return booking_admin.get_settings(deps(), current_principal(), branch_id)


@bp.patch("/branches/<int:branch_id>/services/<int:service_id>/booking-settings")
@bp.input(s.BookingRulesIn, arg_name="body")
@bp.output(s.BookingSettingsOut)
@bp.doc(**SECURED, summary="Change a service's booking rules (manager)")
def set_booking_settings(branch_id: int, service_id: int, body: dict[str, Any]) -> Any:
    return booking_admin.set_service_rules(deps(), current_principal(), branch_id, service_id, body)


@bp.get("/branches/<int:branch_id>/closures")
@bp.input(s.RangeQuery, location="query", arg_name="query")
@bp.output(s.ClosureOut(many=True))
@bp.doc(**SECURED, summary="Closure days (default: the next year)")
def list_closures(branch_id: int, query: dict[str, Any]) -> Any:
    first = query.get("from_") or deps().clock().date()
    last = query.get("to") or _a_year_after(first)
    return booking_admin.list_closures(deps(), current_principal(), branch_id, first, last)


def _a_year_after(day: date) -> date:
    """366 days on, or the calendar's last day for a start that close to year 9999."""
    return day + timedelta(days=366) if day < date.max - timedelta(days=366) else date.max


@bp.put("/branches/<int:branch_id>/closures/<day>")
@bp.input(s.ClosureIn, arg_name="body")
@bp.output(s.ClosureOut)
@bp.doc(**SECURED, summary="Close a day (YYYY-MM-DD) for bookings")
def set_closure(branch_id: int, day: str, body: dict[str, Any]) -> Any:
    return booking_admin.set_closure(deps(), current_principal(), branch_id, _day(day), body["reason"])


@bp.delete("/branches/<int:branch_id>/closures/<day>")
@bp.output({}, status_code=204)
@bp.doc(**SECURED, summary="Open a closed day again")
def remove_closure(branch_id: int, day: str) -> Any:
    booking_admin.remove_closure(deps(), current_principal(), branch_id, _day(day))
    return ""


@bp.get("/branches/<int:branch_id>/appointments")
@bp.input(s.DayQuery, location="query", arg_name="query")
@bp.output(s.AppointmentOut(many=True))
@bp.doc(**SECURED, summary="The day's bookings (staff)")
def day_appointments(branch_id: int, query: dict[str, Any]) -> Any:
    return booking_admin.day_appointments(deps(), current_principal(), branch_id, query["date"])


@bp.get("/branches/<int:branch_id>/notifications")
@bp.input(s.NotificationsQuery, location="query", arg_name="query")
@bp.output(s.NotificationOut(many=True))
@bp.doc(**SECURED, summary="The notification outbox, newest first (manager)")
def list_notifications(branch_id: int, query: dict[str, Any]) -> Any:
    return booking_admin.list_notifications(deps(), current_principal(), branch_id, query.get("status"))


@bp.post("/branches/<int:branch_id>/notifications/<int:notification_id>/retry")
@bp.output(s.NotificationOut)
@bp.doc(**SECURED, summary="Send a failed notification again (manager)")
def retry_notification(branch_id: int, notification_id: int) -> Any:
    return booking_admin.retry_notification(deps(), current_principal(), branch_id, notification_id)


def _day(text: str) -> date:
    from server.domain.errors import InvalidInput

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", "day must be YYYY-MM-DD", "day") from None


def holder_phone(query: dict[str, Any], headers: dict[str, Any]) -> str:
    """The booking's phone: from the X-Phone header, or the query string of older links."""
    from server.domain.errors import InvalidInput

    phone = headers.get("phone") or query.get("phone")
    if not phone:
        raise InvalidInput("phone_required", "send the booking's phone in the X-Phone header", "phone")
    return str(phone)


def _with_token() -> bool:
    # staff and devices are never limited below 20/s; a bad token is refused (401) anyway
    return bearer_token() is not None


@bp.record_once
def _apply_limits(state: Any) -> None:
    """Public routes are rate-limited per client; guessing codes runs into 429 quickly.

    flask-limiter only enforces a decorated limit through the wrapper it returns, so the
    registered views are swapped for their wrapped versions (the blueprint's routes are
    registered before this runs).
    """
    app, limiter = state.app, state.app.extensions["limiter"]

    def limit(decorator: Any, *views: Any) -> None:
        for view in views:
            endpoint = f"{bp.name}.{view.__name__}"
            app.view_functions[endpoint] = decorator(app.view_functions[endpoint])

    limit(limiter.limit("60/minute"), list_slots)
    limit(limiter.limit("10/minute;40/hour", methods=["POST"]), book)
    # one budget for every route that takes a code and a phone, however a guesser mixes them
    holder = limiter.shared_limit("20/minute;100/hour", scope="appointment_holder")
    limit(holder, get_appointment, cancel_appointment, reschedule_appointment, appointment_ics, appointment_qr)
    limit(limiter.limit("20/minute", exempt_when=_with_token), check_in_appointment)
