"""One round of an outbox sender (notifications, webhook deliveries): claim what is due, send
each outside any transaction, record each outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from server.services.context import Deps

Deliver = Callable[[Mapping[str, Any], datetime], dict[str, Any]]


def send_round(deps: Deps, outbox: str, deliver: Deliver, *, lease_s: int, limit: int) -> dict[str, int]:
    """``outbox`` names the unit of work's repository (``any_due``, ``claim_due``, ``settle``).

    Runs every few seconds: an idle round only reads, so it takes no write lock.
    """
    now = deps.clock()
    counts = {"sent": 0, "failed": 0}
    with deps.store.read() as uow:
        if not getattr(uow, outbox).any_due(now):
            return counts
    with deps.store.write() as uow:
        claimed = getattr(uow, outbox).claim_due(now, now + timedelta(seconds=lease_s), limit)
    for row in claimed:
        outcome = deliver(row, deps.clock())
        counts["sent" if outcome["status"] == "sent" else "failed"] += 1
        with deps.store.write() as uow:
            getattr(uow, outbox).settle(row["id"], outcome)
    return counts
