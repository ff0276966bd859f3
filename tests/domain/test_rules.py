"""Pure rules: numbering, business days, lifecycle, opening hours, estimates, announcements."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain import lifecycle
from server.domain.announcement import announcement_text, speech_text
from server.domain.classes import CustomerClass, TicketStatus
from server.domain.errors import Conflict, InvalidInput
from server.domain.estimate import erlang_cdf, erlang_quantile, estimate_wait
from server.domain.hours import dump_opening_hours, is_open, parse_opening_hours
from server.domain.numbering import business_date, format_number
from server.domain.policy import Candidate, QueuePolicy, ahead_thresholds
from server.i18n import render, render_all
from tests.support.languages import in_languages


def test_numbers_have_three_digits_then_widen_instead_of_wrapping():
    assert [format_number("A", n) for n in (1, 17, 999, 1000)] == ["A001", "A017", "A999", "A1000"]


def test_business_day_follows_the_branch_time_zone():
    late_utc = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 next day in Shanghai
    assert business_date(late_utc, "Asia/Shanghai").isoformat() == "2026-03-02"
    assert business_date(late_utc, "Europe/Berlin").isoformat() == "2026-03-01"


@pytest.mark.parametrize(
    ("action", "source", "target"),
    [
        ("call", "waiting", "called"),
        ("start", "called", "serving"),
        ("finish", "serving", "done"),
        ("no_show", "called", "no_show"),
        ("cancel", "waiting", "cancelled"),
        ("cancel", "called", "cancelled"),
        ("transfer", "serving", "waiting"),
        ("transfer", "called", "waiting"),
        ("recall", "called", "called"),
    ],
)
def test_legal_transitions(action, source, target):
    assert lifecycle.target_status(action, TicketStatus(source)) is TicketStatus(target)


@pytest.mark.parametrize(
    ("action", "source"),
    [
        ("start", "waiting"),
        ("finish", "called"),
        ("no_show", "serving"),
        ("cancel", "serving"),
        ("call", "done"),
        ("transfer", "waiting"),
        ("recall", "serving"),
        ("finish", "done"),
    ],
)
def test_illegal_transitions_are_conflicts_with_a_clear_code(action, source):
    with pytest.raises(Conflict) as error:
        lifecycle.target_status(action, TicketStatus(source))
    assert error.value.code.startswith("ticket_not_") and source in error.value.message


def test_opening_hours_parse_check_and_round_trip():
    hours = parse_opening_hours({"mon": [["13:00", "17:00"], ["09:00", "12:00"]], "sat": [["00:00", "24:00"]]})
    shanghai = ZoneInfo("Asia/Shanghai")
    assert is_open(hours, datetime(2026, 11, 23, 9, 0, tzinfo=shanghai))  # Monday
    assert not is_open(hours, datetime(2026, 11, 23, 12, 30, tzinfo=shanghai))
    assert not is_open(hours, datetime(2026, 11, 24, 10, 0, tzinfo=shanghai))  # Tuesday: closed
    assert is_open(hours, datetime(2026, 11, 28, 23, 59, tzinfo=shanghai))  # Saturday, all day
    assert dump_opening_hours(hours)["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]


@pytest.mark.parametrize(
    "bad",
    [
        {"mon": [["09:00", "08:00"]]},
        {"mon": [["9", "10:00"]]},
        {"xyz": []},
        {"mon": "09-17"},
        {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]},
        ["mon"],
    ],
)
def test_bad_opening_hours_are_refused(bad):
    with pytest.raises(InvalidInput):
        parse_opening_hours(bad)


def test_erlang_quantiles_match_the_distribution():
    for k in (1, 3, 20):
        for q in (0.1, 0.5, 0.9):
            x = erlang_quantile(k, 1 / 300, q)
            assert abs(erlang_cdf(k, 1 / 300, x) - q) < 0.01


def test_estimate_grows_with_people_ahead_and_shrinks_with_counters():
    one = estimate_wait(5, 1, 300)
    three = estimate_wait(5, 3, 300)
    more = estimate_wait(20, 1, 300)
    assert one.p10 < one.p50 < one.p90
    assert three.p50 < one.p50 < more.p50
    assert abs(one.p50 - 6 * 300) < 0.2 * 6 * 300  # mean of Erlang(6, 1/300) is 1800 s
    assert estimate_wait(0, 0, 300).p50 > 0  # no counter open: still a range


def test_announcement_shows_the_number_and_reads_counters_as_numbers():
    assert in_languages(render_all(announcement_text("A017", 3)), "zh", "en", "yue") == {
        "zh": "请 A017 号到 3 号窗口",
        "en": "Ticket A017, please go to counter 3",
        "yue": "請 A017 號到 3 號櫃檯",
    }
    assert render(speech_text("A017", 12, "zh"), "zh") == "请 A 零 一 七 号, 到 十二 号窗口"
    assert render(speech_text("A017", 12, "yue"), "yue") == "請 A 零 一 七 號, 到 十二 號櫃檯"
    assert render(speech_text("A017", 12, "en"), "en") == "Ticket A 0 1 7, please go to counter 12"


def test_people_ahead_thresholds_agree_with_pairwise_priority():
    policy = QueuePolicy()
    now = 10_000.0
    mine = Candidate(1, 1, CustomerClass.REGULAR, anchor=now - 400, arrival=now - 400)
    thresholds = ahead_thresholds(policy, mine.customer_class, mine.anchor, now)
    from server.domain.policy import priority

    for cls in CustomerClass:
        for waited in range(0, 3000, 37):
            other = Candidate(2, 1, cls, anchor=now - waited, arrival=now - waited)
            ahead_by_threshold = other.anchor < thresholds[cls]
            ahead_by_priority = priority(policy, other, now) > priority(policy, mine, now)
            if abs(priority(policy, other, now) - priority(policy, mine, now)) > 1e-9:
                assert ahead_by_threshold == ahead_by_priority, (cls, waited)


def test_kiosk_prompts_read_the_number_digit_by_digit():
    from server.domain.announcement import prompt_text

    said = {code: render(prompt_text("your_number", code, "B042", ahead=2), code) for code in ("zh", "en")}
    assert said["zh"] == "您的号码是 B 零 四 二 号, 前面还有 2 人"
    assert said["en"] == "Your number is B 0 4 2. 2 people are ahead of you"
    assert render(prompt_text("choose_service", "yue"), "yue") == "請選擇你要辦理嘅業務"
    with pytest.raises(ValueError):
        prompt_text("your_number", "zh")
