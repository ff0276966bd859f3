"""The simulator against queueing theory on shorter runs than the bench's 5% checks.

Tolerance: waits of successive customers are correlated, so the standard error comes
from 20 batch means; the check passes when theory lies inside the 99% Student-t interval
(t = 2.861, 19 degrees of freedom) AND that interval is narrower than 12% of the theory
value, so a simulator off by more than 12% cannot pass. With 100,000 customers the
standard error is about 3% of the mean (99% half-width about 8.5%). The 5% figures come
from the longer runs of bench/bench_simulation.py. Fixed seeds: the outcome repeats.
"""

from __future__ import annotations

import pytest

from server.simulation.theory import TheoryCheck, erlang_c_check, erlang_c_wait, kleinrock_apq_waits, kleinrock_check

CUSTOMERS = 100_000


def assert_matches(check: TheoryCheck) -> None:
    half = check.half_width(0.99)
    assert half < 0.12 * check.theory, f"{check.label}: interval too wide to judge ({half:.1f} s)"
    assert abs(check.simulated - check.theory) <= half, (
        f"{check.label}: simulated {check.simulated:.1f} s, theory {check.theory:.1f} s, 99% half-width {half:.1f} s"
    )


def test_erlang_c_formula_gives_textbook_values() -> None:
    # M/M/1: W = rho / (mu (1 - rho)); M/M/2 at a = 1: P(wait) = 1/3, W = (1/3) / (2 - 1).
    assert erlang_c_wait(1, 0.5, 1.0) == pytest.approx(1.0)
    assert erlang_c_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)


def test_kleinrock_formula_reduces_to_mm1_and_keeps_conservation() -> None:
    same = kleinrock_apq_waits([1.0, 1.0], [0.3, 0.4], 0.7)
    assert same == pytest.approx([0.7 / 0.3, 0.7 / 0.3])
    regular, fast = kleinrock_apq_waits([1 / 900, 1 / 300], [0.45, 0.45], 0.9 * 100)
    assert fast < regular
    # Kleinrock's conservation law: the load-weighted mean wait equals FIFO's.
    assert 0.45 * regular + 0.45 * fast == pytest.approx(0.9 * erlang_c_wait(1, 0.009, 100.0))


def test_fifo_with_three_counters_matches_erlang_c() -> None:
    assert_matches(erlang_c_check(counters=3, load=0.7, customers=CUSTOMERS, seed=11))


def test_two_classes_on_one_counter_match_kleinrock_accumulating_priority() -> None:
    regular, fast = kleinrock_check(loads=(0.35, 0.35), targets=(900, 300), customers=CUSTOMERS, seed=12)
    assert fast.simulated < regular.simulated
    assert_matches(regular)
    assert_matches(fast)
