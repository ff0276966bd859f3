"""Schemas of the counter desk, the rating pad and the floor manager's tablet."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, Float, Integer, String
from apiflask.validators import Length, OneOf

from server.web.schemas import Id, TicketIn

WALK_IN = ["regular", "vip", "priority"]


class RatingPadOut(Schema):
    branch_id = Integer()
    counter = Dict(metadata={"description": "{id, number, name} of the pad's counter"})
    window_s = Integer(metadata={"description": "how long after finish the pad asks"})
    ticket = Dict(allow_none=True, metadata={"description": "{id, number, language, finished_at}, or null: idle"})


class WaitingRowOut(Schema):
    id = Integer()
    number = String()
    service_id = Integer()
    customer_class = String()
    issued_at = String()
    waited_s = Integer()
    booked = Boolean(metadata={"description": "checked in for a booked slot"})
    sent_here = Boolean(metadata={"description": "transferred to this counter"})


class MyDayOut(Schema):
    date = String()
    served = Integer()
    no_show = Integer()
    mean_service_s = Integer(allow_none=True)
    feedback_mean = Float(allow_none=True)
    feedback_count = Integer()


class OnBehalfIn(TicketIn):
    reason = String(required=True, validate=Length(1, 200), metadata={"description": "why (kept in the audit log)"})


class MoveIn(Schema):
    service_id = Id()
    customer_class = String(validate=OneOf(WALK_IN))
    reason = String(required=True, validate=Length(1, 200))
