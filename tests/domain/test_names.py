"""Names in any language: the fallback rule and what the API accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.domain.names import complete_name, local_name, parse_name
from server.domain.notices import NoticeKind, notice_text
from server.i18n import render


def test_a_language_the_name_has_is_used_as_it_is():
    assert local_name({"zh": "中山路支行", "en": "Zhongshan Road", "yue": "中山路分行"}, "yue") == "中山路分行"


def test_a_missing_language_falls_back_to_english_first():
    assert local_name({"zh": "中山路支行", "en": "Zhongshan Road"}, "yue") == "Zhongshan Road"


def test_without_english_it_falls_back_to_chinese():
    assert local_name({"zh": "中山路支行", "yue": "中山路分行"}, "en") == "中山路支行"


def test_a_name_in_one_other_language_is_still_shown():
    assert local_name({"yue": "中山路分行"}, "en") == "中山路分行"


def test_complete_name_fills_every_language_asked_for():
    assert complete_name({"zh": "个人业务", "en": "Personal"}, ("zh", "en", "yue")) == {
        "zh": "个人业务",
        "en": "Personal",
        "yue": "Personal",
    }


def test_one_string_is_the_name_every_reader_falls_back_to():
    assert parse_name(" 3号窗口 ") == {"zh": "3号窗口", "en": "3号窗口"}


def test_a_name_object_keeps_its_languages_stripped():
    assert parse_name({"zh": " 个人业务", "yue": "個人業務 "}) == {"zh": "个人业务", "yue": "個人業務"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"fr": "Bonjour", "en": "Hello"}, "unknown language 'fr'"),
        ({"yue": "個人業務"}, "at least one of en or zh"),
        ({"zh": ""}, "zh must be 1 to 120"),
        ({"zh": "   "}, "zh must be 1 to 120"),
        ({"en": "x" * 121}, "en must be 1 to 120"),
        ({"en": 5}, "en must be 1 to 120"),
        ({}, "must be a string or an object"),
        (["zh", "en"], "must be a string or an object"),
        ("", "the name must be 1 to 120"),
    ],
)
def test_bad_names_are_refused_saying_why(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_name(value)


def test_a_message_names_the_branch_by_the_fallback_rule():
    text = render(
        notice_text(
            NoticeKind.CONFIRMED,
            branch={"zh": "中山路支行"},
            service={"zh": "个人业务", "en": "Personal banking"},
            start=datetime(2026, 12, 1, 2, tzinfo=UTC),
            timezone="Asia/Shanghai",
            code="K7Q2",
        ),
        "en",
    )
    assert text == "Booked: 中山路支行, Personal banking, 2026-12-01 10:00. Code K7Q2"
