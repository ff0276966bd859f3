"""Builders with defaults: a branch with services, counters, staff and devices in one call."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from server.domain.errors import Conflict
from server.domain.hours import ALWAYS_OPEN
from server.domain.records import Principal
from server.services import auth, setup, tickets
from server.services.context import Deps

ROOT = Principal("user", 0, "admin", ())
PASSWORD = "correct-horse-9"


@dataclass
class BranchFixture:
    id: int
    services: dict[str, int]  # prefix -> id
    counters: dict[int, int]  # number -> id
    tokens: dict[str, str] = field(default_factory=dict)  # role/kind -> bearer token
    devices: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str = "teller") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def build_branch(
    deps: Deps,
    *,
    code: str = "B1",
    timezone: str = "Asia/Shanghai",
    opening_hours: dict[str, Any] | None = None,
    services: dict[str, dict[str, Any]] | None = None,
    counters: dict[int, str] | None = None,
    policy: dict[str, Any] | None = None,
) -> BranchFixture:
    """Services by prefix; counters map number -> prefixes served (primary first)."""
    branch = setup.create_branch(
        deps,
        ROOT,
        {
            "code": code,
            "name": {"zh": "测试支行", "en": "Test Branch"},
            "timezone": timezone,
            "opening_hours": opening_hours or ALWAYS_OPEN,
            "policy": policy or {},
        },
    )
    services = services or {"A": {}, "B": {}}
    service_ids = {}
    for prefix, extra in services.items():
        body = {
            "name": {"zh": f"业务{prefix}", "en": f"Service {prefix}"},
            "prefix": prefix,
            "target_wait": 600,
            "expected_service": 300,
        } | extra
        service_ids[prefix] = setup.create_service(deps, ROOT, branch["id"], body)["id"]
    counter_ids = {}
    for number, prefixes in (counters or {1: "AB", 2: "BA"}).items():
        body = {"number": number, "service_ids": [service_ids[p] for p in prefixes]}
        counter_ids[number] = setup.create_counter(deps, ROOT, branch["id"], body)["id"]
    fixture = BranchFixture(branch["id"], service_ids, counter_ids)
    for role in ("manager", "teller"):
        name = f"{role}-{code.lower()}"
        setup.create_user(
            deps, ROOT, {"username": name, "password": PASSWORD, "role": role, "branch_ids": [branch["id"]]}
        )
        fixture.tokens[role] = auth.login(deps, name, PASSWORD)["token"]
    for kind in ("kiosk", "display"):
        device = setup.create_device(deps, ROOT, branch["id"], {"kind": kind, "name": f"{kind} 1"})
        fixture.tokens[kind] = device["token"]
        fixture.devices[kind] = device["id"]
    return fixture


def admin_token(deps: Deps, username: str = "root-admin") -> str:
    with contextlib.suppress(Conflict):  # already there
        setup.create_user(deps, ROOT, {"username": username, "password": PASSWORD, "role": "admin", "branch_ids": []})
    return str(auth.login(deps, username, PASSWORD)["token"])


def issue_tracked(deps: Deps, b: BranchFixture, count: int) -> list[tuple[int, str]]:
    """``count`` regular walk-in tickets (services A and B in turn) as (id, tracking token)."""
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])
    out = []
    for i in range(count):
        t = tickets.issue_ticket(deps, kiosk, b.id, b.services["AB"[i % 2]], "regular")
        out.append((int(t["id"]), str(t["track_url"]).split("token=")[1]))
    return out
