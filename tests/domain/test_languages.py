"""The language registry: one list, spoken numbers, the CONTRACT's fallback."""

from __future__ import annotations

import subprocess

import pytest

from server.domain.announcement import branch_languages, voice_order
from server.domain.errors import InvalidInput
from server.domain.languages import (
    CODES,
    LANGUAGES,
    check_language,
    check_languages,
    chinese_numeral,
    pick,
    spoken_counter,
    spoken_ticket,
)


def test_the_registry_speaks_mandarin_english_and_cantonese_in_traditional_characters():
    assert CODES[:3] == ("zh", "en", "yue")  # zh and en always (CONTRACT 1.1); more may follow
    yue = LANGUAGES[2]
    assert (yue.tag, yue.script, yue.voice, yue.numbers) == ("yue-Hant-HK", "Hant", "yue", "chinese")


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (999, "九百九十九"),
        (1001, "一千零一"),
        (2000, "两千"),
    ],
)
def test_chinese_reads_counter_numbers_as_numbers_not_digits(number, said):
    assert chinese_numeral(number) == said


def test_counter_and_ticket_numbers_are_spoken_per_language():
    assert spoken_counter(12, "zh") == spoken_counter(12, "yue") == "十二"
    assert spoken_counter(12, "en") == "12"
    assert spoken_ticket("A017", "yue") == "A 零 一 七"
    assert spoken_ticket("A017", "en") == "A 0 1 7"


def test_a_name_missing_in_a_language_falls_back_to_english_then_chinese():
    assert pick({"zh": "个人业务", "en": "Personal"}, "yue") == "Personal"
    assert pick({"zh": "个人业务"}, "yue") == "个人业务"
    assert pick({"yue": "個人業務", "en": "Personal"}, "yue") == "個人業務"
    assert pick("A plain name", "yue") == "A plain name"


def test_only_registry_codes_are_languages():
    assert check_language("yue") == "yue"
    for bad in ("fr", "ZH", "", None, 3, ["zh"]):
        with pytest.raises(InvalidInput) as error:
            check_language(bad)
        assert error.value.code == "invalid_language" and "yue" in error.value.message
    assert check_languages(["yue", "en"], "voice_languages") == ["yue", "en"]
    for bad in ([], ["zh", "zh"], "zh,en", ["zh", "xx"]):
        with pytest.raises(InvalidInput) as error:
            check_languages(bad, "voice_languages")
        assert error.value.field == "voice_languages"


def test_a_branch_chooses_its_screen_and_voice_languages_and_the_holder_hears_theirs_first():
    settings = {"screen_languages": ["yue", "en"], "voice_languages": ["zh", "yue", "en"]}
    assert branch_languages(settings, "screen") == ("yue", "en")
    assert branch_languages(settings, "voice") == ("zh", "yue", "en")
    assert branch_languages({}, "voice") == ("zh", "en")
    assert branch_languages({"announce_languages": "en,zh"}, "voice") == ("en", "zh")  # the older setting
    assert voice_order("yue", ("zh", "en")) == ("yue", "zh", "en")
    assert voice_order("en", ("zh", "yue", "en")) == ("en", "zh", "yue")


def test_every_registry_voice_is_one_espeak_ng_has():
    listed = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listed.splitlines()[1:] if line.split()]
    # a voice is named by its language column or its file's name (gmw/en -> en)
    names = {row[1] for row in rows} | {row[4].rsplit("/", 1)[-1].lower() for row in rows}
    assert {language.voice for language in LANGUAGES if language.voice} <= names
