"""The tracking page on a phone (390x844) in real Chromium: honest "turn near", no cancel once
called, no "notify me" when done, a rating form that fits, errors in the phone's language,
200% text and large print."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, screenshot, start_site, switch_language, wait_until
from tests.browser.floor_support import api, clear_queue, issue

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("phone-tracking"))
    yield site
    site.server.stop()


def phone(new_page: Any, locale: str = "zh-CN") -> Any:
    return new_page(PHONE["width"], PHONE["height"], is_mobile=True, has_touch=True, locale=locale)


def test_turn_near_only_while_an_open_counter_serves_and_no_cancel_once_called(site: Site, new_page: Any) -> None:
    clear_queue(site)
    ticket = issue(site)
    counter = site.branch.counters[1]
    api(site, "POST", f"/api/v1/counters/{counter}/open")
    page = phone(new_page)
    page.goto(f"{site.url}{ticket['track_url']}")
    page.wait_for_selector("#banner-near:not([hidden])")
    assert page.locator("#cancel").is_visible()
    screenshot(page, "track-near-zh")
    api(site, "POST", f"/api/v1/counters/{counter}/close")
    page.reload()
    page.wait_for_selector("#card:not([hidden])")
    assert page.locator("#banner-near").is_hidden()  # nobody can call it: no promise of a turn soon
    api(site, "POST", f"/api/v1/counters/{counter}/open")
    api(site, "POST", f"/api/v1/counters/{counter}/call-next")
    page.wait_for_selector("#banner-called:not([hidden])")
    assert page.locator("#cancel").is_hidden()
    screenshot(page, "track-called-zh")


def test_when_done_the_rating_form_fits_and_notify_me_is_gone(site: Site, new_page: Any) -> None:
    clear_queue(site)
    ticket = issue(site, language="en")
    page = phone(new_page, "en-GB")
    page.goto(f"{site.url}{ticket['track_url']}")
    page.wait_for_selector("#card:not([hidden])")
    notify_offered = page.evaluate("'Notification' in window && Notification.permission === 'default'")
    assert page.locator("#notify").is_visible() == notify_offered
    counter = site.branch.counters[1]
    api(site, "POST", f"/api/v1/counters/{counter}/open")
    api(site, "POST", f"/api/v1/counters/{counter}/call-next")
    api(site, "POST", f"/api/v1/tickets/{ticket['id']}/start")
    api(site, "POST", f"/api/v1/tickets/{ticket['id']}/finish")
    page.wait_for_selector("#rate:not([hidden])")
    assert page.locator("#notify").is_hidden()
    box, card = page.locator("#rate").bounding_box(), page.locator("#card").bounding_box()
    assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + 0.5
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    for star in range(5):
        star_box = page.locator("#stars button").nth(star).bounding_box()
        assert star_box["x"] + star_box["width"] <= box["x"] + box["width"]
    screenshot(page, "track-rate-en")
    switch_language(page, "zh")
    screenshot(page, "track-rate-zh")


def test_the_error_page_speaks_the_phones_language(site: Site, new_page: Any) -> None:
    for locale, words in (("en-US", "ticket"), ("zh-CN", "号")):
        page = phone(new_page, locale)
        page.goto(f"{site.url}/track/999999?token=nope")
        page.wait_for_selector("#problem:not([hidden])")
        assert words in page.locator("#problem").inner_text().lower()
        assert page.evaluate("document.documentElement.lang") == ("en" if locale == "en-US" else "zh-CN")
        screenshot(page, f"track-error-{locale[:2]}")


def test_the_page_fits_at_200_percent_text_and_offers_large_print(site: Site, new_page: Any) -> None:
    clear_queue(site)
    ticket = issue(site)
    page = phone(new_page)
    page.goto(f"{site.url}{ticket['track_url']}")
    page.wait_for_selector("#card:not([hidden])")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("#large-print")
    wait_until(page, "document.documentElement.classList.contains('large-print')")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= 1.5 * before
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "track-large-print-zh")
    page.click("#large-print")
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # the phone's text size at 200%
    page.wait_for_timeout(200)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    number = page.locator("#number").bounding_box()
    assert number["x"] >= 0 and number["x"] + number["width"] <= PHONE["width"]
    screenshot(page, "track-200-percent-zh")
