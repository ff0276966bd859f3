"""Who may take a VIP or green-channel ticket at the kiosk: a branch setting, enforced here.

Per class the branch says ``anyone`` (the kiosk offers it to all), ``staff`` (only staff issue
it: the floor manager's tablet or the counter; a kiosk's token is refused) or ``verified``
(the kiosk sends a phone or card number that must be on the branch's list). The list keeps a
keyed digest (HMAC-SHA256 with the server's secret) and a masked form, never the number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server import protocol
from server.domain.classes import CustomerClass
from server.domain.errors import Forbidden, InvalidInput, NotFound
from server.domain.records import Branch, Principal
from server.services.context import Deps, found, require

MANAGERS = ("admin", "manager")
RULES = ("anyone", "staff", "verified")
GATED = (CustomerClass.VIP.value, CustomerClass.PRIORITY.value)
NUMBER_KINDS = ("phone", "card")
SETTING = "eligibility"
DIGITS = re.compile(r"\D")


def rules_of(settings: dict[str, Any]) -> dict[str, str]:
    """Each gated class's rule; a class the branch never set is open to anyone, a value that is
    not a rule (written by hand into the settings) counts as the strictest."""
    given = settings.get(SETTING)
    given = given if isinstance(given, dict) else {}
    rules = {}
    for cls in GATED:
        value = given.get(cls, "anyone")
        rules[cls] = value if value in RULES else "staff"
    return rules


def digits_of(number: str) -> str:
    """The number as digits: spaces, dashes and a leading +86/0086 dropped, so a typed and a scanned
    number match."""
    digits = DIGITS.sub("", number)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def _digest(deps: Deps, digits: str) -> str:
    return hmac.new(deps.secret_key.encode(), digits.encode(), hashlib.sha256).hexdigest()


def _masked(digits: str, kind: str) -> str:
    if kind == "phone" and len(digits) >= 7:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return f"{'*' * max(len(digits) - 4, 2)}{digits[-4:]}"


def _valid_digits(number: Any) -> str:
    digits = digits_of(number) if isinstance(number, str) else ""
    if not 6 <= len(digits) <= 24:
        raise InvalidInput("invalid_number", "a phone or card number of 6 to 24 digits", "number")
    return digits


def check_issue(
    deps: Deps, uow: Any, branch: Branch, principal: Principal | None, cls: str, number: str | None
) -> None:
    """Refuse a kiosk's VIP or green-channel ticket the branch's rule does not allow. Staff may always."""
    if principal is None or principal.role != "kiosk" or cls not in GATED:
        return
    rule = rules_of(branch.settings)[cls]
    if rule == "staff":
        raise Forbidden("class_staff_only", f"{cls} tickets are issued by staff at this branch", "customer_class")
    if rule != "verified":
        return
    if not number:
        raise Forbidden(
            "eligibility_required", f"{cls} tickets need a listed phone or card number", "eligibility_number"
        )
    digits = digits_of(number)
    entry = uow.eligibility.by_digest(branch.id, _digest(deps, digits)) if digits else None
    if entry is None or cls not in entry["classes"]:
        raise Forbidden("not_eligible", "this number is not on the branch's list for this class", "eligibility_number")


def _entry_view(entry: dict[str, Any], timezone: str) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "masked": entry["masked"],
        "kind": entry["number_kind"],
        "classes": list(entry["classes"]),
        "note": entry["note"],
        "created_at": entry["created_at"].astimezone(ZoneInfo(timezone)).isoformat(),
    }


def overview(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        entries = uow.eligibility.for_branch(branch_id)
    return {"rules": rules_of(branch.settings), "entries": [_entry_view(e, branch.timezone) for e in entries]}


def set_rules(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, str]) -> dict[str, str]:
    """Change the rules (only the classes given); kiosks redraw on the ``queue_changed`` it sends."""
    require(principal, MANAGERS, branch_id)
    now = deps.clock()
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        rules = rules_of(branch.settings) | data
        settings = branch.settings | {SETTING: rules}
        uow.branches.update(branch_id, {"settings": settings})
        _announce(uow, branch, settings, now)
    deps.commit_and_publish(uow)
    return rules


def _announce(uow: Any, branch: Branch, settings: dict[str, Any], now: datetime) -> None:
    from server.services.views import branch_view

    view = branch_view(replace(branch, settings=settings), now)
    uow.emit(branch.id, protocol.QUEUE_CHANGED, {"reason": "branch_changed", "branch": view}, now)


def add_entry(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    digits = _valid_digits(data.get("number"))
    kind = data["kind"]
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        digest = _digest(deps, digits)
        values = {"masked": _masked(digits, kind), "number_kind": kind, "classes": sorted(set(data["classes"]))}
        values["note"] = data.get("note", "")
        existing = uow.eligibility.by_digest(branch_id, digest)
        if existing is not None:  # listing a number again changes what it allows
            uow.eligibility.remove(existing["id"])
        entry = uow.eligibility.add({"branch_id": branch_id, "digest": digest, "created_at": deps.clock()} | values)
    return _entry_view(entry, branch.timezone)


def remove_entry(deps: Deps, principal: Principal | None, branch_id: int, entry_id: int) -> None:
    require(principal, MANAGERS, branch_id)
    with deps.store.write() as uow:
        if uow.eligibility.get(branch_id, entry_id) is None:
            raise NotFound("eligibility_entry_not_found", "no such entry in this branch", None)
        uow.eligibility.remove(entry_id)
