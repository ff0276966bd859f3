"""Reading the branch queue: snapshot for screens, missed events for reconnecting ones."""

from __future__ import annotations

from typing import Any

from server.domain.records import Principal
from server.services.context import STAFF_ROLES, Deps, found, require
from server.services.views import queue_snapshot

SCREEN_ROLES = (*STAFF_ROLES, "display", "kiosk", "window", "rating")


def check_screen(deps: Deps, principal: Principal | None, branch_id: int) -> None:
    """May this caller watch the branch? (Before a socket joins its room: a full snapshot
    just to decide would double what a storm of reconnecting screens costs the store.)"""
    require(principal, SCREEN_ROLES, branch_id)
    with deps.store.read() as uow:
        found(uow.branches.get(branch_id), "branch")


def snapshot(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    require(principal, SCREEN_ROLES, branch_id)
    now = deps.clock()
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
    deps.forecasts.refreshed(deps.store, branch, now)
    with deps.store.read() as uow:
        return queue_snapshot(uow, branch, now, deps.forecasts.cached)


def missed_events(deps: Deps, principal: Principal | None, branch_id: int, since_seq: int) -> dict[str, Any]:
    """Every committed event after ``since_seq``, in order; a snapshot if they are no longer kept.

    An event may also still be on its way live: clients drop any seq they already applied.
    """
    require(principal, SCREEN_ROLES, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        last = uow.branches.seq(branch_id)
        oldest = uow.events.oldest_kept(branch_id)
        if since_seq > last or (oldest is not None and since_seq < oldest - 1) or since_seq < 0:
            return {"snapshot": queue_snapshot(uow, branch, deps.clock(), deps.forecasts)}
        events = uow.events.after(branch_id, since_seq, last)
        return {"events": [{"event": name, "data": payload} for _seq, name, payload in events]}
