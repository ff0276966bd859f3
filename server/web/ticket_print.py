"""What a print job says, rendered here so the kiosk agent needs no catalogue.

A job carries the languages to print (the holder's own first, then the branch's screen
languages), each name already picked per language (the CONTRACT's fallback applied), and
every label in each language, as ``kiosk/layout.py`` places them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.domain.announcement import branch_languages
from server.domain.languages import customer_first, pick
from server.i18n import say


def print_languages(ticket: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[str, ...]:
    return customer_first(ticket.get("language"), branch_languages(settings, "screen"))


def ticket_labels(ticket: Mapping[str, Any], timezone: str, code: str) -> dict[str, str]:
    """Every line of the ticket's text in ``code``; lines that do not apply are left out."""
    labels = {"your_number": say("ticket.your_number", code), "scan": say("ticket.scan", code)}
    labels["footer"] = say("ticket.footer", code)
    if ticket.get("customer_class") in ("priority", "vip", "appointment"):
        labels["class"] = say(f"ticket.class_{ticket['customer_class']}", code)
    if ticket.get("issued_at"):
        labels["issued"] = say("ticket.issued", code, time=local_time(ticket["issued_at"], timezone))
    ahead = ticket.get("people_ahead")
    if ahead is not None:
        labels["ahead"] = say("ticket.people_ahead", code, n=ahead) if ahead > 0 else say("ticket.nobody_ahead", code)
    label = (ticket.get("estimated_wait") or {}).get("label")
    if label:
        labels["wait"] = say("ticket.estimate", code, range=pick(label, code))
    if ticket.get("appointment_code"):
        labels["appointment"] = say("ticket.appointment", code, code=ticket["appointment_code"])
    return labels


def print_job(
    job_id: str,
    ticket: Mapping[str, Any],
    branch: Mapping[str, Any],
    service: Mapping[str, Any],
    languages: Sequence[str],
) -> dict[str, Any]:
    """The ``print_ticket`` payload; ``branch`` and ``service`` as their views (names per language)."""
    timezone = branch.get("timezone") or "UTC"
    return {
        "job_id": job_id,
        "ticket": dict(ticket),
        "branch": {**branch, "name": {code: pick(branch.get("name"), code) for code in languages}},
        "service": {**service, "name": {code: pick(service.get("name"), code) for code in languages}},
        "languages": list(languages),
        "labels": {code: ticket_labels(ticket, timezone, code) for code in languages},
    }


def local_time(iso: str, timezone: str) -> str:
    """The issue time as the customer reads it: branch-local, minutes only."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        # an unknown zone prints the time as sent rather than losing the ticket
        with suppress(ZoneInfoNotFoundError, ValueError):
            moment = moment.astimezone(ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%d %H:%M")
