"""Schemas of the booking routes (validation and the OpenAPI document)."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Date, DateTime, Dict, Email, Float, Integer, List, Nested, String
from apiflask.validators import Equal, Length, OneOf, Range

from server.domain.records import MAX_ID
from server.web.schemas import Id, Language, TicketOut

LANGUAGE = Language()


class SlotsQuery(Schema):
    service_id = Integer(required=True, validate=Range(1, MAX_ID))  # query strings are text: not strict
    date = Date(required=True, metadata={"example": "2026-11-24"})


class SlotOut(Schema):
    start = String(metadata={"example": "2026-11-24T09:00:00+08:00"})
    end = String()
    available = Integer()


class AppointmentIn(Schema):
    branch_id = Id(required=True)
    service_id = Id(required=True)
    start = DateTime(required=True, metadata={"description": "a slot start, with its UTC offset"})
    name = String(required=True, validate=Length(1, 80))
    phone = String(required=True, validate=Length(3, 32), metadata={"example": "13812345678"})
    email = Email(load_default=None, allow_none=True)
    language = LANGUAGE
    consent = Boolean(
        required=True,
        validate=Equal(True, error="the customer must agree to the use of their name and phone for this booking"),
        metadata={"description": "the customer agreed to the privacy notice (name and phone used for this booking)"},
    )


class PhoneQuery(Schema):
    phone = String(
        validate=Length(1, 32),
        metadata={"description": "kept for old links; send X-Phone instead (a query string ends up in logs)"},
    )


class PhoneHeader(Schema):
    phone = String(data_key="X-Phone", validate=Length(1, 32), metadata={"description": "the booking's phone"})


class RescheduleIn(Schema):
    start = DateTime(required=True)


class AppointmentOut(Schema):
    code = String()
    branch_id = Integer()
    service_id = Integer()
    start = String()
    end = String()
    status = String(metadata={"description": "booked, checked_in, cancelled or no_show"})
    name = String()
    phone = String()
    language = String()
    checked_in_at = String(allow_none=True)
    ticket_id = Integer(allow_none=True)
    branch = Dict()
    service = Dict()
    active = Boolean()
    ics_url = String()
    qr_url = String()


class CheckInIn(Schema):
    code = String(required=True, validate=Length(1, 32))
    phone = String(validate=Length(1, 32), metadata={"description": "needed when the holder checks in"})


class CheckInOut(TicketOut):
    check_in = Dict(metadata={"description": '{"outcome": "appointment"|"walk_in", "message": {"zh", "en"}}'})


class PublicService(Schema):
    id = Integer()
    name = Dict()
    slot_s = Integer()


class PublicBranch(Schema):
    id = Integer()
    name = Dict()
    timezone = String()
    services = List(Nested(PublicService))


class BookingRulesIn(Schema):
    """Only the given keys change; the domain checks the ranges."""

    reserved_share = Float(metadata={"example": 0.3})
    slot_s = Integer(strict=True, allow_none=True)
    horizon_days = Integer(strict=True)
    early_s = Integer(strict=True)
    late_s = Integer(strict=True)
    grace_s = Integer(strict=True)
    per_phone_per_day = Integer(strict=True)
    enabled = Boolean()


class ServiceRulesOut(Schema):
    service_id = Integer()
    name = Dict()
    rules = Dict()
    slot_length = Integer()


class BookingSettingsOut(Schema):
    branch_id = Integer()
    services = List(Nested(ServiceRulesOut))


class RangeQuery(Schema):
    from_ = Date(data_key="from")
    to = Date()


class DayQuery(Schema):
    date = Date(required=True)


class ClosureIn(Schema):
    reason = String(load_default="", validate=Length(0, 200))


class ClosureOut(Schema):
    day = String()
    reason = String()


class NotificationsQuery(Schema):
    status = String(validate=OneOf(["pending", "sending", "sent", "failed"]))


class NotificationOut(Schema):
    id = Integer()
    appointment_id = Integer(allow_none=True)
    kind = String()
    phone = String(allow_none=True)
    email = String(allow_none=True)
    language = String()
    body = String()
    status = String()
    attempts = Integer()
    last_error = String(allow_none=True)
    channel = String(allow_none=True)
    next_attempt_at = String(allow_none=True)
    created_at = String(allow_none=True)
    sent_at = String(allow_none=True)
