"""Issue 5's rule on simulated days (walk-ins + 15% booked, 4% of bookings no-shows), real policy."""

from __future__ import annotations

import math

from tests.booking.day import booking_days, no_show_share

SEEDS = range(40)


def test_punctual_booked_customers_are_called_within_their_target_and_walk_ins_pay_no_more_than_predicted() -> None:
    days = booking_days(SEEDS)
    on_time = sum(d.on_time for d in days)
    assert on_time > 1000
    assert sum(d.on_time_within_target for d in days) / on_time >= 0.90
    walk_in = math.fsum(d.walk_in_wait for d in days) / len(days)
    alone = math.fsum(d.walk_in_wait_alone for d in days) / len(days)
    given_away = math.fsum(d.walk_in_wait_given_away for d in days) / len(days)
    assert alone < walk_in <= given_away
    assert 0.03 <= no_show_share(SEEDS) <= 0.05
