"""Booking bench (on demand): simulated days with appointments through the real policy.

    python -m bench.bench_booking            # from the repository root

Prints the figures of docs/performance.md (## Booking).
"""

from __future__ import annotations

import math
import sys
import time

from tests.booking.day import SHAPE, booking_days, no_show_share, predicted_walk_in_wait

SEEDS = range(200)


def main() -> int:
    started = time.perf_counter()
    days = booking_days(SEEDS)
    took = time.perf_counter() - started
    on_time = sum(d.on_time for d in days)
    within = sum(d.on_time_within_target for d in days)
    per_day = sorted(d.punctual_share for d in days)

    def mean(values: list[float]) -> float:
        return math.fsum(values) / len(values)

    print(
        f"{len(days)} days, {SHAPE.counters} counters, load {SHAPE.load}, {SHAPE.appointment_share:.0%} booked, "
        f"no-shows {no_show_share(SEEDS):.1%}; {took:.1f} s"
    )
    print(
        f"booked and on time: {on_time}, called within target of the slot start: {within / on_time:.1%} "
        f"(worst day {per_day[0]:.1%}, median day {per_day[len(per_day) // 2]:.1%})"
    )
    print(f"appointment work: {mean([d.appointment_load for d in days]):.2f} counters")
    print(
        f"walk-in mean wait: alone {mean([d.walk_in_wait_alone for d in days]):.0f} s, "
        f"with bookings {mean([d.walk_in_wait for d in days]):.0f} s, "
        f"appointments always first {mean([d.walk_in_wait_given_away for d in days]):.0f} s, "
        f"Erlang C steady-state estimate {predicted_walk_in_wait(days):.0f} s"
    )
    worse = sum(1 for d in days if d.walk_in_wait > d.walk_in_wait_given_away)
    print(f"days where walk-ins waited longer than with appointments always first: {worse} of {len(days)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
