"""The Monte Carlo forecast: exact on a textbook queue, "now" when the call is, honest about closed services."""

from __future__ import annotations

import random

from server.domain.classes import CustomerClass
from server.domain.estimate import erlang_quantile
from server.domain.forecast import (
    ArrivalPlan,
    BookedDue,
    BranchModel,
    BranchState,
    Desk,
    ServiceTime,
    Waiting,
    forecast,
    runs_for,
)
from server.domain.policy import PolicyKind, QueuePolicy

NOW = 1_000_000.0
MEAN_S = 300.0
COUNTERS = 3
FIFO = QueuePolicy(kind=PolicyKind.FIFO)
EXPONENTIAL = BranchModel(
    {1: ServiceTime(MEAN_S, 1.0, exponential=True)},
    ArrivalPlan((0.0,), ({(1, CustomerClass.REGULAR): 0.8 * COUNTERS / MEAN_S},)),
)


def busy_branch(waiting: int, policy: QueuePolicy = FIFO) -> BranchState:
    """M/M/3 at 80% load, every counter busy, ``waiting`` customers in line."""
    tickets = tuple(
        Waiting(i, 1, CustomerClass.REGULAR, NOW - 60.0 * (waiting - i), NOW - 60.0 * (waiting - i))
        for i in range(waiting)
    )
    desks = tuple(Desk(n, (1,), busy_since=NOW - 120.0, busy_service=1) for n in range(1, COUNTERS + 1))
    return BranchState(NOW, tickets, desks, policy)


def test_intervals_cover_the_exact_mmc_wait_at_the_stated_rate() -> None:
    # Under FIFO with every counter busy, the k-th in line (k = 0, 1, ...) is called after
    # k + 1 departures of a pooled exponential with rate c / m: Erlang(k + 1, c / m), whatever
    # arrives later. Real waits drawn from that law must fall inside [p10, p90] 80% of the time.
    state = busy_branch(12)
    result = forecast(state, EXPONENTIAL, runs=400, seed=3)
    rng = random.Random(11)
    inside = below = total = 0
    for k, ticket in enumerate(state.waiting):
        band = result.tickets[ticket.ticket_id]
        rate = COUNTERS / MEAN_S
        assert abs(band.p50 - erlang_quantile(k + 1, rate, 0.5)) <= 0.12 * erlang_quantile(k + 1, rate, 0.5) + 5
        for _ in range(500):
            wait = sum(rng.expovariate(rate) for _ in range(k + 1))
            total += 1
            inside += band.p10 <= wait <= band.p90
            below += wait < band.p10
    assert 0.77 <= inside / total <= 0.83
    assert 0.07 <= below / total <= 0.13


def test_nobody_ahead_and_a_free_counter_is_now() -> None:
    state = BranchState(
        NOW,
        (Waiting(7, 1, CustomerClass.REGULAR, NOW - 5.0, NOW - 5.0),),
        (Desk(1, (1,), busy_since=None), Desk(2, (1,), busy_since=NOW - 30.0, busy_service=1)),
        QueuePolicy(),
    )
    result = forecast(state, EXPONENTIAL, runs=50, seed=1, probes=(1,))
    assert result.tickets[7].to_dict() == {"p10": 0, "p50": 0, "p90": 0}
    assert result.tickets[7].now is True
    assert result.tickets[7].chance_within(300) == 1.0
    # A ticket issued now would be next at the counter that frees up: not "now", but soon.
    assert result.services[1].now is False


def test_a_service_no_open_counter_serves_gets_no_forecast() -> None:
    state = BranchState(
        NOW,
        (Waiting(1, 1, CustomerClass.REGULAR, NOW, NOW), Waiting(2, 2, CustomerClass.REGULAR, NOW, NOW)),
        (Desk(1, (1,)),),
        QueuePolicy(),
    )
    result = forecast(state, EXPONENTIAL, runs=20, probes=(1, 2))
    assert set(result.tickets) == {1}
    assert set(result.services) == {1}


def test_a_vip_is_forecast_to_overtake_regulars_and_a_regular_to_be_overtaken() -> None:
    regulars = [Waiting(i, 1, CustomerClass.REGULAR, NOW - 600.0 + i, NOW - 600.0 + i) for i in range(10)]
    vip = Waiting(99, 1, CustomerClass.VIP, NOW, NOW)
    state = BranchState(NOW, (*regulars, vip), busy_branch(0).desks, QueuePolicy())
    plain = forecast(state, BranchModel({1: ServiceTime(MEAN_S)}), runs=100, seed=2)
    # The due rule calls the VIP once due (8.5 minutes), long before the last regular.
    assert 510 <= plain.tickets[99].p50 < plain.tickets[9].p50
    # Priority customers expected to arrive delay the last regular in line.
    busy_plan = ArrivalPlan((0.0,), ({(1, CustomerClass.PRIORITY): 1 / 120},))
    overtaken = forecast(state, BranchModel({1: ServiceTime(MEAN_S)}, busy_plan), runs=100, seed=2)
    assert overtaken.tickets[9].p50 > plain.tickets[9].p50 + 120


def test_same_seed_same_forecast_and_runs_shrink_with_the_queue() -> None:
    state = busy_branch(8)
    first = forecast(state, EXPONENTIAL, runs=60, seed=5)
    again = forecast(state, EXPONENTIAL, runs=60, seed=5)
    assert [f.to_dict() for f in first.tickets.values()] == [f.to_dict() for f in again.tickets.values()]
    assert runs_for(20) == 200
    assert runs_for(100) < runs_for(20)
    assert runs_for(500) == runs_for(5000) >= 12


def test_the_customer_at_the_counter_takes_the_time_of_their_own_service_even_service_zero() -> None:
    # Service ids start wherever the store starts them; id 0 is a service like any other.
    quick_and_slow = BranchModel({0: ServiceTime(60.0), 1: ServiceTime(6000.0)})
    state = BranchState(
        NOW,
        (Waiting(5, 0, CustomerClass.REGULAR, NOW, NOW),),
        (Desk(1, (0, 1), busy_since=NOW - 10.0, busy_service=0),),
        QueuePolicy(),
    )
    assert forecast(state, quick_and_slow, runs=100, seed=4).tickets[5].p90 < 300


def test_a_ticket_issued_now_is_behind_one_issued_the_same_second() -> None:
    state = BranchState(NOW, (Waiting(3, 1, CustomerClass.REGULAR, NOW, NOW),), (Desk(1, (1,)),), QueuePolicy())
    result = forecast(state, BranchModel({1: ServiceTime(300.0)}), runs=50, seed=1, probes=(1,))
    assert result.tickets[3].now is True
    assert result.services[1].p10 > 30


def booked_who_have_not_come(booked: BookedDue, now: float, rng: random.Random, n: int) -> list[float | None]:
    """The law a booking stands for (comes with chance ``show``, at a normal time around its slot), kept only
    for the customers who have not checked in by ``now``: when each checks in, None for a no-show."""
    kept: list[float | None] = []
    while len(kept) < n:
        comes = rng.random() < booked.show
        at = rng.gauss(booked.slot_s - booked.early_mean_s, booked.early_sd_s)
        if not comes:
            kept.append(None)
        elif at > now:
            kept.append(at)
    return kept


def test_a_booked_customer_not_come_yet_checks_in_as_those_who_had_not_come_by_then_did() -> None:
    booked = BookedDue(1, NOW, show=0.9, early_mean_s=300.0, early_sd_s=360.0)
    rng = random.Random(8)
    for now in (NOW - 1800.0, NOW - 300.0, NOW, NOW + 300.0):
        truth = booked_who_have_not_come(booked, now, rng, 20_000)
        drawn = [booked.check_in(now, rng) for _ in range(20_000)]
        came = [t for t in truth if t is not None]
        comes = [t for t in drawn if t is not None]
        assert abs(len(comes) / len(drawn) - len(came) / len(truth)) < 0.02
        assert min(comes) >= now
        assert abs(sum(comes) / len(comes) - sum(came) / len(came)) < 20.0


def test_a_booking_of_a_slot_just_past_overtakes_only_as_often_as_such_customers_still_come() -> None:
    # A booked customer checked in a minute before their slot; one counter, busy, frees in 5
    # minutes. Someone booked four minutes ago has not come: if they check in before the
    # counter frees, their earlier slot calls them first and the waiting one waits 5 more.
    # Most who come, come early, so one not here by now is most likely not coming at all.
    mine = Waiting(1, 1, CustomerClass.APPOINTMENT, NOW + 60.0, NOW)
    desk = Desk(1, (1,), busy_since=NOW, busy_service=1)
    late = BookedDue(1, NOW - 240.0, show=0.9, early_mean_s=300.0, early_sd_s=360.0)
    model = BranchModel({1: ServiceTime(300.0, cv=0.01)}, booked=(late,))
    result = forecast(BranchState(NOW, (mine,), (desk,), QueuePolicy()), model, runs=400, seed=6)
    truth = booked_who_have_not_come(late, NOW, random.Random(9), 20_000)
    overtaken = sum(1 for t in truth if t is not None and t < NOW + 300.0) / len(truth)
    assert abs(result.tickets[1].chance_within(450.0) - (1.0 - overtaken)) < 0.07
