"""Signed webhooks: the event vocabulary, the signature, retry timing and per-subject order."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from server.domain.errors import InvalidInput

# The one list of events an endpoint may ask for: the branch events that concern integrators,
# and what happens to bookings and remote tickets.
EVENTS = (
    "ticket_issued",
    "ticket_called",
    "ticket_updated",
    "counter_changed",
    "alert",
    "appointment_booked",
    "appointment_rescheduled",
    "appointment_cancelled",
    "remote_ticket_arrived",
)

MAX_ATTEMPTS = 10
FIRST_RETRY_S = 10
LAST_RETRY_S = 3600
SIGNATURE_HEADER = "X-BranchQ-Signature"
TIMESTAMP_HEADER = "X-BranchQ-Timestamp"
DELIVERY_HEADER = "X-BranchQ-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">``: the timestamp is signed too, so
    a receiver that refuses old timestamps cannot be fed a recorded delivery again."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_delay(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: 10 s, 20 s, 40 s … at most an hour."""
    return int(min(LAST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


def ordering_key(name: str, payload: Mapping[str, Any]) -> str:
    """Deliveries with the same key go out one at a time, in the order they were queued.

    A ticket's events share one key (issued before called before updated); others wait for
    nothing but earlier events of their own subject.
    """
    ticket = payload.get("ticket")
    ticket_id = ticket.get("id") if isinstance(ticket, Mapping) else payload.get("ticket_id")
    if ticket_id is not None:
        return f"ticket:{ticket_id}"
    counter = payload.get("counter")
    if isinstance(counter, Mapping) and counter.get("id") is not None:
        return f"counter:{counter['id']}"
    if payload.get("appointment_code"):
        return f"appointment:{payload['appointment_code']}"
    return name


def check_events(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise InvalidInput("invalid_events", f"events must be a non-empty list of: {', '.join(EVENTS)}", "events")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise InvalidInput("unknown_event", f"unknown events {unknown}; known: {', '.join(EVENTS)}", "events")
    return sorted(set(events), key=EVENTS.index)


def check_url_shape(url: Any) -> str:
    """Only http(s) URLs with a host: a ``file:``, ``gopher:`` or ``ftp:`` URL is never fetched."""
    if not isinstance(url, str) or len(url) > 500:
        raise InvalidInput("invalid_url", "url must be an http or https URL of at most 500 characters", "url")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("invalid_url", "url must be an http:// or https:// URL with a host", "url")
    if parts.username or parts.password:
        raise InvalidInput("invalid_url", "put no credentials in the url; verify the signature instead", "url")
    return url.strip()


def is_private(address: str) -> bool:
    """Loopback, private, link-local (cloud metadata at 169.254.169.254), reserved or multicast."""
    ip = ipaddress.ip_address(address)
    return bool(
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
    )
