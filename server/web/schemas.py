"""Request and response schemas: they validate input and generate the OpenAPI document."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Date, Dict, Float, Integer, List, Nested, Raw, String
from apiflask.validators import Length, OneOf, Range, Regexp
from marshmallow import ValidationError, fields

from server.domain.languages import CODES, DEFAULT
from server.domain.names import parse_name
from server.domain.records import MAX_ID


def Id(**kw: Any) -> Integer:
    return Integer(strict=True, validate=Range(1, MAX_ID), **kw)


def Language(**kw: Any) -> String:
    """A ``language`` field: exactly the registry's codes (``GET /api/v1/languages``)."""
    kw.setdefault("load_default", DEFAULT)
    metadata = {"enum": list(CODES), **kw.pop("metadata", {})}
    return String(validate=OneOf(CODES), metadata=metadata, **kw)


_LANGUAGE_LIST = "(" + "|".join(CODES) + ")"


class Names(fields.Field):  # type: ignore[type-arg]
    """A name shown to people: one string, or {"zh": …, "en": …, …} (see server.domain.names).

    ``blank_ok``: an empty string passes through (a counter then goes by its number).
    """

    def __init__(self, *, blank_ok: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank_ok = blank_ok

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if self.blank_ok and value == "":
            return value
        try:
            return parse_name(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return value


Names._jsonschema_type_mapping = {"oneOf": [{"type": "string"}, {"type": "object"}]}  # type: ignore[attr-defined]


class ErrorDetail(Schema):
    code = String(metadata={"example": "ticket_not_waiting"})
    message = String()
    field = String(allow_none=True)
    params = Dict(metadata={"description": "values for a client's own wording, e.g. too_early: opens_at"})


class ErrorOut(Schema):
    error = Nested(ErrorDetail)


class LoginIn(Schema):
    username = String(required=True, validate=Length(1, 64))
    password = String(required=True, validate=Length(1, 256))


class UserBrief(Schema):
    id = Integer()
    username = String()
    role = String()
    branch_ids = List(Integer())


class MeOut(UserBrief):
    counter_id = Integer(allow_none=True, metadata={"description": "a window or rating device: its counter"})


class LoginOut(Schema):
    token = String()
    expires_in = Integer()
    user = Nested(UserBrief)


SETTINGS_HELP = (
    '"notice": {"zh", "en", …} on the display; "screen_languages" and "voice_languages": lists of'
    " registry codes (GET /api/v1/languages) the screens alternate and the voice speaks, in order"
)


class BranchIn(Schema):
    code = String(required=True, validate=[Length(1, 32), Regexp(r"^[A-Za-z0-9_-]+$")])
    name = Names(required=True)
    timezone = String(load_default="UTC", validate=Length(1, 64))
    opening_hours = Dict(metadata={"example": {"mon": [["09:00", "17:00"]]}})
    policy = Dict()
    settings = Dict(metadata={"description": SETTINGS_HELP})


class BranchPatch(Schema):
    name = Names()
    timezone = String(validate=Length(1, 64))
    opening_hours = Dict()
    settings = Dict(metadata={"description": SETTINGS_HELP})


class BranchOut(Schema):
    id = Integer()
    code = String()
    name = Dict()
    timezone = String()
    opening_hours = Dict()
    settings = Dict()
    languages = Dict(
        metadata={"description": '{"screen": [codes], "voice": [codes]}: what screens alternate, what the voice says'}
    )
    open_now = Boolean()
    next_opening = String(allow_none=True, metadata={"description": "when closed: the next opening, local time"})


class ClassRuleIn(Schema):
    target = Integer(strict=True, validate=Range(1, 86400))
    head_start = Integer(strict=True, validate=Range(0, 86400))
    hard_limit = Integer(strict=True, allow_none=True, validate=Range(0, 86400))


class PolicyIn(Schema):
    kind = String(load_default="apq", validate=OneOf(["apq", "fifo", "strict"]))
    classes = Dict(
        keys=String(validate=OneOf(["regular", "vip", "priority", "appointment"])), values=Nested(ClassRuleIn)
    )


class PolicyOut(Schema):
    kind = String()
    classes = Dict()


class PreviewSide(Schema):
    n = Integer(metadata={"description": "customers of the class served in the replay"})
    p50 = Integer()
    p90 = Integer()
    within_target = Float(metadata={"description": "share called within the class's target under that policy"})
    target = Integer()


class PreviewClass(Schema):
    class_ = String(data_key="class", attribute="class")
    current = Nested(PreviewSide)
    proposed = Nested(PreviewSide)


class PolicyPreviewOut(Schema):
    source = String(metadata={"description": "history (the branch's recent days) or generated (no history yet)"})
    days = List(String(), metadata={"description": "the business days replayed"})
    customers = Integer()
    classes = List(Nested(PreviewClass))
    current = Dict()
    proposed = Dict()


class ServiceIn(Schema):
    name = Names(required=True)
    prefix = String(required=True, validate=Regexp(r"^[A-Za-z]{1,3}$", error="1 to 3 letters"))
    target_wait = Integer(strict=True, load_default=600, validate=Range(1, 86400))
    expected_service = Integer(strict=True, load_default=300, validate=Range(1, 86400))
    active = Boolean(load_default=True)


class ServicePatch(Schema):
    name = Names()
    prefix = String(validate=Regexp(r"^[A-Za-z]{1,3}$", error="1 to 3 letters"))
    target_wait = Integer(strict=True, validate=Range(1, 86400))
    expected_service = Integer(strict=True, validate=Range(1, 86400))
    active = Boolean()


class ServiceOut(Schema):
    id = Integer()
    branch_id = Integer()
    name = Dict()
    prefix = String()
    target_wait = Integer()
    expected_service = Integer()
    active = Boolean()


class CounterIn(Schema):
    number = Integer(strict=True, required=True, validate=Range(1, 999))
    name = Names(blank_ok=True)
    service_ids = List(Id(), required=True, validate=Length(1, 50))


class CounterPatch(Schema):
    number = Integer(strict=True, validate=Range(1, 999))
    name = Names(blank_ok=True)
    service_ids = List(Id(), validate=Length(1, 50))


class CounterOut(Schema):
    id = Integer()
    branch_id = Integer()
    number = Integer()
    name = Dict()
    service_ids = List(Integer())
    status = String()
    pause_reason = String(allow_none=True, metadata={"description": "break, meeting or training while paused"})
    ticket = Dict(allow_none=True)


class UserIn(Schema):
    username = String(required=True, validate=[Length(3, 64), Regexp(r"^[A-Za-z0-9_.@-]+$")])
    password = String(required=True, validate=Length(8, 256))
    role = String(required=True, validate=OneOf(["admin", "manager", "teller"]))
    branch_ids = List(Id(), load_default=list, validate=Length(0, 100))


class UserPatch(Schema):
    password = String(validate=Length(8, 256))
    role = String(validate=OneOf(["admin", "manager", "teller"]))
    branch_ids = List(Id(), validate=Length(0, 100))
    active = Boolean()


class UserOut(UserBrief):
    active = Boolean()


class DeviceIn(Schema):
    kind = String(required=True, validate=OneOf(["kiosk", "display", "window", "rating"]))
    name = String(required=True, validate=Length(1, 120))
    counter_id = Id(metadata={"description": "window and rating devices: the counter they belong to"})


class DeviceOut(Schema):
    id = Integer()
    branch_id = Integer()
    kind = String()
    name = String()
    counter_id = Integer(allow_none=True)
    revoked = Boolean()
    status = Dict()
    online = Boolean(metadata={"description": "heard from within the branch's heartbeat (default 60 s)"})
    last_seen = String(allow_none=True)
    parts = Dict(metadata={"description": "per part heard from (page, agent): {online, last_seen}"})
    token = String(metadata={"description": "shown once, at creation: for the device's agent"})
    pair_url = String(metadata={"description": "shown once: opens the screen and pairs it (works once, within 24 h)"})


class PairOut(Schema):
    token = String(metadata={"description": "the screen's own token, to keep (not in a URL)"})
    device_id = Integer()
    kind = String()


class TicketIn(Schema):
    service_id = Id(required=True)
    customer_class = String(load_default="regular", validate=OneOf(["regular", "vip", "priority"]))
    eligibility_number = String(
        validate=Length(1, 40),
        metadata={"description": "a kiosk's VIP/green-channel ticket where the branch checks a listed phone or card"},
    )
    language = Language()


class EstimateOut(Schema):
    """Seconds until the call; ``label`` is the range as every surface prints it, per language."""

    p10 = Integer()
    p50 = Integer()
    p90 = Integer()
    now = Boolean()
    label = Dict(keys=String(), values=String())


TICKET_STATUSES = ["waiting", "called", "serving", "done", "no_show", "cancelled"]


class TicketListQuery(Schema):
    status = String(validate=OneOf(TICKET_STATUSES))
    number = String(validate=Regexp(r"^[A-Za-z]{1,3}[0-9]{3,5}$", error="a ticket number such as A017"))
    service_id = Integer(validate=Range(1, MAX_ID))  # query strings are text: not strict
    limit = Integer(load_default=100, validate=Range(1, 500))


class TicketBriefOut(Schema):
    """The short form screens show: no tracking token, no personal data."""

    id = Integer()
    number = String()
    service_id = Integer()
    customer_class = String()
    status = String()
    counter_id = Integer(allow_none=True)
    counter_number = Integer(allow_none=True)
    issued_at = String()
    called_at = String(allow_none=True)
    started_at = String(allow_none=True)
    call_reason = Dict(allow_none=True)
    recall_count = Integer()


class TicketOut(TicketBriefOut):
    branch_id = Integer()
    language = String()
    finished_at = String(allow_none=True)
    appointment_code = String(allow_none=True)
    people_ahead = Integer()
    estimated_wait = Nested(EstimateOut, allow_none=True)
    turn_near = Boolean()
    track_url = String()
    service = Dict()
    branch = Dict()


class TokenQuery(Schema):
    token = String(validate=Length(1, 128))


class CallIn(Schema):
    ticket_id = Id(required=True)


class TransferIn(Schema):
    service_id = Id()
    counter_id = Id()


class CancelIn(Schema):
    token = String(validate=Length(1, 128))


class PauseIn(Schema):
    reason = String(validate=OneOf(["break", "meeting", "training"]))


class FeedbackIn(Schema):
    score = Integer(strict=True, required=True, validate=Range(1, 5))
    comment = String(load_default="", validate=Length(0, 500))
    token = String(validate=Length(1, 128))


class FeedbackOut(Schema):
    ticket_id = Integer()
    score = Integer()
    comment = String()


class QueueOut(Schema):
    seq = Integer()
    branch = Dict()
    now = String()
    services = List(Dict())
    counters = List(Dict())
    recent_calls = List(Dict())


class AnnouncementQuery(Schema):
    number = String(required=True, validate=Regexp(r"^[A-Z]{1,3}[0-9]{3,5}$"))
    counter = Integer(required=True, validate=Range(1, 999))
    lang = String(
        load_default=None,
        validate=Regexp(rf"^{_LANGUAGE_LIST}(,{_LANGUAGE_LIST}){{0,{len(CODES) - 1}}}$"),
        metadata={"description": "languages in speaking order, comma-separated; default: the branch's voice"},
    )


class StatsQuery(Schema):
    from_ = Date(data_key="from", required=True, metadata={"description": "first business day, YYYY-MM-DD"})
    to = Date(required=True, metadata={"description": "last business day (at most 366 days in all)"})
    lang = Language(load_default="en", metadata={"description": "CSV headers' language"})


class StatsOut(Schema):
    """Each group carries tickets, served, no_shows, cancelled, wait and service_time ({mean, p50, p90}
    in seconds), within_target (share of served tickets called within the service's target),
    feedback_mean and feedback_count."""

    branch_id = Integer()
    from_ = String(data_key="from", attribute="from")
    to = String()
    timezone = String()
    days = Integer(metadata={"description": "business days with tickets"})
    target_share = Raw()
    total = Dict()
    services = List(Dict())
    classes = List(Dict())
    tellers = List(Dict())
    hours = List(Dict(), metadata={"description": "by hour of arrival, branch local time"})
    arrivals = List(
        Dict(),
        metadata={"description": "heat map: {weekday (0 = Monday), hour, tickets, per_day} over the range"},
    )
    staffing = List(Dict(), metadata={"description": "per hour: counters advised by Erlang C, and used"})


class PromptQuery(Schema):
    key = String(required=True, validate=OneOf(["choose_service", "enter_code", "your_number"]))
    number = String(validate=Regexp(r"^[A-Z]{1,3}[0-9]{3,5}$"))
    ahead = Integer(load_default=0, validate=Range(0, 9999))
    p10 = Integer(validate=Range(0, 86400), metadata={"description": "with p90: your_number also says the wait"})
    p90 = Integer(validate=Range(0, 86400))
    now = Boolean(load_default=False)
    lang = Language()


class HealthOut(Schema):
    status = String(metadata={"description": "ok | degraded (Redis away, still serving) | unavailable (database)"})
    db = String(metadata={"description": "ok | unavailable | busy | full"})
    message_queue = String(metadata={"description": "ok | unavailable | off (one process, no Redis)"})
    rate_limit = String(metadata={"description": "ok | fallback (Redis away: counted in this process)"})
    websockets = Integer(metadata={"description": "open websockets of this process, written to by the fan-out"})
    connections = Integer(metadata={"description": "live Socket.IO sessions of this process (any transport)"})


class AlertQuery(Schema):
    state = String(load_default="open", validate=OneOf(["open", "all"]))


class AlertOut(Schema):
    id = Integer()
    branch_id = Integer()
    kind = String()
    severity = String(metadata={"description": "info, warning or critical"})
    subject = Dict(metadata={"description": "the ids it is about: service_id, counter_id or device_id"})
    message = Dict(metadata={"description": "one text per language"})
    raised_at = String()
    acknowledged_by = String(allow_none=True)
    acknowledged_at = String(allow_none=True)
    cleared_at = String(allow_none=True)
