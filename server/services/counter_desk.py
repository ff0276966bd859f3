"""What a teller's screen reads besides the queue: who waits for this counter, and the teller's day."""

from __future__ import annotations

from typing import Any

from server.domain.numbering import business_date
from server.domain.records import Counter, Principal
from server.services.context import STAFF_ROLES, Deps, found, require
from server.services.views import iso


def waiting_for_counter(deps: Deps, principal: Principal | None, counter_id: int) -> list[dict[str, Any]]:
    """Waiting tickets of the services this counter serves, and those sent to it, longest wait first."""
    now = deps.clock()
    with deps.store.read() as uow:
        counter: Counter = found(uow.counters.get(counter_id), "counter")
        require(principal, STAFF_ROLES, counter.branch_id)
        branch = found(uow.branches.get(counter.branch_id), "branch")
        waiting = uow.tickets.waiting(branch.id)
    served = set(counter.service_ids)
    mine = [
        t
        for t in waiting
        if t.target_counter_id == counter.id or (t.target_counter_id is None and t.service_id in served)
    ]
    return [
        {
            "id": t.id,
            "number": t.number,
            "service_id": t.service_id,
            "customer_class": t.customer_class.value,
            "issued_at": iso(t.issued_at, branch.timezone),
            "waited_s": max(0, int((now - t.issued_at).total_seconds())),
            "booked": t.appointment_code is not None,
            "sent_here": t.target_counter_id == counter.id,
        }
        for t in mine
    ]


def my_day(deps: Deps, principal: Principal | None, branch_id: int) -> dict[str, Any]:
    """The calling teller's figures for the branch's business day, from the tickets themselves."""
    who = require(principal, STAFF_ROLES, branch_id)
    now = deps.clock()
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        day = business_date(now, branch.timezone)
        raw = uow.floor.teller_day(who.id, branch_id, day)
    seconds, scores = raw["service_seconds"], raw["scores"]
    return {
        "date": day.isoformat(),
        "served": raw["served"],
        "no_show": raw["no_show"],
        "mean_service_s": round(sum(seconds) / len(seconds)) if seconds else None,
        "feedback_mean": round(sum(scores) / len(scores), 2) if scores else None,
        "feedback_count": len(scores),
    }
