"""The one request the matrix sends to each route: a valid one, so that a refusal can only
come from who is asking. ``{name}`` fills in ids of branch "here"'s objects."""

from __future__ import annotations

from typing import Any

# "METHOD /path" (as the OpenAPI document spells it) -> (query, JSON body)
REQUESTS: dict[str, tuple[dict[str, Any], Any]] = {
    "GET /healthz": ({}, None),
    "POST /api/v1/auth/login": ({}, {"username": "teller-a1", "password": "correct-horse-9"}),
    "POST /api/v1/auth/logout": ({}, None),
    "GET /api/v1/auth/me": ({}, None),
    "GET /api/v1/users": ({}, None),
    "POST /api/v1/users": (
        {},
        {"username": "new-teller", "password": "long-enough-1", "role": "teller", "branch_ids": ["{branch_id}"]},
    ),
    "GET /api/v1/users/{user_id}": ({}, None),
    "PATCH /api/v1/users/{user_id}": ({}, {"active": True}),
    "POST /api/v1/users/{user_id}/unlock": ({}, None),
    "GET /api/v1/branches/{branch_id}/alerts": ({}, None),
    "POST /api/v1/alerts/{alert_id}/ack": ({}, None),
    "GET /api/v1/branches": ({}, None),
    "POST /api/v1/branches": (
        {},
        {"code": "C3", "name": {"zh": "三", "en": "Three"}, "timezone": "UTC", "opening_hours": {}},
    ),
    "GET /api/v1/branches/{branch_id}": ({}, None),
    "PATCH /api/v1/branches/{branch_id}": ({}, {"name": {"zh": "新", "en": "New"}}),
    "GET /api/v1/branches/{branch_id}/policy": ({}, None),
    "PUT /api/v1/branches/{branch_id}/policy": ({}, {}),
    "POST /api/v1/branches/{branch_id}/policy/preview": ({}, {"kind": "fifo"}),
    "GET /api/v1/branches/{branch_id}/services": ({}, None),
    "POST /api/v1/branches/{branch_id}/services": (
        {},
        {"name": {"zh": "丙", "en": "C"}, "prefix": "C", "target_wait": 600, "expected_service": 300},
    ),
    "GET /api/v1/services/{service_id}": ({}, None),
    "PATCH /api/v1/services/{service_id}": ({}, {"target_wait": 900}),
    "GET /api/v1/branches/{branch_id}/counters": ({}, None),
    "POST /api/v1/branches/{branch_id}/counters": ({}, {"number": 9, "service_ids": ["{service_id}"]}),
    "GET /api/v1/counters/{counter_id}": ({}, None),
    "PATCH /api/v1/counters/{counter_id}": ({}, {"number": 8}),
    "GET /api/v1/branches/{branch_id}/devices": ({}, None),
    "POST /api/v1/branches/{branch_id}/devices": ({}, {"kind": "display", "name": "hall"}),
    "DELETE /api/v1/branches/{branch_id}/devices/{device_id}": ({}, None),
    "POST /api/v1/devices/pair": ({}, None),
    "POST /api/v1/branches/{branch_id}/tickets": ({}, {"service_id": "{service_id}"}),
    "GET /api/v1/branches/{branch_id}/tickets": ({}, None),
    "GET /api/v1/tickets/{ticket_id}": ({}, None),
    "GET /api/v1/branches/{branch_id}/queue": ({}, None),
    "POST /api/v1/counters/{counter_id}/open": ({}, None),
    "POST /api/v1/counters/{counter_id}/pause": ({}, None),
    "POST /api/v1/counters/{counter_id}/close": ({}, None),
    "POST /api/v1/counters/{counter_id}/call-next": ({}, None),
    "POST /api/v1/counters/{counter_id}/call": ({}, {"ticket_id": "{ticket_id}"}),
    "POST /api/v1/tickets/{ticket_id}/recall": ({}, None),
    "POST /api/v1/tickets/{ticket_id}/start": ({}, None),
    "POST /api/v1/tickets/{ticket_id}/finish": ({}, None),
    "POST /api/v1/tickets/{ticket_id}/no-show": ({}, None),
    "POST /api/v1/tickets/{ticket_id}/cancel": ({}, {}),
    "POST /api/v1/tickets/{ticket_id}/transfer": ({}, {"service_id": "{service_b}"}),
    "POST /api/v1/tickets/{ticket_id}/feedback": ({}, {"score": 5}),
    "POST /api/v1/tickets/{ticket_id}/reprint": ({}, None),
    "GET /api/v1/rating-pad": ({}, None),
    "GET /api/v1/counters/{counter_id}/waiting": ({}, None),
    "GET /api/v1/branches/{branch_id}/my-day": ({}, None),
    "POST /api/v1/branches/{branch_id}/lobby/tickets": (
        {},
        {"service_id": "{service_id}", "customer_class": "vip", "reason": "known customer"},
    ),
    "POST /api/v1/tickets/{ticket_id}/move": ({}, {"customer_class": "vip", "reason": "known customer"}),
    "GET /api/v1/announcements/audio.wav": ({"number": "A001", "counter": 1, "lang": "zh"}, None),
    "GET /api/v1/prompts/audio.wav": ({"key": "choose_service"}, None),
    "GET /api/v1/booking/branches": ({}, None),
    "GET /api/v1/languages": ({}, None),
    "GET /api/v1/branches/{branch_id}/slots": ({"service_id": "{service_id}", "date": "2026-11-24"}, None),
    "POST /api/v1/appointments": (
        {},
        {
            "branch_id": "{branch_id}",
            "service_id": "{service_id}",
            "start": "2026-11-24T10:10:00+08:00",
            "name": "李",
            "phone": "13900000000",
            "language": "zh",
            "consent": True,
        },
    ),
    "GET /api/v1/appointments/{code}": ({"phone": "{phone}"}, None),
    "PATCH /api/v1/appointments/{code}": ({"phone": "{phone}"}, {"start": "2026-11-24T10:20:00+08:00"}),
    "DELETE /api/v1/appointments/{code}": ({"phone": "{phone}"}, None),
    "GET /api/v1/appointments/{code}.ics": ({"phone": "{phone}"}, None),
    "GET /api/v1/appointments/{code}/qr.svg": ({"phone": "{phone}"}, None),
    "POST /api/v1/branches/{branch_id}/check-in": ({}, {"code": "{code}"}),
    "GET /api/v1/branches/{branch_id}/booking-settings": ({}, None),
    "PATCH /api/v1/branches/{branch_id}/services/{service_id}/booking-settings": ({}, {"horizon_days": 20}),
    "GET /api/v1/branches/{branch_id}/closures": ({}, None),
    "PUT /api/v1/branches/{branch_id}/closures/{day}": ({}, {"reason": "holiday"}),
    "DELETE /api/v1/branches/{branch_id}/closures/{day}": ({}, None),
    "GET /api/v1/branches/{branch_id}/appointments": ({"date": "2026-11-24"}, None),
    "GET /api/v1/branches/{branch_id}/notifications": ({}, None),
    "POST /api/v1/branches/{branch_id}/notifications/{notification_id}/retry": ({}, None),
    "GET /api/v1/branches/{branch_id}/stats": ({"from": "2026-11-01", "to": "2026-11-30"}, None),
    "GET /api/v1/branches/{branch_id}/stats.csv": ({"from": "2026-11-01", "to": "2026-11-30"}, None),
    "GET /api/v1/branches/{branch_id}/eligibility": ({}, None),
    "PUT /api/v1/branches/{branch_id}/eligibility/rules": ({}, {"vip": "verified"}),
    "POST /api/v1/branches/{branch_id}/eligibility/entries": ({}, {"number": "13812345678", "classes": ["vip"]}),
    "DELETE /api/v1/branches/{branch_id}/eligibility/entries/{entry_id}": ({}, None),
    # the body is an image's bytes; this one is none (the allowed get as far as checking it)
    "POST /api/v1/branches/{branch_id}/media": ({}, None),
    "GET /api/v1/branches/{branch_id}/media": ({}, None),
    "DELETE /api/v1/branches/{branch_id}/media/{media_id}": ({}, None),
    "GET /api/v1/media/{name}": ({}, None),
    "GET /api/v1/join/{branch_code}": ({}, None),
    "POST /api/v1/branches/{branch_id}/remote-tickets": (
        {},
        {"service_id": "{service_id}", "phone": "13900000000", "language": "en"},
    ),
    "POST /api/v1/remote-tickets/{verification_id}/verify": ({}, {"code": "{remote_code}"}),
    "POST /api/v1/tickets/{ticket_id}/arrived": ({}, {}),
    "POST /api/v1/tickets/{ticket_id}/remote": ({}, {"token": "{ticket_token}"}),
    "GET /api/v1/branches/{branch_id}/remote-settings": ({}, None),
    "PATCH /api/v1/branches/{branch_id}/remote-settings": ({}, {"step_back_places": 2}),
    "GET /api/v1/branches/{branch_id}/remote-figures": ({}, None),
    "POST /api/v1/branches/{branch_id}/webhooks": ({}, {"url": "http://127.0.0.1:9/hook", "events": ["ticket_called"]}),
    "GET /api/v1/branches/{branch_id}/webhooks": ({}, None),
    "DELETE /api/v1/branches/{branch_id}/webhooks/{webhook_id}": ({}, None),
    "GET /api/v1/branches/{branch_id}/webhook-deliveries": ({}, None),
}


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """Put the world's ids into a path, query or body; a whole "{name}" keeps the id's type."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids and value.count("{") == 1:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value
