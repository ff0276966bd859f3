"""The pure presence rules: which part of a device is missed, when a counter's terminal counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.alerts import Thresholds
from server.domain.presence import Beat, Terminal, counters_to_pause, terminal_alerts, terminal_silence, worst_part
from server.i18n import render

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_the_part_silent_longest_is_the_one_missed_and_a_part_never_heard_from_is_not() -> None:
    assert worst_part([], NOW) is None
    beats = [Beat("device", 1, "page", ago(5)), Beat("device", 1, "agent", ago(90))]
    assert worst_part(beats, NOW) == ("agent", 90)


def test_a_terminal_counts_for_the_counters_current_open_period_only() -> None:
    opened = ago(600)
    seen_during = Terminal(1, 1, "open", opened, Beat("counter", 1, "terminal", ago(400)))
    seen_before = Terminal(2, 2, "open", opened, Beat("counter", 2, "terminal", ago(700)))
    closed = Terminal(3, 3, "closed", opened, Beat("counter", 3, "terminal", ago(400)))
    none = Terminal(4, 4, "open", opened, None)
    assert [terminal_silence(t, NOW) for t in (seen_during, seen_before, closed, none)] == [400, None, None, None]
    assert [t.counter_id for t in counters_to_pause([seen_during, seen_before, closed, none], NOW, Thresholds())] == [1]


def test_a_counter_paused_for_its_gone_terminal_still_misses_it_until_it_is_back() -> None:
    paused_at = ago(100)
    beat = Beat("counter", 1, "terminal", ago(400), paused_at=paused_at)
    (alert,) = terminal_alerts([Terminal(1, 7, "paused", paused_at, beat)], NOW, Thresholds())
    assert (alert.kind, alert.subject, render(alert.message, "en")) == (
        "device_offline",
        {"counter_id": 1},
        "Counter 7: the teller's terminal has been silent for 400 s",
    )
    paused_by_teller = Terminal(1, 7, "paused", ago(50), beat)  # a pause of the teller's own, later
    assert terminal_alerts([paused_by_teller], NOW, Thresholds()) == []


@pytest.mark.parametrize("value", [0, -5, True, "60", 1.5, None])
def test_a_limit_that_is_not_whole_positive_seconds_keeps_the_default(value: object) -> None:
    limits = Thresholds.from_settings({"alerts": {"counter_gone_s": value, "device_heartbeat_s": value}})
    assert (limits.counter_gone_s, limits.device_heartbeat_s) == (300, 60)
    assert Thresholds.from_settings({"alerts": {"counter_gone_s": 120}}).counter_gone_s == 120
