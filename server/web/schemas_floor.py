"""Shapes of the floor routes: the VIP/green-channel rules and list, the display's media."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Dict, Integer, List, String
from apiflask.validators import Length, OneOf

RULE = OneOf(["anyone", "staff", "verified"])


class EligibilityRulesIn(Schema):
    vip = String(validate=RULE)
    priority = String(validate=RULE, metadata={"description": "the green channel"})


class EligibilityRulesOut(Schema):
    vip = String()
    priority = String()


class EligibilityEntryIn(Schema):
    number = String(required=True, validate=Length(1, 40), metadata={"description": "kept only as a keyed digest"})
    kind = String(load_default="phone", validate=OneOf(["phone", "card"]))
    classes = List(String(validate=OneOf(["vip", "priority"])), required=True, validate=Length(1, 2))
    note = String(load_default="", validate=Length(0, 120))


class EligibilityEntryOut(Schema):
    id = Integer()
    masked = String(metadata={"example": "138****5678"})
    kind = String()
    classes = List(String())
    note = String()
    created_at = String()


class EligibilityOut(Schema):
    rules = Dict()
    entries = List(Dict())


class MediaQuery(Schema):
    title = String(load_default="", validate=Length(0, 120))


class MediaOut(Schema):
    id = Integer()
    url = String()
    content_type = String()
    size = Integer()
    title = String()
    created_at = String()
