"""Reading the branch queue: snapshot for screens, missed events for reconnecting ones."""

from __future__ import annotations

from typing import Any

from server.domain.records import Principal
from server.services.context import STAFF_ROLES, Deps, found, require
from server.services.views import queue_snapshot

SCREEN_ROLES = (*STAFF_ROLES, "display", "kiosk")


def snapshot(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, SCREEN_ROLES, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        return queue_snapshot(uow, branch, deps.clock())


def missed_events(deps: Deps, principal: Principal | None, branch_id: int, since_seq: int) -> dict[str, Any]:
    """Every event after ``since_seq`` that was already pushed, in order; a snapshot if they are gone."""
    require(principal, SCREEN_ROLES, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        published = uow.branches.published_seq(branch_id)
        oldest = uow.events.oldest_kept(branch_id)
        if since_seq > published or (oldest is not None and since_seq < oldest - 1) or since_seq < 0:
            return {"snapshot": queue_snapshot(uow, branch, deps.clock())}
        events = uow.events.after(branch_id, since_seq, published)
        return {"events": [{"event": name, "data": payload} for _seq, name, payload in events]}
