"""Every page in Cantonese (yue): chosen in the language chooser, no text left in another
language or as a bare key, and every character drawn by an installed font (no tofu)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import requests
from fontTools.ttLib import TTCollection, TTFont

from server.i18n import catalogue
from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser

YUE_TAG = "yue-Hant-HK"
# Every text node the user can see (and the values of buttons and placeholders).
VISIBLE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const box = node.parentElement;
    if (!box || box.closest("[hidden], script, style, svg")) continue;
    if (getComputedStyle(box).visibility === "hidden" || !box.getClientRects().length) continue;
    if (node.textContent.trim()) texts.push(node.textContent.trim());
  }
  document.querySelectorAll("[placeholder]").forEach((el) => el.placeholder && texts.push(el.placeholder));
  return texts;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("cantonese"))
    yield site
    site.server.stop()


@cache
def covered_codepoints() -> frozenset[int]:
    """Every character some installed font has a glyph for (Chromium falls back through them)."""
    files = subprocess.run(["fc-list", "--format", "%{file}\\n"], capture_output=True, text=True, check=True)
    points: set[int] = set()
    for path in set(files.stdout.split()):
        fonts = TTCollection(path).fonts if path.endswith(".ttc") else [TTFont(path, lazy=True)]
        for font in fonts:
            points |= set(font.getBestCmap() or {})
    return frozenset(points)


BARE_KEY = re.compile(r"\b[a-z]+\.[a-z_]+(?:\.[a-z_]+)*\b")


def not_in_cantonese(texts: list[str]) -> list[str]:
    """Texts that are the English or Simplified Chinese wording of a key whose Cantonese differs, or hold a bare key."""
    yue, others = catalogue("yue"), (catalogue("en"), catalogue("zh"))
    foreign = {other[key] for other in others for key in other if other[key] != yue.get(key) and "{" not in other[key]}
    return [text for text in texts if text in foreign or BARE_KEY.search(text)]


def check_cantonese(page: Any, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == YUE_TAG
    page.wait_for_timeout(300)  # let the last redraw land
    texts = page.evaluate(VISIBLE_TEXTS)
    assert texts, name
    assert not_in_cantonese(texts) == [], name
    missing = sorted({ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in covered_codepoints()})
    assert missing == [], f"{name}: no font draws {missing}"
    screenshot(page, f"{name}-yue")


def test_the_kiosk_in_cantonese_gives_a_cantonese_ticket(site: Site, new_page: Any) -> None:
    kiosk = new_page(1080, 1920)
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("button.service")
    switch_language(kiosk, "yue")
    kiosk.wait_for_selector("text=請選擇業務")
    check_cantonese(kiosk, "kiosk")
    kiosk.click("#lang")  # the chooser lists every language in itself
    assert kiosk.locator(".lang-menu button[aria-checked=true]").inner_text() == "粵語"
    screenshot(kiosk, "kiosk-chooser-yue")
    kiosk.click("#lang")
    kiosk.click(f"button.service[data-service='{site.branch.services['A']}']")
    kiosk.wait_for_selector("#ticket:not([hidden])")
    assert "前面" in kiosk.locator("#t-ahead").inner_text()
    check_cantonese(kiosk, "kiosk-ticket")
    track_url = kiosk.get_attribute("#t-qr", "data-text")
    ticket_id, token = track_url.split("/track/")[1].split("?token=")
    ticket = requests.get(f"{site.url}/api/v1/tickets/{ticket_id}?token={token}", timeout=10).json()
    assert ticket["language"] == "yue"

    phone = new_page(390, 844, is_mobile=True, has_touch=True)
    phone.goto(track_url)  # the holder's page opens in the language chosen at the kiosk
    phone.wait_for_selector("#number:text('A')", state="attached")
    phone.wait_for_function("() => document.documentElement.lang === 'yue-Hant-HK'")
    check_cantonese(phone, "track")


def test_the_display_in_cantonese_goes_through_the_branchs_other_screen_languages(site: Site, new_page: Any) -> None:
    b = site.branch
    manager = b.headers("manager")
    chosen = {"settings": {"screen_languages": ["yue", "zh", "en"]}}
    assert requests.patch(f"{site.url}/api/v1/branches/{b.id}", json=chosen, headers=manager, timeout=10).ok
    display = new_page(1920, 1080)
    display.goto(f"{site.url}/display?device={b.tokens['display']}")
    display.wait_for_selector("#waiting li")
    switch_language(display, "yue")
    check_cantonese(display, "display")
    teller = b.headers("teller")
    ticket = {"service_id": b.services["A"], "language": "yue"}
    requests.post(f"{site.url}/api/v1/branches/{b.id}/tickets", json=ticket, headers=b.headers("kiosk"), timeout=10)
    requests.post(f"{site.url}/api/v1/counters/{b.counters[1]}/open", headers=teller, timeout=10)
    called = requests.post(f"{site.url}/api/v1/counters/{b.counters[1]}/call-next", headers=teller, timeout=10)
    assert called.status_code == 200
    display.wait_for_selector("#now-where:text('請到 1 號櫃檯')")
    seen = set()
    for _ in range(40):  # the second line changes language every 8 s
        seen.add(display.locator("#now-where-other").inner_text())
        if len(seen) == 2:
            break
        display.wait_for_timeout(500)
    assert seen == {"请到 1 号窗口", "Please go to counter 1"}
    screenshot(display, "display-call-yue")


def test_the_counter_and_the_manager_in_cantonese(site: Site, new_page: Any) -> None:
    counter = new_page(1440, 900)
    counter.goto(f"{site.url}/counter")
    switch_language(counter, "yue")
    staff_login(counter, "teller-b1", PASSWORD)
    counter.click("#counters button >> nth=0")
    counter.wait_for_selector("#work:not([hidden])")
    check_cantonese(counter, "counter")

    manager = new_page(1440, 900, timezone_id="Asia/Shanghai")
    manager.goto(f"{site.url}/manager")
    switch_language(manager, "yue")
    staff_login(manager, "manager-b1", PASSWORD)
    manager.wait_for_selector("#m-devices tr")
    check_cantonese(manager, "manager")


def test_the_booking_page_in_cantonese_and_a_browser_set_to_hong_kong_gets_it_first(site: Site, new_page: Any) -> None:
    phone = new_page(390, 844, is_mobile=True, has_touch=True, locale="zh-HK")
    phone.goto(f"{site.url}/book")
    phone.wait_for_selector("#branch option", state="attached")
    check_cantonese(phone, "book")
    phone.click("#lang")
    screenshot(phone, "book-chooser-yue")
    assert phone.locator(".lang-menu button").all_inner_texts() == ["中文", "English", "粵語"]
    phone.click(".lang-menu button[data-lang='en']")
    assert phone.locator(".lang-menu").is_hidden()
    assert phone.locator(".topbar .brand").inner_text() == catalogue("en")["book2.title"]
