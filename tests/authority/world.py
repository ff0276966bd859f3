"""Two branches with every kind of caller, and the requests the authority matrix sends.

Branch "here" (A) owns every object the requests name; branch "other" (B) has its own
staff. The same request goes out under every caller, so a cell differs only by who asks.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from server.services import booking, booking_admin, remote_join, setup, tickets
from tests.support.builders import ROOT, BranchFixture, admin_token, build_branch

WEEKDAYS = {day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
PHONE = "13812345678"
TUESDAY_10 = "2026-11-24T10:00:00+08:00"  # the fake clock starts on Monday 2026-11-23, 10:00 in Shanghai

# Column order of the matrix.
CALLERS = (
    "admin",
    "manager",
    "manager_other",
    "teller",
    "teller_other",
    "kiosk",
    "display",
    "revoked",
    "none",
    "garbage",
)
CALLER_NAMES = {
    "admin": "admin",
    "manager": "manager of this branch",
    "manager_other": "manager of another branch",
    "teller": "teller of this branch",
    "teller_other": "teller of another branch",
    "kiosk": "kiosk of this branch",
    "display": "display of this branch",
    "revoked": "revoked device token",
    "none": "no token",
    "garbage": "garbage token",
}


@dataclass
class World:
    here: BranchFixture
    other: BranchFixture
    tokens: dict[str, str | None]
    ids: dict[str, Any] = field(default_factory=dict)

    def headers(self, caller: str) -> dict[str, str]:
        token = self.tokens[caller]
        return {"Authorization": f"Bearer {token}"} if token else {}


def build_world(deps: Any) -> World:
    here = build_branch(
        deps,
        code="A1",
        opening_hours=WEEKDAYS,
        services={"A": {"expected_service": 600}, "B": {}},
        counters={1: "AB", 2: "A", 3: "BA"},
    )
    other = build_branch(deps, code="B2")
    booking_admin.set_service_rules(deps, ROOT, here.id, here.services["A"], {"reserved_share": 0.5})
    revoked = setup.create_device(deps, ROOT, here.id, {"kind": "kiosk", "name": "old kiosk"})
    setup.revoke_device(deps, ROOT, here.id, revoked["id"])
    spare = setup.create_device(deps, ROOT, here.id, {"kind": "display", "name": "spare"})
    ticket = tickets.issue_ticket(deps, ROOT, here.id, here.services["A"])
    appointment = booking.book(
        deps,
        {
            "branch_id": here.id,
            "service_id": here.services["A"],
            "start": datetime.fromisoformat(TUESDAY_10),
            "name": "王小明",
            "phone": PHONE,
            "language": "zh",
        },
    )
    verification = remote_join.request_code(
        deps, here.id, {"service_id": here.services["B"], "phone": "13900000007", "language": "zh"}, "127.0.0.1"
    )
    with deps.store.read() as uow:
        sent = uow.notifications.for_branch(here.id, None, 1)[0]["body"]
    remote_code = re.search(r"\d{6}", sent).group(0)  # type: ignore[union-attr]
    tokens: dict[str, str | None] = {
        "admin": admin_token(deps),
        "manager": here.tokens["manager"],
        "manager_other": other.tokens["manager"],
        "teller": here.tokens["teller"],
        "teller_other": other.tokens["teller"],
        "kiosk": here.tokens["kiosk"],
        "display": here.tokens["display"],
        "revoked": revoked["token"],
        "none": None,
        "garbage": "not-a-token-at-all",
    }
    users = {u["username"]: u["id"] for u in setup.list_users(deps, ROOT)}
    ids = {
        "branch_id": here.id,
        "other_branch_id": other.id,
        "service_id": here.services["A"],
        "service_b": here.services["B"],
        "phone": PHONE,
        "counter_id": here.counters[1],
        "user_id": users["teller-a1"],
        "device_id": spare["id"],
        "ticket_id": ticket["id"],
        "ticket_token": ticket["track_url"].split("token=")[1],
        "code": appointment["code"],
        "day": "2026-12-25",
        "notification_id": 1,
        "alert_id": 999999,  # none raised: the allowed get as far as looking it up
        "entry_id": 999999,
        "media_id": 999999,
        "name": "0" * 32 + ".png",
        "branch_code": "A1",
        "verification_id": verification["verification_id"],
        "remote_code": remote_code,
        "webhook_id": 999999,  # none registered: the allowed get as far as looking it up
    }
    return World(here, other, tokens, ids)


class Snapshot:
    """The seeded SQLite file, put back after any request that may have changed it."""

    def __init__(self, live: Path, engine: Any) -> None:
        self.live, self.engine = live, engine
        self.saved = live.with_suffix(".saved")
        self._copy(live, self.saved)

    def restore(self) -> None:
        self.engine.dispose()
        self._copy(self.saved, self.live)

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
