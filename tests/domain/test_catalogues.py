"""The catalogues: one per registry language, the same keys and placeholders in each, and
every key that code, pages or templates use present (a missing key fails here, not a customer)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from server.domain.alerts import PRINTER_FAULTS
from server.domain.announcement import PROMPTS
from server.domain.classes import CustomerClass
from server.domain.languages import CODES
from server.domain.notices import NoticeKind
from server.domain.text import Text
from server.i18n import CATALOGUE_DIR, catalogue, render_all
from tests.support.languages import in_languages

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "server" / "web"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def keys_in(pattern: str, *folders: Path, suffixes: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in suffixes and "vendor" not in path.parts:
                found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_there_is_one_catalogue_per_registry_language_and_no_other():
    assert sorted(path.stem for path in CATALOGUE_DIR.glob("*.json")) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_every_catalogue_has_every_key_the_others_have_with_the_same_placeholders(code):
    keys = set().union(*(catalogue(other) for other in CODES))
    mine = catalogue(code)
    assert sorted(keys - set(mine)) == [], f"{code}.json misses these"
    for key, text in mine.items():
        assert text.strip(), f"{code}.json {key} is empty"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(catalogue("en")[key])), (code, key)


def test_catalogues_are_flat_sorted_and_valid_json():
    for path in CATALOGUE_DIR.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all(isinstance(value, str) for value in data.values()), path.name
        assert list(data) == sorted(data), f"{path.name} keys are not sorted"


def test_every_key_the_pages_and_templates_name_is_in_the_catalogues():
    keys = set(catalogue("en"))
    # the shared page core, and each terminal's own page in its package
    pages = [ROOT / terminal / "page" for terminal in ("kiosk", "display", "counter")]
    scripts = (WEB / "static", *pages)
    templates = (WEB / "templates", *pages)
    used = keys_in(r'\bt\("([\w.]+)"', *scripts, suffixes=(".js",))
    used |= keys_in(r'data-i18n(?:-placeholder|-label)?="([\w.]+)"', *templates, suffixes=(".html",))
    used |= keys_in(r'data-title-key="([\w.]+)"', *templates, suffixes=(".html",))
    used |= keys_in(r'(?:Key|key) = "([a-z]+\.[\w.]+)"', *scripts, suffixes=(".js",))  # keys kept in variables
    assert len(used) > 150
    assert sorted(used - keys) == []
    # keys built in a template literal: each prefix names some key
    prefixes = keys_in(r"\bt\(`([\w.]+)\$\{", *scripts, suffixes=(".js",))
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in keys)) == []


def test_every_key_the_server_says_is_in_the_catalogues():
    keys = set(catalogue("en"))
    server = ROOT / "server"
    used = keys_in(r'\b(?:say|Text|text)\(\s*"([a-z]+\.[\w.]+)"', server, suffixes=(".py",))
    assert {"ticket.your_number", "mail.subject", "checkin.on_time", "wait.now"} <= used
    # keys the server builds from values
    policy = (server / "domain" / "policy.py").read_text(encoding="utf-8")
    reasons = set(re.findall(r'(?:_reason|reason_for)\("(\w+)"', policy))
    reasons |= set(re.findall(r'return "(\w+)"', policy))
    reasons |= set(re.findall(r'reason_for\("(\w+)"', (server / "services" / "calling.py").read_text()))
    assert {"only_waiting", "hard_limit", "transferred", "chosen_by_teller"} <= reasons
    used |= {f"reason.{code}" for code in reasons}
    used |= {f"reason.cls.{cls.value}" for cls in CustomerClass}
    used |= {f"notice.{kind.value}" for kind in NoticeKind}
    used |= {f"announce.{prompt}" for prompt in PROMPTS}
    used |= {f"device.{status}" for status in PRINTER_FAULTS}
    assert sorted(used - keys) == []


def test_a_key_missing_in_one_language_falls_back_and_a_key_missing_everywhere_fails():
    assert in_languages(render_all(Text("wait.about", {"min": 5})), "zh", "en", "yue") == {
        "zh": "约 5 分钟",
        "en": "about 5 min",
        "yue": "約 5 分鐘",
    }
    with pytest.raises(KeyError):
        render_all(Text("no.such.key"))
