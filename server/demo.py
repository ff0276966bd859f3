"""A demo branch with services, counters, staff and devices, for trying BranchQ at once."""

from __future__ import annotations

from datetime import time
from typing import Any

from server.domain.hours import ALWAYS_OPEN
from server.domain.records import Principal
from server.services import setup
from server.services.auth import pairing_token
from server.services.context import Deps

DEMO_CODE = "DEMO"
DEMO_PASSWORD = "branchq-demo"
ROOT = Principal("user", 0, "admin", ())

SERVICES = [
    {"name": {"zh": "个人业务", "en": "Personal banking"}, "prefix": "A", "target_wait": 900, "expected_service": 300},
    {"name": {"zh": "对公业务", "en": "Business banking"}, "prefix": "B", "target_wait": 1200, "expected_service": 600},
    {"name": {"zh": "理财咨询", "en": "Wealth advice"}, "prefix": "C", "target_wait": 600, "expected_service": 480},
]
# counter number -> service prefixes, primary first
COUNTERS = {1: "AB", 2: "A", 3: "BA", 4: "CA"}
STAFF = [("manager", "manager"), ("teller1", "teller"), ("teller2", "teller"), ("teller3", "teller")]


def seed_demo(deps: Deps, base_url: str = "http://127.0.0.1:5000") -> dict[str, Any]:
    """Create whatever part of the demo branch is missing, then hand out device links.

    Each piece is looked up before it is made, so a first start interrupted half way (Ctrl-C)
    is completed by the next one. Links are fresh tokens added next to the old ones: a demo
    already running elsewhere keeps its kiosk and display.
    """
    branch_id = _branch(deps)
    services = _services(deps, branch_id)
    _counters(deps, branch_id, services)
    _staff(deps, branch_id)
    _devices(deps, branch_id)
    links = {}
    with deps.store.write() as uow:
        for device in uow.devices.for_branch(branch_id):
            if not device.revoked and device.kind not in links:
                token = pairing_token(uow, deps.clock(), device.id)
                links[device.kind] = f"{base_url}/{device.kind}?device={token}"
    return {
        "branch_id": branch_id,
        "logins": {name: DEMO_PASSWORD for name, _ in STAFF} | {"admin": DEMO_PASSWORD},
        "links": links,
    }


def _branch(deps: Deps) -> int:
    with deps.store.read() as uow:
        existing = uow.branches.by_code(DEMO_CODE)
    if existing is not None:
        return int(existing.id)
    names = {"zh": "示范支行", "en": "Demo Branch"}
    data = {"code": DEMO_CODE, "name": names, "timezone": "Asia/Shanghai", "opening_hours": ALWAYS_OPEN}
    return int(setup.create_branch(deps, ROOT, data)["id"])


def _services(deps: Deps, branch_id: int) -> dict[str, int]:
    """Service ids by prefix, creating the missing ones."""
    with deps.store.read() as uow:
        have = {s.prefix: int(s.id) for s in uow.services.for_branch(branch_id)}
    for service in SERVICES:
        if service["prefix"] not in have:
            have[str(service["prefix"])] = int(setup.create_service(deps, ROOT, branch_id, service)["id"])
    return have


def _counters(deps: Deps, branch_id: int, services: dict[str, int]) -> None:
    with deps.store.read() as uow:
        have = {c.number for c in uow.counters.for_branch(branch_id)}
    for number, prefixes in COUNTERS.items():
        if number not in have:
            name = {"zh": f"{number}号窗口", "en": f"Counter {number}"}
            data = {"number": number, "name": name, "service_ids": [services[p] for p in prefixes]}
            setup.create_counter(deps, ROOT, branch_id, data)


def _staff(deps: Deps, branch_id: int) -> None:
    for username, role in [("admin", "admin"), *STAFF]:
        with deps.store.read() as uow:
            exists = uow.users.credentials(username) is not None
        if not exists:
            branch_ids = [] if role == "admin" else [branch_id]
            data = {"username": username, "password": DEMO_PASSWORD, "role": role, "branch_ids": branch_ids}
            setup.create_user(deps, ROOT, data)


def _devices(deps: Deps, branch_id: int) -> None:
    with deps.store.read() as uow:
        have = {d.kind for d in uow.devices.for_branch(branch_id) if not d.revoked}
    for kind in ("kiosk", "display"):
        if kind not in have:
            setup.create_device(deps, ROOT, branch_id, {"kind": kind, "name": f"Demo {kind}"})


# counter number -> who works it, the hour it opens and the hour its teller takes lunch
DESKS = {1: ("teller1", 9, 11), 2: ("teller2", 9, 13), 3: ("teller3", 9, 12), 4: ("manager", 9, None)}


def history_plan(deps: Deps, branch_id: int) -> tuple[Principal, list[Any], dict[str, int]]:
    """Who played the demo's past: its kiosk, and each counter's teller, hours and lunch."""
    from server.demo_history import Desk

    with deps.store.read() as uow:
        counters = {c.number: c.id for c in uow.counters.for_branch(branch_id)}
        kiosk = next(d for d in uow.devices.for_branch(branch_id) if d.kind == "kiosk" and not d.revoked)
        users = {u.username: u for u in uow.users.all()}
        services = {s.prefix: int(s.id) for s in uow.services.for_branch(branch_id)}
    desks = []
    for number, (username, opens, lunch) in DESKS.items():
        user = users[username]
        teller = Principal("user", user.id, user.role, (branch_id,), user.username)
        desks.append(Desk(counters[number], teller, time(opens), lunch))
    return Principal("device", kiosk.id, "kiosk", (branch_id,), kiosk.name), desks, services
