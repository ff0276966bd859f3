"""A demo branch with services, counters, staff and devices, for trying BranchQ at once."""

from __future__ import annotations

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
    """Create the demo branch once; on later starts only hand out fresh device links."""
    with deps.store.read() as uow:
        existing = uow.branches.by_code(DEMO_CODE)
    if existing is None:
        _create(deps)
    with deps.store.write() as uow:
        branch = uow.branches.by_code(DEMO_CODE)
        links = {}
        for device in uow.devices.for_branch(branch.id):
            if device.revoked:
                continue
            uow.tokens.revoke_for_device(device.id)
            token = pairing_token(uow, deps.clock(), device.id)
            links[device.kind] = f"{base_url}/{device.kind}?device={token}"
    return {
        "branch_id": branch.id,
        "logins": {name: DEMO_PASSWORD for name, _ in STAFF} | {"admin": DEMO_PASSWORD},
        "links": links,
    }


def _create(deps: Deps) -> None:
    branch = setup.create_branch(
        deps,
        ROOT,
        {
            "code": DEMO_CODE,
            "name": {"zh": "示范支行", "en": "Demo Branch"},
            "timezone": "Asia/Shanghai",
            "opening_hours": ALWAYS_OPEN,
        },
    )
    services = {s["prefix"]: setup.create_service(deps, ROOT, branch["id"], s) for s in SERVICES}
    for number, prefixes in COUNTERS.items():
        setup.create_counter(
            deps,
            ROOT,
            branch["id"],
            {"number": number, "name": f"{number}号窗口", "service_ids": [services[p]["id"] for p in prefixes]},
        )
    setup.create_user(deps, ROOT, {"username": "admin", "password": DEMO_PASSWORD, "role": "admin", "branch_ids": []})
    for username, role in STAFF:
        setup.create_user(
            deps, ROOT, {"username": username, "password": DEMO_PASSWORD, "role": role, "branch_ids": [branch["id"]]}
        )
    for kind in ("kiosk", "display"):
        setup.create_device(deps, ROOT, branch["id"], {"kind": kind, "name": f"Demo {kind}"})
