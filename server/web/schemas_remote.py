"""Schemas of remote join and webhook routes (validation and the OpenAPI document)."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf

from server.domain.webhooks import EVENTS
from server.web.schemas import Id, Language, TicketOut


class RemoteJoinIn(Schema):
    service_id = Id(required=True)
    phone = String(required=True, validate=Length(3, 32), metadata={"example": "13812345678"})
    language = Language()


class RemoteJoinOut(Schema):
    verification_id = String()
    expires_at = String(metadata={"description": "when the code stops working, in the branch's time"})


class VerifyIn(Schema):
    code = String(required=True, validate=Length(1, 12), metadata={"example": "123456"})


class RemoteTicketOut(TicketOut):
    remote = Boolean()
    arrived = Boolean()
    arrived_at = String(allow_none=True)
    held = Boolean(metadata={"description": "waiting for its holder to arrive: not called until then"})
    stepped_back = Boolean()
    come_back_by = String(allow_none=True, metadata={"description": "be in the branch by then"})


class ArrivedIn(Schema):
    token = String(validate=Length(1, 128), metadata={"description": "the ticket's tracking token (its holder)"})


class TokenBody(Schema):
    token = String(required=True, validate=Length(1, 128))


class RemoteStatusOut(Schema):
    remote = Boolean()
    arrived = Boolean()
    arrived_at = String(allow_none=True)
    held = Boolean()
    stepped_back = Boolean()
    come_back_by = String(allow_none=True)
    wifi_only = Boolean()
    arrival_code = String(allow_none=True, metadata={"description": "shown to the kiosk's scanner (as a QR code)"})


class JoinServiceOut(Schema):
    id = Integer()
    name = Dict()
    prefix = String()


class JoinBranchOut(Schema):
    id = Integer()
    code = String()
    name = Dict()
    timezone = String()
    open_now = Boolean()
    remote_join = Boolean()
    services = List(Nested(JoinServiceOut))


class RemoteSettings(Schema):
    enabled = Boolean()
    per_phone_per_day = Integer()
    per_address_per_day = Integer()
    per_service_per_day = Integer()
    service_caps = Dict(keys=String(), values=Integer())
    step_back_places = Integer()
    notify_at_position = Integer()
    notify_within_s = Integer()
    arrival_networks = List(String(), metadata={"example": ["10.20.0.0/24"]})
    code_ttl_s = Integer()
    max_code_attempts = Integer()


class RemoteFiguresOut(Schema):
    date = String()
    tickets = Integer()
    remote = Integer()
    remote_arrived = Integer()
    remote_share = Float()
    messages = Dict(keys=String(), values=Integer())
    webhooks = Dict(keys=String(), values=Integer())


class WebhookIn(Schema):
    url = String(required=True, validate=Length(1, 500), metadata={"example": "https://crm.example.com/branchq"})
    events = List(String(validate=OneOf(EVENTS)), required=True, metadata={"example": ["ticket_called"]})


class WebhookOut(Schema):
    id = Integer()
    branch_id = Integer()
    url = String()
    events = List(String())
    active = Boolean()
    created_at = String()
    secret = String(metadata={"description": "only in the answer to POST: keep it, it is not shown again"})
    deliveries = Dict(keys=String(), values=Integer())


class DeliveriesQuery(Schema):
    status = String(validate=OneOf(["pending", "sending", "sent", "failed"]))


class DeliveryOut(Schema):
    id = Integer()
    delivery_id = String()
    endpoint_id = Integer()
    event = String()
    status = String(metadata={"description": "pending, retried (pending after a failure), sending, sent, failed"})
    attempts = Integer()
    response_status = Integer(allow_none=True)
    last_error = String(allow_none=True)
    created_at = String()
    sent_at = String(allow_none=True)
