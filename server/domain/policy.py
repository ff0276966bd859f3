"""Which waiting ticket a counter calls next: accumulating priority with per-class targets.

A waiting ticket i of class k has, at time t, the priority

    P_i(t) = (t - anchor_i + head_start_k) / target_k

``anchor`` is the arrival (or, for a booked customer checked in on time, the slot start);
``target_k`` is the class's waiting target, so priority grows faster for classes with a
shorter target; ``head_start_k`` (seconds) counts as time already waited. Once a ticket
has waited ``hard_limit_k`` it goes before every ticket that has not (nobody waits
forever). A counter calls the highest priority among the services it serves; ties go to
the counter's earlier-listed service, then to the earlier anchor.

The default kind ``apq`` adds one rule to that plain accumulating priority (kept as
``apq_plain``): a ticket of a fast class (a target shorter than the slowest class's) that
has waited to within :data:`DUE_LEAD_S` of its target (booked customers:
:data:`BOOKED_DUE_LEAD_S`) is *due* and goes before every
ticket that is neither due nor overdue; among due tickets, the one whose target comes
first (earliest ``anchor + target``) goes first. Plain accumulating priority calls fast
classes as early as their rate allows, which at high load is still too late for their
target; the due rule calls them just before it, and only then, so regular customers lose
as little as possible. Chosen with the branch-day simulator (``docs/policy.md``).

Within one (service, class) queue the order never changes, so only queue heads compete:
callers pass one :class:`Candidate` per non-empty (service, class) queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from server.domain.classes import CustomerClass
from server.domain.errors import InvalidInput
from server.domain.text import Text


class PolicyKind(StrEnum):
    APQ = "apq"  # accumulating priority with the due rule (default)
    APQ_PLAIN = "apq_plain"  # accumulating priority alone, for comparison
    FIFO = "fifo"  # earliest arrival, classes ignored
    STRICT = "strict"  # class rank first, then earliest anchor


# Rank for the strict policy: lower goes first.
STRICT_RANK: dict[CustomerClass, int] = {
    CustomerClass.PRIORITY: 0,
    CustomerClass.APPOINTMENT: 1,
    CustomerClass.VIP: 2,
    CustomerClass.REGULAR: 3,
}


@dataclass(frozen=True, slots=True)
class ClassRule:
    """Seconds: waiting target, head start counted as already waited, hard limit."""

    target: int
    head_start: int = 0
    hard_limit: int | None = None


# Chosen with the branch-day simulator on generated days (docs/policy.md). With the due
# rule, every fast class keeps its p90 within its target at 85% load while regulars' p90
# stays within 15% of FIFO's. What regulars pay is set by how long fast-class customers
# wait at the busy hours (the conservation law, see docs/policy.md), so the targets are
# as long as a bank branch can sensibly promise: 10 minutes for VIPs, 7 for priority and
# booked customers. Head starts of one minute let a newly arrived fast-class customer
# overtake a regular who has only just arrived. Hard limits are 3 x target (VIP a little
# under): once everyone is overdue, as in a lunch-peak overload, they set the order, so
# they keep the targets' ratios.
DEFAULT_RULES: dict[CustomerClass, ClassRule] = {
    CustomerClass.REGULAR: ClassRule(target=900, head_start=0, hard_limit=2700),
    CustomerClass.VIP: ClassRule(target=600, head_start=60, hard_limit=1740),
    CustomerClass.PRIORITY: ClassRule(target=420, head_start=60, hard_limit=1260),
    CustomerClass.APPOINTMENT: ClassRule(target=420, head_start=60, hard_limit=1260),
}

MAX_SECONDS = 24 * 3600

# Seconds before its target at which a fast-class ticket becomes due (see the module
# docstring): about one call's worth of lead at a five-counter branch (mean service
# 6.5 min, so a counter frees up every 78 s on average), enough for nine in ten to be
# called in time. A longer lead makes fast classes wait less and regulars more.
DUE_LEAD_S = 90
# Booked customers come in batches (everyone booked into a slot starts to wait at its start),
# so several are due at once and need more lead: enough for nine in ten punctual booked
# customers to be called within target (python -m bench.bench_booking: 89.6% at 90 s, 91.4%
# at 135 s), little enough to keep regulars within 15% of FIFO on the busier tuning days.
BOOKED_DUE_LEAD_S = 135


def due_at(policy: QueuePolicy, cls: CustomerClass) -> float | None:
    """Seconds after its anchor at which a ticket of ``cls`` becomes due; None if never (the slowest class)."""
    target = policy.rules[cls].target
    if not any(r.target > target for r in policy.rules.values()):
        return None
    lead = BOOKED_DUE_LEAD_S if cls is CustomerClass.APPOINTMENT else DUE_LEAD_S
    return max(0.0, target - lead)


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    kind: PolicyKind = PolicyKind.APQ
    rules: Mapping[CustomerClass, ClassRule] = field(default_factory=lambda: dict(DEFAULT_RULES))

    def rule(self, cls: CustomerClass) -> ClassRule:
        return self.rules[cls]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "classes": {
                cls.value: {
                    "target": r.target,
                    "head_start": r.head_start,
                    "hard_limit": r.hard_limit,
                }
                for cls, r in self.rules.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueuePolicy:
        """Build from the API/TOML shape; classes left out keep their defaults."""
        kind_raw = data.get("kind", PolicyKind.APQ.value)
        try:
            kind = PolicyKind(kind_raw)
        except ValueError:
            raise InvalidInput(
                "invalid_policy_kind",
                f"kind must be one of {', '.join(k.value for k in PolicyKind)}, not {kind_raw!r}",
                "kind",
            ) from None
        rules = dict(DEFAULT_RULES)
        classes = data.get("classes", {})
        if not isinstance(classes, Mapping):
            raise InvalidInput("invalid_policy", "classes must be an object", "classes")
        for name, raw in classes.items():
            try:
                customer_class = CustomerClass(name)
            except ValueError:
                raise InvalidInput("unknown_class", f"unknown customer class {name!r}", f"classes.{name}") from None
            rules[customer_class] = _parse_rule(name, raw, rules[customer_class])
        return cls(kind=kind, rules=rules)


def _parse_rule(name: str, raw: Any, default: ClassRule) -> ClassRule:
    if not isinstance(raw, Mapping):
        raise InvalidInput("invalid_policy", f"classes.{name} must be an object", f"classes.{name}")
    values: dict[str, int | None] = {
        "target": default.target,
        "head_start": default.head_start,
        "hard_limit": default.hard_limit,
    }
    for key in values:
        if key not in raw:
            continue
        value = raw[key]
        where = f"classes.{name}.{key}"
        if value is None and key == "hard_limit":
            values[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SECONDS:
            raise InvalidInput("invalid_policy", f"{where} must be whole seconds from 0 to {MAX_SECONDS}", where)
        values[key] = value
    target = values["target"]
    if not target:
        raise InvalidInput("invalid_policy", f"classes.{name}.target must be above 0", f"classes.{name}.target")
    head_start = values["head_start"] or 0
    return ClassRule(target=target, head_start=head_start, hard_limit=values["hard_limit"])


@dataclass(frozen=True, slots=True)
class Candidate:
    """The head of one (service, class) queue. Times are epoch seconds."""

    ticket_id: int
    service_id: int
    customer_class: CustomerClass
    anchor: float
    arrival: float


@dataclass(frozen=True, slots=True)
class CallReason:
    """Why a ticket was chosen, for staff screens and the audit trail."""

    code: str
    priority: float
    customer_class: CustomerClass

    @property
    def text(self) -> Text:
        """Catalogue key ``reason.<code>``; ``{cls}`` is the class's short name."""
        return Text(f"reason.{self.code}", {"cls": Text(f"reason.cls.{self.customer_class.value}")})

    def to_dict(self) -> dict[str, Any]:
        """The stored part; the edge adds the rendered ``text``."""
        return {"code": self.code, "priority": round(self.priority, 3)}


@dataclass(frozen=True, slots=True)
class Choice:
    candidate: Candidate
    reason: CallReason


def priority(policy: QueuePolicy, c: Candidate, now: float) -> float:
    rule = policy.rules[c.customer_class]
    return (now - c.anchor + rule.head_start) / rule.target


def past_hard_limit(policy: QueuePolicy, c: Candidate, now: float) -> bool:
    limit = policy.rules[c.customer_class].hard_limit
    return limit is not None and now - c.anchor >= limit


def pick_next(
    candidates: Iterable[Candidate],
    service_order: Sequence[int],
    now: float,
    policy: QueuePolicy,
) -> Choice | None:
    """The ticket a counter serving ``service_order`` (primary first) calls at ``now``."""
    rank = {sid: i for i, sid in enumerate(service_order)}
    pool = [c for c in candidates if c.service_id in rank]
    if not pool:
        return None
    if policy.kind is PolicyKind.FIFO:
        best = min(pool, key=lambda c: (c.arrival, rank[c.service_id], c.ticket_id))
        return Choice(best, _reason("fifo", 0.0, best))
    if policy.kind is PolicyKind.STRICT:
        best = min(
            pool,
            key=lambda c: (STRICT_RANK[c.customer_class], c.anchor, rank[c.service_id], c.ticket_id),
        )
        return Choice(best, _reason("class_rank", 0.0, best))
    return _pick_apq(pool, rank, now, policy)


def _pick_apq(pool: list[Candidate], rank: dict[int, int], now: float, policy: QueuePolicy) -> Choice:
    overdue = [c for c in pool if past_hard_limit(policy, c, now)]
    if overdue:
        # Among overdue tickets, the one furthest past its own limit goes first.
        def overdue_key(c: Candidate) -> tuple[float, int, float, int]:
            limit = policy.rules[c.customer_class].hard_limit or 1
            return (-(now - c.anchor) / limit, rank[c.service_id], c.anchor, c.ticket_id)

        best = min(overdue, key=overdue_key)
        return Choice(best, _reason("hard_limit", priority(policy, best, now), best))
    scored = [(priority(policy, c, now), c) for c in pool]
    top, best = min(scored, key=lambda pc: (-pc[0], rank[pc[1].service_id], pc[1].anchor, pc[1].ticket_id))
    if policy.kind is PolicyKind.APQ:
        due = [(p, c) for p, c in scored if is_due(policy, c, now)]
        if due:
            p, chosen = min(due, key=lambda pc: (_deadline(policy, pc[1]), rank[pc[1].service_id], pc[1].ticket_id))
            if chosen is not best:
                return Choice(chosen, _reason("near_target", p, chosen))
    return Choice(best, _reason(_apq_reason_code(policy, pool, best, top, now), top, best))


def is_due(policy: QueuePolicy, c: Candidate, now: float) -> bool:
    """Whether ``c`` is a due fast-class ticket at ``now`` under the ``apq`` due rule."""
    start = due_at(policy, c.customer_class)
    return start is not None and now - c.anchor >= start


def _deadline(policy: QueuePolicy, c: Candidate) -> float:
    """When ``c`` reaches its class's waiting target."""
    return c.anchor + policy.rules[c.customer_class].target


def _apq_reason_code(policy: QueuePolicy, pool: list[Candidate], best: Candidate, top: float, now: float) -> str:
    if len(pool) == 1:
        return "only_waiting"
    if top >= 1.0:
        return "past_target"
    if all(best.anchor <= c.anchor for c in pool):
        return "longest_wait"
    if policy.rules[best.customer_class].head_start > 0:
        return "head_start"
    return "faster_priority"


def reason_for(code: str, customer_class: CustomerClass, value: float = 0.0) -> CallReason:
    return CallReason(code, value, customer_class)


def _reason(code: str, value: float, c: Candidate) -> CallReason:
    return reason_for(code, c.customer_class, value)


def ahead_thresholds(
    policy: QueuePolicy, customer_class: CustomerClass, anchor: float, now: float
) -> dict[CustomerClass, float]:
    """For each class k, the anchor before which a waiting ticket of k is ahead of this one now.

    Ticket j of class k is ahead of ticket i when P_j(now) > P_i(now), i.e. when
    anchor_j < now + head_start_k - target_k * P_i(now). Lets the store count people
    ahead with one indexed range count per class instead of ranking the whole queue.
    Under ``apq`` the count ignores the due rule, which later moves a fast-class ticket
    forward once it is due (:func:`due_at`): an estimate, not a promise.
    """
    if policy.kind is PolicyKind.FIFO:
        return dict.fromkeys(CustomerClass, anchor)
    if policy.kind is PolicyKind.STRICT:
        mine = STRICT_RANK[customer_class]
        return {
            k: (float("inf") if STRICT_RANK[k] < mine else anchor if k is customer_class else float("-inf"))
            for k in CustomerClass
        }
    rule = policy.rules[customer_class]
    p_mine = (now - anchor + rule.head_start) / rule.target
    return {k: now + r.head_start - r.target * p_mine for k, r in policy.rules.items()}
