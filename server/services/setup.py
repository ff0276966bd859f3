"""Admin and manager set-up: branches, services, counters, staff, devices, queue policy."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server import protocol
from server.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.domain.hours import ALWAYS_OPEN, dump_opening_hours, parse_opening_hours
from server.domain.languages import check_languages
from server.domain.names import parse_name, same_in_every_language
from server.domain.policy import QueuePolicy
from server.domain.records import Principal
from server.services import presence
from server.services.auth import hash_password, new_token, pairing_token, unlock_login
from server.services.context import Deps, audit, changed_at, found, require
from server.services.ports import UnitOfWork
from server.services.views import branch_view, counter_view, counters_now, service_view

MANAGERS = ("admin", "manager")
ROLES = ("admin", "manager", "teller")
DEVICE_KINDS = ("kiosk", "display", "window", "rating")
# a window screen or a rating pad belongs to one counter
COUNTER_DEVICE_KINDS = ("window", "rating")
SCREENS = ("kiosk", "display", *COUNTER_DEVICE_KINDS)
# the page a device of each kind opens, where it is not named after the kind
DEVICE_PAGES = {"rating": "rate"}


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("invalid_timezone", f"unknown time zone {name!r}", "timezone") from None
    return name


def _name(value: Any) -> dict[str, str]:
    try:
        return parse_name(value)
    except ValueError as error:
        raise InvalidInput("invalid_name", f"name: {error}", "name") from None


def _counter_name(value: Any, number: int) -> dict[str, str]:
    """A counter left unnamed (or given an empty name) is called by its number."""
    return _name(value) if value else same_in_every_language(str(number))


def checked_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Branch settings as stored; the language lists must name registry languages (422 otherwise)."""
    for field in ("screen_languages", "voice_languages"):
        if field in settings:
            settings = settings | {field: check_languages(settings[field], field)}
    return settings


def create_branch(deps: Deps, principal: Principal | None, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, ("admin",))
    hours = parse_opening_hours(data.get("opening_hours", ALWAYS_OPEN))
    policy = QueuePolicy.from_dict(data.get("policy", {}))
    with deps.store.write() as uow:
        if uow.branches.by_code(data["code"]):
            raise Conflict("branch_code_taken", f"branch code {data['code']!r} is taken", "code")
        branch = uow.branches.add(
            {
                "code": data["code"],
                "name": _name(data["name"]),
                "timezone": _check_timezone(data.get("timezone", "UTC")),
                "opening_hours": dump_opening_hours(hours),
                "policy": policy.to_dict(),
                "settings": checked_settings(data.get("settings", {})),
            }
        )
    return branch_view(branch, deps.clock())


def update_branch(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = _name(data["name"])
    if "timezone" in data:
        values["timezone"] = _check_timezone(data["timezone"])
    if "opening_hours" in data:
        values["opening_hours"] = dump_opening_hours(parse_opening_hours(data["opening_hours"]))
    if "settings" in data:
        values["settings"] = checked_settings(data["settings"])
    now = deps.clock()
    with deps.store.write() as uow:
        found(uow.branches.get(branch_id), "branch")
        branch = uow.branches.update(branch_id, values) if values else found(uow.branches.get(branch_id), "branch")
        view = branch_view(branch, now)
        # Screens show the branch's settings (the display's notice): they update at once.
        uow.emit(branch_id, protocol.QUEUE_CHANGED, {"reason": "branch_changed", "branch": view}, now)
    deps.commit_and_publish(uow)
    return view


def list_branches(deps: Deps, principal: Principal | None) -> list[dict[str, Any]]:
    who = require(principal, (*ROLES, *SCREENS))
    now = deps.clock()
    with deps.store.read() as uow:
        branches = uow.branches.all(None if who.role == "admin" else who.branch_ids)
    return [branch_view(b, now) for b in branches]


def get_branch(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, (*ROLES, *SCREENS), branch_id)
    with deps.store.read() as uow:
        return branch_view(found(uow.branches.get(branch_id), "branch"), deps.clock())


def set_policy(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    policy = QueuePolicy.from_dict(data)
    with deps.store.write() as uow:
        before = found(uow.branches.get(branch_id), "branch").policy.to_dict()
        now = changed_at(deps, uow, branch_id)
        uow.branches.update(branch_id, {"policy": policy.to_dict()})
        audit(uow, branch_id, principal, now, "policy_change", {"from": before, "to": policy.to_dict()})
        uow.emit(branch_id, protocol.QUEUE_CHANGED, {"reason": "policy_changed"}, now)
    deps.commit_and_publish(uow)
    return policy.to_dict()


def get_policy(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, ROLES, branch_id)
    with deps.store.read() as uow:
        return found(uow.branches.get(branch_id), "branch").policy.to_dict()


# --- services ---------------------------------------------------------------------------


def _service_values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {k: data[k] for k in ("prefix", "target_wait", "expected_service", "active") if k in data}
    if "name" in data:
        values["name"] = _name(data["name"])
    if "prefix" in values:
        values["prefix"] = values["prefix"].upper()
    return values


def create_service(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    values = _service_values(data)
    with deps.store.write() as uow:
        found(uow.branches.get(branch_id), "branch")
        if uow.services.prefix_taken(branch_id, values["prefix"]):
            raise Conflict("prefix_taken", f"prefix {values['prefix']} is used by another service", "prefix")
        service = uow.services.add({"branch_id": branch_id, **values})
        uow.emit(branch_id, protocol.QUEUE_CHANGED, {"reason": "service_added"}, deps.clock())
    deps.commit_and_publish(uow)
    return service_view(service)


def update_service(deps: Deps, principal: Principal | None, service_id: int, data: dict[str, Any]) -> dict[str, Any]:
    values = _service_values(data)
    with deps.store.write() as uow:
        service = found(uow.services.get(service_id), "service")
        require(principal, MANAGERS, service.branch_id)
        if "prefix" in values and uow.services.prefix_taken(service.branch_id, values["prefix"], service_id):
            raise Conflict("prefix_taken", f"prefix {values['prefix']} is used by another service", "prefix")
        now = changed_at(deps, uow, service.branch_id)
        if values:
            before = service_view(service)
            service = uow.services.update(service_id, values)
            detail = {"service_id": service_id, "from": {k: before.get(k) for k in values}, "to": values}
            audit(uow, service.branch_id, principal, now, "service_change", detail)
        uow.emit(service.branch_id, protocol.QUEUE_CHANGED, {"reason": "service_changed"}, now)
    deps.commit_and_publish(uow)
    return service_view(service)


def list_services(deps: Deps, principal: Principal | None, branch_id: int) -> list[dict[str, Any]]:
    require(principal, (*ROLES, "kiosk", "display"), branch_id)
    with deps.store.read() as uow:
        found(uow.branches.get(branch_id), "branch")
        return [service_view(s) for s in uow.services.for_branch(branch_id)]


def get_service(deps: Deps, principal: Principal | None, service_id: int) -> dict[str, Any]:
    with deps.store.read() as uow:
        service = found(uow.services.get(service_id), "service")
        require(principal, (*ROLES, "kiosk", "display"), service.branch_id)
        return service_view(service)


# --- counters ---------------------------------------------------------------------------


def _check_counter_services(uow: UnitOfWork, branch_id: int, service_ids: list[int]) -> None:
    if len(set(service_ids)) != len(service_ids):
        raise InvalidInput("duplicate_service", "a service is listed twice", "service_ids")
    for sid in service_ids:
        service = uow.services.get(sid)
        if service is None or service.branch_id != branch_id:
            raise NotFound("service_not_found", f"no service {sid} in this branch", "service_ids")


def create_counter(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    with deps.store.write() as uow:
        found(uow.branches.get(branch_id), "branch")
        _check_counter_services(uow, branch_id, data["service_ids"])
        if uow.counters.number_taken(branch_id, data["number"]):
            raise Conflict("counter_number_taken", f"counter {data['number']} exists", "number")
        counter = uow.counters.add(
            {
                "branch_id": branch_id,
                "number": data["number"],
                "name": _counter_name(data.get("name"), data["number"]),
                "service_ids": data["service_ids"],
                "status": "closed",
            }
        )
        uow.emit(branch_id, protocol.COUNTER_CHANGED, {"counter": counter_view(counter)}, deps.clock())
    deps.commit_and_publish(uow)
    return counter_view(counter)


def update_counter(deps: Deps, principal: Principal | None, counter_id: int, data: dict[str, Any]) -> dict[str, Any]:
    with deps.store.write() as uow:
        counter = found(uow.counters.get(counter_id), "counter")
        require(principal, MANAGERS, counter.branch_id)
        values: dict[str, Any] = {k: data[k] for k in ("number", "service_ids") if k in data}
        if "name" in data:
            values["name"] = _counter_name(data["name"], values.get("number", counter.number))
        if "service_ids" in values:
            _check_counter_services(uow, counter.branch_id, values["service_ids"])
        if "number" in values and uow.counters.number_taken(counter.branch_id, values["number"], counter_id):
            raise Conflict("counter_number_taken", f"counter {values['number']} exists", "number")
        now = changed_at(deps, uow, counter.branch_id)
        if values:
            before = counter_view(counter)
            counter = uow.counters.update(counter_id, values)
            detail = {"counter_id": counter_id, "from": {k: before.get(k) for k in values}, "to": values}
            audit(uow, counter.branch_id, principal, now, "counter_change", detail)
        (view,) = counters_now(uow, [counter])
        uow.emit(counter.branch_id, protocol.COUNTER_CHANGED, {"counter": view}, now)
    deps.commit_and_publish(uow)
    return view


def list_counters(deps: Deps, principal: Principal | None, branch_id: int) -> list[dict[str, Any]]:
    require(principal, (*ROLES, "display"), branch_id)
    with deps.store.read() as uow:
        found(uow.branches.get(branch_id), "branch")
        return counters_now(uow, uow.counters.for_branch(branch_id))


def get_counter(deps: Deps, principal: Principal | None, counter_id: int) -> dict[str, Any]:
    with deps.store.read() as uow:
        counter = found(uow.counters.get(counter_id), "counter")
        require(principal, (*ROLES, "display"), counter.branch_id)
        (view,) = counters_now(uow, [counter])
        return view


# --- staff and devices --------------------------------------------------------------------


def _user_view(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "branch_ids": user.branch_ids,
        "active": user.active,
    }


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput("invalid_role", "role must be admin, manager or teller", "role")


def _check_manages(who: Principal, role: str, branch_ids: list[int]) -> None:
    """Only admins touch admins; a manager touches only staff wholly inside their own branches.

    Applied to a user's current role and branches and to the new ones: a manager may neither
    reach into another branch (take over its teller, move them away) nor hand out more than
    they hold.
    """
    if who.role == "admin":
        return
    if role == "admin":
        raise Forbidden("forbidden_scope", "only an admin may create or change an admin", "role")
    if not branch_ids or not set(branch_ids) <= set(who.branch_ids):
        raise Forbidden("forbidden_scope", "managers create and change staff of their own branches only", "branch_ids")


def _check_branches_exist(uow: UnitOfWork, branch_ids: list[int]) -> None:
    for bid in branch_ids:
        found(uow.branches.get(bid), "branch", "branch_ids")


def create_user(deps: Deps, principal: Principal | None, data: dict[str, Any]) -> dict[str, Any]:
    who = require(principal, MANAGERS)
    branch_ids = data.get("branch_ids", [])
    _check_role(data["role"])
    _check_manages(who, data["role"], branch_ids)
    # scrypt is slow on purpose: hashed before the write transaction, never under its lock
    password_hash = deps.offload(hash_password, data["password"])
    with deps.store.write() as uow:
        _check_branches_exist(uow, branch_ids)
        if uow.users.credentials(data["username"]):
            raise Conflict("username_taken", f"username {data['username']!r} is taken", "username")
        values = {"username": data["username"], "password_hash": password_hash, "role": data["role"]}
        user = uow.users.add(values | {"branch_ids": branch_ids})
    return _user_view(user)


def update_user(deps: Deps, principal: Principal | None, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    who = require(principal, MANAGERS)
    if "role" in data:
        _check_role(data["role"])
    password_hash = deps.offload(hash_password, data["password"]) if "password" in data else None
    with deps.store.write() as uow:
        user = found(uow.users.get(user_id), "user")
        role, branch_ids = data.get("role", user.role), data.get("branch_ids", user.branch_ids)
        _check_manages(who, user.role, user.branch_ids)  # who the user is now
        _check_manages(who, role, branch_ids)  # and who they would become
        _check_branches_exist(uow, branch_ids)
        values: dict[str, Any] = {"role": role, "branch_ids": branch_ids}
        if password_hash is not None:
            values["password_hash"] = password_hash
        if "active" in data:
            values["active"] = data["active"]
        user = uow.users.update(user_id, values)
        _end_sessions_after(uow, who, user_id, data)
    return _user_view(user)


def _end_sessions_after(uow: UnitOfWork, who: Principal, user_id: int, data: dict[str, Any]) -> None:
    """A new password ends the user's other sessions (the one setting it, if their own, stays);
    deactivation ends all of them, so reactivating brings none back."""
    if data.get("active") is False:
        uow.tokens.revoke_for_user(user_id)
    elif "password" in data:
        own = who.kind == "user" and who.id == user_id
        uow.tokens.revoke_for_user(user_id, keep=who.session if own else None)


def unlock_user(deps: Deps, principal: Principal | None, user_id: int) -> dict[str, Any]:
    """Lift a lock left by failed logins; whoever may change the user may unlock them."""
    who = require(principal, MANAGERS)
    with deps.store.write() as uow:
        user = found(uow.users.get(user_id), "user")
        _check_manages(who, user.role, user.branch_ids)
        unlock_login(uow, user.username)
    return _user_view(user)


def list_users(deps: Deps, principal: Principal | None) -> list[dict[str, Any]]:
    who = require(principal, MANAGERS)
    with deps.store.read() as uow:
        users = uow.users.all()
    return [_user_view(u) for u in users if who.role == "admin" or set(u.branch_ids) & set(who.branch_ids)]


def get_user(deps: Deps, principal: Principal | None, user_id: int) -> dict[str, Any]:
    who = require(principal, MANAGERS)
    with deps.store.read() as uow:
        user = found(uow.users.get(user_id), "user")
    if who.role != "admin" and not set(user.branch_ids) & set(who.branch_ids):
        raise NotFound("user_not_found", "no such user", None)
    return _user_view(user)


def _device_view(device: Any, branch: Any, now: Any, beats: Any = ()) -> dict[str, Any]:
    return {
        "id": device.id,
        "branch_id": device.branch_id,
        "kind": device.kind,
        "name": device.name,
        "counter_id": device.counter_id,
        "revoked": device.revoked,
        "status": device.status,
        **presence.device_presence(device, list(beats), branch, now),
    }


def create_device(deps: Deps, principal: Principal | None, branch_id: int, data: dict[str, Any]) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    if data["kind"] not in DEVICE_KINDS:
        raise InvalidInput("invalid_device_kind", "kind must be kiosk, display, window or rating", "kind")
    counter_id = data.get("counter_id")
    if (data["kind"] in COUNTER_DEVICE_KINDS) != (counter_id is not None):
        raise InvalidInput(
            "invalid_counter_id", "window and rating devices need a counter_id; others take none", "counter_id"
        )
    now = deps.clock()
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        if counter_id is not None and getattr(uow.counters.get(counter_id), "branch_id", None) != branch_id:
            raise NotFound("counter_not_found", "no such counter in this branch", "counter_id")
        device = uow.devices.add(
            {
                "branch_id": branch_id,
                "kind": data["kind"],
                "name": data["name"],
                "counter_id": counter_id,
                "created_at": now,
                "status": {},
            }
        )
        token = new_token(uow, now, device_id=device.id)
        pair_url = f"/{DEVICE_PAGES.get(device.kind, device.kind)}?device={pairing_token(uow, now, device.id)}"
    return _device_view(device, branch, now) | {"token": token, "pair_url": pair_url}


def device_counter(deps: Deps, principal: Principal) -> int | None:
    """The counter a window screen or rating pad belongs to."""
    with deps.store.read() as uow:
        device = uow.devices.get(principal.id)
    return device.counter_id if device else None


def revoke_device(deps: Deps, principal: Principal | None, branch_id: int, device_id: int) -> None:
    require(principal, MANAGERS, branch_id)
    with deps.store.write() as uow:
        device = uow.devices.get(device_id)
        if device is None or device.branch_id != branch_id:
            raise NotFound("device_not_found", "no such device in this branch", None)
        uow.devices.update(device_id, {"revoked": True})
        uow.tokens.revoke_for_device(device_id)


def list_devices(deps: Deps, principal: Principal | None, branch_id: int) -> list[dict[str, Any]]:
    require(principal, MANAGERS, branch_id)
    now = deps.clock()
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        beats = presence.device_beats(uow, branch_id)
        return [_device_view(d, branch, now, beats.get(d.id, [])) for d in uow.devices.for_branch(branch_id)]
