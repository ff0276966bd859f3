"""What managers set for booking (per service), closure days, the day's bookings and the outbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.domain.errors import NotFound
from server.domain.privacy import mask_email, mask_phone
from server.domain.records import Principal
from server.domain.remote import SECRET_KINDS
from server.domain.slots import BookingRules
from server.services.booking import appointment_view, branch_and_service, rules_for
from server.services.context import Deps, found, require
from server.services.ports import UnitOfWork
from server.services.views import iso

MANAGERS = ("admin", "manager")


def _settings_view(uow: UnitOfWork, branch_id: int) -> dict[str, Any]:
    services = []
    for service in uow.services.for_branch(branch_id):
        rules = rules_for(uow, service)
        services.append(
            {
                "service_id": service.id,
                "name": service.name,
                "rules": rules.to_dict(),
                "slot_length": rules.slot_length(service.expected_service),
            }
        )
    return {"branch_id": branch_id, "services": services}


def get_settings(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        found(uow.branches.get(branch_id), "branch")
        return _settings_view(uow, branch_id)


def set_service_rules(
    deps: Deps, principal: Principal | None, branch_id: int, service_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """Change some of a service's booking rules; the others keep their values."""
    require(principal, MANAGERS, branch_id)
    now = deps.clock()
    with deps.store.write() as uow:
        _, service = branch_and_service(uow, branch_id, service_id)
        rules = BookingRules.from_dict(data, rules_for(uow, service))
        uow.booking_settings.put(branch_id, service_id, rules.to_dict(), now)
        return _settings_view(uow, branch_id)


def list_closures(deps: Deps, principal: Principal | None, branch_id: int, first: date, last: date) -> list[Any]:
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        found(uow.branches.get(branch_id), "branch")
        days = uow.closures.between(branch_id, first, last)
    return [{"day": day.isoformat(), "reason": reason} for day, reason in sorted(days.items())]


def set_closure(deps: Deps, principal: Principal | None, branch_id: int, day: date, reason: str) -> dict[str, Any]:
    """No slots on ``day``. Bookings already made stay; the manager sees them in the day's list."""
    require(principal, MANAGERS, branch_id)
    with deps.store.write() as uow:
        found(uow.branches.get(branch_id), "branch")
        uow.closures.put(branch_id, day, reason)
    return {"day": day.isoformat(), "reason": reason}


def remove_closure(deps: Deps, principal: Principal | None, branch_id: int, day: date) -> None:
    require(principal, MANAGERS, branch_id)
    with deps.store.write() as uow:
        if not uow.closures.remove(branch_id, day):
            raise NotFound("closure_not_found", "no closure on that day", "day")


def day_appointments(deps: Deps, principal: Principal | None, branch_id: int, day: date) -> list[dict[str, Any]]:
    require(principal, (*MANAGERS, "teller"), branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        services = {s.id: s for s in uow.services.for_branch(branch_id)}
        # staff lists show the phone masked: the holder's own routes show it whole
        return [
            appointment_view(a, branch, services[a.service_id]) | {"phone": mask_phone(a.phone)}
            for a in uow.appointments.for_branch_day(branch_id, day)
        ]


def _notice_view(row: dict[str, Any], timezone: str) -> dict[str, Any]:
    times = ("next_attempt_at", "created_at", "sent_at")
    keep = (
        "id",
        "appointment_id",
        "kind",
        "phone",
        "email",
        "language",
        "body",
        "status",
        "attempts",
        "last_error",
        "channel",
    )
    view = {k: row[k] for k in keep} | {k: iso(row[k], timezone) for k in times}
    # staff see who a message went to, masked, and never a one-time code
    view |= {"phone": mask_phone(row["phone"]), "email": mask_email(row["email"])}
    if row["kind"] in SECRET_KINDS:
        view["body"] = "******"
    return view


def list_notifications(
    deps: Deps, principal: Principal | None, branch_id: int, status: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    """The outbox of the branch, newest first: failed sends show their error and next attempt."""
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        return [_notice_view(r, branch.timezone) for r in uow.notifications.for_branch(branch_id, status, limit)]


def retry_notification(deps: Deps, principal: Principal | None, branch_id: int, notification_id: int) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    now = deps.clock()
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        row = uow.notifications.retry(branch_id, notification_id, now)
        if row is None:
            raise NotFound("notification_not_found", "no failed notification with this id in this branch", None)
        return _notice_view(row, branch.timezone)
