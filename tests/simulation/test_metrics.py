"""Percentiles, share within target and utilisation of a simulated day."""

from __future__ import annotations

import pytest

from server.simulation.metrics import day_figures, percentile
from tests.simulation.builders import desks, run, walk_in


def test_percentile_interpolates_between_order_statistics() -> None:
    assert percentile([0.0, 10.0], 0.9) == pytest.approx(9.0)
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile([], 0.9) == 0.0


def test_day_figures_give_waits_per_class_and_service_and_utilisation() -> None:
    arrivals = [walk_in(0, duration=600), walk_in(0, "B", duration=600), walk_in(100, cls="vip")]
    figures = day_figures(run(arrivals, desks(("A",), ("B",)), vip=400))
    assert figures.classes["vip"].n == 1
    assert figures.classes["vip"].mean == 500.0
    assert figures.classes["vip"].within_target == 0.0
    assert figures.services["B"].mean == 0.0
    # The day ends at 700 s when counter 1 finishes; counter 2 was busy 600 s of it.
    assert figures.utilisation == {"1": 1.0, "2": pytest.approx(600 / 700)}
