"""Remote join: a phone-verified ticket taken from outside the branch, held until its holder arrives."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server import protocol
from server.domain.booking_codes import normalise_phone
from server.domain.classes import CustomerClass, TicketStatus
from server.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.domain.hours import is_open
from server.domain.languages import DEFAULT, check_language
from server.domain.numbering import business_date
from server.domain.records import Branch, Principal, Ticket
from server.domain.remote import (
    CODE_DIGITS,
    RemoteNotice,
    RemoteRules,
    TooMany,
    arrival_code,
    check_rules,
    code_digest,
    come_back_by,
    from_branch_network,
    parse_arrival_code,
)
from server.domain.secret_match import same_secret
from server.notify.templates import message_text
from server.services.context import STAFF_ROLES, Deps, changed_at, found, require
from server.services.tickets import add_waiting_ticket
from server.services.views import brief, iso, ticket_view

MANAGERS = ("admin", "manager")
# Held tickets one call may step past (each steps back or becomes a no-show once).
MAX_DEFERRALS = 32


def queue_message(
    uow: Any, branch_id: int, kind: str, key: str, phone: str, language: str, body: str, now: Any
) -> None:
    """A message for a phone in the notification outbox, in the caller's transaction; once per ``key``."""
    uow.notifications.add(
        {
            "branch_id": branch_id,
            "appointment_id": None,
            "dedupe_key": key,
            "kind": kind,
            "phone": phone,
            "email": None,
            "language": language,
            "body": body[:500],
            "status": "pending",
            "next_attempt_at": now,
            "created_at": now,
        }
    )


def _open_service(uow: Any, branch: Branch, service_id: int, now: datetime) -> Any:
    service = uow.services.get(service_id)
    if service is None or service.branch_id != branch.id:
        raise NotFound("service_not_found", "no such service in this branch", "service_id")
    if not service.active:
        raise Conflict("service_closed", "this service is not offered right now", "service_id")
    if not is_open(branch.opening_hours, now.astimezone(ZoneInfo(branch.timezone))):
        raise Conflict("branch_closed", "the branch is closed now; remote tickets are taken in opening hours", None)
    return service


def _check_service_cap(uow: Any, rules: RemoteRules, service_id: int, day: Any) -> None:
    if uow.remote_tickets.count_for_service(service_id, day) >= rules.cap_for(service_id):
        raise Conflict("remote_service_full", "no more remote tickets for this service today; come to the branch", None)


def request_code(deps: Deps, branch_id: int, data: Mapping[str, Any], address: str) -> dict[str, Any]:
    """Send a one-time code to the phone (through the outbox); the ticket comes with verify."""
    phone = normalise_phone(str(data.get("phone", "")))
    language = check_language(data.get("language", DEFAULT))
    with deps.store.write() as uow:
        branch: Branch = found(uow.branches.get(branch_id), "branch")
        rules = RemoteRules.from_settings(branch.settings)
        if not rules.enabled:
            raise Conflict("remote_join_off", "this branch does not take remote tickets", None)
        now = changed_at(deps, uow, branch_id)
        service = _open_service(uow, branch, int(data["service_id"]), now)
        day = business_date(now, branch.timezone)
        if uow.verifications.count_today(branch_id, day, phone=phone) >= rules.per_phone_per_day:
            raise TooMany("too_many_codes_phone", "this phone has asked for enough codes today", "phone")
        if uow.verifications.count_today(branch_id, day, address=address) >= rules.per_address_per_day:
            raise TooMany("too_many_codes_address", "too many codes asked from this network today", None)
        _check_service_cap(uow, rules, service.id, day)
        verification_id = secrets.token_urlsafe(18)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        expires = now + timedelta(seconds=rules.code_ttl_s)
        uow.verifications.add(
            {
                "id": verification_id,
                "branch_id": branch_id,
                "service_id": service.id,
                "phone": phone,
                "language": language,
                "address": address[:64],
                "local_date": day,
                "code_digest": code_digest(verification_id, code),
                "created_at": now,
                "expires_at": expires,
            }
        )
        name = branch.name.get(language) or branch.name.get("en", "")
        body = message_text("code", language, branch=name, code=code, minutes=rules.code_ttl_s // 60)
        queue_message(uow, branch_id, RemoteNotice.CODE, f"rv:{verification_id}", phone, language, body, now)
    return {"verification_id": verification_id, "expires_at": iso(expires, branch.timezone)}


def verify(deps: Deps, verification_id: str, code: str) -> dict[str, Any]:
    """The ticket, once: the first verify with the right code takes it, any other is refused."""
    wrong = False
    with deps.store.write() as uow:
        pending = uow.verifications.get(verification_id)
        if pending is None:
            raise NotFound("verification_not_found", "no such code request", None)
        branch: Branch = found(uow.branches.get(pending["branch_id"]), "branch")
        now = changed_at(deps, uow, branch.id)  # the branch's lock: two verifies of one code queue here
        rules = RemoteRules.from_settings(branch.settings)
        _check_pending(pending, rules, now)
        if not same_secret(code_digest(verification_id, str(code)), pending["code_digest"]):
            uow.verifications.count_attempt(verification_id)
            wrong = True  # the attempt is counted (committed) before the refusal
        else:
            view = _take_ticket(deps, uow, branch, rules, pending, now)
    if wrong:
        raise InvalidInput("wrong_code", "the code does not match; check the message and try again", "code")
    deps.commit_and_publish(uow)
    return view


def _check_pending(pending: Mapping[str, Any], rules: RemoteRules, now: datetime) -> None:
    if pending["used_at"] is not None:
        raise Conflict("code_used", "this code was used already; open the link you got then", "code")
    if pending["expires_at"] <= now:
        raise Conflict("code_expired", "the code has expired; ask for a new one", "code")
    if pending["attempts"] >= rules.max_code_attempts:
        raise TooMany("too_many_attempts", "too many wrong codes; ask for a new one", "code")


def _take_ticket(
    deps: Deps, uow: Any, branch: Branch, rules: RemoteRules, pending: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    if not uow.verifications.spend(pending["id"], now):
        raise Conflict("code_used", "this code was used already; open the link you got then", "code")
    service = _open_service(uow, branch, pending["service_id"], now)
    day = business_date(now, branch.timezone)
    _check_service_cap(uow, rules, service.id, day)
    ticket = add_waiting_ticket(uow, branch, service, CustomerClass.REGULAR, pending["language"], now, {})
    uow.remote_tickets.add(
        {
            "ticket_id": ticket.id,
            "branch_id": branch.id,
            "service_id": service.id,
            "phone": pending["phone"],
            "language": pending["language"],
            "local_date": day,
            "created_at": now,
        }
    )
    uow.verifications.link(pending["id"], ticket.id)
    view = ticket_view(uow, branch, ticket, now, with_track_url=True, forecasts=deps.forecasts.cached)
    return view | remote_fields(uow.remote_tickets.get(ticket.id), view, now, branch.timezone)


def remote_fields(row: Mapping[str, Any] | None, view: Mapping[str, Any], now: datetime, tz: str) -> dict[str, Any]:
    """What a ticket view adds for a remote ticket: held or arrived, and when to be back."""
    if row is None:
        return {"remote": False}
    band = view.get("estimated_wait") or {}
    # no forecast (no counter open for it yet): no time to promise
    waiting = view.get("status") == "waiting" and band.get("p10") is not None
    back = come_back_by(now, band["p10"]) if waiting else None
    return {
        "remote": True,
        "arrived": row["arrived_at"] is not None,
        "arrived_at": iso(row["arrived_at"], tz),
        "held": row["arrived_at"] is None and view.get("status") == "waiting",
        "stepped_back": row["stepped_back_at"] is not None,
        "come_back_by": iso(back, tz),
    }


def remote_status(deps: Deps, ticket_id: int, token: str | None) -> dict[str, Any]:
    """The holder's view of the remote part of their ticket (their tracking page asks)."""
    now = deps.clock()
    with deps.store.read() as uow:
        ticket = _holder_ticket(uow, ticket_id, token)
        branch = found(uow.branches.get(ticket.branch_id), "branch")
        view = ticket_view(uow, branch, ticket, now, forecasts=deps.forecasts.cached)
        row = uow.remote_tickets.get(ticket_id)
        rules = RemoteRules.from_settings(branch.settings)
    return remote_fields(row, view, now, branch.timezone) | {
        "wifi_only": bool(rules.arrival_networks),
        "arrival_code": arrival_code(ticket.id, ticket.tracking_token) if row else None,
    }


def _holder_ticket(uow: Any, ticket_id: int, token: str | None) -> Ticket:
    ticket: Ticket | None = uow.tickets.get(ticket_id)
    if ticket is None or token is None or not same_secret(token, ticket.tracking_token):
        raise NotFound("ticket_not_found", "no such ticket", None)
    return ticket


def arrived(
    deps: Deps, principal: Principal | None, ticket_id: int, token: str | None, address: str | None
) -> dict[str, Any]:
    """The holder is in the branch (their token, from the branch's network when one is set), or a
    kiosk or staff of the branch checked them in: from now on the ticket may be called."""
    with deps.store.write() as uow:
        if principal is not None and token is None:
            ticket = found(uow.tickets.get(ticket_id), "ticket")
            require(principal, (*STAFF_ROLES, "kiosk"), ticket.branch_id)
            via = "kiosk" if principal.kind == "device" else "staff"
        else:
            ticket = _holder_ticket(uow, ticket_id, token)
            via = "phone"
        branch: Branch = found(uow.branches.get(ticket.branch_id), "branch")
        rules = RemoteRules.from_settings(branch.settings)
        if via == "phone" and not from_branch_network(address, rules.arrival_networks):
            raise Forbidden("not_in_branch", "connect to the branch's Wi-Fi, or check in at the kiosk", None)
        now = changed_at(deps, uow, branch.id)
        if uow.remote_tickets.get(ticket_id) is None:
            raise Conflict("not_remote", "only a ticket taken remotely needs to confirm arrival", None)
        if ticket.status is not TicketStatus.WAITING:
            raise Conflict("ticket_not_waiting", f"the ticket is {ticket.status.value}", "status")
        if uow.remote_tickets.mark(ticket_id, "arrived_at", now, arrived_via=via):
            event = {"ticket": brief(ticket, None, branch.timezone), "action": "arrived", "via": via}
            uow.emit(branch.id, protocol.TICKET_UPDATED, event, now)
            uow.deliveries.queue(branch.id, "remote_ticket_arrived", {"branch_id": branch.id, **event}, now)
        view = ticket_view(uow, branch, ticket, now, with_track_url=via == "phone", forecasts=deps.forecasts.cached)
        view |= remote_fields(uow.remote_tickets.get(ticket_id), view, now, branch.timezone)
    deps.commit_and_publish(uow)
    return view


def check_in_remote(deps: Deps, principal: Principal | None, branch_id: int, code: str) -> dict[str, Any] | None:
    """A kiosk (or staff) read a remote ticket's arrival code: None when ``code`` is not one."""
    parsed = parse_arrival_code(code)
    if parsed is None:
        return None
    require(principal, (*STAFF_ROLES, "kiosk"), branch_id)
    ticket_id, tag = parsed
    with deps.store.read() as uow:
        ticket: Ticket | None = uow.tickets.get(ticket_id)
    if ticket is None or ticket.branch_id != branch_id or not same_secret(tag, ticket.tracking_token[: len(tag)]):
        raise NotFound("ticket_not_found", "no remote ticket with this code at this branch", "code")
    return arrived(deps, principal, ticket_id, None, None)


def defer_held(uow: Any, branch: Branch, ticket_id: int, now: datetime, passed: set[int]) -> bool:
    """The policy chose ``ticket_id``: True when it is a remote ticket still held (pick again).

    The first time it steps back ``step_back_places`` among the waiting tickets of its queue;
    with nobody behind it, it is only passed over in this call. The next time, it is a no-show.
    """
    row = uow.remote_tickets.get(ticket_id)
    if row is None or row["arrived_at"] is not None:
        return False
    ticket: Ticket = uow.tickets.get(ticket_id)
    rules = RemoteRules.from_settings(branch.settings)
    if row["stepped_back_at"] is None:
        behind = uow.remote_tickets.anchors_behind(ticket, rules.step_back_places)
        if not behind:
            passed.add(ticket_id)
            return True
        moved = uow.tickets.transition(
            ticket_id, (TicketStatus.WAITING,), {"anchor_at": behind[-1] + timedelta(microseconds=1)}
        )
        uow.remote_tickets.mark(ticket_id, "stepped_back_at", now)
        action = "stepped_back"
    else:
        moved = uow.tickets.transition(ticket_id, (TicketStatus.WAITING,), {"status": TicketStatus.NO_SHOW.value})
        action = "no_show"
    if moved is not None:
        uow.emit(
            branch.id, protocol.TICKET_UPDATED, {"ticket": brief(moved, None, branch.timezone), "action": action}, now
        )
    return True


def remote_settings(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        branch: Branch = found(uow.branches.get(branch_id), "branch")
    return _rules_view(RemoteRules.from_settings(branch.settings))


def update_remote_settings(
    deps: Deps, principal: Principal | None, branch_id: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    changes = check_rules(data)
    with deps.store.write() as uow:
        branch: Branch = found(uow.branches.get(branch_id), "branch")
        settings = dict(branch.settings)
        settings["remote"] = dict(settings.get("remote") or {}) | changes
        uow.branches.update(branch_id, {"settings": settings})
    return _rules_view(RemoteRules.from_settings(settings))


def _rules_view(rules: RemoteRules) -> dict[str, Any]:
    view = {name: getattr(rules, name) for name in rules.__dataclass_fields__}
    view["arrival_networks"] = list(rules.arrival_networks)
    view["service_caps"] = dict(rules.service_caps or {})
    return view


def remote_figures(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    """Today's share of remote tickets and how the branch's messages and webhooks fared."""
    require(principal, MANAGERS, branch_id)
    now = deps.clock()
    with deps.store.read() as uow:
        branch: Branch = found(uow.branches.get(branch_id), "branch")
        day = business_date(now, branch.timezone)
        share = uow.remote_tickets.share(branch_id, day)
        messages = uow.remote_tickets.message_counts(branch_id)
        webhooks = uow.deliveries.counts(branch_id)
    total = share["tickets"]
    return {
        "date": day.isoformat(),
        "tickets": total,
        "remote": share["remote"],
        "remote_arrived": share["arrived"],
        "remote_share": round(share["remote"] / total, 3) if total else 0.0,
        "messages": messages,
        "webhooks": webhooks,
    }


def join_branch(deps: Deps, code: str) -> dict[str, Any]:
    """What the door poster's page shows: the branch, whether it is open, its services (public)."""
    now = deps.clock()
    with deps.store.read() as uow:
        branch: Branch = found(uow.branches.by_code(code.strip()[:32]), "branch")
        services = [s for s in uow.services.for_branch(branch.id) if s.active]
    rules = RemoteRules.from_settings(branch.settings)
    return {
        "id": branch.id,
        "code": branch.code,
        "name": branch.name,
        "timezone": branch.timezone,
        "open_now": is_open(branch.opening_hours, now.astimezone(ZoneInfo(branch.timezone))),
        "remote_join": rules.enabled,
        "services": [{"id": s.id, "name": s.name, "prefix": s.prefix} for s in services],
    }
