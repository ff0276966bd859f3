"""People ahead, counted by the store from either end of the line, agree with the policy's order."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from server.domain.classes import CustomerClass, TicketStatus
from server.domain.policy import PolicyKind, QueuePolicy, ahead_thresholds
from server.domain.records import Ticket
from server.services import tickets
from tests.support.builders import ROOT, BranchFixture
from tests.support.clock import FakeClock
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES

WALK_IN = [CustomerClass.REGULAR] * 5 + [CustomerClass.VIP, CustomerClass.PRIORITY]


def _expected(mine: Ticket, thresholds: dict[CustomerClass, float], line: list[Ticket]) -> int:
    """Pairwise, straight from what ``ahead_thresholds`` promises."""
    ahead = 0
    for other in line:
        limit = thresholds.get(other.customer_class, float("-inf"))
        if other.id == mine.id or other.service_id != mine.service_id or limit == float("-inf"):
            continue
        if limit == float("inf"):
            ahead += 1
        elif other.customer_class is mine.customer_class:
            ahead += (other.anchor_at, other.id) < (mine.anchor_at, mine.id)
        else:
            ahead += other.anchor_at.timestamp() < limit
    return ahead


def test_both_ends_count_what_the_policy_orders(deps: Any, branch: BranchFixture, clock: FakeClock) -> None:
    rng = random.Random(7)
    issued = []
    for _ in range(60):
        clock.advance(rng.choice([0, 0, 3, 11, 40]))  # ties in anchor too
        cls = rng.choice(WALK_IN).value
        issued.append(tickets.issue_ticket(deps, ROOT, branch.id, branch.services[rng.choice("AB")], cls))
    for ticket in rng.sample(issued, 12):
        tickets.change_ticket(deps, ROOT, ticket["id"], "cancel")
    later = clock() + timedelta(minutes=25)
    policies = [QueuePolicy(), QueuePolicy(kind=PolicyKind.FIFO), QueuePolicy(kind=PolicyKind.STRICT)]
    with deps.store.read() as uow:
        line = uow.tickets.waiting(branch.id)
        assert len(line) == 48 and all(t.status is TicketStatus.WAITING for t in line)
        counted = 0
        for mine in line:
            for policy in policies:
                for now in (clock(), later):
                    thresholds = ahead_thresholds(
                        policy, mine.customer_class, mine.anchor_at.timestamp(), now.timestamp()
                    )
                    want = _expected(mine, thresholds, line)
                    assert uow.tickets.count_ahead(mine, thresholds) == want
                    assert uow.tickets.count_ahead(mine, thresholds, from_tail=True) == want
                    counted += want
        assert counted > 1000  # the line really has people ahead, in more than one class
