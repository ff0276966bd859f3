"""Properties of the queue policy over random waiting rooms (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from server.domain.classes import CustomerClass
from server.domain.policy import (
    DEFAULT_RULES,
    Candidate,
    ClassRule,
    PolicyKind,
    QueuePolicy,
    due_at,
    is_due,
    past_hard_limit,
    pick_next,
)
from server.i18n import render_all

NOW = 100_000.0
SERVICES = (1, 2, 3)
KINDS = tuple(PolicyKind)


@st.composite
def waiting_rooms(draw: st.DrawFn, min_size: int = 1) -> list[Candidate]:
    """Tickets that arrived up to 2 h ago; booked ones anchored at a slot up to 30 min either side."""
    size = draw(st.integers(min_size, 25))
    tickets = []
    for ticket_id in range(size):
        cls = draw(st.sampled_from(CustomerClass))
        arrival = NOW - draw(st.floats(0, 7200, allow_nan=False))
        anchor = arrival
        if cls is CustomerClass.APPOINTMENT:
            anchor = min(NOW, arrival + draw(st.floats(-600, 1800, allow_nan=False)))
        tickets.append(Candidate(ticket_id, draw(st.sampled_from(SERVICES)), cls, anchor, arrival))
    return tickets


def queue_order(policy: QueuePolicy, c: Candidate) -> tuple[float, int]:
    """The order inside one (service, class) queue: by anchor, or by arrival under fifo."""
    return (c.arrival if policy.kind is PolicyKind.FIFO else c.anchor, c.ticket_id)


def is_head(policy: QueuePolicy, chosen: Candidate, room: list[Candidate]) -> bool:
    same_queue = [c for c in room if (c.service_id, c.customer_class) == (chosen.service_id, chosen.customer_class)]
    return min(same_queue, key=lambda c: queue_order(policy, c)) == chosen


@given(room=waiting_rooms(), kind=st.sampled_from(KINDS), order=st.permutations(SERVICES))
def test_the_ticket_called_is_always_the_head_of_its_service_and_class_queue(
    room: list[Candidate], kind: PolicyKind, order: list[int]
) -> None:
    # Offering every waiting ticket (not only heads) shows that only heads can ever win.
    policy = QueuePolicy(kind=kind)
    choice = pick_next(room, order, NOW, policy)
    assert choice is not None
    assert is_head(policy, choice.candidate, room)


@given(room=waiting_rooms(), kind=st.sampled_from(KINDS), gaps=st.lists(st.floats(0, 600), min_size=25, max_size=25))
def test_calls_come_out_first_come_first_served_within_each_queue(
    room: list[Candidate], kind: PolicyKind, gaps: list[float]
) -> None:
    policy = QueuePolicy(kind=kind)
    waiting, now, called = list(room), NOW, []
    while waiting:
        choice = pick_next(waiting, SERVICES, now, policy)
        assert choice is not None
        called.append(choice.candidate)
        waiting.remove(choice.candidate)
        now += gaps[len(called) - 1]
    for service in SERVICES:
        for cls in CustomerClass:
            queue = [c for c in called if (c.service_id, c.customer_class) == (service, cls)]
            assert queue == sorted(queue, key=lambda c: queue_order(policy, c))


@given(room=waiting_rooms(), kind=st.sampled_from([PolicyKind.APQ, PolicyKind.APQ_PLAIN]))
def test_a_counter_never_calls_a_ticket_within_its_limit_while_one_is_past_its_hard_limit(
    room: list[Candidate], kind: PolicyKind
) -> None:
    policy = QueuePolicy(kind=kind)
    choice = pick_next(room, SERVICES, NOW, policy)
    assert choice is not None
    if any(past_hard_limit(policy, c, NOW) for c in room):
        assert past_hard_limit(policy, choice.candidate, NOW)
        assert choice.reason.code == "hard_limit"


def head_start_window() -> float:
    """How long a regular may have waited and still be overtaken by a VIP who just arrived."""
    vip, regular = DEFAULT_RULES[CustomerClass.VIP], DEFAULT_RULES[CustomerClass.REGULAR]
    return vip.head_start * regular.target / vip.target


@given(fraction=st.floats(0.01, 0.99), kind=st.sampled_from([PolicyKind.APQ, PolicyKind.APQ_PLAIN]))
def test_a_vip_who_just_arrived_overtakes_a_regular_who_arrived_moments_before(
    fraction: float, kind: PolicyKind
) -> None:
    waited = fraction * head_start_window()
    regular = Candidate(1, 1, CustomerClass.REGULAR, NOW - waited, NOW - waited)
    vip = Candidate(2, 1, CustomerClass.VIP, NOW, NOW)
    choice = pick_next([regular, vip], [1], NOW, QueuePolicy(kind=kind))
    assert choice is not None and choice.candidate == vip
    assert choice.reason.code == "head_start"


@given(extra=st.floats(0, 1800), kind=st.sampled_from([PolicyKind.APQ, PolicyKind.APQ_PLAIN]))
def test_a_vip_who_just_arrived_does_not_overtake_a_regular_who_waited_past_target(
    extra: float, kind: PolicyKind
) -> None:
    waited = DEFAULT_RULES[CustomerClass.REGULAR].target + extra
    regular = Candidate(1, 1, CustomerClass.REGULAR, NOW - waited, NOW - waited)
    vip = Candidate(2, 1, CustomerClass.VIP, NOW, NOW)
    choice = pick_next([regular, vip], [1], NOW, QueuePolicy(kind=kind))
    assert choice is not None and choice.candidate == regular


@given(room=waiting_rooms(), kind=st.sampled_from(KINDS))
def test_every_call_has_a_reason_in_chinese_and_english(room: list[Candidate], kind: PolicyKind) -> None:
    choice = pick_next(room, SERVICES, NOW, QueuePolicy(kind=kind))
    assert choice is not None
    assert choice.reason.code
    assert all(render_all(choice.reason.text).values())


@given(room=waiting_rooms(), kind=st.sampled_from(KINDS))
def test_a_counter_calls_nobody_when_no_waiting_ticket_is_for_its_services(
    room: list[Candidate], kind: PolicyKind
) -> None:
    assert pick_next(room, [99], NOW, QueuePolicy(kind=kind)) is None


@given(room=waiting_rooms(min_size=2))
def test_a_fast_class_ticket_near_its_target_goes_before_regulars_within_theirs(room: list[Candidate]) -> None:
    policy = QueuePolicy()
    calm = [c for c in room if not past_hard_limit(policy, c, NOW)]
    choice = pick_next(calm, SERVICES, NOW, policy) if calm else None
    if choice is not None and choice.candidate.customer_class is CustomerClass.REGULAR:
        # A regular is only called while no fast-class ticket is due (waited to within the lead of its target).
        for c in calm:
            if c.customer_class is not CustomerClass.REGULAR:
                assert not is_due(policy, c, NOW)


@given(room=waiting_rooms(min_size=2))
def test_among_due_tickets_the_one_whose_target_comes_first_is_called(room: list[Candidate]) -> None:
    policy = QueuePolicy()
    calm = [c for c in room if not past_hard_limit(policy, c, NOW)]
    due = [c for c in calm if is_due(policy, c, NOW)]
    choice = pick_next(calm, SERVICES, NOW, policy) if due else None
    if choice is not None:
        deadline = choice.candidate.anchor + DEFAULT_RULES[choice.candidate.customer_class].target
        assert choice.candidate in due
        assert deadline == min(c.anchor + DEFAULT_RULES[c.customer_class].target for c in due)


@given(regular_wait=st.floats(900, 2600), kind=st.sampled_from([PolicyKind.APQ, PolicyKind.APQ_PLAIN]))
def test_a_priority_customer_near_target_goes_before_a_late_regular_only_with_the_due_rule(
    regular_wait: float, kind: PolicyKind
) -> None:
    start = due_at(QueuePolicy(), CustomerClass.PRIORITY)
    assert start is not None
    waited = start + 1
    regular = Candidate(1, 1, CustomerClass.REGULAR, NOW - regular_wait, NOW - regular_wait)
    fast = Candidate(2, 1, CustomerClass.PRIORITY, NOW - waited, NOW - waited)
    choice = pick_next([regular, fast], [1], NOW, QueuePolicy(kind=kind))
    assert choice is not None
    if kind is PolicyKind.APQ:
        assert (choice.candidate, choice.reason.code) == (fast, "near_target")
    else:
        assert choice.candidate == regular


def test_fast_classes_are_due_before_their_target_and_regulars_never() -> None:
    policy = QueuePolicy()
    assert due_at(policy, CustomerClass.REGULAR) is None
    for cls in (CustomerClass.VIP, CustomerClass.PRIORITY, CustomerClass.APPOINTMENT):
        start = due_at(policy, cls)
        assert start is not None and 0 < start < DEFAULT_RULES[cls].target


def test_booked_customers_are_due_earlier_than_walk_ins_with_the_same_target() -> None:
    """Everyone booked into one slot starts to wait at the slot start, so they need more lead."""
    same = ClassRule(target=420, head_start=60, hard_limit=1260)
    policy = QueuePolicy(rules={**DEFAULT_RULES, CustomerClass.PRIORITY: same, CustomerClass.APPOINTMENT: same})
    booked, walk_in = due_at(policy, CustomerClass.APPOINTMENT), due_at(policy, CustomerClass.PRIORITY)
    assert booked is not None and walk_in is not None and booked < walk_in
